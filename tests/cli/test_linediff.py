"""The line diff: minimal, valid, fast on big files with few changes."""

from __future__ import annotations

import difflib
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infmigrate.diffs import linediff
from infmigrate.diffs.linediff import changes, grouped, opcodes, text_opcodes
from infmigrate.diffs.unified import split_lines
from infmigrate.engine.syntax.lines import line_texts

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


# -- issue 18: the same opcodes with less memory ---------------------------------------

texts = st.lists(st.sampled_from(["a", "b", "\n", "\r\n", "\r", "a\n", "b\r\n"]), max_size=20).map(
    "".join
)


class _Newlines:
    """``split_lines`` (on ``\\n``, terminators kept), as the diff cuts its lines."""

    def lines(self, text: str, start: int, end: int, last: bool) -> list[str]:
        return split_lines(text[start:end])

    def count(self, text: str, start: int, end: int, last: bool) -> int:
        partial = last and end > start and text[end - 1] != "\n"
        return text.count("\n", start, end) + partial


class _Physical:
    """``line_texts`` (every terminator, removed), as the count of resolved findings."""

    def lines(self, text: str, start: int, end: int, last: bool) -> list[str]:
        out = line_texts(text[start:end])
        return out if last else out[:-1]

    def count(self, text: str, start: int, end: int, last: bool) -> int:
        return len(self.lines(text, start, end, last))


def _edited(draw: st.DrawFn) -> tuple[str, str]:
    a = draw(texts)
    b = a
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(b)))
        cut = draw(st.integers(0, 3))
        b = b[:at] + draw(st.sampled_from(["", "a", "\n", "\r\n", "\r", "b\n"])) + b[at + cut :]
    return a, b


edited = st.composite(_edited)


@settings(max_examples=400, deadline=None)
@given(edited())
def test_text_opcodes_are_the_opcodes_of_all_the_lines(pair: tuple[str, str]) -> None:
    a, b = pair
    assert text_opcodes(a, b, _Newlines()) == opcodes(split_lines(a), split_lines(b))
    assert text_opcodes(a, b, _Physical()) == opcodes(line_texts(a), line_texts(b))


def test_text_opcodes_compare_only_the_changed_middle(monkeypatch: pytest.MonkeyPatch) -> None:
    a = "".join(f"line {i}\n" for i in range(20_000))
    b = a.replace("line 7000\n", "line 7000 changed\nnew\n")
    seen: list[int] = []
    splitter = _Newlines()
    real = splitter.lines

    def lines(text: str, start: int, end: int, last: bool) -> list[str]:
        out = real(text, start, end, last)
        seen.append(len(out))
        return out

    monkeypatch.setattr(splitter, "lines", lines)
    assert text_opcodes(a, b, splitter) == [
        ("equal", 0, 7000, 0, 7000),
        ("replace", 7000, 7001, 7000, 7002),
        ("equal", 7001, 20_000, 7002, 20_001),
    ]
    assert max(seen) <= 2  # the common first and last lines are counted, not made


def test_myers_gives_the_same_path_when_it_computes_its_steps_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(18)
    a = [rng.choice("abc") for _ in range(600)]
    b = [x if rng.random() < 0.7 else rng.choice("abcd") for x in a]
    monkeypatch.setattr(linediff, "_BLOCK", 10**6)  # every step's snapshot kept
    kept = linediff._myers(a, b)
    monkeypatch.setattr(linediff, "_BLOCK", 7)  # computed again from every 7th
    again = linediff._myers(a, b)
    assert kept is not None and len([op for op in kept if op[0] != "equal"]) > 50
    assert again == kept


# -- issue 18: past MAX_EDITS differences, anchors (patience) instead of difflib --------

many = st.lists(st.sampled_from(["a\n", "b\n", "\n", "u1\n", "u2\n", "u3\n", "u4\n"]), max_size=40)


@settings(max_examples=400, deadline=None)
@given(many, many, st.integers(0, 3), st.integers(0, 30))
def test_the_anchored_diff_is_a_valid_diff(
    a: list[str], b: list[str], max_edits: int, difflib_lines: int
) -> None:
    # every part past max_edits differences is anchored; parts without anchors go to
    # difflib up to difflib_lines lines, and are replaced whole past it
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linediff, "MAX_EDITS", max_edits)
        patch.setattr(linediff, "_DIFFLIB_LINES", difflib_lines)
        ops = opcodes(a, b)
    assert _apply(a, b, ops) == b
    tags = [op[0] for op in ops]
    assert all(x != y or x != "equal" for x, y in itertools.pairwise(tags))  # runs merged


def test_thousands_of_added_sections_are_diffed_with_linear_work() -> None:
    """The shape of a joint fix of thousands of lists (each list copied to a new section
    of its own): some 4,000 differences, past MAX_EDITS. Myers' search would give up
    after about MAX_EDITS² steps and difflib was quadratic on it; the anchored diff
    compares a bounded number of times per line, and finds the minimal diff here."""
    n = 2000
    a = [f"CopyFiles = L{i}\n" for i in range(n)]
    for i in range(n):
        a += [f"[L{i}]\n", f"f{i}.sys\n", "\n"]
    b = [*a[:n], *(f"CopyFiles = L{i}_new\n" for i in range(n))]
    for i in range(n):
        b += [f"[L{i}]\n", f"f{i}.sys\n", "\n", f"[L{i}_new]\n", f"f{i}.sys\n", "\n"]
    assert linediff._excess(a, b) > linediff.MAX_EDITS
    _Line.compared = 0
    ops = opcodes(_counted(a), _counted(b))
    assert _Line.compared < 20 * (len(a) + len(b))
    assert _apply(a, b, ops) == b
    assert _cost(ops) == len(b) - len(a)  # insertions only: minimal
    # the new CopyFiles lines after the old ones; each new section's lines after the old
    # section's header, slid up as Myers' diff shows them (+f0.sys, +"", +[L0_new])
    assert ops[1] == ("insert", n, n, n, 2 * n)
    assert ops[2:4] == [
        ("equal", n, n + 1, 2 * n, 2 * n + 1),
        ("insert", n + 1, n + 1, 2 * n + 1, 2 * n + 4),
    ]
