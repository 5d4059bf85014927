"""Whole trees: the process pool, output order, summary, --statistics, progress."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import pytest

from infmigrate.cli import pool, progress, tasks
from infmigrate.engine.processing import FileResult

from .conftest import FIXED_SAMPLE, ISO015, SAMPLE, cli, files_of

CLEAN = FIXED_SAMPLE


def make_tree(root: Path, n: int = 12) -> Path:
    """``n`` INFs in nested folders, every other one fixable, plus one broken."""
    for i in range(n):
        sub = root / f"d{i % 3}" / ("x" if i % 2 else "y")
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i:02}.inf").write_bytes(SAMPLE if i % 2 else CLEAN)
    (root / "d0" / "broken.INF").write_bytes(b'[Version\r\nA="x\r\n')
    return root


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the pool even for tiny trees."""
    monkeypatch.setattr(pool, "POOL_MIN_WEIGHT", 0)


@pytest.mark.usefixtures("small_pool")
@pytest.mark.parametrize(
    "mode",
    [[], ["--diff"], ["--check"], ["--statistics"], ["--format", "gitlab"], ["--format", "json"]],
)
def test_output_is_the_same_whatever_the_jobs(tmp_path: Path, mode: list[str]) -> None:
    tree = make_tree(tmp_path / "t")
    runs = [cli(*ISO015, "--no-cache", "-j", str(j), *mode, ".", cwd=tree) for j in (1, 2, 3)]
    assert runs[0].status == 1
    assert all(
        (r.status, r.stdout, r.stderr) == (runs[0].status, runs[0].stdout, runs[0].stderr)
        for r in runs
    )


