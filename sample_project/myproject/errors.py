"""Error reports: each unhandled exception goes to Sentry, with the request's id.

https://docs.sentry.io/platforms/python/integrations/django/
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.types import Event, Hint

from .logs import request_id


def tag_request_id(event: Event, hint: Hint) -> Event:
    """Tag the report with the id of the request it came from, as its log lines are.

    One search for the id then finds the report, the request's log lines, nginx's
    line, and the customer's support ticket.
    """
    if (current := request_id.get()) is not None:
        event.setdefault("tags", {})["request_id"] = current
    return event


def init_sentry(dsn: str, environment: str) -> None:
    """Send error reports to the Sentry project of ``dsn``.

    Exceptions a request raises, and records logged at ERROR, become reports. The
    SDK's defaults send no personal data (users' addresses, cookies), and no traces.
    """
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        before_send=tag_request_id,
    )
