"""Does a change keep the command's output? Compare two checkouts over the shared corpus.

    python bench/same_output.py [--corpus PATH] [--jobs N] [--mode M ...] BEFORE AFTER

BEFORE and AFTER are checkouts of the repository, each with its own ``.venv`` (as
``bench/defects_report.py`` uses them). For each checkout, every file of the corpus
manifest is copied into the same temporary directory (never into a repository), so
that the paths printed are the same for both, and that checkout's command runs there as
a user would, ``--no-cache``, in each mode:

* ``report``: the text report;
* ``diff``: ``--diff``;
* ``unsafe``: ``--diff --unsafe-fixes``;
* ``json``: ``--format json``;
* ``sarif``: ``--format sarif``;
* ``statistics``: ``--check --statistics``;
* ``write``: ``--write``, then the bytes of every file of the tree afterwards.

Each mode's standard output, standard error and exit status are compared byte for
byte; the script prints one line a mode (``same`` or where the outputs first differ)
and exits 1 when any mode differs. It is how a restructuring shows that behaviour did
not change (issue 12: "output byte-identical before and after").
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import DEFAULT_CORPUS, corpus_names

#: Mode name -> the command's arguments (the path argument ``.`` is added last).
MODES: dict[str, list[str]] = {
    "report": [],
    "diff": ["--diff"],
    "unsafe": ["--diff", "--unsafe-fixes"],
    "json": ["--format", "json"],
    "sarif": ["--format", "sarif"],
    "statistics": ["--check", "--statistics"],
    "write": ["--write"],
}


def _python(checkout: Path) -> Path:
    python = checkout / ".venv" / "bin" / "python"
    if not python.is_file():
        sys.exit(f"{checkout}: no .venv/bin/python (python3 -m venv .venv && pip install -e .)")
    return python


def _fresh_tree(corpus: Path, names: list[str], tree: Path) -> None:
    if tree.exists():
        shutil.rmtree(tree)
    for rel in names:
        target = tree / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / rel, target)


def _tree_digest(tree: Path) -> bytes:
    """One line per file: its path and the SHA-256 of its bytes, sorted by path."""
    rows = []
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        rows.append(f"{path.relative_to(tree).as_posix()}\t{digest}\n")
    return "".join(rows).encode()


def run_modes(
    checkout: Path, corpus: Path, names: list[str], tree: Path, modes: list[str], jobs: int
) -> dict[str, bytes]:
    """Every mode's output (status, stdout, stderr) for one checkout."""
    python = _python(checkout)
    out: dict[str, bytes] = {}
    for mode in modes:
        _fresh_tree(corpus, names, tree)
        args = [str(python), "-m", "infmigrate", *MODES[mode], "--no-cache", "-j", str(jobs), "."]
        started = time.perf_counter()
        res = subprocess.run(args, cwd=tree, capture_output=True, check=False)
        took = time.perf_counter() - started
        print(f"  {checkout.name:<16} {mode:<10} exit {res.returncode}  {took:6.1f} s", flush=True)
        blob = b"status %d\n--stdout--\n%s\n--stderr--\n%s" % (
            res.returncode,
            res.stdout,
            res.stderr,
        )
        if mode == "write":
            blob += b"\n--tree--\n" + _tree_digest(tree)
        out[mode] = blob
    return out


def first_difference(a: bytes, b: bytes) -> str:
    """Where two outputs first differ, as a line number and both lines."""
    la, lb = a.splitlines(), b.splitlines()
    for number, (x, y) in enumerate(zip(la, lb, strict=False), 1):
        if x != y:
            return f"line {number}: {x[:160]!r} != {y[:160]!r}"
    return f"one output is longer: {len(la)} vs {len(lb)} lines"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mode", action="append", choices=sorted(MODES), help="default: all")
    parser.add_argument("--keep", type=Path, help="also save each output under this folder")
    args = parser.parse_args(argv)
    if not (args.corpus / "MANIFEST.tsv").is_file():
        sys.exit(f"{args.corpus}: no MANIFEST.tsv (pass --corpus)")
    names = corpus_names(args.corpus)
    modes = args.mode or list(MODES)
    print(f"{len(names)} corpus files, modes: {', '.join(modes)}")
    with tempfile.TemporaryDirectory(prefix="infmigrate-same-") as tmp:
        tree = Path(tmp) / "corpus"
        results = [
            run_modes(checkout.resolve(), args.corpus, names, tree, modes, args.jobs)
            for checkout in (args.before, args.after)
        ]
    differs = 0
    for mode in modes:
        a, b = results[0][mode], results[1][mode]
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{mode}.before").write_bytes(a)
            (args.keep / f"{mode}.after").write_bytes(b)
        if a == b:
            print(f"{mode:<10} same ({len(a):,} bytes)")
        else:
            differs += 1
            print(f"{mode:<10} DIFFERS: {first_difference(a, b)}")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
