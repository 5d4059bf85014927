"""The C/C++ reader: strings, defines, calls, disabled code, encodings, bad input."""

from __future__ import annotations

from infmigrate.sources.reader import decode_escapes, read_source


def values(data: bytes, path: str = "x.c") -> list[tuple[int, str, str, bool]]:
    unit = read_source(data, path)
    return [(s.span.line, s.value, s.macro, s.in_define) for s in unit.strings]


def test_escapes() -> None:
    assert decode_escapes(r"\\Registry\\Machine") == "\\Registry\\Machine"
    assert decode_escapes(r"a\tb\x41\101\"") == 'a\tbAA"'
    assert decode_escapes(r"\q") == "q"


def test_wide_narrow_and_concatenated_literals() -> None:
    data = (
        b'PCWSTR a = L"\\\\SystemRoot\\\\" L"x.log";\n'
        b'const char* b = "C:\\\\" "data";\n'
        b'PCWSTR c = u"\\\\??\\\\C:\\\\y";\n'
    )
    unit = read_source(data)
    got = [(s.span.line, s.value, s.wide) for s in unit.strings]
    assert got == [
        (1, "\\SystemRoot\\x.log", True),
        (2, "C:\\data", False),
        (3, "\\??\\C:\\y", True),
    ]


def test_defines_resolve_each_other_and_concatenations() -> None:
    data = (
        b'#define ROOT L"\\\\Registry\\\\Machine\\\\"\n'
        b'#define KEY ROOT L"System\\\\CurrentControlSet"\n'
        b"#define NOT_A_STRING 42\n"
        b'PCWSTR k = KEY L"\\\\Services";\n'
    )
    unit = read_source(data)
    assert unit.defines["KEY"].value == "\\Registry\\Machine\\System\\CurrentControlSet"
    assert "NOT_A_STRING" not in unit.defines
    assert values(data) == [
        (1, "\\Registry\\Machine\\", "ROOT", True),
        (2, "\\Registry\\Machine\\System\\CurrentControlSet", "KEY", True),
        (4, "\\Registry\\Machine\\System\\CurrentControlSet\\Services", "KEY", False),
    ]


def test_comments_and_if_0_are_never_read_but_else_is() -> None:
    data = (
        b'// L"\\\\SystemRoot\\\\a"\n'
        b'/* ZwOpenKey(L"\\\\SystemRoot\\\\b") */\n'
        b"#if 0\n"
        b'PCWSTR c = L"\\\\SystemRoot\\\\c"; ZwOpenKey(&h, 0, &oa);\n'
        b"#else\n"
        b'PCWSTR d = L"\\\\SystemRoot\\\\d";\n'
        b"#endif\n"
        b"void f(void) { ZwOpenKey(&h, KEY_READ, &oa); }\n"
    )
    unit = read_source(data)
    assert [s.value for s in unit.strings] == ["\\SystemRoot\\d"]
    assert [(c.name, c.span.line) for c in unit.calls] == [("ZwOpenKey", 8)]
    assert unit.calls[0].function == "f"


def test_calls_with_arguments_despite_sal_annotations() -> None:
    data = (
        b"_Use_decl_annotations_\n"
        b"NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT Drv, _In_ PUNICODE_STRING RegPath)\n"
        b"{\n"
        b"    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL,\n"
        b"                           RegPath->Buffer, table, NULL, NULL);\n"
        b"}\n"
    )
    unit = read_source(data)
    (call,) = unit.calls
    assert call.name == "RtlQueryRegistryValues"
    assert call.arguments[0].identifiers == {"RTL_REGISTRY_ABSOLUTE", "RTL_REGISTRY_OPTIONAL"}
    assert call.arguments[1].text == "RegPath->Buffer"
    assert "RegPath" in unit.registry_path_names
    assert unit.mode.kernel


def test_an_argument_stops_at_a_call_read_on_its_own() -> None:
    # Issue 18: N calls of API names nested in one another each read all those below
    # them (quadratic); a nested call of an API name is now a call of its own, and an
    # argument reads into other calls as before. A long argument's text is cut.
    long_name = "x" * 300
    data = (
        b"void f(void) {\n"
        b"  RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE,\n"
        b'    RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"\\\\Registry\\\\Machine\\\\A",'
        b" t, 0, 0),\n"
        b'    Helper(L"\\\\Registry\\\\Machine\\\\B", ' + long_name.encode() + b"), 0, 0);\n"
        b"}\n"
    )
    unit = read_source(data)
    outer, inner = unit.calls
    assert (outer.span.line, inner.span.line) == (2, 3)
    assert outer.arguments[1].identifiers == frozenset()
    assert [x.value for x in outer.arguments[1].strings] == []
    assert [x.value for x in outer.arguments[2].strings] == ["\\Registry\\Machine\\B"]
    assert (
        "Helper" in outer.arguments[2].identifiers and long_name in outer.arguments[2].identifiers
    )
    assert [x.value for x in inner.arguments[1].strings] == ["\\Registry\\Machine\\A"]
    assert inner.arguments[0].identifiers == {"RTL_REGISTRY_SERVICES"}
    text = outer.arguments[2].text
    assert text.startswith('Helper(L"') and text.endswith(" ...") and len(text) <= 256 + 4


def test_utf16_files_are_read() -> None:
    text = 'PCWSTR p = L"\\\\SystemRoot\\\\é.log";\r\n'
    unit = read_source(b"\xff\xfe" + text.encode("utf-16-le"))
    assert [s.value for s in unit.strings] == ["\\SystemRoot\\é.log"]
    assert unit.line_text(1) == text.rstrip("\r\n")


