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

#: Goals of issue 16 (they replace issue 6's 2x / 1.5 s / 20x).
GOAL_PARSE_VS_PEER = 1.0  # cold lossless parse+print / wininfparser's parse
GOAL_CHECK_VS_PEER = 2.0  # --check -j 2 --no-cache / wininfparser's parse
GOAL_WITHIN = 0.10  # --diff vs --check; the default run filling the cache vs --no-cache
GOAL_CACHED_S = 1.0  # a cached re-run, seconds
GOAL_SMALL_MS = 150.0  # one small INF end to end, fresh process
GOAL_SMALL_VS_PYTHON = 10.0  # ... as a multiple of `python3 -c pass`
GOAL_MEMORY_X = 10.0  # peak memory / the largest file
#: "Linear": seconds per MB of the largest concatenation at most this multiple of the
#: smallest's (1.0 is exactly linear; a quadratic step would double it at each doubling).
GOAL_LINEAR = 1.5

#: The small INF of the start-up figure.
SMALL_INF = REPO / "fixtures" / "examples" / "toaster.inf"
#: ``--quick``: the INF concatenated is the largest of the corpus up to this size.
QUICK_CONCAT_MAX = 200_000


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


#: CPU seconds (user + system, the command and its workers) of each :func:`run_command`,
#: by its arguments: on a shared machine the wall time also counts the waits for a core.
CPU_S: dict[tuple[str, ...], list[float]] = {}


def run_command(args: Sequence[str]) -> float:
    """Wall seconds of one fresh ``python -m infmigrate`` (from the working tree); its CPU
    seconds go to :data:`CPU_S`."""
    env = command_env()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU_S.setdefault(_cpu_key(args), []).append(cpu)
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"infmigrate {' '.join(args)} failed ({proc.returncode}):\n"
            + proc.stderr.decode(errors="replace")[-2000:]
        )
    return wall


def _cpu_key(args: Sequence[str]) -> tuple[str, ...]:
    """A command's arguments without its cache directory (each filling run has its own)."""
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--cache-dir":
            out.append(a)
            skip = True
            continue
        out.append(a)
    return tuple(out)


def median_cpu(args: Sequence[str]) -> float | None:
    """The median CPU seconds of the runs of this command so far."""
    got = CPU_S.get(_cpu_key(args))
    return statistics.median(got) if got else None


