"""Rule registration, discovery and selection; rule documentation conventions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infmigrate.engine.catalog import RuleError, all_rules, register, rule
from infmigrate.engine.fixer import FixAvailability, Fixer
from infmigrate.engine.ruledocs import explain
from infmigrate.engine.selection import select_rules

ROOT = Path(__file__).resolve().parents[1]

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


def _family_blocks() -> dict[str, range]:
    """The family table of CONTRIBUTING.md: folder -> its block of ISO codes."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\|[^|\n]*\| `infmigrate/rules/(\w+)/` \| ISO(\d{3})-ISO(\d{3}) \|$", guide, re.M
    )
    return {folder: range(int(low), int(high) + 1) for folder, low, high in rows}


def test_each_rule_module_is_named_after_its_rule_in_its_familys_block() -> None:
    """Module name = rule name, one rule per module, in a family folder, with a code in the
    block CONTRIBUTING.md gives that family."""
    blocks = _family_blocks()
    assert set(blocks) >= {"placement", "registry", "directives"}
    modules: dict[str, str] = {}
    for cls in all_rules():
        package, family, module = cls.__module__.rsplit(".", 2)
        assert package == "infmigrate.rules", cls.__module__
        assert module == cls.name.replace("-", "_"), (cls.code, cls.__module__)
        assert family in blocks, f"{cls.code}: folder {family!r} is not in CONTRIBUTING.md"
        assert int(cls.code[3:]) in blocks[family], (cls.code, family)
        assert cls.__module__ not in modules, (cls.code, modules.get(cls.__module__))
        modules[cls.__module__] = cls.code


def test_every_rule_module_on_disk_is_discovered() -> None:
    """Every ``infmigrate/rules/<family>/<name>.py`` is a rule (found by the catalog with no
    list to edit); the ``_`` modules, shared analyses, register none."""
    on_disk = {
        f"infmigrate.rules.{path.parent.name}.{path.stem}"
        for path in (ROOT / "infmigrate" / "rules").glob("*/*.py")
    }
    registered = {cls.__module__ for cls in all_rules()}
    rules = {m for m in on_disk if not m.rsplit(".", 1)[1].startswith("_")}
    assert registered == rules
    assert not any(m.rsplit(".", 1)[1].startswith("_") for m in registered)


def test_rule_docs_have_ruffs_headings_in_order() -> None:
    for cls in all_rules():
        doc = cls.docs()
        positions = [doc.find(h) for h in HEADINGS]
        assert all(p >= 0 for p in positions), (cls.code, positions)
        assert positions == sorted(positions), cls.code
        assert "Use instead:" in doc, cls.code
        references = doc.split("## References", 1)[1]
        assert "https://" in references, f"{cls.code}: no link under ## References"


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


def test_a_rule_pack_that_cannot_be_imported_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stale or broken ``infmigrate.fixers`` entry point (e.g. the metadata of an older
    install naming a package that no longer exists) is a clear RuleError naming the pack,
    not an internal error; once it is gone, loading works again."""
    from importlib.metadata import EntryPoint

    from infmigrate.engine import catalog

    stale = EntryPoint(name="old-pack", value="no_such_infmigrate_pack", group="infmigrate.fixers")
    monkeypatch.setattr(catalog, "_loaded", False)
    monkeypatch.setattr(catalog, "declares_entry_points", lambda group: True)
    monkeypatch.setattr(catalog, "_entry_points", lambda group: [stale])
    with pytest.raises(
        RuleError,
        match=r"rule pack 'old-pack' \(entry point "
        r"'no_such_infmigrate_pack'\) cannot be imported: No module named",
    ):
        catalog.all_rules()
    monkeypatch.setattr(catalog, "_entry_points", lambda group: [])
    assert rule("ISO001").code == "ISO001"
