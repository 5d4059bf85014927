"""Memory kept per section and per entry (issue 18: peak memory under 20x the file).

The goal itself is checked by ``bench/scaling.py`` (it prints MISSED); these tests count
the bytes that the tree and the model keep per unit of input, with tracemalloc, so that
a change that makes a node or a model object larger again fails here instead of showing
only in the benchmark. The bounds are the figures measured when the compact storage was
made (CPython 3.11, 64-bit) with a margin of about 10%.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from infmigrate.engine import fixer
from infmigrate.engine.catalog import all_rules
from infmigrate.engine.model import build_model
from infmigrate.engine.problems import SYNTAX_CODES
from infmigrate.engine.processing import FileOptions, process
from infmigrate.engine.runner import check
from infmigrate.engine.syntax import Entry, clear_memo, parse

N = 4000


def _sections(n: int) -> bytes:
    """``n`` one-entry sections (14 bytes each: ``[S100000]`` / ``x=1``)."""
    return "".join(f"[S{i}]\nx=1\n" for i in range(100_000, 100_000 + n)).encode()


def _addreg(n: int) -> bytes:
    """One section of ``n`` distinct AddReg lines (51 bytes each)."""
    lines = "".join(
        f'HKLM,"SOFTWARE\\Sample\\K{i}",V,0x00010001,{i}\n' for i in range(100_000, 100_000 + n)
    )
    return ("[R]\n" + lines).encode()


#: What makes the lines of :func:`_addreg` reached (from DefaultInstall).
_ADDREG_HEAD = b"[Version]\nSignature=$WINDOWS NT$\n[DefaultInstall.NTamd64]\nAddReg=R\n[R]\n"


@contextmanager
def _traced() -> Iterator[Callable[[], int]]:
    """Bytes allocated (and still held) since entering, while tracing."""
    clear_memo()
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    try:
        yield lambda: tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
        clear_memo()


@pytest.mark.parametrize(
    ("make", "bound"),
    [
        # a section: its header (72: a plain [name] keeps no empty indent and trailer;
        # 88 with them), Section (64), Entry (88), name (58), two line ints (344 in all;
        # 360 with the full header)
        (_sections, 352),
        # a line: its text (100), spans (shared), Entry (88), cooked tuple (80), the
        # strings of its distinct values (~140: HKLM and 0x00010001 are shared)
        (_addreg, 480),
    ],
    ids=["one-entry-section", "addreg-line"],
)
def test_tree_bytes_per_unit(make: Callable[[int], bytes], bound: int) -> None:
    data = make(N)
    with _traced() as held:
        tree = parse(data)
        with_memo = held() / N
        clear_memo()  # what the tree keeps, not the parser's memo of lines
        per_unit = held() / N
    assert tree.to_bytes() == data
    assert per_unit < bound, f"{per_unit:.0f} bytes a unit"
    # the memo keeps the first node of each line, not a prototype of it (two tuples, 120
    # bytes a distinct line): its own slot is all it adds
    assert with_memo - per_unit < 40, f"{with_memo - per_unit:.0f} bytes a unit in the memo"


def test_entry_keeps_its_text_and_spans_not_a_string_per_field() -> None:
    tree = parse(b'[R]\nHKLM, "SOFTWARE\\Sample" ,V,0x00010001,1 ; c\n')
    entry = tree.sections[0].entries[0]
    text, spans, cooked = entry[0], entry[1], entry[2]
    assert type(text) is str and type(spans) is bytes and len(entry) == 5
    assert text == 'HKLM, "SOFTWARE\\Sample" ,V,0x00010001,1 ; c'
    assert cooked == ("HKLM", "SOFTWARE\\Sample", "V", "0x00010001", "1")
    assert [f.code for f in entry.fields] == [
        "HKLM,",
        ' "SOFTWARE\\Sample" ,',
        "V,",
        "0x00010001,",
        "1 ",
    ]
    assert entry.comment == "; c" and entry.key_node is None and entry.indent == ""
    rebuilt = Entry(entry.fields, entry.key_node, entry.indent, entry.comment, "\n", 2)
    assert rebuilt == entry and rebuilt[0] == text and rebuilt[1] == spans


def test_model_bytes_per_one_entry_section() -> None:
    data = _sections(N)
    tree = parse(data)
    with _traced() as held:
        model = build_model(tree)
        per_section = held() / N
    assert len(model.sections) == N
    # LogicalSection (56: three slots; 72 with the name and the key index in slots of
    # their own), folded name (58), its dict slot (~40): no EntryRef until the section's
    # entries are read (one was 64 more), no tuple of entries for a one-entry section, no
    # second reference to the cooked values (155 in all; 171 with the five slots)
    assert per_section < 163, f"{per_section:.0f} bytes a section"


def test_model_bytes_per_missing_list_of_a_copyfiles_line() -> None:
    # One CopyFiles line naming N lists that do not exist (bench/scaling.py's
    # copyfiles-line): the model keeps one FileList each (three slots: the line, a
    # ListInfo all of them share, the field index) and no Reference (made when read).
    # ~260 bytes a name when each list kept a Reference and a nine-slot FileList; ~92 now.
    names = ",".join(f"L{i}" for i in range(100_000, 100_000 + N))
    tree = parse(
        b"[Version]\nSignature=$WINDOWS NT$\n[DestinationDirs]\nDefaultDestDir = 12\n"
        b"[DefaultInstall.NTamd64]\nCopyFiles = " + names.encode() + b"\n"
    )
    with _traced() as held:
        model = build_model(tree)
        per_name = held() / N
    assert len(model.file_lists) == len(model.references) == N
    assert all(fl.missing for fl in model.file_lists)
    assert per_name < 105, f"{per_name:.0f} bytes a name"


def test_the_target_is_read_from_the_rules_model_not_a_second_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import infmigrate.engine.model as model_module

    built: list[int] = []
    real = model_module.build_model

    def counting(tree: object) -> object:
        built.append(1)
        return real(tree)  # type: ignore[arg-type]

    monkeypatch.setattr(model_module, "build_model", counting)
    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    result = process(_sections(50), "x.inf", options, want_fix=True, want_diff=True)
    assert not result.error and not result.changed
    assert result.target
    assert len(built) == 1  # the rules' model; the target came from it


def test_findings_on_short_lines_keep_no_extent_cache() -> None:
    fixer._EXTENTS.clear()
    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    head = b"[Version]\nSignature=$WINDOWS NT$\n[DefaultInstall.NTamd64]\nAddReg=R\n"
    data = head + _addreg(50)
    result = process(data, "x.inf", options, want_fix=False, want_diff=False)
    assert len(result.diagnostics) >= 50
    assert not fixer._EXTENTS


def test_rules_make_no_entry_refs_for_sections_they_only_walk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A section's EntryRefs are made on the first read of its entries: a pass over every
    # section that reads only the entries' text (ISO011's %13% search) makes none.
    from infmigrate.engine.model import sections

    made: list[int] = []
    real = sections._make_entries

    def counting(section: sections.LogicalSection) -> object:
        made.append(1)
        return real(section)

    monkeypatch.setattr(sections, "_make_entries", counting)
    check(parse(_sections(200)), list(all_rules()))
    assert len(made) < 20, f"EntryRefs made for {len(made)} of 200 sections"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        # ISO037: a global location, the value name and key in each text
        (_ADDREG_HEAD + _addreg(N)[4:], "ISO037"),
        # ISO040: HKR reached only from DefaultInstall
        (_ADDREG_HEAD + _addreg(N)[4:].replace(b'HKLM,"SOFTWARE', b'HKR,"SOFTWARE'), "ISO040"),
    ],
    ids=["ISO037", "ISO040"],
)
def test_bytes_a_finding_keeps(data: bytes, code: str) -> None:
    # What the findings of a check keep once the model is released: each finding's long
    # message (~450 characters) is made when read, from a few strings (issue 18: ~790 and
    # ~720 bytes a finding when each kept its text; ~360 and ~270 now: the finding, its
    # Deferred and the expanded subkey).
    tree = parse(data)
    with _traced() as held:
        found = check(tree, list(all_rules()))
        per_finding = held() / N
    assert sum(d.code == code for d in found) == N
    assert per_finding < 450, f"{per_finding:.0f} bytes a finding"


def _list_per_line(n: int) -> bytes:
    """``n`` one-file lists, each on a CopyFiles line of its own, without DefaultDestDir
    (``bench/scaling.py``'s ``copyfiles-lines``): one joint fix, a finding per list."""
    lines = "".join(f"CopyFiles = L{i}\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1\n" for i in range(n))
    lists = "".join(f"[L{i}]\nf{i}.sys\n" for i in range(n))
    return (
        '[Version]\nSignature = "$WINDOWS NT$"\nPnpLockdown = 1\n[SourceDisksNames]\n1 = "D"\n'
        f"[SourceDisksFiles]\n{disk}[DefaultInstall.NTamd64]\n{lines}{lists}"
    ).encode()


def test_sections_reached_alike_share_their_sets_of_contexts_and_roles() -> None:
    # Issue 18: a frozenset (216 bytes) of contexts and one of roles per reached section
    # were a third of the peak on thousands of small lists; equal sets are one object.
    model = build_model(parse(_list_per_line(500)))
    lists = [f"L{i}" for i in range(500)]
    assert all(model.contexts_of(name) and model.roles_of(name) for name in lists)
    assert len({id(model.contexts_of(name)) for name in lists}) == 1
    assert len({id(model.roles_of(name)) for name in lists}) == 1


def test_the_findings_of_one_joint_fix_share_their_reason() -> None:
    # Issue 18: each ISO012 finding of a joint fix kept its own text of ~450 characters,
    # mostly the reason all the fix's lists share; the text is made when read now, from
    # the list's name and the one reason.
    found = [d for d in check(parse(_list_per_line(50)), list(all_rules())) if d.code == "ISO012"]
    assert len(found) == 50
    stored = [fixer._message_slot.__get__(d) for d in found]
    assert all(isinstance(m, fixer.Deferred) for m in stored)
    assert len({id(m[2]) for m in stored}) == 1
    assert found[7].message.startswith("file list L7 has no [DestinationDirs] entry and ")


def _one_value(n: int) -> bytes:
    """``n`` AddReg lines setting one HKLM value again and again (``bench/scaling.py``'s
    ``one-value``), then two lines of other values."""
    lines = "".join(f'HKLM,"SOFTWARE\\Sample",V,0x00010001,{i}\n' for i in range(n))
    return _ADDREG_HEAD + (lines + 'HKLM,"SOFTWARE\\Sample",W,0x00010001,1\n').encode()


def test_findings_of_one_text_share_their_message() -> None:
    # Issue 18: each ISO037 finding of a value written again and again kept a message of
    # its own (a Deferred of six slots, about a third of the finding); equal texts share
    # one, which the table of shared messages does not keep past its limit.
    found = [d for d in check(parse(_one_value(300)), list(all_rules())) if d.code == "ISO037"]
    assert len(found) == 301
    stored = [fixer._message_slot.__get__(d) for d in found]
    assert all(isinstance(m, fixer.Deferred) for m in stored)
    assert len({id(m) for m in stored[:300]}) == 1
    assert stored[300] is not stored[0]
    assert found[0].message == found[299].message != found[300].message
    assert found[0].message.startswith("value V is written to HKLM\\SOFTWARE\\Sample, ")
    assert found[300].message.startswith("value W is written to HKLM\\SOFTWARE\\Sample, ")


def test_the_table_of_shared_messages_starts_again_past_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from infmigrate.rules.registry import global_registry_write

    monkeypatch.setattr(global_registry_write, "_SHARED_MESSAGES", 2)
    data = (
        _ADDREG_HEAD
        + "".join(f'HKLM,"SOFTWARE\\Sample",{name},0x00010001,1\n' for name in "ABAB").encode()
    )
    found = [d for d in check(parse(data), list(all_rules())) if d.code == "ISO037"]
    stored = [fixer._message_slot.__get__(d) for d in found]
    # A, B fill the table; it is cleared before the second A and B, which are new ones
    assert [m is stored[0] for m in stored] == [True, False, False, False]
    assert stored[3] is not stored[1] and stored[3] == stored[1] and stored[2] == stored[0]
    assert [d.message for d in found[2:]] == [d.message for d in found[:2]]
