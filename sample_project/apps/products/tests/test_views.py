import pytest
from django.test import Client

from apps.products.factories import product

pytestmark = pytest.mark.django_db


def test_home_redirects_to_the_product_list(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/products/"


def test_product_list_shows_active_products(client: Client) -> None:
    product.make(name="Teapot")
    product.make(name="Discontinued", is_active=False)

    response = client.get("/products/")

    assert response.status_code == 200
    assert b"Teapot" in response.content
    assert b"Discontinued" not in response.content
    assert b"css/site.css" in response.content


def test_product_list_escapes_html_in_product_data(client: Client) -> None:
    """A product name is text, never markup: the template escapes it (XSS)."""
    product.make(name="<script>alert(1)</script>")

    response = client.get("/products/")

    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_product_list_is_paginated(client: Client) -> None:
    product.make(_quantity=21)

    response = client.get("/products/?page=2")

    assert response.status_code == 200
    assert b"Page 2 of 2" in response.content


def test_unknown_page_uses_the_404_template(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
