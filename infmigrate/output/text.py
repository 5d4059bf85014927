"""``text``: one line per diagnostic, ``path:line:col: CODE [*] message`` (coloured on a
terminal). ``[*]`` marks a diagnostic whose fix ``--diff``/``--write`` apply."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from infmigrate.output.base import Report, clean

if TYPE_CHECKING:
    from rich.text import Text

__all__ = ["render"]

#: What ``rich.text.Text.append`` strips from the text it is given (``rich.control``'s
#: ``strip_control_codes``: BEL, BS, VT, FF, CR), so that the plain output, built without
#: importing rich (a third of the start-up left to a small run), is the same.
_STRIPPED = dict.fromkeys((7, 8, 11, 12, 13))


def _plain(report: Report) -> str:
    out: list[str] = []
    for s in report.shown:
        d = s.diag
        mark = " [*]" if s.resolved else ""
        parts = (s.file.path, f":{d.line}:{d.column}:", " ", d.code, mark, " " + clean(d.message))
        out.append("".join(p.translate(_STRIPPED) for p in parts) + "\n")
    return "".join(out)


def render(report: Report) -> str:
    if not report.color:
        return _plain(report)
    from rich.console import Console
    from rich.text import Text

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
