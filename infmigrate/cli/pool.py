"""Running a function over many items, in this process or in a process pool.

:func:`run` takes the items lazily (so that a huge tree is never all in memory), packs
them into batches (several small files, or one big one), keeps a bounded number of
batches in flight, and yields ``(item, result)`` pairs as they complete; the caller puts
them in order. It starts a pool only when the work is worth it: with one job, one item, or less
than :data:`POOL_MIN_WEIGHT` of work in all, everything runs in this process, which costs
no start-up at all.

A worker process that dies (killed, out of memory, a crash in C code) breaks the pool:
the batches it had are then retried one item at a time, each in a fresh single-worker
pool, so that only the item that kills its worker is reported (``on_crash``), and the
others go on in a new pool.

Ctrl-C: workers stop taking items (:func:`_on_signal`), the batches not started are
cancelled, running ones are stopped by SIGTERM (which, like SIGINT, raises
KeyboardInterrupt in the worker, so an atomic write in progress removes its temporary
file), and KeyboardInterrupt is raised in the caller.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# concurrent.futures.process and multiprocessing (about 10 ms) are imported only when a
# pool starts: a run small enough for this process never needs them (issue 16).

__all__ = ["ITEM_WEIGHT", "POOL_MIN_WEIGHT", "default_jobs", "run"]

A = TypeVar("A")
B = TypeVar("B")

#: Less work than this (the items' weights, plus :data:`ITEM_WEIGHT` each) runs in this
#: process: a pool's start-up would cost more than it saves.
POOL_MIN_WEIGHT = 256 * 1024
#: The fixed cost of an item, in weight (bytes) units.
ITEM_WEIGHT = 4096
#: A batch holds items up to this weight (bytes) or this count.
BATCH_WEIGHT = 192 * 1024
BATCH_ITEMS = 24
#: Batches in flight per worker.
IN_FLIGHT = 2

_stopping = False
_busy = False


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _on_signal(signum: int, frame: Any) -> None:
    """In a worker, on SIGINT/SIGTERM: stop the item in progress (KeyboardInterrupt, so that
    an atomic write removes its temporary file) and take no other; an idle worker just
    ends (quietly: the parent is stopping the pool)."""
    global _stopping
    if _stopping:
        return  # already stopping (Ctrl-C, then the parent's SIGTERM): let cleanup finish
    _stopping = True
    if not _busy:
        os._exit(1)
    raise KeyboardInterrupt


def _init_worker() -> None:
    global _stopping
    _stopping = False
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    # (forked with SIGINT blocked, see _forking: a Ctrl-C since the fork runs _on_signal now)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _forking() -> Iterator[None]:
    """Around a submit, which may fork the pool's workers: SIGINT is held back (blocked in
    this thread, and so in the children forked, until their :func:`_init_worker`).

    Python runs the at-fork hooks of the modules loaded (logging's among them) in the
    parent and in the child; a Ctrl-C arriving then raised KeyboardInterrupt inside a hook,
    where it is printed ("Exception ignored in: <function _releaseLock>") and lost: the
    run went on (issue 18, the fault suite at 200 SIGINT moments). Held back, it is raised
    here just after the submit, and in a child when its handler is set."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _call_batch(fn: Callable[[A], B], batch: Sequence[A]) -> list[B]:
    """In a worker: the results of a batch, or fewer once stopping."""
    global _busy
    out: list[B] = []
    _busy = True
    try:
        for item in batch:
            if _stopping:
                break
            out.append(fn(item))
    except KeyboardInterrupt:
        if _stopping:
            # The item's own cleanup (an atomic write's temporary file) has run: end here,
            # before anything else can interrupt this process again.
            os._exit(1)
        raise
    finally:
        _busy = False
    return out


def _context() -> Any:
    import multiprocessing

    # fork is by far the cheapest start on Linux: the workers inherit the imported rules.
    # The parent starts its pool before any other thread (the progress bar's).
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class _LockedWakeup:
    """A pool's wake-up pipe as the interpreter's exit hook of concurrent.futures sees it:
    written under the pool's shutdown lock, the lock under which the pool's management
    thread closes that pipe.

    CPython 3.11's hook (``_python_exit``) writes to every live pool's pipe without that
    lock, so when the pool's workers have just died (a Ctrl-C reaches the whole process
    group) the management thread can close the pipe between the hook's "is it closed?"
    and its write: "Exception ignored in ... OSError: [Errno 9] Bad file descriptor" at
    exit (found by the fault suite of issue 18).
    """

    __slots__ = ("_lock", "_wakeup")

    def __init__(self, wakeup: Any, lock: Any) -> None:
        self._wakeup = wakeup
        self._lock = lock

    def wakeup(self) -> None:
        with self._lock:
            self._wakeup.wakeup()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wakeup, name)


def _guard_exit(executor: ProcessPoolExecutor) -> None:
    """Make the exit hook's write to this pool's wake-up pipe safe (:class:`_LockedWakeup`).
    Called once the pool's management thread exists (it starts with the first submit)."""
    import concurrent.futures.process as _futures_process

    thread = getattr(executor, "_executor_manager_thread", None)
    lock = getattr(executor, "_shutdown_lock", None)
    wakeups = getattr(_futures_process, "_threads_wakeups", None)
    if thread is None or lock is None or wakeups is None:
        return  # pragma: no cover - another Python's internals: its own exit hook
    with contextlib.suppress(KeyError, TypeError):
        wakeup = wakeups[thread]
        if not isinstance(wakeup, _LockedWakeup):
            wakeups[thread] = _LockedWakeup(wakeup, lock)


