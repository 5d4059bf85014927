"""Report mode, --check, --write, --statistics and the summary count the same findings
as fixable/fixed (issue 10, defect 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..corpus import CORPUS, corpus_files, needs_corpus
from ..corpus_checks import count_figures, counts_disagree
from .conftest import ROOT, cli

FILES = [
    ROOT / "fixtures" / "examples" / "toaster.inf",
    ROOT / "fixtures" / "cli" / "win9x" / "dual_nt.inf",
    ROOT / "fixtures" / "cli" / "win9x" / "dual_nt_utf16.inf",
    ROOT / "fixtures" / "notinf" / "c_source.inf",
    ROOT / "fixtures" / "notinf" / "c_source_utf16.inf",
]


def _figures(path: Path, tmp_path: Path) -> dict[str, tuple[int, ...]]:
    target = tmp_path / "f.inf"
    shutil.copyfile(path, target)

    def run(*args: str) -> tuple[bytes, str]:
        res = cli(*args, cwd=tmp_path)
        return res.stdout, res.stderr

    return count_figures(run, "f.inf")


def _agree(figures: dict[str, tuple[int, ...]]) -> None:
    problem = counts_disagree(figures)
    assert problem is None, problem


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_counts_agree_on_fixtures(path: Path, tmp_path: Path) -> None:
    _agree(_figures(path, tmp_path))


def test_not_an_inf_counts_one_finding(tmp_path: Path) -> None:
    figures = _figures(FILES[3], tmp_path)
    assert figures["report"] == (1, 0, 0)
    assert figures["stats"][:2] == (1, 0)
    assert figures["write"] == figures["--check"] == (0,)


def test_toaster_counts(tmp_path: Path) -> None:
    figures = _figures(FILES[0], tmp_path)
    assert figures["report"][:2] == (8, 5)
    assert figures["stats"] == (8, 5, 3)


@needs_corpus
@pytest.mark.parametrize("index", range(8))
def test_counts_agree_on_corpus_sample(index: int, tmp_path: Path) -> None:
    files = corpus_files()
    rel = files[(index * 181 + 7) % len(files)]
    _agree(_figures(CORPUS / rel, tmp_path))
