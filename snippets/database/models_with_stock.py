from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models, transaction


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
    stock = models.PositiveIntegerField(
        default=0, db_default=0, help_text="Units in the warehouse, ready to ship."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # After the transaction commits, not now: until then, a worker (or another
    # request) cannot see this row, and a rollback would leave the cache or the
    # email saying what never happened. Outside a transaction, commit is now.
    def save(self, *args: Any, **kwargs: Any) -> None:
        # Imported here: both modules import this one.
        from .catalogue import forget_products
        from .tasks import announce_product

        new = self._state.adding
        super().save(*args, **kwargs)
        transaction.on_commit(forget_products)
        if new and settings.MANAGERS:  # nobody to tell, no task
            pk = self.pk
            transaction.on_commit(lambda: announce_product.delay(pk))

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from .catalogue import forget_products

        deleted = super().delete(*args, **kwargs)
        transaction.on_commit(forget_products)
        return deleted
