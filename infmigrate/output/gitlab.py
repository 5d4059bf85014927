"""``gitlab``: GitLab Code Quality report (a JSON array), with fingerprints that stay the
same when lines move: rule, path, the line's text and its occurrence."""

from __future__ import annotations

import json
from typing import Any

from infmigrate.output.base import Report, clean

__all__ = ["render"]

_SEVERITY = {"error": "major", "warning": "minor"}


def render(report: Report) -> str:
    issues: list[dict[str, Any]] = []
    for s in report.shown:
        d = s.diag
        issues.append(
            {
                "description": f"{d.code} {clean(d.message)}",
                "check_name": d.code,
                "fingerprint": s.fingerprint,
                "severity": _SEVERITY.get(s.severity, "minor"),
                "location": {"path": s.file.path, "lines": {"begin": d.line, "end": s.end[0]}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
