"""The results cache: hits give the very same output, misses when anything that matters
changes, and a damaged cache is never fatal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from infmigrate import cache as cache_module
from infmigrate.cache import CACHE_DIR_NAME

from .conftest import FIXED_SAMPLE, ISO015, SAMPLE, CliResult, cli, files_of

WIDE = "\ufeff[Version]\r\nSignature=\"$Windows NT$\"\r\nClass=Net\r\n".encode("utf-16-le")
ANSI = b'[Version]\r\nSignature="$Windows NT$"\r\n; caf\xe9 \x81\r\n'


def make_tree(root: Path) -> Path:
    for name, data in (("a/one.inf", SAMPLE), ("a/two.inf", FIXED_SAMPLE),
                       ("b/wide.inf", WIDE), ("b/ansi.inf", ANSI),
                       ("b/broken.inf", b"[Version\r\nx = \"1\r\n")):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def same(a: CliResult, b: CliResult) -> bool:
    return (a.status, a.stdout, a.stderr) == (b.status, b.stdout, b.stderr)


def entries(root: Path) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for shard in (root / CACHE_DIR_NAME).rglob("results-*.json"):
        out.update(json.loads(shard.read_text())["entries"])
    return out


@pytest.mark.parametrize("args", [[], ["--diff"], ["--check"], ["--statistics"],
                                  ["--format", "gitlab"], ["--format", "github"],
                                  ["--unsafe-fixes", "--check"]])
def test_a_cached_run_prints_exactly_what_a_fresh_one_does(tmp_path: Path,
                                                          args: list[str]) -> None:
    tree = make_tree(tmp_path / "t")
    fresh = cli(*ISO015, "--no-cache", *args, ".", cwd=tree)
    assert not (tree / CACHE_DIR_NAME).exists()
    first = cli(*ISO015, *args, ".", cwd=tree)
    second = cli(*ISO015, *args, ".", cwd=tree)
    assert same(fresh, first) and same(fresh, second)
    verbose = cli(*ISO015, "-v", *args, ".", cwd=tree)
    assert verbose.stderr.count(", cached)") == 5


def test_cache_layout_and_gitignore(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    cli(*ISO015, "--check", ".", cwd=tree)
    root = tree / CACHE_DIR_NAME
    assert (root / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (root / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")
    assert (root / ".gitignore").stat().st_mode & 0o644 == 0o644
    assert len(entries(tree)) == 5
    assert not list(root.rglob("*.tmp"))


def test_write_from_the_cache_and_after_it(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    cli(*ISO015, "--check", ".", cwd=tree)  # fills the cache, fixed bytes included
    res = cli(*ISO015, "-v", "--write", ".", cwd=tree)
    assert "checked a/one.inf (cp1252, 1 finding, cached)" in res.stderr
    assert "Fixed a/one.inf (ISO015)" in res.stderr
    assert (tree / "a/one.inf").read_bytes() == FIXED_SAMPLE
    # The written file's new content is known: the next run is all hits, nothing to do.
    res = cli(*ISO015, "-v", "--check", ".", cwd=tree)
    assert res.stderr.count(", cached)") == 5
    assert "Nothing to fix" in res.stderr


def test_the_cache_misses_when_content_settings_or_path_change(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    cli(*ISO015, ".", cwd=tree)
    (tree / "a/two.inf").write_bytes(SAMPLE)
    res = cli(*ISO015, "-v", ".", cwd=tree)
    assert "checked a/two.inf (cp1252, 1 finding)" in res.stderr
    res = cli("--select", "ISO015,ISO001", "-v", ".", cwd=tree)
    assert ", cached)" not in res.stderr
    res = cli(*ISO015, "-v", "--unsafe-fixes", ".", cwd=tree)
    assert ", cached)" not in res.stderr
    res = cli(*ISO015, "-v", "t", cwd=tmp_path, )  # shown paths differ: t/a/...
    assert ", cached)" not in res.stderr
    # Report mode fixes in memory too (to count what --write fixes): its entry answers a
    # run that fixes.
    res = cli(*ISO015, "-v", "--check", ".", cwd=tree)
    assert ", cached)" in res.stderr


def test_a_change_of_the_tool_starts_a_new_cache(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tree = make_tree(tmp_path / "t")
    cli(*ISO015, ".", cwd=tree)
    real = cache_module.source_hash
    monkeypatch.setattr("infmigrate.command.source_hash",
                        lambda modules: "z" + real(modules)[1:])
    res = cli(*ISO015, "-v", ".", cwd=tree)
    assert ", cached)" not in res.stderr
    assert len(list((tree / CACHE_DIR_NAME).glob("*/*"))) == 2


def test_no_cache_and_cache_dir(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    cli(*ISO015, "--no-cache", ".", cwd=tree)
    assert not (tree / CACHE_DIR_NAME).exists()
    cli(*ISO015, "--cache-dir", str(tmp_path / "elsewhere"), ".", cwd=tree)
    assert not (tree / CACHE_DIR_NAME).exists()
    assert (tmp_path / "elsewhere" / ".gitignore").exists()


def test_the_cache_lives_in_the_project_root(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    (tree / "pyproject.toml").write_text("[tool.infmigrate]\n")
    cli(*ISO015, ".", cwd=tree / "a")
    assert (tree / CACHE_DIR_NAME).is_dir() and not (tree / "a" / CACHE_DIR_NAME).exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong types", "blob",
                                    "negative index", "directory"])
def test_a_damaged_cache_is_a_miss_never_an_error(tmp_path: Path, damage: str) -> None:
    tree = make_tree(tmp_path / "t")
    fresh = cli(*ISO015, "--no-cache", "--diff", ".", cwd=tree)
    cli(*ISO015, "--diff", ".", cwd=tree)
    shards = sorted((tree / CACHE_DIR_NAME).rglob("results-*.json"))
    for shard in shards:
        text = shard.read_text()
        if damage == "garbage":
            shard.write_bytes(os.urandom(200))
        elif damage == "truncated":
            shard.write_text(text[: len(text) // 2])
        elif damage == "wrong types":
            data = json.loads(text)
            for entry in data["entries"].values():
                entry["d"] = [["x"] * 10 for _ in entry["d"]] or "nope"
                entry["l"] = [1, 2]
            shard.write_text(json.dumps(data))
        elif damage == "negative index":
            data = json.loads(text)
            for entry in data["entries"].values():
                for row in entry["d"]:
                    row[2] = -1
            shard.write_text(json.dumps(data))
        elif damage == "directory":
            shard.unlink()
            shard.mkdir()
    if damage == "blob":
        for blob in (tree / CACHE_DIR_NAME).rglob("blobs/*"):
            blob.write_bytes(b"tampered")
    again = cli(*ISO015, "--diff", ".", cwd=tree)
    if damage == "directory":  # cannot be replaced: said, and nothing else changes
        assert "warning: cannot write the cache in .infmigrate_cache: " in again.stderr
        again.stderr = "".join(line for line in again.stderr.splitlines(keepends=True)
                               if not line.startswith("warning:"))
    assert same(fresh, again), again.stderr


def test_an_unwritable_cache_warns_and_changes_nothing_else(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    (tmp_path / "file").write_bytes(b"")
    fresh = cli(*ISO015, "--no-cache", ".", cwd=tree)
    res = cli(*ISO015, "--cache-dir", str(tmp_path / "file" / "x"), ".", cwd=tree)
    assert res.status == fresh.status and res.stdout == fresh.stdout
    assert "warning: cannot write the cache in " in res.stderr
    assert cli(*ISO015, "-q", "--cache-dir", str(tmp_path / "file" / "x"), ".",
               cwd=tree).stderr == ""


def test_files_of_skips_the_cache(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    before = files_of(tree)
    cli(*ISO015, ".", cwd=tree)
    assert files_of(tree) == before
