"""The cloning primitive of the edit layer (infmigrate.engine.clone)."""

from __future__ import annotations

import pytest

import infmigrate
from infmigrate.engine.clone import Cloner, NameAllocator, name_suffix, rewrite_fields, with_field
from infmigrate.engine.edits import apply_edits
from infmigrate.engine.model import build_model

_INF = """\
[Version]
Signature = "$WINDOWS NT$"

[Manufacturer]
%Mfg% = Std, NTarm, NTARM64.10.0...16299

[Std.NTarm]
%Dev% = Dev_Inst, ACPI\\C0001

[Std.NTARM64.10.0...16299]
%Dev% = Dev_Inst, ACPI\\C0001

[Dev_Inst.NT]
CopyFiles = Dev_Files
[Dev_Inst.NT.HW]
AddReg = Dev_HW   ; the filter

; service installation
[Dev_Inst.NT.Services]
AddService = cdev, 2, Dev_Svc

[Dev_Files]
cdev.sys

[Dev_Svc]
ServiceBinary = %12%\\cdev.sys

[Strings]
Mfg = "Contoso"
Dev = "Device"
"""


def _model(text: str, newline: str = "\r\n"):  # type: ignore[no-untyped-def]
    return build_model(infmigrate.parse(text.replace("\n", newline).encode()))


def _install(model, name: str):  # type: ignore[no-untyped-def]
    return next(i for i in model.install_sections if i.name.casefold() == name.casefold())


def test_clone_install_copies_every_suffix_under_the_decoration() -> None:
    model = _model(_INF)
    install = _install(model, "Dev_Inst.NT")
    assert install.platforms == {"arm", "arm64"}
    cloner = Cloner(model)
    services = model.section("Dev_Inst.NT.Services")
    assert services is not None
    add_service = services.entries[0]
    rewrite = rewrite_fields([(add_service, 2, 0, len("Dev_Svc"), "Dev_Svc_arm64")])
    clone = cloner.install(install, "arm64", rewrite=rewrite)
    assert clone.name == "Dev_Inst.NTARM64"  # spelled as the Models decoration
    out = apply_edits(model.tree, cloner.edits()).to_bytes().decode()
    assert "[Dev_Inst.NT]\r\nCopyFiles = Dev_Files\r\n\r\n[Dev_Inst.NTARM64]\r\n" in out
    # the comment introducing the next section moves after the copy
    assert (
        "[Dev_Inst.NTARM64.HW]\r\nAddReg = Dev_HW   ; the filter\r\n\r\n"
        "; service installation\r\n[Dev_Inst.NT.Services]" in out
    )
    assert "AddService = cdev, 2, Dev_Svc\r\n\r\n[Dev_Inst.NTARM64.Services]\r\n" in out
    assert "[Dev_Inst.NTARM64.Services]\r\nAddService = cdev, 2, Dev_Svc_arm64\r\n" in out
    after = build_model(infmigrate.parse(out.encode()))
    # arm64 now resolves to the copy, arm keeps the original; nothing is left unreached
    assert {i.name for i in after.install_sections} == {"Dev_Inst.NT", "Dev_Inst.NTARM64"}
    assert _install(after, "Dev_Inst.NTARM64").platforms == {"arm64"}
    assert _install(after, "Dev_Inst.NT").platforms == {"arm"}
    assert set(_install(after, "Dev_Inst.NTARM64").suffixes) == {"HW", "Services"}
    assert not after.unreachable


def test_models_entries_naming_dot_nt_are_rewired_for_the_copy() -> None:
    model = _model(_INF.replace("= Dev_Inst,", "= Dev_Inst.NT,"))
    install = _install(model, "Dev_Inst.NT")
    cloner = Cloner(model)
    clone = cloner.install(install, "arm")
    assert clone.name == "Dev_Inst.NTarm"
    out = apply_edits(model.tree, cloner.edits()).to_bytes().decode()
    assert "[Std.NTarm]\r\n%Dev% = Dev_Inst, ACPI\\C0001" in out
    assert "[Std.NTARM64.10.0...16299]\r\n%Dev% = Dev_Inst.NT, ACPI\\C0001" in out
    after = build_model(infmigrate.parse(out.encode()))
    assert _install(after, "Dev_Inst.NTarm").platforms == {"arm"}
    assert not after.unreachable


def test_clone_install_refuses_what_it_cannot_copy() -> None:
    model = _model(_INF)
    install = _install(model, "Dev_Inst.NT")
    with pytest.raises(ValueError, match="not reached on amd64"):
        Cloner(model).install(install, "amd64")
    taken = _model(_INF + "[Dev_Inst.NTarm]\nCopyFiles = Dev_Files\n")
    # [Dev_Inst.NTarm] exists: arm resolves to it, so the shared section is arm64's only
    assert _install(taken, "Dev_Inst.NT").platforms == {"arm64"}


def test_names_are_unique_and_valid() -> None:
    names = NameAllocator(_model(_INF))
    assert names.claim("Dev_Svc") == "Dev_Svc_2"
    assert names.claim("Dev_Svc") == "Dev_Svc_3"
    assert names.claim("Dev_Svc_arm64") == "Dev_Svc_arm64"
    assert name_suffix("drivers\\arm 64") == "drivers_arm_64"
    with pytest.raises(ValueError):
        names.claim("bad name]")


def test_clone_section_copies_lines_as_new_nodes_with_rewrites() -> None:
    model = _model(_INF, "\n")
    svc = model.section("Dev_Svc")
    assert svc is not None
    line = svc.entries[0]
    new = with_field(line.entry, 0, "%13%\\arm64\\cdev.sys")
    cloner = Cloner(model)
    cloner.section(svc, "Dev_Svc_arm64", rewrite={id(line.entry): new})
    edits = cloner.edits()
    out = apply_edits(model.tree, edits).to_bytes().decode()
    assert "[Dev_Svc]\nServiceBinary = %12%\\cdev.sys\n\n[Dev_Svc_arm64]\n" in out
    assert "[Dev_Svc_arm64]\nServiceBinary = %13%\\arm64\\cdev.sys\n\n[Strings]" in out
    inserted = next(e for e in edits if e.kind == "insert_section").new[0]
    assert all(a is not b for a in inserted.body for b in svc.blocks[0].body)


def test_with_field_keeps_quotes() -> None:
    tree = infmigrate.parse(b'[S]\r\nHKR,,X,,"%12%\\a.sys"\r\n')
    entry = tree.sections[0].entries[0]
    assert with_field(entry, 4, "%13%\\a.sys").code == 'HKR,,X,,"%13%\\a.sys"\r\n'


def test_claiming_one_name_many_times_tries_each_suffix_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 18 (stop 28): each claim of a name claimed before tried every suffix from 2:
    thousands of twins wanting one name were quadratic."""
    import infmigrate.engine.clone as clone

    names = NameAllocator(_model(_INF))
    got = [names.claim("Twin") for _ in range(500)]
    assert got == ["Twin", *(f"Twin_{n}" for n in range(2, 501))]
    folded: list[str] = []
    fold = clone.fold

    def counting(text: str) -> str:
        folded.append(text)
        return fold(text)

    monkeypatch.setattr(clone, "fold", counting)
    assert names.claim("Twin") == "Twin_501"
    assert len(folded) <= 4, folded  # (not the 500 suffixes taken before)
