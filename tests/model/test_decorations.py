"""TargetOSVersion parsing, Manufacturer/Models, install-section resolution (3.1)."""

from __future__ import annotations

import pytest

from infmigrate.engine.model import TargetOS, parse_target_os
from infmigrate.engine.model.decorations import (
    install_candidates,
    placeholders,
    source_candidates,
    split_decoration,
    stamp_arch,
)

from ._load import fixture, model


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("NT", (None, None, None, None, None, None)),
        ("nt", (None, None, None, None, None, None)),
        ("NTamd64", ("amd64", None, None, None, None, None)),
        ("NTARM64", ("arm64", None, None, None, None, None)),
        ("NTarm", ("arm", None, None, None, None, None)),
        ("NTx86.5.1", ("x86", 5, 1, None, None, None)),
        ("NTamd64.10.0...16299", ("amd64", 10, 0, None, None, 16299)),
        ("NT.6.1", (None, 6, 1, None, None, None)),
        ("NTia64.5.2.0x3.0x00000110", ("ia64", 5, 2, 3, 0x110, None)),
        ("NTx86.6.0.1", ("x86", 6, 0, 1, None, None)),
        ("NT$ARCH$.10.0...22000", ("$ARCH$", 10, 0, None, None, 22000)),
        ("nt$arch$", ("$ARCH$", None, None, None, None, None)),
        ("NTamd64.", ("amd64", None, None, None, None, None)),
    ],
)
def test_parse_valid(text, fields):
    t = parse_target_os(text)
    assert t.valid and t.error == "" and t.raw == text
    assert (t.arch, t.major, t.minor, t.product_type, t.suite_mask, t.build) == fields
    assert t.min_build == fields[5]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("NTx64", "unknown architecture 'x64'"),
        ("amd64", "does not start with NT"),
        ("", "does not start with NT"),
        ("NTamd64.10.0...16299.1", "more than five version fields"),
        ("NTamd64.ten", "field 'ten' is not a number"),
        ("NTamd64.10.0...0x10", "field '0x10' is not a number"),  # build is decimal
        ("Ntamd64 .10", "unknown architecture 'amd64 '"),
    ],
)
def test_parse_malformed_keeps_raw(text, error):
    t = parse_target_os(text)
    assert not t.valid and t.raw == text and t.error == error


def test_target_os_helpers():
    t = parse_target_os("NTamd64.10.0...16299")
    assert t.platform == "amd64" and t.install_suffix == "NTamd64" and t.has_version
    assert not t.allows_build_below(16299) and t.allows_build_below(17134)
    assert str(t) == "NTamd64.10.0...16299"
    nt = parse_target_os("NT")
    assert nt.platform == "x86" and nt.install_suffix == "NT" and not nt.has_version
    assert nt.allows_build_below(16299)
    assert parse_target_os("NTamd64.6.3").allows_build_below(16299)
    assert not parse_target_os("NTamd64.11.0").allows_build_below(16299)
    assert TargetOS("x", valid=False).platform == "x86"


def test_split_decoration():
    assert split_decoration("DefaultInstall", "defaultinstall") is None
    assert split_decoration("DefaultInstall.NTamd64", "DefaultInstall").arch == "amd64"
    assert split_decoration("defaultinstall.nt$arch$.10.0...25952", "DefaultInstall").build == 25952
    assert split_decoration("DefaultInstall.Services", "DefaultInstall") is False
    assert split_decoration("DefaultInstall.NTamd64.Services", "DefaultInstall") is False
    assert split_decoration("DefaultInstallX", "DefaultInstall") is False


def test_candidates():
    assert install_candidates("Inst", "amd64") == (
        "Inst.NTamd64",
        "Inst.NT$ARCH$",
        "Inst.NT",
        "Inst",
    )
    assert install_candidates("Inst", None) == ("Inst.NT", "Inst")
    assert source_candidates("SourceDisksFiles", "arm64") == (
        "SourceDisksFiles.arm64",
        "SourceDisksFiles",
    )
    assert source_candidates("SourceDisksFiles", None) == ("SourceDisksFiles",)


