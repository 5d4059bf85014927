"""AddService (event-log fields and defaults), WDF services, file references."""

from __future__ import annotations

from infmigrate.engine.model import Context, FileRefKind, SectionContext

from ._load import fixture, model


def test_add_service_with_every_event_log_field():
    m = fixture("graph")
    (cx,) = m.services_named("CX")
    assert (cx.name, cx.flags_text, cx.flags, cx.associated) == ("cx", "0x00000002", 2, True)
    assert (cx.section_name, cx.section.name) == ("Cx_Svc", "Cx_Svc")
    assert (cx.eventlog_section_name, cx.eventlog_section.name) == ("Cx_EventLog", "Cx_EventLog")
    assert (cx.log_type, cx.event_name) == ("Application", "CxSource")
    assert cx.context == SectionContext.service_key("cx")
    assert cx.eventlog_context == SectionContext.eventlog_key("Application", "CxSource")
    assert cx.entry.line == 31 and cx.uniform and not cx.is_null
    assert cx.install.name == "Cx_Inst.NTamd64"


def test_add_service_defaults_and_strkey_name():
    m = fixture("graph")
    names = [s.name for s in m.services]
    assert names == ["cx", "cxhelp", "", "cxdef"]
    helper = m.services[1]
    assert helper.entry.values[0] == "%HelperSvc%"
    assert (helper.flags_text, helper.flags, helper.associated) == ("", 0, False)
    assert (helper.log_type, helper.event_name) == ("System", "cxhelp")  # the defaults
    assert helper.name_expansion.tokens == ("HelperSvc",)
    null = m.services[2]
    assert null.is_null and null.flags == 2 and null.section is None
    cxdef = m.services[3]
    assert cxdef.install.kind == "defaultinstall" and cxdef.eventlog_section is None


def test_non_uniform_service_name():
    m = model(
        "[DefaultInstall.NTamd64.Services]\nAddService = %Svc%,,S\n[DefaultInstall.NTamd64]\n"
        "[S]\nServiceBinary=%13%\\a.sys\n[Strings]\nSvc=a\n[Strings.0407]\nSvc=b\n"
    )
    (svc,) = m.services
    assert svc.name == "a" and not svc.uniform
    assert dict(svc.name_expansion.values) == {None: "a", "0407": "b"}


def test_log_type_spelling_and_unknown_log():
    m = model(
        "[DefaultInstall]\n[DefaultInstall.Services]\n"
        "AddService = a,,S,E,security\nAddService = b,,S,E,Custom,Ev\n[S]\n[E]\n"
    )
    a, b = m.services
    assert (a.log_type, a.event_name) == ("Security", "a")
    assert (b.log_type, b.event_name) == ("Custom", "Ev")
    assert m.contexts_of("S") == {SectionContext.service_key("a"), SectionContext.service_key("b")}


def test_wdf_service():
    m = fixture("graph")
    (wdf,) = m.wdf_services
    assert (wdf.kind, wdf.name, wdf.section_name, wdf.umdf) == (
        "UmdfService",
        "CxUm",
        "Cx_Umdf",
        True,
    )
    assert wdf.section is m.section("cx_umdf")
    assert [i.name for i in wdf.installs] == ["Cx_Inst.NTamd64"]


def test_service_binaries():
    m = fixture("graph")
    sb = [f for f in m.file_references if f.kind is FileRefKind.SERVICE_BINARY]
    assert [(f.raw, f.role, f.paths[0].dirid, f.paths[0].subpath) for f in sb] == [
        ("%12%\\cx.sys", "service-install", 12, "cx.sys"),
        ("%10%\\System32\\cxhelp.exe", "service-install", 10, "System32\\cxhelp.exe"),
        ("%12%\\UMDF\\cxum.dll", "wdf-service-install", 12, "UMDF\\cxum.dll"),
        ("%13%\\cx.sys", "service-install", 13, "cx.sys"),
    ]
    assert sb[0].contexts == {SectionContext.service_key("cx")}
    assert sb[0].entry.key == "ServiceBinary" and sb[0].index == 0
    assert sb[1].paths[0].normalized == (11, "cxhelp.exe")


def test_service_binary_without_path_is_recorded():
    m = model(
        "[DefaultInstall]\n[DefaultInstall.Services]\nAddService=a,,S\n[S]\nServiceBinary = a.sys\n"
    )
    (f,) = m.file_references
    assert f.kind is FileRefKind.SERVICE_BINARY and f.paths == () and f.expanded == "a.sys"


def test_registry_value_with_two_paths():
    m = fixture("graph")
    (f,) = [f for f in m.file_references if f.entry.section.name == "Cx_EventLog_AddReg"]
    assert f.kind is FileRefKind.REGISTRY_VALUE and f.role == "registry" and f.index == 4
    assert f.raw == "%%SystemRoot%%\\System32\\IoLogMsg.dll;%12%\\cx.sys"
    assert f.expanded == "%SystemRoot%\\System32\\IoLogMsg.dll;%12%\\cx.sys"
    assert [(p.start, p.end, p.dirid, p.subpath, p.file_name) for p in f.paths] == [
        (0, 36, 11, "IoLogMsg.dll", "IoLogMsg.dll"),
        (37, 48, 12, "cx.sys", "cx.sys"),
    ]
    assert f.contexts == {SectionContext.eventlog_key("Application", "CxSource")}
    assert f.reg_line.type == "expand_sz" and f.reg_line.value_name == "EventMessageFile"


def test_registry_values_scanned_by_type():
    m = fixture("graph")
    got = [
        (
            f.entry.section.name,
            f.entry.values[2],
            f.index,
            f.paths[0].text,
            f.uniform,
            f.paths[0].from_strings,
        )
        for f in m.file_references
        if f.kind is FileRefKind.REGISTRY_VALUE
    ]
    assert got == [
        ("Cx_Shared", "ImagePath", 4, "%13%\\cx.sys", True, False),  # SZ, no flags
        ("Cx_Soft", "Paths", 4, "%11%\\cxa.dll", True, False),  # MULTI_SZ items
        ("Cx_Soft", "Paths", 5, "C:\\Windows\\System32\\cxb.dll", True, False),
        ("Cx_Common_AddReg", "Common", 4, "%13%\\common.dll", True, True),  # from Strings
        (
            "Cx_EventLog_AddReg",
            "EventMessageFile",
            4,
            "%SystemRoot%\\System32\\IoLogMsg.dll",
            True,
            False,
        ),
        (
            "Helper_EventLog_AddReg",
            "EventMessageFile",
            4,
            "%windir%\\System32\\cxhelp.exe",
            True,
            False,
        ),
    ]
    # Cx_Shared is reached from the DDInstall and from the service: both contexts.
    assert m.file_references[4].entry.values[2] == "ImagePath"
    assert m.file_references[4].contexts == {
        SectionContext(Context.SOFTWARE_KEY),
        SectionContext.service_key("cx"),
    }


def test_registry_types_not_scanned():
    m = model(
        "[DefaultInstall]\nAddReg = R\n[R]\n"
        "HKR,,Bin,1,%12%\\x.sys\nHKR,,Dw,0x10001,%12%\\x.sys\nHKR,,Del,4,%12%\\x.sys\n"
        "HKR,,Bad,zz,%12%\\x.sys\nHKR,,Sz,,%12%\\x.sys\nHKR,,Exp,0x20000,%12%\\y.sys\n"
        "HKR,,Multi,0x10008,a,%12%\\z.sys\n"
    )
    assert [(f.entry.values[2], f.index) for f in m.file_references] == [
        ("Sz", 4),
        ("Exp", 4),
        ("Multi", 5),
    ]
