"""A stand-in for Sentry on your machine: it prints each error report it receives.

    python -m devtools.sentry_receiver 127.0.0.1:8052

Point the Sentry SDK at it with SENTRY_DSN=http://public@127.0.0.1:8052/1. For each
event, it prints one JSON line: the exception's type and message (or the logged
message), the level, the URL and the request id tag. It keeps nothing, and answers
200 as Sentry does. Development only: it checks no key.
"""

import gzip
import json
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Item = tuple[dict[str, Any], bytes]


def items(envelope: bytes) -> Iterator[Item]:
    """The items of a Sentry envelope: its header line, then per item a header line
    and a payload (``length`` bytes long when the header says, else one line).

    https://develop.sentry.dev/sdk/data-model/envelopes/
    """
    _, _, rest = envelope.partition(b"\n")
    while rest.strip():
        line, _, rest = rest.partition(b"\n")
        header = json.loads(line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] + 1 :]
        else:
            payload, _, rest = rest.partition(b"\n")
        yield header, payload


def summary(event: dict[str, Any]) -> dict[str, Any]:
    """What a developer looks at first in a report."""
    # Chained exceptions come oldest first: the last one is the one raised.
    exceptions = (event.get("exception") or {}).get("values") or [{}]
    raised = exceptions[-1]
    return {
        "level": event.get("level"),
        "exception": raised.get("type"),
        "message": raised.get("value") or (event.get("logentry") or {}).get("message"),
        "url": (event.get("request") or {}).get("url"),
        "request_id": (event.get("tags") or {}).get("request_id"),
    }


class Receiver(BaseHTTPRequestHandler):
    """Answers the SDK's POST of an envelope, and prints a line per event in it."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        for header, payload in items(body):
            if header.get("type") == "event":
                print(json.dumps(summary(json.loads(payload))), flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        """No line per HTTP request: the events are what you read."""


def main(argv: list[str]) -> int:
    """Serve on HOST:PORT (argv[0]) until Ctrl+C."""
    host, _, port = argv[0].rpartition(":")
    with ThreadingHTTPServer((host, int(port)), Receiver) as server:
        print(
            f"Receiving Sentry events on http://{host}:{server.server_port}/",
            flush=True,
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
