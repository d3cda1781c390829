from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from apps.products.factories import product
from apps.products.models import Product
from apps.users.models import User

pytestmark = pytest.mark.django_db

NEW_PRODUCT = {"name": "Kettle", "slug": "kettle", "price": "24.50"}


def test_list_returns_active_products_paginated(api_client: APIClient) -> None:
    """Anyone can read the list; hidden products stay hidden."""
    product.make(name="Teapot", slug="teapot")
    product.make(is_active=False)

    response = api_client.get("/api/products/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"][0]["slug"] == "teapot"


def test_detail_is_found_by_slug(api_client: APIClient) -> None:
    """A product's URL is /api/products/<slug>/; the price is an exact decimal."""
    product.make(slug="teapot", price=Decimal("12.30"))

    response = api_client.get("/api/products/teapot/")

    assert response.status_code == 200
    assert response.json()["price"] == "12.30"


def test_detail_of_a_hidden_product_is_404(api_client: APIClient) -> None:
    product.make(slug="old", is_active=False)
    assert api_client.get("/api/products/old/").status_code == 404


def test_authenticated_user_creates_a_product(
    api_client: APIClient, user: User
) -> None:
    """A logged-in user can create; the response is the stored product."""
    api_client.force_authenticate(user)

    response = api_client.post("/api/products/", NEW_PRODUCT, format="json")

    assert response.status_code == 201
    assert response.json()["slug"] == "kettle"
    assert Product.objects.get(slug="kettle").price == Decimal("24.50")


def test_anonymous_write_is_401_and_stores_nothing(api_client: APIClient) -> None:
    """Writes need authentication; the client is told how (HTTP Basic)."""
    response = api_client.post("/api/products/", NEW_PRODUCT, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert not Product.objects.exists()


def test_basic_auth_credentials_are_accepted(api_client: APIClient) -> None:
    """curl -u user:password works against the API."""
    User.objects.create_user("api", password="s3cret-pass")  # pragma: allowlist secret
    api_client.credentials(HTTP_AUTHORIZATION="Basic YXBpOnMzY3JldC1wYXNz")

    response = api_client.post("/api/products/", NEW_PRODUCT, format="json")

    assert response.status_code == 201


def test_session_write_without_csrf_token_is_403(user: User) -> None:
    """A browser session cannot be used for a cross-site write."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/api/products/", NEW_PRODUCT, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_invalid_product_is_400_with_field_errors(
    api_client: APIClient, user: User
) -> None:
    """Each invalid field is named, so a client can show the error beside it."""
    product.make(slug="taken")
    api_client.force_authenticate(user)

    response = api_client.post(
        "/api/products/",
        {"name": "", "slug": "taken", "price": "-1"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"name", "slug", "price"}
