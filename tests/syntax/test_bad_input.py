"""Hostile and oversized input: binary junk, truncated UTF-16, very large files and lines.

Nothing here may raise anything but ``infmigrate.DecodeError``, hit a RecursionError,
or change a byte on the way back out.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import infmigrate
from tests.reference_reader import read as reference_read

from ._views import first_difference, parser_view


def _parse_round_trip(data: bytes):
    inf = infmigrate.parse(data)
    assert inf.to_bytes() == data
    return inf


def _entry_count(inf) -> int:
    return sum(len(section.entries) for section in inf.sections)


@pytest.mark.parametrize("seed", range(8))
def test_random_binary_named_inf(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    path = tmp_path / f"junk{seed}.inf"
    path.write_bytes(rng.randbytes(rng.choice([1, 2, 3, 255, 4096, 65537])))
    data = path.read_bytes()
    try:
        inf = infmigrate.parse(data)
    except infmigrate.DecodeError as exc:
        assert str(exc)
        return
    assert inf.to_bytes() == data


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_truncated_utf16(cut: int):
    """UTF-16LE cut short: an odd stray byte, or a surrogate pair cut in half."""
    full = b"\xff\xfe" + "[A]\r\nx=1\r\ny=\U0001f600".encode("utf-16-le")
    data = full[:-cut]
    inf = _parse_round_trip(data)
    assert inf.encoding == "utf-16-le"
    assert inf.bom is True
    assert [s.name for s in inf.sections] == ["A"]
    assert inf.sections[0].entries[0].values == ["1"]
    _, _, sections = reference_read(data)
    assert parser_view(inf) == sections


def test_utf16_odd_length_without_text():
    for data in (b"\xff\xfe\x00", b"\xfe\xff\x00", b"\xff\xfe" + "[A]".encode("utf-16-le") + b"["):
        inf = _parse_round_trip(data)
        assert inf.bom is True


def test_fifty_megabytes():
    block = (
        b"[Install.NT]\r\n"
        b'CopyFiles = Drivers_Dir, "Other, Files" ; comment\r\n'
        b'HKR,,Name,0x00010000,"%12%\\x.sys"\r\n'
        b"AddReg = a, \\\r\n"
        b"    b\r\n"
        b"\r\n"
    )
    repeats = 50 * 1024 * 1024 // len(block) + 1
    data = block * repeats
    inf = _parse_round_trip(data)
    assert len(inf.sections) == repeats
    assert _entry_count(inf) == 3 * repeats
    assert inf.sections[-1].entries[-1].values == ["a", "b"]
    assert inf.sections[-1].entries[-1].line == 6 * repeats - 2


def test_single_one_megabyte_line():
    value = "x" * (1024 * 1024)
    data = f"[A]\r\nkey = {value}\r\n".encode("ascii")
    inf = _parse_round_trip(data)
    assert [(e.key, e.values) for e in inf.sections[0].entries] == [("key", [value])]


def test_single_one_megabyte_line_of_fields():
    fields = [f"f{i}" for i in range(150_000)]
    line = ",".join(fields)
    assert len(line) > 1024 * 1024
    data = b"[A]\n" + line.encode("ascii")  # no final newline either
    inf = _parse_round_trip(data)
    (entry,) = inf.sections[0].entries
    assert entry.key is None
    assert entry.values == fields


def test_hundred_thousand_lines():
    lines = []
    for i in range(100_000):
        lines.append(f"[S{i}]" if i % 100 == 0 else f"k{i} = v{i} ; c")
    data = "\n".join(lines).encode("ascii")
    inf = _parse_round_trip(data)
    assert len(inf.sections) == 1000
    assert _entry_count(inf) == 99_000
    last = inf.sections[-1].entries[-1]
    assert (last.line, last.key, last.values) == (100_000, "k99999", ["v99999"])


def test_one_section_with_hundred_thousand_entries():
    body = "".join(f"HKR,,Value{i},0x10001,{i}\r\n" for i in range(100_000))
    data = b"\xff\xfe" + f"[AddReg]\r\n{body}".encode("utf-16-le")
    inf = _parse_round_trip(data)
    (section,) = inf.sections
    assert len(section.entries) == 100_000
    entry = section.entries[54321]
    assert (entry.line, entry.key, entry.values) == (
        54323,
        None,
        ["HKR", "", "Value54321", "0x10001", "54321"],
    )


def test_hundred_thousand_continuation_lines():
    """One logical line spread over 100k physical lines (deep joins must not recurse)."""
    data = b"[A]\nkey = " + b"a,\\\n" * 100_000 + b"end\n"
    inf = _parse_round_trip(data)
    (entry,) = inf.sections[0].entries
    assert (entry.line, entry.key) == (2, "key")
    assert entry.values == ["a"] * 100_000 + ["end"]


def test_hundred_thousand_problem_lines():
    """Many error lines (unclosed headers) are reported, not raised."""
    data = b"[A]\n" + b"[broken\n" * 100_000
    inf = _parse_round_trip(data)
    assert [s.name for s in inf.sections] == ["A"]
    assert len([p for p in inf.problems if p.severity == "error"]) == 100_000


def test_reader_agrees_on_large_mixed_file():
    rng = random.Random(7)
    pieces = ["[S]", "a=b", 'k = "q,;" , x', "t \\", "  u", "; c", "", "[T] x", "%1%\\y"]
    text = "\r\n".join(rng.choice(pieces) for _ in range(20_000))
    data = text.encode("cp1252")
    inf = _parse_round_trip(data)
    _, _, sections = reference_read(data)
    actual = parser_view(inf)
    assert actual == sections, first_difference(actual, sections)
