"""The small helpers with one home each (issue 12): physical lines, the GC pause and the
fast constructor, which fixes a run applies, code prefixes, unique section names."""

from __future__ import annotations

import gc
import pickle
import re
from dataclasses import FrozenInstanceError, dataclass, field, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import infmigrate
from infmigrate.engine.edits import unique_section_name, valid_section_name
from infmigrate.engine.fixer import Applicability, Deferred, Diagnostic, Edit, Fix, Fixer, Settings
from infmigrate.engine.model import build_model
from infmigrate.engine.model.sections import EntryRef
from infmigrate.engine.perf import fast_constructor, gc_paused, slot_setter
from infmigrate.engine.runner import check
from infmigrate.engine.selection import code_matches, matches_any, select_rules
from infmigrate.engine.syntax import parse
from infmigrate.engine.syntax.lines import count_line_breaks, line_texts, physical_lines

# --- physical lines ---------------------------------------------------------------------

_TEXT = st.text(alphabet="ab \t\r\n;\\", max_size=40)


@given(_TEXT, st.integers(0, 5))
def test_line_texts_split_at_every_terminator(text: str, maxsplit: int) -> None:
    assert line_texts(text, maxsplit) == re.split(r"\r\n|\n|\r", text, maxsplit=maxsplit)


@given(_TEXT)
def test_physical_lines_keep_their_terminators(text: str) -> None:
    lines = physical_lines(text)
    assert "".join(lines) == text
    assert all(line for line in lines)
    assert [line.rstrip("\r\n") for line in lines] == line_texts(text)[: len(lines)]
    assert len(lines) == count_line_breaks(text) + (not text.endswith(("\r", "\n")) and text != "")


@given(st.text(alphabet="ab \t\r\n;", max_size=40))
def test_lines_are_counted_as_the_parser_numbers_them(text: str) -> None:
    tree = infmigrate.parse(("[S]\n" + text + "\nlast=1").encode())
    last = tree.sections[-1].body[-1]
    assert last.line == count_line_breaks("[S]\n" + text + "\n") + 1


def test_line_helpers_on_mixed_terminators() -> None:
    text = "a\r\nb\rc\nd"
    assert line_texts(text) == ["a", "b", "c", "d"]
    assert line_texts(text, 2) == ["a", "b", "c\nd"]
    assert line_texts("a\n") == ["a", ""]
    assert physical_lines(text) == ["a\r\n", "b\r", "c\n", "d"]
    assert count_line_breaks(text) == 3
    assert count_line_breaks("\n\r") == 2


# --- the GC pause and the fast constructor ------------------------------------------------


def test_gc_paused_pauses_and_restores() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # only the outermost pause turns it back on
    assert gc.isenabled()
    with pytest.raises(KeyError), gc_paused():
        raise KeyError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()


@dataclass(frozen=True, slots=True)
class _Point:
    x: int
    y: int = 7
    tags: tuple[str, ...] = ()


