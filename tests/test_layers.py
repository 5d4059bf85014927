"""The import direction between the layers and no import cycle inside a package, as
import-linter's contracts in pyproject.toml (``[tool.importlinter]``) declare them.

The first contract is the table of README's "How it works" (top to bottom, each layer
importing only from those below it); a test here keeps the two in step.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> dict[str, dict[str, Any]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in project["tool"]["importlinter"]["contracts"]}


def test_import_contracts_kept() -> None:
    # In a child process: lint-imports puts the working directory on sys.path and sets up
    # logging for the whole process.
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--no-cache",
            "--no-logo",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert f"{len(_contracts())} kept, 0 broken" in report, report


def test_readme_layer_table_is_the_layers_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it works", 1)[1].split("\n## ", 1)[0]
    table = re.findall(r"^\| `infmigrate/(\w+)/` \|", section, re.M)
    layers = _contracts()["layers"]["layers"]
    assert table == [name.strip() for layer in layers for name in re.split(r"[|:]", layer)]
