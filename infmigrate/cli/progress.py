"""A progress bar on standard error, for long runs on a terminal only.

Shown when standard error is a terminal, the run is not ``--quiet`` and has at least
:data:`MIN_FILES` files; otherwise :class:`Silent` does nothing. The bar (rich) is
transient: it disappears when the run ends, so that only the results and the summary stay.
It refreshes from the caller's thread (no background thread, which would be unsafe to
have running while the process pool forks its workers).
"""

from __future__ import annotations

import time
from typing import Protocol, TextIO

__all__ = ["MIN_FILES", "Bar", "Silent", "Ticker", "progress"]

#: Fewer files than this get no bar.
MIN_FILES = 50
#: Seconds between two redraws.
_REFRESH_S = 0.1


class Ticker(Protocol):
    def advance(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


class Silent:
    """No progress display."""

    def advance(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class Bar:
    """A rich progress bar: files done out of the total, elapsed and remaining time."""

    def __init__(self, stream: TextIO, total: int, description: str) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=stream, stderr=True),
            transient=True,
            auto_refresh=False,
        )
        self._task = self._progress.add_task(description, total=total)
        self._progress.start()
        self._last = 0.0

    def advance(self, n: int = 1) -> None:
        self._progress.advance(self._task, n)
        now = time.monotonic()
        if now - self._last >= _REFRESH_S:
            self._last = now
            self._progress.refresh()

    def close(self) -> None:
        self._progress.stop()


def progress(stream: TextIO, total: int, *, quiet: bool, description: str) -> Ticker:
    """A bar when it is useful (see the module docstring), else :class:`Silent`."""
    isatty = getattr(stream, "isatty", None)
    if quiet or total < MIN_FILES or not (isatty and isatty()):
        return Silent()
    return Bar(stream, total, description)
