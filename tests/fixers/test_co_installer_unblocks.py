"""ISO029 and the file-placement rules in one run: removing a framework co-installer
unblocks the list that held its DLL (ISO001 refuses to move a list whose file a
``CoInstallers32`` value loads by bare name, ISO004)."""

from __future__ import annotations

from pathlib import Path

import infmigrate
from infmigrate.engine.catalog import rule
from infmigrate.engine.fixer import Settings
from infmigrate.engine.runner import check, fix

CASE = Path(__file__).resolve().parents[2] / "fixtures" / "ISO029" / "dll_in_driver_list.before.inf"
RULES = [rule(code) for code in ("ISO001", "ISO004", "ISO029")]


def test_list_blocked_by_the_co_installer_alone() -> None:
    tree = infmigrate.parse(CASE.read_bytes())
    found = [d for d in check(tree, [rule("ISO001")]) if d.code == "ISO001"]
    assert len(found) == 1 and "by bare name" in found[0].message
    assert found[0].fix is None


def test_same_run_removes_the_co_installer_and_moves_the_rest() -> None:
    tree = infmigrate.parse(CASE.read_bytes())
    result = fix(tree, RULES, Settings(unsafe_fixes=False))
    text = result.fixed.to_bytes().decode()
    assert "WdfCoInstaller" not in text
    assert "Cx.Files = 13" in text
    assert "[Cx_Inst.NT.Wdf]" in text and "KmdfLibraryVersion = 1.11" in text
    assert {d.code for d in result.applied} == {"ISO001", "ISO029"}
    again = fix(infmigrate.parse(result.fixed.to_bytes()), RULES, Settings(unsafe_fixes=False))
    assert again.fixed.to_bytes() == result.fixed.to_bytes()
