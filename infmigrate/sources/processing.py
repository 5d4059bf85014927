"""One C/C++ source file, start to finish: bytes -> :class:`SourceUnit` -> diagnostics.

The counterpart of :func:`infmigrate.engine.processing.process` for sources: the result is
a :class:`~infmigrate.engine.processing.FileResult` like an INF's, so that every output
format, the summary, the exit status and the cache handle it the same way. Code rules are
report-only: "fixing" a source file changes nothing, and its findings remain.

Suppression: ``// infmigrate: ignore[ISO100]`` (or ``/* ... */``) on the line a finding
starts on, or on any line it spans; ``infmigrate: ignore-file[...]`` anywhere in a
comment of the file. The directive syntax is the INF one
(:func:`infmigrate.engine.suppression.parse_directives`).
"""

from __future__ import annotations

import re
import traceback
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from infmigrate.engine.fixer import Diagnostic, Fixer
from infmigrate.engine.processing import FileOptions, FileResult
from infmigrate.engine.suppression import parse_directives
from infmigrate.sources.reader import SourceUnit, read_source
from infmigrate.sources.rule import CodeRule

__all__ = ["check_source", "process_source", "source_suppressions", "suppressed"]

_MARK = re.compile(rb"infmigrate\s*:", re.IGNORECASE)
_COMMENT = re.compile(r"//(.*)$|/\*(.*?)(?:\*/|$)")


def source_suppressions(unit: SourceUnit) -> tuple[dict[int, frozenset[str]], frozenset[str]]:
    """The ``infmigrate: ignore[...]`` directives of a file's comments: code prefixes by
    line, and those of ``ignore-file`` for the whole file."""
    by_line: dict[int, frozenset[str]] = {}
    whole: set[str] = set()
    data = unit.data
    # lines counted on from the mark before, each line read once (issue 18: counting from
    # the top for each mark, and reading a line again for each mark on it, were quadratic
    # in the marks)
    line, counted, last = 1, 0, 0
    for m in _MARK.finditer(data):
        line += data.count(b"\n", counted, m.start())
        counted = m.start()
        if line == last:
            continue
        last = line
        text = unit.line_text(line)
        for c in _COMMENT.finditer(text):
            comment = c.group(1) if c.group(1) is not None else c.group(2) or ""
            for kind, prefixes in parse_directives(comment):
                if kind == "ignore-file":
                    whole |= prefixes
                else:
                    by_line[line] = by_line.get(line, frozenset()) | prefixes
    return by_line, frozenset(whole)


def _suppressed(code: str, prefixes: Iterable[str]) -> bool:
    return any(code.startswith(p) for p in prefixes)


def check_source(unit: SourceUnit, rules: Iterable[type[Fixer]]) -> list[Diagnostic]:
    """The code rules' findings in a source unit, suppressions applied, sorted."""
    out: list[Diagnostic] = []
    if not unit.parsed:
        return out
    for cls in rules:
        if issubclass(cls, CodeRule):
            out.extend(cls().check_source(unit))
    out = suppressed(unit, out)
    out.sort(key=lambda d: (d.line, d.column, d.code))
    return out


def suppressed(unit: SourceUnit, found: list[Diagnostic]) -> list[Diagnostic]:
    """The findings that no ``infmigrate: ignore[...]`` comment of the file suppresses."""
    if not found:
        return found
    by_line, whole = source_suppressions(unit)
    # the lines with a comment, in order: a finding looks at those within its lines
    # (issue 18: each looked at every line it spans, findings times lines)
    lines = sorted(by_line)
    return [
        d
        for d in found
        if not _suppressed(d.code, whole)
        and not any(
            _suppressed(d.code, by_line[lines[i]])
            for i in range(bisect_left(lines, d.line), bisect_right(lines, max(d.end_line, d.line)))
        )
    ]


def process_source(
    data: bytes, path: str, options: FileOptions, verbose: bool = False
) -> FileResult:
    """Check one source file's bytes (see the module docstring); never raises."""
    result = FileResult(path, options, data)
    try:
        unit = read_source(data, path)
        result.encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
        result.diagnostics = check_source(unit, options.rules)
        result.fix_done = True
        result.fixed = data
        result.remaining = list(result.diagnostics)
        # each line read once (issue 18: thousands of findings on one long line each
        # decoded the line)
        lines = {d.line for d in result.diagnostics}
        result.line_texts = {n: unit.line_text(n) for n in sorted(lines)}
        result.fixed_line_texts = dict(result.line_texts)
    except Exception as exc:  # one bad file must not stop the others
        detail = traceback.format_exc() if verbose else ""
        result.error = f"internal error: {type(exc).__name__}: {exc}; please report it" + (
            f"\n{detail}" if detail else ""
        )
    return result
