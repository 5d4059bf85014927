"""Fuzzing the source reader and the code rules with mutated C (hypothesis).

A driver package's C and C++ files come from the repository like its INFs (issue 18:
"trust nothing from the repository"). Starting from the code rules' fixtures, hypothesis
deletes, duplicates and swaps lines, repeats pieces of a line, and inserts pieces of C
(unbalanced parentheses, braces and quotes, ``#if 0``, defines, registry calls, NUL and
invalid UTF-8 bytes). Whatever the input, the file is checked without an internal error,
every finding lies within the file, and its columns count characters as the line reads.

Found this way (stop 32): ISO104 failed on a macro defined twice (a file path in one
``#if`` branch, something else in the other): fixture
``ISO104/path_defined_per_branch.c``; and the reader walked up the tree for each name of
a deep expression, cubic in the names (``bench/csweep.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infmigrate.engine.catalog import all_rules
from infmigrate.engine.problems import SYNTAX_CODES
from infmigrate.engine.processing import FileOptions
from infmigrate.sources import is_source
from infmigrate.sources.processing import process_source
from tests.mutations import mutate_lines

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEEDS = sorted(p for p in FIXTURES.glob("ISO1[0-9][0-9]/*") if p.is_file() and is_source(p.name))
PIECES = [
    b"(",
    b")",
    b"{",
    b"}",
    b'"',
    b"'",
    b"\\",
    b"/*",
    b"*/",
    b"//",
    b";",
    b",",
    b" + v",
    b"\n",
    b"\\\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"\xc3\xa9",
    b"\xe2\x82",
    b'L"',
    b'L"\\\\SystemRoot\\\\System32\\\\x.sys"',
    b'"\\\\Registry\\\\Machine\\\\System\\\\x"',
    b"RegistryPath",
    b"ZwOpenKey(",
    b"RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, ",
    b"InitializeObjectAttributes(&a, ",
    b"RtlCopyUnicodeString(&p, ",
    b"\n#if 0\n",
    b"\n#else\n",
    b"\n#endif\n",
    b'\n#define P L"\\\\??\\\\C:\\\\x.log"\n',
    b"\n#define P 1\n",
    b"DriverEntry(",
    b'R"(',
    b')"',
]


def _within(line: bytes, op: int, b: int, piece: int) -> bytes:
    """Op 3 repeats a piece of the line; the others insert a piece of C inside it."""
    k = b % (len(line) + 1)
    if op == 3:
        return line[:k] + line[k : k + 12] * (1 + piece % 40) + line[k:]
    return line[:k] + PIECES[piece % len(PIECES)] + line[k:]


def _mutate(data: bytes, ops: list[tuple[int, int, int, int]]) -> bytes:
    return mutate_lines(data, ops, _within)


OPS = st.lists(
    st.tuples(
        st.integers(0, 4), st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 1000)
    ),
    min_size=1,
    max_size=10,
)

#: Examples per run; ``INFMIGRATE_FUZZ_SOURCES_EXAMPLES`` raises it for a longer campaign.
EXAMPLES = int(os.environ.get("INFMIGRATE_FUZZ_SOURCES_EXAMPLES", "300"))
OPTIONS = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), ops=OPS)
def test_checking_mutated_c_never_fails(seed: Path, ops: list[tuple[int, int, int, int]]) -> None:
    data = _mutate(seed.read_bytes(), ops)
    name = seed.name
    result = process_source(data, name, OPTIONS, verbose=True)
    assert not result.error, result.error
    lines = data.split(b"\n")
    for d in result.diagnostics:
        assert 1 <= d.line <= d.end_line <= len(lines), d
        for line, column in ((d.line, d.column), (d.end_line, d.end_column)):
            assert 1 <= column <= len(lines[line - 1].decode("utf-8", "replace")) + 1, d


def test_the_seeds_are_the_code_fixtures() -> None:
    assert len(SEEDS) >= 30
