"""Whether a parsed file is an INF at all (INF006), or some other text saved as ``.inf``.

Microsoft's *General Syntax Rules for INF Files* say that "an INF file is a text file
organized into named sections", and that Windows "first looks for an INF Version section
to verify the validity of the INF file"; SetupAPI's *Authoring an INF File* adds that "a
Version section is required in every INF file" and that "sections must begin with the
section name enclosed by square brackets". Every line of a C source file, an HTML page or
a README saved as ``.inf`` is text before the first section header, so the parser reports
one INF002 per line: hundreds of findings that say nothing useful.

The test is deliberately conservative (it looks at structure only, never at what the text
resembles), and a file with a ``[Version]`` section header is always an INF. A file is *not
an INF* when it has no ``[Version]`` section and at least one significant line before its
first section header (an INF002 line; significant = not blank, not a ``;`` comment), and
either

* it has no section header at all (no ``[name]`` line, and no line starting with ``[``
  that lacks its ``]``, INF001: that is a damaged INF, reported line by line), or
* the text before the first section header is most of the file: at least
  :data:`MIN_PROLOG_LINES` significant lines, and at least half of the file's.

A real INF with a few stray lines (a ``/* ... */`` licence block above ``[Version]``, found
in the corpus) keeps its INF002 findings, and so does a damaged INF without ``[Version]``
whose stray text is a small part of it. What the text looks like (C source, HTML/XML,
binary data) is only said in the message, as a hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infmigrate.engine.syntax.nodes import (
    MESSAGE_BEFORE_FIRST_SECTION,
    MESSAGE_MISSING_BRACKET,
    ErrorLine,
    InfFile,
)
from infmigrate.engine.syntax.nodes import TriviaLine as _Trivia

__all__ = ["MIN_PROLOG_LINES", "NotInf", "not_an_inf"]

#: Significant lines before the first section header from which a file with sections (but
#: no [Version]) is taken for something else; fewer are stray lines of a damaged INF.
MIN_PROLOG_LINES = 10


@dataclass(frozen=True, slots=True)
class NotInf:
    """Why a file is not an INF, and where its first offending line is."""

    line: int
    column: int
    reason: str
    looks_like: str

    @property
    def message(self) -> str:
        hint = f" (looks like {self.looks_like})" if self.looks_like else ""
        return f"not an INF file: {self.reason}{hint}; nothing checked"


_C_LINE = re.compile(
    r"^\s*(?:#\s*(?:include|define|if|ifdef|ifndef|endif|pragma)\b|/[*/]|\*/|"
    r".*[;{}]\s*(?://.*|/\*.*)?$)"
)
_MARKUP_LINE = re.compile(r"^\s*<[!?/A-Za-z]")
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _looks_like(texts: list[str]) -> str:
    """A hint for the message: what most of the stray lines look like, or ""."""
    if any(_BINARY.search(t) for t in texts):
        return "binary data"
    half = len(texts) / 2
    if sum(1 for t in texts if _C_LINE.match(t)) >= half:
        return "C source"
    if sum(1 for t in texts if _MARKUP_LINE.match(t)) >= half:
        return "HTML or XML"
    return ""


def not_an_inf(tree: InfFile) -> NotInf | None:
    """The reason the file is not an INF (see the module docstring), or None."""
    stray = [
        line
        for line in tree[2]
        if type(line) is ErrorLine and line[1] == MESSAGE_BEFORE_FIRST_SECTION
    ]
    if not stray:
        return None  # the common case: nothing before the first section header
    sections = tree[3]
    if any(s[0][0].strip().lower() == "version" for s in sections):
        return None
    texts = [line[0] for line in stray]
    first = stray[0]
    if not sections:
        if any(type(line) is ErrorLine and line[1] == MESSAGE_MISSING_BRACKET for line in tree[2]):
            return None
        reason = f"no section header in {_lines(len(stray))} of text"
        return NotInf(first[4], first[2], reason, _looks_like(texts))
    if len(stray) < MIN_PROLOG_LINES:
        return None
    significant = sum(1 for line in tree.lines() if type(line) is not _Trivia)
    if 2 * len(stray) < significant:
        return None
    reason = (
        f"{len(stray)} of its {significant} lines are text before the first "
        "section header, and it has no [Version] section"
    )
    return NotInf(first[4], first[2], reason, _looks_like(texts))


def _lines(n: int) -> str:
    return f"{n} line" if n == 1 else f"{n} lines"
