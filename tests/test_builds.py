"""Windows versions (engine/builds.py) and the floor table (engine/floors.py)."""

from __future__ import annotations

import pytest

from infmigrate.engine.builds import RELEASES, WindowsVersion, describe, parse_windows
from infmigrate.engine.floors import FLOORS, floor, floors_table
from infmigrate.engine.ruledocs import explain


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("10.0.17763", (10, 0, 17763)),
        ("17763", (10, 0, 17763)),
        (" 1809 ", (10, 0, 17763)),
        ("1507", (10, 0, 10240)),
        ("20h2", (10, 0, 19042)),
        ("win10-21H2", (10, 0, 19044)),
        ("WIN11-21H2", (10, 0, 22000)),
        ("win10-22H2", (10, 0, 19045)),
        ("win11-22h2", (10, 0, 22621)),
        ("23H2", (10, 0, 22631)),
        ("24H2", (10, 0, 26100)),
        ("server2016", (10, 0, 14393)),
        ("6.1", (6, 1, 0)),
        ("win7", (6, 1, 0)),
        ("10.0", (10, 0, 0)),
    ],
)
def test_parse_windows(text, version):
    assert parse_windows(text) == WindowsVersion(*version)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("21H2", "win10-21H2 (10.0.19044) or win11-21H2 (10.0.22000)"),
        ("22h2", "win10-22H2 (10.0.19045) or win11-22H2 (10.0.22621)"),
        ("7601", "not a Windows 10 or 11 build"),
        ("win12", "not a Windows version"),
        ("10.0.17763.1", "not a Windows version"),
        ("", "empty"),
    ],
)
def test_parse_windows_refuses(text, why):
    with pytest.raises(ValueError, match=why.replace("(", r"\(").replace(")", r"\)")):
        parse_windows(text)


def test_release_names_are_unique_and_ordered():
    names = [n for r in RELEASES for n in r.names]
    assert len(names) == len(set(names))
    versions = [r.version for r in RELEASES]
    assert versions == sorted(versions)
    assert all(r.source for r in RELEASES)


def test_describe():
    assert (
        describe(WindowsVersion(10, 0, 17763))
        == "10.0.17763 (Windows 10 1809 / Windows Server 2019)"
    )
    assert describe(WindowsVersion(10, 0, 25341)) == "10.0.25341"


def test_floor_table():
    assert floor("dirid-13").build == 16299
    assert floor("umdf").build == 17134
    assert floor("netcfg").build == 25319
    assert floor("notify-object").build == 25341
    assert floor("minifilter").build == 25952
    assert floor("printer").version is None
    with pytest.raises(ValueError):
        floor("printer").build  # noqa: B018
    for f in FLOORS.values():
        assert f.source and f.construct
    text = floors_table()
    assert all(f"{key}: " in text for key in FLOORS)


def test_explain_topics():
    assert explain("floors") == floors_table()
    assert "win11-21h2" in explain("builds")
    assert "win11-21h2" in explain("target-windows")
