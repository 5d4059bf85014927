"""The package type-checks under ``mypy --strict`` (configuration: ``[tool.mypy]`` in
pyproject.toml, which also fails on a ``type: ignore`` that is no longer needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    # From the project root: the configured `files` and the incremental cache
    # (.mypy_cache, which makes a re-run take seconds) are relative to it.
    monkeypatch.chdir(ROOT)
    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml")])
    assert status == 0, f"mypy --strict failed:\n{stdout}{stderr}"
    assert "Success: no issues found" in stdout, stdout + stderr
