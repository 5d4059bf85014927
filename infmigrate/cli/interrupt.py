"""A Ctrl-C during a run is never lost.

Python's SIGINT handler raises ``KeyboardInterrupt`` wherever the main thread is; when
that is inside a ``__del__`` run by the collector, a weakref callback or an at-fork hook,
Python prints the exception ("Exception ignored in ...") and goes on, and the run would
go on to the end (issue 18's fault suite found both). :func:`noticing` sets a handler that
also records the Ctrl-C, and :func:`check`, called between files, raises
``KeyboardInterrupt`` again when one was recorded: the run stops at the next file at the
latest, as an interrupted run (``infmigrate: interrupted``, status 2). It changes nothing
outside the main thread or when the program has a SIGINT handler of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from infmigrate._startup import sigint_handler

__all__ = ["check", "noticing"]

_seen = False


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    global _seen
    _seen = True
    raise KeyboardInterrupt


@contextmanager
def noticing() -> Iterator[None]:
    """During the block, a Ctrl-C raises ``KeyboardInterrupt`` and is recorded."""
    global _seen
    _seen = False
    try:
        with sigint_handler(_on_sigint):
            yield
    finally:
        _seen = False


def check() -> None:
    """Raise ``KeyboardInterrupt`` if a Ctrl-C came during :func:`noticing`'s block (its
    own ``KeyboardInterrupt`` may have been swallowed where Python ignores exceptions)."""
    if _seen:
        raise KeyboardInterrupt
