"""Fails on purpose: the products API lists by name, not by price."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from apps.products.factories import product

pytestmark = pytest.mark.django_db


def test_cheapest_product_is_listed_first(api_client: APIClient) -> None:
    """A wrong expectation: Product.Meta.ordering sorts the list by name."""
    product.make(name="Kettle", price=Decimal("24.50"))
    product.make(name="Teapot", price=Decimal("12.30"))

    response = api_client.get("/api/products/")

    names = [item["name"] for item in response.json()["results"]]
    assert names == ["Teapot", "Kettle"]
