"""A fix as text: replacements with line/column regions, and whole-line suggestions.

Fixes are edits on the tree (identity-addressed nodes); review tools want text. For one
diagnostic, :func:`fix_text_changes` applies its edits to the tree alone and diffs the
lines, giving minimal regions of the original file:

* :class:`Replacement` (SARIF ``replacements``, the JSON format's ``edits``): a region
  (1-based, end exclusive) and the text to put there; an insertion is an empty region;
* :class:`Suggestion` (GitHub ``suggestion`` blocks, reviewdog): whole lines
  ``start_line..end_line`` of the original and the lines that replace them. GitHub cannot
  suggest an insertion, so an inserted line is anchored to a neighbouring line, which the
  suggestion repeats (:func:`anchored`).

:func:`plan` decides how the review formats offer the fixes of a file so that each
suggestion is safe to apply on its own, as GitHub lets a reviewer do: a fix whose changes
are apart (ISO020 deletes the HKLM values in one section and adds them as HKR in another:
applying the deletion alone would lose them) is one suggestion covering its changes only
when that repeats at most :data:`MAX_REPEATED_LINES` unchanged lines, otherwise the whole
fix as a diff block that is not a suggestion; a fix whose suggestion would overlap an
earlier one's is shown as a diff block too (it is suggested by the next run, once the
first is applied); suggestions cover the changed lines only.

Line numbers here are those of the parser (a lone CR ends a line), like the diagnostics'.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol, overload

from infmigrate.diffs.fixtext import FixText, Replacement, Suggestion
from infmigrate.diffs.linediff import Change, Opcode, changes, grouped
from infmigrate.engine.edits import EditConflict, apply_edits, ends_in_continuation
from infmigrate.engine.fixer import Diagnostic, Edit, Fix
from infmigrate.engine.syntax import InfFile, Section
from infmigrate.engine.syntax.lines import physical_lines

__all__ = [
    "MAX_REPEATED_LINES",
    "Proposal",
    "Replacement",
    "Suggestion",
    "TextChanges",
    "anchored",
    "fix_diff",
    "fix_text",
    "fix_text_changes",
    "physical_lines",
    "plan",
    "strip_eol",
    "text_of",
    "tree_lines",
]


def strip_eol(line: str) -> str:
    return line.rstrip("\r\n")


@dataclass(frozen=True)
class TextChanges:
    """A fix's effect on the lines of the original file."""

    #: The original's lines and the fixed file's (terminators kept).
    old: Sequence[str]
    new: Sequence[str]
    changes: list[Change]

    def replacements(self) -> list[Replacement]:
        out: list[Replacement] = []
        n = len(self.old)
        for c in self.changes:
            if c.old_end < n or not n or self.old[-1][-1:] in ("\n", "\r"):
                end = (c.old_end + 1, 1)
            else:  # through the end of a last line without terminator
                end = (n, len(self.old[-1]) + 1)
            out.append(
                Replacement(c.old_start + 1, 1, *end, "".join(self.new[c.new_start : c.new_end]))
            )
        return out

    def suggestion(self) -> Suggestion | None:
        """One whole-line suggestion covering every change (the lines between them, which
        do not change, are repeated), or None when nothing changes."""
        if not self.changes:
            return None
        first, last = self.changes[0], self.changes[-1]
        merged = Change(first.old_start, last.old_end, first.new_start, last.new_end)
        return anchored(
            merged,
            _Stripped(self.old),
            [strip_eol(x) for x in self.new[merged.new_start : merged.new_end]],
        )


