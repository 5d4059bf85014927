"""Unified diffs that apply byte for byte, checked with unidiff."""

from __future__ import annotations

import shutil
import subprocess
import tracemalloc
from pathlib import Path
from typing import SupportsIndex

import pytest

import infmigrate
from infmigrate.diffs import linediff
from infmigrate.diffs.unified import (
    DiffError,
    TextLines,
    make_diff,
    split_lines,
    unified_diff,
    verify,
)
from infmigrate.engine.catalog import rule
from infmigrate.engine.processing import FileOptions, process

from .conftest import FIXED_SAMPLE, ISO015, SAMPLE, cli


def _apply(old: bytes, diff: bytes) -> bytes:
    """A small patch(1): apply a unified diff of one file to its bytes."""
    from unidiff import PatchSet

    patch = PatchSet(diff.decode("latin-1"))[0]
    src = split_lines(old.decode("latin-1"))
    out: list[str] = []
    pos = 0
    for hunk in patch:
        start = hunk.source_start - (1 if hunk.source_length else 0)
        out += src[pos:start]
        lines = list(hunk)
        for i, line in enumerate(lines):
            value = line.value
            if i + 1 < len(lines) and lines[i + 1].line_type == "\\":
                value = value[:-1]
            if line.line_type in " +":
                out.append(value)
        pos = start + hunk.source_length
    out += src[pos:]
    return "".join(out).encode("latin-1")


CASES = {
    "crlf": (b"a\r\nb\r\nc\r\n", b"a\r\nb\r\nB\r\nc\r\n"),
    "lf": (b"a\nb\nc\n", b"a\nc\n"),
    "mixed": (b"a\r\nb\nc\rd\r\n", b"a\r\nb\nx\r\nc\rd\r\n"),
    "no final newline": (b"a\r\nb", b"a\r\nb\r\nc"),
    "newline added": (b"a\nb", b"a\nb\n"),
    "bom and high bytes": (b"\xef\xbb\xbfa\r\n\xe9\x81\r\n", b"\xef\xbb\xbfz\r\n\xe9\x81\r\n"),
    "empty": (b"", b"[Version]\r\n"),
    "to empty": (b"x\n", b""),
}


@pytest.mark.parametrize("case", CASES)
def test_diff_applies_to_the_exact_bytes(case: str) -> None:
    old, new = CASES[case]
    fd = make_diff(old, new, "", "", "dir/f.inf", "cp1252")
    assert fd is not None
    assert fd.output.startswith(b"--- a/dir/f.inf\n+++ b/dir/f.inf\n@@ ")
    assert _apply(old, fd.output) == new


def test_unchanged_file_has_no_diff() -> None:
    assert make_diff(b"x\r\n", b"x\r\n", "", "", "f.inf", "cp1252") is None


def test_no_newline_marker_and_minimal_hunk() -> None:
    fd = make_diff(b"a\nb\nc\nd\ne\nf", b"a\nb\nc\nd\ne\nf\ng", "", "", "f.inf", "cp1252")
    assert fd is not None
    assert fd.output.decode() == (
        "--- a/f.inf\n+++ b/f.inf\n@@ -3,4 +3,5 @@\n c\n d\n e\n-f\n"
        "\\ No newline at end of file\n+f\n+g\n\\ No newline at end of file\n"
    )


def test_path_with_blanks_gets_a_tab_as_git_writes_it() -> None:
    fd = make_diff(b"a\n", b"b\n", "", "", "my dir/f.inf", "cp1252")
    assert fd is not None and fd.output.startswith(b"--- a/my dir/f.inf\t\n")
    assert fd.patch.path == "my dir/f.inf"


def test_utf16_diff_is_commented_text_and_a_binary_patch() -> None:
    old_text, new_text = "[Version]\r\nClass=Net\r\n", "[Version]\r\nClass=Net\r\nX=1\r\n"
    old = b"\xff\xfe" + old_text.encode("utf-16-le")
    new = b"\xff\xfe" + new_text.encode("utf-16-le")
    fd = make_diff(old, new, old_text, new_text, "w.inf", "utf-16-le")
    assert fd is not None and fd.is_utf16 and fd.applies
    text = fd.output.decode("utf-8")
    comments, patch = text.split("diff --git ", 1)
    lines = comments.splitlines()
    assert all(line.startswith("# ") for line in lines)
    assert "# +X=1" in lines
    assert patch.startswith("a/w.inf b/w.inf\nindex ") and "\nGIT binary patch\nliteral " in patch


def test_verify_rejects_a_wrong_diff() -> None:
    a, b = ["x\n", "y\n"], ["x\n", "z\n"]
    diff = unified_diff(a, b, "f.inf")
    verify(diff, a, b, "f.inf")
    with pytest.raises(DiffError):
        verify(diff, a, ["x\n", "q\n"], "f.inf")
    with pytest.raises(DiffError):
        verify(diff.replace("@@ -1,2", "@@ -1,3"), a, b, "f.inf")


