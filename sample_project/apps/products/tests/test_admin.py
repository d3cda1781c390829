import pytest
from django.test import Client

from apps.products.factories import product

pytestmark = pytest.mark.django_db


def test_admin_lists_and_searches_products(admin_client: Client) -> None:
    product.make(name="Teapot")

    response = admin_client.get("/admin/products/product/", {"q": "tea"})

    assert response.status_code == 200
    assert b"Teapot" in response.content


def test_admin_users_page_uses_the_custom_user_model(admin_client: Client) -> None:
    response = admin_client.get("/admin/users/user/")
    assert response.status_code == 200
