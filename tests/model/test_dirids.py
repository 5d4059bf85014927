"""DIRID table, classes (ISO001/ISO009/ISO010) and number parsing."""

from __future__ import annotations

import pytest

from infmigrate.engine.model import DIRIDS, DiridClass, classify, parse_dirid
from infmigrate.engine.model.dirids import describe
from infmigrate.engine.model.numbers import parse_int


@pytest.mark.parametrize(
    ("dirid", "cls"),
    [
        (13, DiridClass.DRIVER_STORE),
        (11, DiridClass.SYSTEM32),
        (12, DiridClass.SYSTEM32),
        (10, DiridClass.REPORT),
        (23, DiridClass.REPORT),
        (51, DiridClass.REPORT),
        (52, DiridClass.REPORT),
        (55, DiridClass.REPORT),
        (16422, DiridClass.REPORT),
        (16425, DiridClass.REPORT),
        (16426, DiridClass.REPORT),
        (16427, DiridClass.REPORT),
        (16428, DiridClass.REPORT),
        (66000, DiridClass.REPORT),
        (66004, DiridClass.REPORT),
        (32768, DiridClass.REPORT),
        (65534, DiridClass.REPORT),
        (65536, DiridClass.REPORT),
        (70000, DiridClass.REPORT),
        (-1, DiridClass.DEPRECATED),
        (65535, DiridClass.DEPRECATED),
        (1, DiridClass.DEPRECATED),
        (17, DiridClass.DEPRECATED),
        (18, DiridClass.DEPRECATED),
        (20, DiridClass.DEPRECATED),
        (21, DiridClass.DEPRECATED),
        (24, DiridClass.DEPRECATED),
        (25, DiridClass.DEPRECATED),
        (30, DiridClass.DEPRECATED),
        (50, DiridClass.DEPRECATED),
        (53, DiridClass.DEPRECATED),
        (54, DiridClass.DEPRECATED),
        (16406, DiridClass.DEPRECATED),
        (16409, DiridClass.DEPRECATED),
        (16415, DiridClass.DEPRECATED),
        (16419, DiridClass.DEPRECATED),
        (16429, DiridClass.DEPRECATED),
        (16430, DiridClass.DEPRECATED),
        (0, DiridClass.UNKNOWN),
        (2, DiridClass.UNKNOWN),
        (16384, DiridClass.UNKNOWN),
        (16420, DiridClass.UNKNOWN),
        (-2, DiridClass.UNKNOWN),
    ],
)
def test_classify(dirid, cls):
    assert classify(dirid) is cls


def test_table_rows():
    assert DIRIDS[12].name == "DIRID_DRIVERS"
    assert DIRIDS[12].path == "%SystemRoot%\\System32\\drivers"
    assert DIRIDS[13].name == "DIRID_DRIVER_STORE"
    assert DIRIDS[16425].path == "%SystemRoot%\\SysWOW64"
    assert describe(40000).name == "user DIRID"
    assert describe(16400).name == "shell folder CSIDL 0x10"
    assert describe(7).cls is DiridClass.UNKNOWN


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        (" 13 ", 13),
        ("0x0C", 12),
        ("0X0d", 13),
        ("-1", -1),
        ("65535", 65535),
        ("%12%", None),
        ("", None),
        ("12,x", None),
        ("0x", None),
        ("１２", None),
        ("twelve", None),
    ],
)
def test_parse_dirid(text, value):
    assert parse_dirid(text) == value


def test_parse_int_sign_and_hex():
    assert parse_int("+0x10") == 16 and parse_int("-0x10") == -16 and parse_int("0x1g") is None
