"""The reference graph: roots, contexts, Needs/Include, registry sections, unreachable."""

from __future__ import annotations

from infmigrate.engine.model import Context, RegKind, SectionContext

from ._load import fixture, model

GUID = "{6A1B2C3D-0000-1111-2222-333344445555}"


def _kinds(contexts):
    return sorted(c.kind.name for c in contexts)


def test_install_sections():
    m = fixture("graph")
    assert [(i.kind, i.name, i.context.kind) for i in m.install_sections] == [
        ("ddinstall", "Cx_Inst.NTamd64", Context.SOFTWARE_KEY),
        ("defaultinstall", "DefaultInstall.NTamd64", Context.DEFAULT_INSTALL),
        ("classinstall", "ClassInstall32", Context.CLASS_KEY),
    ]
    dd, default, klass = m.install_sections
    assert list(dd.suffixes) == ["HW", "Services", "Interfaces", "Wdf"]
    assert default.decorations[0].arch == "amd64" and list(default.suffixes) == ["Services"]
    assert klass.decorations == (None,) and klass.platforms == {"amd64"}


def test_one_reg_section_reached_from_two_contexts():
    m = fixture("graph")
    shared = m.reg_section("cx_shared")
    assert shared.kind is RegKind.ADD and shared.section is m.section("Cx_Shared")
    assert shared.contexts == {
        SectionContext(Context.SOFTWARE_KEY),
        SectionContext.service_key("cx"),
    }
    assert shared.shared and not shared.has_security
    assert [(r.entry.section.name, r.context.kind.name) for r in shared.references] == [
        ("Cx_Inst.NTamd64", "SOFTWARE_KEY"),
        ("Cx_Svc", "SERVICE_KEY"),
    ]
    assert m.contexts_of("CX_SHARED") == shared.contexts
    assert m.roles_of(shared.section) == {"registry"}
    assert [line.root for line in shared.lines] == ["HKR", "HKR", "HKLM"]
    assert shared.lines[2].subkey == "SYSTEM\\CurrentControlSet\\Services\\cx\\Parameters"
    assert (shared.lines[2].flags, shared.lines[2].type, shared.lines[2].data) == (
        0x10001,
        "dword",
        ("2",),
    )


def test_contexts_of_every_registry_section():
    m = fixture("graph")
    got = {r.name: sorted(map(repr, r.contexts)) for r in m.reg_sections}
    assert got == {
        "Cx_Shared": ["SectionContext(SERVICE_KEY, service='cx')", "SectionContext(SOFTWARE_KEY)"],
        "Cx_Soft": ["SectionContext(SOFTWARE_KEY)"],
        "Cx_Common_AddReg": ["SectionContext(SOFTWARE_KEY)"],  # via Needs: pasted in
        "Cx_Hw_AddReg": ["SectionContext(HARDWARE_KEY)"],
        "Cx_EventLog_AddReg": [
            "SectionContext(EVENTLOG_KEY, log_type='Application', event_name='CxSource')"
        ],
        "Helper_EventLog_AddReg": [
            "SectionContext(EVENTLOG_KEY, log_type='System', event_name='cxhelp')"
        ],
        "Cx_If_AddReg": [f"SectionContext(INTERFACE_KEY, interface='{GUID}', reference='Ref1')"],
        "Default_AddReg": ["SectionContext(DEFAULT_INSTALL)"],
        "Class_AddReg": ["SectionContext(CLASS_KEY)"],
        "Cx_IfClass_AddReg": [f"SectionContext(INTERFACE_CLASS_KEY, interface='{GUID}')"],
    }


def test_section_context_equality_ignores_case():
    assert SectionContext.service_key("CX") == SectionContext.service_key("cx")
    assert hash(SectionContext.service_key("CX")) == hash(SectionContext.service_key("cx"))
    assert SectionContext.service_key("cx") != SectionContext.service_key("cy")
    assert SectionContext(Context.SOFTWARE_KEY) != SectionContext(Context.HARDWARE_KEY)
    assert SectionContext.interface_key(GUID.lower(), "ref1") == SectionContext.interface_key(
        GUID, "Ref1"
    )


