"""Paths in values: roots, where a path ends, spans in the cooked text."""

from __future__ import annotations

import pytest

from infmigrate.engine.model import find_paths

from ._load import fixture


def _paths(text: str, strings=None):
    return [
        (p.start, p.end, p.dirid, p.subpath, p.file_name, p.form, p.from_strings)
        for p in find_paths(text, strings)[1]
    ]


def test_two_paths_in_an_event_message_file():
    text = "%%SystemRoot%%\\System32\\IoLogMsg.dll;%12%\\cx.sys"
    expanded, paths = find_paths(text)
    assert expanded == "%SystemRoot%\\System32\\IoLogMsg.dll;%12%\\cx.sys"
    assert _paths(text) == [
        (0, 36, 11, "IoLogMsg.dll", "IoLogMsg.dll", "env", False),
        (37, 48, 12, "cx.sys", "cx.sys", "dirid", False),
    ]
    assert text[0:36] == "%%SystemRoot%%\\System32\\IoLogMsg.dll"
    assert text[37:48] == "%12%\\cx.sys"
    assert paths[0].text == "%SystemRoot%\\System32\\IoLogMsg.dll"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%12%\\UMDF\\x.dll", [(0, 15, 12, "UMDF\\x.dll", "x.dll", "dirid", False)]),
        (
            "%10%\\System32\\drivers\\x.sys",
            [(0, 27, 10, "System32\\drivers\\x.sys", "x.sys", "dirid", False)],
        ),
        ("%windir%\\x.exe", [(0, 14, 10, "x.exe", "x.exe", "env", False)]),
        ("%WINDIR%\\system32\\DRIVERS\\x.sys", [(0, 31, 12, "x.sys", "x.sys", "env", False)]),
        ("C:\\Windows\\System32\\foo.dll", [(0, 27, 11, "foo.dll", "foo.dll", "abs", False)]),
        ("d:\\WINDOWS\\inf\\x.inf", [(0, 20, 10, "inf\\x.inf", "x.inf", "abs", False)]),
        ("\\SystemRoot\\System32\\drivers\\x.sys", [(0, 34, 12, "x.sys", "x.sys", "nt", False)]),
        (
            "%SystemRoot%\\System32\\svchost.exe -k netsvcs",
            [(0, 33, 11, "svchost.exe", "svchost.exe", "env", False)],
        ),
        ("rundll32.exe %11%\\x.dll,Entry", [(13, 23, 11, "x.dll", "x.dll", "dirid", False)]),
        ("%13%\\Sub Dir\\x.dll", [(0, 18, 13, "Sub Dir\\x.dll", "x.dll", "dirid", False)]),
        ('"%13%\\a b\\c d.dll" -x', [(1, 17, 13, "a b\\c d.dll", "c d.dll", "dirid", False)]),
        ("%-1%\\C:\\x", [(0, 9, -1, "C:\\x", "x", "dirid", False)]),
        ("%12%\\", [(0, 5, 12, "", "", "dirid", False)]),
        ("%13%", []),
        ("x.dll", []),
        ("%SystemRoot%", []),
        ("Ndi\\Params", []),
        ("C:\\Program Files\\x.exe", []),
        # no root at all: a service ImagePath, relative to the Windows directory
        ("System32\\Drivers\\x.sys", [(0, 22, 12, "x.sys", "x.sys", "rel", False)]),
        ('"system32\\x.dll"', [(1, 15, 11, "x.dll", "x.dll", "rel", False)]),
        ("rundll32 System32\\x.dll,Entry", [(9, 23, 11, "x.dll", "x.dll", "rel", False)]),
        ("%%windir%%\\System32\\x.dll", [(0, 25, 11, "x.dll", "x.dll", "env", False)]),
        # "System32" inside another path, or part of a longer name, is no root
        ("%ProgramFiles%\\Cx\\System32\\x.dll", []),
        ("MySystem32\\x.dll", []),
        ("System32", []),
    ],
)
def test_roots_and_ends(text, expected):
    assert _paths(text) == expected


def test_normalized():
    (p,) = find_paths("%10%\\System32\\drivers\\x.sys")[1]
    assert p.normalized == (12, "x.sys")
    (q,) = find_paths("%12%\\x.sys")[1]
    assert q.normalized == (12, "x.sys")


def test_path_from_a_strings_value_maps_to_the_token():
    strings = fixture("graph").strings
    text = "pre;%CommonPath%"
    expanded, _ = find_paths(text, strings)
    assert expanded == "pre;%13%\\common.dll"
    assert _paths(text, strings) == [(4, 16, 13, "common.dll", "common.dll", "dirid", True)]
