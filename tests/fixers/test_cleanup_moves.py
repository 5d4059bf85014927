"""The cleanup fixes of issue 14 together with the move to the driver store: removing a
DelFiles/RenFiles (ISO007) or a `.security` section (ISO008) unblocks ISO001, only with
--unsafe-fixes, and a DelFiles that stays never ends up deleting from DIRID 13."""

from __future__ import annotations

from pathlib import Path

import infmigrate
from infmigrate.engine.builds import parse_windows
from infmigrate.engine.fixer import Settings
from infmigrate.engine.model import ListKind, build_model
from infmigrate.engine.runner import fix
from infmigrate.engine.selection import select_rules

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _run(case: str, unsafe: bool, target: str | None = None) -> infmigrate.InfFile:
    tree = infmigrate.parse((FIXTURES / case).read_bytes())
    settings = Settings(
        unsafe_fixes=unsafe, target_windows=parse_windows(target) if target else None
    )
    return fix(tree, select_rules(["ISO0"]), settings).fixed


def _destinations(tree: infmigrate.InfFile) -> dict[str, int | None]:
    model = build_model(tree)
    return {
        fl.name.casefold(): fl.destination.dirid
        for fl in model.file_lists
        if fl.kind is ListKind.COPY
    }


def _deleting(tree: infmigrate.InfFile) -> list[tuple[str, int | None]]:
    model = build_model(tree)
    return [
        (fl.name, fl.destination.dirid) for fl in model.file_lists if fl.kind is not ListKind.COPY
    ]


def test_removing_delfiles_unblocks_the_move() -> None:
    case = "ISO007/cleanup_ansi.before.inf"
    safe = _run(case, unsafe=False)
    assert _destinations(safe) == {"cx.sys": 12}
    assert _deleting(safe)  # DelFiles and RenFiles kept
    unsafe = _run(case, unsafe=True)
    assert _destinations(unsafe) == {"cx.sys": 13}
    assert _deleting(unsafe) == []
    assert "%13%\\cx.sys" in unsafe.to_bytes().decode()


def test_uninstall_delfiles_keeps_the_list_and_never_points_at_the_store() -> None:
    case = "ISO007/primitive_utf16.before.inf"
    kept = _run(case, unsafe=True)
    assert _destinations(kept) == {"cxf.files": 12}
    assert _deleting(kept) == [("Cxf.Del", 12)]
    # a target that drops the pre-1903 uninstall: the DelFiles goes, the list moves
    # (a DefaultInstall has no Models section to decorate: the builds below 16299 keep
    # the list at 12 in [DefaultInstall.NTamd64], the branch for 16299 on copies it to 13)
    moved = _run(case, unsafe=True, target="1903")
    assert _destinations(moved) == {"cxf.files": 12, "cxf.files_16299": 13}
    assert _deleting(moved) == []


def test_security_section_dropped_only_with_the_move() -> None:
    case = "ISO008/moves_unsafe_ansi.before.inf"
    safe = _run(case, unsafe=False)
    assert _destinations(safe) == {"cx.sys": 12, "cx.old": 12}
    unsafe = _run(case, unsafe=True)
    assert _destinations(unsafe) == {"cx.sys": 13, "cx.old": 12}
    model = build_model(unsafe)
    assert model.section("Cx.Sys.Security") is None
    assert model.section("Cx.Old.Security") is not None  # its list cannot move
