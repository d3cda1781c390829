"""Work done after a request, by a Celery worker.

https://docs.celeryq.dev/en/stable/userguide/tasks.html
A task is given ids, never objects: it runs later, in another process, and reads
the database as it is then.
"""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.core.mail import mail_managers

from .models import Product

logger = logging.getLogger(__name__)


# A mail server that is down or refuses (OSError, SMTPException) is retried after
# 1, 2, then 4 seconds; the fourth failure is final, and logged by the worker.
@shared_task(
    autoretry_for=(OSError, SMTPException),
    retry_backoff=1,
    retry_jitter=False,
    max_retries=3,
)
def announce_product(product_id: int) -> None:
    """Tell the shop's managers (settings.MANAGERS) about a new product."""
    product = Product.objects.get(pk=product_id)
    mail_managers(
        f"New product: {product.name}",
        f"{product.name} is in the shop at {product.price}.",
        fail_silently=False,
    )
    logger.info("product announced", extra={"product": product.slug})
