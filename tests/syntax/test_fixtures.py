"""Hand-written syntax fixtures: exact round trip and the cooked view SetupAPI would see.

Every ``.inf``/``.inx`` file under ``fixtures/`` must round-trip byte for byte. Files
with a ``<name>.expected.json`` beside them (``fixtures/roundtrip/``) must also parse
to exactly that JSON, which is written by hand from the syntax rules; the reference
reader is held to the same JSON, so it is tested too.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

import infmigrate
from tests.reference_reader import read as reference_read

from ._views import FIXTURES, expected_view, first_difference, parser_view

ALL_FIXTURES = sorted(
    p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix.lower() in {".inf", ".inx"}
)
WITH_EXPECTED = [p for p in ALL_FIXTURES if p.with_suffix(".expected.json").is_file()]


def _id(path: Path) -> str:
    return path.relative_to(FIXTURES).as_posix()


def _expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def test_fixtures_exist():
    assert len(WITH_EXPECTED) >= 30, "fixtures/roundtrip/*.expected.json went missing"
    orphans = [
        p.name
        for p in (FIXTURES / "roundtrip").glob("*.expected.json")
        if not p.with_name(p.name.replace(".expected.json", ".inf")).is_file()
    ]
    assert not orphans, f"expected files without a fixture: {orphans}"


def test_binary_fixtures_match_their_generator():
    """The committed bytes are what ``_make_binary.py`` writes (no line-end rewriting)."""
    spec = importlib.util.spec_from_file_location(
        "_make_binary", FIXTURES / "roundtrip/_make_binary.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, data in module.FIXTURES.items():
        assert (FIXTURES / "roundtrip" / f"{name}.inf").read_bytes() == data, name


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=_id)
def test_round_trip(path: Path):
    data = path.read_bytes()
    assert infmigrate.parse(data).to_bytes() == data


@pytest.mark.parametrize("path", WITH_EXPECTED, ids=_id)
def test_parser_matches_expected(path: Path):
    expected = _expected(path)
    inf = infmigrate.parse(path.read_bytes())
    assert (inf.encoding, inf.bom) == (expected["encoding"], expected["bom"])
    actual, wanted = parser_view(inf), expected_view(expected)
    assert actual == wanted, first_difference(actual, wanted)


@pytest.mark.parametrize("path", WITH_EXPECTED, ids=_id)
def test_parser_problems_match_expected(path: Path):
    inf = infmigrate.parse(path.read_bytes())
    actual = sorted((p.line, p.severity) for p in inf.problems)
    wanted = sorted((p["line"], p["severity"]) for p in _expected(path)["problems"])
    assert actual == wanted, [(p.line, p.column, p.severity, p.message) for p in inf.problems]
    for problem in inf.problems:
        assert problem.column >= 1
        assert problem.message


@pytest.mark.parametrize("path", WITH_EXPECTED, ids=_id)
def test_reference_reader_matches_expected(path: Path):
    expected = _expected(path)
    encoding, bom, sections = reference_read(path.read_bytes())
    assert (encoding, bom) == (expected["encoding"], expected["bom"])
    wanted = expected_view(expected)
    assert sections == wanted, first_difference(sections, wanted)


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=_id)
def test_parser_agrees_with_reference_reader(path: Path):
    data = path.read_bytes()
    inf = infmigrate.parse(data)
    encoding, bom, sections = reference_read(data)
    assert (inf.encoding, inf.bom) == (encoding, bom)
    actual = parser_view(inf)
    assert actual == sections, first_difference(actual, sections)
