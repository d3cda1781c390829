"""Test data for products (model_bakery recipes: typed, so mypy checks the tests)."""

from decimal import Decimal

from model_bakery.recipe import Recipe
from model_bakery.utils import seq

from .models import Product

product = Recipe(
    Product,
    name=seq("Product "),
    slug=seq("product-"),
    description="A product for tests.",
    price=Decimal("9.99"),
)
