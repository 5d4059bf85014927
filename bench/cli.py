"""Command benchmark: whole-corpus runs of ``infmigrate`` against the floor and wininfparser.

Run it through ``bench/run.sh cli`` (which builds ``bench/.venv`` with the peer parser);
see ``bench/README.md`` for what each figure means. It prints, in one run:

* the references, measured as ``bench/parse.py`` does (fresh child process, cold pass,
  in-process timing) on exactly the files the command finds in the corpus: the floor
  (read + decode + split) and wininfparser's single-process parse;
* the wall time of fresh ``python -m infmigrate`` processes over the corpus directory,
  without the cache, with 1 and 2 jobs: parse only (``--check --select INF``: read,
  decode, parse, syntax problems), the full ``--check`` (every rule, fixes computed) and
  the full ``--diff`` (diff printed to /dev/null), as throughput and as ratios to the
  references;
* a cached re-run (``--check`` and the plain report, warm cache);
* peak memory processing the largest file (tracemalloc in a fresh process, and the
  command's maximum RSS);
* the goals, met or missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

import parse as parse_bench  # noqa: E402  (bench/parse.py, its child runners)

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
MARK = "@@BENCH-CLI@@ "
MB = 1_000_000

#: Goals of issue 6.
GOAL_CHECK_VS_PEER = 2.0
GOAL_CACHED_S = 1.5
GOAL_MEMORY_X = 20.0


# --------------------------------------------------------------------------- files


def corpus_files(corpus: Path) -> list[parse_bench.CorpusFile]:
    """The INF/INX files the command finds in the corpus (its own discovery), sorted."""
    from infmigrate.workspace.discovery import discover

    found = discover([corpus], lambda p, d: False, respect_gitignore=False)
    return [parse_bench.CorpusFile(c.path, c.size) for c in found]


# --------------------------------------------------------------------------- children


def child_reference(tool: str, list_file: Path) -> dict[str, Any]:
    files = [
        parse_bench.CorpusFile(Path(p), os.path.getsize(p))
        for p in list_file.read_text(encoding="utf-8").splitlines()
        if p
    ]
    res: dict[str, Any] = dict(parse_bench.RUNNERS[tool](files, 1, False))
    return res


def child_memory(path: Path) -> dict[str, Any]:
    """Peak Python memory of the full pipeline (parse, every rule, fixes, diff) on one
    file, the rules imported before measuring."""
    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.problems import SYNTAX_CODES
    from infmigrate.engine.processing import FileOptions, process

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    data = path.read_bytes()
    tracemalloc.start()
    result = process(data, path.name, options, want_fix=True, want_diff=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"peak": peak, "bytes": len(data), "error": result.error}


def spawn_child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARK):
            result: dict[str, Any] = json.loads(line[len(MARK) :])
            return result
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}


# --------------------------------------------------------------------------- commands


#: Where the command's bytecode goes (outside the source tree, git-ignored).
PYCACHE = Path(__file__).resolve().parent / ".pycache"


def command_env() -> dict[str, str]:
    """The environment of a measured command: no cache settings from the caller, and
    bytecode written and read as for an installed package (pip compiles a wheel's modules
    at install time), even where ``PYTHONDONTWRITEBYTECODE`` is set: otherwise every run
    would compile infmigrate's ~110 modules first (about 0.15 s)."""
    drop = ("INFMIGRATE_NO_CACHE", "INFMIGRATE_CACHE_DIR", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def compile_bytecode() -> None:
    """Compile infmigrate and its rules ahead of the timed runs, as ``pip install`` does."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "infmigrate"],
        cwd=REPO,
        env=command_env(),
        stdout=subprocess.DEVNULL,
        check=True,
    )


def run_command(args: Sequence[str]) -> float:
    """Wall seconds of one fresh ``python -m infmigrate`` (from the working tree)."""
    env = command_env()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "infmigrate", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"infmigrate {' '.join(args)} failed ({proc.returncode}):\n"
            + proc.stderr.decode(errors="replace")[-2000:]
        )
    return wall


def child_rss(args: Sequence[str]) -> dict[str, Any]:
    """The maximum RSS of one command, its only child here."""
    run_command(args)
    return {"rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


def median_wall(args: Sequence[str], runs: int) -> float:
    return statistics.median(run_command(args) for _ in range(runs))


# --------------------------------------------------------------------------- report


def parent_main(args: argparse.Namespace) -> int:
    corpus: Path = args.corpus
    files = corpus_files(corpus)
    total = sum(f.size for f in files)
    big = max(files, key=lambda f: f.size)
    out: list[str] = ["infmigrate command benchmark"]
    out.append(
        f"  corpus   {corpus}  ({len(files)} INF/INX files found by the command, "
        f"{total / MB:.2f} MB)"
    )
    out.append(f"  largest  {big.path.relative_to(corpus)}  ({big.size:,} bytes)")
    out.append(
        f"  python   {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cpus; {args.runs} run(s) per figure, median; every run a "
        "fresh process"
    )
    load1 = os.getloadavg()[0]
    busy = "  (machine busy: figures may be inflated)" if load1 > 0.5 else ""
    out.append(f"  load     {load1:.2f} (1-min average at start){busy}")
    compile_bytecode()
    out.append(
        "  bytecode compiled ahead of the runs (as `pip install` does), in "
        f"{PYCACHE.relative_to(REPO)}/"
    )

    with tempfile.TemporaryDirectory() as tmp:
        list_file = Path(tmp) / "files.txt"
        list_file.write_text("".join(f"{f.path}\n" for f in files), encoding="utf-8")
        refs: dict[str, float | None] = {}
        notes: list[str] = []
        for tool in ("floor", "wininfparser"):
            why = parse_bench.available(tool)
            if why is not None:
                refs[tool] = None
                notes.append(f"{tool}: {why}")
                continue
            times = []
            for _ in range(args.runs):
                r = spawn_child(["--one", tool, "--list", str(list_file)])
                if "error" in r:
                    notes.append(f"{tool}: {r['error']}")
                    break
                times.append(r["passes"][0])
            refs[tool] = statistics.median(times) if times else None
        floor, peer = refs.get("floor"), refs.get("wininfparser")
        out.append("")
        out.append("References (cold pass in a fresh process, timed inside it, as bench/parse.py):")
        for label, value in (
            ("floor read+decode+split", floor),
            ("wininfparser 1.0.12.1 parse", peer),
        ):
            shown = f"{value:8.3f} s" if value else "     n/a"
            out.append(f"  {label:38} {shown}")

        cache_dir = Path(tmp) / "cache"
        target = str(corpus)
        rows: list[tuple[str, int, float]] = []
        plans = [
            ("parse only (--check --select INF)", ["--check", "--select", "INF"]),
            ("full check (--check)", ["--check"]),
            ("full diff (--diff)", ["--diff"]),
        ]
        for label, flags in plans:
            for jobs in (1, 2):
                wall = median_wall([*flags, "--no-cache", "-j", str(jobs), target], args.runs)
                rows.append((label, jobs, wall))
        # Cached re-runs: fill the cache once, then time runs that find every file in it.
        run_command(["--check", "--cache-dir", str(cache_dir), "-j", "2", target])
        run_command(["--cache-dir", str(cache_dir), "-j", "2", target])
        cached_check = median_wall(
            ["--check", "--cache-dir", str(cache_dir), "-j", "2", target], args.runs
        )
        cached_report = median_wall(["--cache-dir", str(cache_dir), "-j", "2", target], args.runs)
        shutil.rmtree(cache_dir, ignore_errors=True)

        mem = spawn_child(["--mem", str(big.path)])
        rss = spawn_child(["--rss", str(big.path)])

    def ratio(a: float, b: float | None) -> str:
        return f"{a / b:7.2f}x" if b else "    n/a"

    out.append("")
    out.append(
        "Command: wall time of `python -m infmigrate ... <corpus>` (fresh process, "
        "imports included), no cache"
    )
    out.append(
        f"  {'':36} {'jobs':>4} {'wall s':>8} {'MB/s':>7} {'files/s':>8} "
        f"{'x floor':>8} {'x wininfparser':>14}"
    )
    for label, jobs, wall in rows:
        out.append(
            f"  {label:36} {jobs:>4} {wall:8.3f} {total / MB / wall:7.2f} "
            f"{len(files) / wall:8.1f} {ratio(wall, floor):>8} {ratio(wall, peer):>14}"
        )
    out.append(
        f"  {'cached re-run (--check, warm cache)':36} {2:>4} {cached_check:8.3f} "
        f"{total / MB / cached_check:7.2f} {len(files) / cached_check:8.1f} "
        f"{ratio(cached_check, floor):>8} {ratio(cached_check, peer):>14}"
    )
    out.append(
        f"  {'cached re-run (report, all findings)':36} {2:>4} {cached_report:8.3f} "
        f"{total / MB / cached_report:7.2f} {len(files) / cached_report:8.1f} "
        f"{ratio(cached_report, floor):>8} {ratio(cached_report, peer):>14}"
    )

    out.append("")
    out.append(
        f"Peak memory on the largest file ({big.size:,} bytes): parse, every rule, fixes, diff"
    )
    peak_x = None
    if "error" in mem and not isinstance(mem.get("peak"), int):
        out.append(f"  tracemalloc: FAILED {mem['error']}")
    else:
        peak_x = mem["peak"] / big.size
        out.append(
            f"  tracemalloc peak while processing   {mem['peak'] / MB:8.2f} MB = "
            f"{peak_x:6.1f}x file size"
        )
    if "rss_kib" in rss:
        out.append(
            f"  max RSS of `infmigrate --diff -j 1 <largest>`  "
            f"{rss['rss_kib'] / 1024:8.1f} MiB (interpreter and imports included)"
        )

    check2 = next(w for label, j, w in rows if label.startswith("full check") and j == 2)
    out.append("")
    out.append("Goals")
    if peer:
        verdict = "met" if check2 <= GOAL_CHECK_VS_PEER * peer else "MISSED"
        out.append(
            f"  --check --jobs 2 <= {GOAL_CHECK_VS_PEER:.0f}x wininfparser's parse: "
            f"{check2:.3f} s vs {GOAL_CHECK_VS_PEER * peer:.3f} s "
            f"({check2 / peer:.2f}x)  {verdict}"
        )
    else:
        out.append("  --check --jobs 2 vs wininfparser: n/a (wininfparser not installed)")
    verdict = "met" if cached_check < GOAL_CACHED_S else "MISSED"
    out.append(f"  cached re-run < {GOAL_CACHED_S} s: {cached_check:.3f} s  {verdict}")
    if peak_x is not None:
        verdict = "met" if peak_x < GOAL_MEMORY_X else "MISSED"
        out.append(
            f"  peak memory < {GOAL_MEMORY_X:.0f}x the largest file: {peak_x:.1f}x  {verdict}"
        )
    if notes:
        out.append("")
        out.extend(f"note: {n}" for n in notes)
    print("\n".join(out))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--runs", type=parse_bench.positive, default=3, help="runs per figure (median)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    ap.add_argument("--one", choices=("floor", "wininfparser"), help=argparse.SUPPRESS)
    ap.add_argument("--list", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--mem", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--rss", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.corpus = args.corpus.resolve()
    if args.one:
        print(MARK + json.dumps(child_reference(args.one, args.list)), flush=True)
        return 0
    if args.mem:
        print(MARK + json.dumps(child_memory(args.mem)), flush=True)
        return 0
    if args.rss:
        print(
            MARK + json.dumps(child_rss(["--diff", "--no-cache", "-j", "1", str(args.rss)])),
            flush=True,
        )
        return 0
    return parent_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
