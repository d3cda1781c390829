"""A new product is announced by a background task, once, after commit, with retries."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.core.mail import mail_managers
from django.test import override_settings

from apps.products import tasks
from apps.products.factories import product

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
MANAGERS = [("shop@example.com", "shop@example.com")]


@override_settings(MANAGERS=MANAGERS)
def test_a_new_product_is_announced_when_its_transaction_commits(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        product.make(name="Teapot", price="12.50")
        assert mail.outbox == []  # not before commit: a worker could not see it

    [message] = mail.outbox
    assert message.to == ["shop@example.com"]
    assert message.subject == "[Django] New product: Teapot"
    assert message.body == "Teapot is in the shop at 12.50."


def test_without_managers_no_task_is_queued(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        product.make(name="Teapot")

    assert len(callbacks) == 1  # the cached list is forgotten; nothing else


@override_settings(MANAGERS=MANAGERS)
def test_saving_a_product_again_announces_nothing(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    teapot = product.make(name="Teapot")

    with django_capture_on_commit_callbacks(execute=True):
        teapot.price = 15
        teapot.save()

    assert mail.outbox == []


class MailServer:
    """Stands in for mail_managers: down for the first `failures` calls, then up."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.send = mail_managers

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionRefusedError(111, "Connection refused")
        self.send(*args, **kwargs)


@override_settings(MANAGERS=MANAGERS)
def test_a_mail_server_that_comes_back_gets_the_announcement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    teapot = product.make()
    server = MailServer(failures=2)
    monkeypatch.setattr(tasks, "mail_managers", server)

    result = tasks.announce_product.apply(args=(teapot.pk,))

    assert result.successful()
    assert server.calls == 3  # two refusals, each retried, then sent
    assert len(mail.outbox) == 1


@override_settings(MANAGERS=MANAGERS)
def test_a_mail_server_that_stays_down_fails_the_task_after_three_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    teapot = product.make()
    server = MailServer(failures=10)
    monkeypatch.setattr(tasks, "mail_managers", server)

    result = tasks.announce_product.apply(args=(teapot.pk,))

    assert result.failed()
    assert isinstance(result.result, ConnectionRefusedError)
    assert server.calls == 4  # the first try and three retries
    assert mail.outbox == []