def test_fast_constructor_makes_what_the_class_makes() -> None:
    new = fast_constructor(_Point)
    assert new(1) == _Point(1)
    assert new(1, 2, ("a",)) == _Point(1, 2, ("a",))
    assert new(x=3, tags=("b",)) == _Point(3, tags=("b",))
    point = new(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        new()  # type: ignore[call-arg]
    assert new.__name__ == "new__Point"


def test_fast_constructor_refuses_what_it_cannot_make() -> None:
    @dataclass(frozen=True, slots=True)
    class WithFactory:
        items: list[int] = field(default_factory=list)

    @dataclass(frozen=True, slots=True)
    class WithPostInit:
        x: int

        def __post_init__(self) -> None:
            pass

    @dataclass(frozen=True)
    class NoSlots:
        x: int

    for cls in (WithFactory, WithPostInit, NoSlots, int):
        with pytest.raises(TypeError):
            fast_constructor(cls)
    with pytest.raises(TypeError, match="no slot"):
        slot_setter(_Point, "z")


def test_model_objects_and_diagnostics_made_fast_are_whole() -> None:
    tree = infmigrate.parse(b"[S]\r\nk = a, b\r\n[S]\r\nc\r\n")
    model = build_model(tree)
    section = model.section("s")
    assert section is not None and section.folded == "s" and len(section.blocks) == 2
    assert [(r.key, r.values, r.index) for r in section.entries] == [
        ("k", ("a", "b"), 0),
        (None, ("c",), 1),
    ]
    assert section.first("K") is section.entries[0]
    with pytest.raises(FrozenInstanceError):
        section.entries[0].index = 3  # type: ignore[misc]
    assert type(section.entries[0]) is EntryRef
    diag = Diagnostic("ISO001", "x", "m", 3, infverif=(1,))
    assert pickle.loads(pickle.dumps(diag)) == diag


def _text(name: str, count: int) -> str:
    return f"{name} is written {count} times"


def test_a_deferred_message_reads_as_its_text() -> None:
    deferred = Diagnostic("ISO001", "x", Deferred((_text, "V", 2)), 3, infverif=(1,))  # type: ignore[arg-type]
    plain = Diagnostic("ISO001", "x", "V is written 2 times", 3, infverif=(1,))
    assert deferred.message == "V is written 2 times"
    assert deferred == plain and hash(deferred) == hash(plain) and repr(deferred) == repr(plain)
    assert deferred != Diagnostic("ISO001", "x", "V is written 3 times", 3, infverif=(1,))
    loaded = pickle.loads(pickle.dumps(deferred))
    assert loaded == plain and loaded.message == plain.message
    assert replace(deferred, line=4).message == plain.message
    with pytest.raises(FrozenInstanceError):
        deferred.message = "m"  # type: ignore[misc]


def test_a_deferred_message_of_a_fix_not_offered_is_made_then() -> None:
    class Rule(Fixer):
        code, name, message = "ISO999", "t", "default"

    tree = parse(b'[S]\nk = "unclosed\n')
    entry = tree.sections[0].entries[0]
    fix = Fix("t", (Edit.replace(entry, entry),))
    diag = Rule().diagnostic(entry, Deferred((_text, "V", 2)), fix=fix)
    assert diag.fix is None
    assert diag.message.startswith("V is written 2 times (not fixed automatically: ")


# --- which fixes a run applies ------------------------------------------------------------


def test_settings_say_which_fixes_are_applied() -> None:
    safe, unsafe, shown = (Fix("t", (), a) for a in Applicability)
    assert Settings().applies(safe)
    assert not Settings().applies(unsafe)
    assert Settings(unsafe_fixes=True).applies(unsafe)
    assert not Settings(unsafe_fixes=True).applies(shown)
    assert not Settings(unsafe_fixes=True).applies(None)


# --- code prefixes ------------------------------------------------------------------------


def test_code_prefixes() -> None:
    assert code_matches("ISO020", "ISO02")
    assert code_matches("ISO020", "ALL")
    assert code_matches("ISO020", "")
    assert not code_matches("ISO020", "ISO03")
    assert not code_matches("ISO020", "ISO0200")
    assert matches_any("INF003", {"ISO", "INF"})
    assert not matches_any("INF003", set())
    assert {r.code for r in select_rules(["ALL"], ignore=["ISO0", "ISO1"])} == set()
    assert all(r.code.startswith("ISO1") for r in select_rules(["ALL"], ignore=["ISO0"]))


def test_a_suppression_comment_matches_codes_as_select_does() -> None:
    data = (
        b'[Version]\r\nSignature = "$Windows NT$"\r\n'
        b"CatalogFile = a.cat ; infmigrate: ignore-file[ALL]\r\n"
    )
    assert check(infmigrate.parse(data), select_rules(["ISO015"])) == []
    kept = data.replace(b"[ALL]", b"[ISO02]")
    assert [d.code for d in check(infmigrate.parse(kept), select_rules(["ISO015"]))] == ["ISO015"]


# --- unique section names -----------------------------------------------------------------


def test_unique_section_names() -> None:
    model = build_model(infmigrate.parse(b"[Svc_Params_AddReg]\r\n[svc_params_addreg_2]\r\n"))
    taken: set[str] = set()
    assert unique_section_name(model, "Svc_Params_AddReg", taken) == "Svc_Params_AddReg_3"
    assert unique_section_name(model, "svc_params_addreg", taken) == "svc_params_addreg_4"
    assert unique_section_name(model, "My Driver (x64)!", taken) == "My_Driver_x64"
    assert unique_section_name(model, "%%", taken) == "Section"
    assert taken == {"svc_params_addreg_3", "svc_params_addreg_4", "my_driver_x64", "section"}
    assert all(valid_section_name(name) for name in taken)
