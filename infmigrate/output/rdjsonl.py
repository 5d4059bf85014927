"""``rdjsonl``: reviewdog's Diagnostic format, one JSON object per line
(``reviewdog -f=rdjsonl``).

Columns are UTF-8 byte counts and end positions exclusive, as reviewdog wants. A fix the
run would apply (or a display-only one) becomes one whole-line ``suggestion`` covering
all its changes, an insertion anchored to the line above, so that reviewdog's
``github-pr-review`` reporter can post it as a GitHub suggestion. UTF-16 files get no
suggestions: GitHub treats them as binary.
"""

from __future__ import annotations

import json
from typing import Any

from infmigrate.diffs.unified import UTF16
from infmigrate.output.base import Report, Shown, clean, fix_offered
from infmigrate.output.suggestions import fix_text_changes

__all__ = ["render"]

_SEVERITY = {"error": "ERROR", "warning": "WARNING"}


def _column(report: Report, s: Shown, line: int, column: int) -> int:
    text = report.line_text_of(s.file, line)
    return len(text[: column - 1].encode("utf-8", "surrogatepass")) + 1


def _object(report: Report, s: Shown) -> dict[str, Any]:
    d = s.diag
    end_line, end_column = s.end
    obj: dict[str, Any] = {
        "message": clean(d.message),
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
    if d.fix is not None and fix_offered(d, s.file) and s.file.encoding not in UTF16:
        suggestion = fix_text_changes(s.full_tree, d.fix).suggestion()
        if suggestion is not None:
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
    return "".join(json.dumps(_object(report, s), ensure_ascii=False) + "\n" for s in report.shown)
