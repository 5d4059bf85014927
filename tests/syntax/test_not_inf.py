"""INF006: a file that is not an INF at all gets one finding, not one INF002 per line.

``fixtures/notinf/<case>.inf`` with ``<case>.diagnostics``: the file's syntax findings, one a
line, ``line:column CODE message`` (``INFMIGRATE_UPDATE_FIXTURES=diagnostics`` rewrites
them: review the diff). Then the thresholds, and every real INF of the corpus.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import infmigrate
from infmigrate.engine.problems import syntax_diagnostics
from infmigrate.engine.syntax.notinf import MIN_PROLOG_LINES, not_an_inf

from ..corpus import CORPUS, corpus_files, needs_corpus

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "notinf"
CASES = sorted(FIXTURES.glob("*.inf"))
UPDATE = os.environ.get("INFMIGRATE_UPDATE_FIXTURES", "")

#: The fixtures that are not INFs; the others are INFs with syntax errors.
NOT_INF = {"c_source.inf", "c_source_utf16.inf", "html.inf"}


def _render(data: bytes) -> str:
    tree = infmigrate.parse(data)
    return "".join(f"{d.line}:{d.column} {d.code} {d.message}\n" for d in syntax_diagnostics(tree))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_fixture(case: Path) -> None:
    data = case.read_bytes()
    assert infmigrate.parse(data).to_bytes() == data
    rendered = _render(data)
    snapshot = case.with_suffix(".diagnostics")
    if UPDATE in ("all", "diagnostics"):
        snapshot.write_text(rendered, encoding="utf-8", newline="\n")
    assert rendered == snapshot.read_text(encoding="utf-8")
    codes = [line.split()[1] for line in rendered.splitlines()]
    if case.name in NOT_INF:
        assert codes == ["INF006"]
    else:
        assert "INF006" not in codes and "INF002" in codes


def test_fixture_set_covers_both_encodings() -> None:
    assert {c.name for c in CASES} >= NOT_INF
    assert (FIXTURES / "c_source_utf16.inf").read_bytes().startswith(b"\xff\xfe")
    assert infmigrate.parse((FIXTURES / "c_source_utf16.inf").read_bytes()).newline == "\r\n"


def _text(prolog: int, body: int, *, version: bool = False) -> bytes:
    lines = [f"int x{i} = {i};" for i in range(prolog)]
    lines.append("[Version]" if version else "[Strings]")
    lines += [f'S{i} = "{i}"' for i in range(body)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


@pytest.mark.parametrize(
    ("prolog", "body", "version", "fires"),
    [
        (MIN_PROLOG_LINES, MIN_PROLOG_LINES - 1, False, True),  # half the lines, header included
        (MIN_PROLOG_LINES, MIN_PROLOG_LINES, False, False),  # less than half
        (MIN_PROLOG_LINES - 1, 0, False, False),  # too few stray lines for a file with sections
        (50, 0, True, False),  # a [Version] section: always an INF
        (0, 5, False, False),  # nothing before the first section
    ],
)
def test_thresholds(prolog: int, body: int, version: bool, fires: bool) -> None:
    tree = infmigrate.parse(_text(prolog, body, version=version))
    assert (not_an_inf(tree) is not None) is fires


@pytest.mark.parametrize("text", [b"", b"\r\n", b"; only a comment\r\n", b"\x00\x01binary"])
def test_empty_or_comment_only_is_not_flagged(text: bytes) -> None:
    assert not_an_inf(infmigrate.parse(text)) is None


def test_one_stray_line_without_any_section_fires() -> None:
    why = not_an_inf(infmigrate.parse(b"\r\n  hello world\r\n"))
    assert why is not None
    assert (why.line, why.column) == (2, 3)
    assert why.message == "not an INF file: no section header in 1 line of text; nothing checked"


def test_unclosed_header_is_a_damaged_inf_not_another_file() -> None:
    tree = infmigrate.parse(b"Signature=x\r\n[Version\r\nClass=System\r\n")
    assert not_an_inf(tree) is None
    assert [d.code for d in syntax_diagnostics(tree)] == ["INF002", "INF001", "INF002"]


@needs_corpus
def test_corpus_files_that_are_not_infs() -> None:
    """Exactly these corpus files get INF006 (none: every corpus file is a real INF, even
    the one with a ``/* ... */`` licence block above [Version], which keeps its INF002s)."""
    flagged = []
    for rel in corpus_files():
        if not_an_inf(infmigrate.parse((CORPUS / rel).read_bytes())) is not None:
            flagged.append(rel)
    assert len(corpus_files()) == 1443
    assert flagged == []


@needs_corpus
def test_corpus_licence_block_keeps_its_inf002s() -> None:
    rel = (
        "WOA-Project__Lumia-Drivers/components/QC899X/Platform/PLATFORM.SOC_QC899X.BASE/"
        "Source/Drivers/Cellular/LteCoexistanceManager/qcltecoexmgr8994.inf"
    )
    tree = infmigrate.parse((CORPUS / rel).read_bytes())
    assert [d.code for d in syntax_diagnostics(tree)] == ["INF002"] * 5