def test_files_without_words_of_interest_are_not_parsed() -> None:
    unit = read_source(b'int main(void) { return printf("hello"); }\n')
    assert not unit.parsed and unit.strings == [] and unit.calls == []


def test_garbage_never_raises() -> None:
    for data in (
        b"",
        b"\x00\xff\xfe" * 50,
        b'ZwOpenKey(((((( L"\\\\SystemRoot\\\\',
        b'#define X L"\\\\SystemRoot\\\\\n#if 0\nZwOpenKey(',
        b"\xff\xfe\x00",
        b'RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SYSTEM\\\\CurrentControlSet\\\\Services\\\\x"',
    ):
        read_source(data, "x.cpp")
        read_source(data, "x.c")


def test_modes() -> None:
    assert read_source(b"#include <wdm.h>\nZwOpenKey(a, b, c);").mode.label == (
        "kernel-mode driver"
    )
    assert read_source(b"#include <ntddk.h>\n#include <wdf.h>\nZwOpenKey(a,b,c);").mode.kmdf
    assert read_source(b"#include <windows.h>\n#include <wudfddk.h>\nRegOpenKey(a,b,c);").mode.umdf
    user = read_source(b"#include <windows.h>\nvoid WINAPI ServiceMain(){ RegOpenKey(a,b,c); }")
    assert user.mode.label == "Win32 service"


def test_variables_holding_one_string_reach_the_call() -> None:
    data = (
        b'#define HELPER L"helper2.dll"\n'
        b'static const WCHAR g_path[] = L"C:\\\\Windows\\\\System32\\\\a.dll";\n'
        b'UNICODE_STRING g_us = RTL_CONSTANT_STRING(L"Foo");\n'
        b"void f(PCWSTR arg) {\n"
        b'    PCWSTR p = L"helper.dll";\n'
        b"    PCWSTR q = HELPER;\n"
        b'    PCWSTR r = L"x.dll";\n'
        b'    WCHAR buf[64] = L"y.dll";\n'
        b"    UNICODE_STRING u;\n"
        b'    RtlInitUnicodeString(&u, L"Bar");\n'
        b'    DECLARE_CONST_UNICODE_STRING(d, L"Baz");\n'
        b'    r = L"other";\n'
        b'    wcscat(buf, L"z");\n'
        b"    LoadLibraryW(p);\n"  # 14
        b"    LoadLibraryW(q);\n"
        b"    LoadLibraryW(r);\n"  # assigned twice: no value
        b"    LoadLibraryW(buf);\n"  # appended to: no value
        b"    LoadLibraryW(g_path);\n"  # the file's
        b"    LoadLibraryW(arg);\n"  # a parameter
        b"    LoadLibraryW(u.Buffer);\n"
        b"    LoadLibraryW(d.Buffer);\n"
        b"    LoadLibraryW(g_us.Buffer);\n"
        b"}\n"
        b"void g(void) {\n"
        b'    PCWSTR g_path = L"local.dll";\n'  # a local hides the file's variable
        b"    LoadLibraryW(g_path);\n"
        b"}\n"
        b'WCHAR g_name[] = L"n.dll";\n'
        b"UNICODE_STRING g_set;\n"
        b"void h(void) {\n"
        b'    wcscpy(g_name, L"m.dll");\n'  # a function writes the file's variable
        b'    RtlInitUnicodeString(&g_set, L"s.dll");\n'  # ...or sets it
        b"    LoadLibraryW(g_name);\n"  # 33
        b"    LoadLibraryW(g_set.Buffer);\n"
        b"}\n"
    )
    unit = read_source(data)
    got = {
        c.span.line: [(s.value, s.via) for a in c.arguments for s in a.strings]
        for c in unit.calls
        if c.name == "LoadLibraryW"
    }
    assert got == {
        14: [("helper.dll", "p")],
        15: [("helper2.dll", "q")],
        16: [],
        17: [],
        18: [("C:\\Windows\\System32\\a.dll", "g_path")],
        19: [],
        20: [("Bar", "u")],
        21: [("Baz", "d")],
        22: [("Foo", "g_us")],
        26: [("local.dll", "g_path")],
        33: [],
        34: [],
    }


def test_value_names_come_through_defines_and_the_files_constant_strings() -> None:
    data = (
        b"#include <ntddk.h>\n"
        b'#define RATE_NAME L"SampleRate"\n'
        b'DECLARE_CONST_UNICODE_STRING(g_mode, L"Mode");\n'
        b'static UNICODE_STRING g_gain = RTL_CONSTANT_STRING(L"Gain");\n'
        b"NTSTATUS Read(_In_ PUNICODE_STRING RegistryPath)\n"
        b"{\n"
        b"    RTL_QUERY_REGISTRY_TABLE table[2] = {0};\n"
        b"    table[0].Name = RATE_NAME;\n"
        b"    ZwQueryValueKey(key, (PUNICODE_STRING)&g_mode, KeyValuePartialInformation,"
        b" 0, 0, 0);\n"
        b"    ZwQueryValueKey(key, &g_gain, KeyValuePartialInformation, 0, 0, 0);\n"
        b"    return RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, RegistryPath->Buffer, table,"
        b" NULL, NULL);\n"
        b"}\n"
    )
    assert read_source(data).function_strings == {"Read": {"SampleRate", "Mode", "Gain"}}
