"""The model over every INF of ``../shared/corpus``: never raises, invariants hold.

The corpus lives beside the repository (never inside it). Without it this test skips.
Run with ``-s`` to see the corpus figures (``tests/model/corpus_report.py``).
"""

from __future__ import annotations

import time

import pytest

import infmigrate
from infmigrate.engine.model import build_model

from ._load import invariants
from .corpus_report import CORPUS, Figures, corpus_files

MISSING = "../shared/corpus not found: the model corpus test needs the shared corpus"


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
        failures.extend(f"{rel}: {p}" for p in invariants(model))
        figures.add(model)
    elapsed = time.perf_counter() - started
    print(
        f"\n{figures.report()}\nslowest model: {slowest[0] * 1000:.0f} ms ({slowest[1]}); "
        f"corpus in {elapsed:.1f} s"
    )
    assert not failures, "\n".join(failures[:50])
    assert figures.infs == len(files)
    # The slowest model is printed, never asserted: speed is the benchmarks' job
    # (bench/parse.py, bench/scaling.py), a timed assertion fails on a busy machine.
