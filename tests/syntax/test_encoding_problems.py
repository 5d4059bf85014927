"""Encoding findings in ``InfFile.problems``: INF004 (a UTF-16 file with an odd byte
count) and INF005 (UTF-8 with non-ASCII text, which InfVerif rejects with 1003)."""

from __future__ import annotations

import pytest

import infmigrate

VERSION = '[Version]\r\nSignature="$WINDOWS NT$"\r\n'
STRINGS = '[Strings]\r\nDesc="Gerät"\r\n'


def _codes(data: bytes) -> list[tuple[str, str, int, int]]:
    return [(p.code, p.severity, p.line, p.column) for p in infmigrate.parse(data).problems]


def test_odd_utf16_is_an_error_and_still_round_trips() -> None:
    data = b"\xff\xfe" + VERSION.encode("utf-16-le") + b"\x0d"
    tree = infmigrate.parse(data)
    assert tree.to_bytes() == data
    assert _codes(data) == [("INF004", "error", 2, 25)]
    assert "0x0D" in tree.problems[0].message


def test_odd_utf16_without_final_newline_points_at_the_last_line() -> None:
    data = b"\xff\xfe" + "[Version]\r\nClass=Net".encode("utf-16-le") + b"\x00"
    assert _codes(data) == [("INF004", "error", 2, 10)]


def test_even_utf16_has_no_encoding_problem() -> None:
    data = b"\xff\xfe" + (VERSION + STRINGS).encode("utf-16-le")
    assert _codes(data) == []


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_utf8_with_non_ascii_text_is_a_warning_at_the_first_such_character(bom: bytes) -> None:
    data = bom + (VERSION + STRINGS).encode("utf-8")
    tree = infmigrate.parse(data)
    assert tree.encoding == "utf-8"
    assert _codes(data) == [("INF005", "warning", 4, 10)]
    assert "1003" in tree.problems[0].message and "'ä'" in tree.problems[0].message


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_ascii_only_utf8_is_not_warned(bom: bytes) -> None:
    assert _codes(bom + VERSION.encode("utf-8")) == []


def test_ansi_with_non_ascii_text_is_not_warned() -> None:
    data = (VERSION + STRINGS).encode("cp1252")
    assert infmigrate.parse(data).encoding == "cp1252"
    assert _codes(data) == []


def test_encoding_problem_sorted_among_syntax_problems() -> None:
    data = ('[Strings]\r\nA="é"\r\n[Bad\r\n').encode()
    assert [c for c, *_ in _codes(data)] == ["INF005", "INF001"]
