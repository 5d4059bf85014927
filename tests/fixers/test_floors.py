"""The floor of each install section's stack and the side of it each one stands on
(``rules/placement/_floors.py``), the DefaultInstall branch refused without an
architecture, and ISO011's one fix per ``[Manufacturer]`` line."""

from __future__ import annotations

import pytest

import infmigrate
from infmigrate.engine.builds import WindowsVersion
from infmigrate.engine.catalog import rule
from infmigrate.engine.model import build_model
from infmigrate.engine.model.ranges import build_ranges
from infmigrate.engine.runner import check
from infmigrate.rules.placement._floors import NEW, OLD, install_floor, install_floors, sides

BASE = """[Version]
Signature = "$WINDOWS NT$"
Class     = {cls}
Provider  = %Mfg%
[Manufacturer]
%Mfg% = Cx, {decorations}
{models}
[Cx_Inst.NT]
CopyFiles = Cx.Sys
{extra}
[DestinationDirs]
Cx.Sys = 12
[Cx.Sys]
cx.sys
[SourceDisksNames]
1 = %Disk%
[SourceDisksFiles]
cx.sys = 1
[Strings]
Mfg  = "Contoso"
Disk = "Disk"
"""


def _model(cls: str = "System", decorations: str = "NTamd64", extra: str = ""):  # type: ignore[no-untyped-def]
    models = "".join(
        f"[Cx.{d.strip()}]\n%Mfg% = Cx_Inst, ROOT\\CX\n" for d in decorations.split(",")
    )
    text = BASE.format(cls=cls, decorations=decorations, models=models, extra=extra)
    return build_model(infmigrate.parse(text.encode()))


def _install(model):  # type: ignore[no-untyped-def]
    return next(i for i in model.install_sections if i.name == "Cx_Inst.NT")


@pytest.mark.parametrize(
    ("cls", "extra", "build"),
    [
        ("System", "", 16299),
        (
            "System",
            "[Cx_Inst.NT.Wdf]\nUmdfService = CxUm, Um_Inst\n"
            "[Um_Inst]\nUmdfLibraryVersion = 2.15.0\n",
            17134,
        ),
        ("NetService", "", 25319),
        (
            "NetService",
            "[Cx_Inst.NT]\nAddReg = Ndi.Reg\n[Ndi.Reg]\nHKR, Ndi, ClsID, 0, {1}\n",
            25341,
        ),
        (
            "ActivityMonitor",
            "[Cx_Inst.NT.Services]\nAddService = cx,,Svc\n[Svc]\nServiceType = 2\n"
            'LoadOrderGroup = "FSFilter Activity Monitor"\nServiceBinary = %12%\\cx.sys\n',
            25952,
        ),
    ],
)
def test_install_floor(cls: str, extra: str, build: int) -> None:
    model = _model(cls, extra=extra)
    assert install_floor(model, _install(model)).build == build
    # every install's at once (the model read once for all: issue 18) gives the same
    assert install_floors(model)[id(_install(model))] == install_floor(model, _install(model))


@pytest.mark.parametrize(
    ("decorations", "expected"),
    [
        ("NTamd64", {OLD, NEW}),  # any version: straddles 16299
        ("NTamd64.10.0...16299", {NEW}),
        ("NTamd64.6.1, NTamd64.10.0...25341", None),  # both name Cx_Inst: unbounded
    ],
)
def test_sides(decorations: str, expected: set[int] | None) -> None:
    model = _model(decorations=decorations)
    ranges = build_ranges(model.manufacturers, model.install_sections)
    side = sides(ranges, _install(model), WindowsVersion(10, 0, 16299))
    assert side == (expected if expected is not None else {OLD, NEW})


def test_bounded_range_is_a_branch_kept_for_older_windows() -> None:
    text = BASE.format(
        cls="System",
        decorations="NTamd64, NTamd64.10.0...25341",
        models="[Cx.NTamd64]\n%Mfg% = Cx_Inst, ROOT\\CX\n"
        "[Cx.NTamd64.10.0...25341]\n%Mfg% = New_Inst, ROOT\\CX\n[New_Inst.NT]\n",
        extra="",
    )
    model = build_model(infmigrate.parse(text.encode()))
    ranges = build_ranges(model.manufacturers, model.install_sections)
    # selected below 16299 and up to 25341, where the INF's own newer branch takes over
    assert sides(ranges, _install(model), WindowsVersion(10, 0, 16299)) == {OLD}
    # so ISO001 leaves its list alone, and says nothing
    assert not [d for d in check(infmigrate.parse(text.encode()), [rule("ISO001")])]


def test_default_install_without_architecture_is_not_branched() -> None:
    text = """[Version]
Signature = "$WINDOWS NT$"
Class     = ActivityMonitor
[DestinationDirs]
Flt.Files = 12
[DefaultInstall]
CopyFiles = Flt.Files
[DefaultInstall.Services]
AddService = flt,,Flt.Svc
[Flt.Svc]
ServiceType    = 2
LoadOrderGroup = "FSFilter Activity Monitor"
ServiceBinary  = %12%\\flt.sys
[Flt.Files]
flt.sys
[SourceDisksNames]
1 = "Disk"
[SourceDisksFiles]
flt.sys = 1
"""
    diags = check(infmigrate.parse(text.encode()), [rule("ISO001")])
    assert len(diags) == 1 and diags[0].fix is None
    assert "has no architecture decoration" in diags[0].message


def test_decorations_of_one_manufacturer_line_share_one_fix() -> None:
    """Issue 18: each decoration ISO011 restricts had a fix of its own, each rewriting the
    [Manufacturer] line, so the runner applied one a round (a line of 12 never
    converged). The line's findings share one fix, applied in one round."""
    from pathlib import Path

    from infmigrate.engine.fixer import Settings
    from infmigrate.engine.runner import fix

    case = Path(__file__).resolve().parents[2] / "fixtures/ISO011/decorations.before.inf"
    tree = infmigrate.parse(case.read_bytes())
    rules = [rule("ISO011")]
    settings = Settings(unsafe_fixes=True)
    on_line = [d for d in check(tree, rules, settings) if d.line == 23]
    assert len(on_line) == 3
    assert len({id(d.fix) for d in on_line}) == 1 and on_line[0].fix is not None
    assert fix(tree, rules, settings).rounds == 2  # one round applies, the next finds nothing
