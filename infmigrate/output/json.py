"""``json``: a JSON array, one object per diagnostic (ruff's shape, plus the InfVerif
codes and the file's encoding). ``fix.enabled`` says whether ``--diff``/``--write``
apply the fix with the settings of the run. Fix edits are text replacements of the file as it is
(lines and columns 1-based, the end exclusive).

Several findings can share one fix (one joint change: the lists of a ``CopyFiles`` line
whose files all move, renamed together). Its edits are given once, by the first of them
in the array; each later one has ``"edits": []`` and ``fix.same_fix_as``, the index in the
array of the finding that carries them (``null`` on that one and on every unshared fix).
A consumer applies each fix's edits once (issue 18: the edits of a fix shared by N
findings were printed N times, an output quadratic in the findings)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from infmigrate.output.base import Report, Shown, clean
from infmigrate.output.jsonstream import ITEMS, streamed

__all__ = ["chunks", "render", "to_objects"]


def _position(line: int, column: int) -> dict[str, int]:
    return {"line": line, "column": column}


def _object(s: Shown, carrier: int | None) -> dict[str, Any]:
    """The object of one finding; ``carrier``: the index of the finding that carries the
    edits of its fix, when an earlier one does (None: this one carries them)."""
    d = s.diag
    fix: dict[str, Any] | None = None
    if d.fix is not None:
        text = d.fix.text
        edits = (
            []
            if carrier is not None or text is None
            else [
                {
                    "content": clean(r.content),
                    "location": _position(r.start_line, r.start_column),
                    "end_location": _position(r.end_line, r.end_column),
                }
                for r in text.replacements
            ]
        )
        fix = {
            "applicability": d.fix.applicability.value,
            "title": clean(d.fix.title),
            "enabled": s.fixable,
            "edits": edits,
            "same_fix_as": carrier,
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


def _objects(report: Report) -> Iterator[dict[str, Any]]:
    # id of each fix seen (the report keeps them all) -> the finding carrying its edits
    carriers: dict[int, int] = {}
    for index, s in enumerate(report.shown):
        fix = s.diag.fix
        carrier = None
        if fix is not None:
            carrier = carriers.get(id(fix))
            if carrier is None:
                carriers[id(fix)] = index
        yield _object(s, carrier)


def to_objects(report: Report) -> list[dict[str, Any]]:
    return list(_objects(report))


def chunks(report: Report) -> Iterator[str]:
    """The output in pieces, one finding's object at a time (see
    :mod:`~infmigrate.output.jsonstream`)."""
    yield from streamed(ITEMS, _objects(report))
    yield "\n"


def render(report: Report) -> str:
    return "".join(chunks(report))
