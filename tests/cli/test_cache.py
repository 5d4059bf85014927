"""The results cache: hits give the very same output, misses when anything that matters
changes, and a damaged cache is never fatal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infmigrate.workspace import cache as cache_module
from infmigrate.workspace.cache import CACHE_DIR_NAME

from .cachefiles import entries, read_shard, shards, write_shard
from .conftest import FIXED_SAMPLE, ISO015, SAMPLE, CliResult, cli, files_of

WIDE = '\ufeff[Version]\r\nSignature="$Windows NT$"\r\nClass=Net\r\n'.encode("utf-16-le")
ANSI = b'[Version]\r\nSignature="$Windows NT$"\r\n; caf\xe9 \x81\r\n'


def make_tree(root: Path) -> Path:
    for name, data in (
        ("a/one.inf", SAMPLE),
        ("a/two.inf", FIXED_SAMPLE),
        ("b/wide.inf", WIDE),
        ("b/ansi.inf", ANSI),
        ("b/broken.inf", b'[Version\r\nx = "1\r\n'),
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def same(a: CliResult, b: CliResult) -> bool:
    return (a.status, a.stdout, a.stderr) == (b.status, b.stdout, b.stderr)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--diff"],
        ["--check"],
        ["--statistics"],
        ["--format", "gitlab"],
        ["--format", "github"],
        ["--unsafe-fixes", "--check"],
    ],
)
def test_a_cached_run_prints_exactly_what_a_fresh_one_does(tmp_path: Path, args: list[str]) -> None:
    tree = make_tree(tmp_path / "t")
    fresh = cli(*ISO015, "--no-cache", *args, ".", cwd=tree)
    assert not (tree / CACHE_DIR_NAME).exists()
    first = cli(*ISO015, *args, ".", cwd=tree)
    second = cli(*ISO015, *args, ".", cwd=tree)
    assert same(fresh, first) and same(fresh, second)
    verbose = cli(*ISO015, "-v", *args, ".", cwd=tree)
    # --diff prints only what this run's fixers make: the 3 files they change are redone.
    assert verbose.stderr.count(", cached)") == (2 if "--diff" in args else 5)


def test_cache_layout_and_gitignore(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    cli(*ISO015, "--check", ".", cwd=tree)
    root = tree / CACHE_DIR_NAME
    assert (root / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (root / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")
    assert (root / ".gitignore").stat().st_mode & 0o644 == 0o644
    assert len(entries(tree)) == 5
    assert not list(root.rglob("*.tmp"))


def test_write_fixes_afresh_and_caches_what_it_wrote(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    cli(*ISO015, "--check", ".", cwd=tree)  # fills the cache
    res = cli(*ISO015, "-v", "--write", ".", cwd=tree)
    # What is written comes from this run's fixers, never from the cache; a file with
    # nothing to fix is answered by it.
    assert "checked a/one.inf (cp1252, 1 finding)\n" in res.stderr
    assert "checked a/two.inf (cp1252, 0 findings, cached)" in res.stderr
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
    res = cli(
        *ISO015,
        "-v",
        "t",
        cwd=tmp_path,
    )  # shown paths differ: t/a/...
    assert ", cached)" not in res.stderr
    # Report mode fixes in memory too (to count what --write fixes): its entry answers a
    # run that fixes.
    res = cli(*ISO015, "-v", "--check", ".", cwd=tree)
    assert ", cached)" in res.stderr


def test_a_change_of_the_tool_starts_a_new_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = make_tree(tmp_path / "t")
    cli(*ISO015, ".", cwd=tree)
    real = cache_module.source_hash
    monkeypatch.setattr(
        "infmigrate.cli.command.source_hash", lambda modules: "z" + real(modules)[1:]
    )
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


@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "wrong types", "negative index", "bad JSON", "directory"]
)
@pytest.mark.parametrize("mode", ["--diff", "--check"])
def test_a_damaged_cache_is_a_miss_never_an_error(tmp_path: Path, damage: str, mode: str) -> None:
    """Damage behind a valid HMAC (signed with the user's key, as infmigrate would have
    written it) reaches the checks of the entries themselves."""
    tree = make_tree(tmp_path / "t")
    fresh = cli(*ISO015, "--no-cache", mode, ".", cwd=tree)
    cli(*ISO015, mode, ".", cwd=tree)
    for shard in shards(tree):
        raw = shard.read_bytes()
        if damage == "garbage":
            shard.write_bytes(os.urandom(200))
        elif damage == "truncated":
            shard.write_bytes(raw[: len(raw) // 2])
        elif damage == "wrong types":
            data = read_shard(shard)
            for entry in data["entries"].values():
                entry["d"] = [["x"] * 10 for _ in entry["d"]] or "nope"
                entry["l"] = [1, 2]
                entry["c"] = "yes"
            write_shard(shard, data)
        elif damage == "negative index":
            data = read_shard(shard)
            for entry in data["entries"].values():
                for row in entry["d"]:
                    row[2] = -1
            write_shard(shard, data)
        elif damage == "bad JSON":
            write_shard(shard, b'{"format": 3, "entries": {"a": [' * 50_000)
        elif damage == "directory":
            shard.unlink()
            shard.mkdir()
    again = cli(*ISO015, mode, ".", cwd=tree)
    if damage == "directory":  # cannot be replaced: said, and nothing else changes
        assert "warning: cannot write the cache in .infmigrate_cache: " in again.stderr
        again.stderr = "".join(
            line
            for line in again.stderr.splitlines(keepends=True)
            if not line.startswith("warning:")
        )
    assert same(fresh, again), again.stderr


def test_an_unwritable_cache_warns_and_changes_nothing_else(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    (tmp_path / "file").write_bytes(b"")
    fresh = cli(*ISO015, "--no-cache", ".", cwd=tree)
    res = cli(*ISO015, "--cache-dir", str(tmp_path / "file" / "x"), ".", cwd=tree)
    assert res.status == fresh.status and res.stdout == fresh.stdout
    assert "warning: cannot write the cache in " in res.stderr
    assert (
        cli(*ISO015, "-q", "--cache-dir", str(tmp_path / "file" / "x"), ".", cwd=tree).stderr == ""
    )


def test_files_of_skips_the_cache(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    before = files_of(tree)
    cli(*ISO015, ".", cwd=tree)
    assert files_of(tree) == before
