"""The model over every INF of ``../shared/corpus``: never raises, invariants hold.

The corpus lives beside the repository (never inside it). Without it this test skips.
Run with ``-s`` to see the corpus figures (``tests/model/corpus_report.py``).
"""

from __future__ import annotations

import time

import pytest

import infmigrate
from infmigrate.model import InfModel, ListKind, LogicalSection, build_model, fold

from .corpus_report import CORPUS, Figures, corpus_files

MISSING = "../shared/corpus not found: the model corpus test needs the shared corpus"


def _invariants(model: InfModel) -> list[str]:
    problems: list[str] = []
    for section in model.sections:
        assert model.section(section.name) is section
        for ref in section.entries:
            if not any(line is ref.entry for line in ref.block.body):
                problems.append(f"line {ref.line}: EntryRef.entry is not in its block")
            if ref.section is not section or model.entry_ref(ref.entry) is not ref:
                problems.append(f"line {ref.line}: EntryRef not linked to its section")
    for fl in model.file_lists:
        if fl.kind is ListKind.COPY and fl.destination is None:
            problems.append(f"CopyFiles list {fl.name!r} has no destination")
    for ref in model.references:
        target = ref.target
        if target is not None and (not isinstance(target, LogicalSection)
                                   or fold(target.name) != fold(ref.name)
                                   or model.section(ref.name) is not target):
            problems.append(f"line {ref.entry.line}: reference to {ref.name!r} "
                            f"reaches {target!r}")
        if model.entry_ref(ref.entry.entry) is not ref.entry:
            problems.append(f"line {ref.entry.line}: reference entry is not the model's")
    for item in (*model.services, *model.file_references, *model.wdf_services):
        if model.entry_ref(item.entry.entry) is not item.entry:
            problems.append(f"line {item.entry.line}: {type(item).__name__} entry is foreign")
    return problems


def test_corpus_models():
    files = corpus_files()
    if not files:
        pytest.skip(MISSING)
    started = time.perf_counter()
    figures = Figures()
    failures: list[str] = []
    slowest = (0.0, "")
    for rel in files:
        tree = infmigrate.parse((CORPUS / rel).read_bytes())
        t0 = time.perf_counter()
        try:
            model = build_model(tree)
        except Exception as exc:  # report every failing file at once
            failures.append(f"{rel}: build_model raised {exc!r}")
            continue
        slowest = max(slowest, (time.perf_counter() - t0, rel))
        failures.extend(f"{rel}: {p}" for p in _invariants(model))
        figures.add(model)
    elapsed = time.perf_counter() - started
    print(f"\n{figures.report()}\nslowest model: {slowest[0] * 1000:.0f} ms ({slowest[1]}); "
          f"corpus in {elapsed:.1f} s")
    assert not failures, "\n".join(failures[:50])
    assert figures.infs == len(files)
    assert slowest[0] < 1.0, f"build_model took {slowest[0]:.2f} s on {slowest[1]}"
