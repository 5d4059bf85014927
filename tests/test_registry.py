"""Rule registration, discovery and selection; rule documentation conventions."""

from __future__ import annotations

import re

import pytest

from infmigrate.engine.catalog import RuleError, all_rules, register, rule
from infmigrate.engine.fixer import FixAvailability, Fixer
from infmigrate.engine.ruledocs import explain
from infmigrate.engine.selection import select_rules

HEADINGS = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Fix safety",
    "## References",
]


def test_builtin_rules_are_discovered() -> None:
    codes = [r.code for r in all_rules()]
    assert "ISO015" in codes
    assert codes == sorted(codes)
    assert rule("iso015").name == "pnp-lockdown-missing"


def test_each_fixers_module_registers_one_rule_named_after_it() -> None:
    for cls in all_rules():
        module = cls.__module__
        if module.startswith("fixers."):
            assert module.split(".")[-1] == cls.name.replace("-", "_")


def test_rule_docs_have_ruffs_headings_in_order() -> None:
    for cls in all_rules():
        doc = cls.docs()
        positions = [doc.find(h) for h in HEADINGS]
        assert all(p >= 0 for p in positions), (cls.code, positions)
        assert positions == sorted(positions), cls.code
        assert "Use instead:" in doc, cls.code


def test_rule_metadata_conventions() -> None:
    for cls in all_rules():
        assert re.fullmatch(r"ISO\d{3}", cls.code)
        assert not cls.message.endswith("."), cls.code
        if cls.availability is not FixAvailability.NONE:
            assert cls.fix_title and cls.fix_title[0].isupper(), cls.code
        assert cls.__name__[0].isupper() and not cls.__name__.startswith(("Fix", "Disallow"))


def test_select_by_prefix_ignore_and_extend() -> None:
    everything = {r.code for r in all_rules()}
    assert {r.code for r in select_rules()} == everything
    assert {r.code for r in select_rules(["ISO01"])} == {
        c for c in everything if c.startswith("ISO01")
    }
    assert "ISO015" not in {r.code for r in select_rules(ignore=["ISO015"])}
    assert {r.code for r in select_rules(["ISO015"], extend_select=["ISO01"])} == {
        c for c in everything if c.startswith("ISO01")
    }
    with pytest.raises(RuleError, match="no rule matches 'XYZ'"):
        select_rules(["XYZ"])


def test_bad_declarations_are_refused() -> None:
    class Bad(Fixer):
        code = "iso1"
        name = "bad"
        message = "m"

    with pytest.raises(RuleError, match="not of the form"):
        register(Bad)
    with pytest.raises(RuleError, match="unknown rule code"):
        rule("ISO999")


def test_explain_iso001_lists_the_flags_dirid_13_rejects() -> None:
    from infmigrate.rules.placement._driver_store import REJECTED_FLAGS

    text = explain("ISO001")
    assert "InfVerif 1103" in text
    for bit, name in REJECTED_FLAGS.items():
        assert f"`0x{bit:X}` {name}" in text
    assert "wdfsimpleum.inx" in text and "inf-copyfiles-directive" in text
