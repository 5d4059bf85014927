"""``sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.

``tool.driver.rules`` documents every rule that ran (its docs, fix availability and
InfVerif codes) and the syntax codes; each result has its region (code-point columns,
``columnKind: unicodeCodePoints``) and, for ANSI and UTF-8 files, its fix as
``artifactChanges`` / ``replacements`` of the file as it is. UTF-16 files get no fixes:
tools such as reviewdog turn SARIF fixes into line suggestions, which GitHub cannot apply
to a file it treats as binary. Paths are relative to ``%SRCROOT%``, the working directory.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from infmigrate.diffs.unified import UTF16
from infmigrate.engine.fixer import Fixer
from infmigrate.engine.problems import SYNTAX_CODES
from infmigrate.output.base import Report, Shown, clean
from infmigrate.output.suggestions import fix_text_changes

__all__ = ["SCHEMA_URI", "render"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning"}
_ROOT = "%SRCROOT%"
#: IANA names of the encodings the decoder reports.
_IANA = {
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "utf-8": "UTF-8",
    "cp1252": "windows-1252",
}


def _summary(docs: str) -> str:
    """The first paragraph of a rule's "What it does" section."""
    text = docs.split("## What it does", 1)[-1].strip()
    return " ".join(text.split("\n\n", 1)[0].split())


def _rule(cls: type[Fixer]) -> dict[str, Any]:
    docs = cls.docs()
    return {
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": cls.message},
        "fullDescription": {"text": _summary(docs) or cls.message},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "fixAvailability": cls.availability.value,
            "infverif": list(cls.infverif),
            "tags": ["driver-package-isolation"],
        },
    }


def _syntax_rules() -> list[dict[str, Any]]:
    return [
        {
            "id": s.code,
            "name": s.name,
            "shortDescription": {"text": s.summary},
            "fullDescription": {"text": _summary(s.docs)},
            "help": {"text": s.docs, "markdown": s.docs},
            "defaultConfiguration": {"level": _LEVEL[s.severity]},
            "properties": {"fixAvailability": "none", "infverif": [], "tags": ["syntax"]},
        }
        for s in SYNTAX_CODES.values()
    ]


def _uri(path: str) -> str:
    return quote(path, safe="/:@!$&'()*+,;=-._~")


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _result(s: Shown, rule_index: dict[str, int], artifact: int) -> dict[str, Any]:
    d = s.diag
    location = {"uri": _uri(s.file.path), "uriBaseId": _ROOT}
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index[d.code],
        "level": _LEVEL.get(s.severity, "warning"),
        "message": {"text": clean(d.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {**location, "index": artifact},
                    "region": _region(d.line, d.column, *s.end),
                }
            }
        ],
        "partialFingerprints": {"infmigrate/v1": s.fingerprint},
    }
    if d.related:
        # the code that reads a value an INF line writes, or that line (issue 17)
        result["relatedLocations"] = [
            {
                "id": i,
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(path), "uriBaseId": _ROOT},
                    "region": {"startLine": line},
                },
                "message": {"text": clean(text)},
            }
            for i, (path, line, text) in enumerate(d.related)
        ]
    if d.fix is not None:
        result["properties"] = {"fixApplicability": d.fix.applicability.value}
        if s.file.encoding not in UTF16:
            replacements = [
                {
                    "deletedRegion": _region(
                        r.start_line, r.start_column, r.end_line, r.end_column
                    ),
                    "insertedContent": {"text": clean(r.content)},
                }
                for r in fix_text_changes(s.full_tree, d.fix).replacements()
            ]
            if replacements:
                result["fixes"] = [
                    {
                        "description": {"text": clean(d.fix.title)},
                        "artifactChanges": [
                            {"artifactLocation": location, "replacements": replacements}
                        ],
                    }
                ]
    return result


def to_log(report: Report) -> dict[str, Any]:
    rules = [_rule(r) for r in sorted(report.rules, key=lambda r: r.code)] + _syntax_rules()
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for s in report.shown:
        path = s.file.path
        if path not in artifact_index:
            artifact_index[path] = len(artifacts)
            artifacts.append(
                {
                    "location": {"uri": _uri(path), "uriBaseId": _ROOT},
                    "encoding": _IANA.get(s.file.encoding, s.file.encoding),
                }
            )
        results.append(_result(s, rule_index, artifact_index[path]))
    notifications = [
        {
            "level": "error",
            "message": {"text": clean(f"{f.path}: {f.error}")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path), "uriBaseId": _ROOT}
                    }
                }
            ],
        }
        for f in report.files
        if f.error
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "infmigrate",
                "version": report.version,
                "informationUri": "https://pypi.org/project/infmigrate/",
                "rules": rules,
            }
        },
        "invocations": [
            {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
        ],
        "columnKind": "unicodeCodePoints",
        "artifacts": artifacts,
        "results": results,
    }
    if report.root_uri:
        run["originalUriBaseIds"] = {_ROOT: {"uri": report.root_uri}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(to_log(report), indent=2, ensure_ascii=False) + "\n"
