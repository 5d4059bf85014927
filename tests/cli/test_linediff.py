"""The line diff: minimal, valid, fast on big files with few changes."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from infmigrate.diffs.linediff import changes, grouped, opcodes

lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "\n"]), max_size=25)


def _apply(a: list[str], b: list[str], ops: list) -> list[str]:  # type: ignore[type-arg]
    out: list[str] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            out += a[i1:i2]
        else:
            out += b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    return out


def _cost(ops: list) -> int:  # type: ignore[type-arg]
    return sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in ops if tag != "equal")


@settings(max_examples=300, deadline=None)
@given(lines, lines)
def test_opcodes_are_valid_and_minimal(a: list[str], b: list[str]) -> None:
    ops = opcodes(a, b)
    assert _apply(a, b, ops) == b
    reference = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    assert _cost(ops) <= _cost(reference)


@settings(max_examples=200, deadline=None)
@given(lines, lines)
def test_grouping_matches_difflib_for_the_same_opcodes(a: list[str], b: list[str]) -> None:
    ops = opcodes(a, b)
    sm = difflib.SequenceMatcher(None, a, b)
    sm.get_opcodes = lambda: ops  # type: ignore[method-assign]
    assert list(grouped(ops)) == list(sm.get_grouped_opcodes(3))


def test_a_changed_line_among_identical_lines_is_one_replacement() -> None:
    a = ["x\n", "HKR\n", "HKR\n", "y\n"]
    b = ["x\n", "new\n", "HKR\n", "y\n"]
    assert [op for op in opcodes(a, b) if op[0] != "equal"] == [("replace", 1, 2, 1, 2)]


class _Line(str):
    """A line that counts how often it is compared (the diff's work, not its time)."""

    compared = 0
    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        _Line.compared += 1
        return str.__eq__(self, other)


def _counted(lines: list[str]) -> list[str]:
    return [_Line(line) for line in lines]


def test_one_change_in_20000_repetitive_lines_is_fast_and_minimal() -> None:
    # difflib's autojunk turns this into thousands of changed lines.
    a = ["HKR,,Value,0x00010001,1\r\n" if i % 3 else "\r\n" for i in range(20_000)]
    for where in (5, 10_000, 19_990):
        b = list(a)
        b[where] = "HKR,,Value,0x00010001,2\r\n"
        b.insert(where + 7, "PnpLockdown = 1\r\n")
        _Line.compared = 0
        found = changes(_counted(a), _counted(b))
        # linear in the lines for a few differences (a quadratic search: ~10^8)
        assert _Line.compared < 10 * (len(a) + len(b))
        assert [(c.old_end - c.old_start, c.new_end - c.new_start) for c in found] == [
            (1, 1),
            (0, 1),
        ]


def test_far_apart_changes_stay_fast() -> None:
    a = [f"line {i % 50}\n" for i in range(20_000)]
    b = list(a)
    for where in range(100, 20_000, 2_000):
        b[where] = "changed\n"
    _Line.compared = 0
    found = changes(_counted(a), _counted(b))
    assert _Line.compared < 30 * (len(a) + len(b))  # O((N + M) * D), D = 20
    assert len(found) == 10