def test_20000_line_inf_with_one_fix_diffs_minimally_without_difflib(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = "".join(
        f"HKR,,Value{i % 7},0x00010001,1\r\n" if i % 4 else "\r\n" for i in range(20_000)
    )
    data = (
        '[Version]\r\nSignature = "$Windows NT$"\r\nCatalogFile = big.cat\r\n'
        "[Big.AddReg]\r\n" + body
    ).encode("ascii")
    tree = infmigrate.parse(data)
    options = FileOptions((rule("ISO015"),), frozenset())
    result = process(data, "big.inf", options, want_fix=True)
    assert result.diff is not None and not result.error
    # (issue 18) the result keeps the diff's output, not its parsed lines
    assert result.diff.patch is None and result.diff_output == result.diff.output
    # The bounded shortest-edit search handles it: difflib's fallback (and its autojunk,
    # which turns repetitive lines into thousands of changes) is never reached.
    monkeypatch.setattr(linediff.difflib, "SequenceMatcher", None)
    fd = make_diff(data, result.fixed or b"", tree.code, "", "big.inf", "cp1252")
    assert fd is not None
    (hunk,) = fd.patch
    assert (hunk.added, hunk.removed) == (1, 0)


def test_a_newline_in_a_file_name_is_quoted_as_git_does(tmp_path: Path) -> None:
    """A name with a newline (or a quote or backslash) is C-quoted in the headers, as git
    writes it: unquoted, the newline ended the header line and the diff did not parse back
    (an internal error; found by tests/cli/test_faults.py)."""
    from infmigrate.diffs.unified import header

    assert header('a"b\\c.inf') == '--- "a/a\\"b\\\\c.inf"\n+++ "b/a\\"b\\\\c.inf"\n'
    (tmp_path / "new\nline.inf").write_bytes(SAMPLE)
    res = cli(*ISO015, "--no-cache", "--diff", ".", cwd=tmp_path)
    assert res.status == 1, res.stderr
    assert res.stdout.decode().startswith('--- "a/new\\nline.inf"\n+++ "b/new\\nline.inf"\n')
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
        subprocess.run(["git", "apply"], cwd=tmp_path, input=res.stdout, check=True)
        assert (tmp_path / "new\nline.inf").read_bytes() == FIXED_SAMPLE


def test_verify_reads_text_lines_as_spans_and_rejects_a_wrong_diff() -> None:
    a, b = "x\ny\nz\nend\n", "x\nw\nz\nend\n"
    diff = unified_diff(split_lines(a), split_lines(b), "f.inf", context=0)
    verify(diff, TextLines(a), TextLines(b), "f.inf")
    for wrong in ("x\nw\nq\nend\n", "x\nw\nz\nend\nmore\n", "x\nw\nz\n", "q\nw\nz\nend\n"):
        with pytest.raises(DiffError, match="does not give the fixed file"):
            verify(diff, TextLines(a), TextLines(wrong), "f.inf")
    with pytest.raises(DiffError, match="does not match the file"):
        verify(diff, TextLines("x\nq\nz\nend\n"), TextLines(b), "f.inf")


def test_text_lines_are_the_split_lines() -> None:
    text = "a\nbb\r\n\nc\rd\nlast"
    lines = TextLines(text)
    assert len(lines) == 5 and list(lines) == split_lines(text)
    assert lines[1:3] == ["bb\r\n", "\n"] and lines[-1] == "last" and lines[0] == "a\n"
    assert lines[4:2] == [] and lines[3:99] == ["c\rd\n", "last"]


class _CountedText(str):
    """A text that counts the characters its ``count`` calls look at."""

    looked = 0

    def count(
        self, sub: str, start: SupportsIndex | None = None, end: SupportsIndex | None = None
    ) -> int:  # type: ignore[override]
        first = 0 if start is None else int(start)
        last = len(self) if end is None else int(end)
        _CountedText.looked += max(0, last - first)
        return str.count(self, sub, first, last)


def test_text_lines_read_in_order_look_at_each_character_a_bounded_number_of_times() -> None:
    # Issue 18: reading the next line counted the newlines of a 64 KB block, for each
    # line a diff of thousands of hunks reads (quadratic until the file passes 64 KB).
    text = _CountedText("".join(f"line {i}\n" for i in range(20_000)))
    lines = TextLines(text)
    _CountedText.looked = 0
    assert [lines[i] for i in range(0, 20_000, 3)] == [f"line {i}\n" for i in range(0, 20_000, 3)]
    assert _CountedText.looked < 3 * len(text)
    assert lines[19_999] == "line 19999\n" and lines[5] == "line 5\n"  # far, then back


def test_the_diff_of_one_change_in_a_big_file_makes_no_list_of_its_lines() -> None:
    old = "".join(f"HKR,,V{i},,%S{i}%\r\n" for i in range(20_000)).encode()
    new = old.replace(b"HKR,,V7000,", b"HKR,,W7000,")
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        held = tracemalloc.get_traced_memory()[0]
        diff = make_diff(old, new, "", "", "f.inf", "cp1252")
        peak = tracemalloc.get_traced_memory()[1] - held
    finally:
        tracemalloc.stop()
    assert diff is not None and diff.output.count(b"\n-") == 1
    # the two texts (latin-1) and the few lines around the change; a list of each
    # version's lines was 7x the file
    assert peak < 3 * len(old), f"{peak / len(old):.1f}x the file"