def test_needs_and_include():
    m = fixture("graph")
    needs = [r for r in m.references if r.kind == "needs"]
    assert [(r.name, r.target is not None, r.external, r.missing) for r in needs] == [
        ("Cx_Common", True, False, False),
        ("KS.Registration", False, True, True),
    ]
    (inc,) = m.includes
    assert inc.files == ("ks.inf",) and inc.entry.line == 21
    assert [i.name for i in inc.installs] == ["Cx_Inst.NTamd64"]
    assert m.roles_of("cx_common") == {"install"}


def test_reference_fields():
    m = fixture("graph")
    (ref,) = m.references_to("Cx_Soft")
    assert (ref.directive, ref.index, ref.raw_name, ref.name, ref.kind) == (
        "AddReg",
        1,
        "Cx_Soft",
        "Cx_Soft",
        "registry",
    )
    assert ref.target is m.section("cx_soft") and ref.uniform and not ref.external
    assert ref.entry.values == ("Cx_Shared", "Cx_Soft")
    assert [i.name for i in ref.installs] == ["Cx_Inst.NTamd64"]
    assert m.references_to("KS.Registration")[0].target is None


def test_interface_install32_and_add_interface():
    m = fixture("graph")
    (iface,) = m.references_to("Cx_If")
    assert iface.kind == "add_interface" and iface.index == 2
    assert iface.context == SectionContext.interface_key(GUID, "Ref1")
    (klass,) = m.references_to("Cx_IfClass")
    assert klass.kind == "install_interface" and klass.installs == ()
    assert klass.context == SectionContext.interface_class_key(GUID)


def test_unreachable():
    m = fixture("graph")
    assert [s.name for s in m.unreachable] == ["Orphan"]


def test_strkey_section_names_and_non_uniform_names():
    m = model(
        "[DefaultInstall]\nAddReg = %RegSect%\nCopyFiles = %Files%\n"
        "[Reg_A]\nHKR,,x,,1\n[Reg_B]\nHKR,,x,,2\n[Copy]\nx.sys\n"
        "[Strings]\nRegSect = Reg_A\nFiles = Copy\n[Strings.0407]\nRegSect = Reg_B\nFiles = Copy\n"
    )
    (reg,) = m.references_to("Reg_A")
    assert reg.raw_name == "%RegSect%" and reg.name == "Reg_A" and not reg.uniform
    (copy,) = m.references_to("copy")
    assert copy.uniform and m.file_list("Copy").files[0].dest_name == "x.sys"
    # Reg_B is only named through the German Strings: the graph follows [Strings].
    assert [s.name for s in m.unreachable] == ["Reg_B"]


def test_missing_targets_and_cycles_do_not_raise():
    m = model(
        "[DefaultInstall]\nNeeds = A\nAddReg = Nowhere\nAddService = s,,NoSvc\n"
        "[A]\nNeeds = B\n[B]\nNeeds = A, DefaultInstall\n"
    )
    assert [(r.name, r.missing) for r in m.references if r.kind == "needs"] == [
        ("A", False),
        ("B", False),
        ("A", False),
        ("DefaultInstall", False),
    ]
    assert m.reg_section("nowhere").section is None
    (svc,) = m.services
    assert svc.section is None and svc.section_name == "NoSvc"
    assert m.unreachable == ()


