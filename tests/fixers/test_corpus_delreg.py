"""No safe fix converts or removes a DelReg or BitReg line, on any file of the corpus.

Only AddReg writes migrate (ISO020, ISO024, ISO033...); the lines of a section that a
DelReg or BitReg directive names (also when an AddReg names it too) and the DelReg/BitReg
directive lines themselves must come out of ``--write`` (every rule, safe fixes) byte for
byte, in a section of the same name that the same directive still names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import infmigrate
from infmigrate.engine.catalog import all_rules
from infmigrate.engine.fixer import Settings
from infmigrate.engine.model import build_model
from infmigrate.engine.runner import fix
from tests.corpus import CORPUS, corpus_files, needs_corpus
from tests.corpus_checks import not_additive_lines

FILES = corpus_files()


@needs_corpus
@pytest.mark.parametrize("name", FILES)
def test_delreg_bitreg_kept(name: str) -> None:
    tree = infmigrate.parse((CORPUS / name).read_bytes())
    before = not_additive_lines(build_model(tree))
    if not before:
        return
    fixed = fix(tree, all_rules(), Settings(unsafe_fixes=False), path=name).fixed
    after = not_additive_lines(build_model(infmigrate.parse(fixed.to_bytes())))
    lost = before - after
    assert not lost, f"DelReg/BitReg lines converted or dropped: {sorted(lost)}"


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize(
    "case", ["ISO020/delreg_kept_utf16", "ISO020/delreg_kept_ansi", "ISO020/section_also_delreg"]
)
def test_check_sees_the_green_case(case: str) -> None:
    """The same check on the hand-written green.inf-like fixtures (the corpus has no
    DelReg line under a service's Parameters key; before the fix, these lost theirs)."""
    tree = infmigrate.parse((FIXTURES / f"{case}.before.inf").read_bytes())
    before = not_additive_lines(build_model(tree))
    assert before
    fixed = fix(tree, all_rules(), Settings(unsafe_fixes=False), path=case).fixed
    assert not before - not_additive_lines(build_model(infmigrate.parse(fixed.to_bytes())))
