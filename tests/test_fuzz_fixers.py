"""Fuzzing the whole pipeline with mutated INF text (hypothesis).

Starting from the hand-written fixtures, hypothesis deletes, duplicates, swaps and edits
lines and characters; every rule (unsafe fixes included) then runs on the result. Whatever
the input: nothing raises, the fixed output re-parses to the tree the fixers built (the
runner checks it), and fixing the output again changes nothing.

``fuzz/atheris_fix.py`` runs the same property under atheris for longer campaigns. What
the fuzzers found is kept in ``fixtures/fuzz``: ``<case>.before.inf`` and the exact output
of every rule (unsafe fixes included), ``<case>.after.inf``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infmigrate
from infmigrate.engine.catalog import all_rules
from infmigrate.engine.fixer import Settings
from infmigrate.engine.runner import fix
from tests.mutations import mutate_lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = sorted(p for p in FIXTURES.glob("ISO*/*.before.inf"))
FOUND = sorted((FIXTURES / "fuzz").glob("*.before.inf"))
ALPHABET = [
    *'[]=,;"\\% \t',
    "\r\n",
    "\n",
    "%12%\\",
    "%13%\\",
    "HKLM,",
    "HKR,",
    "CopyFiles=",
    "AddReg=",
    "AddService=",
    "13",
    "12",
    "[DestinationDirs]",
    "[Strings]",
    "Parameters",
    "x.sys",
]


def _insert(line: str, op: int, b: int, piece: str) -> str:
    """A piece of INF text inserted inside the line."""
    k = b % (len(line) + 1)
    return line[:k] + piece + line[k:]


def _mutate(text: str, ops: list[tuple[int, int, int, str]]) -> str:
    return mutate_lines(text, ops, _insert)


OPS = st.lists(
    st.tuples(
        st.integers(0, 3), st.integers(0, 10_000), st.integers(0, 10_000), st.sampled_from(ALPHABET)
    ),
    min_size=1,
    max_size=8,
)


#: Examples per run; ``INFMIGRATE_FUZZ_EXAMPLES`` raises it for a longer local campaign.
EXAMPLES = int(os.environ.get("INFMIGRATE_FUZZ_EXAMPLES", "300"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), ops=OPS, unsafe=st.booleans())
def test_fixing_mutated_inf_never_breaks(
    seed: Path, ops: list[tuple[int, int, int, str]], unsafe: bool
) -> None:
    original = infmigrate.parse(seed.read_bytes())
    text = _mutate(original.code, ops)
    try:
        data = infmigrate.engine.syntax.encode(text, original.encoding, original.bom)
    except ValueError:
        return  # the mutation produced text the file's encoding cannot hold
    tree = infmigrate.parse(data)
    assert tree.to_bytes() == data
    rules = all_rules()
    options = Settings(unsafe_fixes=unsafe)
    result = fix(tree, rules, options, path=seed.name)
    output = result.fixed.to_bytes()
    again = fix(infmigrate.parse(output), rules, options, path=seed.name)
    assert again.fixed.to_bytes() == output


def test_the_findings_are_kept() -> None:
    assert len(FOUND) >= 7


@pytest.mark.parametrize("before", FOUND, ids=lambda p: p.name.removesuffix(".before.inf"))
def test_what_the_fuzzers_found(before: Path) -> None:
    """Each was a fixer bug ("conflicting edits": a fix editing a line of a section that
    it, or another fix of the same round, deletes; an output that did not parse back: a
    line added after one ending in a continuation backslash, which joined them; fixes
    that did not converge: one fix per value of a RenFiles line, one applied a round);
    now fixed, exactly as recorded."""
    rules = all_rules()
    options = Settings(unsafe_fixes=True)
    output = fix(infmigrate.parse(before.read_bytes()), rules, options).fixed.to_bytes()
    assert output == before.with_name(before.name.replace(".before.", ".after.")).read_bytes()
    assert fix(infmigrate.parse(output), rules, options).fixed.to_bytes() == output
