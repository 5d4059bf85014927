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

:func:`add_directives` writes those comments for a baseline (``--add-noqa``, as ruff's):
see its docstring for where each goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from infmigrate.engine.fixer import Diagnostic
from infmigrate.engine.selection import matches_any
from infmigrate.engine.syntax import (
    Entry,
    ErrorLine,
    InfFile,
    SectionHeader,
    TriviaLine,
    parse,
)
from infmigrate.engine.syntax.decoding import encode
from infmigrate.engine.syntax.lines import count_line_breaks
from infmigrate.engine.syntax.nodes import Line

__all__ = ["Baseline", "Suppressions", "add_directives", "parse_directives"]

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


@dataclass
class Baseline:
    """What :func:`add_directives` did to one file."""

    #: The file's new bytes (the old ones when nothing was added).
    data: bytes
    #: The findings a comment now suppresses, and those none could (left as they are).
    suppressed: list[Diagnostic] = field(default_factory=list)
    left: list[Diagnostic] = field(default_factory=list)
    #: How many lines got a directive (a new comment, or codes added to one).
    lines: int = 0


def _line_shape(line: Line) -> tuple[object, ...]:
    """What a line means, leaving its comment out (a directive must change nothing else)."""
    if type(line) is Entry:
        return ("entry", line.key, tuple(line.values), line.has_unclosed_quote)
    if type(line) is SectionHeader:
        return ("header", line.name)
    if type(line) is ErrorLine:
        return ("error", line.text.split(";", 1)[0].rstrip())
    return (type(line).__name__,)


def _with_directive(line: Line, codes: list[str], reason: str) -> str:
    """The line's text with ``codes`` suppressed on it: added to the list of the line's
    last ``ignore[...]`` directive if its comment has one, else a new comment (after the
    existing one, if any) at the end of the line's last physical line."""
    text = line.code
    body, newline = text[: len(text) - len(line.newline)], line.newline
    comment = _comment_of(line)
    at = body.rfind(comment) if comment else -1
    if comment and at >= 0:
        last = None
        for m in _DIRECTIVE.finditer(body, at):
            if m.group("kind").lower() == "ignore" and m.group("codes") is not None:
                last = m
        if last is not None:
            listed = last.group("codes")
            sep = ", " if listed.strip() else ""
            end = last.end("codes")
            stripped = listed.rstrip()
            end -= len(listed) - len(stripped)
            return body[:end] + sep + ", ".join(codes) + body[end:] + newline
    stripped = body.rstrip(" \t")
    trail = body[len(stripped) :]
    directive = f"; infmigrate: ignore[{', '.join(codes)}]"
    if reason:
        directive += f" -- {reason}"
    lead = " " if stripped else ""
    return stripped + lead + directive + trail + newline


def add_directives(tree: InfFile, diagnostics: Iterable[Diagnostic], reason: str = "") -> Baseline:
    """Suppress each finding with a ``; infmigrate: ignore[CODE]`` comment on its line.

    A finding is suppressed by a directive on any physical line of the logical line it
    points at (an entry continued with ``\\``: the comment goes at the end of its last
    physical line, the only place a comment may be). A line that already carries an
    ``ignore[...]`` directive gets the new codes added to its list; a line with another
    comment gets the directive after it (the whole rest of the line is the comment, so
    ``; note ; infmigrate: ignore[ISO001]`` works); any other line gets `` ; infmigrate:
    ignore[CODES]`` (with `` -- reason`` when a reason is given) at its end. Every edit
    is checked by parsing the result: a line whose meaning would change (a ``;`` inside
    an unclosed quote becomes part of the value) or whose finding would not be
    suppressed is left as it was, and its findings are returned in ``left``. Line numbers
    never move (nothing but text at the end of lines is added). Running it again adds
    nothing: the findings are suppressed. ``reason`` must be a single line.
    """
    if "\r" in reason or "\n" in reason:
        raise ValueError("the reason must be a single line")
    wanted: dict[int, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.line > 0:
            wanted.setdefault(d.line, []).append(d)
    data = tree.to_bytes()
    out = Baseline(data)
    out.left = [d for d in diagnostics if d.line <= 0]
    if not wanted or tree.trailing_bytes:
        out.left = list(diagnostics)
        return out
    lines = list(tree.lines())
    # logical line index -> its findings
    owners: dict[int, list[Diagnostic]] = {}
    for index, line in enumerate(lines):
        count = _physical_lines(line)
        for n in range(line.line, line.line + count):
            found = wanted.pop(n, None)
            if found:
                owners.setdefault(index, []).extend(found)
    for leftover in wanted.values():
        out.left.extend(leftover)
    texts = [line.code for line in lines]
    tail = tree.tail  # what follows the last line (a DOS end-of-file ^Z)
    if "".join(texts) + tail != tree.code:  # pragma: no cover - the tree prints back its text
        out.left.extend(d for found in owners.values() for d in found)
        return out
    edits = {
        index: _with_directive(lines[index], sorted({d.code for d in found}), reason)
        for index, found in owners.items()
    }
    while True:  # each round drops the lines that failed, so it ends
        new_texts = list(texts)
        for index, text in edits.items():
            new_texts[index] = text
        try:
            new_data = encode(
                "".join(new_texts) + tail, tree.encoding, tree.bom, tree.trailing_bytes
            )
        except ValueError:  # the reason cannot be written in the file's encoding
            out.left.extend(d for found in owners.values() for d in found)
            return out
        new_tree = parse(new_data)
        new_lines = list(new_tree.lines())
        suppressions = Suppressions.of(new_tree)
        bad = {
            index
            for index in edits
            if len(new_lines) != len(lines)
            or _line_shape(new_lines[index]) != _line_shape(lines[index])
            or new_lines[index].line != lines[index].line
            or not all(suppressions.is_suppressed(d) for d in owners[index])
        }
        if not bad:
            break
        for index in bad:
            del edits[index]
            out.left.extend(owners.pop(index))
    if edits:
        out.data = new_data
        out.lines = len(edits)
    out.suppressed = [d for found in owners.values() for d in found]
    return out
