"""Suppression comments: ``; infmigrate: ignore[CODE,...]`` and ``ignore-file[...]``.

* ``; infmigrate: ignore[ISO020]`` at the end of a line suppresses those rules' diagnostics
  on that line (the line a diagnostic points at; for an entry continued over several
  physical lines, any of them). ``; infmigrate: ignore`` without a list suppresses every
  rule there.
* ``; infmigrate: ignore-file[ISO020]`` anywhere in the file, on a line of its own or after
  an entry, suppresses those rules in the whole file (``ignore-file`` alone: all of them).

Codes are matched case-insensitively and as prefixes (``ISO02`` covers ISO020..ISO029;
``ALL`` every code), as ``--select`` does (:func:`infmigrate.engine.selection.code_matches`).
The runner applies :class:`Suppressions` to every round's diagnostics, so a suppressed
finding is neither reported nor fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from infmigrate.engine.fixer import Diagnostic
from infmigrate.engine.selection import matches_any
from infmigrate.engine.syntax import Entry, ErrorLine, InfFile, SectionHeader, TriviaLine
from infmigrate.engine.syntax.lines import count_line_breaks
from infmigrate.engine.syntax.nodes import Line

__all__ = ["Suppressions", "parse_directives"]

_DIRECTIVE = re.compile(
    r"infmigrate\s*:\s*(?P<kind>ignore-file|ignore)\b(?:\s*\[(?P<codes>[^\]]*)\])?",
    re.IGNORECASE,
)
#: Stands for "every code" in a directive without a list.
_ALL = ""
#: Where a directive may be: a comment that names the tool.
_MARK = re.compile("infmigrate", re.IGNORECASE)
#: The last tree looked at and its directives (trees are immutable).
_last: tuple[InfFile, Suppressions] | None = None


def parse_directives(comment: str) -> list[tuple[str, frozenset[str]]]:
    """The directives in a comment: (``ignore`` | ``ignore-file``, code prefixes).

    A directive without a list gets the prefix ``""``, which every code starts with.
    """
    out: list[tuple[str, frozenset[str]]] = []
    for m in _DIRECTIVE.finditer(comment):
        codes = m.group("codes")
        if codes is None:
            prefixes = frozenset({_ALL})
        else:
            prefixes = frozenset(c.strip().upper() for c in re.split(r"[,\s]+", codes) if c.strip())
            if not prefixes:
                continue  # "ignore[]" suppresses nothing
        out.append((m.group("kind").lower(), prefixes))
    return out


def _comment_of(line: Line) -> str:
    """The comment text a line carries (where a directive may be written)."""
    if type(line) is Entry or type(line) is TriviaLine:
        return line.comment
    if type(line) is SectionHeader:
        trailer: str = line.trailer
        at = trailer.find(";")
        return trailer[at:] if at >= 0 else ""
    if type(line) is ErrorLine:
        text: str = line.text
        at = text.find(";")
        return text[at:] if at >= 0 else ""
    return ""  # pragma: no cover - Line has no other kinds


def _physical_lines(line: Line) -> int:
    text = line.code
    return 1 + count_line_breaks(text[: len(text) - len(line.newline)])


@dataclass
class Suppressions:
    """The suppression directives of one file."""

    #: Physical line -> code prefixes suppressed on it.
    by_line: dict[int, set[str]] = field(default_factory=dict)
    #: Code prefixes suppressed in the whole file.
    file_wide: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, tree: InfFile) -> Suppressions:
        """Collect the directives of a tree (cheap when the file has none: the comments
        are searched, nothing is printed). The last tree's answer is remembered: the
        runner and the command ask for the same tree in turn."""
        global _last
        if _last is not None and _last[0] is tree:
            return _last[1]
        out = cls()
        for line in tree.lines():
            comment = _comment_of(line)
            if not comment or _MARK.search(comment) is None:
                continue
            for kind, prefixes in parse_directives(comment):
                if kind == "ignore-file":
                    out.file_wide |= prefixes
                else:
                    for n in range(line.line, line.line + _physical_lines(line)):
                        out.by_line.setdefault(n, set()).update(prefixes)
        _last = (tree, out)
        return out

    def __bool__(self) -> bool:
        return bool(self.by_line or self.file_wide)

    def is_suppressed(self, diag: Diagnostic) -> bool:
        code = diag.code.upper()
        if matches_any(code, self.file_wide):
            return True
        here = self.by_line.get(diag.line)
        return here is not None and matches_any(code, here)

    def filter(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics that no directive suppresses."""
        if not self:
            return list(diagnostics)
        return [d for d in diagnostics if not self.is_suppressed(d)]
