"""Finding INF/INX files and naming them."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from infmigrate.workspace.discovery import discover, display_path


def test_directories_are_searched_for_inf_and_inx_in_any_case(tmp_path: Path) -> None:
    for name in ("a.inf", "B.INF", "sub/c.Inx", "notes.txt", ".git/x.inf", "node_modules/y.inf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"[Version]\r\n")
    found = [
        c.path.relative_to(tmp_path).as_posix() for c in discover([tmp_path], lambda p, d: False)
    ]
    assert found == ["B.INF", "a.inf", "sub/c.Inx"]


def test_named_files_are_kept_once_and_missing_ones_flagged(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(b"")
    found = list(discover([f, f, tmp_path / "nope.inf"], lambda p, d: True))
    assert [(c.path.name, c.explicit, c.missing) for c in found] == [
        ("x.txt", True, False),
        ("nope.inf", True, True),
    ]
    assert list(discover([f], lambda p, d: True, force_exclude=True)) == []


def test_display_path(tmp_path: Path) -> None:
    assert display_path(tmp_path / "a" / "b.inf", tmp_path) == "a/b.inf"
    assert display_path("./a/b.inf", tmp_path) == "a/b.inf"
    assert display_path(tmp_path / "b.inf", tmp_path / "sub") == "../b.inf"


def _tree(root: Path, names: list[str], data: bytes = b"[Version]\r\n") -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def _found(root: Path, *paths: Path, **kwargs: object) -> list[str]:
    return [
        display_path(c.path, root)
        for c in discover(list(paths or [root]), lambda p, d: False, **kwargs)
    ]


def test_gitignore_is_respected_inside_a_work_tree(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "a.inf",
            "build/b.inf",
            "sub/c.inf",
            "sub/gen.inf",
            "sub/keep.inf",
            "sub/deep/gen.inf",
            "out/x.inf",
            "local.inf",
        ],
    )
    (tmp_path / ".gitignore").write_text("build/\n*gen.inf\n!sub/deep/gen.inf\n# c\n")
    (tmp_path / "sub" / ".gitignore").write_text("keep.inf\n!gen.inf\n")
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local.inf\n")
    assert _found(tmp_path) == [
        "a.inf",
        "out/x.inf",
        "sub/c.inf",
        "sub/deep/gen.inf",
        "sub/gen.inf",
    ]
    assert len(_found(tmp_path, respect_gitignore=False)) == 8
    # A directory named on the command line is searched even if git ignores it.
    assert _found(tmp_path, tmp_path / "build") == ["build/b.inf"]


def test_gitignore_outside_a_work_tree_is_not_read(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.inf", "build/b.inf"])
    (tmp_path / ".gitignore").write_text("build/\n")
    assert _found(tmp_path) == ["a.inf", "build/b.inf"]


def test_exclude_prunes_directories_and_files(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.inf", "vendor/b.inf", "x/old/c.inf", "x/d.inx"])
    seen: list[tuple[str, bool]] = []

    def excluded(path: Path, is_dir: bool) -> bool:
        seen.append((display_path(path, tmp_path), is_dir))
        return path.name in ("vendor", "d.inx")

    found = [display_path(c.path, tmp_path) for c in discover([tmp_path], excluded)]
    assert found == ["a.inf", "x/old/c.inf"]
    assert ("vendor", True) in seen and not any(p.startswith("vendor/") for p, _ in seen)


def test_symlinks_are_not_followed_unless_asked(tmp_path: Path) -> None:
    _tree(tmp_path, ["real/a.inf", "other/b.inf"])
    (tmp_path / "real" / "link.inf").symlink_to(tmp_path / "other" / "b.inf")
    (tmp_path / "real" / "dir").symlink_to(tmp_path / "other", target_is_directory=True)
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real", target_is_directory=True)
    root = tmp_path / "real"
    assert _found(root) == ["a.inf"]
    # Followed: each real file once (link.inf and dir/b.inf are other/b.inf), loops end.
    assert _found(root, follow_symlinks=True) == ["a.inf", "dir/b.inf"]
    # A link named on the command line is followed.
    assert _found(root, root / "link.inf") == ["link.inf"]


def test_generated_inf_beside_its_inx_is_left_out_with_a_note(tmp_path: Path) -> None:
    _tree(tmp_path, ["p/foo.inx", "p/FOO.inf", "p/bar.inf", "q/foo.inf"])
    notes: list[tuple[str, str]] = []
    found = [
        display_path(c.path, tmp_path)
        for c in discover(
            [tmp_path],
            lambda p, d: False,
            on_note=lambda p, m: notes.append((display_path(p, tmp_path), m)),
        )
    ]
    assert found == ["p/bar.inf", "p/foo.inx", "q/foo.inf"]
    assert notes == [("p/FOO.inf", "generated from foo.inx: migrating foo.inx instead")]


def test_only_regular_files_and_inf_suffixes(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.INX", "b.inf.in", "c.infx"])
    (tmp_path / "dir.inf").mkdir()
    (tmp_path / "dir.inf" / "inner.inf").write_bytes(b"")
    os.mkfifo(tmp_path / "fifo.inf")
    assert _found(tmp_path) == ["a.INX", "dir.inf/inner.inf"]


def test_hard_links_are_files_of_their_own(tmp_path: Path) -> None:
    """A write replaces the name it writes (a rename), breaking a hard link: had the second
    name been skipped as "the same file", it would stay unmigrated after ``--write`` and a
    second run would change it (found by tests/cli/test_faults.py)."""
    (tmp_path / "a.inf").write_bytes(b"[Version]\r\n")
    os.link(tmp_path / "a.inf", tmp_path / "b.inf")
    (tmp_path / "c.inf").symlink_to(tmp_path / "a.inf")
    found = [c.path.name for c in discover([tmp_path], lambda p, d: False, follow_symlinks=True)]
    assert found == ["a.inf", "b.inf"]  # the symlink is a.inf again: once
    named = [
        c.path.name
        for c in discover(
            [tmp_path / "a.inf", tmp_path / "b.inf", tmp_path / "c.inf"], lambda p, d: False
        )
    ]
    assert named == ["a.inf", "b.inf"]


def _display_path_reference(path: Path | str, cwd: Path | None) -> str:
    """display_path as it was before its shortcuts (issue 16): pathlib and relpath."""
    p = Path(path)
    base = cwd or Path.cwd()
    absolute = p if p.is_absolute() else base / p
    text, prefix = str(absolute), os.path.join(str(base), "")
    if text.startswith(prefix) and ".." not in text:
        return Path(text[len(prefix) :]).as_posix()
    return Path(os.path.relpath(absolute, base)).as_posix()


def test_display_path_shortcuts_give_what_pathlib_and_relpath_give() -> None:
    parts = ["a", "b", "..", ".", "", "x.inf"]
    paths = {"."}
    for n in range(1, 4):
        for t in itertools.product(parts, repeat=n):
            joined = "/".join(t)
            paths.update({"/" + joined, joined or ".", "//" + joined})
    bases = [
        Path(p)
        for p in ("/a/b", "/a", "/", "/a/b/x.inf", "/a//b", "/b/a", "/a/b/../c", "//a/b", "/x.inf")
    ]
    for path, base in itertools.product(sorted(paths), [*bases, None]):
        for given in (path, Path(path)):
            assert display_path(given, base) == _display_path_reference(given, base), (path, base)
