"""Output formats, one module each; :data:`FORMATS` maps ``--format`` names to them.

Every format is a function ``render(report: Report) -> str`` with no side effects. A format's
module is imported when its renderer is first looked up, so that a run imports only the
formats it prints.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from infmigrate.output.base import Report

__all__ = ["FORMATS", "Report"]

#: ``--format`` name -> module of :mod:`infmigrate.output` rendering it.
_MODULES = {
    "text": "text",
    "json": "json",
    "sarif": "sarif",
    "github": "github",
    "rdjsonl": "rdjsonl",
    "gitlab": "gitlab",
    "github-review": "github_review",
    "msbuild": "msbuild",
    "junit": "junit",
    "azure": "azure",
}


class _Formats(Mapping[str, Callable[[Report], str]]):
    """The renderers by name, each module imported on first lookup."""

    def __getitem__(self, name: str) -> Callable[[Report], str]:
        module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
        render: Callable[[Report], str] = module.render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Callable[[Report], str]] = _Formats()
