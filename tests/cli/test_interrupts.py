"""Atomic writes: an interrupted or killed run never leaves a truncated or partial INF."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infmigrate.cli import writing
from infmigrate.cli.writing import ChangedOnDisk, stamp_of, write_atomic

from .conftest import FIXED_SAMPLE, ISO015, SAMPLE, cli, installed_command

PAD = b"".join(b'S%05d="some string value number %05d"\r\n' % (i, i) for i in range(3000))


def test_interrupted_write_removes_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.inf"
    target.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writing.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.inf"]


def test_write_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    target = tmp_path / "a.inf"
    target.write_bytes(b"old")
    stamp = stamp_of(target.stat())
    target.write_bytes(b"edited by someone")
    with pytest.raises(ChangedOnDisk):
        write_atomic(target, b"new", expect=stamp)
    assert target.read_bytes() == b"edited by someone"
    assert [p.name for p in tmp_path.iterdir()] == ["a.inf"]


def test_write_keeps_permissions_and_leaves_unchanged_files_alone(tmp_path: Path) -> None:
    (tmp_path / "fix.inf").write_bytes(SAMPLE)
    (tmp_path / "clean.inf").write_bytes(FIXED_SAMPLE)
    os.chmod(tmp_path / "fix.inf", 0o640)
    old = time.time() - 3600
    for name in ("fix.inf", "clean.inf"):
        os.utime(tmp_path / name, (old, old))
    before = (tmp_path / "clean.inf").stat()
    res = cli(*ISO015, "--no-cache", "--write", ".", cwd=tmp_path)
    assert res.status == 0, res.stderr
    assert (tmp_path / "fix.inf").read_bytes() == FIXED_SAMPLE
    assert (tmp_path / "fix.inf").stat().st_mode & 0o777 == 0o640
    after = (tmp_path / "clean.inf").stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def _tree(root: Path, n: int) -> None:
    root.mkdir()
    for i in range(n):
        (root / f"f{i:02}.inf").write_bytes(SAMPLE + PAD)


def _check_whole(root: Path, n: int) -> int:
    """Every file is its old or its new self; returns how many were written. Only
    temporary files may be left besides them (a killed process cannot remove those)."""
    fixed = FIXED_SAMPLE + PAD
    written = 0
    for i in range(n):
        data = (root / f"f{i:02}.inf").read_bytes()
        assert data in (SAMPLE + PAD, fixed), f"f{i:02}.inf is damaged"
        written += data == fixed
    for path in root.iterdir():
        assert (
            path.name.endswith(".inf")
            or path.name.endswith(writing.TEMP_SUFFIX)
            or path.name == ".infmigrate_cache"
        ), path.name
    return written


def _start(root: Path) -> subprocess.Popen[bytes]:
    exe = installed_command()
    assert exe is not None
    return subprocess.Popen(
        [exe, *ISO015, "--no-cache", "--write", "-j", "2", "."],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("delay", [0.5, 1.2])
def test_killed_run_leaves_every_file_whole(tmp_path: Path, delay: float) -> None:
    root = tmp_path / "t"
    _tree(root, 16)
    proc = _start(root)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers, as the OOM killer
    proc.communicate(timeout=30)
    _check_whole(root, 16)
    # A later run finishes the job.
    res = cli(*ISO015, "--no-cache", "--write", ".", cwd=root)
    assert res.status == 0 and _check_whole(root, 16) == 16


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "t"
    _tree(root, 16)
    proc = _start(root)
    # Interrupt once the run is writing (the first file migrated), however slow the
    # machine: a fixed delay could land before Python has even imported the command
    # (a KeyboardInterrupt in the interpreter's start-up is not the command's to handle).
    deadline = time.monotonic() + 60
    while (
        proc.poll() is None
        and time.monotonic() < deadline
        and not any(
            (root / f"f{i:02}.inf").read_bytes().startswith(FIXED_SAMPLE) for i in range(16)
        )
    ):
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does on a terminal
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 2:
        assert b"infmigrate: interrupted" in err
        assert b"Traceback" not in err
    else:  # the run was already over
        assert proc.returncode == 0
    _check_whole(root, 16)
    assert not [p for p in root.iterdir() if p.name.endswith(writing.TEMP_SUFFIX)]


def test_a_ctrl_c_swallowed_where_python_ignores_exceptions_still_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18's fault suite: a Ctrl-C whose KeyboardInterrupt lands in a ``__del__`` or
    an at-fork hook is printed and dropped by Python. The run records it and stops before
    the next file, as an interrupted run."""
    from infmigrate.cli import command

    for i in range(4):
        (tmp_path / f"d{i}.inf").write_bytes(SAMPLE)
    real = command.run_task
    calls: list[int] = []

    def swallowing(task: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            try:  # as Python does around a finalizer that raises
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)
            except KeyboardInterrupt:
                pass
        return real(task)  # type: ignore[arg-type]

    monkeypatch.setattr(command, "run_task", swallowing)
    res = cli(*ISO015, "--no-cache", "--write", "-j", "1", ".", cwd=tmp_path)
    assert res.status == 2 and "infmigrate: interrupted" in res.stderr, res.stderr
    assert len(calls) == 1
    # (the file in progress is finished: its task writes it, atomically; no other is)
    written = [p.name for p in tmp_path.iterdir() if p.read_bytes() != SAMPLE]
    assert len(written) == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
