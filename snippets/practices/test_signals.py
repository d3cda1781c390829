"""The audit line a product's save logs (apps/products/signals.py)."""

from decimal import Decimal

import pytest

from apps.products.factories import product
from apps.products.models import Product

pytestmark = pytest.mark.django_db

AUDIT = "apps.products.signals"


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, bool]]:
    return [
        (vars(record)["slug"], vars(record)["new"])
        for record in caplog.records
        if record.name == AUDIT
    ]


def test_each_save_logs_one_audit_line(caplog: pytest.LogCaptureFixture) -> None:
    """Creating, then changing a product: two saves, two lines."""
    with caplog.at_level("INFO", logger=AUDIT):
        teapot = product.make(slug="teapot")
        teapot.price = Decimal("35.00")
        teapot.save()

    assert audit_lines(caplog) == [("teapot", True), ("teapot", False)]


def test_queryset_update_sends_no_signal(caplog: pytest.LogCaptureFixture) -> None:
    """update() writes SQL directly: no save(), so no post_save and no audit line."""
    product.make(slug="teapot")
    caplog.clear()  # forget the line of make()'s save
    with caplog.at_level("INFO", logger=AUDIT):
        Product.objects.filter(slug="teapot").update(price=Decimal("35.00"))

    assert audit_lines(caplog) == []
