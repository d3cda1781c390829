"""devtools/sentry_receiver.py: the stand-in for Sentry that the Observability
chapter starts. The real SDK's envelopes are in test_error_reports.py."""

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from devtools import sentry_receiver
from devtools.sentry_receiver import Receiver, items, summary

EVENT = {
    "level": "error",
    "logentry": {"message": "health check: database unavailable"},
    "tags": {"request_id": "abc"},
}


def envelope(*parts: bytes) -> bytes:
    return b"\n".join([b'{"event_id": "1"}', *parts]) + b"\n"


def test_items_are_read_by_length_or_by_line() -> None:
    """The SDK gives each item's length; the protocol also allows one line."""
    payload = b'{"a": "b\\nc"}'
    body = envelope(
        b'{"type": "event", "length": %d}' % len(payload),
        payload,
        b'{"type": "session"}',
        b'{"s": 1}',
    )

    assert list(items(body)) == [
        ({"type": "event", "length": len(payload)}, payload),
        ({"type": "session"}, b'{"s": 1}'),
    ]


def test_a_logged_error_is_summed_up_by_its_message() -> None:
    assert summary(EVENT) == {
        "level": "error",
        "exception": None,
        "message": "health check: database unavailable",
        "url": None,
        "request_id": "abc",
    }


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/1/envelope/"
    server.shutdown()
    thread.join()
    server.server_close()


def test_events_are_printed_and_other_items_ignored(
    receiver: str, capsys: pytest.CaptureFixture[str]
) -> None:
    body = envelope(
        b'{"type": "session"}', b"{}", b'{"type": "event"}', json.dumps(EVENT).encode()
    )

    with urllib.request.urlopen(receiver, data=body, timeout=10) as response:
        assert response.status == 200

    assert capsys.readouterr().out.splitlines() == [json.dumps(summary(EVENT))]


def test_main_serves_until_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(self: ThreadingHTTPServer) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ThreadingHTTPServer, "serve_forever", interrupted)

    assert sentry_receiver.main(["127.0.0.1:0"]) == 0
    [banner] = capsys.readouterr().out.splitlines()
    assert banner.startswith("Receiving Sentry events on http://127.0.0.1:")
