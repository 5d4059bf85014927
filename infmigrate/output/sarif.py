"""``sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.

``tool.driver.rules`` documents every rule that ran (its docs, fix availability and
InfVerif codes) and the syntax codes; each result has its region (code-point columns,
``columnKind: unicodeCodePoints``) and its fix as ``artifactChanges`` / ``replacements`` of
the file as it is (SARIF 2.1.0 §3.55-3.57, https://docs.oasis-open.org/sarif/sarif/v2.1.0/):

* in an ANSI or UTF-8 file, a text region (whole lines: ``startLine``/``startColumn`` to
  ``endLine``/``endColumn``) and ``insertedContent.text``; a replacement whose text holds
  bytes the file's encoding cannot decode (kept by the lossless decoder) is given as for
  UTF-16;
* in a UTF-16 file, a *binary* region (``byteOffset``/``byteLength``, from the start of
  the file, BOM included) and ``insertedContent.binary``, "Base64-encoded content ... from a
  text artifact in its original encoding" (the schema's words): bytes a consumer splices
  in as they are, whatever it thinks of the file's encoding. (Line suggestions, which
  reviewdog makes from text regions, would not apply to a file GitHub treats as binary.)

Several findings can share one fix (one joint change, such as the lists of a
``CopyFiles`` line whose files all move, renamed together): the first result of the
fix carries it in ``fixes``; each later one has no ``fixes`` and
``properties.sameFixAs``, the index in ``run.results`` of the result that carries it, so
that the fix is given (and applied) once (issue 18: a fix shared by N findings was given
N times, an output quadratic in the findings).

Lines are counted as the parser counts them, a lone CR ending a line: when a file of the
run has one, ``run.newlineSequences`` says so (``["\r\n", "\n", "\r"]``; the default,
``["\r\n", "\n"]``, would put a consumer one line off after it).

GitHub code scanning rejects a run with more than 25,000 results ("SARIF results exceed
one or more limits", https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit:
"Results per run: 25,000"): past :data:`MAX_RESULTS`, errors are kept before warnings, in
file order, and a ``toolExecutionNotifications`` entry (and a warning on stderr) says how
many were left out. Paths are relative to ``%SRCROOT%``, the working directory.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from infmigrate.diffs.fixtext import Replacement
from infmigrate.diffs.unified import UTF16
from infmigrate.engine.fixer import Fixer
from infmigrate.engine.problems import SYNTAX_CODES
from infmigrate.engine.syntax.decoding import encode
from infmigrate.output.base import Report, Shown, clean
from infmigrate.output.jsonstream import ITEMS, streamed

__all__ = ["MAX_RESULTS", "SCHEMA_URI", "chunks", "render", "to_log"]

#: The most results GitHub code scanning accepts in one run.
MAX_RESULTS = 25_000
#: ``run.newlineSequences`` when a lone CR ends a line somewhere in the run.
LONE_CR_NEWLINES = ["\r\n", "\n", "\r"]

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


def _replacement(r: Replacement, region: tuple[int, int] | None, encoding: str) -> dict[str, Any]:
    if region is None:
        return {
            "deletedRegion": _region(r.start_line, r.start_column, r.end_line, r.end_column),
            "insertedContent": {"text": r.content},
        }
    data = encode(r.content, encoding, False)
    return {
        "deletedRegion": {"byteOffset": region[0], "byteLength": region[1]},
        "insertedContent": {"binary": base64.b64encode(data).decode("ascii")},
    }


def _fixes(s: Shown, location: dict[str, Any]) -> list[dict[str, Any]]:
    d = s.diag
    assert d.fix is not None
    text = d.fix.text
    if text is None:
        return []
    utf16 = s.file.encoding in UTF16
    replacements = []
    for k, r in enumerate(text.replacements):
        # text that is not what the file holds (undecodable bytes): as bytes
        binary = utf16 or clean(r.content) != r.content
        region = text.byte_regions[k] if binary and text.byte_regions is not None else None
        replacements.append(_replacement(r, region, s.file.encoding))
    if not replacements:
        return []
    return [
        {
            "description": {"text": clean(d.fix.title)},
            "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
        }
    ]


def _result(
    s: Shown,
    rule_index: dict[str, int],
    artifact: int,
    carriers: dict[int, int | None],
    index: int,
    together: bool = True,
) -> dict[str, Any]:
    """The result of one finding, ``index`` in ``run.results``. ``carriers``: the fixes
    given so far (by id: the report keeps them all), each with the index of the result
    carrying it (None: it changes nothing); a finding sharing one of them gets
    ``properties.sameFixAs`` instead of the fix again."""
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
        if not together:
            return result
        if id(d.fix) not in carriers:
            fixes = _fixes(s, location)
            if fixes:
                result["fixes"] = fixes
            carriers[id(d.fix)] = index if fixes else None
        elif (carrier := carriers[id(d.fix)]) is not None:
            result["properties"]["sameFixAs"] = carrier
    return result


def _capped(shown: list[Shown]) -> list[Shown]:
    """At most :data:`MAX_RESULTS`: errors first, then warnings, each in file order."""
    if len(shown) <= MAX_RESULTS:
        return shown
    order = sorted(range(len(shown)), key=lambda i: (shown[i].severity != "error", i))
    return [shown[i] for i in sorted(order[:MAX_RESULTS])]


def _document(
    report: Report, rules: list[dict[str, Any]], kept: list[Shown], results: Any
) -> dict[str, Any]:
    """The log of the findings ``kept`` (:func:`_capped`), with ``results`` as its run's
    results (made by :func:`_results`)."""
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    shown = report.shown
    lone_cr = False
    for s in kept:
        path = s.file.path
        if path not in artifact_index:
            artifact_index[path] = len(artifacts)
            artifacts.append(
                {
                    "location": {"uri": _uri(path), "uriBaseId": _ROOT},
                    "encoding": _IANA.get(s.file.encoding, s.file.encoding),
                }
            )
            lone_cr = lone_cr or s.file.lone_cr
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
    warnings: list[dict[str, Any]] = []
    if len(kept) < len(shown):
        note = (
            f"{len(shown) - len(kept)} of {len(shown)} results left out: GitHub code scanning "
            f"rejects a run with more than {MAX_RESULTS:,} results. Errors were kept first; "
            "run infmigrate on fewer files, or with fewer rules selected, to see the rest."
        )
        report.notes.append(f"sarif: {note}")
        warnings.append({"level": "warning", "message": {"text": note}})
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "infmigrate",
                "version": report.version,
                "rules": rules,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications + warnings,
            }
        ],
        "columnKind": "unicodeCodePoints",
        **({"newlineSequences": LONE_CR_NEWLINES} if lone_cr else {}),
        "artifacts": artifacts,
        "results": results,
    }
    if report.root_uri:
        run["originalUriBaseIds"] = {_ROOT: {"uri": report.root_uri}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _results(
    report: Report, rules: list[dict[str, Any]], kept: list[Shown]
) -> Iterator[dict[str, Any]]:
    """The run's results, one at a time, in the order :func:`_document` lists the
    artifacts (that of the findings kept)."""
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    artifact_index: dict[str, int] = {}
    carriers: dict[int, int | None] = {}
    for index, s in enumerate(kept):
        artifact = artifact_index.setdefault(s.file.path, len(artifact_index))
        together = s.diag.fix is not None and report.offered_together(s.file, s.diag)
        yield _result(s, rule_index, artifact, carriers, index, together)


def _rules_and_kept(report: Report) -> tuple[list[dict[str, Any]], list[Shown]]:
    rules = [_rule(r) for r in sorted(report.rules, key=lambda r: r.code)] + _syntax_rules()
    return rules, _capped(report.shown)


def to_log(report: Report) -> dict[str, Any]:
    rules, kept = _rules_and_kept(report)
    return _document(report, rules, kept, list(_results(report, rules, kept)))


def chunks(report: Report) -> Iterator[str]:
    """The log in pieces, one result at a time (see
    :mod:`~infmigrate.output.jsonstream`)."""
    rules, kept = _rules_and_kept(report)
    yield from streamed(_document(report, rules, kept, ITEMS), _results(report, rules, kept))
    yield "\n"


def render(report: Report) -> str:
    return "".join(chunks(report))
