"""Edits on the tree and the style helpers for new lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import infmigrate
from infmigrate.engine.edits import (
    EditConflict,
    append_lines,
    apply_edits,
    make_entry,
    make_section,
    quote,
    quote_field,
    valid_section_name,
)
from infmigrate.engine.fixer import Edit
from infmigrate.engine.syntax import Entry, TriviaLine


def test_quote_follows_setupapi_rules() -> None:
    assert quote("plain value") == "plain value"
    assert quote("a,b") == '"a,b"'
    assert quote("a;b") == '"a;b"'
    assert quote('say "hi"') == '"say ""hi"""'
    assert quote(" lead") == '" lead"'
    assert quote("dir\\") == '"dir\\"'
    assert quote("k=v") == "k=v"
    assert quote("k=v", first_field=True) == '"k=v"'
    assert quote("") == ""
    assert quote("[x", first_field=True) == '"[x"'


def test_make_entry_copies_style_and_aligns_equals() -> None:
    tree = infmigrate.parse(b"[V]\r\n  Signature   = x\r\n")
    like = tree.sections[0].entries[0]
    new = make_entry("Class", ["Net, Inc"], like=like, newline="\r\n")
    assert new.code == '  Class       = "Net, Inc"\r\n'
    assert new.key == "Class" and new.values == ["Net, Inc"]
    plain = make_entry(None, ["a.sys", "", "b"], newline="\n")
    assert plain.code == "a.sys,,b\n"
    assert infmigrate.parse(b"[S]\n" + plain.code.encode()).sections[0].entries[0] == plain


def test_apply_edits_by_identity_even_for_identical_lines() -> None:
    tree = infmigrate.parse(b"[A]\nx\nx\n")
    second = tree.sections[0].entries[1]
    out = apply_edits(tree, [Edit.replace(second, make_entry(None, ["y"], newline="\n"))])
    assert out.to_bytes() == b"[A]\nx\ny\n"


def test_insert_and_delete_sections() -> None:
    tree = infmigrate.parse(b"[A]\nx\n\n[B]\ny\n")
    a, b = tree.sections
    new = make_section("C_New.NT", [make_entry("k", ["v"], newline="\n")], newline="\n")
    out = apply_edits(tree, [Edit.insert_section(a, new), Edit.delete_section(b)])
    assert out.to_bytes() == b"[A]\nx\n\n[C_New.NT]\nk = v\n"
    assert [s.header.line for s in out.sections] == [1, 4]


def test_apply_edits_renumbers_unless_told_not_to() -> None:
    tree = infmigrate.parse(b"[A]\nx\n[B]\ny\n")
    a, b = tree.sections
    edits = [Edit.insert_after(a.entries[0], make_entry(None, ["new"], newline="\n"))]
    numbered = apply_edits(tree, edits)
    assert [line.line for line in numbered.lines()] == [1, 2, 3, 4, 5]
    stale = apply_edits(tree, edits, renumber=False)
    assert stale.to_bytes() == numbered.to_bytes() == b"[A]\nx\nnew\n[B]\ny\n"
    assert stale == numbered  # equality ignores positions
    assert stale.sections[1] is b  # untouched sections are kept as they are
    assert infmigrate.parse(stale.to_bytes()) == stale


def test_a_line_added_at_the_end_gets_the_files_usual_newline() -> None:
    tree = infmigrate.parse(b"[A]\r\nx\r\ny")  # no final newline; CRLF elsewhere
    out = apply_edits(tree, [append_lines(tree.sections[0], [make_entry(None, ["z"])])])
    assert out.to_bytes() == b"[A]\r\nx\r\ny\r\nz"


def test_a_new_section_never_follows_a_dangling_continuation() -> None:
    # the last line ends in a backslash at the end of the file: a section after it would
    # be read as part of it, so the section holding it stays last
    tree = infmigrate.parse(b"[A]\r\nx = 1\r\n[B]\r\ny = ROOT\\")
    b = tree.sections[1]
    new = make_section("C", [make_entry("k", ["v"], newline="\r\n")], newline="\r\n")
    for edit in (Edit.insert_section(None, new), Edit.insert_section(b, new)):
        out = apply_edits(tree, [edit])
        assert out.to_bytes() == b"[A]\r\nx = 1\r\n[C]\r\nk = v\r\n[B]\r\ny = ROOT\\"
        assert infmigrate.parse(out.to_bytes()) == out
    only_prolog = infmigrate.parse(b"x = ROOT\\")
    with pytest.raises(EditConflict, match="continuation"):
        apply_edits(only_prolog, [Edit.insert_section(None, new)])


def test_a_lone_cr_never_meets_an_empty_lf_line() -> None:
    # "z\r" then the blank "\n" would print as "z\r\n": the new line takes CRLF
    tree = infmigrate.parse(b"[A]\rx = 1\n\n[B]\ry\r")
    x = tree.sections[0].entries[0]
    out = apply_edits(tree, [Edit.insert_after(x, make_entry(None, ["z"], newline="\r"))])
    assert out.to_bytes() == b"[A]\rx = 1\nz\r\n\n[B]\ry\r"
    assert infmigrate.parse(out.to_bytes()) == out
    # a new blank "\n" line after an original "x = 1\r" takes the lone CR instead
    tree = infmigrate.parse(b"[A]\rx = 1\r[B]\r")
    x = tree.sections[0].entries[0]
    out = apply_edits(tree, [Edit.insert_after(x, TriviaLine("", "", "\n"))])
    assert out.to_bytes() == b"[A]\rx = 1\r\r[B]\r"
    assert infmigrate.parse(out.to_bytes()) == out


