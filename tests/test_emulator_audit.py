"""The audit emulator: when PyPI's vulnerability service counts as answering, and what
an emulated pip-audit block checks.

The service is a stand-in HTTP server of the test (``audit.SERVICE`` points at it), so
the tests say the same on a machine where PyPI answers. The page runs a real pip-audit,
installed by the page into its virtualenv as a reader does (the engine's own environment
does not need it): that takes a few seconds, and the network or a mirror.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from handbook.emulators import audit
from tests.chapters import Handbook, exact, excerpt_row, free_port

PATH = "/pypi/django/5.2.19/json"
AUDIT_LINE = "pip-audit --strict --disable-pip -r requirements.txt"


@dataclass
class StandIn:
    """What the stand-in service answers, and the paths it was asked for."""

    status: int = 200
    body: bytes = b'{"vulnerabilities": []}'
    asked: list[str] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """A local stand-in for PyPI's JSON API; audit.SERVICE points at it."""
    stand_in = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            stand_in.asked.append(self.path)
            self.send_response(stand_in.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(stand_in.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}{PATH}"
    monkeypatch.setattr(audit, "SERVICE", stand_in.url)
    audit.unavailable_reason.cache_clear()
    yield stand_in
    audit.unavailable_reason.cache_clear()
    server.shutdown()
    server.server_close()


def test_the_service_is_available_when_it_answers_a_vulnerabilities_list(
    service: StandIn,
) -> None:
    """200 with the key pip-audit reads: blocks run for real. Asked once per process."""
    assert audit.available()
    assert audit.unavailable_reason() is None
    assert audit.available()
    assert service.asked == [PATH]


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (404, b'{"message": "Not Found"}', "HTTP 404"),
        (200, b'{"info": {}}', "the answer has no vulnerabilities list"),
        (200, b"<html>mirror</html>", "the answer is not JSON"),
    ],
    ids=["404 (this machine's mirror)", "no vulnerabilities key", "not JSON"],
)
def test_the_service_is_unavailable_when_it_does_not_answer_the_list(
    service: StandIn, status: int, body: bytes, reason: str
) -> None:
    """The reason names the URL and what came back."""
    service.status, service.body = status, body
    assert not audit.available()
    assert audit.unavailable_reason() == f"{service.url}: {reason}"


def test_the_service_is_unavailable_when_nothing_listens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A refused connection: the reason says so."""
    url = f"http://127.0.0.1:{free_port()}{PATH}"
    monkeypatch.setattr(audit, "SERVICE", url)
    audit.unavailable_reason.cache_clear()
    try:
        assert not audit.available()
        assert audit.unavailable_reason() == f"{url}: [Errno 111] Connection refused"
    finally:
        audit.unavailable_reason.cache_clear()


def audit_chapter(handbook: Handbook, service: StandIn) -> None:
    """The fixture page, run by an engine whose SERVICE is the stand-in (answering 404)."""
    service.status, service.body = 404, b'{"message": "Not Found"}'
    handbook.pytester.makeconftest(
        f"import handbook.emulators.audit as audit\naudit.SERVICE = {service.url!r}\n"
    )
    handbook.chapter_from("audit")


@pytest.mark.slow
def test_an_emulated_audit_reads_the_hash_locked_requirements(
    handbook: Handbook, service: StandIn
) -> None:
    """pip-audit --dry-run reads the lock's three packages (of four pins: one's marker is
    false) and exits 0; the reason says why the service was not used, and what ran."""
    audit_chapter(handbook, service)

    result = handbook.run("docs/audit.md")

    result.assert_outcomes(passed=3)
    assert service.asked == [PATH]  # by the engine, once; pip-audit --dry-run asks nothing
    blocks = handbook.report()["runs"]["audit"]["blocks"]
    assert [block["status"] for block in blocks] == ["passed", "passed", "emulated"]
    assert blocks[2]["reason"] == (
        f"emulated: PyPI's vulnerability service did not answer here ({service.url}: "
        'HTTP 404); `echo "auditing the lock"` ran for real; pip-audit --dry-run read the '
        "3 pinned packages of requirements.txt and audited none"
    )


@pytest.mark.slow
def test_an_emulated_audit_of_a_missing_file_fails_naming_the_line(
    handbook: Handbook, service: StandIn
) -> None:
    """No requirements.txt (the page saved the lock under another name): pip-audit exits 1,
    and the failure names the pip-audit line of the page, with pip-audit's words."""
    audit_chapter(handbook, service)
    page = (handbook.root / "docs" / "audit.md").read_text()
    handbook.chapter("audit", page.replace("path=requirements.txt", "path=requirements.lock"))
    line = handbook.line_of("audit", AUDIT_LINE)

    result = handbook.run("docs/audit.md")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            exact(
                f"docs/audit.md:{line}: `{AUDIT_LINE}` (emulated: pip-audit --dry-run): "
                "command failed (exit status 1)"
            ),
            excerpt_row(line, AUDIT_LINE, marked=True),
            "--- output ---",
            "*invalid requirements input: requirements.txt*",
        ]
    )
