"""``gitlab``: GitLab Code Quality report (a JSON array), with fingerprints that stay the
same when lines move: rule, path, the line's text and its occurrence.

GitLab places an issue by ``location.path``, relative to the repository's root, so when
``CI_PROJECT_DIR`` is set (GitLab CI sets it to the folder the repository is cloned in)
paths are made relative to it, whatever folder the job runs infmigrate from (ruff does
the same); a file outside it keeps the path as shown.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from infmigrate.output.base import Report, clean
from infmigrate.output.jsonstream import ITEMS, streamed

__all__ = ["chunks", "render"]

_SEVERITY = {"error": "major", "warning": "minor"}


def _path(report: Report, shown: str) -> str:
    """The path GitLab wants: relative to ``CI_PROJECT_DIR`` when that is set."""
    if not report.ci_project_dir or not report.root:
        return shown
    absolute = os.path.normpath(os.path.join(report.root, shown))
    project = os.path.normpath(report.ci_project_dir)
    try:
        relative = os.path.relpath(absolute, project)
    except ValueError:  # another drive (Windows)
        return shown
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return shown
    return relative.replace(os.sep, "/")


def _issues(report: Report) -> Iterator[dict[str, Any]]:
    for s in report.shown:
        d = s.diag
        yield {
            "description": f"{d.code} {clean(d.message)}",
            "check_name": d.code,
            "fingerprint": s.fingerprint,
            "severity": _SEVERITY.get(s.severity, "minor"),
            "location": {
                "path": _path(report, s.file.path),
                "lines": {"begin": d.line, "end": s.end[0]},
            },
        }


def chunks(report: Report) -> Iterator[str]:
    """The report in pieces, one issue at a time (see :mod:`~infmigrate.output.jsonstream`)."""
    yield from streamed(ITEMS, _issues(report))
    yield "\n"


def render(report: Report) -> str:
    return "".join(chunks(report))
