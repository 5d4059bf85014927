"""Ctrl-C while the command is still importing its modules.

The console script imports :mod:`infmigrate` and :mod:`infmigrate.cli` (typer, rich,
parsimonious...) before any of the command's own code runs, so a Ctrl-C in those first
moments used to print a ``KeyboardInterrupt`` traceback from deep inside an import.
:func:`quiet_interrupt` wraps those imports: SIGINT takes its default action there, so a
Ctrl-C ends the process at once, printing nothing (the shell sees a process killed by
SIGINT: status 130). Nothing needs cleaning up while modules load, and an exception raised
by a handler could be lost: inside a ``__del__`` run by the collector, or an at-fork hook,
Python prints it as "Exception ignored" and goes on (issue 18's fault suite: the run then
went on). It changes nothing when the process has a SIGINT handler of its own or when
imported outside the main thread, and it puts the previous handler back when the imports
are done, so importing infmigrate as a library leaves the program's signal handling as it
was. The package's own import sets the same default action from its first line (before it
can import this module); in the command's process it keeps it through every import until
:func:`started`, so the blocks need not join up. :func:`sigint_handler` is the swap both
this and the run's own handler (:mod:`infmigrate.cli.interrupt`) make.

:func:`no_collection` pauses the cyclic garbage collector while modules load (issue 16,
start-up): loading makes many objects and few cycles, and the collections it triggers cost
about 6% of a small run. The collector's state is put back after the block.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType

__all__ = [
    "hold_until_started",
    "is_command",
    "no_collection",
    "quiet_interrupt",
    "sigint_handler",
    "started",
]

#: A SIGINT handler: a function, or ``signal.SIG_DFL``/``SIG_IGN``.
Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers

#: Whether SIGINT keeps its default action until :func:`started` (the command's process).
_held = False


def is_command(argv: list[str]) -> bool:
    """Whether this process is the infmigrate command: its console script (``infmigrate``,
    ``infmigrate.exe``, ``infmigrate-script.py``), or ``python -m infmigrate`` (whose
    ``argv[0]`` is ``-m`` while the package loads), judged from ``sys.argv``."""
    if not argv:
        return False
    if argv[0] == "-m":
        return True
    name = argv[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in ("infmigrate", "infmigrate.exe", "infmigrate-script.py")


def hold_until_started() -> None:
    """In the command's process, SIGINT keeps its default action (set by the package's first
    line) past the package's import, through the imports and start-up that follow, until
    :func:`started`: the gaps between one quiet block and the next are closed (issue 18's
    fault suite hit one, a Ctrl-C between two imports of ``app.main``)."""
    global _held
    _held = True


def started() -> None:
    """The command has started (its options are about to be read): Ctrl-C raises
    ``KeyboardInterrupt`` again, as the run's own handling expects."""
    global _held
    if _held and signal.getsignal(signal.SIGINT) == signal.SIG_DFL:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    _held = False


@contextmanager
def sigint_handler(handler: Handler) -> Iterator[None]:
    """During the block, ``handler`` handles SIGINT, and the handler found is put back
    after it; nothing changes outside the main thread or when the program has a SIGINT
    handler of its own (one other than Python's, which raises ``KeyboardInterrupt``)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:
        yield
        return
    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def quiet_interrupt() -> AbstractContextManager[None]:
    """During the block, SIGINT ends the process (its default action), printing nothing."""
    return sigint_handler(signal.SIG_DFL)


@contextmanager
def no_collection() -> Iterator[None]:
    """During the block, no automatic cyclic garbage collection (as it was after it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
