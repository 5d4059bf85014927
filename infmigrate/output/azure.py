"""``azure``: Azure Pipelines logging commands, one ``task.logissue`` per finding::

    ##vso[task.logissue type=error;sourcepath=/work/drivers/net/net.inf;linenumber=2;\
    columnnumber=1;code=ISO015;]ISO015 [Version] has no PnpLockdown = 1 directive

(one line, cut here at the backslash). The command and its properties (``type``
``error`` or ``warning``, ``sourcepath``, ``linenumber``, ``columnnumber``, ``code``)
are those of "Logging commands", LogIssue
(https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands), which
also asks for absolute file paths ("rooted to a drive on Windows, or beginning with /"):
``sourcepath`` is the file's absolute path. Each command is one line of UTF-8.

Escaping, as Microsoft's task library writes commands and the agent reads them back
(azure-pipelines-task-lib, ``node/taskcommand.ts``, and the agent's
``CommandStringConvertor``): in property values ``%`` -> ``%AZP25`` (first), CR ->
``%0D``, LF -> ``%0A``, ``]`` -> ``%5D``, ``;`` -> ``%3B``; in the message ``%``, CR and
LF only (a ``]`` or ``;`` there is text: the properties end at the first ``]``).
"""

from __future__ import annotations

import os

from infmigrate.output.base import Report, clean

__all__ = ["escape_data", "escape_property", "render"]


def escape_data(text: str) -> str:
    """A logging command's message."""
    return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A logging command's property value."""
    return escape_data(text).replace("]", "%5D").replace(";", "%3B")


def render(report: Report) -> str:
    out: list[str] = []
    for s in report.shown:
        d = s.diag
        path = s.file.path
        if report.root and not os.path.isabs(path):
            path = os.path.join(report.root, path)
        props = [
            ("type", "error" if s.severity == "error" else "warning"),
            ("sourcepath", path),
        ]
        if d.line > 0:
            props.append(("linenumber", str(d.line)))
            if d.column > 0:
                props.append(("columnnumber", str(d.column)))
        props.append(("code", d.code))
        head = "".join(f"{k}={escape_property(v)};" for k, v in props)
        message = escape_data(f"{d.code} {clean(d.message)}")
        out.append(f"##vso[task.logissue {head}]{message}\n")
    return "".join(out)