def test_manufacturers():
    m = fixture("decorations")
    first, legacy = m.manufacturers
    assert first.key == "%Mfg%" and first.models_name == "Contoso"
    assert [d.raw for d in first.decorations] == [
        "NTamd64",
        "NTamd64.10.0...16299",
        "NTarm64",
        "NTx64",
    ]
    assert [(ms.name, ms.index, ms.section is not None, ms.platform) for ms in first.models] == [
        ("Contoso.NTamd64", 1, True, "amd64"),
        ("Contoso.NTamd64.10.0...16299", 2, True, "amd64"),
        ("Contoso.NTarm64", 3, True, "arm64"),
        ("Contoso.NTx64", 4, True, "x86"),
    ]
    assert not first.models[3].decoration.valid
    assert legacy.key is None and legacy.decorations == ()
    (bare,) = legacy.models
    assert (bare.name, bare.decoration, bare.implicit, bare.platform) == (
        "LegacyModels",
        None,
        False,
        "x86",
    )
    assert bare.install_suffix == "NTx86"


def test_undecorated_models_next_to_decorations():
    m = model(
        "[Manufacturer]\n%M% = Std, NTamd64\n[Std]\nd = A, x\n[Std.NTamd64]\nd = A, x\n"
        "[A]\n[A.NTamd64]\n"
    )
    (mfr,) = m.manufacturers
    assert [(ms.name, ms.implicit) for ms in mfr.models] == [("Std.NTamd64", False), ("Std", True)]
    assert m.architectures == {"amd64", "x86"}
    assert [(i.name, sorted(i.platforms)) for i in m.install_sections] == [
        ("A.NTamd64", ["amd64"]),
        ("A", ["x86"]),
    ]
    # Without the bare section, the decorated entry does not list it.
    m2 = model("[Manufacturer]\n%M% = Std, NTamd64\n[Std.NTamd64]\nd = A, x\n")
    assert [ms.name for ms in m2.manufacturers[0].models] == ["Std.NTamd64"]


def test_ddinstall_resolution_fallback():
    m = fixture("decorations")
    found = {i.name: i for i in m.install_sections}
    assert list(found) == ["Inst.NTamd64", "Missing", "Other.NT", "Inst.NT", "Old"]
    inst = found["Inst.NTamd64"]
    assert inst.kind == "ddinstall" and inst.base_name == "Inst"
    assert inst.platforms == {"amd64"}
    assert [d.raw for d in inst.decorations] == ["NTamd64", "NTamd64.10.0...16299"]
    assert [e.values[1] for e in inst.models_entries] == ["ROOT\\DEV1", "ROOT\\DEV1"]
    assert [ms.name for ms in inst.models] == ["Contoso.NTamd64", "Contoso.NTamd64.10.0...16299"]
    assert list(inst.suffixes) == ["HW", "Services"]
    assert inst.suffix(".hw").name == "INST.ntamd64.hw" and inst.suffix("Wdf") is None
    # No Inst.NTarm64: arm64 falls back to Inst.NT (and its own .Services).
    nt = found["Inst.NT"]
    assert nt.platforms == {"arm64"} and list(nt.suffixes) == ["Services"]
    # %OtherInst% expands to Other; no Other.NTamd64, so Other.NT.
    assert found["Other.NT"].base_name == "Other"
    # The undecorated Models section is x86: no Old.NTx86 nor Old.NT, so Old.
    assert found["Old"].platforms == {"x86"} and found["Old"].decorations == (None,)
    missing = found["Missing"]
    assert missing.section is None and missing.suffixes == {}
    assert m.resolve_install("Inst", "ia64")[0] == "Inst.NT"


def test_malformed_decoration_is_not_walked():
    m = fixture("decorations")
    assert m.architectures == {"amd64", "arm64", "x86"}
    assert m.architectures_source == "manufacturer"
    assert "Bad" not in {i.base_name for i in m.install_sections}
    # [Inst] is unreachable too: every architecture resolves to Inst.NTamd64 or Inst.NT.
    assert [s.name for s in m.unreachable] == ["Inst", "Bad", "Bad_AddReg"]
    # Its Models section is still a Models section, not an orphan.
    assert "Contoso.NTx64" not in {s.name for s in m.unreachable}


def test_architectures_without_manufacturer():
    m = model("[DefaultInstall.NTamd64]\n[DefaultInstall.NTarm64.10.0...22000]\n")
    assert m.architectures == {"amd64", "arm64"} and m.architectures_source == "install"
    unknown = model("[DefaultInstall]\n")
    assert unknown.architectures == {"x86", "amd64", "arm", "arm64", "ia64"}
    assert unknown.architectures_source == "unknown"
    (root,) = unknown.install_sections
    assert root.platforms == unknown.architectures


