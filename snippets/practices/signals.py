"""The products app's signal receivers, connected in ProductsConfig.ready().

One receiver: an audit line for each save of a product. Every way of editing a
product (the admin, the API, the shell) calls save(), so none of them has to
remember to log. QuerySet.update() and bulk_create() do not call save(), and
send no signal: see tests/test_signals.py.
"""

import logging
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Product

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Product, dispatch_uid="products.log_product_saved")
def log_product_saved(
    sender: type[Product], instance: Product, created: bool, **kwargs: Any
) -> None:
    """Log one structured line: which product, and whether it is new."""
    logger.info(
        "product saved",
        extra={"product_id": instance.pk, "slug": instance.slug, "new": created},
    )
