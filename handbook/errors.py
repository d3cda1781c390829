"""The one error a chapter's author sees: where, what, and what to do."""

from __future__ import annotations

__all__ = ["ChapterError"]


class ChapterError(Exception):
    """A mistake in a chapter's source, reported at `file:line`."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message
