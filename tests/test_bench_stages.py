"""``bench/stages.py``: the stage breakdown names every stage and leaves the package as it was."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from infmigrate.engine import processing

BENCH = Path(__file__).resolve().parents[1] / "bench"
TOASTER = Path(__file__).resolve().parents[1] / "fixtures" / "examples" / "toaster.inf"


@pytest.fixture
def stages(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # the script imports its neighbours (bench/_corpus.py, bench/scaling.py) by name
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_stages", BENCH / "stages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stage_rows(out: str) -> list[str]:
    return [line.split()[0] for line in out.splitlines() if line.startswith("  ")][1:]


def test_memory_of_a_file_lists_each_stage_in_order(
    stages: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {name: getattr(processing, name) for name in stages.STAGES.values()}
    assert stages.main(["--memory-file", str(TOASTER)]) == 0
    out = capsys.readouterr().out
    rows = _stage_rows(out)
    # toaster.inf is changed by the fixes: every stage runs, the original tree's first
    assert rows[0] == "parse" and rows[-1] == "diff"
    assert {"check", "fix", "resolved"} <= set(rows)
    assert rows.index("check") < rows.index("fix") < rows.index("resolved")
    assert "highest stage peak" in out
    # the wrappers are gone: the package runs as before
    assert {name: getattr(processing, name) for name in stages.STAGES.values()} == before


def test_time_over_a_corpus_sums_to_its_total(
    stages: ModuleType, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copy(TOASTER, tmp_path / "toaster.inf")
    (tmp_path / "MANIFEST.tsv").write_text("path\tsource\ntoaster.inf\tfixture\n", "utf-8")
    assert stages.main(["--corpus", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "over 1 files" in out and "1 changed by the fixes" in out
    secs = {
        line.split()[0]: float(line.split()[1])
        for line in out.splitlines()
        if line.startswith("  ") and line.split()[1][0].isdigit()
    }
    assert set(secs) == {*stages.STAGES, "other", "total"}
    parts = sum(v for k, v in secs.items() if k != "total")
    assert parts == pytest.approx(secs["total"], abs=0.01)


def test_no_corpus_is_a_clear_error(
    stages: ModuleType, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert stages.main(["--corpus", str(tmp_path)]) == 2
    assert "MANIFEST.tsv is missing" in capsys.readouterr().err
