"""``github``: GitHub Actions workflow commands, which the Actions UI shows as annotations
on the files (``::error file=...,line=...,endLine=...,title=...::message``)."""

from __future__ import annotations

from infmigrate.engine.fixer import Applicability
from infmigrate.output.base import Report, clean

__all__ = ["render"]


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    out: list[str] = []
    for s in report.shown:
        d = s.diag
        end_line, end_column = s.end
        props = [f"file={_property(s.file.path)}", f"line={d.line}", f"endLine={end_line}"]
        if end_line == d.line:
            props += [f"col={d.column}", f"endColumn={end_column}"]
        props.append(f"title={_property(f'infmigrate ({d.code})')}")
        message = f"{d.code} {clean(d.message)}"
        if d.fix is not None:
            title = clean(d.fix.title)
            if d.fix.applicability is Applicability.DISPLAY_ONLY:
                message += f"\nsuggestion: {title}"
            elif s.fixable:
                message += f"\nfix: {title} (infmigrate --write)"
            else:
                message += f"\nfix: {title} (infmigrate --write --unsafe-fixes)"
        level = "error" if s.severity == "error" else "warning"
        out.append(f"::{level} {','.join(props)}::{_data(message)}\n")
    return "".join(out)
