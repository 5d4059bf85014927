"""File lists: destinations (explicit, DefaultDestDir, fallback 11), files, sources per arch."""

from __future__ import annotations

from infmigrate.engine.model import DiridClass, ListKind

from ._load import fixture, model


def _lists(m):
    return {(fl.kind, fl.name): fl for fl in m.file_lists}


def test_lists_found():
    m = fixture("files")
    assert [(fl.kind.value, fl.name) for fl in m.file_lists] == [
        ("CopyFiles", "Cx.Sys"),
        ("CopyFiles", "Cx.Dll"),
        ("CopyFiles", "Cx.Store"),
        ("CopyFiles", "Cx.Default"),
        ("CopyFiles", "Cx.Missing"),
        ("CopyFiles", "cxcoinst.dll"),
        ("DelFiles", "Cx.Old"),
        ("RenFiles", "Cx.Ren"),
    ]
    # Both Models sections reach the same Cx_Inst.NT: one reference per field.
    sys = m.file_list("cx.sys")
    assert [(ref.directive, ref.index, ref.entry.line) for ref in sys.references] == [
        ("CopyFiles", 0, 20)
    ]
    assert [i.name for i in sys.installs] == ["Cx_Inst.NT"]


def test_explicit_destination_first_entry_wins():
    d = fixture("files").file_list("Cx.Sys").destination
    assert (d.dirid, d.subdir, d.origin, d.raw) == (12, "", "explicit", "12")
    assert d.entry.key == "Cx.Sys" and d.entry.line == 27
    assert d.dirid_class is DiridClass.SYSTEM32


def test_destination_with_subdir_and_hex():
    m = fixture("files")
    store = m.file_list("Cx.Store").destination
    assert (store.dirid, store.subdir, store.origin) == (13, "x64", "explicit")
    assert store.dirid_class is DiridClass.DRIVER_STORE
    old = m.file_list("Cx.Old", ListKind.DEL).destination
    assert (old.dirid, old.raw) == (12, "0x0C")
    ren = m.file_list("Cx.Ren", ListKind.REN).destination
    assert (ren.dirid, ren.raw, ren.origin, ren.dirid_class) == (None, "%12%", "explicit", None)


def test_default_dest_dir():
    m = fixture("files")
    d = m.file_list("Cx.Default").destination
    assert (d.dirid, d.origin) == (12, "default") and d.entry.key == "DefaultDestDir"
    assert m.destination_dirs.default is d
    missing = m.file_list("Cx.Missing")
    assert missing.missing and missing.section is None and missing.files == ()
    assert missing.destination.origin == "default"
    assert missing.references[0].missing


def test_at_file_copies_to_default_dest_dir():
    m = fixture("files")
    at = m.file_list("@cxcoinst.dll")
    assert at.file == "cxcoinst.dll" and at.section is None and not at.missing
    assert at.destination.origin == "default" and at.destination.dirid == 12
    (copy,) = at.files
    assert (copy.dest_name, copy.source_name, copy.entry) == ("cxcoinst.dll", "cxcoinst.dll", None)
    assert copy.sources[None].disk_id == "1"
    (ref,) = at.references
    assert ref.kind == "copy_file" and ref.target is None and not ref.missing
    assert m.file_list("cxcoinst.dll") is None  # the @ form is not a section list


def test_fallback_destination_is_dirid_11():
    m = model(
        "[Version]\nSignature=$Windows NT$\n[DefaultInstall.NTamd64]\n"
        "CopyFiles = A, @b.sys\n[A]\na.sys\n[DestinationDirs]\nOther = 13\n"
    )
    a = m.file_list("A").destination
    assert (a.dirid, a.origin, a.entry, a.subdir) == (11, "fallback", None, "")
    assert a.dirid_class is DiridClass.SYSTEM32
    assert m.file_list("@b.sys").destination.origin == "fallback"


def test_files_and_renames():
    m = fixture("files")
    dll = m.file_list("Cx.Dll")
    hlp, new = dll.files
    assert (hlp.dest_name, hlp.source_name, hlp.flags, hlp.flags_value, hlp.renames) == (
        "cxhlp.dll",
        "cxhlp.dll",
        "0x00004000",
        0x4000,
        False,
    )
    assert (new.dest_name, new.source_name, new.renames) == ("cxnew.dll", "cxold.dll", True)
    assert new.sources[None].name == "cxold.dll"  # looked up by source name
    assert new.entry.line == 42 and new.flags_value == 0
    ren = m.file_list("Cx.Ren", ListKind.REN)
    (r,) = ren.files
    assert (r.dest_name, r.source_name, dict(r.sources)) == ("cxren_new.sys", "cxren_old.sys", {})
    (d,) = m.file_list("Cx.Old", ListKind.DEL).files
    assert (d.dest_name, d.flags, dict(d.sources)) == ("cxold.sys", "1", {})


def test_security_companion():
    m = fixture("files")
    assert m.file_list("Cx.Sys").has_security
    assert m.file_list("Cx.Sys").security.name == "Cx.Sys.security"
    assert not m.file_list("Cx.Dll").has_security
    assert "Cx.Sys.security" not in {s.name for s in m.unreachable}


def test_source_disks_files_arch_lookup():
    m = fixture("files")
    (cx,) = m.file_list("Cx.Sys").files
    assert list(cx.sources) == [None, "amd64", "arm64"]
    amd = cx.source_for("AMD64")
    assert (amd.name, amd.disk_id, amd.subdir, amd.section_name, amd.arch) == (
        "CX.SYS",
        "1",
        "amd64",
        "SourceDisksFiles.amd64",
        "amd64",
    )
    assert amd.disk.arch == "amd64" and amd.disk_path == "\\amd64"  # SourceDisksNames.amd64
    arm = cx.source_for("arm64")
    assert (arm.subdir, arm.disk.arch, arm.disk_path) == ("arm64", None, "")
    generic = cx.source_for("x86")
    assert generic is cx.sources[None] and generic.subdir == "" and generic.entry.line == 64
    assert cx.source_for(None) is generic
    (hlp, _) = m.file_list("Cx.Dll").files
    assert (hlp.source_for("amd64").subdir, hlp.source_for("amd64").disk_path) == (
        "x64",
        "\\drivers",
    )
    assert m.sources.find("cx.sys", "arm64").subdir == "arm64"
    assert m.sources.find("nope.sys", "amd64") is None


def test_source_missing_and_disk_missing():
    m = model(
        "[DefaultInstall]\nCopyFiles=L\n[L]\na.sys\nb.sys\n"
        "[SourceDisksFiles]\nb.sys = 9\n[SourceDisksNames]\n1 = d\n"
    )
    a, b = m.file_list("L").files
    assert dict(a.sources) == {} and a.source_for("amd64") is None
    assert b.sources[None].disk is None and b.sources[None].disk_path == ""


def test_dirid_from_a_strkey():
    m = model(
        "[DefaultInstall]\nCopyFiles=L\n[L]\na.sys\n[DestinationDirs]\n"
        "L = %STORE%,sub\n[Strings]\nSTORE = 13\n"
    )
    d = m.file_list("L").destination
    assert (d.dirid, d.raw, d.subdir) == (13, "%STORE%", "sub")
