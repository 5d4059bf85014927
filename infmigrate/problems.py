"""Syntax problems (``InfFile.problems``: INF000..INF003) as diagnostics.

The parser is total, so a malformed line never stops the tool: it becomes an error node,
reported here with its code like a rule's finding. These codes have no fixes and are not
fixers; they are always reported unless ignored (``--ignore INF003``) or suppressed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fixer import Diagnostic
from .syntax import InfFile

__all__ = ["SYNTAX_CODES", "SyntaxCode", "severity_of", "syntax_diagnostics"]


@dataclass(frozen=True, slots=True)
class SyntaxCode:
    """What ``--list-rules`` and ``--explain`` say about a syntax problem."""

    code: str
    name: str
    severity: str
    summary: str
    docs: str


SYNTAX_CODES: dict[str, SyntaxCode] = {
    s.code: s
    for s in (
        SyntaxCode(
            "INF000", "unparsable-line", "error", "line could not be parsed",
            "## What it does\nFlags a line that is neither a section header, an entry nor a "
            "comment.\n\n## Why is this bad?\nSetupAPI skips or misreads such lines; what "
            "the author meant is lost.\n\n## Fix safety\nNo fix: only the author knows what "
            "the line should say. The line is kept byte for byte.",
        ),
        SyntaxCode(
            "INF001", "section-header-unclosed", "error",
            "section header has no closing ']'",
            "## What it does\nFlags a line that starts with `[` but has no closing `]`.\n\n"
            "## Why is this bad?\nSetupAPI does not start a new section there: the lines "
            "below it are read as part of the previous section.\n\n## Example\n```inf\n"
            "[Strings\n```\n\nUse instead:\n```inf\n[Strings]\n```\n\n## Fix safety\n"
            "No fix: the line is kept byte for byte.",
        ),
        SyntaxCode(
            "INF002", "text-before-first-section", "error",
            "text before the first section header is not allowed",
            "## What it does\nFlags an entry above the first section header.\n\n"
            "## Why is this bad?\nSetupAPI ignores it (or rejects the file): every entry "
            "belongs to a section.\n\n## Fix safety\nNo fix: move the line into the section "
            "it belongs to, or make it a `;` comment.",
        ),
        SyntaxCode(
            "INF003", "unclosed-quote", "warning",
            "quoted string is not closed before the end of the line",
            "## What it does\nFlags a `\"` that the end of its line closes.\n\n"
            "## Why is this bad?\nSetupAPI ends the string at the end of the line, so a "
            "`;` or `,` after the quote is part of the value, which is rarely what was "
            "meant.\n\n## Fix safety\nNo fix: add the closing quote where the string ends.",
        ),
    )
}

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def syntax_diagnostics(tree: InfFile) -> list[Diagnostic]:
    """The tree's syntax problems as diagnostics, in file order (end: the end of the line)."""
    problems = tree.problems
    if not problems:
        return []
    lines = _LINE_BREAK.split(tree.code)
    out: list[Diagnostic] = []
    for p in problems:
        meta = SYNTAX_CODES.get(p.code)
        text = lines[p.line - 1] if 0 < p.line <= len(lines) else ""
        out.append(Diagnostic(
            code=p.code,
            name=meta.name if meta else "syntax-error",
            message=p.message,
            line=p.line,
            column=p.column,
            end_line=p.line,
            end_column=max(len(text) + 1, p.column),
        ))
    return out


def severity_of(code: str) -> str:
    """``error`` or ``warning``: a syntax problem's own severity; rules are errors (InfVerif
    reports what they find as errors for Windows Drivers)."""
    meta = SYNTAX_CODES.get(code)
    return meta.severity if meta is not None else "error"
