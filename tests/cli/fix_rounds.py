"""Apply a fix format to a tree of files the way its consumer would, round after round
(apply what it offers, run infmigrate again on the files that changed), until nothing
more is offered; the tests compare the result with what ``--write`` writes.

The rules run in this process (every file once per distinct content, shared by the
formats), with the command's defaults: every rule, no configuration; files the command
skips (EDK II, Windows 9x) are skipped here too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from infmigrate.diffs.unified import UTF16
from infmigrate.engine.processing import FileOptions, FileResult, process
from infmigrate.engine.selection import Layer, resolve
from infmigrate.output import github_review, rdjsonl, sarif
from infmigrate.output.base import Report
from infmigrate.workspace.discovery import INF_SUFFIXES
from infmigrate.workspace.edk2 import is_edk2
from infmigrate.workspace.win9x import is_win9x_only

from ..fix_appliers import Suggested, apply_sarif, apply_suggestions, apply_suggestions_utf16

RULES = resolve([Layer()])
OPTIONS = FileOptions(RULES.rules, RULES.syntax_codes)
MAX_ROUNDS = 10
_FENCE = re.compile(r"(`{3,})suggestion\n(.*?)\n?\1(?!`)", re.S)


class Processor:
    """Full results of files, by content."""

    def __init__(self) -> None:
        self._results: dict[tuple[str, bytes], FileResult] = {}

    def result(self, path: str, data: bytes) -> FileResult | None:
        if is_edk2(data) or is_win9x_only(data):
            return None
        key = (path, data)
        found = self._results.get(key)
        if found is None:
            found = process(data, path, OPTIONS, want_fix=True, want_diff=False)
            self._results[key] = found
        return found


@dataclass
class Outcome:
    """What applying a format round after round gave."""

    files: dict[str, bytes]
    #: Fixes (SARIF) or suggestions applied, over all rounds.
    applied: int = 0
    #: Fixes shown as a whole-fix diff block, not as a suggestion (suggestion formats).
    blocks: int = 0
    #: Files with such a block.
    blocked: set[str] = field(default_factory=set)
    rounds: int = 0


Step = Callable[[Report, dict[str, bytes], Outcome], dict[str, bytes]]


def _sarif_step(report: Report, files: dict[str, bytes], outcome: Outcome) -> dict[str, bytes]:
    log = sarif.to_log(report)
    out, applied = apply_sarif(log, files)
    outcome.applied += applied
    return out


def _codec(result: FileResult) -> str:
    if result.encoding in UTF16 or result.encoding == "utf-8":
        return result.encoding
    return "cp1252"


def _apply(
    report: Report, files: dict[str, bytes], outcome: Outcome, found: list[Suggested]
) -> dict[str, bytes]:
    by_path: dict[str, list[Suggested]] = {}
    for s in found:
        by_path.setdefault(s.path, []).append(s)
    out = dict(files)
    codecs = {r.path: _codec(r) for r in report.files}
    for path, suggestions in by_path.items():
        codec = codecs[path]
        apply = apply_suggestions_utf16 if codec in UTF16 else apply_suggestions
        out[path] = apply(files[path], suggestions, codec)
        outcome.applied += len(suggestions)
    return out


def _review_step(report: Report, files: dict[str, bytes], outcome: Outcome) -> dict[str, bytes]:
    found: list[Suggested] = []
    for c in github_review.to_comments(report):
        body = c["body"]
        m = _FENCE.search(body)
        if m is not None:
            found.append(Suggested(c["path"], c.get("start_line", c["line"]), c["line"], m[2]))
        elif "\n```diff\n" in body or "\n````diff\n" in body:
            outcome.blocks += 1
            outcome.blocked.add(c["path"])
    return _apply(report, files, outcome, found)


def _rdjsonl_step(report: Report, files: dict[str, bytes], outcome: Outcome) -> dict[str, bytes]:
    found: list[Suggested] = []
    for line in rdjsonl.render(report).splitlines():
        d = json.loads(line)
        path = d["location"]["path"]
        for s in d.get("suggestions", []):
            r = s["range"]
            found.append(Suggested(path, r["start"]["line"], r["end"]["line"], s["text"]))
        if "\n```diff\n" in d["message"]:
            outcome.blocks += 1
            outcome.blocked.add(path)
    return _apply(report, files, outcome, found)


STEPS: dict[str, Step] = {
    "sarif": _sarif_step,
    "github-review": _review_step,
    "rdjsonl": _rdjsonl_step,
}


#: Files per report: a SARIF run keeps at most 25,000 results (sarif.MAX_RESULTS), and a
#: fix left out of a run would never be applied.
CHUNK = 100


def discovered(paths: list[str]) -> list[str]:
    """The paths a directory run takes: ``*.inf``/``*.inx`` (any case), an ``.inf`` left
    out beside its ``.inx`` (see infmigrate.workspace.discovery)."""
    names = {p.lower() for p in paths}
    return [
        p
        for p in paths
        if p.lower().endswith(INF_SUFFIXES)
        and not (p.lower().endswith(".inf") and p.lower()[:-4] + ".inx" in names)
    ]


def converge(
    fmt: str, files: dict[str, bytes], processor: Processor, *, git_text: bool = False
) -> Outcome:
    """Apply the format's fixes round after round until it offers nothing more.
    ``git_text``: as in a repository whose ``.gitattributes`` give every UTF-16LE file its
    ``working-tree-encoding`` (GitHub shows them as text, and suggestions apply)."""
    step = STEPS[fmt]
    outcome = Outcome(dict(files))
    pending = discovered(sorted(files))
    while pending and outcome.rounds < MAX_ROUNDS:
        outcome.rounds += 1
        changed: list[str] = []
        for at in range(0, len(pending), CHUNK):
            chunk = pending[at : at + CHUNK]
            results = [r for p in chunk if (r := processor.result(p, outcome.files[p])) is not None]
            text = frozenset(r.path for r in results if git_text and r.encoding == "utf-16-le")
            report = Report(files=results, mode="report", rules=RULES.rules, git_text=text)
            current = {r.path: outcome.files[r.path] for r in results}
            new = step(report, current, outcome)
            changed.extend(p for p in current if new[p] != current[p])
            outcome.files.update(new)
        pending = changed
    return outcome


def utf16_paths(files: dict[str, bytes], processor: Processor) -> set[str]:
    return {
        p for p, data in files.items() if (r := processor.result(p, data)) and r.encoding in UTF16
    }
