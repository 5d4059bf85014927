"""The import direction between the layers and no import cycle inside a package, as
import-linter's contracts in pyproject.toml (``[tool.importlinter]``) declare them.

The first contract is the table of README's "How it works" (top to bottom, each layer
importing only from those below it); a test here keeps the two in step.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> dict[str, dict[str, Any]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in project["tool"]["importlinter"]["contracts"]}


def test_import_contracts_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # lint_imports puts the working directory first on sys.path: the project root, and
    # sys.path restored afterwards.
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "path", list(sys.path))
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert status == EXIT_STATUS_SUCCESS, report
    assert f"{len(_contracts())} kept, 0 broken" in report, report


def test_readme_layer_table_is_the_layers_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it works", 1)[1].split("\n## ", 1)[0]
    table = re.findall(r"^\| `infmigrate/(\w+)/` \|", section, re.M)
    layers = _contracts()["layers"]["layers"]
    assert table == [name.strip() for layer in layers for name in re.split(r"[|:]", layer)]
