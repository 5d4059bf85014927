"""Speed of the code rules over the shared C/C++ corpus (``../shared/sources``), on one
core: every ``.c .cpp .cc .cxx .h .hpp`` file read into memory first, then read with
tree-sitter and checked by every code rule (ISO100-ISO119), as ``infmigrate`` does for
each source file. Prints MB/s (goal: at least 5), files parsed, findings by rule.

    python bench/sources.py [--runs 3] [--root PATH] [--profile N]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from infmigrate.engine.catalog import all_rules
from infmigrate.sources import is_source
from infmigrate.sources.processing import check_source
from infmigrate.sources.reader import read_source
from infmigrate.sources.rule import is_code_rule

DEFAULT_ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "sources"


def one_pass(files: list[tuple[str, bytes]]) -> tuple[float, float, int, Counter[str]]:
    """(wall seconds, CPU seconds of this process, files parsed, findings by code)."""
    rules = [r for r in all_rules() if is_code_rule(r)]
    found: Counter[str] = Counter()
    parsed = 0
    start, cpu = time.perf_counter(), time.process_time()
    for name, data in files:
        unit = read_source(data, name)
        parsed += unit.parsed
        for d in check_source(unit, rules):
            found[d.code] += 1
    return time.perf_counter() - start, time.process_time() - cpu, parsed, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if not args.root.is_dir():
        print(f"{args.root}: not found", file=sys.stderr)
        return 2
    files = [
        (str(p.relative_to(args.root)), p.read_bytes())
        for p in sorted(args.root.rglob("*"))
        if p.is_file() and is_source(p.name)
    ]
    size = sum(len(d) for _, d in files)
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(one_pass, files)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)
        return 0
    best = best_cpu = float("inf")
    parsed, found = 0, Counter[str]()
    for _ in range(args.runs):
        elapsed, cpu, parsed, found = one_pass(files)
        best, best_cpu = min(best, elapsed), min(best_cpu, cpu)
    mb = size / 1e6
    print(f"{len(files)} files, {mb:.1f} MB, {parsed} parsed (the others hold no word of interest)")
    print(
        f"best of {args.runs} runs: {best:.2f} s wall ({mb / best:.1f} MB/s), "
        f"{best_cpu:.2f} s CPU ({mb / best_cpu:.1f} MB/s on one core)"
    )
    print("findings:", ", ".join(f"{code} {n}" for code, n in sorted(found.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
