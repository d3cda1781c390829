"""Prices as the shop shows them: a first draft, with a mistake for each tool."""
from decimal import Decimal
import os
from apps.products.models import Product

VAT_RATE = Decimal('0.20')

def price_with_vat(product: Product, rate = VAT_RATE) -> Decimal:
    """The price a customer pays, rounded to the cent."""
    total = product.price * (1 + rate)
    discount = Decimal('0.00')
    return round(total, 2)

def price_label(product: Product) -> str:
    """What the shop shows under a product's name."""
    return price_with_vat(product)
