"""A fix as text, worked out once on the tree it was made for and kept without the tree.

The formats that print fixes (``json``, ``sarif``, ``rdjsonl``, ``github-review``) need
what a fix does to the file's text, not the fix's edits (which point at nodes of a tree).
:func:`infmigrate.output.fixtexts.render_fixes` works that out for each fix of a file as
soon as the file is processed and keeps it on the fix (:attr:`Fix.text
<infmigrate.engine.fixer.Fix.text>`), so that the trees are dropped file by file instead
of kept for the whole run until the report is printed (issue 18: the corpus in ``sarif``
held 430 MB where ``text`` held 160 MB). These are plain values: they cross from a worker
process to the main one as cheaply as the findings do.

Line numbers are those of the parser (a lone CR ends a line), like the diagnostics'.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FixText", "Replacement", "Suggestion"]


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


@dataclass(frozen=True, slots=True)
class FixText:
    """What one fix does to the text of the file it was made for."""

    #: Minimal replacements of the original (SARIF ``replacements``, ``json`` edits).
    replacements: tuple[Replacement, ...]
    #: Each replacement's region as ``(byte offset, byte length)`` in the file's bytes,
    #: when SARIF gives it in bytes (a UTF-16 file, or text that is not what the file
    #: holds: undecodable bytes); None when no replacement needs it.
    byte_regions: tuple[tuple[int, int], ...] | None
    #: One whole-line suggestion covering every change (None when nothing changes).
    suggestion: Suggestion | None
    #: The whole fix as unified-diff lines (``@@`` headers, `` ``/``-``/``+`` lines, no
    #: terminators), for the review formats when it is not offered as a suggestion.
    diff: tuple[str, ...]
    #: How many separate changes the fix makes, and the unchanged lines between the first
    #: and the last of them.
    parts: int
    repeated: int
    #: Offered with the file's other fixes (SARIF fixes, review suggestions): it can be
    #: applied together with the fixes before it (see
    #: :func:`infmigrate.engine.runner.jointly_applicable`).
    together: bool
