"""Stopping the process pool (Ctrl-C, an error between two results): the workers and the
pool's management thread are gone when the stop returns, and the interpreter's exit hook of
concurrent.futures can no longer write to a closed wake-up pipe (issue 18: "Exception
ignored ... Bad file descriptor" after "infmigrate: interrupted", found by the fault suite).
"""

from __future__ import annotations

import concurrent.futures.process as futures_process
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from infmigrate.cli import pool

from .conftest import SAMPLE, cli

pytestmark = pytest.mark.skipif(os.name == "nt", reason="fork pools")


def _slow(i: int) -> int:
    time.sleep(0.05 if i else 0.0)
    return i


def _none(item: int, exc: BaseException) -> int:
    return -1


def _managers() -> list[threading.Thread]:
    """The live management threads of process pools."""
    return [t for t in threading.enumerate() if "ExecutorManagerThread" in type(t).__name__]


@pytest.fixture(autouse=True)
def _no_pool_left() -> Iterator[None]:
    assert not _managers()
    yield
    for child in multiprocessing.active_children():  # pragma: no cover - a failed test's
        child.kill()


def test_closing_the_results_stops_the_pool_at_once() -> None:
    """What the command does on Ctrl-C between two results (``contextlib.closing``): with
    the collector off, so nothing but the close can stop the pool."""
    gc.disable()
    try:
        results = pool.run(_slow, range(400), jobs=2, weight=lambda i: 100_000, on_crash=_none)
        first = next(results)
        assert first[1] == first[0]
        assert _managers(), "the work should run in a pool"
        results.close()
        assert not _managers()
        assert not multiprocessing.active_children()
        assert not dict(futures_process._threads_wakeups)
    finally:
        gc.enable()


def test_stop_joins_the_management_thread_and_leaves_the_exit_hook() -> None:
    """``shutdown(wait=False)`` forgets the management thread: the stop must take it first
    (it did not, so the thread stayed in the exit hook's table)."""
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(
        max_workers=2, mp_context=pool._context(), initializer=pool._init_worker
    )
    futures = [executor.submit(pool._call_batch, _slow, [1, 2, 3]) for _ in range(4)]
    pool._guard_exit(executor)
    thread = executor._executor_manager_thread
    assert thread is not None and thread in futures_process._threads_wakeups
    pool._stop(executor)
    assert not thread.is_alive()
    assert thread not in futures_process._threads_wakeups
    assert not multiprocessing.active_children()
    assert all(f.done() for f in futures)


class _Wakeup:
    """A wake-up pipe that records whether the pool's lock was held when written."""

    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock
        self.held: list[bool] = []
        self.closed = False

    def wakeup(self) -> None:
        self.held.append(self.lock.locked())


def test_the_exit_hook_writes_the_wake_up_pipe_under_the_pools_lock() -> None:
    """The management thread closes its wake-up pipe under the pool's shutdown lock; the
    exit hook's write, under the same lock, cannot fall between its check and the close."""
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(max_workers=1, mp_context=pool._context())
    executor.submit(_slow, 0).result()
    thread = executor._executor_manager_thread
    real = futures_process._threads_wakeups[thread]
    fake = _Wakeup(executor._shutdown_lock)
    futures_process._threads_wakeups[thread] = fake
    try:
        pool._guard_exit(executor)
        guarded = futures_process._threads_wakeups[thread]
        assert isinstance(guarded, pool._LockedWakeup)
        pool._guard_exit(executor)  # once is enough: not wrapped twice
        assert futures_process._threads_wakeups[thread] is guarded
        guarded.wakeup()  # what concurrent.futures' _python_exit calls
        assert fake.held == [True]
        assert guarded.closed is False  # the other attributes are the pipe's
    finally:
        futures_process._threads_wakeups[thread] = real
        executor.shutdown(wait=True)


def test_a_normal_run_leaves_no_pool_behind() -> None:
    got = dict(pool.run(_slow, range(60), jobs=2, weight=lambda i: 100_000, on_crash=_none))
    assert got == {i: i for i in range(60)}
    assert not _managers()
    assert not multiprocessing.active_children()


def test_ctrl_c_between_two_results_stops_the_pool_before_the_command_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's loop over the results closes them on any exception: "interrupted"
    is printed with the pool already stopped, not when (or if) the collector frees it."""
    from infmigrate.cli import command

    for i in range(12):
        (tmp_path / f"d{i}.inf").write_bytes(SAMPLE)
    monkeypatch.setattr(pool, "POOL_MIN_WEIGHT", 0)
    monkeypatch.setattr(pool, "BATCH_ITEMS", 1)
    seen: list[bool] = []

    def interrupted(self: object, task: object, result: object) -> object:
        seen.append(bool(_managers()))
        raise KeyboardInterrupt

    monkeypatch.setattr(command._Runner, "finish", interrupted)
    gc.disable()
    try:
        res = cli("--no-cache", "--diff", "-j", "2", ".", cwd=tmp_path)
        assert seen == [True], "the results should come from a pool"
        assert res.status == 2 and "infmigrate: interrupted" in res.stderr
        assert not _managers()
        assert not multiprocessing.active_children()
    finally:
        gc.enable()


def test_a_ctrl_c_while_forking_is_raised_after_the_fork_not_lost() -> None:
    """Python's at-fork hooks (logging's) turned a Ctrl-C during a fork into "Exception
    ignored" and lost it; held back around the submit, it is raised just after."""
    reached = False
    with pytest.raises(KeyboardInterrupt), pool._forking():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)  # (not delivered while held back)
        reached = True
    assert reached
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def _mask(i: int) -> bool:
    return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_workers_take_ctrl_c_again_once_their_handler_is_set() -> None:
    """Forked with SIGINT held back, a worker lets it through in its initializer."""
    got = dict(pool.run(_mask, range(8), jobs=2, weight=lambda i: 100_000, on_crash=_none))
    assert got == {i: False for i in range(8)}


def _dies_on_3(i: int) -> int:
    if i == 3:
        os._exit(9)
    return i


def test_every_submit_holds_ctrl_c_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Submits fork the workers (in the pool, and in the one-item pools that find the item
    killing its worker): each runs with SIGINT held back."""
    from concurrent.futures import ProcessPoolExecutor

    held: list[bool] = []
    submit = ProcessPoolExecutor.submit

    def recording(self: ProcessPoolExecutor, *args: object, **kwargs: object) -> object:
        held.append(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []))
        return submit(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ProcessPoolExecutor, "submit", recording)
    got = dict(pool.run(_dies_on_3, range(8), jobs=2, weight=lambda i: 100_000, on_crash=_none))
    assert got == {i: -1 if i == 3 else i for i in range(8)}
    assert len(held) > 4 and all(held)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
