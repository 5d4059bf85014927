"""A minimal line diff that stays fast on large files with few changes.

:func:`opcodes` returns difflib-style opcodes. It trims the common prefix and suffix, then
runs Myers' O(ND) algorithm on what is left, so a one-line change in a 20,000-line INF
costs a few microseconds and the result is minimal. (difflib's ``autojunk`` heuristic
treats lines that make up over 1% of a file as junk, and turns such a change into
thousands of changed lines; without it, difflib is quadratic on the repetitive lines of a
big INF.) Past :data:`MAX_EDITS` differences, which fixes of real INFs never come near, it
anchors on the lines found once in each side (patience diff: the longest run of such lines
in the same order is kept) and diffs what lies between two anchors the same way: still a
correct diff, possibly not a minimal one, in time about linear in the lines (issue 18: a
fix adding thousands of sections to a big INF spent most of its time in difflib).
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "MAX_EDITS",
    "Change",
    "LineSplit",
    "Opcode",
    "changes",
    "grouped",
    "opcodes",
    "text_opcodes",
]

#: Opcode: (tag, i1, i2, j1, j2) with tag in equal / replace / delete / insert.
Opcode = tuple[str, int, int, int, int]
#: Differences beyond which Myers' algorithm gives way to the anchored diff (its search
#: costs about ``MAX_EDITS ** 2`` steps before it gives up).
MAX_EDITS = 1000
#: Lines (both sides) up to which a part without anchors is left to difflib; past it,
#: such a part is one replacement (difflib is quadratic on it).
_DIFFLIB_LINES = 4000


@dataclass(frozen=True, slots=True)
class Change:
    """One contiguous change: old lines ``[old_start, old_end)`` become new lines
    ``[new_start, new_end)`` (0-based; an empty old range is an insertion before
    ``old_start``)."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


def _step(a: Sequence[Hashable], b: Sequence[Hashable], v: list[int], offset: int, d: int) -> bool:
    """Step ``d`` of Myers' forward pass: the furthest reaching paths of ``d``
    differences, written into ``v``; True when one reaches the end of both sequences."""
    n, m = len(a), len(b)
    for k in range(-d, d + 1, 2):
        if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
            x = v[offset + k + 1]
        else:
            x = v[offset + k - 1] + 1
        y = x - k
        while x < n and y < m and a[x] == b[y]:
            x += 1
            y += 1
        v[offset + k] = x
        if x >= n and y >= m:
            return True
    return False


#: Steps between the snapshots :func:`_myers` keeps while searching: the others are
#: computed again, one block at a time, when the path is walked back (issue 18: the
#: snapshots of every step cost D² integers, 30 MB at :data:`MAX_EDITS`, whatever the
#: file's size).
_BLOCK = 64


def _myers(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode] | None:
    """Opcodes of a shortest edit script, or None past MAX_EDITS differences."""
    n, m = len(a), len(b)
    limit = min(n + m, MAX_EDITS)
    offset = limit + 1
    v = [0] * (2 * offset + 1)
    # snapshot d: V after step d-1, for k in [-d-1, d+1] (stored from index 0); only
    # every _BLOCK-th is kept
    kept: dict[int, list[int]] = {}
    last = -1
    for d in range(limit + 1):
        if d % _BLOCK == 0:
            kept[d] = v[offset - d - 1 : offset + d + 2]
        if _step(a, b, v, offset, d):
            last = d
            break
    if last < 0:
        return None
    del v

    def block(start: int) -> list[list[int]]:
        """Snapshots start .. start + _BLOCK - 1 (at most up to ``last``), computed again
        from the one kept at ``start``: the same steps give the same values."""
        w = [0] * (2 * offset + 1)
        first = kept[start]
        w[offset - start - 1 : offset + start + 2] = first
        out = [first]
        for d in range(start, min(start + _BLOCK, last + 1) - 1):
            _step(a, b, w, offset, d)
            out.append(w[offset - d - 2 : offset + d + 3])
        return out

    # Walk back through the snapshots.
    steps: list[tuple[str, int, int]] = []  # (tag, x, y) of each unit step, backwards
    x, y = n, m
    snaps: list[list[int]] = []
    start = -1
    for d in range(last, -1, -1):
        if d < start or start < 0:
            start = d - d % _BLOCK
            snaps = block(start)
        snap = snaps[d - start]
        base = d + 1  # index of k == 0 in snap

        def at(k: int, snap: list[int] = snap, base: int = base) -> int:
            return snap[base + k]

        k = x - y
        down = k == -d or (k != d and at(k - 1) < at(k + 1))
        prev_k = k + 1 if down else k - 1
        prev_x = at(prev_k) if d > 0 else 0
        prev_y = prev_x - prev_k if d > 0 else 0
        while x > prev_x and y > prev_y:
            x -= 1
            y -= 1
            steps.append(("equal", x, y))
        if d > 0:
            if x == prev_x:
                steps.append(("insert", x, prev_y))
            else:
                steps.append(("delete", prev_x, y))
        x, y = prev_x, prev_y
    steps.reverse()
    return _coalesce(steps)


