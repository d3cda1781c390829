"""Claims: what chapters verified at the same time take turns on (a port, a server).

A claim is a Unix socket bound in Linux's abstract namespace: no file to clean up, and
the kernel releases it when the claiming process ends, however it ends.
"""

from __future__ import annotations

import hashlib
import socket
import time

__all__ = ["claim", "claim_server"]


def claim(name: str, wait: float) -> socket.socket | None:
    """Hold ``name`` until the socket is closed; None when another holder kept it ``wait`` s."""
    holder = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    give_up = time.monotonic() + wait
    while True:
        try:
            holder.bind(f"\0handbook-{name}")
            return holder
        except OSError:
            if time.monotonic() > give_up:
                holder.close()
                return None
            time.sleep(0.5)


def claim_server(url: str, wait: float) -> socket.socket | None:
    """Hold a database server (by its URL) for one page or test run at a time: pages
    create databases under names a reader would choose, and drop what appeared while
    they ran, so two on one server would see, and drop, each other's."""
    return claim(f"server-{hashlib.sha256(url.encode()).hexdigest()[:16]}", wait)
