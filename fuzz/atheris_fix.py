"""Coverage-guided fuzzing of parse -> fix -> print with atheris (outside CI).

    pip install atheris
    mkdir -p /tmp/corpus && cp fixtures/*/*.inf /tmp/corpus/
    python fuzz/atheris_fix.py /tmp/corpus -max_total_time=600

(libFuzzer adds what it finds to the first folder named: never name ``fixtures/``.)
``fuzz/campaign.sh`` runs it with issue 18's budget (fuzz/README.md).

The corpus directories given on the command line seed the campaign (the hand-written
fixtures are a good start). Each input is parsed as an INF, fixed with every rule (unsafe
fixes included) and printed; the property is the one of tests/test_fuzz_fixers.py: nothing
raises, the output re-parses, and fixing it again changes nothing. A crash is written to
``crash-*`` by libFuzzer.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import atheris

with atheris.instrument_imports():
    import infmigrate
    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.fixer import Settings
    from infmigrate.engine.runner import fix

    # The rules are loaded on first use: load them here, so that they are instrumented
    # too (coverage of the fixers is what guides the campaign).
    RULES = all_rules()
SETTINGS = Settings(unsafe_fixes=True)


def test_one_input(data: bytes) -> None:
    tree = infmigrate.parse(data)
    if tree.to_bytes() != data:
        raise AssertionError("round trip changed the bytes")
    output = fix(tree, RULES, SETTINGS).fixed.to_bytes()
    again = fix(infmigrate.parse(output), RULES, SETTINGS).fixed.to_bytes()
    if again != output:
        raise AssertionError("a second run changed the output")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
