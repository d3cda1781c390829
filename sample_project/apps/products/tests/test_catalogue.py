"""The product list is cached, and forgotten when a product changes."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

from apps.products.factories import product
from apps.products.models import Product

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def test_the_second_request_reads_the_list_from_the_cache(
    client: Client, django_assert_num_queries: Any
) -> None:
    teapot = product.make(name="Teapot")
    client.get("/products/")
    # update() writes without save(): the cache is not told, as it is not for a
    # fix typed in psql, so the page still shows the cached name.
    Product.objects.filter(pk=teapot.pk).update(name="Kettle")

    with django_assert_num_queries(0):
        response = client.get("/products/")

    assert b"Teapot" in response.content
    assert b"Kettle" not in response.content


def test_saving_a_product_forgets_the_cached_list(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    teapot = product.make(name="Teapot")
    client.get("/products/")

    with django_capture_on_commit_callbacks(execute=True):
        teapot.name = "Kettle"
        teapot.save()

    assert b"Kettle" in client.get("/products/").content


def test_a_new_product_shows_once_its_transaction_commits(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    client.get("/products/")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        product.make(name="Teapot")
        assert b"Teapot" not in client.get("/products/").content

    assert len(callbacks) == 1  # forget the list (no MANAGERS: nobody to tell)
    assert b"Teapot" in client.get("/products/").content


def test_deleting_a_product_forgets_the_cached_list(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    teapot = product.make(name="Teapot")
    client.get("/products/")

    with django_capture_on_commit_callbacks(execute=True):
        teapot.delete()

    assert b"Teapot" not in client.get("/products/").content