def test_inx_arch_placeholder():
    m = model(
        "[Manufacturer]\n%M% = Std, NT$ARCH$.10.0...16299\n"
        "[Std.NT$ARCH$.10.0...16299]\nd = Inst, x\n[Inst.NT$ARCH$]\n[Inst.NT$ARCH$.Wdf]\n"
    )
    assert m.architectures == {"$ARCH$"}
    (inst,) = m.install_sections
    assert inst.name == "Inst.NT$ARCH$" and list(inst.suffixes) == ["Wdf"]
    assert inst.decorations[0].min_build == 16299


def test_inx_arch_placeholder_stamped_models_section():
    # [Manufacturer] says NT$ARCH$, the file has only [Std.NTarm]: stampinf -a arm reaches it
    m = model(
        "[Manufacturer]\n%M% = Std, NT$ARCH$\n[Std.NTarm]\nd = Inst, x\n"
        "[Inst.NT]\nCopyFiles = Inst.Files\n[Inst.Files]\nx.sys\n"
    )
    assert m.architectures == {"arm"}
    (models,) = m.manufacturers[0].models
    assert models.name == "Std.NTarm" and models.decoration.arch == "arm"
    assert [fl.name for fl in m.file_lists] == ["Inst.Files"]


def test_inx_arch_placeholder_every_stamped_architecture():
    m = model(
        "[Manufacturer]\n%M% = Std, NT$ARCH$.10.0...16299\n"
        "[Std.NTamd64.10.0...16299]\nd = Inst, x\n[Std.NTarm64.10.0...16299]\nd = Inst, x\n"
    )
    assert m.architectures == {"amd64", "arm64"}
    assert [ms.name for ms in m.manufacturers[0].models] == [
        "Std.NTamd64.10.0...16299",
        "Std.NTarm64.10.0...16299",
    ]


def test_inx_arch_placeholder_missing_everywhere_keeps_the_literal_name():
    m = model("[Manufacturer]\n%M% = Std, NT$ARCH$\n")
    (models,) = m.manufacturers[0].models
    assert models.name == "Std.NT$ARCH$" and models.section is None


def test_install_section_named_with_arch_placeholder():
    # reached on arm, [Inst.NT$ARCH$] is what stampinf -a arm names [Inst.NTarm]
    m = model(
        "[Manufacturer]\n%M% = Std, NTarm\n[Std.NTarm]\nd = Inst, x\n"
        "[Inst.NT$ARCH$]\nCopyFiles = F\n[Inst.NT]\n[F]\nx.sys\n"
    )
    (inst,) = m.install_sections
    assert inst.name == "Inst.NT$ARCH$"
    assert install_candidates("Inst", "arm") == ("Inst.NTarm", "Inst.NT$ARCH$", "Inst.NT", "Inst")
    assert install_candidates("Inst", "ia64") == ("Inst.NTia64", "Inst.NT", "Inst")


def test_placeholders():
    assert placeholders("Cx_$ARCH$.$KMDFVERSION$") == ("$ARCH$", "$KMDFVERSION$")
    assert placeholders("a$b") == ()
    assert stamp_arch("Std.NT$arch$.10.0", "arm64") == "Std.NTarm64.10.0"


def test_the_models_naming_a_section_and_the_decorations_a_line_writes() -> None:
    # (indexes read once a model: the planner asked each of thousands of Models sections
    # by scanning every Manufacturer entry, issue 18)
    m = model(
        "[Manufacturer]\n%A% = Cx, NTamd64, NTamd64.10.0...16299\n%B% = Cx, NTamd64\n"
        "[Cx.NTamd64]\n[Cx.NTamd64.10.0...16299]\n"
    )
    first, second = m.manufacturers
    plain = m.section("Cx.NTamd64")
    assert [x.manufacturer for x in m.models_naming(plain)] == [first.entry, second.entry]
    assert len(m.models_naming(m.section("Cx.NTamd64.10.0...16299"))) == 1
    assert list(m.models_naming(None)) == [
        x for x in first.models + second.models if x.section is None
    ]
    assert m.decorations_written(first.entry) == {"ntamd64", "ntamd64.10.0...16299"}
    assert m.decorations_written(second.entry) == {"ntamd64"}
