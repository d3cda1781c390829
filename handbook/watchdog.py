"""The watchdog: a process of its own that cleans up after the engine, however it ends.

``handbook/reaper.py`` starts it (``python -m handbook.watchdog``, in a session of its
own) and tells it, one line each, what the engine starts and what it has cleaned up
itself. When the engine's end of the pipe closes, it stops and removes whatever is
still watched, then drops what the run left on the ``DATABASE_URL`` server; what could
not be dropped stays in its ledger for the next run. Standard library only, until it
has databases to drop (psycopg, through ``handbook.database``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from handbook.reaper import KINDS, LEDGERS, ON_A_SERVER, tear_down, write_ledger

__all__ = ["main"]


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the engine, not this
    ledger = LEDGERS / str(os.getpid())
    watched: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for line in sys.stdin:
        verb, kind, what = line.rstrip("\n").split(" ", 2)
        (watched[kind].add if verb == "watch" else watched[kind].discard)(what)
        write_ledger(ledger, watched)
    tear_down(watched)
    _drop_on_server(watched)
    # What could not be dropped is the next run's to drop: the ledger keeps it.
    write_ledger(ledger, {kind: watched[kind] for kind in ON_A_SERVER})


def _drop_on_server(watched: dict[str, set[str]]) -> None:
    """Drop the databases, then the roles, the run left on the DATABASE_URL server."""
    url = os.environ.get("DATABASE_URL")
    if not url or not any(watched[kind] for kind in ON_A_SERVER):
        return
    from handbook.database import drop  # noqa: PLC0415 (psycopg: only when needed)

    for kind in ON_A_SERVER:
        for name in sorted(watched[kind]):
            with contextlib.suppress(Exception):  # kept in the ledger for the next run
                drop(url, kind, name)
                watched[kind].discard(name)


if __name__ == "__main__":
    main()
