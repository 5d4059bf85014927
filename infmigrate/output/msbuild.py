"""``msbuild``: the MSBuild / Visual Studio canonical error format, one line per finding::

    drivers/net/net.inf(2,1): error ISO015: [Version] has no PnpLockdown = 1 directive

Microsoft's "MSBuild and Visual Studio format for diagnostic messages"
(https://learn.microsoft.com/visualstudio/msbuild/msbuild-diagnostic-format-for-tasks)
gives the five parts ``Origin : Subcategory Category Code : Text``: the origin is the
file with ``(line,col)`` (lines and columns from 1), the category ``error`` or
``warning`` (never localized), the code without spaces, and MSBuild reads the output one
line at a time, so a message is kept on one line. An ``Exec`` task running infmigrate
turns these lines into build errors and warnings, which Visual Studio lists in its Error
List (double-click opens the file at the line) and Azure DevOps shows in the build's
issues. A finding without a position (line 0) has the file alone as its origin.
"""

from __future__ import annotations

from infmigrate.output.base import Report, clean

__all__ = ["render"]


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def render(report: Report) -> str:
    out: list[str] = []
    for s in report.shown:
        d = s.diag
        category = "error" if s.severity == "error" else "warning"
        origin = s.file.path
        if d.line > 0:
            origin += f"({d.line},{d.column})" if d.column > 0 else f"({d.line})"
        out.append(f"{origin}: {category} {d.code}: {_one_line(clean(d.message))}\n")
    return "".join(out)
