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

Line numbers here are those of the parser (a lone CR ends a line), like the diagnostics'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from infmigrate.diffs.linediff import Change, changes
from infmigrate.engine.edits import apply_edits
from infmigrate.engine.fixer import Fix
from infmigrate.engine.syntax import InfFile
from infmigrate.engine.syntax.lines import physical_lines

__all__ = [
    "Replacement",
    "Suggestion",
    "TextChanges",
    "anchored",
    "fix_text_changes",
    "strip_eol",
]


def strip_eol(line: str) -> str:
    return line.rstrip("\r\n")


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace the region [start, end) of the original with ``content``."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Lines ``start_line..end_line`` (1-based, inclusive) become ``lines``."""

    start_line: int
    end_line: int
    #: The new lines, without terminators (none: the lines are deleted).
    lines: tuple[str, ...]


@dataclass(frozen=True)
class TextChanges:
    """A fix's effect on the lines of the original file."""

    old: list[str]
    new: list[str]
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
            [strip_eol(x) for x in self.old],
            [strip_eol(x) for x in self.new[merged.new_start : merged.new_end]],
        )


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


#: The last tree whose lines :func:`fix_text_changes` split, and those lines: the output
#: formats ask for every fixable finding of a file in turn, on the same tree.
_last_split: tuple[InfFile, list[str]] | None = None


def _old_lines(tree: InfFile) -> list[str]:
    global _last_split
    last = _last_split
    if last is not None and last[0] is tree:
        return last[1]
    lines = physical_lines(tree.code)
    _last_split = (tree, lines)
    return lines


def fix_text_changes(tree: InfFile, fix: Fix) -> TextChanges:
    """What applying this one fix to the tree changes, line by line.

    The fixed tree is printed, never numbered (``renumber=False``: the lines are compared
    by text), and the original's lines are split once per tree, not once per fix: on a
    file with thousands of fixable findings the output formats spent most of their time
    renumbering and reprinting (each fix still costs one pass over the file).
    """
    new_tree = apply_edits(tree, fix.edits, renumber=False)
    old = _old_lines(tree)
    new = physical_lines(new_tree.code)
    return TextChanges(old, new, changes(old, new))