@pytest.mark.usefixtures("small_pool")
def test_write_with_a_pool_writes_every_file(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    res = cli(*ISO015, "--no-cache", "-j", "2", "--write", ".", cwd=tree)
    assert res.status == 1, res.stderr  # the broken file's syntax problems remain
    files = files_of(tree)
    assert sum(data == CLEAN for data in files.values()) == 12
    assert "6 changed, 7 unchanged" in res.stderr


def test_results_are_sorted_by_path_component_by_component(tmp_path: Path) -> None:
    for name in ("b.inf", "a-b/c.inf", "a/b.inf", "A.inf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(SAMPLE)
    res = cli(*ISO015, "--no-cache", "b.inf", "a-b", "a", "A.inf", cwd=tmp_path)
    assert [line.split(":")[0] for line in res.stdout.decode().splitlines()] == [
        "A.inf",
        "a/b.inf",
        "a-b/c.inf",
        "b.inf",
    ]


def test_a_worker_that_dies_fails_its_file_only(
    tmp_path: Path, small_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = make_tree(tmp_path / "t")
    real = tasks.process

    def killer(data: bytes, path: str, *args: object, **kwargs: object) -> FileResult:
        if path.endswith("f03.inf"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(data, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "process", killer)  # inherited by the forked workers
    res = cli(*ISO015, "--no-cache", "-j", "2", ".", cwd=tree)
    assert res.status == 2
    assert (
        "error: d0/x/f03.inf: internal error: the worker process processing this file "
        "died" in res.stderr
    )
    assert sum(line.startswith("error:") for line in res.stderr.splitlines()) == 1
    shown = {line.split(":")[0] for line in res.stdout.decode().splitlines()}
    assert len(shown) == 6 + 1 - 1  # the other fixable files and broken.INF
    assert "13 files scanned: 6 with problems, 6 clean, 1 failed." in res.stderr


def test_summary_counts_files_and_statistics_table(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t", n=4)
    res = cli(*ISO015, "--no-cache", "--check", "--statistics", ".", cwd=tree)
    assert res.status == 1
    assert res.stdout.decode().splitlines() == [
        "found  fixed   left  code    name",
        "    2      2      0  ISO015  pnp-lockdown-missing",
        "    1      0      1  INF001  section-header-unclosed",
        "    1      0      1  INF002  text-before-first-section",
        "    4      2      2  total",
    ]
    assert res.stderr.splitlines() == [
        "Would fix 2 problems in 2 files; 2 problems would remain (5 files checked).",
        "5 files scanned: 2 would change, 3 unchanged.",
    ]
    res = cli(*ISO015, "--no-cache", "--statistics", ".", cwd=tree)
    assert res.stdout.decode().splitlines() == [
        "2\tISO015\t[*] pnp-lockdown-missing",
        "1\tINF001\t[ ] section-header-unclosed",
        "1\tINF002\t[ ] text-before-first-section",
        "[*] fixable with `infmigrate --write`",
    ]
    assert "5 files scanned: 3 with problems, 2 clean." in res.stderr
    res = cli(*ISO015, "--no-cache", "--diff", "--statistics", ".", cwd=tree)
    assert res.stdout.startswith(b"--- a/")  # the diff keeps stdout
    assert "    2      2      0  ISO015  pnp-lockdown-missing" in res.stderr
    res = cli(*ISO015, "--no-cache", "--statistics", "--format", "json", ".", cwd=tree)
    assert b'"code": "ISO015"' in res.stdout
    res = cli("--statistics", "--format", "sarif", ".", cwd=tree)
    assert res.status == 2 and "--statistics prints a table" in res.stderr


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    res = cli("-j", "0", ".", cwd=tmp_path)
    assert res.status == 2


def test_progress_bar_only_on_a_terminal_with_many_files() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(
        progress.progress(io.StringIO(), 500, quiet=False, description="x"), progress.Silent
    )
    assert isinstance(progress.progress(Tty(), 5, quiet=False, description="x"), progress.Silent)
    assert isinstance(progress.progress(Tty(), 500, quiet=True, description="x"), progress.Silent)
    stream = Tty()
    bar = progress.progress(stream, 500, quiet=False, description="infmigrate")
    assert isinstance(bar, progress.Bar)
    for _ in range(500):
        bar.advance()
    bar.close()
    assert "500/500" in stream.getvalue()


def test_pool_runs_small_work_in_process_and_big_work_in_workers() -> None:
    pids = dict(pool.run(_pid, range(3), jobs=2, weight=lambda i: 10, on_crash=_none))
    assert set(pids.values()) == {os.getpid()}
    pids = dict(pool.run(_pid, range(40), jobs=2, weight=lambda i: 100_000, on_crash=_none))
    assert sorted(pids) == list(range(40)) and os.getpid() not in set(pids.values())
    pids = dict(pool.run(_pid, range(40), jobs=1, weight=lambda i: 100_000, on_crash=_none))
    assert set(pids.values()) == {os.getpid()}


def _pid(item: int) -> int:
    return os.getpid()


def _none(item: int, exc: BaseException) -> int:
    return -1


EDK2 = (
    b"## @file\r\n[Defines]\r\n  INF_VERSION    = 0x00010005\r\n  BASE_NAME = Foo\r\n"
    b"  MODULE_TYPE = UEFI_DRIVER\r\n\r\n[Sources]\r\n  Foo.c\r\n"
)


def test_edk2_infs_and_generated_infs_are_skipped_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "fw").mkdir()
    (tmp_path / "fw" / "Foo.inf").write_bytes(EDK2)
    (tmp_path / "fw" / "Wide.inf").write_bytes(b"\xff\xfe" + EDK2.decode().encode("utf-16-le"))
    (tmp_path / "drv").mkdir()
    (tmp_path / "drv" / "d.inx").write_bytes(SAMPLE)
    (tmp_path / "drv" / "d.inf").write_bytes(CLEAN)
    res = cli(*ISO015, "--no-cache", ".", cwd=tmp_path)
    assert res.stdout.decode().splitlines() == [
        "drv/d.inx:1:1: ISO015 [*] [Version] has no PnpLockdown = 1 directive"
    ]
    assert "note: drv/d.inf: generated from d.inx: migrating d.inx instead" in res.stderr
    assert (
        "note: fw/Foo.inf: EDK II (UEFI) module INF ([Defines] with INF_VERSION), not a "
        "Windows driver INF: skipped"
    ) in res.stderr
    assert "note: fw/Wide.inf: EDK II" in res.stderr
    assert "3 files scanned: 1 with problems, 2 skipped." in res.stderr
    assert res.status == 1
    res = cli(*ISO015, "--no-cache", "--quiet", "fw", cwd=tmp_path)
    assert res.status == 0 and res.stderr == "" and res.stdout == b""


def test_many_notes_are_capped_unless_verbose(tmp_path: Path) -> None:
    for i in range(14):
        (tmp_path / f"m{i:02}.inf").write_bytes(EDK2)
    res = cli("--no-cache", ".", cwd=tmp_path)
    assert res.stderr.count("note: m") == 10
    assert "note: ... and 4 more (--verbose lists them)" in res.stderr
    res = cli("--no-cache", "-v", ".", cwd=tmp_path)
    assert res.stderr.count("note: m") == 14


def test_exclude_and_extend_exclude(tmp_path: Path) -> None:
    for name in ("a.inf", "vendor/b.inf", "old/c.inf", "keep/d.inf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(SAMPLE)
    (tmp_path / "infmigrate.toml").write_text('exclude = ["vendor"]\n')

    def shown(*args: str) -> list[str]:
        res = cli(*ISO015, "--no-cache", *args, cwd=tmp_path)
        return [line.split(":")[0] for line in res.stdout.decode().splitlines()]

    assert shown(".") == ["a.inf", "keep/d.inf", "old/c.inf"]
    assert shown("--extend-exclude", "old/", ".") == ["a.inf", "keep/d.inf"]
    # --exclude replaces the configuration's list.
    assert shown("--exclude", "old,a.inf", ".") == ["keep/d.inf", "vendor/b.inf"]
    assert shown("--exclude", "old", "--exclude", "keep", ".") == ["a.inf", "vendor/b.inf"]
    # Named files are checked anyway, unless --force-exclude.
    assert shown("--exclude", "a.inf", "a.inf") == ["a.inf"]
    assert shown("--exclude", "a.inf", "--force-exclude", "a.inf") == []


def test_gitignored_files_are_skipped_by_the_command(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("out/\n")
    for name in ("a.inf", "out/b.inf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(SAMPLE)
    res = cli(*ISO015, "--no-cache", ".", cwd=tmp_path)
    assert "(1 file checked)" in res.stderr
    res = cli(*ISO015, "--no-cache", "--no-respect-gitignore", ".", cwd=tmp_path)
    assert "(2 files checked)" in res.stderr
