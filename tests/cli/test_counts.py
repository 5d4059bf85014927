"""Report mode, --check, --write, --statistics and the summary count the same findings
as fixable/fixed (issue 10, defect 8)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ..corpus import CORPUS, corpus_files, needs_corpus
from .conftest import ROOT, cli

FILES = [ROOT / "fixtures" / "examples" / "toaster.inf",
         ROOT / "fixtures" / "cli" / "win9x" / "dual_nt.inf",
         ROOT / "fixtures" / "cli" / "win9x" / "dual_nt_utf16.inf",
         ROOT / "fixtures" / "notinf" / "c_source.inf",
         ROOT / "fixtures" / "notinf" / "c_source_utf16.inf"]


def _figures(path: Path, tmp_path: Path) -> dict[str, tuple[int, ...]]:
    target = tmp_path / "f.inf"
    shutil.copyfile(path, target)
    out: dict[str, tuple[int, ...]] = {}
    res = cli("--no-cache", "f.inf", cwd=tmp_path)
    found = re.search(r"Found (\d+) problems?", res.stderr)
    fixable = re.search(r"\[\*\] (\d+) fixable", res.stderr)
    marks = res.stdout.decode().count(" [*] ")
    out["report"] = (int(found.group(1)) if found else 0,
                     int(fixable.group(1)) if fixable else 0, marks)
    for mode in ("--check", "--diff"):
        res = cli("--no-cache", mode, "f.inf", cwd=tmp_path)
        fixed = re.search(r"Would fix (\d+)", res.stderr)
        out[mode] = (int(fixed.group(1)) if fixed else 0,)
    res = cli("--no-cache", "--check", "--statistics", "f.inf", cwd=tmp_path)
    total = [line for line in res.stdout.decode().splitlines() if line.endswith(" total")]
    out["stats"] = tuple(int(n) for n in total[0].split()[:3]) if total else (0, 0, 0)
    res = cli("--no-cache", "--write", "f.inf", cwd=tmp_path)
    fixed = re.search(r"Fixed (\d+) problems?", res.stderr)
    out["write"] = (int(fixed.group(1)) if fixed else 0,)
    return out


def _agree(figures: dict[str, tuple[int, ...]]) -> None:
    found, fixable, marks = figures["report"]
    assert fixable == marks == figures["--check"][0] == figures["--diff"][0] \
        == figures["write"][0], figures
    if figures["stats"] != (0, 0, 0):
        assert figures["stats"][:2] == (found, fixable), figures


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
    assert figures["report"][:2] == (9, 6)
    assert figures["stats"] == (9, 6, 4)


@needs_corpus
@pytest.mark.parametrize("index", range(8))
def test_counts_agree_on_corpus_sample(index: int, tmp_path: Path) -> None:
    files = corpus_files()
    rel = files[(index * 181 + 7) % len(files)]
    _agree(_figures(CORPUS / rel, tmp_path))
