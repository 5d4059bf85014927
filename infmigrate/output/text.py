"""``text``: one line per diagnostic, ``path:line:col: CODE [*] message`` (coloured on a
terminal). ``[*]`` marks a diagnostic whose fix ``--diff``/``--write`` apply."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from infmigrate.output.base import Report, clean

__all__ = ["render"]


def render(report: Report) -> str:
    lines: list[Text] = []
    for s in report.shown:
        d = s.diag
        line = Text()
        line.append(s.file.path, style="bold")
        line.append(f":{d.line}:{d.column}:", style="dim")
        line.append(" ")
        line.append(d.code, style="bold red" if s.severity == "error" else "bold yellow")
        if s.resolved:
            line.append(" ")
            line.append("[*]", style="cyan")
        line.append(" " + clean(d.message))
        lines.append(line)
    if not lines:
        return ""
    if not report.color:
        return "".join(t.plain + "\n" for t in lines)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        highlight=False,
        soft_wrap=True,
        emoji=False,
        markup=False,
        width=10_000,
    )
    for t in lines:
        console.print(t)
    return buffer.getvalue()
