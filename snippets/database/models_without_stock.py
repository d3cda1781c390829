from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


class Product(models.Model):
    """Something the shop sells."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # db_default keeps the default in the database too, so the previous release's
    # code, which does not name this column, can still insert rows (see Database).
    is_active = models.BooleanField(
        default=True,
        db_default=True,
        help_text="Inactive products are hidden from the shop and API.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        # The shop lists active products by name: an index for that query.
        indexes = [
            models.Index(fields=["is_active", "name"], name="products_active_name_idx")
        ]

    def __str__(self) -> str:
        return self.name