def _submit(
    executor: ProcessPoolExecutor, fn: Callable[[A], B], batch: Sequence[A]
) -> Future[list[B]]:
    """A batch submitted to the pool: with SIGINT held back while the submit may fork
    (:func:`_forking`), and the pool's exit-hook entry guarded (:func:`_guard_exit`)."""
    with _forking():
        future = executor.submit(_call_batch, fn, batch)
    _guard_exit(executor)
    return future


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stop a pool at once (Ctrl-C): nothing new starts, running items are interrupted,
    and the pool's management thread has ended when this returns (it is out of the
    interpreter's exit hook)."""
    import concurrent.futures.process as _futures_process

    processes = list((getattr(executor, "_processes", None) or {}).values())
    # (taken before shutdown(), which forgets the thread when it does not wait for it)
    thread = getattr(executor, "_executor_manager_thread", None)
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, AttributeError, ValueError):
            process.terminate()  # SIGTERM: KeyboardInterrupt in the worker
    for process in processes:
        with contextlib.suppress(OSError, AttributeError, ValueError, AssertionError):
            process.join(timeout=10)
    # The management thread notices the dead workers, closes its wake-up pipe and ends.
    if thread is not None:
        with contextlib.suppress(RuntimeError):
            thread.join(timeout=10)
        if not thread.is_alive():
            with contextlib.suppress(AttributeError, KeyError, TypeError):
                _futures_process._threads_wakeups.pop(thread, None)


def _batches(items: Iterator[A], weight: Callable[[A], int]) -> Iterator[list[A]]:
    batch: list[A] = []
    total = 0
    for item in items:
        w = weight(item)
        if batch and (total + w > BATCH_WEIGHT or len(batch) >= BATCH_ITEMS):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += w
    if batch:
        yield batch


def run(
    fn: Callable[[A], B],
    items: Iterable[A],
    *,
    jobs: int,
    weight: Callable[[A], int],
    on_crash: Callable[[A, BaseException], B],
) -> Generator[tuple[A, B], None, None]:
    """``(item, fn(item))`` for every item, in completion order; see the module docstring.

    ``fn`` must not raise (it returns errors as results) and, with a pool, must be
    picklable with its items and results. ``on_crash`` makes the result of an item whose
    worker died.
    """
    source = iter(items)
    if jobs <= 1:
        for item in source:
            yield item, fn(item)
        return
    # Look ahead: a pool only pays for enough work.
    waiting: list[A] = []
    total = 0
    for item in source:
        waiting.append(item)
        total += weight(item) + ITEM_WEIGHT
        if len(waiting) >= 2 and total >= POOL_MIN_WEIGHT:
            break
    else:
        for item in waiting:
            yield item, fn(item)
        return
    yield from _pooled(fn, _chain(waiting, source), jobs, weight, on_crash)


def _chain(first: list[A], rest: Iterator[A]) -> Iterator[A]:
    yield from first
    yield from rest


def _pooled(
    fn: Callable[[A], B],
    items: Iterator[A],
    jobs: int,
    weight: Callable[[A], int],
    on_crash: Callable[[A, BaseException], B],
) -> Iterator[tuple[A, B]]:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    batches = _batches(items, weight)
    suspects: list[A] = []
    executor = ProcessPoolExecutor(
        max_workers=jobs, mp_context=_context(), initializer=_init_worker
    )
    running: dict[Future[list[B]], list[A]] = {}
    try:
        exhausted = False
        while True:
            while not exhausted and len(running) < jobs * IN_FLIGHT:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                    break
                running[_submit(executor, fn, batch)] = batch
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                batch = running.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    suspects.extend(batch)
                    broken = True
                    continue
                except Exception as exc:  # pragma: no cover - fn does not raise
                    results = [on_crash(item, exc) for item in batch]
                yield from zip(batch, results, strict=False)
            if broken:
                # Every batch still running died with the pool: retry them all.
                for batch in running.values():
                    suspects.extend(batch)
                running.clear()
                executor.shutdown(wait=True, cancel_futures=True)
                yield from _isolated(fn, suspects, on_crash)
                suspects = []
                executor = ProcessPoolExecutor(
                    max_workers=jobs, mp_context=_context(), initializer=_init_worker
                )
        executor.shutdown(wait=True)
    except BaseException:
        _stop(executor)
        raise


def _isolated(
    fn: Callable[[A], B], items: list[A], on_crash: Callable[[A, BaseException], B]
) -> Iterator[tuple[A, B]]:
    """Each item alone in a fresh one-worker pool: the one that kills its worker fails."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    for item in items:
        executor = ProcessPoolExecutor(
            max_workers=1, mp_context=_context(), initializer=_init_worker
        )
        try:
            future = _submit(executor, fn, [item])
            try:
                results = future.result()
                result = results[0] if results else on_crash(item, KeyboardInterrupt())
            except BrokenProcessPool as exc:
                result = on_crash(item, exc)
            executor.shutdown(wait=True)
        except BaseException:
            _stop(executor)
            raise
        yield item, result
