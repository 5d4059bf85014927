"""Strings tables: locale fallback (1.9), expansion rules (1.7), expand_all."""

from __future__ import annotations

import pytest

from infmigrate.engine.model import StringTable
from infmigrate.engine.model.strings import normalize_locale

from ._load import fixture, model


@pytest.fixture(scope="module")
def strings() -> StringTable:
    return fixture("strings").strings


def test_tables_and_locales(strings: StringTable):
    assert strings.locales == (None, "0407", "0009", "0C0A")
    assert [s.name for s in strings.invalid_sections] == ["Strings.ENU"]
    # "DUP" repeats "Dup" in [Strings]: the first definition wins.
    assert [d.line for d in strings.duplicates] == [17]
    assert strings.lookup("dup") == "first"
    assert strings.entry("PROVIDER").line == 9
    assert strings.entry("Provider", "0407").values == ("Contoso GmbH",)


@pytest.mark.parametrize(
    ("locale", "chosen"),
    [
        (None, None),
        ("0407", "0407"),  # exact LANGID
        (0x0407, "0407"),
        ("0x0407", "0407"),
        ("0409", "0009"),  # same primary language, SUBLANG_NEUTRAL
        ("0809", "0009"),
        ("0807", "0407"),  # no 0007: any sublanguage of German
        ("040a", "0C0A"),  # no 000A: any sublanguage of Spanish
        ("0411", None),  # Japanese: undecorated [Strings]
        ("bogus", None),
    ],
)
def test_locale_fallback(strings: StringTable, locale, chosen):
    assert strings.select(locale) == chosen


def test_expand_per_locale(strings: StringTable):
    assert strings.expand("%Greeting%, world") == "Hello, world"
    assert strings.expand("%greeting%, world", "0407") == "Hallo, world"
    assert strings.expand("%Greeting%", "0809") == "Hi"
    assert strings.expand("%Greeting%", "080A") == "Hola"
    assert strings.expand("%Greeting%", "0411") == "Hello"
    # No per-key fallback: [Strings.0407] lacks OnlyHere, so German leaves it as written.
    assert strings.expand("%OnlyHere%", "0407") == "%OnlyHere%"


def test_expansion_rules(strings: StringTable):
    assert strings.expand("%%SystemRoot%%\\System32") == "%SystemRoot%\\System32"
    assert strings.expand("%11%\\x.sys") == "%11%\\x.sys"  # DIRIDs kept
    assert strings.expand("%Unknown% and %Greeting%") == "%Unknown% and Hello"
    assert strings.expand("50% off %Greeting%") == "50% off %Greeting%"  # "% off %" pairs
    assert strings.expand("lone % sign") == "lone % sign"
    assert strings.expand("no tokens") == "no tokens"
    # One pass: a value's own %% and tokens are not expanded again.
    assert strings.lookup("Percent") == "100%%"
    assert strings.expand("%Percent%") == "100%%"
    assert strings.lookup("Quoted") == '"quoted"'
    # An unquoted comma splits a value; the first field is used.
    assert strings.lookup("Split") == "first"


def test_pieces_map_back_to_the_source(strings: StringTable):
    pieces = strings.pieces("a%Greeting%%%b%11%c%")
    assert [(p.kind, p.text, p.start, p.end, p.token) for p in pieces] == [
        ("text", "a", 0, 1, ""),
        ("string", "Hello", 1, 11, "Greeting"),
        ("percent", "%", 11, 13, ""),
        ("text", "b", 13, 14, ""),
        ("unresolved", "%11%", 14, 18, "11"),
        ("text", "c", 18, 19, ""),
        ("lone", "%", 19, 20, ""),
    ]


def test_expand_all_uniform(strings: StringTable):
    e = strings.expand_all("%Split%\\%Quoted%")
    assert e.uniform and e.value == 'first\\"quoted"'
    assert e.tokens == ("Split", "Quoted") and e.undefined == ()
    plain = strings.expand_all("plain")
    assert plain.uniform and plain.value == "plain" and dict(plain.values) == {None: "plain"}


def test_expand_all_not_uniform(strings: StringTable):
    e = strings.expand_all("%SvcName%")
    assert not e.uniform and e.value is None
    assert dict(e.values) == {None: "cx", "0407": "cx", "0009": "cx", "0C0A": "cx_es"}
    assert e.tokens == ("SvcName",) and e.undefined == ()


def test_expand_all_undefined(strings: StringTable):
    e = strings.expand_all("%OnlyHere% %11% %Nowhere%")
    assert dict(e.values) == {
        None: "undecorated only %11% %Nowhere%",
        "0407": "%OnlyHere% %11% %Nowhere%",
        "0009": "english %11% %Nowhere%",
        "0C0A": "solo %11% %Nowhere%",
    }
    assert e.tokens == ("OnlyHere", "11", "Nowhere")
    assert e.undefined == ("OnlyHere", "Nowhere")  # numeric DIRID tokens are not undefined


def test_no_strings_section():
    strings = model("[Version]\nSignature=$Windows NT$\n").strings
    assert strings.locales == (None,)
    assert strings.expand("%X%") == "%X%"
    e = strings.expand_all("%X%")
    assert e.uniform and e.undefined == ("X",)


def test_localized_only_strings():
    strings = model('[Strings.0409]\nX = "y"\n').strings
    assert strings.select("0409") == "0409" and strings.select(None) is None
    e = strings.expand_all("%X%")
    assert dict(e.values) == {None: "%X%", "0409": "y"} and not e.uniform


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("0407", "0407"),
        ("407", "0407"),
        ("0x0c0a", "0C0A"),
        (9, "0009"),
        (None, None),
        ("", None),
        ("12345", None),
        ("zz", None),
        (-1, None),
    ],
)
def test_normalize_locale(given, normal):
    assert normalize_locale(given) == normal