def child_rss(args: Sequence[str]) -> dict[str, Any]:
    """The maximum RSS of one command, its only child here."""
    run_command(args)
    return {"rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


def median_wall(args: Sequence[str], runs: int) -> float:
    return statistics.median(run_command(args) for _ in range(runs))


# --------------------------------------------------------------------------- start-up


def timed_child(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one fresh process (CPU: user + system, from the rusage of
    the children reaped meanwhile: this one only)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        list(argv),
        cwd=cwd,
        env=command_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"{' '.join(argv)} failed ({proc.returncode}):\n"
            + proc.stderr.decode(errors="replace")[-2000:]
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def startup(small: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Medians of ``python3 -c pass`` and of the command on one small INF, each a fresh
    process, measured interleaved (one of each per round) so that both see the same load."""
    cmds = {
        "python": [sys.executable, "-c", "pass"],
        "infmigrate": [sys.executable, "-m", "infmigrate", "--no-cache", str(small)],
    }
    got: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    timed_child(cmds["infmigrate"], REPO)  # bytecode and page cache warm, as for a user
    for _ in range(runs):
        for key, argv in cmds.items():
            got[key].append(timed_child(argv, REPO))
    return {
        k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for k, v in got.items()
    }


# --------------------------------------------------------------------------- scaling


def concatenated(data: bytes, times: int) -> bytes:
    """``times`` copies of an INF in one file: one byte order mark, a line break between
    copies when the file does not end with one."""
    bom = next((b for b in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff") if data.startswith(b)), b"")
    body = data[len(bom) :]
    newline = {b"\xff\xfe": "\r\n".encode("utf-16-le"), b"\xfe\xff": "\r\n".encode("utf-16-be")}
    eol = newline.get(bom, b"\r\n")
    if not body.endswith(eol[len(eol) // 2 :]):
        body += eol
    return bom + body * times


def child_scaling(path: Path, times: int) -> dict[str, Any]:
    """Seconds of the whole pipeline (``--diff``'s: parse, every rule, fixes, diff) on
    ``times`` copies of one INF, the rules imported first."""
    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.problems import SYNTAX_CODES
    from infmigrate.engine.processing import FileOptions, process

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    data = concatenated(path.read_bytes(), times)
    start = time.perf_counter()
    result = process(data, path.name, options, want_fix=True, want_diff=True)
    return {"s": time.perf_counter() - start, "bytes": len(data), "error": result.error}


# --------------------------------------------------------------------------- report


class Goals:
    """The goal lines: figure, goal, ratio, MET or MISSED."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.missed = 0

    def add(self, what: str, figure: str, goal: str, ratio: float | None, met: bool | None) -> None:
        shown = f"{ratio:6.2f}" if ratio is not None else "   n/a"
        verdict = "n/a" if met is None else ("MET" if met else "MISSED")
        self.missed += met is False
        self.lines.append(f"  {what:44} {figure:>26}  {goal:>22}  {shown}  {verdict}")


def parent_main(args: argparse.Namespace) -> int:
    corpus: Path = args.corpus
    files = corpus_files(corpus)
    if not files:
        raise SystemExit(f"no INF/INX file found in {corpus}")
    total = sum(f.size for f in files)
    big = max(files, key=lambda f: f.size)
    concat = (
        args.concat_file
        or (
            max((f for f in files if f.size <= QUICK_CONCAT_MAX), key=lambda f: f.size, default=big)
            if args.quick
            else big
        ).path
    )
    out: list[str] = ["infmigrate command benchmark" + ("  (--quick)" if args.quick else "")]
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
    jobs_list = (2,) if args.quick else (1, 2)

    with tempfile.TemporaryDirectory() as tmp:
        list_file = Path(tmp) / "files.txt"
        list_file.write_text("".join(f"{f.path}\n" for f in files), encoding="utf-8")
        refs: dict[str, float | None] = {}
        notes: list[str] = []
        for tool in ("floor", "wininfparser", "infmigrate"):
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
        floor, peer, own = refs.get("floor"), refs.get("wininfparser"), refs.get("infmigrate")
        out.append("")
        out.append("References (cold pass in a fresh process, timed inside it, as bench/parse.py):")
        for label, value in (
            ("floor read+decode+split", floor),
            ("wininfparser 1.0.12.1 parse", peer),
            ("infmigrate lossless parse+print", own),
        ):
            shown = f"{value:8.3f} s" if value else "     n/a"
            out.append(f"  {label:38} {shown}")

        cache_root = Path(tmp) / "cache"
        target = str(corpus)
        rows: list[tuple[str, int, float, float | None]] = []
        plans = [
            ("parse only (--check --select INF)", ["--check", "--select", "INF"]),
            ("full check (--check)", ["--check"]),
            ("full diff (--diff)", ["--diff"]),
        ]
        for label, flags in plans:
            for jobs in jobs_list:
                argv = [*flags, "--no-cache", "-j", str(jobs), target]
                wall = median_wall(argv, args.runs)
                rows.append((label, jobs, wall, median_cpu(argv)))
        # The default run (the report) with the cache on, filling an empty cache, against
        # the same run without the cache; interleaved, a fresh cache directory each time.
        filling: list[float] = []
        uncached: list[float] = []
        for i in range(args.runs):
            fresh = cache_root / f"fill{i}"
            filling.append(run_command(["--cache-dir", str(fresh), "-j", "2", target]))
            uncached.append(run_command(["--no-cache", "-j", "2", target]))
        fill_s, nocache_s = statistics.median(filling), statistics.median(uncached)
        fill_cpu = median_cpu(["--cache-dir", "", "-j", "2", target])
        nocache_cpu = median_cpu(["--no-cache", "-j", "2", target])
        # Cached re-runs: the cache filled above, then runs that find every file in it.
        cache_dir = cache_root / "fill0"
        run_command(["--check", "--cache-dir", str(cache_dir), "-j", "2", target])
        CPU_S.clear()  # the CPU of the timed cached runs only (not the one above)
        cached_check_argv = ["--check", "--cache-dir", str(cache_dir), "-j", "2", target]
        cached_check = median_wall(cached_check_argv, args.runs)
        cached_check_cpu = median_cpu(cached_check_argv)
        cached_report_argv = ["--cache-dir", str(cache_dir), "-j", "2", target]
        cached_report = median_wall(cached_report_argv, args.runs)
        cached_report_cpu = median_cpu(cached_report_argv)
        shutil.rmtree(cache_root, ignore_errors=True)

        start = startup(args.small, args.startup_runs)
        mem = spawn_child(["--mem", str(big.path)])
        rss = spawn_child(["--rss", str(big.path)])
        scaling = [spawn_child(["--concat", str(concat), "--times", str(k)]) for k in args.factors]

    def ratio(a: float, b: float | None) -> str:
        return f"{a / b:7.2f}x" if b else "    n/a"

    out.append("")
    out.append(
        "Command: wall time of `python -m infmigrate ... <corpus>` (fresh process, "
        "imports included), no cache unless said; CPU s: user + system of the command and "
        "its workers (on a busy machine the wall time also counts waits for a core)"
    )
    out.append(
        f"  {'':40} {'jobs':>4} {'wall s':>8} {'CPU s':>7} {'MB/s':>7} {'files/s':>8} "
        f"{'x floor':>8} {'x wininfparser':>14}"
    )
    shown_rows = [
        *rows,
        ("report (default), --no-cache", 2, nocache_s, nocache_cpu),
        ("report (default), cache on, filling it", 2, fill_s, fill_cpu),
        ("cached re-run (--check, warm cache)", 2, cached_check, cached_check_cpu),
        ("cached re-run (report, all findings)", 2, cached_report, cached_report_cpu),
    ]
    for label, jobs, wall, cpu in shown_rows:
        cpu_text = f"{cpu:7.3f}" if cpu is not None else f"{'n/a':>7}"
        out.append(
            f"  {label:40} {jobs:>4} {wall:8.3f} {cpu_text} {total / MB / wall:7.2f} "
            f"{len(files) / wall:8.1f} {ratio(wall, floor):>8} {ratio(wall, peer):>14}"
        )

    py_wall, py_cpu = start["python"]
    inf_wall, inf_cpu = start["infmigrate"]
    out.append("")
    out.append(
        f"One small INF end to end ({args.small.name}, `python -m infmigrate --no-cache`), "
        f"fresh process, {args.startup_runs} interleaved rounds, median"
    )
    out.append(f"  {'':40} {'wall ms':>8} {'CPU ms':>8}")
    out.append(f"  {'python3 -c pass':40} {py_wall * 1000:8.1f} {py_cpu * 1000:8.1f}")
    out.append(f"  {'infmigrate, one small INF':40} {inf_wall * 1000:8.1f} {inf_cpu * 1000:8.1f}")
    out.append(
        f"  {'ratio':40} {inf_wall / py_wall:7.1f}x {inf_cpu / py_cpu if py_cpu else 0:7.1f}x"
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

    out.append("")
    out.append(
        f"Time against size: {concat.name} ({concat.stat().st_size:,} bytes) concatenated "
        "1x..Nx, the whole pipeline (--diff's) in a fresh process, rules imported first"
    )
    out.append(f"  {'copies':>6} {'MB':>8} {'s':>8} {'s/MB':>8} {'x size before':>14}")
    linear: float | None = None
    prev: dict[str, Any] | None = None
    for k, r in zip(args.factors, scaling, strict=True):
        if "s" not in r or r.get("error"):
            out.append(f"  {k:>6}  FAILED {r.get('error')}")
            prev = None
            continue
        growth = f"{r['s'] / prev['s']:13.2f}x" if prev else f"{'':>14}"
        out.append(
            f"  {k:>6} {r['bytes'] / MB:8.2f} {r['s']:8.3f} {r['s'] / (r['bytes'] / MB):8.3f} "
            f"{growth}"
        )
        prev = r
    ok = [r for r in scaling if "s" in r and not r.get("error")]
    if len(ok) == len(scaling) and len(ok) >= 2:
        # time per MB of the largest size against the smallest: 1.00 is exactly linear
        linear = (ok[-1]["s"] / ok[-1]["bytes"]) / (ok[0]["s"] / ok[0]["bytes"])

    check2 = next(w for label, j, w, _ in rows if label.startswith("full check") and j == 2)
    diff2 = next(w for label, j, w, _ in rows if label.startswith("full diff") and j == 2)
    goals = Goals()
    out.append("")
    out.append("Goals (issue 16)")
    out.append(f"  {'':44} {'figure':>26}  {'goal':>22}  {'ratio':>6}  verdict")
    if own and peer:
        goals.add(
            "cold parse+print vs wininfparser's parse",
            f"{own:.3f} s vs {peer:.3f} s",
            f"<= {GOAL_PARSE_VS_PEER:.1f}x",
            own / peer,
            own / peer <= GOAL_PARSE_VS_PEER,
        )
    else:
        goals.add("cold parse+print vs wininfparser's parse", "n/a", "<= 1.0x", None, None)
    goals.add(
        "--check -j 2 --no-cache vs wininfparser",
        f"{check2:.3f} s vs {peer:.3f} s" if peer else f"{check2:.3f} s",
        f"<= {GOAL_CHECK_VS_PEER:.1f}x",
        check2 / peer if peer else None,
        check2 / peer <= GOAL_CHECK_VS_PEER if peer else None,
    )
    goals.add(
        "--diff vs --check (-j 2, --no-cache)",
        f"{diff2:.3f} s vs {check2:.3f} s",
        f"<= {1 + GOAL_WITHIN:.2f}x",
        diff2 / check2,
        diff2 / check2 <= 1 + GOAL_WITHIN,
    )
    goals.add(
        "cached re-run (--check)",
        f"{cached_check:.3f} s"
        + (f" (CPU {cached_check_cpu:.2f} s)" if cached_check_cpu is not None else ""),
        f"<= {GOAL_CACHED_S:.1f} s",
        cached_check / GOAL_CACHED_S,
        cached_check <= GOAL_CACHED_S,
    )
    goals.add(
        "default run filling the cache vs --no-cache",
        f"{fill_s:.3f} s vs {nocache_s:.3f} s",
        f"<= {1 + GOAL_WITHIN:.2f}x",
        fill_s / nocache_s,
        fill_s / nocache_s <= 1 + GOAL_WITHIN,
    )
    goals.add(
        f"one small INF ({args.small.name}), wall",
        f"{inf_wall * 1000:.0f} ms",
        f"<= {GOAL_SMALL_MS:.0f} ms",
        inf_wall * 1000 / GOAL_SMALL_MS,
        inf_wall * 1000 <= GOAL_SMALL_MS,
    )
    goals.add(
        "one small INF vs `python3 -c pass`, wall",
        f"{inf_wall * 1000:.0f} ms vs {py_wall * 1000:.0f} ms",
        f"<= {GOAL_SMALL_VS_PYTHON:.0f}x",
        inf_wall / py_wall,
        inf_wall / py_wall <= GOAL_SMALL_VS_PYTHON,
    )
    goals.add(
        "peak memory vs the largest file",
        f"{peak_x:.1f}x" if peak_x is not None else "n/a",
        f"<= {GOAL_MEMORY_X:.0f}x",
        peak_x / GOAL_MEMORY_X if peak_x is not None else None,
        peak_x <= GOAL_MEMORY_X if peak_x is not None else None,
    )
    goals.add(
        f"time linear in size (s/MB {args.factors[-1]}x vs {args.factors[0]}x)",
        f"{linear:.2f}x" if linear is not None else "n/a",
        f"<= {GOAL_LINEAR:.2f}x",
        linear,
        linear <= GOAL_LINEAR if linear is not None else None,
    )
    out.extend(goals.lines)
    out.append(f"  {len(goals.lines) - goals.missed} of {len(goals.lines)} goals not missed")
    load_end = os.getloadavg()[0]
    out.append(
        f"  load {load1:.2f} at the start, {load_end:.2f} at the end (1-min averages; "
        f"{os.cpu_count()} cpus): above about 1, the wall times include waits for a core"
    )
    if notes:
        out.append("")
        out.extend(f"note: {n}" for n in notes)
    print("\n".join(out))
    return 0


def _factors(text: str) -> tuple[int, ...]:
    try:
        got = tuple(int(t) for t in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("comma-separated whole numbers, e.g. 1,2,4,8") from None
    if not got or any(k < 1 for k in got) or list(got) != sorted(set(got)):
        raise argparse.ArgumentTypeError("increasing numbers >= 1, e.g. 1,2,4,8")
    return got


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--runs",
        type=parse_bench.positive,
        default=None,
        help="runs per figure (median; 3, --quick 1)",
    )
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="a short look: 1 run, -j 2 only, 5 start-up rounds, a smaller INF concatenated",
    )
    ap.add_argument(
        "--startup-runs",
        type=parse_bench.positive,
        default=None,
        help="interleaved rounds of the small-INF start-up figure (15, --quick 5)",
    )
    ap.add_argument("--small", type=Path, default=SMALL_INF, help="the small INF (start-up)")
    ap.add_argument(
        "--factors",
        type=_factors,
        default=(1, 2, 4, 8),
        help="copies of the concatenated INF, comma-separated (default 1,2,4,8)",
    )
    ap.add_argument(
        "--concat-file",
        type=Path,
        default=None,
        help="the INF concatenated (default: the corpus's largest)",
    )
    ap.add_argument("--concat", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--times", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument(
        "--one", choices=("floor", "wininfparser", "infmigrate"), help=argparse.SUPPRESS
    )
    ap.add_argument("--list", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--mem", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--rss", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.corpus = args.corpus.resolve()
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    if args.startup_runs is None:
        args.startup_runs = 5 if args.quick else 15
    args.small = args.small.resolve()
    if args.concat_file is not None:
        args.concat_file = args.concat_file.resolve()
    if args.concat:
        print(MARK + json.dumps(child_scaling(args.concat, args.times)), flush=True)
        return 0
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
