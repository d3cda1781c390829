from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.products.factories import product
from apps.products.models import Product

pytestmark = pytest.mark.django_db


def test_product_is_shown_by_its_name() -> None:
    """The admin and the shell show products by name."""
    assert str(product.make(name="Teapot")) == "Teapot"


def test_new_products_are_active_and_listed_by_name() -> None:
    """Migration 0002's field defaults to active; lists are alphabetical."""
    product.make(name="Mug")
    product.make(name="Cup")
    assert [p.name for p in Product.objects.all()] == ["Cup", "Mug"]
    assert all(p.is_active for p in Product.objects.all())


def test_price_cannot_be_negative() -> None:
    """A negative price is a validation error, not a stored value."""
    unsaved = product.prepare(price=Decimal("-1.00"))
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        unsaved.full_clean()