def test_append_lines_goes_before_trailing_blanks_and_fixes_missing_newline() -> None:
    tree = infmigrate.parse(b"[A]\nx\n\n; c\n[B]\ny")
    a, b = tree.sections
    line = make_entry(None, ["z"], newline="\n")
    out = apply_edits(tree, [append_lines(a, [line]), append_lines(b, [line])])
    assert out.to_bytes() == b"[A]\nx\nz\n\n; c\n[B]\ny\nz"


def test_edit_of_a_line_not_in_the_tree_is_an_error() -> None:
    tree = infmigrate.parse(b"[A]\nx\n")
    stranger = infmigrate.parse(b"[A]\nx\n").sections[0].entries[0]
    with pytest.raises(EditConflict, match="not in the tree"):
        apply_edits(tree, [Edit.delete(stranger)])


def test_generated_section_names_are_checked() -> None:
    assert valid_section_name("cx_Params_AddReg")
    assert not valid_section_name("bad name")
    with pytest.raises(ValueError, match="not a valid generated section name"):
        make_section("a;b", [])


#: Characters that matter to the INF grammar, and a few that do not (the CR, LF, NUL and
#: Ctrl-Z a cooked value never holds are left out).
_PIECES = [*'[]=,;"\\% \tab', "%13%\\", "é"]
_VALUE_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@given(
    key=_VALUE_TEXT,
    first=_VALUE_TEXT,
    middle=_VALUE_TEXT,
    last=_VALUE_TEXT,
    keyed=st.booleans(),
    lone=st.booleans(),
)
def test_quoted_values_parse_back_in_every_place(
    key: str, first: str, middle: str, last: str, keyed: bool, lone: bool
) -> None:
    """Whatever the cooked values, the text built for them reads back as them, key and
    fields alike, whether the entry has a key or not (the first field of an entry without
    a key starts the line: an '=' or a leading '[' there needs quotes)."""
    values = [first] if lone else [first, middle, last]
    built = make_entry(key if keyed else None, values, newline="\r\n")
    entry = _reparse(built)
    assert entry.key == (key if keyed else None)
    assert entry.values == values
    # The same through quote_field, field by field, on an entry of the same shape.
    fields = [
        (quote_field(built, i, v), "", "", "," if i < len(values) - 1 else "")
        for i, v in enumerate(values)
    ]
    again = _reparse(Entry(fields, built.key_node, newline="\r\n"))
    assert (again.key, again.values) == (entry.key, values)


def _reparse(entry: Entry) -> Entry:
    tree = infmigrate.parse(("[S]\r\n" + entry.code).encode())
    (parsed,) = tree.sections[0].entries
    return parsed


def test_a_rewritten_path_keeps_a_keyless_first_field_quoted() -> None:
    """Issue 18 defect 4: ``"ServiceBinary =" %12%\\cx.sys`` (a line without a key, its '='
    quoted) moved to %13% came out unquoted and read back as a key."""
    from infmigrate.rules.placement._driver_store import _rewrite_field

    tree = infmigrate.parse(b'[S]\r\n"ServiceBinary =" %12%\\cx.sys\r\n')
    (entry,) = tree.sections[0].entries
    assert entry.key is None and entry.values == ["ServiceBinary = %12%\\cx.sys"]
    field = _rewrite_field(entry, 0, entry.values[0], [(16, 20, "%13%")])
    rewritten = _reparse(entry.with_changes(fields=(field,)))
    assert rewritten.key is None
    assert rewritten.values == ["ServiceBinary = %13%\\cx.sys"]


def test_deleting_a_section_keeps_the_comment_that_introduces_the_next_one() -> None:
    # The comments above a header end the previous section's body in the tree: a deletion
    # takes the banner above its own header and keeps the one above the next section.
    tree = infmigrate.parse(
        b"[A]\nx\n\n; --- B: co-installer ---\n[B]\ny\n\n; --- C: WDF section ---\n[C]\nz\n"
    )
    out = apply_edits(tree, [Edit.delete_section(tree.sections[1])])
    assert out.to_bytes() == b"[A]\nx\n\n; --- C: WDF section ---\n[C]\nz\n"
    assert infmigrate.parse(out.to_bytes()) == out


def test_comments_right_under_entries_stay_with_their_section() -> None:
    # No blank line: a commented-out entry, not a banner for the next section.
    tree = infmigrate.parse(b"[A]\nx\n;old=1\n[B]\ny\n;old=2\n[C]\nz\n")
    out = apply_edits(tree, [Edit.delete_section(tree.sections[1])])
    assert out.to_bytes() == b"[A]\nx\n;old=1\n[C]\nz\n"


def test_banners_of_consecutive_deleted_sections_all_go() -> None:
    tree = infmigrate.parse(b"[A]\nx\n\n;B\n[B]\ny\n\n;C\n[C]\nz\n\n;D\n[D]\nw\n")
    _, b, c, _ = tree.sections
    out = apply_edits(tree, [Edit.delete_section(b), Edit.delete_section(c)])
    assert out.to_bytes() == b"[A]\nx\n\n;D\n[D]\nw\n"
    first = infmigrate.parse(b"; header\n\n;B\n[B]\ny\n\n;C\n[C]\nz\n")
    out = apply_edits(first, [Edit.delete_section(first.sections[0])])
    assert out.to_bytes() == b"; header\n\n;C\n[C]\nz\n"  # lines before the first section too
