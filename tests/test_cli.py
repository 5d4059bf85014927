"""The `infmigrate` command (syntax checking for now)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from infmigrate.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
runner = CliRunner()


def test_clean_file_exits_0() -> None:
    result = runner.invoke(app, [str(FIXTURES / "examples" / "toaster.inf")])
    assert result.exit_code == 0, result.output
    assert "1 file checked, 0 syntax problems, 0 failed" in result.output


def test_directory_is_searched_for_inf_and_inx_in_any_case(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.inf", "B.INF", "sub/c.Inx", "notes.txt"):
        (tmp_path / name).write_bytes(b"[Version]\r\n")
    result = runner.invoke(app, [str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "3 files checked" in result.output


def test_syntax_problems_are_reported_with_positions_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.inf"
    bad.write_bytes(b"[Version]\r\n[Strings\r\nx = \"open\r\n")
    result = runner.invoke(app, [str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2:1: INF001 error: section header has no closing ']'" in result.output
    assert f"{bad}:3:5: INF003 warning: quoted string is not closed" in result.output


def test_unreadable_file_is_named_others_still_checked_exit_2(tmp_path: Path) -> None:
    good = tmp_path / "good.inf"
    good.write_bytes(b"[Version]\r\n")
    result = runner.invoke(app, [str(tmp_path / "missing.inf"), str(good)])
    assert result.exit_code == 2
    assert "missing.inf: error: cannot read file" in result.output
    assert "2 files checked, 0 syntax problems, 1 failed" in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("infmigrate ")


def test_module_entry_point_runs_without_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.inf"
    junk.write_bytes(bytes(range(256)) * 64)
    proc = subprocess.run([sys.executable, "-m", "infmigrate", str(junk)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
