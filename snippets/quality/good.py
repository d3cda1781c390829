"""Prices as the shop shows them."""

from decimal import Decimal

from apps.products.models import Product

VAT_RATE = Decimal("0.20")


def price_with_vat(product: Product, rate: Decimal = VAT_RATE) -> Decimal:
    """The price a customer pays, rounded to the cent."""
    return round(product.price * (1 + rate), 2)


def price_label(product: Product) -> str:
    """What the shop shows under a product's name."""
    return f"{price_with_vat(product)} incl. VAT"
