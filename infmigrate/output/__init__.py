"""Output formats, one module each; :data:`FORMATS` maps ``--format`` names to them.

Every format is a function ``render(report: Report) -> str`` with no side effects; the
formats with the most to print for each finding (``json``, ``sarif``, ``rdjsonl``,
``github-review``, ``gitlab``, ``junit``) also give it in pieces, ``chunks(report) ->
Iterator[str]`` (:data:`STREAMS`), which the command writes as they are made instead of
holding the whole output (issue 18). A format's module is imported when its renderer is
first looked up, so that a run imports only the formats it prints.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import ModuleType
from typing import TypeVar

from infmigrate.output.base import Report

__all__ = ["FORMATS", "STREAMS", "Report"]

T = TypeVar("T")

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


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{_MODULES[name]}")


class _ByName(Mapping[str, T]):
    """Something of each format, by ``--format`` name, its module imported on first
    lookup."""

    def __init__(self, of: Callable[[ModuleType], T]) -> None:
        self._of = of

    def __getitem__(self, name: str) -> T:
        return self._of(_module(name))

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


def _render(module: ModuleType) -> Callable[[Report], str]:
    render: Callable[[Report], str] = module.render
    return render


def _chunks(module: ModuleType) -> Callable[[Report], Iterable[str]]:
    """The format's ``chunks``, or its ``render`` as one piece."""
    chunks: Callable[[Report], Iterable[str]] | None = getattr(module, "chunks", None)
    if chunks is not None:
        return chunks
    render = _render(module)
    return lambda report: (render(report),)


#: The renderers by name.
FORMATS: Mapping[str, Callable[[Report], str]] = _ByName(_render)
#: The output of each format in pieces.
STREAMS: Mapping[str, Callable[[Report], Iterable[str]]] = _ByName(_chunks)
