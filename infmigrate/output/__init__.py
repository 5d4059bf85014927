"""Output formats, one module each; :data:`FORMATS` maps ``--format`` names to them.

Every format is a function ``render(report: Report) -> str`` with no side effects.
"""

from __future__ import annotations

from collections.abc import Callable

from infmigrate.output import (
    azure,
    github,
    github_review,
    gitlab,
    json,
    junit,
    msbuild,
    rdjsonl,
    sarif,
    text,
)
from infmigrate.output.base import Report

__all__ = ["FORMATS", "Report"]

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json.render,
    "sarif": sarif.render,
    "github": github.render,
    "rdjsonl": rdjsonl.render,
    "gitlab": gitlab.render,
    "github-review": github_review.render,
    "msbuild": msbuild.render,
    "junit": junit.render,
    "azure": azure.render,
}
