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

from infmigrate.output.base import Report, Shown, clean

__all__ = ["render"]

#: Characters XML 1.0 cannot hold at all (a lone surrogate is already U+FFFD by `clean`).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", clean(text))


def render(report: Report) -> str:
    root = ET.Element("testsuites", name="infmigrate")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    by_file: dict[int, list[Shown]] = {}
    for s in report.shown:
        by_file.setdefault(id(s.file), []).append(s)
    for file in report.files:
        path = _text(file.path)
        suite = ET.SubElement(root, "testsuite", name=path)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if file.error:
            case = ET.SubElement(suite, "testcase", name="infmigrate", classname=path)
            ET.SubElement(case, "error", message=_text(file.error))
            counts["tests"] = counts["errors"] = 1
        elif file.skipped:
            case = ET.SubElement(suite, "testcase", name="infmigrate", classname=path)
            ET.SubElement(case, "skipped", message=_text(file.skipped))
            counts["tests"] = counts["skipped"] = 1
        elif not by_file.get(id(file)):
            ET.SubElement(suite, "testcase", name="no findings", classname=path)
            counts["tests"] = 1
        else:
            for s in by_file[id(file)]:
                d = s.diag
                where = f"line {d.line}, column {d.column}"
                case = ET.SubElement(suite, "testcase", name=f"{d.code} ({where})", classname=path)
                failure = ET.SubElement(case, "failure", type=d.code, message=_text(d.message))
                failure.text = f"{path}:{d.line}:{d.column}: {d.code} {_text(d.message)}"
                counts["tests"] += 1
                counts["failures"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
