"""Logical sections: merged blocks, case-insensitive lookup, EntryRef identity."""

from __future__ import annotations

from infmigrate.engine.model import EntryRef, LogicalSection

from ._load import fixture, model


def test_same_name_blocks_are_merged_in_file_order():
    m = fixture("strings")
    version = m.section("VERSION")
    assert isinstance(version, LogicalSection)
    assert version.name == "Version"  # the raw name of the first block
    assert [b.name for b in version.blocks] == ["Version", "version"]
    assert [e.key for e in version.entries] == ["Signature", "Provider", "DriverVer", "Class"]
    assert [e.index for e in version.entries] == [0, 1, 2, 3]
    assert version.entries[2].block is version.blocks[1]
    assert version.line == 4


def test_sections_in_order_of_first_appearance():
    m = fixture("strings")
    assert [s.name for s in m.sections] == [
        "Version",
        "Strings",
        "Strings.0407",
        "Strings.0009",
        "Strings.0c0a",
        "Strings.ENU",
    ]
    assert m.section_map["strings.0c0a"] is m.section("STRINGS.0C0A")
    assert m.section("nope") is None


def test_get_and_first_are_case_insensitive():
    m = fixture("strings")
    version = m.section("version")
    assert [e.values for e in version.get("signature")] == [("$Windows NT$",)]
    assert version.first("DRIVERVER").values == ("01/01/2026", "1.0.0.0")
    assert version.first("missing") is None
    assert version.get("missing") == []
    assert "class" in version and "nope" not in version
    assert len(version) == 4


def test_entry_ref_shortcuts_and_identity():
    m = fixture("strings")
    ref = m.section("version").first("DriverVer")
    assert isinstance(ref, EntryRef)
    assert ref.key == "DriverVer"
    assert ref.line == 20
    assert ref.value(1) == "1.0.0.0" and ref.value(5) == "" and ref.value(5, "x") == "x"
    assert ref.section is m.section("version")
    assert any(line is ref.entry for line in ref.block.body)
    assert m.entry_ref(ref.entry) is ref
    # One EntryRef per entry: equality is identity.
    assert ref == m.entry_ref(ref.entry) and ref != m.section("version").entries[0]


def test_entries_without_key_and_error_lines():
    m = model("[A]\nHKR,,x,,1\nkey = v\n[B\n[C]\nplain\n")
    a = m.section("a")
    assert [(e.key, e.values) for e in a.entries] == [
        (None, ("HKR", "", "x", "", "1")),
        ("key", ("v",)),
    ]
    # The line with the missing bracket is an error line of [A]: not an entry.
    assert m.section("c").entries[0].values == ("plain",)


def test_empty_file():
    m = model("")
    assert m.sections == () and m.install_sections == () and m.unreachable == ()


def test_one_block_sections_and_their_blocks():
    m = fixture("strings")
    strings = m.section("strings")
    assert type(strings.blocks) is tuple and len(strings.blocks) == 1
    assert strings.blocks[0].name == "Strings" and strings.line == strings.blocks[0].header.line
    assert all(ref.block is strings.blocks[0] for ref in strings.entries)


def test_a_released_model_lets_go_of_its_entries():
    from infmigrate.engine.model import release_model

    m = fixture("strings")
    version = m.section("version")
    assert version.first("Signature") is not None
    release_model(m)
    assert version.entries == () and len(version) == 0 and version.first("Signature") is None


def test_the_key_index_keeps_the_entries_already_made():
    m = model("[Version]\nSignature=s\nProvider=p\n[A]\nk=1\n[version]\nClass=c\n")
    version = m.section("version")
    # the name is the first block's own string, not a copy
    assert version.name == "Version" and version.name is version.blocks[0].header.name
    entries = version.entries
    assert version.first("Provider") is entries[1]
    assert version.get("class") == [entries[2]] and version.entries == entries
    assert all(a is b for a, b in zip(version.entries, entries, strict=True))
    assert len(version) == 3
    # and the other way round: entries read after a lookup are the ones the lookup made
    a = m.section("a")
    first = a.first("K")
    assert first is not None and a.entries == (first,) and len(a) == 1