def test_declarative_sections():
    m = model(
        "[Manufacturer]\n%M%=S,NTamd64\n[S.NTamd64]\nd = I, x\n[I.NTamd64]\n"
        "[I.NTamd64.Software]\nAddSoftware = App,,App_Inst\n"
        "[App_Inst]\nSoftwareType = 1\nSoftwareBinary = %13%\\app.exe\n"
        "[I.NTamd64.COM]\nAddComServer = Srv,,Srv_Inst\n"
        "[Srv_Inst]\nServerType = 1\nServerBinary = %13%\\srv.dll\nAddComClass = {1},,Cls\n"
        "[Cls]\nThreadingModel = Both\n"
        "[I.NTamd64.Events]\nAddEventProvider = {2},Prov\n"
        "[Prov]\nResourceFile = %13%\\res.dll\nMessageFile = %13%\\msg.dll\n"
        "[I.NTamd64.Filters]\nAddFilter = flt,,Flt_Inst\n[Flt_Inst]\nFilterPosition = Upper\n"
        "[I.NTamd64.Services]\nAddService = svc,,Svc\n"
        "[Svc]\nServiceBinary = %13%\\svc.sys\nAddTrigger = Trig\n[Trig]\nTriggerType = 1\n"
    )
    assert [(f.kind.value, f.role, f.paths[0].file_name) for f in m.file_references] == [
        ("ServiceBinary", "service-install", "svc.sys"),
        ("ResourceFile", "event-provider-install", "res.dll"),
        ("MessageFile", "event-provider-install", "msg.dll"),
        ("SoftwareBinary", "software-install", "app.exe"),
        ("ServerBinary", "com-server-install", "srv.dll"),
    ]  # suffixes walked in INSTALL_SUFFIXES order: Services, Events, Software, COM
    assert m.unreachable == ()
    assert m.roles_of("Flt_Inst") == {"filter-install"}
    assert m.contexts_of("Trig") == {SectionContext(Context.OTHER)}


def test_file_lists_named_by_several_lines_and_installs() -> None:
    """A list named once is its reference until a second names it (issue 18: no
    accumulator per name of a long line); either way the list has every reference that
    names it and every install that reaches one, in the order the walk finds them."""
    m = model(
        "[Version]\nSignature=$Windows NT$\n"
        "[Manufacturer]\n%M% = Std,NTamd64\n"
        "[Std.NTamd64]\n%A% = A_Inst, ROOT\\A\n%B% = B_Inst, ROOT\\B\n"
        "[A_Inst.NT]\nCopyFiles = Shared, OnlyA, Twice, twice\nNeeds = Common\n"
        "[B_Inst.NT]\nCopyFiles = Shared, @b.sys\nNeeds = Common\n"
        "[Common]\nCopyFiles = Both, Shared\n"
        "[Shared]\ns.sys\n[OnlyA]\na.sys\n[Twice]\nt.sys\n[Both]\nx.sys\n"
        "[Strings]\nM = m\nA = a\nB = b\n"
    )
    lists = {(fl.name, fl.file is not None): fl for fl in m.file_lists}
    assert [fl.name for fl in m.file_lists] == ["Shared", "OnlyA", "Twice", "Both", "b.sys"]

    def where(fl):  # type: ignore[no-untyped-def]
        return [(r.entry.line, r.index) for r in fl.references]

    def installs(fl):  # type: ignore[no-untyped-def]
        return [i.name for i in fl.installs]

    shared, only_a, twice = lists["Shared", False], lists["OnlyA", False], lists["Twice", False]
    both, at_file = lists["Both", False], lists["b.sys", True]
    assert where(shared) == [(9, 0), (15, 1), (12, 0)]
    assert installs(shared) == ["A_Inst.NT", "B_Inst.NT"]
    assert where(only_a) == [(9, 1)] and installs(only_a) == ["A_Inst.NT"]
    assert where(twice) == [(9, 2), (9, 3)] and installs(twice) == ["A_Inst.NT"]
    # one line reached from two installs (through Needs): its references and its list
    assert installs(both) == ["A_Inst.NT", "B_Inst.NT"]
    assert [installs(r) for r in both.references] == [["A_Inst.NT", "B_Inst.NT"]]
    assert at_file.file == "b.sys" and where(at_file) == [(12, 1)]
    assert at_file.references[0].kind == "copy_file"
    # every reference of the lines, in field order
    copy_refs = [(r.entry.line, r.index) for r in m.references if r.directive == "CopyFiles"]
    assert copy_refs == [(9, 0), (9, 1), (9, 2), (9, 3), (15, 0), (15, 1), (12, 0), (12, 1)]


