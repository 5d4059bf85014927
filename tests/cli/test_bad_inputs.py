"""Bad input never stops a run: every file is migrated, or reported with its path (and,
for what is wrong inside it, line and reason), and the other files are still done.

Each case runs the command with every rule, ``--write``, next to a good file that must be
fixed whatever happens to the bad one.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

import infmigrate
from infmigrate.cli import command, tasks
from infmigrate.engine.processing import FileResult

from .conftest import FIXED_SAMPLE, ISO015, SAMPLE, cli

HEAD = b'[Version]\r\nSignature="$Windows NT$"\r\nClass=Net\r\nProvider=%M%\r\n'


def run_beside_good(tmp_path: Path, name: str, data: bytes, *args: str):  # type: ignore[no-untyped-def]
    (tmp_path / "good.inf").write_bytes(SAMPLE)
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    res = cli("--no-cache", "--write", *args, ".", cwd=tmp_path)
    assert (tmp_path / "good.inf").read_bytes() != SAMPLE, res.stderr  # fixed anyway
    assert "internal error" not in res.stderr and "Traceback" not in res.stderr
    after = target.read_bytes()
    # Written or not, the file is whole: it parses back to its own bytes, and running
    # again changes nothing (the write was complete and the fixes converge).
    assert infmigrate.parse(after).to_bytes() == after
    again = cli("--no-cache", "--check", *args, name, cwd=tmp_path)
    assert "Would fix" not in again.stderr, again.stderr
    return res, after


CASES = {
    "binary": random.Random(6).randbytes(8192),
    "empty": b"",
    "odd-utf16": b"\xff\xfe"
    + (HEAD + b'[Strings]\r\nM="x"\r\n').decode().encode("utf-16-le")
    + b"\x41",
    "cp1252-not-utf8": HEAD + b'; caf\xe9 cr\xe8me \x81\x8d\r\n[Strings]\r\nM="\xe9"\r\n',
    "nul-bytes": HEAD + b'\x00\x00bad\x00line\r\n[Strings]\r\nM="x"\r\n\x00\x00\x00',
    "one-megabyte-line": HEAD
    + b"[Install]\r\nAddReg=R\r\n[R]\r\nHKR,,Big,0x10000,"
    + b"abcdefghi," * 100_000
    + b"\r\n",
    "one-megabyte-string": HEAD + b'[R]\r\nHKR,,Big,,"' + b"a" * 1_000_000 + b'"\r\n',
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_content_is_processed_or_reported(tmp_path: Path, case: str) -> None:
    res, after = run_beside_good(tmp_path, f"{case}.inf", CASES[case])
    assert res.status in ((2,) if case == "odd-utf16" else (0, 1))
    if case == "cp1252-not-utf8":  # fixed in its own encoding, other bytes kept
        assert after == CASES[case].replace(
            b"Provider=%M%\r\n", b"Provider=%M%\r\nPnpLockdown=1\r\n"
        )
    if case == "odd-utf16":  # truncated: reported (INF004), never fixed (issue 10)
        assert after == CASES[case]
        assert "odd-utf16.inf: not fixed: the UTF-16 file has an odd number" in res.stderr
    if case == "binary":  # findings with their line numbers, never a crash
        assert f"{case}.inf:" in res.stdout.decode()


def test_fifty_megabyte_file(tmp_path: Path) -> None:
    comment = b"; " + b"x" * 998 + b"\r\n"
    data = HEAD + b"CatalogFile=x.cat\r\n" + comment * 50_000 + b'[Strings]\r\nM="C"\r\n'
    assert len(data) > 50_000_000
    res, after = run_beside_good(tmp_path, "big.inf", data, *ISO015)
    assert res.status == 0, res.stderr
    assert after.startswith(HEAD + b"CatalogFile=x.cat\r\nPnpLockdown=1\r\n" + comment)
    assert len(after) == len(data) + len(b"PnpLockdown=1\r\n")


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root: a mode-000 file can still be read",
)
def test_unreadable_file_is_reported_and_the_others_done(tmp_path: Path) -> None:
    (tmp_path / "good.inf").write_bytes(SAMPLE)
    (tmp_path / "locked.inf").write_bytes(SAMPLE)
    os.chmod(tmp_path / "locked.inf", 0)
    try:
        res = cli(*ISO015, "--no-cache", "--write", ".", cwd=tmp_path)
    finally:
        os.chmod(tmp_path / "locked.inf", 0o644)
    assert res.status == 2
    assert "error: locked.inf: cannot read: Permission denied" in res.stderr
    assert (tmp_path / "good.inf").read_bytes() == FIXED_SAMPLE


def test_file_deleted_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.inf", "gone.inf", "z.inf"):
        (tmp_path / name).write_bytes(SAMPLE)
    real = command._read

    def read(path: Path, *args):  # type: ignore[no-untyped-def]
        if path.name == "gone.inf":
            path.unlink()
        return real(path, *args)

    monkeypatch.setattr(command, "_read", read)
    res = cli(*ISO015, "--no-cache", "--write", ".", cwd=tmp_path)
    assert res.status == 2
    assert "error: gone.inf: cannot read: No such file or directory" in res.stderr
    assert (tmp_path / "a.inf").read_bytes() == (tmp_path / "z.inf").read_bytes() == FIXED_SAMPLE


@pytest.mark.parametrize("what", ["deleted", "edited"])
def test_file_deleted_or_edited_while_it_is_processed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    for name in ("a.inf", "b.inf"):
        (tmp_path / name).write_bytes(SAMPLE)
    real = tasks.process

    def meddle(data: bytes, path: str, *args: object, **kwargs: object) -> FileResult:
        if path == "a.inf":
            if what == "deleted":
                (tmp_path / "a.inf").unlink()
            else:
                (tmp_path / "a.inf").write_bytes(SAMPLE + b"; someone's edit\r\n")
        return real(data, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "process", meddle)
    res = cli(*ISO015, "--no-cache", "--write", ".", cwd=tmp_path)
    assert res.status == 2
    if what == "deleted":
        assert "error: a.inf: cannot write: No such file or directory" in res.stderr
        assert not (tmp_path / "a.inf").exists()
    else:
        assert (
            "error: a.inf: cannot write: changed on disk during the run; not "
            "overwritten (run again)"
        ) in res.stderr
        assert (tmp_path / "a.inf").read_bytes() == SAMPLE + b"; someone's edit\r\n"
    assert (tmp_path / "b.inf").read_bytes() == FIXED_SAMPLE
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith("-tmp")] == []


def test_directory_named_like_an_inf(tmp_path: Path) -> None:
    (tmp_path / "x.inf").mkdir()
    (tmp_path / "x.inf" / "inner.inf").write_bytes(SAMPLE)
    res = cli(*ISO015, "--no-cache", ".", cwd=tmp_path)
    assert res.stdout.decode().startswith("x.inf/inner.inf:")
    res = cli(*ISO015, "--no-cache", "x.inf", cwd=tmp_path)  # named: searched as a folder
    assert res.stdout.decode().startswith("x.inf/inner.inf:")
    assert "(1 file checked)" in res.stderr


def test_path_with_spaces_and_non_ascii_characters(tmp_path: Path) -> None:
    folder = tmp_path / "Drivers für Ω" / "sub dir"
    folder.mkdir(parents=True)
    (folder / "Ünïcödé drv.inf").write_bytes(SAMPLE)
    shown = "Drivers für Ω/sub dir/Ünïcödé drv.inf"
    res = cli(*ISO015, "--no-cache", ".", cwd=tmp_path)
    assert res.stdout.decode().startswith(f"{shown}:")
    res = cli(*ISO015, "--no-cache", "--diff", ".", cwd=tmp_path)
    assert res.stdout.decode().startswith(f"--- a/{shown}\t\n+++ b/{shown}\t\n")
    res = cli(*ISO015, "--write", ".", cwd=tmp_path)
    assert (folder / "Ünïcödé drv.inf").read_bytes() == FIXED_SAMPLE
    assert f"Fixed {shown} (ISO015)" in res.stderr


def test_permission_denied_is_reported_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.inf", "locked.inf"):
        (tmp_path / name).write_bytes(SAMPLE)
    real = command._read

    def read(path: Path, *args):  # type: ignore[no-untyped-def]
        if path.name == "locked.inf":
            raise PermissionError(13, "Permission denied")
        return real(path, *args)

    monkeypatch.setattr(command, "_read", read)
    res = cli(*ISO015, "--no-cache", "--write", ".", cwd=tmp_path)
    assert res.status == 2
    assert "error: locked.inf: cannot read: Permission denied" in res.stderr
    assert (tmp_path / "a.inf").read_bytes() == FIXED_SAMPLE


def test_file_over_max_file_size_is_skipped_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "good.inf").write_bytes(SAMPLE)
    big = HEAD + b"; padding\r\n" * 200
    (tmp_path / "big.inf").write_bytes(big)
    res = cli("--no-cache", "--write", "--max-file-size", "1KB", ".", cwd=tmp_path)
    assert res.status in (0, 1), res.stderr
    assert (tmp_path / "big.inf").read_bytes() == big  # not touched
    assert (tmp_path / "good.inf").read_bytes() != SAMPLE  # the other file is done
    assert f"big.inf: {len(big):,} bytes, over max-file-size (1,024 bytes): skipped" in res.stderr
    assert "1 skipped" in res.stderr
    # the configuration key, and standard input
    (tmp_path / "infmigrate.toml").write_text('max-file-size = "1KB"\n', encoding="utf-8")
    res = cli("--no-cache", "--check", "big.inf", cwd=tmp_path)
    assert "big.inf:" in res.stderr and "skipped" in res.stderr
    res = cli("--no-cache", "--max-file-size", "1KB", "-", cwd=tmp_path, input=big)
    assert "-: over max-file-size (1,024 bytes): skipped" in res.stderr
    assert "1 skipped" in res.stderr
    # a limit the file fits under
    res = cli("--no-cache", "--check", "--max-file-size", "1MB", "big.inf", cwd=tmp_path)
    assert "skipped" not in res.stderr


@pytest.mark.parametrize("value", ["1XB", "0", "-5", "MB"])
def test_invalid_max_file_size_is_a_usage_error(tmp_path: Path, value: str) -> None:
    res = cli("--no-cache", f"--max-file-size={value}", ".", cwd=tmp_path)
    assert res.status == 2 and "--max-file-size" in res.stderr
