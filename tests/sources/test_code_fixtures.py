"""Every code rule's fixtures: ``fixtures/<CODE>/<case>.<c|cpp|h...>`` with a snapshot.

For each case, ``<case>.<ext>.diagnostics`` holds the rule's findings, one a line,
``line:column-end_line:end_column CODE message`` (absent: the rule must find nothing).
Only the rule of the folder runs; ``INFMIGRATE_UPDATE_FIXTURES=diagnostics`` rewrites the
snapshots (review them like code). A rule that needs the package's INF (ISO108) finds it
as ``package.inf`` in the folder: every case is then checked as a source of that package.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infmigrate.engine.catalog import all_rules, rule
from infmigrate.engine.fixer import Diagnostic
from infmigrate.sources import is_source
from infmigrate.sources.processing import check_source
from infmigrate.sources.reader import read_source
from infmigrate.sources.rule import is_code_rule

ROOT = Path(__file__).resolve().parents[2] / "fixtures"
CASES = sorted(
    p for p in ROOT.glob("[A-Z][A-Z][A-Z][0-9][0-9][0-9]/*") if p.is_file() and is_source(p.name)
)
UPDATE = os.environ.get("INFMIGRATE_UPDATE_FIXTURES", "")


def render(diagnostics: list[Diagnostic]) -> str:
    return "".join(
        f"{d.line}:{d.column}-{d.end_line}:{d.end_column} {d.code} {d.message}\n"
        for d in diagnostics
    )


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_code_fixture(case: Path) -> None:
    code = case.parent.name
    cls = rule(code)
    assert is_code_rule(cls)
    unit = read_source(case.read_bytes(), case.name)
    diagnostics = check_source(unit, [cls])
    package = case.with_name("package.inf")
    if package.exists():
        from infmigrate.rules.code.library_loaded_by_bare_name import package_places
        from infmigrate.sources.processing import suppressed

        places = package_places(package.read_bytes(), "package.inf")
        diagnostics += suppressed(unit, list(cls().check_package(unit, places)))
    assert {d.code for d in diagnostics} <= {code}
    assert all(d.fix is None for d in diagnostics)
    snapshot = case.with_name(case.name + ".diagnostics")
    rendered = render(diagnostics)
    if UPDATE in ("all", "diagnostics"):
        if rendered:
            snapshot.write_text(rendered, encoding="utf-8", newline="\n")
        elif snapshot.exists():
            snapshot.unlink()
    expected = snapshot.read_text(encoding="utf-8") if snapshot.exists() else ""
    assert rendered == expected


def test_every_code_rule_has_a_firing_and_a_silent_fixture() -> None:
    code_rules = [cls for cls in all_rules() if is_code_rule(cls)]
    assert len(code_rules) >= 8
    for cls in code_rules:
        assert cls.code.startswith("ISO1"), cls.code
        cases = [c for c in CASES if c.parent.name == cls.code]
        firing = [c for c in cases if c.with_name(c.name + ".diagnostics").exists()]
        assert firing, f"{cls.code} has no case where it fires"
        assert len(firing) < len(cases), f"{cls.code} has no case where it must stay silent"


def test_code_rules_find_nothing_in_an_inf() -> None:
    import infmigrate
    from infmigrate.engine.runner import check

    tree = infmigrate.parse(b'[Version]\nSignature="$WINDOWS NT$"\n; \\Registry\\Machine\\x\n')
    assert check(tree, [cls for cls in all_rules() if is_code_rule(cls)]) == []
