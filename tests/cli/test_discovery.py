"""Finding INF/INX files and naming them."""

from __future__ import annotations

from pathlib import Path

from infmigrate.discovery import discover, display_path


def test_directories_are_searched_for_inf_and_inx_in_any_case(tmp_path: Path) -> None:
    for name in ("a.inf", "B.INF", "sub/c.Inx", "notes.txt", ".git/x.inf",
                 "node_modules/y.inf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"[Version]\r\n")
    found = [c.path.relative_to(tmp_path).as_posix()
             for c in discover([tmp_path], lambda p: False)]
    assert found == ["B.INF", "a.inf", "sub/c.Inx"]


def test_named_files_are_kept_once_and_missing_ones_flagged(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(b"")
    found = list(discover([f, f, tmp_path / "nope.inf"], lambda p: True))
    assert [(c.path.name, c.explicit, c.missing) for c in found] == [
        ("x.txt", True, False), ("nope.inf", True, True)]
    assert list(discover([f], lambda p: True, force_exclude=True)) == []


def test_display_path(tmp_path: Path) -> None:
    assert display_path(tmp_path / "a" / "b.inf", tmp_path) == "a/b.inf"
    assert display_path("./a/b.inf", tmp_path) == "a/b.inf"
    assert display_path(tmp_path / "b.inf", tmp_path / "sub") == "../b.inf"
