"""Fuzzing the command: mutated INF text, whole runs of ``infmigrate --write``.

Hypothesis mutates the fixtures (as ``tests/test_fuzz_fixers.py`` does) into a small tree
and runs the command in this process, through the same option parsing as the installed
command, with every rule and the cache on. Whatever the input: the command never fails
with an internal error; every file it writes parses back to its own bytes; a second
``--write`` (without the cache) changes nothing; and a ``--check`` answered from the
cache says the same as one without it.

``INFMIGRATE_FUZZ_EXAMPLES`` raises the number of examples for a longer local campaign (a
third of it runs here), ``INFMIGRATE_FUZZ_COMMAND_EXAMPLES`` sets this test's own number
(``fuzz/campaign.py`` does, see fuzz/README.md); ``fuzz/atheris_command.py`` runs the same
property under atheris.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infmigrate
from tests.test_fuzz_fixers import EXAMPLES, OPS, SEEDS, _mutate

from .conftest import cli, files_of

#: Examples per run (each runs the command four times: a third of the fixers' number).
EXAMPLES_HERE = int(os.environ.get("INFMIGRATE_FUZZ_COMMAND_EXAMPLES", max(EXAMPLES // 3, 20)))


def _tree(root: Path, files: list[tuple[Path, list[tuple[int, int, int, str]]]]) -> None:
    for i, (seed, ops) in enumerate(files):
        original = infmigrate.parse(seed.read_bytes())
        text = _mutate(original.code, ops)
        try:
            data = infmigrate.engine.syntax.encode(text, original.encoding, original.bom)
        except ValueError:
            data = seed.read_bytes()  # the mutation does not fit the file's encoding
        path = root / f"d{i % 2}" / f"f{i}.{'inx' if i == 2 else 'inf'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@settings(
    max_examples=EXAMPLES_HERE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    files=st.lists(st.tuples(st.sampled_from(SEEDS), OPS), min_size=1, max_size=3),
    unsafe=st.booleans(),
)
def test_the_command_on_mutated_trees(
    files: list[tuple[Path, list[tuple[int, int, int, str]]]], unsafe: bool
) -> None:
    flags = ["--unsafe-fixes"] if unsafe else []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _tree(root, files)
        first = cli("--write", "-j", "1", *flags, ".", cwd=root)
        assert first.status in (0, 1), first.stderr
        assert "internal error" not in first.stderr and "error:" not in first.stderr
        written = files_of(root)
        for name, data in written.items():
            assert infmigrate.parse(data).to_bytes() == data, name
        again = cli("--write", "--no-cache", "-j", "1", *flags, ".", cwd=root)
        assert files_of(root) == written, again.stderr
        assert "Nothing to fix" in again.stderr
        fresh = cli("--check", "--no-cache", *flags, ".", cwd=root)
        cached = cli("--check", "-v", *flags, ".", cwd=root)
        assert (cached.status, cached.stdout) == (fresh.status, fresh.stdout)
        assert cached.stderr.count(", cached)") == len(files)
        summary = [
            line
            for line in cached.stderr.splitlines()
            if not line.startswith(("checked ", "  target: ", "config: ", "cache: "))
        ]
        assert summary == fresh.stderr.splitlines()
