"""An entry is its line's text and packed spans (issue 18): the parser and the node's own
constructor must store the same text and spans for the same parts, for lines of every
length (one, two and four bytes an offset)."""

from __future__ import annotations

import pytest

from infmigrate.engine.syntax import Entry, parse
from infmigrate.engine.syntax.nodes import RELATIVE_FROM
from tests.corpus import CORPUS, corpus_files, needs_corpus


def _rebuilt(entry: Entry) -> Entry:
    return Entry(entry.fields, entry.key_node, entry.indent, entry.comment, entry.newline, 7)


def _check(entry: Entry) -> None:
    # (the flag alone, read without unpacking the spans, for every width of offsets)
    assert entry.has_key is (entry.key_node is not None)
    again = _rebuilt(entry)
    assert again == entry
    assert again[0] == entry[0] and again[1] == entry[1] and again[2] == entry[2]
    assert (
        entry.indent
        + (entry.key_node.code if entry.key_node else "")
        + "".join(f.code for f in entry.fields)
        + entry.comment
        == entry[0]
    )


@pytest.mark.parametrize(("names", "width"), [(10, 1), (100, 2), (900, 2), (20_000, 1)])
def test_long_lines_pack_wider_offsets(names: int, width: int) -> None:
    # one byte an offset below 256 characters, two below RELATIVE_FROM, then one byte a
    # part's length (every part is short here)
    line = "  CopyFiles = " + ", ".join(f'"L{i}"' for i in range(names)) + " ; end"
    assert width == (1 if len(line) < 256 else 2 if len(line) < RELATIVE_FROM else 1)
    tree = parse(f"[S]\r\n{line}\r\n".encode())
    entry = tree.sections[0].entries[0]
    assert entry.key == "CopyFiles" and entry.comment == "; end" and entry.indent == "  "
    assert entry.values == [f"L{i}" for i in range(names)]
    assert len(entry[1]) == (2 + 3 + 4 * names) * width
    _check(entry)
    assert tree.to_bytes() == f"[S]\r\n{line}\r\n".encode()


@pytest.mark.parametrize(
    ("line", "width"),
    [
        # a part of 256 characters or more: absolute offsets, two or four bytes each
        ("CopyFiles = " + ",".join(["L"] * 5000) + ",x" + "y" * 300, 2),
        ("K = " + ",".join(["L"] * 5000) + ",v" + "w" * 70_000, 4),
        ("K" * 300 + " = " + ",".join(["L"] * 5000), 2),
        # a long comment is no part (it runs to the end of the text): lengths
        ("K = " + ",".join(["L"] * 5000) + ' ; "' + "c" * 70_000, 1),
        ("X" * 300 + "," + ",".join(["L"] * 5000), 2),
        # every part short, no key, a long line: lengths, one byte each
        ("  " + ", ".join(["L"] * 5000) + " ;c", 1),
    ],
    ids=["long-value", "very-long-value", "long-key", "long-comment", "long-first-value", "no-key"],
)
def test_long_lines_pack_lengths_unless_a_part_is_long(line: str, width: int) -> None:
    assert len(line) >= RELATIVE_FROM
    data = f"[S]\n{line}\n".encode()
    tree = parse(data)
    entry = tree.sections[0].entries[0]
    assert len(entry[1]) == len(entry.fields) * 4 * width + (5 if entry.key else 2) * width
    assert tree.to_bytes() == data
    assert (
        "".join(f.code for f in entry.fields) + entry.comment
        == line[len(entry.indent) + (len(entry.key_node.code) if entry.key_node else 0) :]
    )
    _check(entry)
    changed = entry.with_changes(indent="\t", comment="; other")
    assert changed.code == "\t" + line.lstrip(" ")[: len(line.lstrip(" ")) - len(entry.comment)] + (
        "; other\n"
    )
    assert [f.code for f in changed.fields] == [f.code for f in entry.fields]
    _check(changed)


def test_changing_the_indent_or_comment_moves_the_spans() -> None:
    entry = parse(b'[S]\nKey = "a b", c ; old\n').sections[0].entries[0]
    moved = entry.with_changes(indent="    ", comment="; a new comment")
    assert moved.code == '    Key = "a b", c ; a new comment\n'
    assert moved.key == "Key" and moved.values == ["a b", "c"]
    assert [f.code for f in moved.fields] == [' "a b",', " c "]
    assert moved.cooked_values is entry.cooked_values
    _check(moved)


@needs_corpus
def test_every_corpus_entry_rebuilds_to_the_same_text_and_spans() -> None:
    count = 0
    for name in corpus_files():
        tree = parse((CORPUS / name).read_bytes())
        for line in tree.lines():
            if type(line) is Entry:
                _check(line)
                count += 1
    assert count > 100_000
