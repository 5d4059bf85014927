"""A planted cache decides nothing (issue 18, defect 1).

The cache lives in the checkout, where a pull request can commit files. Whatever is
planted there (replaced fixed bytes or diffs, replaced findings, entries moved to another
file's key, HMACs made with another key, symbolic links out of the cache, a file where the
cache should be, huge files, malformed JSON, a pickle) must at worst be a miss: ``--write``
writes and ``--diff`` prints exactly what a ``--no-cache`` run does, the findings and exit
status are the same, nothing raises, and nothing outside the cache is read, written or
removed because of it.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import shutil
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from infmigrate import __version__
from infmigrate.workspace.cache import CACHE_DIR_NAME, MAX_SHARD_BYTES
from infmigrate.workspace.cachekey import KEY_NAME, key_dir

from .cachefiles import entries, payload_of, read_shard, shards, write_shard
from .conftest import FIXED_SAMPLE, ROOT, SAMPLE, CliResult, Run, cli, files_of

TOASTER = (ROOT / "fixtures" / "examples" / "toaster.inf").read_bytes()
#: What an attacker wants written, or printed as the diff.
EVIL = b'[Version]\r\nSignature="$Windows NT$"\r\n; planted\r\n'
EVIL_DIFF = b"--- a/toaster.inf\n+++ b/toaster.inf\n@@ -1 +1 @@\n-x\n+planted\n"
MODES = {"write": ["--write"], "diff": ["--diff"], "check": ["--check"], "report": []}


def make_tree(root: Path) -> Path:
    for name, data in (
        ("toaster.inf", TOASTER),
        ("a/one.inf", SAMPLE),
        ("a/two.inf", FIXED_SAMPLE),
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def run(tree: Path, args: list[str], *extra: str) -> tuple[CliResult, dict[str, bytes]]:
    res = cli(*extra, "-j", "1", *args, ".", cwd=tree)
    assert "Traceback" not in res.stderr, res.stderr
    return res, files_of(tree)


_FRESH: dict[str, tuple[CliResult, dict[str, bytes]]] = {}


def fresh(tmp_path: Path, mode: str) -> tuple[CliResult, dict[str, bytes]]:
    """What a run without the cache does (computed once per mode)."""
    if mode not in _FRESH:
        tree = make_tree(tmp_path / "fresh")
        _FRESH[mode] = run(tree, MODES[mode], "--no-cache")
        assert not (tree / CACHE_DIR_NAME).exists()
        shutil.rmtree(tree)
    return _FRESH[mode]


def filled(tmp_path: Path) -> Path:
    """A tree whose cache holds every file's full result (fixes and diffs computed)."""
    tree = make_tree(tmp_path / "t")
    cli("-j", "1", "--diff", ".", cwd=tree)
    assert len(entries(tree)) == 3
    return tree


def build_dir(tree: Path) -> Path:
    (found,) = (tree / CACHE_DIR_NAME / __version__).iterdir()
    return found


def toaster_shard(tree: Path) -> tuple[Path, str]:
    for shard in shards(tree):
        for key in read_shard(shard)["entries"]:
            if key.endswith("toaster.inf"):
                return shard, key
    raise AssertionError("no entry for toaster.inf")


def without_warnings(text: str) -> str:
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith("warning: ")
    )


def assert_same_as_fresh(tmp_path: Path, tree: Path, mode: str) -> CliResult:
    want, want_files = fresh(tmp_path, mode)
    got, got_files = run(tree, MODES[mode])
    assert got.status == want.status
    assert got.stdout == want.stdout  # the findings, or the diff
    assert without_warnings(got.stderr) == want.stderr
    assert got_files == want_files  # what --write wrote (and nothing else)
    return got


# --- what is planted ---------------------------------------------------------------------


def _blob(tree: Path, data: bytes) -> str:
    import hashlib

    name = hashlib.sha256(data).hexdigest()
    blobs = build_dir(tree) / "blobs"
    blobs.mkdir(exist_ok=True)
    (blobs / name).write_bytes(data)
    return name


def replaced_fixed_bytes(tree: Path, key: bytes | None) -> None:
    """The issue's reproduction: the entry names a blob of other content, by its hash
    (in the layout of the old cache, which kept fixed bytes and diffs as blobs)."""
    shard, name = toaster_shard(tree)
    data = read_shard(shard)
    data["entries"][name].update(x=_blob(tree, EVIL), p=_blob(tree, EVIL_DIFF), u=False)
    write_shard(shard, data, key)


