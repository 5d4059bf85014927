"""What a run says at the end: the summary lines (standard error) and the per-rule table
of ``--statistics``.

The summary (not with ``--quiet``)::

    Found 7 problems in 5 files (8 files checked).
    [*] 4 fixable with `infmigrate --write` (1 more with `--unsafe-fixes`).
    10 files scanned: 5 with problems, 3 clean, 1 failed, 1 skipped.

or, with ``--diff``/``--check``/``--write``, what was (or would be) fixed and what is
left, and the files changed, unchanged, failed and skipped (``--fix-only``: what was
fixed only; ``--add-noqa``: the findings suppressed and the files changed).

``--statistics`` prints one row per rule, most frequent first, as ruff does: in report
mode the count, the code, ``[*]`` when the run can fix some of them, and the name; when
fixing, the count found, fixed and left.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from infmigrate.engine.problems import SYNTAX_CODES
from infmigrate.engine.processing import FileResult

__all__ = [
    "Statistic",
    "plural",
    "statistics",
    "statistics_json",
    "statistics_table",
    "summary_lines",
]


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural_form or word + 's')}"


def summary_lines(results: Sequence[FileResult], mode: str) -> list[str]:
    """The summary; ``mode`` is ``report``, ``diff``, ``check``, ``write``, ``fix-only``
    (``--fix-only``; ``fix-only-diff`` with ``--diff``) or ``add-noqa``."""
    ok = [r for r in results if not r.error and not r.skipped]
    failed = sum(1 for r in results if r.error)
    skipped = sum(1 for r in results if r.skipped and not r.error)
    checked = f"{plural(len(ok), 'file')} checked"
    lines: list[str] = []
    if mode == "report":
        found = [(r, d) for r in ok for d in r.diagnostics]
        if not found:
            lines.append(f"No problems found ({checked}).")
        else:
            files = len({id(r) for r, _ in found})
            lines.append(
                f"Found {plural(len(found), 'problem')} in {plural(files, 'file')} ({checked})."
            )
            fixable = sum(len(r.resolved) for r in ok)
            hidden = 0
            for r in ok:
                if not r.options:
                    continue
                # a set, not a search of the list per finding (issue 18: tens of
                # thousands of fixable findings in one file)
                resolved = set(r.resolved)
                settings = r.options.settings
                hidden += sum(
                    1
                    for i, d in enumerate(r.diagnostics)
                    if d.fixable and i not in resolved and not settings.applies(d.fix)
                )
            if fixable or hidden:
                extra = f" ({hidden} more with `--unsafe-fixes`)" if hidden else ""
                if fixable:
                    lines.append(f"[*] {fixable} fixable with `infmigrate --write`{extra}.")
                else:
                    lines.append(f"{hidden} fixable with `infmigrate --write --unsafe-fixes`.")
        with_problems = sum(1 for r in ok if r.diagnostics)
        parts = [(with_problems, "with problems"), (len(ok) - with_problems, "clean")]
    elif mode == "add-noqa":
        added = sum(len(r.applied) for r in ok)
        changed = sum(1 for r in ok if r.changed)
        left = sum(len(r.remaining) for r in ok)
        head = (
            f"Suppressed {plural(added, 'finding')} with comments in {plural(changed, 'file')}"
            if added
            else "No finding to suppress"
        )
        tail = f"; {plural(left, 'finding')} left (listed above)" if left else ""
        lines.append(f"{head}{tail} ({checked}).")
        parts = [(changed, "changed"), (len(ok) - changed, "unchanged")]
    else:
        fixed = sum(len(r.resolved) for r in ok)
        changed = sum(1 for r in ok if r.changed)
        left = sum(len(r.remaining) for r in ok)
        # Findings of the fixed files that the files did not have (a moved list that now
        # needs a build decoration...): left counts them, found - fixed does not.
        new = left - (sum(len(r.diagnostics) for r in ok) - fixed)
        if mode in ("fix-only", "fix-only-diff"):  # nothing left reported (ruff's --fix-only)
            left = new = 0
            mode = "write" if mode == "fix-only" else "diff"
        if mode == "write":
            head = (
                f"Fixed {plural(fixed, 'problem')} in {plural(changed, 'file')}"
                if fixed
                else "Nothing to fix"
            )
            tail = f"; {plural(left, 'problem')} {'remains' if left == 1 else 'remain'}"
            if new > 0:
                tail += f", {new} of them raised by the fixes"
        else:
            head = (
                f"Would fix {plural(fixed, 'problem')} in {plural(changed, 'file')}"
                if fixed
                else "Nothing to fix"
            )
            tail = f"; {plural(left, 'problem')} would remain"
            if new > 0:
                tail += f", {new} of them raised by the fixes"
        lines.append(f"{head}{tail if left else ''} ({checked}).")
        commented = sum(1 for r in ok if r.changed and r.diff_commented)
        if mode == "diff" and commented:
            lines.append(
                f"{plural(commented, 'UTF-16 file')} shown as comments only (git apply cannot "
                "give the fixed bytes back): apply them with `infmigrate --write`."
            )
        verb = "changed" if mode == "write" else "would change"
        parts = [(changed, verb), (len(ok) - changed, "unchanged")]
    parts += [(failed, "failed"), (skipped, "skipped")]
    scanned = len(results)
    if scanned > 1 or failed or skipped:
        detail = ", ".join(f"{n} {what}" for n, what in parts if n)
        lines.append(f"{plural(scanned, 'file')} scanned: {detail}.")
    return lines


@dataclass
class Statistic:
    """One rule's figures over the run."""

    code: str
    name: str
    #: Found in the files as they were.
    count: int = 0
    #: Of those, how many fixing with the run's settings removes (see
    #: :func:`infmigrate.engine.processing.resolved_by_fixing`).
    fixable: int = 0
    #: The same findings, counted as fixed when fixing; and the findings of the fixed
    #: files (fixes can raise new ones, so found - fixed is not always left).
    fixed: int = 0
    left: int = 0


