"""``junit``: JUnit XML, for the test dashboards of CI services (GitLab's
``artifacts:reports:junit``, Azure Pipelines' PublishTestResults, Jenkins' junit step).

One ``<testsuite>`` per file checked, named after the file, holding one failing
``<testcase>`` per finding (``<failure type="ISO015" message="...">`` with the
position in its text; ruff's ``junit`` output has the same shape), or, for a file with
no findings, one passing test case, so that a dashboard shows clean files as passed.
A file that could not be processed is an ``<error>``, a file skipped on purpose (EDK II,
Windows 9x-only, too large) a ``<skipped>`` test case. Only the elements and attributes
of the common JUnit schema are used (``testsuites``/``testsuite`` with ``name``,
``tests``, ``failures``, ``errors``, ``skipped``; ``testcase`` with ``name`` and
``classname``), as pytest's default ``xunit2`` family does, so strict readers accept it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from infmigrate.engine.processing import FileResult
from infmigrate.output.base import Report, Shown, clean

__all__ = ["chunks", "render"]

#: Characters XML 1.0 cannot hold at all (a lone surrogate is already U+FFFD by `clean`).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", clean(text))


def _counts(file: FileResult, shown: list[Shown]) -> dict[str, int]:
    if file.error:
        return {"tests": 1, "failures": 0, "errors": 1, "skipped": 0}
    if file.skipped:
        return {"tests": 1, "failures": 0, "errors": 0, "skipped": 1}
    return {"tests": max(len(shown), 1), "failures": len(shown), "errors": 0, "skipped": 0}


def _suite(file: FileResult, shown: list[Shown]) -> ET.Element:
    """A file's ``<testsuite>``, indented as the second level of the document."""
    path = _text(file.path)
    suite = ET.Element("testsuite", name=path)
    if file.error:
        case = ET.SubElement(suite, "testcase", name="infmigrate", classname=path)
        ET.SubElement(case, "error", message=_text(file.error))
    elif file.skipped:
        case = ET.SubElement(suite, "testcase", name="infmigrate", classname=path)
        ET.SubElement(case, "skipped", message=_text(file.skipped))
    elif not shown:
        ET.SubElement(suite, "testcase", name="no findings", classname=path)
    else:
        for s in shown:
            d = s.diag
            where = f"line {d.line}, column {d.column}"
            case = ET.SubElement(suite, "testcase", name=f"{d.code} ({where})", classname=path)
            failure = ET.SubElement(case, "failure", type=d.code, message=_text(d.message))
            failure.text = f"{path}:{d.line}:{d.column}: {d.code} {_text(d.message)}"
    for key, value in _counts(file, shown).items():
        suite.set(key, str(value))
    ET.indent(suite, space="  ", level=1)
    return suite


def _tag(element: ET.Element) -> str:
    return ET.tostring(element, encoding="unicode", short_empty_elements=True)


def chunks(report: Report) -> Iterator[str]:
    """The document in pieces, a file's ``<testsuite>`` at a time (issue 18: the tree of
    every finding of a large run was built whole): the totals on the root come first,
    counted before any suite is made."""
    root = ET.Element("testsuites", name="infmigrate")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for file in report.files:
        for key, value in _counts(file, report.shown_in(file)).items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    if not report.files:
        yield _tag(root) + "\n"
        return
    root.text = _SPLIT
    opening, closing = _tag(root).split(_SPLIT)
    yield opening
    for file in report.files:
        yield "\n  " + _tag(_suite(file, report.shown_in(file)))
    yield "\n" + closing + "\n"


#: Text that cannot be in a tag, where the root's children go.
_SPLIT = "\x01"


def render(report: Report) -> str:
    return "".join(chunks(report))
