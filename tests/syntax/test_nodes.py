"""CST nodes: immutability, printing, edits, equality, renumbering, pickling."""

from __future__ import annotations

import pickle

import pytest

import infmigrate
from infmigrate.engine.syntax import Entry, Field, InfFile, Key, Section, SectionHeader, TriviaLine

SAMPLE = (
    b"; head\r\n"
    b"[Version]\r\n"
    b'Signature = "$Windows NT$" ; sig\r\n'
    b"\r\n"
    b"[Files]\r\n"
    b"a.sys, \\\r\n"
    b"   b.sys\r\n"
    b"c.sys\r\n"
)


def test_nodes_are_immutable() -> None:
    tree = infmigrate.parse(SAMPLE)
    entry = tree.sections[0].entries[0]
    with pytest.raises(AttributeError):
        entry.indent = "  "  # type: ignore[misc]
    with pytest.raises(AttributeError):
        entry.fields[0].value = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        tree.sections[0].body[0] = None  # type: ignore[index]


def test_every_node_prints_its_own_text() -> None:
    tree = infmigrate.parse(SAMPLE)
    assert tree.code.encode("cp1252") == SAMPLE
    header = tree.sections[1].header
    assert header.code == "[Files]\r\n"
    continued = tree.sections[1].entries[0]
    assert continued.code == "a.sys, \\\r\n   b.sys\r\n"
    assert [f.code for f in continued.fields] == ["a.sys,", " \\\r\n   b.sys"]
    assert "".join(s.code for s in tree.sections) + "".join(x.code for x in tree.prolog) != ""


def test_with_changes_edits_a_copy_and_keeps_the_rest_shared() -> None:
    tree = infmigrate.parse(SAMPLE)
    files = tree.sections[1]
    entry = files.entries[1]
    new_entry = entry.with_changes(fields=(entry.fields[0].with_changes(value="d.sys"),))
    body = tuple(new_entry if line is entry else line for line in files.body)
    new_tree = tree.with_changes(sections=(tree.sections[0], files.with_changes(body=body)))
    assert new_tree.to_bytes() == SAMPLE.replace(b"c.sys", b"d.sys")
    assert tree.to_bytes() == SAMPLE  # the original is untouched
    assert new_tree.sections[0] is tree.sections[0]
    assert infmigrate.parse(new_tree.to_bytes()) == new_tree


def test_with_changes_rejects_unknown_fields() -> None:
    with pytest.raises(TypeError, match="no field 'nope'"):
        Field("x").with_changes(nope=1)


def test_equality_ignores_positions_but_not_content_or_type() -> None:
    a = TriviaLine("", "; x", "\n", line=3)
    b = TriviaLine("", "; x", "\n", line=9)
    assert a == b and hash(a) == hash(b)
    assert a != TriviaLine("", "; y", "\n", line=3)
    assert Key("a", "", "=") != ("a", "", "=")
    assert Field("a") != Key("a")


def test_a_plain_header_is_stored_without_its_empty_fields() -> None:
    tree = infmigrate.parse(b"[A]\n  [B] ; c\n[C]x\n")
    plain, indented, trailed = (s.header for s in tree.sections)
    assert len(plain) == 3 and len(indented) == 5 and len(trailed) == 5
    assert (plain.name, plain.indent, plain.trailer, plain.newline, plain.line) == (
        "A",
        "",
        "",
        "\n",
        1,
    )
    assert (indented.indent, indented.trailer, indented.line) == ("  ", " ; c", 2)
    assert trailed.trailer == "x" and trailed.code == "[C]x\n"
    # every way of making a header picks the same form: equal headers compare equal
    assert SectionHeader("A", newline="\n", line=7) == plain
    assert SectionHeader("A", "", "", "\n") == plain and len(SectionHeader("A", "", "")) == 3
    assert indented.with_changes(indent="", trailer="") == SectionHeader("B", newline="\n")
    assert plain.with_changes(trailer=" ; d").code == "[A] ; d\n"
    assert plain != SectionHeader("A", trailer=" ", newline="\n")
    assert pickle.loads(pickle.dumps(indented)) == indented
    assert infmigrate.parse(tree.to_bytes()) == tree


def test_inserting_lines_renumbers_everything_after() -> None:
    tree = infmigrate.parse(SAMPLE)
    version = tree.sections[0]
    new_line = Entry((Field("1"),), Key("PnpLockdown", " "), "", "", "\r\n")
    new_line = new_line.with_changes(fields=(Field("1", " "),))
    version = version.with_changes(body=(*version.body[:1], new_line, *version.body[1:]))
    edited = tree.with_changes(sections=(version, tree.sections[1]))
    assert [e.line for e in edited.sections[0].entries] == [3, 4]
    assert [e.line for e in edited.sections[1].entries] == [7, 9]
    reparsed = infmigrate.parse(edited.to_bytes())
    assert [[e.line for e in s.entries] for s in reparsed.sections] == [[3, 4], [7, 9]]
    assert edited.sections[1].header.line == reparsed.sections[1].header.line == 6


