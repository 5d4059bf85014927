"""``rdjsonl``: reviewdog's Diagnostic format, one JSON object per line
(``reviewdog -f=rdjsonl``).

Columns are UTF-8 byte counts and end positions exclusive, as reviewdog wants. A fix the
run would apply (or a display-only one) becomes one whole-line ``suggestion`` covering its
changed lines only (an insertion anchored to the line above), so that reviewdog's
``github-pr-review`` reporter can post it as a GitHub suggestion, safe to apply on its
own: the fixes of a file are planned together by
:func:`infmigrate.output.suggestions.plan` (a fix several findings share is offered once,
with the first; the others say so). A fix whose changes are apart and go
together, one whose suggestion would overlap another's, and any fix in a UTF-16 file
(GitHub shows it as binary) get no suggestion: the message carries the whole fix as a
```` ```diff ```` block and says why. With a line filter (``--diff-filter-base``), only
findings on lines the pull request changes are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from infmigrate.engine.fixer import Diagnostic
from infmigrate.engine.processing import FileResult
from infmigrate.output.base import Report, Shown, clean, fix_offered
from infmigrate.output.github_review import not_suggested
from infmigrate.output.suggestions import Proposal, plan

__all__ = ["chunks", "render"]

_SEVERITY = {"error": "ERROR", "warning": "WARNING"}


def _column(report: Report, s: Shown, line: int, column: int) -> int:
    text = report.line_text_of(s.file, line)
    return len(text[: column - 1].encode("utf-8", "surrogatepass")) + 1


def _plan(report: Report, file: FileResult) -> dict[int, Proposal]:
    """The proposal of each offered fix of a file, by diagnostic identity."""
    diags: list[Diagnostic] = [
        s.diag
        for s in report.shown_in(file)
        if s.diag.fix is not None
        and fix_offered(s.diag, file)
        and report.offered_together(file, s.diag)
    ]
    return {id(d): p for p in plan(diags, binary=report.shown_as_binary(file)) for d in p.diags}


def _object(report: Report, s: Shown, proposal: Proposal | None) -> dict[str, Any]:
    d = s.diag
    end_line, end_column = s.end
    message = clean(d.message)
    if proposal is not None and proposal.diags[0] is not d:
        # a fix several findings share is offered once, with the first
        first = proposal.diags[0]
        message += (
            f"\n\nIts fix is the one offered with the {first.code} finding on line {first.line}."
        )
        proposal = None
    if proposal is not None and proposal.suggestion is None:
        diff = clean("\n".join(proposal.diff))
        message += (
            f"\n\n```diff\n{diff}\n```\n\n{not_suggested(proposal, s.file.path, s.file.encoding)}"
        )
    obj: dict[str, Any] = {
        "message": message,
        "location": {
            "path": s.file.path,
            "range": {
                "start": {"line": d.line, "column": _column(report, s, d.line, d.column)},
                "end": {"line": end_line, "column": _column(report, s, end_line, end_column)},
            },
        },
        "severity": _SEVERITY.get(s.severity, "WARNING"),
        "source": {"name": "infmigrate"},
        "code": {"value": d.code},
    }
    if proposal is not None and proposal.suggestion is not None:
        suggestion = proposal.suggestion
        obj["suggestions"] = [
            {
                "range": {
                    "start": {"line": suggestion.start_line},
                    "end": {"line": suggestion.end_line},
                },
                "text": clean("\n".join(suggestion.lines)),
            }
        ]
    return obj


def render(report: Report) -> str:
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The output, a line at a time."""
    plans: dict[int, dict[int, Proposal]] = {}
    for s in report.shown:
        file = s.file
        if id(file) not in plans:
            plans.clear()  # one file at a time: report.shown is in file order
            plans[id(file)] = _plan(report, file)
        proposal = plans[id(file)].get(id(s.diag))
        start, end = s.diag.line, s.end[0]
        if proposal is not None and proposal.suggestion is not None:
            start = min(start, proposal.suggestion.start_line)
            end = max(end, proposal.suggestion.end_line)
        if not report.keeps(file.path, start, end):
            continue
        yield json.dumps(_object(report, s, proposal), ensure_ascii=False) + "\n"