def planted_skip(tree: Path, key: bytes | None) -> None:
    """A Windows 9x skip remembered for toaster.inf's own bytes (issue 16's skip memo):
    the run would skip a real driver package."""
    import hashlib

    shard, name = toaster_shard(tree)
    data = read_shard(shard)
    path = name.split(":", 1)[1]  # the key: "<settings hash>:<absolute path>"
    data["entries"][f"skip:{path}"] = {
        "h": hashlib.sha256(TOASTER).hexdigest(),
        "k": "win9x",
        "t": int(time.time() // 86400),
    }
    write_shard(shard, data, key)


def replaced_findings(tree: Path, key: bytes | None) -> None:
    """No findings, nothing to fix: a --check that would say all is well."""
    for shard in shards(tree):
        data = read_shard(shard)
        for entry in data["entries"].values():
            entry.update(d=[], a=[], r=None, c=False, l={}, m=None)
        write_shard(shard, data, key)


def _plant_clean_entry(tree: Path, key: bytes | None, relabel: bool) -> None:
    """toaster.inf's entry replaced by the clean a/two.inf's, relabelled with toaster.inf's
    hash and shown path when ``relabel``."""
    every = entries(tree)
    clean = next(v for k, v in every.items() if k.endswith("two.inf"))
    shard, name = toaster_shard(tree)
    data = read_shard(shard)
    data["entries"][name] = (
        dict(clean, h=data["entries"][name]["h"], s="toaster.inf") if relabel else clean
    )
    write_shard(shard, data, key)


def copied_from_another_file(tree: Path, key: bytes | None) -> None:
    """toaster.inf's entry replaced by the clean a/two.inf's (moved under its key)."""
    _plant_clean_entry(tree, key, relabel=False)


def copied_and_relabelled(tree: Path, key: bytes | None) -> None:
    """The clean file's findings under toaster.inf's key, hash and shown path."""
    _plant_clean_entry(tree, key, relabel=True)


def renamed_shards(tree: Path, key: bytes | None) -> None:
    """Every shard's content (with its valid HMAC) moved to the next shard's name."""
    names = [f"results-{c}.json" for c in "0123456789abcdef"]
    contents = {p.name: p.read_bytes() for p in shards(tree)}
    for p in shards(tree):
        p.unlink()
    folder = build_dir(tree)
    for name, raw in contents.items():
        (folder / names[(names.index(name) + 1) % 16]).write_bytes(raw)


def replayed_to_another_build(tree: Path, key: bytes | None) -> None:
    """Shards signed for another build of infmigrate (another source hash), given this
    build's folder name."""
    folder = build_dir(tree)
    other = folder.parent / ("0" * 20)
    folder.rename(other)
    for shard in sorted(other.glob("results-*.json")):
        write_shard(shard, payload_of(shard), key)  # signed as for folder "000..."
    other.rename(folder)


def malformed_json(tree: Path, key: bytes | None) -> None:
    for i, shard in enumerate(shards(tree)):
        bad = [
            b'{"format": 3, "entries": ' + b"[" * 100_000,
            b'{"format": 3, "entries": {"x": 1e99999}}',
            b"\xff\xfe{",
            b"null",
            b'{"format": 3, "entries": []}',
        ][i % 5]
        write_shard(shard, bad, key)


class _Marker:
    """Unpickling this creates a file: what a planted pickle would do."""

    path = ""

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return (open, (self.path, "w"))


def pickle_payload(tree: Path, key: bytes | None) -> None:
    marker = _Marker()
    marker.path = str(tree.parent / "unpickled")
    evil = pickle.dumps(marker)
    # toaster.inf's shard: JSON whose strings are the pickle, base64-encoded; the others:
    # the pickle itself (and pickle files beside them)
    first, name = toaster_shard(tree)
    data = read_shard(first)
    data["entries"][name]["S"] = [base64.b64encode(evil).decode()] * 3
    write_shard(first, data, key)
    for shard in shards(tree):
        if shard != first:
            write_shard(shard, evil, key)
        shard.with_suffix(".pickle").write_bytes(evil)
    (build_dir(tree) / "results.pickle").write_bytes(evil)


def huge_files(tree: Path, key: bytes | None) -> None:
    """Sparse files: a shard past the size limit and a 4 GiB blob."""
    replaced_fixed_bytes(tree, key)
    for shard in shards(tree):
        with open(shard, "r+b") as f:
            f.truncate(MAX_SHARD_BYTES + 1)
    blobs = build_dir(tree) / "blobs"
    for blob in blobs.iterdir():
        with open(blob, "r+b") as f:
            f.truncate(4 << 30)


TAMPERING = {
    "planted Windows 9x skip": planted_skip,
    "replaced fixed bytes and diff": replaced_fixed_bytes,
    "replaced findings": replaced_findings,
    "entry copied from another file": copied_from_another_file,
    "entry copied and relabelled": copied_and_relabelled,
    "shards renamed": renamed_shards,
    "shards of another build": replayed_to_another_build,
    "malformed JSON": malformed_json,
    "pickle": pickle_payload,
    "huge files": huge_files,
}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("tamper", list(TAMPERING))
@pytest.mark.parametrize("signed", ["unsigned", "other key"])
def test_planted_content_is_a_miss(tmp_path: Path, tamper: str, mode: str, signed: str) -> None:
    """As planted in a repository: with the attacker's HMACs (made with their own key, or
    made up)."""
    tree = filled(tmp_path)
    TAMPERING[tamper](tree, os.urandom(32))
    if signed == "unsigned" and tamper != "huge files":
        for shard in shards(tree):
            shard.write_bytes(
                b"infmigrate-cache-hmac-sha256 "
                + b"0" * 64
                + b"\n"
                + shard.read_bytes().partition(b"\n")[2]
            )
    res = assert_same_as_fresh(tmp_path, tree, mode)
    assert not (tmp_path / "unpickled").exists()
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(
    "tamper",
    [
        "replaced fixed bytes and diff",
        "entry copied from another file",
        "malformed JSON",
        "pickle",
        "huge files",
        "shards renamed",
        "shards of another build",
    ],
)
def test_behind_a_valid_hmac_the_entries_are_still_checked(
    tmp_path: Path, tamper: str, mode: str
) -> None:
    """Signed with the user's own key (as if infmigrate had a bug, or the key had
    leaked): fixed bytes and diffs are still never taken from the cache, an entry answers
    only for its own file's bytes and path, a shard only under its own name and build,
    and malformed content is a miss. (Whoever holds the key can of course forge a whole
    entry, "relabelled" above: the key's secrecy is what the findings rest on; even then
    what --write writes and --diff prints is never taken from the cache.)"""
    tree = filled(tmp_path)
    TAMPERING[tamper](tree, None)
    assert_same_as_fresh(tmp_path, tree, mode)
    assert not (tmp_path / "unpickled").exists()


def test_the_reproduction_of_the_issue(tmp_path: Path) -> None:
    """``--diff``, then the fixed-bytes blob replaced by other content named by its
    SHA-256, then ``--write``: the INF gets the fixers' bytes, not the planted ones."""
    tree = make_tree(tmp_path / "t")
    cli("--diff", "toaster.inf", cwd=tree)
    replaced_fixed_bytes(tree, os.urandom(32))
    cli("--write", "toaster.inf", cwd=tree)
    written = (tree / "toaster.inf").read_bytes()
    assert written != EVIL and written != TOASTER
    other = make_tree(tmp_path / "u")
    cli("--no-cache", "--write", "toaster.inf", cwd=other)
    assert (other / "toaster.inf").read_bytes() == written


# --- the cache's place on disk -----------------------------------------------------------


def _outside(tmp_path: Path) -> Path:
    """A folder outside the tree with a file and an old folder named like a build of this
    version (which the clean-up of stale builds would remove, were it followed there)."""
    out = tmp_path / "outside"
    (out / ("f" * 20)).mkdir(parents=True)
    (out / ("f" * 20) / "precious").write_bytes(b"keep me")
    (out / ("a" * 64)).write_bytes(b"named like a blob")
    (out / "results-3.json").write_bytes(b"not a shard")
    old = time.time() - 7 * 86400
    for p in (out / ("f" * 20), out / ("a" * 64)):
        os.utime(p, (old, old))
    return out


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def symlinked_root(tree: Path, out: Path) -> None:
    shutil.rmtree(tree / CACHE_DIR_NAME)
    (tree / CACHE_DIR_NAME).symlink_to(out, target_is_directory=True)


def symlinked_version(tree: Path, out: Path) -> None:
    shutil.rmtree(tree / CACHE_DIR_NAME / __version__)
    (tree / CACHE_DIR_NAME / __version__).symlink_to(out, target_is_directory=True)


def symlinked_build(tree: Path, out: Path) -> None:
    folder = build_dir(tree)
    shutil.rmtree(folder)
    folder.symlink_to(out, target_is_directory=True)


def symlinked_shards_and_blobs(tree: Path, out: Path) -> None:
    for shard in shards(tree):
        shard.unlink()
        shard.symlink_to(out / "results-3.json")
    (build_dir(tree) / "blobs").symlink_to(out, target_is_directory=True)


def root_is_a_file(tree: Path, out: Path) -> None:
    shutil.rmtree(tree / CACHE_DIR_NAME)
    (tree / CACHE_DIR_NAME).write_bytes(b"a file where the cache should be")


def version_is_a_file(tree: Path, out: Path) -> None:
    shutil.rmtree(tree / CACHE_DIR_NAME / __version__)
    (tree / CACHE_DIR_NAME / __version__).write_bytes(b"")


def shard_is_a_fifo(tree: Path, out: Path) -> None:
    for shard in shards(tree):
        shard.unlink()
        os.mkfifo(shard)


PLACES = {
    "cache root is a symlink out": symlinked_root,
    "version folder is a symlink out": symlinked_version,
    "build folder is a symlink out": symlinked_build,
    "shards and blobs are symlinks out": symlinked_shards_and_blobs,
    "cache root is a file": root_is_a_file,
    "version folder is a file": version_is_a_file,
    "shards are FIFOs": shard_is_a_fifo,
}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("place", list(PLACES))
def test_a_planted_cache_folder_is_not_followed(tmp_path: Path, place: str, mode: str) -> None:
    if "FIFO" in place and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    tree = filled(tmp_path)
    out = _outside(tmp_path)
    before = _snapshot(out)
    PLACES[place](tree, out)
    res = assert_same_as_fresh(tmp_path, tree, mode)
    assert _snapshot(out) == before  # nothing read as a cache, written or removed there
    if "symlink out" in place or "is a file" in place:
        assert "warning: " in res.stderr and "(--no-cache skips it)" in res.stderr


def test_a_fifo_shard_does_not_hang_the_installed_command(tmp_path: Path, infmigrate: Run) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    tree = filled(tmp_path)
    shard_is_a_fifo(tree, tmp_path)
    proc = infmigrate("--check", ".", cwd=tree)  # a 60 s timeout: a hang fails
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr


def test_stale_builds_are_removed_but_nothing_else(tmp_path: Path) -> None:
    tree = filled(tmp_path)
    version = tree / CACHE_DIR_NAME / __version__
    old = time.time() - 7 * 86400
    for name in ("0" * 20, "not-a-build"):
        (version / name).mkdir()
        (version / name / "x").write_bytes(b"")
        os.utime(version / name, (old, old))
    (tree / "a/one.inf").write_bytes(SAMPLE + b"; changed\r\n")  # a new entry to save
    cli("--check", ".", cwd=tree)
    assert not (version / ("0" * 20)).exists()
    assert (version / "not-a-build" / "x").exists()


# --- the key -----------------------------------------------------------------------------


def test_the_key_is_private_and_outside_the_tree(tmp_path: Path) -> None:
    tree = filled(tmp_path)
    key = key_dir() / KEY_NAME
    assert tree not in key.parents and key.stat().st_size == 32
    if os.name == "posix":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert not [p for p in (tree / CACHE_DIR_NAME).rglob("*") if p.name == KEY_NAME]
    raw = key.read_bytes()
    assert all(
        raw not in p.read_bytes() and raw.hex().encode() not in p.read_bytes()
        for p in (tree / CACHE_DIR_NAME).rglob("*")
        if p.is_file()
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes and symbolic links")
@pytest.mark.parametrize(
    "problem", ["readable by others", "symlink", "wrong size", "a folder", "unwritable place"]
)
def test_an_unsafe_key_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    home = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    key = home / "infmigrate" / KEY_NAME
    key.parent.mkdir(parents=True)
    if problem == "readable by others":
        key.write_bytes(os.urandom(32))
        key.chmod(0o644)
    elif problem == "symlink":
        (tmp_path / "k").write_bytes(os.urandom(32))
        (tmp_path / "k").chmod(0o600)
        key.symlink_to(tmp_path / "k")
    elif problem == "wrong size":
        key.write_bytes(b"short")
        key.chmod(0o600)
    elif problem == "a folder":
        key.mkdir()
    else:
        key.parent.rmdir()
        key.parent.write_bytes(b"")
    tree = make_tree(tmp_path / "t")
    res = assert_same_as_fresh(tmp_path, tree, "check")
    assert "warning: not using the cache: " in res.stderr
    assert not (tree / CACHE_DIR_NAME).exists()
    if problem == "readable by others":
        assert "(mode 0644); delete it" in res.stderr
    assert cli("-q", "--check", ".", cwd=tree).stderr == ""


def test_a_new_key_makes_every_entry_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = filled(tmp_path)
    assert cli("-v", "--check", ".", cwd=tree).stderr.count(", cached)") == 3
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    assert ", cached)" not in cli("-v", "--check", ".", cwd=tree).stderr
    # ... and the cache is rewritten under the new key: hits again.
    assert cli("-v", "--check", ".", cwd=tree).stderr.count(", cached)") == 3


def test_shards_are_authenticated_json(tmp_path: Path) -> None:
    tree = filled(tmp_path)
    for shard in shards(tree):
        header, _, payload = shard.read_bytes().partition(b"\n")
        assert header.startswith(b"infmigrate-cache-hmac-sha256 ") and len(header) == 93
        data = json.loads(payload)
        assert data["format"] == 3
        for entry in data["entries"].values():
            assert not {"x", "p", "u"} & set(entry)  # no fixed bytes, no diffs
    assert not (build_dir(tree) / "blobs").exists()
