"""``github-review``: a JSON list of pull-request review comments, ready for the
``comments`` of ``POST /repos/{owner}/{repo}/pulls/{number}/reviews``.

Built from the hunks of the checked diff: one comment per contiguous change, on the lines
it replaces (``start_line``..``line``, ``side: "RIGHT"``), whose body holds a
```` ```suggestion ```` block with the full replacement lines. GitHub cannot suggest an
insertion, so an inserted line is anchored to the line above it (or, at the top of the
file, the line below), which the suggestion repeats. UTF-16 files, which GitHub treats as
binary, get a plain comment with a ```` ```diff ```` block instead. Findings without an
applied fix get a plain comment on their line. Each body ends with a hidden fingerprint
(``<!-- infmigrate:fp=... -->``) so a bot can skip comments it has already posted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from infmigrate.diffs.linediff import Change
from infmigrate.diffs.unified import FileDiff, split_lines
from infmigrate.engine.fixer import Applicability, Diagnostic
from infmigrate.engine.processing import FileResult, diagnostic_key
from infmigrate.engine.syntax import InfFile
from infmigrate.output.base import Report, clean
from infmigrate.output.suggestions import Suggestion, anchored, fix_text_changes

__all__ = ["render", "to_comments"]


@dataclass
class _Hunked:
    """A contiguous change of a diff hunk."""

    change: Change
    added: list[str]
    diff_lines: list[str]


def _fence(text: str, kind: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{kind}\n{text}{chr(10) if text else ''}{fence}"


def _contiguous(fd: FileDiff) -> list[_Hunked]:
    out: list[_Hunked] = []
    for hunk in fd.patch:
        old = hunk.source_start - 1 if hunk.source_length else hunk.source_start
        new = hunk.target_start - 1 if hunk.target_length else hunk.target_start
        current: _Hunked | None = None
        for line in hunk:
            kind = line.line_type
            if kind == " ":
                current = None
                old += 1
                new += 1
                continue
            if kind not in "-+":
                continue  # "\ No newline at end of file"
            if current is None:
                current = _Hunked(Change(old, old, new, new), [], [])
                out.append(current)
            text = fd.text(line.value)
            current.diff_lines.append(kind + text)
            c = current.change
            if kind == "-":
                current.change = Change(c.old_start, c.old_end + 1, c.new_start, c.new_end)
                old += 1
            else:
                current.change = Change(c.old_start, c.old_end, c.new_start, c.new_end + 1)
                current.added.append(text)
                new += 1
    return out


def _old_lines(file: FileResult, fd: FileDiff) -> list[str]:
    if fd.is_utf16:
        assert file.tree is not None
        return [x.rstrip("\r\n") for x in split_lines(file.tree.code)]
    return [fd.text(x) for x in split_lines(file.original.decode("latin-1"))]


def _in_tree(tree: InfFile) -> set[int]:
    ids = {id(s) for s in tree.sections}
    ids.update(id(line) for line in tree.lines())
    return ids


def _touches(tree: InfFile, d: Diagnostic) -> list[tuple[int, int]]:
    """Old-line ranges (0-based, end exclusive) a round-one fix changes."""
    assert d.fix is not None
    return [(c.old_start, c.old_end) for c in fix_text_changes(tree, d.fix).changes]


def _attribute(file: FileResult, hunks: list[_Hunked]) -> list[list[Diagnostic]]:
    """Which applied diagnostics each change comes from."""
    assert file.tree is not None
    owners: list[list[Diagnostic]] = [[] for _ in hunks]
    if not hunks:
        return owners
    original = _in_tree(file.tree)
    for d in file.applied:
        assert d.fix is not None
        hits: list[int] = []
        if all(e.target is None or id(e.target) in original for e in d.fix.edits):
            for start, end in _touches(file.tree, d):
                for i, h in enumerate(hunks):
                    c = h.change
                    if start <= c.old_end and c.old_start <= end:
                        hits.append(i)
        if not hits:  # a later round's fix: the nearest change
            hits = [
                min(range(len(hunks)), key=lambda i: abs(hunks[i].change.old_start + 1 - d.line))
            ]
        for i in sorted(set(hits)):
            owners[i].append(d)
    return owners


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


def _change_comments(report: Report, file: FileResult) -> list[dict[str, Any]]:
    fd = file.diff
    if fd is None or report.mode == "write":
        return []
    hunks = _contiguous(fd)
    owners = _attribute(file, hunks)
    old = _old_lines(file, fd)
    out: list[dict[str, Any]] = []
    for h, diags in zip(hunks, owners, strict=True):
        s = anchored(h.change, old, h.added)
        if s is None:
            continue
        lines = [_describe(d) for d in diags] or ["Fixed by infmigrate."]
        titles = sorted({clean(d.fix.title) for d in diags if d.fix is not None})
        text = "\n".join(lines)
        if titles:
            text += "\n\nFix: " + "; ".join(titles)
        if fd.is_utf16:
            text += (
                f"\n\n{_fence(chr(10).join(h.diff_lines), 'diff')}\n\n"
                f"This file is {fd.encoding.upper()}, which GitHub treats as binary, so "
                f"no suggestion is offered: run `infmigrate --write {file.path}`."
            )
        else:
            text += "\n\n" + _fence(clean("\n".join(s.lines)), "suggestion")
        codes = "+".join(sorted({d.code for d in diags})) or "fix"
        text += "\n" + _marker(file.path, codes, str(s.start_line), str(s.end_line))
        out.append(_comment(file.path, s, text))
    return out


def _finding_comments(report: Report, file: FileResult) -> list[dict[str, Any]]:
    applied = {diagnostic_key(d) for d in file.applied} if report.mode != "write" else set()
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
    out: list[dict[str, Any]] = []
    for file in report.files:
        if file.tree is None:
            # A C/C++ source (issue 17: report-only, no tree) gets its findings' comments.
            if file.encoding and not file.error and not file.skipped:
                out.extend(_finding_comments(report, file))
            continue
        comments = _change_comments(report, file) + _finding_comments(report, file)
        comments.sort(key=lambda c: (c["line"], c.get("start_line", c["line"])))
        out.extend(comments)
    return out


def render(report: Report) -> str:
    return json.dumps(to_comments(report), indent=2, ensure_ascii=False) + "\n"
