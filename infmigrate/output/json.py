"""``json``: a JSON array, one object per diagnostic (ruff's shape, plus the InfVerif
codes and the file's encoding). ``fix.enabled`` says whether ``--diff``/``--write``
apply the fix with the settings of the run. Fix edits are text replacements of the file as it is
(lines and columns 1-based, the end exclusive)."""

from __future__ import annotations

import json
from typing import Any

from infmigrate.output.base import Report, Shown, clean
from infmigrate.output.suggestions import fix_text_changes

__all__ = ["render", "to_objects"]


def _position(line: int, column: int) -> dict[str, int]:
    return {"line": line, "column": column}


def _object(report: Report, s: Shown) -> dict[str, Any]:
    d = s.diag
    fix: dict[str, Any] | None = None
    if d.fix is not None:
        edits = [
            {
                "content": clean(r.content),
                "location": _position(r.start_line, r.start_column),
                "end_location": _position(r.end_line, r.end_column),
            }
            for r in fix_text_changes(s.full_tree, d.fix).replacements()
        ]
        fix = {
            "applicability": d.fix.applicability.value,
            "title": clean(d.fix.title),
            "enabled": s.fixable,
            "edits": edits,
        }
    return {
        "code": d.code,
        "name": d.name,
        "message": clean(d.message),
        "severity": s.severity,
        "path": s.file.path,
        "line": d.line,
        "column": d.column,
        "end": _position(*s.end),
        "infverif": list(d.infverif),
        "encoding": s.file.encoding,
        "fix": fix,
    }


def to_objects(report: Report) -> list[dict[str, Any]]:
    return [_object(report, s) for s in report.shown]


def render(report: Report) -> str:
    return json.dumps(to_objects(report), indent=2, ensure_ascii=False) + "\n"
