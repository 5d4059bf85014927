"""Work per finding does not grow with the line it is on (issue 18, defect 2).

Speed itself is measured by ``bench/scaling.py``, never by timed assertions; these tests
count the work that made a long line quadratic: printing the whole line for each finding.
"""

from __future__ import annotations

from unittest import mock

from infmigrate.problems import SYNTAX_CODES
from infmigrate.processing import FileOptions, process
from infmigrate.registry import all_rules
from infmigrate.syntax import Entry

_HEAD = ('[Version]\r\nSignature = "$WINDOWS NT$"\r\nClass = Sample\r\n'
         "ClassGuid = {78A1C341-4539-11d3-B88D-00C04FAD5171}\r\nProvider = %Mfg%\r\n"
         "DriverVer = 01/01/2026,1.0.0.0\r\n\r\n[DestinationDirs]\r\nDefaultDestDir = 12\r\n\r\n")


def _copyfiles_line(n: int) -> bytes:
    names = ",".join(f"L{i}" for i in range(n))
    return (_HEAD + f"[DefaultInstall.NTamd64]\r\nCopyFiles = {names}\r\n\r\n"
            '[Strings]\r\nMfg = "Sample"\r\n').encode("ascii")


def _printed_long_lines(n: int) -> tuple[int, int]:
    """(findings on the CopyFiles line, times that line was printed) for ``n`` names."""
    original = Entry._codegen
    printed = 0

    def counting(self: Entry, out: list[str]) -> None:
        nonlocal printed
        if len(self.fields) >= n:
            printed += 1
        original(self, out)

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    with mock.patch.object(Entry, "_codegen", counting):
        result = process(_copyfiles_line(n), "long.inf", options, want_fix=True, want_diff=True)
    assert not result.error
    on_line = sum(1 for d in result.diagnostics if d.line == 12)
    return on_line, printed


def test_a_long_line_is_printed_a_bounded_number_of_times() -> None:
    findings, printed = _printed_long_lines(300)
    assert findings >= 300  # one finding per list name: the shape that was quadratic
    # printed for the file's text, the diff, and once per rule that reports on it, not
    # once per finding
    assert printed < 30
    assert _printed_long_lines(600)[1] == printed
