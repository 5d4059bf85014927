"""Shared helpers for the command-line tests: fixture trees and the installed command."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI_FIXTURES = ROOT / "fixtures" / "cli"
#: Only the rule that exists for sure, so that rules others are adding do not move the
#: expectations of these tests. The tree's UTF-8 files hold non-ASCII text on purpose (for
#: the diff tests), which INF005 flags: test_encoding_findings.py tests that.
ISO015 = ("--select", "ISO015", "--ignore", "INF005")


def installed_command() -> str | None:
    """The ``infmigrate`` console script of this interpreter's environment."""
    here = Path(sys.executable).parent
    return shutil.which("infmigrate", path=str(here)) or shutil.which("infmigrate")


def copy_tree(name: str, dest: Path) -> Path:
    """A fresh copy of ``fixtures/cli/<name>`` under ``dest``."""
    target = dest / name
    shutil.copytree(CLI_FIXTURES / name, target)
    return target


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_tree("tree", tmp_path)


Run = Callable[..., subprocess.CompletedProcess[bytes]]


@pytest.fixture(scope="session")
def infmigrate() -> Run:
    """Run the installed command: ``infmigrate(*args, cwd=..., input=b"...")``."""
    exe = installed_command()
    if exe is None:
        pytest.fail("the infmigrate command is not installed; run `pip install -e '.[test]'` first")

    def run(
        *args: str, cwd: Path, input: bytes | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        environ = {
            k: v
            for k, v in os.environ.items()
            if k not in ("FORCE_COLOR", "NO_COLOR", "GITHUB_ACTIONS")
        }
        environ.update(env or {})
        return subprocess.run(
            [exe, *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            env=environ,
            check=False,
            timeout=60,
        )

    return run


def files_of(root: Path, names: Sequence[str] | None = None) -> dict[str, bytes]:
    """Relative path -> bytes of every file under root (or of the names given), the
    ``.git`` and ``.infmigrate_cache`` folders left out."""
    if names is not None:
        return {n: (root / n).read_bytes() for n in names}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {".git", ".infmigrate_cache"} & set(p.parts)
    }


@dataclass
class CliResult:
    status: int
    stdout: bytes
    stderr: str


def cli(*args: str, cwd: Path, input: bytes | None = None) -> CliResult:
    """Run the command in this process, through the same option parsing as the installed
    command (typer's test runner), in ``cwd``."""
    from typer.testing import CliRunner

    from infmigrate.cli.app import app

    with contextlib.chdir(cwd):
        result = CliRunner().invoke(app, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout_bytes, result.stderr)


#: A small driver INF with a fixable finding (ISO015) and one left to report (ISO015 can
#: fix it: PnpLockdown is missing).
SAMPLE = (
    b'[Version]\r\nSignature="$Windows NT$"\r\nClass=Net\r\nProvider=%M%\r\n'
    b'CatalogFile=x.cat\r\n\r\n[Strings]\r\nM="Contoso"\r\n'
)
FIXED_SAMPLE = SAMPLE.replace(b"CatalogFile=x.cat\r\n", b"CatalogFile=x.cat\r\nPnpLockdown=1\r\n")
