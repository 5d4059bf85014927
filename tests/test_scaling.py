"""Work per finding does not grow with the line it is on (issue 18, defect 2).

Speed itself is measured by ``bench/scaling.py``, never by timed assertions; these tests
count the work that made a long line quadratic: printing the whole line for each finding.
"""

from __future__ import annotations

from unittest import mock

from infmigrate.engine.catalog import all_rules
from infmigrate.engine.edits import apply_edits
from infmigrate.engine.problems import SYNTAX_CODES
from infmigrate.engine.processing import FileOptions, process
from infmigrate.engine.syntax import Entry

_HEAD = (
    '[Version]\r\nSignature = "$WINDOWS NT$"\r\nClass = Sample\r\n'
    "ClassGuid = {78A1C341-4539-11d3-B88D-00C04FAD5171}\r\nProvider = %Mfg%\r\n"
    "DriverVer = 01/01/2026,1.0.0.0\r\n\r\n[DestinationDirs]\r\nDefaultDestDir = 12\r\n\r\n"
)


def _copyfiles_line(n: int) -> bytes:
    names = ",".join(f"L{i}" for i in range(n))
    return (
        _HEAD + f"[DefaultInstall.NTamd64]\r\nCopyFiles = {names}\r\n\r\n"
        '[Strings]\r\nMfg = "Sample"\r\n'
    ).encode("ascii")


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


def _lists_copied_to_drivers(n: int) -> bytes:
    """``n`` file lists, each with its own ``[DestinationDirs]`` entry to DIRID 12: one
    fixable ISO001 finding per list."""
    dirs = "".join(f"F{i} = 12\r\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    names = ",".join(f"F{i}" for i in range(n))
    lists = "".join(f"[F{i}]\r\nf{i}.sys\r\n\r\n" for i in range(n))
    head = _HEAD.replace("DefaultDestDir = 12\r\n", dirs)
    return (
        head
        + '[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + f"\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = {names}\r\n\r\n"
        + lists
        + '[Strings]\r\nMfg = "Sample"\r\n'
    ).encode("ascii")


def test_fix_text_changes_splits_the_original_once_per_tree() -> None:
    """The output formats ask for every fixable finding's text changes: the original's
    lines are split once for the tree, and only each fixed text once per fix, with the
    same changes as splitting it afresh."""
    from infmigrate.diffs.linediff import changes
    from infmigrate.output import suggestions

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    result = process(_lists_copied_to_drivers(40), "lists.inf", options, want_fix=True)
    fixable = [d for d in result.diagnostics if d.fix is not None]
    assert len(fixable) >= 40
    original = suggestions.physical_lines
    split: list[str] = []

    def counting(text: str) -> list[str]:
        split.append(text)
        return original(text)

    with mock.patch.object(suggestions, "physical_lines", counting):
        got = [suggestions.fix_text_changes(result.tree, d.fix) for d in fixable]
    assert split.count(result.tree.code) == 1
    assert len(split) == len(fixable) + 1
    old = original(result.tree.code)
    for d, text_changes in zip(fixable, got, strict=True):
        new = original(apply_edits(result.tree, d.fix.edits).code)
        assert text_changes.old == old and text_changes.new == new
        assert text_changes.changes == changes(old, new)
        assert text_changes.changes  # every fix changes something
