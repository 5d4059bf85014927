"""``github-review``: a JSON list of pull-request review comments, ready for the
``comments`` of ``POST /repos/{owner}/{repo}/pulls/{number}/reviews``.

Each fix the run applies to a finding of the file as it is gets one comment, made by
:func:`infmigrate.output.suggestions.plan` so that every suggestion is safe to apply on
its own (GitHub lets a reviewer apply any one of them, or a batch): a comment on the lines
the fix changes (``start_line``..``line``, ``side: "RIGHT"``) whose body holds a
```` ```suggestion ```` block with the replacement lines (an insertion is anchored to the
line above, which the suggestion repeats, as GitHub cannot suggest one); or, for a fix
whose changes are apart and go together, one that would overlap another suggestion, or a
UTF-16 file (which GitHub shows as binary), a comment on the finding's line carrying the
whole fix as a ```` ```diff ```` block, which is not a suggestion and says why. A comment
carries one fix (or several findings' identical change), never another rule's change.
Fixes the fixes make possible (later rounds of ``--write``) are suggested by the next run.
Findings without a fix to apply get a plain comment on their line. Each body ends with a
hidden fingerprint (``<!-- infmigrate:fp=... -->``) so a bot can skip comments it has
already posted. With a line filter (``--diff-filter-base``), only comments on lines the
pull request changes are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from infmigrate.engine.fixer import Applicability, Diagnostic
from infmigrate.engine.processing import FileResult, diagnostic_key
from infmigrate.output.base import Report, clean
from infmigrate.output.jsonstream import ITEMS, streamed
from infmigrate.output.suggestions import Proposal, Suggestion, plan

__all__ = ["chunks", "render", "to_comments"]


def _fence(text: str, kind: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{kind}\n{text}{chr(10) if text else ''}{fence}"


def _describe(d: Diagnostic) -> str:
    verif = f" (InfVerif {', '.join(map(str, d.infverif))})" if d.infverif else ""
    return f"**{d.code}** `{d.name}`: {clean(d.message)}{verif}"


def _comment(path: str, s: Suggestion, body: str) -> dict[str, Any]:
    comment: dict[str, Any] = {"path": path}
    if s.end_line > s.start_line:
        comment["start_line"] = s.start_line
        comment["start_side"] = "RIGHT"
    comment["line"] = s.end_line
    comment["side"] = "RIGHT"
    comment["body"] = body
    return comment


def _marker(path: str, *parts: str) -> str:
    return f"<!-- infmigrate:fp={path}:{':'.join(parts)} -->"


def not_suggested(p: Proposal, path: str, encoding: str) -> str:
    """Why a fix is shown as a diff block, and what to do (Markdown)."""
    if p.why == "utf16":
        return (
            f"This file is {encoding.upper()}, which GitHub shows as binary, so no suggestion "
            f"is offered: run `infmigrate --write {path}`."
        )
    if p.why == "overlap":
        return (
            "This fix changes lines another suggestion here changes, so it is not offered as "
            "a suggestion: apply that one first (the next run suggests this one), or run "
            f"`infmigrate --write {path}`."
        )
    return (
        f"The {p.parts} parts of this fix go together: applying one alone would break the "
        "INF, so it is not offered as suggestions. Apply it whole with "
        f"`infmigrate --write {path}`."
    )


def _proposal_comment(file: FileResult, p: Proposal) -> dict[str, Any]:
    first = p.diags[0]
    lines = [_describe(d) for d in p.diags]
    titles = sorted({clean(d.fix.title) for d in p.diags if d.fix is not None})
    text = "\n".join(lines)
    if titles:
        text += "\n\nFix: " + "; ".join(titles)
    if p.suggestion is not None:
        s = p.suggestion
        text += "\n\n" + _fence(clean("\n".join(s.lines)), "suggestion")
    else:
        s = Suggestion(first.line, first.line, ())
        text += (
            f"\n\n{_fence(clean(chr(10).join(p.diff)), 'diff')}\n\n"
            f"{not_suggested(p, file.path, file.encoding)}"
        )
    codes = "+".join(sorted({d.code for d in p.diags}))
    text += "\n" + _marker(file.path, codes, str(s.start_line), str(s.end_line))
    return _comment(file.path, s, text)


def proposals_of(report: Report, file: FileResult) -> list[Proposal]:
    """The plan of a file's fixes the run applies (report mode; none when writing)."""
    if report.mode == "write":
        return []
    diags = [
        s.diag for s in report.shown_in(file) if s.fixable and report.offered_together(file, s.diag)
    ]
    return plan(diags, binary=report.shown_as_binary(file))


def _change_comments(proposals: list[Proposal], file: FileResult) -> list[dict[str, Any]]:
    return [_proposal_comment(file, p) for p in proposals]


def _finding_comments(
    report: Report, file: FileResult, proposals: list[Proposal]
) -> list[dict[str, Any]]:
    applied = {diagnostic_key(d) for p in proposals for d in p.diags}
    out: list[dict[str, Any]] = []
    for shown in report.shown_in(file):
        d = shown.diag
        if diagnostic_key(d) in applied:
            continue
        text = _describe(d)
        if d.fix is not None:
            title = clean(d.fix.title)
            if d.fix.applicability is Applicability.UNSAFE and not shown.fixable:
                text += (
                    f"\n\nAn unsafe fix is available ({title}): "
                    f"`infmigrate --write --unsafe-fixes {file.path}`."
                )
            elif d.fix.applicability is Applicability.DISPLAY_ONLY:
                text += f"\n\nSuggestion: {title}."
        text += "\n" + _marker(file.path, shown.fingerprint)
        out.append(_comment(file.path, Suggestion(d.line, d.line, ()), text))
    return out


def to_comments(report: Report) -> list[dict[str, Any]]:
    return list(_comments(report))


def _comments(report: Report) -> Iterator[dict[str, Any]]:
    for file in report.files:
        if not report.shown_in(file):
            continue
        # (a C/C++ source, issue 17, has no fix: its findings' comments only)
        proposals = proposals_of(report, file)
        comments = _change_comments(proposals, file) + _finding_comments(report, file, proposals)
        comments.sort(key=lambda c: (c["line"], c.get("start_line", c["line"])))
        yield from _kept(report, comments)


def _kept(report: Report, comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The comments on lines the line filter keeps (all without one)."""
    return [
        c for c in comments if report.keeps(c["path"], c.get("start_line", c["line"]), c["line"])
    ]


def chunks(report: Report) -> Iterator[str]:
    """The comments in pieces, a file's at a time (see
    :mod:`~infmigrate.output.jsonstream`)."""
    yield from streamed(ITEMS, _comments(report))
    yield "\n"


def render(report: Report) -> str:
    return "".join(chunks(report))