class _Stripped(Sequence[str]):
    """Lines without their terminators, stripped as they are read (a suggestion reads
    one or two of a file's lines)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [strip_eol(x) for x in self._lines[index]]
        return strip_eol(self._lines[index])


def anchored(change: Change, old: Sequence[str], new: Sequence[str]) -> Suggestion | None:
    """A whole-line suggestion for one change: ``old`` are the original's lines and ``new``
    the lines replacing ``old[change.old_start:change.old_end]`` (no terminators). A pure
    insertion is anchored to the line above (or, at the top, the line below)."""
    start, end = change.old_start, change.old_end
    lines = list(new)
    if start == end:
        if start > 0:
            start -= 1
            lines.insert(0, old[start])
        elif end < len(old):
            lines.append(old[end])
            end += 1
        else:
            return None  # an empty file: no line to comment on
    return Suggestion(start + 1, end, tuple(lines))


class _TreeLines:
    """A tree's physical lines and where each line node is, worked out once for all the
    fixes of a file."""

    def __init__(self, tree: InfFile) -> None:
        self.tree = tree
        self.old = physical_lines(tree.code)
        sections = tree.sections
        #: (section index, body index; -1 for the header) of each line, by identity.
        self.where: dict[int, tuple[int, int]] = {}
        lone_cr = False
        numbered = True
        previous = 0
        for i, section in enumerate(sections):
            self.where[id(section.header)] = (i, -1)
            for line in (section.header, *section.body):
                # parsed trees number every physical line; an edited one may not
                numbered = numbered and line.line > previous
                previous = line.line
                lone_cr = lone_cr or line.newline == "\r"
            for j, line in enumerate(section.body):
                self.where[id(line)] = (i, j)
        #: Position of each section, by identity.
        self.position = {id(section): i for i, section in enumerate(sections)}
        #: Whether the lines are numbered as the parser numbers them, and no line ends in a
        #: lone CR (whose rule in apply_edits looks at pairs of neighbouring lines): else
        #: only the whole-tree way is used.
        self.local = numbered and not lone_cr and (not sections or previous <= len(self.old))
        self._newline: str | None = None

    def newline(self) -> str:
        if self._newline is None:
            self._newline = self.tree.newline
        return self._newline

    def start(self, section: int, j: int) -> int:
        """The first physical line (0-based) of body line ``j`` of a section (-1: its
        header)."""
        s = self.tree.sections[section]
        return (s.header if j < 0 else s.body[j]).line - 1

    def end(self, section: int, j: int) -> int:
        """The end (exclusive) of the physical lines of body line ``j`` of a section: where
        the next line starts (the file's last line runs to the end, tail included)."""
        sections = self.tree.sections
        body = sections[section].body
        if j + 1 < len(body):
            return body[j + 1].line - 1
        if section + 1 < len(sections):
            return sections[section + 1].header.line - 1
        return len(self.old)


#: The last tree :func:`fix_text_changes` indexed: the output formats ask for every fixable
#: finding of a file in turn, on the same tree.
_last_tree: _TreeLines | None = None


def tree_lines(tree: InfFile) -> list[str]:
    """The tree's physical lines, terminators kept: split once per tree for all the fixes
    of a file (those :func:`fix_text_changes` diffs against)."""
    return _tree_lines(tree).old


def _tree_lines(tree: InfFile) -> _TreeLines:
    global _last_tree
    last = _last_tree
    if last is not None and last.tree is tree:
        return last
    last = _last_tree = _TreeLines(tree)
    return last


class _Spliced(Sequence[str]):
    """The lines of the original with some runs replaced, without copying the rest:
    ``regions`` are ``(old_start, old_end, new_lines)``, in order, not overlapping."""

    def __init__(self, old: list[str], regions: list[tuple[int, int, list[str]]]) -> None:
        # pieces: (source, index in it) starting at new line starts[k], each running to
        # the start of the next
        starts: list[int] = []
        pieces: list[tuple[list[str], int]] = []
        at_old = at_new = 0
        for old_start, old_end, lines in regions:
            if old_start > at_old:
                starts.append(at_new)
                pieces.append((old, at_old))
                at_new += old_start - at_old
            if lines:
                starts.append(at_new)
                pieces.append((lines, 0))
                at_new += len(lines)
            at_old = old_end
        starts.append(at_new)
        pieces.append((old, at_old))
        at_new += len(old) - at_old
        self._starts = starts
        self._pieces = pieces
        self._len = at_new

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        k = bisect_right(self._starts, index) - 1
        source, offset = self._pieces[k]
        return source[offset + index - self._starts[k]]


def _spliced_changes(old: list[str], new: _Spliced, first: int, after_last: int) -> list[Change]:
    """``changes(old, new)`` when ``new`` equals ``old`` before line ``first`` and in its
    last ``len(old) - after_last`` lines: the common prefix and suffix are trimmed as
    :func:`~infmigrate.diffs.linediff.opcodes` trims them (starting from what is known to
    be equal), and only the rest is diffed."""
    n, m = len(old), len(new)
    lo = min(first, n, m)
    while lo < n and lo < m and old[lo] == new[lo]:
        lo += 1
    hi = min(n - after_last, n - lo, m - lo)
    while hi < n - lo and hi < m - lo and old[n - 1 - hi] == new[m - 1 - hi]:
        hi += 1
    return [
        Change(c.old_start + lo, c.old_end + lo, c.new_start + lo, c.new_end + lo)
        for c in changes(old[lo : n - hi], new[lo : m - hi])
    ]


def _local_text_changes(index: _TreeLines, fix: Fix) -> TextChanges | None:
    """:func:`fix_text_changes` from the lines the fix touches alone, or None when the fix
    does something only the whole tree can show (a line before the first section, a
    section header replaced, a section deleted or appended at the end, a file ending in a
    dangling continuation or with lines ending in a lone CR).

    Each touched section is cut down to the lines the fix touches, one untouched line on
    either side, and its last line when sections are inserted after it; the file's last
    line comes too (the end-of-file rules of :func:`~infmigrate.engine.edits.apply_edits`
    look at it). The edits are applied to that small tree, its lines printed in place of
    the original's, and only the lines between the first and the last change diffed: the
    work is that of the lines the fix touches, not of the file or of its sections.
    """
    tree = index.tree
    sections = tree.sections
    if not sections or not index.local:
        return None
    touched: dict[int, list[int]] = {}  # section index -> body indexes touched (-1: header)
    for edit in fix.edits:
        target = edit.target
        if edit.kind in ("replace", "insert_after"):
            at = index.where.get(id(target))
            if at is None or (edit.kind == "replace" and at[1] < 0):
                return None
        elif edit.kind == "insert_section" and target is not None and id(target) in index.position:
            i = index.position[id(target)]
            at = (i, len(sections[i].body) - 1)  # the new sections follow its last line
        else:
            return None
        touched.setdefault(at[0], []).append(at[1])
    last = len(sections) - 1
    last_body = sections[last].body
    if not touched or ends_in_continuation(last_body[-1] if last_body else sections[last].header):
        return None
    if last not in touched:
        touched[last] = []  # its last line only, for the end-of-file rules
    order = sorted(touched)
    # (section index, window [lo, hi) of its body) of each part
    windows: list[tuple[int, int, int]] = []
    parts: list[Section] = []
    for i in order:
        section = sections[i]
        n = len(section.body)
        js = touched[i]
        if js:
            lo, hi = max(min(js) - 1, 0), min(max(js) + 2, n)
            if i == last:
                hi = n
        else:
            lo, hi = max(n - 1, 0), n
        windows.append((i, lo, hi))
        parts.append(Section(section.header, section.body[lo:hi]))
    part = InfFile(tree.encoding, tree.bom, (), tuple(parts), tree.tail, numbered=True)
    # sections are inserted after the part that stands for their target
    stand_in = {id(sections[i]): p for (i, _, _), p in zip(windows, parts, strict=True)}
    edits = [
        Edit(e.kind, stand_in[id(e.target)], e.new) if e.kind == "insert_section" else e
        for e in fix.edits
    ]
    try:
        edited = apply_edits(part, edits, renumber=False, file_newline=index.newline)
    except EditConflict:
        return None
    # each part, with the sections inserted after it
    by_header = {id(s.header): k for k, s in enumerate(parts)}
    groups: list[list[Section]] = [[] for _ in parts]
    current = -1
    for section in edited.sections:
        k = by_header.get(id(section.header), -1)
        if k >= 0:
            if groups[k]:
                return None
            current = k
        elif current < 0:
            return None
        groups[current].append(section)
    regions: list[tuple[int, int, list[str]]] = []
    for (i, lo, hi), original, group in zip(windows, parts, groups, strict=True):
        if not group:
            return None
        if len(group) == 1 and group[0] is original:
            continue
        if not touched[i]:  # the last line alone: nothing may change there
            return None
        body_end = hi == len(sections[i].body)
        if len(group) > 1 and not body_end:  # pragma: no cover - windows reach the end then
            return None
        head, *inserted = group
        lines: list[str] = []
        if lo == 0:
            lines.append(head.header.code)
        elif head.header is not original.header:  # pragma: no cover - only a replace does
            return None
        lines.extend(line.code for line in head.body)
        lines.extend(s.code for s in inserted)
        if body_end and i == last:
            lines.append(tree.tail)
        start = index.start(i, lo - 1 if lo == 0 else lo)
        end = index.end(i, hi - 1) if hi > 0 else index.end(i, -1)
        regions.append((start, end, physical_lines("".join(lines))))
    old = index.old
    if not regions:
        return TextChanges(old, old, [])
    new = _Spliced(old, regions)
    return TextChanges(old, new, _spliced_changes(old, new, regions[0][0], regions[-1][1]))


def fix_text_changes(tree: InfFile, fix: Fix) -> TextChanges:
    """What applying this one fix to the tree changes, line by line.

    The original's lines are split once per tree, not once per fix, and a fix is applied
    to the sections it touches alone (:func:`_local_text_changes`): on a file with
    thousands of fixable findings, copying, printing and diffing the whole file for each
    made the output formats quadratic. The few fixes that need the whole tree are applied
    to it, printed (never numbered: the lines are compared by text) and diffed.
    """
    index = _tree_lines(tree)
    local = _local_text_changes(index, fix)
    if local is not None:
        return local
    new_tree = apply_edits(tree, fix.edits, renumber=False)
    new = physical_lines(new_tree.code)
    return TextChanges(index.old, new, changes(index.old, new))


#: A fix whose changes are apart is offered as one suggestion covering them when it would
#: repeat at most this many unchanged lines between them; else as a whole-fix diff block.
MAX_REPEATED_LINES = 3
#: Lines of context around the changes of a whole-fix diff block.
DIFF_CONTEXT = 2


@dataclass
class Proposal:
    """How the review formats offer one fix: a suggestion safe to apply on its own, or,
    when it is not (:attr:`why`), the whole fix as a diff block that is not a suggestion."""

    #: The diagnostics whose fix this is (more than one only when their fixes are the
    #: same change).
    diags: list[Diagnostic]
    suggestion: Suggestion | None
    #: The whole fix as diff lines (``@@`` headers, `` ``/``-``/``+`` lines, no
    #: terminators), when it is not a suggestion.
    diff: list[str]
    #: Why it is not a suggestion: ``parts`` (its changes are apart and go together),
    #: ``overlap`` (it changes lines another fix's suggestion changes), ``utf16`` (GitHub
    #: shows the file as binary); "" for a suggestion.
    why: str = ""
    #: How many separate changes the fix makes.
    parts: int = 1


def _opcodes_of(n_old: int, n_new: int, found: Sequence[Change]) -> list[Opcode]:
    codes: list[Opcode] = []
    i = j = 0
    for c in found:
        if c.old_start > i:
            codes.append(("equal", i, c.old_start, j, c.new_start))
        tag = (
            "replace"
            if c.old_end > c.old_start and c.new_end > c.new_start
            else ("delete" if c.old_end > c.old_start else "insert")
        )
        codes.append((tag, c.old_start, c.old_end, c.new_start, c.new_end))
        i, j = c.old_end, c.new_end
    if i < n_old or j < n_new:
        codes.append(("equal", i, n_old, j, n_new))
    return codes


def fix_diff(tc: TextChanges) -> list[str]:
    """A fix's changes as unified-diff lines, for reading (terminators left out)."""
    out: list[str] = []
    old, new = tc.old, tc.new
    for group in grouped(_opcodes_of(len(old), len(new), tc.changes), DIFF_CONTEXT):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out.extend(" " + strip_eol(x) for x in old[a1:a2])
                continue
            out.extend("-" + strip_eol(x) for x in old[a1:a2])
            out.extend("+" + strip_eol(x) for x in new[b1:b2])
    return out


def _repeated(found: Sequence[Change]) -> int:
    """Unchanged lines between the first and the last change."""
    return sum(b.old_start - a.old_end for a, b in pairwise(found))


def fix_text(
    tree: InfFile, fix: Fix, *, together: bool, byte_regions: ByteRegions | None = None
) -> FixText:
    """What the formats print of one fix (see :class:`~infmigrate.diffs.fixtext.FixText`),
    worked out on the tree it was made for. ``byte_regions`` gives each replacement's
    region in bytes (SARIF, for a UTF-16 file or text with undecodable bytes); without
    it no region is given in bytes."""
    return text_of(fix_text_changes(tree, fix), together=together, byte_regions=byte_regions)


def text_of(
    tc: TextChanges, *, together: bool = True, byte_regions: ByteRegions | None = None
) -> FixText:
    """:func:`fix_text` from a fix's :class:`TextChanges`."""
    replacements = tuple(tc.replacements())
    regions = byte_regions(replacements) if byte_regions is not None else None
    return FixText(
        replacements,
        regions,
        tc.suggestion(),
        tuple(fix_diff(tc)) if tc.changes else (),
        len(tc.changes),
        _repeated(tc.changes),
        together,
    )


class ByteRegions(Protocol):
    """The byte regions of a fix's replacements (or None when none needs them)."""

    def __call__(
        self, replacements: Sequence[Replacement], /
    ) -> tuple[tuple[int, int], ...] | None: ...


def plan(diags: Sequence[Diagnostic], *, binary: bool = False) -> list[Proposal]:
    """The proposals for these diagnostics' fixes (in order; a fix that changes nothing
    gets none), from what each fix does to the text (:attr:`Fix.text
    <infmigrate.engine.fixer.Fix.text>`, which every fix given here has). The suggestions
    never overlap one another, so they can be applied
    together or one at a time; each carries one fix, never another rule's change (the
    findings of one fix, or of fixes that are the same change, share one proposal).
    ``binary``: the file is shown as binary (UTF-16),
    so nothing is a suggestion.

    A fix shared by several findings (one :class:`~infmigrate.engine.fixer.Fix` object) is
    proposed once, and the suggestions taken so far are kept sorted by line, so that a
    new one is matched and checked for overlap by bisection (issue 18: thousands of
    findings of one joint fix computed its text again each, and thousands of suggestions
    were each compared with every earlier one).
    """
    out: list[Proposal] = []
    # the suggestions taken, sorted by first line (they never overlap, so by last line too)
    starts: list[int] = []
    ends: list[int] = []
    taken: list[Proposal] = []
    blocks: dict[tuple[str, ...], Proposal] = {}  # diff blocks, by their lines
    # each fix object seen (``diags`` keeps them all): the proposal its findings share
    # (None: it changes nothing)
    by_fix: dict[int, Proposal | None] = {}

    def block(d: Diagnostic, ft: FixText, why: str) -> Proposal:
        same = blocks.get(ft.diff)
        if same is not None:
            same.diags.append(d)
            return same
        blocks[ft.diff] = proposal = Proposal([d], None, list(ft.diff), why, ft.parts)
        out.append(proposal)
        return proposal

    def propose(d: Diagnostic, ft: FixText) -> Proposal | None:
        if not ft.parts:
            return None
        if binary:
            return block(d, ft, "utf16")
        if ft.parts > 1 and ft.repeated > MAX_REPEATED_LINES:
            return block(d, ft, "parts")
        s = ft.suggestion
        if s is None:  # pragma: no cover - an empty file has nothing to change
            return None
        # the taken suggestion starting last at or before this one's last line: the only
        # one that can overlap it (the one before it ends before it starts)
        k = bisect_right(starts, s.end_line) - 1
        if k >= 0 and ends[k] >= s.start_line:
            same = taken[k]
            if (starts[k], ends[k]) == (s.start_line, s.end_line) and same.suggestion == s:
                same.diags.append(d)
                return same
            return block(d, ft, "overlap")
        proposal = Proposal([d], s, [], "", ft.parts)
        starts.insert(k + 1, s.start_line)
        ends.insert(k + 1, s.end_line)
        taken.insert(k + 1, proposal)
        out.append(proposal)
        return proposal

    for d in diags:
        fix = d.fix
        assert fix is not None and fix.text is not None, "a fix without its text"
        if id(fix) not in by_fix:
            by_fix[id(fix)] = propose(d, fix.text)
        elif (shared := by_fix[id(fix)]) is not None:
            shared.diags.append(d)
    return out
