"""The command on encoding findings: a truncated UTF-16 file (INF004) is reported, and
``--diff``/``--write`` leave it untouched and exit 2 while the other files are still
fixed; UTF-8 with non-ASCII text gets INF005 (InfVerif 1003), ASCII-only UTF-8 nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Run

ISO015 = ("--select", "ISO015")  # INF005 not ignored here

VERSION = '[Version]\r\nSignature="$WINDOWS NT$"\r\nClass=System\r\n'
ODD = b"\xff\xfe" + VERSION.encode("utf-16-le") + b"\x00"
GOOD = VERSION.encode("cp1252")


@pytest.fixture
def two(tmp_path: Path) -> Path:
    (tmp_path / "odd.inf").write_bytes(ODD)
    (tmp_path / "good.inf").write_bytes(GOOD)
    return tmp_path


def test_report_names_the_truncated_file(infmigrate: Run, two: Path) -> None:
    proc = infmigrate(*ISO015, "--no-cache", ".", cwd=two)
    assert proc.returncode == 1, proc.stderr
    assert b"odd.inf:3:13: INF004 UTF-16 file has an odd number of bytes" in proc.stdout


@pytest.mark.parametrize("mode", ["--diff", "--write", "--check"])
def test_fixing_modes_refuse_the_truncated_file_and_exit_2(
    infmigrate: Run, two: Path, mode: str
) -> None:
    proc = infmigrate(*ISO015, "--no-cache", mode, ".", cwd=two)
    assert proc.returncode == 2, proc.stderr
    stderr = proc.stderr.decode()
    assert "error: odd.inf: not fixed: the UTF-16 file has an odd number of bytes" in stderr
    assert (two / "odd.inf").read_bytes() == ODD
    assert not list(two.glob(".*infmigrate-tmp"))
    if mode == "--write":
        assert (two / "good.inf").read_bytes() == GOOD + b"PnpLockdown=1\r\n"
    else:
        assert (two / "good.inf").read_bytes() == GOOD
    if mode == "--diff":
        assert b"+++ b/good.inf" in proc.stdout and b"odd.inf" not in proc.stdout


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_utf8_non_ascii_warned(infmigrate: Run, tmp_path: Path, bom: bytes) -> None:
    (tmp_path / "u.inf").write_bytes(
        bom + (VERSION + 'PnpLockdown=1\r\n[Strings]\r\nDesc="Gerät"\r\n').encode("utf-8")
    )
    proc = infmigrate(*ISO015, "--no-cache", "u.inf", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.decode().splitlines() == [
        "u.inf:6:10: INF005 UTF-8 file with non-ASCII text ('ä'): InfVerif accepts only ANSI "
        "or UTF-16LE (InfVerif 1003); save it as UTF-16LE"
    ]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_ascii_only_utf8_not_warned(infmigrate: Run, tmp_path: Path, bom: bytes) -> None:
    (tmp_path / "a.inf").write_bytes(bom + (VERSION + "PnpLockdown=1\r\n").encode("utf-8"))
    proc = infmigrate(*ISO015, "--no-cache", "a.inf", cwd=tmp_path)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert proc.stdout == b""