def test_built_from_scratch() -> None:
    tree = InfFile(
        "utf-16-le",
        True,
        (),
        (
            Section(
                SectionHeader("Version", newline="\r\n"),
                (Entry((Field('"$Windows NT$"', " "),), Key("Signature", " "), newline="\r\n"),),
            ),
        ),
    )
    assert tree.to_bytes() == b"\xff\xfe" + '[Version]\r\nSignature = "$Windows NT$"\r\n'.encode(
        "utf-16-le"
    )
    assert tree.sections[0].entries[0].line == 2
    assert tree.sections[0].entries[0].values == ["$Windows NT$"]


def test_nodes_pickle_round_trip() -> None:
    tree = infmigrate.parse(SAMPLE)
    clone = pickle.loads(pickle.dumps(tree))
    assert clone == tree
    assert clone.to_bytes() == SAMPLE
    assert [e.line for e in clone.sections[1].entries] == [6, 8]


def test_children_in_lexical_order() -> None:
    tree = infmigrate.parse(SAMPLE)
    entry = tree.sections[0].entries[0]
    assert entry.children == (entry.key_node, *entry.fields)
    assert tree.children == (*tree.prolog, *tree.sections)


def test_repr_names_the_fields() -> None:
    assert repr(Field("a", " ")) == (
        "Field(whitespace_before=' ', value='a', whitespace_after='', comma='')"
    )


def test_cooked_value_depends_on_what_follows_a_trailing_backslash() -> None:
    # 'a\' before a comma keeps its backslash; at the very end of the file it is a
    # continuation into nothing, which SetupAPI drops.
    tree = infmigrate.parse(b"[A]\nk = a\\,b\nlast = z\\")
    first, last = tree.sections[0].entries
    assert first.values == ["a\\", "b"]
    assert last.values == ["z"]


def test_newline_is_the_most_common_terminator() -> None:
    assert infmigrate.parse(b"[A]\r\nx\r\ny\n").newline == "\r\n"
    assert infmigrate.parse(b"[A]\nx\n").newline == "\n"
    assert infmigrate.parse(b"").newline == "\r\n"


def test_editing_an_ansi_file_with_non_ansi_text_fails_clearly() -> None:
    tree = infmigrate.parse(b"[A]\nx=1\n")
    assert tree.encoding == "cp1252"
    entry = tree.sections[0].entries[0]
    bad = entry.with_changes(fields=(Field("\u4e2d"),))
    edited = tree.with_changes(sections=(tree.sections[0].with_changes(body=(bad,)),))
    with pytest.raises(infmigrate.DecodeError, match="cannot be written in cp1252"):
        edited.to_bytes()


def test_entry_stores_its_cooked_values_with_its_fields() -> None:
    # parsed or built, an entry's cooked values are those of its fields, in order; the
    # parser's shortcut for lines without quotes or backslashes must agree
    tree = infmigrate.parse(b'[A]\nk = "a "" b", c\\, %d% ;x\nplain, x, , y\nz = a\\')
    built = Entry(
        (Field('"q""q"', comma=","), Field("a\\", comma=","), Field("b\\")), Key("k"), newline="\n"
    )
    for entry in (*tree.sections[0].entries, built):
        assert entry.cooked_values == tuple(f.cooked for f in entry.fields)
        assert entry.values == list(entry.cooked_values)
    assert tree.sections[0].entries[0].values == ['a " b', "c\\", "%d%"]
    assert tree.sections[0].entries[1].values == ["plain", "x", "", "y"]
    assert built.values == ['q"q', "a\\", "b"]


def test_positions_and_trivia_changes_share_an_entrys_fields() -> None:
    tree = infmigrate.parse(SAMPLE)
    entry = tree.sections[0].entries[0]
    moved = entry.with_changes(line=40, newline="\n", comment="; new")
    assert moved.line == 40 and moved.newline == "\n" and moved.comment == "; new"
    assert moved.fields == entry.fields and moved.key_node == entry.key_node
    assert moved.cooked_values is entry.cooked_values  # nothing re-cooked
    with pytest.raises(TypeError, match="no field 'nope'"):
        entry.with_changes(nope=1)
    changed = entry.with_changes(fields=(Field('"other"', " "),))
    assert changed.values == ["other"] and changed.key == "Signature"


def test_section_body_is_a_tuple_of_its_lines() -> None:
    tree = infmigrate.parse(SAMPLE)
    files = tree.sections[1]
    assert type(files.body) is tuple and len(files.body) == 2
    assert files.body == tuple(files.entries)
    assert files.children == (files.header, *files.body)
    assert Section(files.header).body == () and Section(files.header).entries == ()
    assert Section(files.header, list(files.body)) == files
    assert files != Section(files.header, files.body[:1])
    assert list(tree.lines())[-3:] == [files.header, *files.body]
