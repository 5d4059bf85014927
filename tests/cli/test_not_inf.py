"""The command on a file that is not an INF (INF006, issue 10 defect 7b): one finding
instead of one INF002 per line, no rules, never written or diffed; the finding remains,
so every mode exits 1 (not 2: nothing is refused), and it can be ignored like any code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, Run

NOTINF = ROOT / "fixtures" / "notinf"
GOOD = b'[Version]\r\nSignature="$WINDOWS NT$"\r\nClass=System\r\n'
SELECT = ("--select", "ISO015", "--no-cache")


@pytest.fixture
def two(tmp_path: Path) -> Path:
    shutil.copyfile(NOTINF / "c_source_utf16.inf", tmp_path / "c.inf")
    (tmp_path / "good.inf").write_bytes(GOOD)
    return tmp_path


def test_report_gives_one_finding(infmigrate: Run, two: Path) -> None:
    proc = infmigrate(*SELECT, "c.inf", cwd=two)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.decode().splitlines() == [
        "c.inf:1:1: INF006 not an INF file: 16 of its 19 lines are text before the first "
        "section header, and it has no [Version] section (looks like C source); nothing "
        "checked"
    ]
    assert "Found 1 problem in 1 file" in proc.stderr.decode()


@pytest.mark.parametrize("mode", ["--diff", "--write", "--check"])
def test_fixing_modes_leave_it_alone_and_exit_1(infmigrate: Run, two: Path, mode: str) -> None:
    before = (two / "c.inf").read_bytes()
    proc = infmigrate(*SELECT, mode, ".", cwd=two)
    assert proc.returncode == 1, proc.stderr
    assert (two / "c.inf").read_bytes() == before
    assert b"a/c.inf" not in proc.stdout and b"b/c.inf" not in proc.stdout
    assert b"error" not in proc.stderr
    if mode == "--write":
        assert (two / "good.inf").read_bytes() == GOOD + b"PnpLockdown=1\r\n"
        assert b"1 problem remains" in proc.stderr
        assert b"c.inf:1:1: INF006 not an INF file" in proc.stdout
    if mode == "--diff":
        assert b"+++ b/good.inf" in proc.stdout


def test_statistics_count_it_once(infmigrate: Run, two: Path) -> None:
    proc = infmigrate(*SELECT, "--statistics", "c.inf", cwd=two)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.decode().split() == ["1", "INF006", "[", "]", "not-an-inf-file"]


def test_ignored_like_any_code(infmigrate: Run, two: Path) -> None:
    proc = infmigrate(*SELECT, "--ignore", "INF006", "c.inf", cwd=two)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert proc.stdout == b""
    (two / "d.inf").write_bytes(
        b"; infmigrate: ignore-file[INF006]\r\n" + (NOTINF / "c_source.inf").read_bytes()
    )
    proc = infmigrate(*SELECT, "d.inf", cwd=two)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)


def test_explain_and_list_rules(infmigrate: Run, tmp_path: Path) -> None:
    proc = infmigrate("--explain", "INF006", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode()
    assert text.startswith("INF006 not-an-inf-file: ")
    assert "General Syntax Rules for INF Files" in text
    listed = infmigrate("--list-rules", cwd=tmp_path).stdout.decode()
    assert any(
        line.split()[:3] == ["INF006", "not-an-inf-file", "none"]
        for line in listed.splitlines()
        if line.strip()
    )


def test_a_fix_that_would_make_the_file_look_like_no_inf_is_not_made(
    infmigrate: Run, tmp_path: Path
) -> None:
    """Issue 18 (found by atheris: a cached ``--check`` disagreed with a fresh one): 10
    stray lines before the first section and 12 lines of sections, no [Version]; ISO007's
    unsafe fix removes a DelFiles line and its list's entry, which would leave 10 stray
    lines of 20, and INF006 would then say "not an INF" and hide every other finding. The
    file is left as it is, with its findings, and the cache agrees with a fresh run."""
    case = tmp_path / "a.inf"
    shutil.copyfile(NOTINF / "fix_would_tip_the_test.inf", case)
    before = case.read_bytes()
    proc = infmigrate("--unsafe-fixes", "--write", ".", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert case.read_bytes() == before
    assert b"INF006" not in proc.stdout
    assert b"a.inf:23:1: ISO007 DelFiles deletes list Cx.Old" in proc.stdout
    assert b"Nothing to fix; 11 problems remain" in proc.stderr
    fresh = infmigrate("--unsafe-fixes", "--check", "--no-cache", ".", cwd=tmp_path)
    cached = infmigrate("--unsafe-fixes", "--check", ".", cwd=tmp_path)
    assert (fresh.returncode, fresh.stdout, fresh.stderr) == (
        cached.returncode,
        cached.stdout,
        cached.stderr,
    )
    assert b"11 problems would remain" in fresh.stderr