def test_plain_names_of_missing_lists_are_made_when_read() -> None:
    """Issue 18: the model keeps no Reference for a plain name of a list the file lacks
    (made from the line and the field when read); every other reference is kept, and
    each reads the same either way."""
    m = model(
        "[Version]\nSignature=$Windows NT$\n"
        "[DefaultInstall.NTamd64]\nCopyFiles = Gone, %Lst%, Here, , @a.sys, gone2, Gone\n"
        "Include = other.inf\nAddReg = Reg\n"
        "[Here]\nh.sys\n[Reg]\nHKR,,V,,1\n[Strings]\nLst = Listed\n"
    )
    kept = m.references._items  # type: ignore[attr-defined]
    line, by_index = next(item for item in kept if type(item) is tuple)
    # Here (a section), %Lst% (expanded), @a.sys and both Gone (one list, named twice)
    assert sorted(by_index) == [0, 1, 2, 4, 6]
    refs = [r for r in m.references if r.directive == "CopyFiles"]
    assert len(m.references) == len(list(m.references)) == 7
    assert m.references[4] is not m.references[4]  # gone2: made on each read
    assert m.references[4].name == "gone2" and m.references[-1].directive == "AddReg"
    assert [
        (r.index, r.kind, r.raw_name, r.name, r.target is not None, r.external, r.missing)
        for r in refs
    ] == [
        (0, "file_list", "Gone", "Gone", False, True, True),
        (1, "file_list", "%Lst%", "Listed", False, True, True),
        (2, "file_list", "Here", "Here", True, False, False),
        (4, "copy_file", "a.sys", "a.sys", False, False, False),
        (5, "file_list", "gone2", "gone2", False, True, True),
        (6, "file_list", "Gone", "Gone", False, True, True),
    ]
    assert all(r.line is line for r in refs if r.kind == "file_list")
    assert all(r.context == refs[0].context and r.installs == refs[0].installs for r in refs)
    gone2 = m.file_list("GONE2")
    assert gone2 is not None and gone2.missing and gone2.name == "gone2"
    assert gone2.section is None and gone2.file is None and gone2.files == ()
    assert [i.name for i in gone2.installs] == ["DefaultInstall.NTamd64"]
    (ref,) = gone2.references
    assert (ref.index, ref.name, ref.external) == (5, "gone2", True)
    assert [r.index for r in m.file_list("Gone").references] == [0, 6]
    assert repr(gone2) == "FileList(CopyFiles, 'gone2', file=None, found=False, files=0)"


def test_references_without_plain_fields() -> None:
    # References.without_plain: the plain fields of a file-list line (names of lists the
    # file lacks) left out, but on the lines the caller asks for, in walk order.
    m = model(
        "[Version]\nSignature=$Windows NT$\n"
        "[DefaultInstall.NTamd64]\nCopyFiles = Gone, %Lst%, Here, , @a.sys, gone2, Gone\n"
        "DelFiles = Old\nAddReg = Reg\n"
        "[Here]\nh.sys\n[Reg]\nHKR,,V,,1\n[Strings]\nLst = Listed\n"
    )
    every = [(r.directive, r.index) for r in m.references]
    assert every == [
        *[("CopyFiles", i) for i in (0, 1, 2, 4, 5, 6)],
        ("DelFiles", 0),
        ("AddReg", 0),
    ]
    # gone2 (named once, no section, no %strkey%) and Old are plain; Gone is named twice
    assert [(r.directive, r.index) for r in m.references.without_plain()] == [
        *[("CopyFiles", i) for i in (0, 1, 2, 4, 6)],
        ("AddReg", 0),
    ]
    kept = m.references.without_plain(lambda line: line.entry.key == "DelFiles")
    assert [(r.directive, r.index) for r in kept] == [
        *[("CopyFiles", i) for i in (0, 1, 2, 4, 6)],
        ("DelFiles", 0),
        ("AddReg", 0),
    ]
    assert [r.name for r in m.references.without_plain(lambda line: True)] == [
        r.name for r in m.references
    ]
