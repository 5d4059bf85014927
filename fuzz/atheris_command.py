"""Coverage-guided fuzzing of the whole command (``infmigrate --write``) with atheris.

    pip install atheris
    mkdir -p /tmp/corpus && cp fixtures/*/*.inf /tmp/corpus/
    python fuzz/atheris_command.py /tmp/corpus -max_total_time=600

(libFuzzer adds what it finds to the first folder named: never name ``fixtures/``.)
``fuzz/campaign.sh`` runs it with issue 18's budget (fuzz/README.md).

Each input is cut at ``\\x00\\x00\\x00`` into up to three files of a small tree (so the
fuzzer also finds trees with several files, UTF-16 ones included); the command runs in
this process (:func:`infmigrate.cli.command.run`, what the command line calls) with every
rule and unsafe fixes, the cache on (in the tree). The property is the one of
``tests/cli/test_fuzz_command.py``: nothing escapes the command, every written file parses
back to its own bytes, a second ``--write`` without the cache changes nothing, and a cached
``--check`` agrees with a fresh one. A crash is written to ``crash-*`` by libFuzzer.

A file the command reports as failed (a fixer bug caught by the runner, a fix its encoding
cannot hold) is the command doing its job; such findings are library bugs, which
``fuzz/atheris_fix.py`` hunts: they are appended once each to ``command-findings.txt``
and the campaign goes on (``INFMIGRATE_FUZZ_STRICT=1`` makes them crashes too).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import atheris

with atheris.instrument_imports():
    import infmigrate
    from infmigrate.cli.command import Mode, RunOptions, run
    from infmigrate.engine.catalog import all_rules

    all_rules()  # the rules load on first use: here, so that they are instrumented too


def _run(root: Path, mode: Mode, cache: bool) -> tuple[int, bytes, str]:
    out, err = io.BytesIO(), io.StringIO()
    status = run(
        RunOptions(paths=["."], mode=mode, unsafe_fixes=True, cwd=root, jobs=1, cache=cache),
        stdin=io.BytesIO(),
        stdout=out,
        stderr=err,
    )
    return status, out.getvalue(), err.getvalue()


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.in[fx]"))}


_STRICT = os.environ.get("INFMIGRATE_FUZZ_STRICT") == "1"
_seen: set[str] = set()


def _record(err: str, data: bytes) -> None:
    for line in err.splitlines():
        if line.startswith("error: "):
            message = line.split(": ", 2)[-1]
            if message not in _seen:
                _seen.add(message)
                with open("command-findings.txt", "a", encoding="utf-8") as f:
                    f.write(f"{message}\n  input: {data!r}\n")


def test_one_input(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i, part in enumerate(data.split(b"\x00\x00\x00")[:3]):
            (root / f"f{i}.{'inx' if i == 2 else 'inf'}").write_bytes(part)
        status, _, err = _run(root, Mode.WRITE, cache=True)
        if status == 2:
            if _STRICT or "Traceback" in err or "worker process" in err:
                raise AssertionError(f"first run failed: {err}")
            _record(err, data)
            return
        written = _files(root)
        for name, content in written.items():
            if infmigrate.parse(content).to_bytes() != content:
                raise AssertionError(f"{name} does not parse back")
        _, _, err = _run(root, Mode.WRITE, cache=False)
        if _files(root) != written:
            raise AssertionError(f"a second run changed the files: {err}")
        fresh = _run(root, Mode.CHECK, cache=False)
        cached = _run(root, Mode.CHECK, cache=True)
        if fresh != cached:
            raise AssertionError(f"the cache disagrees: {fresh} != {cached}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