def _coalesce(steps: list[tuple[str, int, int]]) -> list[Opcode]:
    """Unit steps (in order) -> opcodes; adjacent deletes and inserts make a replace."""
    out: list[Opcode] = []
    i = j = 0
    pos = 0
    while pos < len(steps):
        tag = steps[pos][0]
        if tag == "equal":
            start_i, start_j = i, j
            while pos < len(steps) and steps[pos][0] == "equal":
                i += 1
                j += 1
                pos += 1
            out.append(("equal", start_i, i, start_j, j))
            continue
        start_i, start_j = i, j
        while pos < len(steps) and steps[pos][0] != "equal":
            if steps[pos][0] == "delete":
                i += 1
            else:
                j += 1
            pos += 1
        tag = "replace" if i > start_i and j > start_j else ("delete" if i > start_i else "insert")
        out.append((tag, start_i, i, start_j, j))
    return out


def _slide_up(seq: Sequence[Hashable], changed: list[bool]) -> None:
    """Move each run of changed lines up while the line above it equals its last line
    (which keeps the diff valid), so that runs of identical lines change at their top."""
    i = 0
    n = len(seq)
    while i < n:
        if not changed[i]:
            i += 1
            continue
        start = i
        while i < n and changed[i]:
            i += 1
        end = i
        while start > 0 and not changed[start - 1] and seq[start - 1] == seq[end - 1]:
            changed[start - 1], changed[end - 1] = True, False
            start -= 1
            end -= 1


def _compact(a: Sequence[Hashable], b: Sequence[Hashable], codes: list[Opcode]) -> list[Opcode]:
    """Equivalent opcodes where deletions and insertions next to identical lines sit
    together (a changed line reads as ``-old`` ``+new``, not ``+new`` `` same`` ``-same``)."""
    deleted = [False] * len(a)
    inserted = [False] * len(b)
    for tag, i1, i2, j1, j2 in codes:
        if tag != "equal":
            deleted[i1:i2] = [True] * (i2 - i1)
            inserted[j1:j2] = [True] * (j2 - j1)
    _slide_up(a, deleted)
    _slide_up(b, inserted)
    out: list[Opcode] = []
    i = j = 0
    n, m = len(a), len(b)
    while i < n or j < m:
        i1, j1 = i, j
        if i < n and j < m and not deleted[i] and not inserted[j]:
            while i < n and j < m and not deleted[i] and not inserted[j]:
                i += 1
                j += 1
            out.append(("equal", i1, i, j1, j))
            continue
        while i < n and deleted[i]:
            i += 1
        while j < m and inserted[j]:
            j += 1
        if i == i1 and j == j1:  # pragma: no cover - flags out of step: keep the input
            return codes
        tag = "replace" if i > i1 and j > j1 else ("delete" if i > i1 else "insert")
        out.append((tag, i1, i, j1, j))
    return out


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """difflib-style opcodes turning ``a`` into ``b`` (minimal unless huge)."""
    n, m = len(a), len(b)
    lo = 0
    while lo < n and lo < m and a[lo] == b[lo]:
        lo += 1
    hi = 0
    while hi < n - lo and hi < m - lo and a[n - 1 - hi] == b[m - 1 - hi]:
        hi += 1
    return _assemble(_middle(a[lo : n - hi], b[lo : m - hi]), lo, n, m, hi)


def _middle(mid_a: Sequence[Hashable], mid_b: Sequence[Hashable]) -> list[Opcode]:
    """The opcodes of what is left once the common first and last lines are set aside."""
    if not mid_a and not mid_b:
        return []
    if not mid_a:
        return [("insert", 0, 0, 0, len(mid_b))]
    if not mid_b:
        return [("delete", 0, len(mid_a), 0, 0)]
    found = _myers(mid_a, mid_b) if _excess(mid_a, mid_b) <= MAX_EDITS else None
    if found is None:
        found = _from_pairs(_anchored_pairs(mid_a, mid_b), len(mid_a), len(mid_b))
    return _compact(mid_a, mid_b, found)


