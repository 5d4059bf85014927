"""Counting the calls of a function while a test runs (work, not time: issue 18)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock


class Calls:
    """How many times the patched function was called."""

    count = 0


@contextmanager
def counted(owner: Any, name: str) -> Iterator[Calls]:
    """``owner.name`` replaced, for the ``with`` block, by a wrapper that counts its calls
    and calls the original."""
    real = getattr(owner, name)
    calls = Calls()

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.count += 1
        return real(*args, **kwargs)

    with mock.patch.object(owner, name, counting):
        yield calls
