"""Every rule's fixtures: ``fixtures/<CODE>/<case>.before.inf`` with its expectations.

For each case:

* ``<case>.after.inf``: the exact bytes after fixing (absent: the file must not change);
* ``<case>.diagnostics``: the diagnostics of the *original* file, one a line,
  ``line:column CODE [marker] message``, where the marker is ``[*]`` for a fix applied
  with the case's settings, ``[unsafe]`` for one that needs ``--unsafe-fixes``, ``[display]``
  for a suggestion never applied (absent: no diagnostic expected);
* a first line ``; infmigrate-test: --unsafe-fixes`` turns unsafe fixes on, and
  ``--target-windows VERSION`` on it sets the target.

Checked: the input round-trips, the output is exact, re-parses and a second run changes
nothing, only the rule under test fires, no message ends with a period, and the rule's
declared fix availability agrees with what it did. ``INFMIGRATE_UPDATE_FIXTURES=diagnostics``
rewrites the diagnostics snapshots, ``=all`` the ``.after`` files too (review the diff like
code: ``.after`` files are meant to be written by hand).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import infmigrate
from infmigrate.engine.builds import parse_windows
from infmigrate.engine.catalog import all_rules, rule
from infmigrate.engine.fixer import Applicability, Diagnostic, FixAvailability, Settings
from infmigrate.engine.runner import check, fix
from infmigrate.sources.rule import is_code_rule

ROOT = Path(__file__).resolve().parents[2] / "fixtures"
CASES = sorted(ROOT.glob("[A-Z][A-Z][A-Z][0-9][0-9][0-9]/*.before.inf"))
UPDATE = os.environ.get("INFMIGRATE_UPDATE_FIXTURES", "")


def _settings(data: bytes) -> Settings:
    head = infmigrate.parse(data).code.split("\n", 1)[0]
    if "infmigrate-test:" not in head:
        return Settings()
    words = head.split()
    target = words[words.index("--target-windows") + 1] if "--target-windows" in words else None
    return Settings(
        unsafe_fixes="--unsafe-fixes" in words,
        target_windows=parse_windows(target) if target is not None else None,
    )


def _marker(diag: Diagnostic, settings: Settings) -> str:
    if diag.fix is None:
        return ""
    if diag.fix.applicability is Applicability.SAFE:
        return "[*] "
    if diag.fix.applicability is Applicability.UNSAFE:
        return "[*] " if settings.unsafe_fixes else "[unsafe] "
    return "[display] "


def render(diagnostics: list[Diagnostic], settings: Settings) -> str:
    return "".join(
        f"{d.line}:{d.column} {d.code} {_marker(d, settings)}{d.message}\n" for d in diagnostics
    )


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name[:-11]}")
def test_fixture(case: Path) -> None:
    code = case.parent.name
    rules = [rule(code)]
    data = case.read_bytes()
    tree = infmigrate.parse(data)
    assert tree.to_bytes() == data
    settings = _settings(data)

    diagnostics = check(tree, rules, settings, str(case))
    assert {d.code for d in diagnostics} <= {code}
    assert not [d.message for d in diagnostics if d.message.endswith(".")], "final period"
    result = fix(tree, rules, settings, str(case))
    output = result.fixed.to_bytes()

    after = case.with_name(case.name.replace(".before.inf", ".after.inf"))
    snapshot = case.with_name(case.name.replace(".before.inf", ".diagnostics"))
    rendered = render(diagnostics, settings)
    if UPDATE == "all":
        if output != data:
            after.write_bytes(output)
        elif after.exists():
            after.unlink()
    if UPDATE in ("all", "diagnostics"):
        if rendered:
            snapshot.write_text(rendered, encoding="utf-8", newline="\n")
        elif snapshot.exists():
            snapshot.unlink()

    expected = after.read_bytes() if after.exists() else data
    assert output == expected
    expected_diags = snapshot.read_text(encoding="utf-8") if snapshot.exists() else ""
    assert rendered == expected_diags

    # The output is a valid INF in the same encoding, and fixing it again changes nothing.
    again = infmigrate.parse(output)
    assert (again.encoding, again.bom) == (tree.encoding, tree.bom)
    assert fix(again, rules, settings, str(case)).fixed.to_bytes() == output

    cls = rules[0]
    if cls.availability is FixAvailability.NONE:
        assert all(d.fix is None for d in diagnostics)


def test_every_rule_has_a_changed_and_an_unchanged_fixture() -> None:
    for cls in all_rules():
        if is_code_rule(cls):
            continue  # C/C++ fixtures: tests/sources/test_code_fixtures.py
        cases = list((ROOT / cls.code).glob("*.before.inf"))
        assert cases, f"{cls.code} has no fixture folder"
        changed = [
            c
            for c in cases
            if c.with_name(c.name.replace(".before", ".after")).exists()
            or c.with_name(c.name.replace(".before.inf", ".diagnostics")).exists()
        ]
        unchanged = [c for c in cases if c not in changed]
        assert changed, f"{cls.code} has no case where it fires"
        assert unchanged, f"{cls.code} has no case where it must stay silent"
        if cls.availability is not FixAvailability.NONE:
            assert any(c.with_name(c.name.replace(".before", ".after")).exists() for c in cases), (
                f"{cls.code} declares fixes but no fixture shows one"
            )
