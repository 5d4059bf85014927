"""``infmigrate._dists``: the installed version and the rule-pack check, read from the
``*.dist-info`` folders without importing importlib.metadata, agree with it."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from importlib.metadata import version as metadata_version
from pathlib import Path

import pytest

from infmigrate import _dists


def test_the_version_is_importlib_metadatas() -> None:
    assert _dists.version("infmigrate") == metadata_version("infmigrate")
    assert _dists.version("Tree_Sitter") == metadata_version("tree-sitter")
    assert _dists.version("no-such-distribution-here") is None


def test_the_rule_pack_check_agrees_with_the_entry_points() -> None:
    for group in ("infmigrate.fixers", "console_scripts", "pytest11"):
        if entry_points(group=group):
            assert _dists.declares_entry_points(group)
    assert not _dists.declares_entry_points("infmigrate.no-such-group")


def _dist(site: Path, name: str, entry_points: str | None) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


def test_a_pack_on_the_path_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dist(tmp_path, "other_tool", "[console_scripts]\nx = y:z\n")
    _dist(tmp_path, "no_points", None)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert not _dists.declares_entry_points("infmigrate.fixers")
    assert _dists.version("other-tool") == "1.0"
    _dist(tmp_path, "infmigrate_contoso", "[infmigrate.fixers]\ncontoso = infmigrate_contoso\n")
    assert _dists.declares_entry_points("infmigrate.fixers")


def test_anything_else_holding_metadata_means_unsure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "legacy.egg-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert _dists.declares_entry_points("infmigrate.fixers")  # importlib.metadata decides
    assert _dists.version("infmigrate") == metadata_version("infmigrate")
