"""Issue 18: long entry lines are read a field at a time (``builder._build_long``)."""

from __future__ import annotations

import gc
import random
import tracemalloc
from unittest import mock

from infmigrate.engine.syntax import InfFile, builder, clear_memo, parse
from infmigrate.engine.syntax.builder import LONG_SHAPE, LONG_TEXT, _build, _build_long

#: Pieces of generated lines: text, quoted runs (closed, unclosed, with commas), blanks,
#: '=', commas, literal backslashes, continuations, a comment.
_PIECES = [
    "a",
    "L12",
    "b c",
    '"q,x"',
    '"un',
    '""',
    " ",
    "\t",
    "=",
    ",",
    ", ",
    " ,",
    "\\x",
    "%12%\\f.sys",
    "\\",
    "\\ ;c\r\n  ",
    ";c",
]


def _lines(seed: int, count: int, most: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, most))) for _ in range(count)]


def test_a_long_line_read_a_field_at_a_time_gives_what_the_whole_line_reading_gives() -> None:
    """The same prototype as ``_build`` (the grammar on short shapes, ``_entry_plan`` on long
    ones), for every line ``_build_long`` reads; on short lines too, so that the grammar
    itself is the reference."""
    read = 0
    for text in _lines(18, 3000, 30) + _lines(19, 600, 500):
        proto = _build_long(text, min_tokens=0)
        if proto is not None:
            read += 1
            assert proto == _build(text), repr(text)
    assert read > 1000  # most generated lines are entries it reads


def test_long_copyfiles_line_is_read_a_field_at_a_time() -> None:
    names = ",".join(f"L{i}" for i in range(5000))
    for text in (
        f"CopyFiles = {names}",
        f"  CopyFiles= {names} ; comment",
        f"{names}",
        f" , {names} ,",
        f'HKR,,"a,b",,{names},"un',
    ):
        assert len(text) >= LONG_TEXT
        proto = _build_long(text)
        assert proto is not None and proto == _build(text), text[:40]


def test_what_is_not_a_long_entry_is_left_to_build() -> None:
    assert _build_long("[" + "x" * LONG_TEXT + "]") is None  # a header
    assert _build_long(" " * LONG_TEXT) is None  # trivia
    assert _build_long("; " + "x" * LONG_TEXT) is None  # trivia
    assert _build_long("a" * LONG_TEXT + " = 1") is None  # fewer than LONG_SHAPE tokens
    many = ",".join(["a"] * LONG_SHAPE)
    assert _build_long(many + ";c;d\r\nx") is None  # an 'x' token: unparsable
    assert _build_long(many) is not None


def _cold_parse_peak(data: bytes) -> tuple[InfFile, int]:
    """The tree of ``data`` and the tracemalloc peak of parsing it with an empty memo."""
    clear_memo()
    gc.collect()
    tracemalloc.start()
    try:
        tree = parse(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        clear_memo()
    return tree, peak


def test_a_long_line_costs_no_token_list() -> None:
    """The whole line is never lexed into a list of tokens, and the parse's peak memory is
    a few times the line (it was 85 times)."""
    names = ",".join(f"L{i}" for i in range(13_000))
    data = f"[DefaultInstall]\r\nCopyFiles = {names}\r\n".encode()
    with mock.patch.object(builder, "lex", side_effect=AssertionError("lexed whole")):
        tree, peak = _cold_parse_peak(data)
    assert tree.to_bytes() == data
    (entry,) = tree.sections[0].entries
    assert entry.key == "CopyFiles" and len(entry.values) == 13_000
    assert entry.values[-1] == "L12999" and entry.fields[-1].code == "L12999"
    assert peak < 25 * len(data), peak / len(data)


def test_a_second_parse_of_the_same_lines_shares_them_with_the_first() -> None:
    """The re-parse of a fixed file shares every line the fixes left alone with the first
    tree, through the memo: however many distinct lines the file has (a memo bounded per
    parse made the fix stage hold a second copy of the tree)."""
    count = 5000
    data = ("[R]\n" + "".join(f"HKR,,V{i},,%S{i}%\n" for i in range(count))).encode()
    clear_memo()
    first = parse(data).sections[0].entries
    second = parse(data).sections[0].entries
    clear_memo()
    assert len(first) == len(second) == count
    assert all(a[0] is b[0] and a[2] is b[2] for a, b in zip(first, second, strict=True))


def test_lines_of_one_parse_share_equal_spans() -> None:
    data = b"[R]\r\n" + b"".join(b"HKR,,V%d,0x00010001,%%S%d%%\r\n" % (i, i) for i in range(20))
    clear_memo()
    entries = parse(data).sections[0].entries
    clear_memo()
    first, other, shorter = entries[11], entries[12], entries[9]  # V11, V12; V9
    assert first.values == ["HKR", "", "V11", "0x00010001", "%S11%"]
    assert first[1] is other[1]  # the same layout: the same spans object
    assert first[1] is not shorter[1] and first[1] != shorter[1]
    # and equal values too: one "HKR" and one "0x00010001" for the parse
    assert first[2][0] is other[2][0] is shorter[2][0]
    assert first[2][3] is other[2][3] is shorter[2][3]
    assert first[0] is not other[0] and first.fields[2].value == "V11"
    assert other.fields[2].value == "V12" and other.fields[4].code == "%S12%"


def test_the_lines_of_a_large_file_are_not_all_held_at_once() -> None:
    """Issue 18: the physical lines are split a chunk at a time: the parse of many small
    sections peaked at 40 times the file (a list of every line held to the end), now 30."""
    data = "".join(f"[S{i}]\nx=1\n" for i in range(100_000, 130_000)).encode()
    tree, peak = _cold_parse_peak(data)
    assert len(tree.sections) == 30_000 and tree.to_bytes() == data
    assert peak < 33 * len(data), peak / len(data)


def test_chunked_splitting_gives_every_line_with_its_terminator_and_number() -> None:
    from infmigrate.engine.syntax import lines

    rnd = random.Random(5)
    for size in (1, 2, 3, 7, 64):
        with mock.patch.object(lines, "CHUNK", size):
            for _ in range(500):
                newline = rnd.choice(["\r\n", "\n", "\r"])
                parts = ["a", "bb", newline, newline, " ", "x" * 7]
                text = "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 40)))
                physical, terminators = lines._split_physical(text)
                expected = list(
                    zip(physical, terminators, range(1, len(physical) + 1), strict=True)
                )
                assert [tuple(x) for x in lines.logical_lines(text)] == expected, repr(text)
