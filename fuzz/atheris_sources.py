"""Coverage-guided fuzzing of the source reader and the code rules with atheris.

    pip install atheris
    mkdir -p /tmp/ccorpus && cp fixtures/ISO1*/*.c fixtures/ISO1*/*.cpp /tmp/ccorpus/
    python fuzz/atheris_sources.py /tmp/ccorpus -max_total_time=600

(libFuzzer adds what it finds to the first folder named: never name ``fixtures/``.)
``fuzz/campaign.sh`` runs it with issue 18's budget (fuzz/README.md).

Each input is checked as a C file and as a C++ file (``process_source``: tree-sitter,
the reader's tables, every code rule). The property is the one of
``tests/sources/test_fuzz_sources.py``: no internal error, and every finding lies within
the file. A crash is written to ``crash-*`` by libFuzzer; an input that takes longer than
``-timeout`` (the campaign gives 120 s) to ``timeout-*``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import atheris

with atheris.instrument_imports():
    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.problems import SYNTAX_CODES
    from infmigrate.engine.processing import FileOptions
    from infmigrate.sources.processing import process_source

    # The rules are loaded on first use: load them here, so that they are instrumented too.
    OPTIONS = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))


def test_one_input(data: bytes) -> None:
    lines = data.count(b"\n") + 1
    for name in ("fuzzed.c", "fuzzed.cpp"):
        result = process_source(data, name, OPTIONS, verbose=True)
        if result.error:
            raise AssertionError(f"{name}: {result.error}")
        for d in result.diagnostics:
            if not 1 <= d.line <= d.end_line <= lines:
                raise AssertionError(f"{name}: a finding outside the file: {d}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