def statistics(results: Sequence[FileResult]) -> list[Statistic]:
    """Per rule (and syntax code), most found first, then by code."""
    stats: dict[str, Statistic] = {}

    def get(code: str, name: str) -> Statistic:
        s = stats.get(code)
        if s is None:
            s = stats[code] = Statistic(code, name)
        return s

    for r in results:
        if r.error or r.skipped:
            continue
        for d in r.diagnostics:
            get(d.code, d.name).count += 1
        for i in r.resolved:
            d = r.diagnostics[i]
            s = get(d.code, d.name)
            s.fixable += 1
            s.fixed += 1
        for d in r.remaining:
            get(d.code, d.name).left += 1
    return sorted(stats.values(), key=lambda s: (-s.count, -s.left, s.code))


def statistics_table(stats: Sequence[Statistic], fixing: bool) -> str:
    """The table as text: ruff's layout in report mode, found/fixed/left when fixing."""
    if not stats:
        return ""
    width = max(len(str(max(s.count, s.fixed, s.left))) for s in stats)
    code_width = max(len(s.code) for s in stats)
    out: list[str] = []
    if not fixing:
        stats = [s for s in stats if s.count]  # the fixed files' findings: not shown
        if not stats:
            return ""
        for s in stats:
            mark = "[*]" if s.fixable else "[ ]"
            out.append(f"{s.count:>{width}}\t{s.code:<{code_width}}\t{mark} {s.name}")
        if any(s.fixable for s in stats):
            out.append("[*] fixable with `infmigrate --write`")
        return "".join(line + "\n" for line in out)
    width = max(width, 5)
    out.append(
        f"{'found':>{width}}  {'fixed':>{width}}  {'left':>{width}}  {'code':<{code_width}}  name"
    )
    for s in stats:
        out.append(
            f"{s.count:>{width}}  {s.fixed:>{width}}  {s.left:>{width}}  "
            f"{s.code:<{code_width}}  {s.name}"
        )
    total = Counter[str]()
    for s in stats:
        total.update(found=s.count, fixed=s.fixed, left=s.left)
    out.append(
        f"{total['found']:>{width}}  {total['fixed']:>{width}}  {total['left']:>{width}}  total"
    )
    return "".join(line + "\n" for line in out)


def statistics_json(stats: Sequence[Statistic], fixing: bool) -> str:
    rows = []
    for s in stats:
        if not fixing and not s.count:
            continue
        row: dict[str, object] = {
            "code": s.code,
            "name": s.name,
            "count": s.count,
            "fixable": s.fixable > 0,
            "syntax": s.code in SYNTAX_CODES,
        }
        if fixing:
            row.update(fixed=s.fixed, left=s.left)
        rows.append(row)
    return json.dumps(rows, indent=2) + "\n"
