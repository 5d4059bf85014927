"""Editing an entry's field list (infmigrate.engine.fields): commas follow from position,
the line keeps its spacing and its comment, and the result parses back to the values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import infmigrate
from infmigrate.engine.fields import (
    insert_fields,
    new_fields,
    remove_fields,
    replace_fields,
    spacing_after_commas,
    with_fields,
)
from infmigrate.engine.syntax import Entry, Field


def _entry(line: str) -> Entry:
    tree = infmigrate.parse(f"[S]\r\n{line}\r\n".encode())
    entry = tree.sections[0].entries[0]
    assert isinstance(entry, Entry)
    return entry


def _text(entry: Entry) -> str:
    return entry.code.removesuffix("\r\n")


def _reparsed(entry: Entry) -> Entry:
    """The entry printed and parsed again: what a fix's line reads as."""
    return _entry(_text(entry))


def test_spacing_after_commas() -> None:
    assert spacing_after_commas(_entry("a,  b, c")) == "  "
    assert spacing_after_commas(_entry("a,b")) == ""
    assert spacing_after_commas(_entry("k = a")) == ""
    assert spacing_after_commas(_entry("k = a"), " ") == " "


def test_new_fields_put_commas_between() -> None:
    fields = new_fields(["13", "x", ""], first=" ", after_comma=" ")
    assert "".join(f.code for f in fields) == " 13, x, "
    assert [f.comma for f in fields] == [",", ",", ""]
    assert new_fields([], first="", after_comma="") == []


def test_with_fields_sets_commas_and_keeps_the_ends() -> None:
    entry = _entry("Key =  a ,b   ; note")
    a, b = entry.fields
    # Reordered: the first place keeps the blanks after '=', the last one those before
    # the comment, the commas follow (b keeps the blanks after it: only the ends change).
    swapped = with_fields(entry, [b, a])
    assert _text(swapped) == "Key =  b   ,  a   ; note"
    assert _reparsed(swapped).values == ["b", "a"]
    assert _text(with_fields(entry, [a])) == "Key =  a   ; note"
    # A field added at the end (replace_fields clears the old last field's blanks).
    longer = replace_fields(entry, {2: "c"})
    assert _text(longer) == "Key =  a ,b,c   ; note"
    assert _reparsed(longer).values == ["a", "b", "c"]
    with pytest.raises(ValueError):
        with_fields(entry, [])


def test_with_fields_can_keep_a_comment_in_its_column() -> None:
    entry = _entry("x.sys,,,0x4000     ; moved")
    kept = with_fields(entry, list(entry.fields[:1]), keep_comment_column=True)
    assert _text(kept) == "x.sys              ; moved"
    longer = with_fields(
        entry, [Field("a-much-longer-name.sys,,,0x4000")], keep_comment_column=True
    )
    assert _text(longer).endswith("0x4000 ; moved")  # one blank at least


def test_replace_fields_in_place() -> None:
    entry = _entry("HKLM, Software\\X, V, 0x10001, 1 ; c")
    moved = replace_fields(entry, {0: "HKR", 1: "X"})
    assert _text(moved) == "HKR, X, V, 0x10001, 1 ; c"
    assert replace_fields(entry, {}) == entry


def test_replace_fields_past_the_end_pads_with_empty_fields() -> None:
    entry = _entry("AddService = svc, 0x2, svc_Inst   ; the service")
    added = replace_fields(entry, {3: "svc_EventLog", 5: "Src"})
    assert _text(added) == "AddService = svc, 0x2, svc_Inst, svc_EventLog, , Src   ; the service"
    assert _reparsed(added).values == ["svc", "0x2", "svc_Inst", "svc_EventLog", "", "Src"]


def test_an_empty_field_that_gets_a_value_is_spaced_like_the_others() -> None:
    entry = _entry("AddService = svc, 0x2, svc_Inst,,System")
    assert _text(replace_fields(entry, {3: "Ev"})) == "AddService = svc, 0x2, svc_Inst, Ev,System"
    # a field with a value keeps its spacing
    assert _text(replace_fields(entry, {4: "Application"})) == (
        "AddService = svc, 0x2, svc_Inst,,Application"
    )


def test_remove_fields() -> None:
    entry = _entry("CopyFiles =  A, B ,C  ; lists")
    assert _text(remove_fields(entry, {0}) or entry) == "CopyFiles =  B ,C  ; lists"
    assert _text(remove_fields(entry, {2}) or entry) == "CopyFiles =  A, B  ; lists"
    assert _text(remove_fields(entry, {0, 2}) or entry) == "CopyFiles =  B  ; lists"
    assert remove_fields(entry, {0, 1, 2}) is None


def test_insert_fields_after_each_reference() -> None:
    entry = _entry("CopyFiles = A, B ; two")
    both = insert_fields(entry, [0, 1], ["A_x", "A_y"])
    assert _text(both) == "CopyFiles = A, A_x, A_y, B, A_x, A_y ; two"
    assert _reparsed(both).values == ["A", "A_x", "A_y", "B", "A_x", "A_y"]
    # the blanks before a comma stay before it, after the new fields
    assert _text(insert_fields(_entry("CopyFiles = A ,B"), [0], ["C"])) == "CopyFiles = A,C ,B"
    # no spacing after commas to copy: one blank
    assert _text(insert_fields(_entry("CopyFiles=A"), [0], ["B"])) == "CopyFiles=A, B"


_VALUE = st.text(alphabet="abc%. _-", min_size=1, max_size=5).map(str.strip).filter(bool)


@given(
    values=st.lists(_VALUE, min_size=1, max_size=6),
    drop=st.sets(st.integers(0, 5)),
    put=st.dictionaries(st.integers(0, 8), _VALUE, max_size=3),
)
def test_edits_parse_back_to_the_values_they_mean(
    values: list[str], drop: set[int], put: dict[int, str]
) -> None:
    entry = _entry("Key = " + ", ".join(values) + " ; comment")
    kept = remove_fields(entry, drop)
    left = [v for i, v in enumerate(values) if i not in drop]
    if kept is None:
        assert not left
        return
    assert _reparsed(kept).values == left
    assert _reparsed(kept).comment == "; comment"
    placed = replace_fields(kept, put)
    expected = left + [""] * (max(put, default=-1) + 1 - len(left))
    for i, v in put.items():
        expected[i] = v
    assert _reparsed(placed).values == expected