def _excess(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """A lower bound of the differences of any edit script from ``a`` to ``b``: a line
    found more often on one side is deleted or inserted at least that many times more.
    Past :data:`MAX_EDITS`, Myers' search is not started (it would give up after its
    most costly steps)."""
    counts: Counter[Hashable] = Counter(a)
    counts.subtract(b)
    return sum(abs(c) for c in counts.values())


def _anchors(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` with ``a[i] == b[j]`` for lines found once in ``a`` and once in
    ``b``: the longest such series increasing on both sides (patience sorting)."""
    count = Counter(a)
    at_b: dict[Hashable, int] = {}
    for j, line in enumerate(b):
        if count[line] == 1:
            at_b[line] = -1 if line in at_b else j
    pairs = [
        (i, at_b[line]) for i, line in enumerate(a) if count[line] == 1 and at_b.get(line, -1) >= 0
    ]
    tails: list[int] = []  # the smallest last j of an increasing series of each length
    tail_at: list[int] = []  # the index in pairs of that last pair
    back = [-1] * len(pairs)  # each pair's predecessor in its series
    for index, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(index)
        else:
            tails[k] = j
            tail_at[k] = index
        back[index] = tail_at[k - 1] if k else -1
    out: list[tuple[int, int]] = []
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        out.append(pairs[index])
        index = back[index]
    out.reverse()
    return out


def _anchored_pairs(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """The equal lines ``(i, j)`` of a correct diff of ``a`` and ``b``, in order: the
    common first and last lines of each part, then Myers' shortest script when the part
    has few differences, else its anchors (:func:`_anchors`) and the parts between them,
    the same way (a stack, not recursion: a hostile file can nest deeply); a part without
    anchors goes to difflib, or is replaced whole when large."""
    pairs: list[tuple[int, int]] = []
    work = [(0, len(a), 0, len(b))]
    while work:
        a1, a2, b1, b2 = work.pop()
        while a1 < a2 and b1 < b2 and a[a1] == b[b1]:
            pairs.append((a1, b1))
            a1 += 1
            b1 += 1
        while a1 < a2 and b1 < b2 and a[a2 - 1] == b[b2 - 1]:
            a2 -= 1
            b2 -= 1
            pairs.append((a2, b2))
        if a1 == a2 or b1 == b2:
            continue
        part_a, part_b = a[a1:a2], b[b1:b2]
        codes = _myers(part_a, part_b) if _excess(part_a, part_b) <= MAX_EDITS else None
        if codes is None:
            anchors = _anchors(part_a, part_b)
            if anchors:
                last_i, last_j = a1, b1
                for i, j in anchors:
                    pairs.append((a1 + i, b1 + j))
                    work.append((last_i, a1 + i, last_j, b1 + j))
                    last_i, last_j = a1 + i + 1, b1 + j + 1
                work.append((last_i, a2, last_j, b2))
                continue
            if len(part_a) + len(part_b) > _DIFFLIB_LINES:
                continue  # nothing matched: one replacement
            matcher = difflib.SequenceMatcher(None, part_a, part_b)
            codes = list(matcher.get_opcodes())
        for tag, i1, i2, j1, _ in codes:
            if tag == "equal":
                pairs.extend((a1 + i, b1 + j1 - i1 + i) for i in range(i1, i2))
    pairs.sort()
    return pairs


def _from_pairs(pairs: list[tuple[int, int]], n: int, m: int) -> list[Opcode]:
    """Opcodes of ``n`` and ``m`` lines whose equal lines are ``pairs`` (in order)."""
    out: list[Opcode] = []
    i = j = 0
    for pi, pj in [*pairs, (n, m)]:
        if pi > i or pj > j:
            tag = "replace" if pi > i and pj > j else ("delete" if pi > i else "insert")
            out.append((tag, i, pi, j, pj))
        if pi == n and pj == m:
            break
        if out and out[-1][0] == "equal" and out[-1][2] == pi and out[-1][4] == pj:
            out[-1] = ("equal", out[-1][1], pi + 1, out[-1][3], pj + 1)
        else:
            out.append(("equal", pi, pi + 1, pj, pj + 1))
        i, j = pi + 1, pj + 1
    return out


def _assemble(middle: list[Opcode], lo: int, n: int, m: int, hi: int) -> list[Opcode]:
    """The opcodes of the whole: ``lo`` equal lines, ``middle`` (shifted by ``lo``) and
    ``hi`` equal lines, adjacent equal runs merged."""
    out: list[Opcode] = []
    if lo:
        out.append(("equal", 0, lo, 0, lo))
    for tag, i1, i2, j1, j2 in middle:
        op = (tag, i1 + lo, i2 + lo, j1 + lo, j2 + lo)
        if tag == "equal" and out and out[-1][0] == "equal":
            prev = out.pop()
            op = ("equal", prev[1], op[2], prev[3], op[4])
        out.append(op)
    if hi:
        op = ("equal", n - hi, n, m - hi, m)
        if out and out[-1][0] == "equal":
            prev = out.pop()
            op = ("equal", prev[1], n, prev[3], m)
        out.append(op)
    return out


class LineSplit(Protocol):
    """How a text is cut into lines, for :func:`text_opcodes`: every ``\\n`` ends a line
    (other terminators may too)."""

    def lines(self, text: str, start: int, end: int, last: bool) -> list[str]:
        """The lines of ``text[start:end]``: ``start`` is 0 or just after a ``\\n``, and
        so is ``end`` unless ``last``: the part runs to the end of the text (``end`` is
        ``len(text)``) and its lines are the text's last ones."""
        ...

    def count(self, text: str, start: int, end: int, last: bool) -> int:
        """``len(self.lines(text, start, end, last))``, without making them."""
        ...


#: Characters compared at a time when looking for the texts' common ends.
_CHUNK = 4096


def _common_prefix(a: str, b: str) -> int:
    """How many first characters ``a`` and ``b`` share."""
    limit = min(len(a), len(b))
    i = 0
    while i + _CHUNK <= limit and a[i : i + _CHUNK] == b[i : i + _CHUNK]:
        i += _CHUNK
    while i < limit and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str, limit: int) -> int:
    """How many last characters ``a`` and ``b`` share, at most ``limit``."""
    la, lb = len(a), len(b)
    i = 0
    while i + _CHUNK <= limit and a[la - i - _CHUNK : la - i] == b[lb - i - _CHUNK : lb - i]:
        i += _CHUNK
    while i < limit and a[la - 1 - i] == b[lb - 1 - i]:
        i += 1
    return i


def text_opcodes(a: str, b: str, split: LineSplit) -> list[Opcode]:
    """``opcodes(split.lines(a, 0, len(a)), split.lines(b, 0, len(b)))``, the very same
    list, with only the lines between the texts' common first and last characters cut
    out and compared (issue 18: a fix that changes a few lines of a big file made two
    lists of every line, several times the file's size, to find them)."""
    la, lb = len(a), len(b)
    p = _common_prefix(a, b)
    s = _common_suffix(a, b, min(la, lb) - p)
    # the common first lines end at the last \n of the common start; the common last
    # lines start after a \n of the common end (so after the first lines in both texts)
    cut = a.rfind("\n", 0, p) + 1
    end_a = a.find("\n", la - s) + 1 if s else 0
    if end_a <= 0:
        end_a = la
    end_b = lb - (la - end_a)
    lo = split.count(a, 0, cut, False)
    tail = end_a < la  # some common last lines
    mid_a = split.lines(a, cut, end_a, not tail)
    mid_b = split.lines(b, cut, end_b, not tail)
    hi = split.count(a, end_a, la, True) if tail else 0
    n, m = lo + len(mid_a) + hi, lo + len(mid_b) + hi
    # The whole lists' first difference must be inside both middles (the common start
    # can end inside a line): when one middle is the start of the other, the line after
    # it must differ; otherwise compare the whole lists.
    k = 0
    short = min(len(mid_a), len(mid_b))
    while k < short and mid_a[k] == mid_b[k]:
        k += 1
    if k == short and tail:
        after_a = mid_a[k] if k < len(mid_a) else _first_line(a, end_a, split)
        after_b = mid_b[k] if k < len(mid_b) else _first_line(b, end_b, split)
        if after_a == after_b:
            return opcodes(split.lines(a, 0, la, True), split.lines(b, 0, lb, True))
    return _assemble(opcodes(mid_a, mid_b), lo, n, m, hi)


def _first_line(text: str, start: int, split: LineSplit) -> str:
    """The line that starts at ``start``, before the end of the text."""
    end = text.find("\n", start) + 1 or len(text)
    return split.lines(text, start, end, end == len(text))[0]


def changes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Change]:
    """The contiguous changes between two sequences of lines."""
    return [Change(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in opcodes(a, b) if tag != "equal"]


def grouped(codes: list[Opcode], context: int = 3) -> Iterator[list[Opcode]]:
    """Opcodes grouped into hunks with ``context`` lines around each change (the grouping
    of ``difflib.SequenceMatcher.get_grouped_opcodes``)."""
    if not codes:
        return
    codes = list(codes)
    if len(codes) == 1 and codes[0][0] == "equal":
        return  # nothing changed
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group
