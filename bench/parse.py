"""Parser benchmark: infmigrate vs. the read+decode+split floor vs. wininfparser.

Run it through ``bench/run.sh`` (which builds ``bench/.venv`` with the peer parser);
see ``bench/README.md`` for what each figure means.

Every measurement runs in a fresh child process (``parse.py --one TOOL ...``) that
prints one JSON line, so the headline figures are COLD: the first parse in a new
process, with infmigrate's process-wide line memo empty, as a user sees it. Each
child then repeats the work in the same process to give the WARM figure.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import cProfile
import csv
import importlib
import importlib.util
import io
import json
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
# Benchmark the working tree, whichever interpreter runs this script.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
TOOLS = ("infmigrate", "floor", "wininfparser")
SCOPES = ("corpus", "largest")
RESULT_MARK = "@@BENCH-RESULT@@ "
LABELS = {
    "infmigrate": "infmigrate parse+print",
    "floor": "floor read+decode+split",
    "wininfparser": "wininfparser 1.0.12.1",
}
MB = 1_000_000


class Result(TypedDict, total=False):
    """What one child process reports (one JSON line)."""

    tool: str
    scope: str
    files: int
    bytes: int
    passes: list[float]  # wall seconds of each full pass; [0] is the cold one
    parse_s: list[float]  # infmigrate: parse() part of each pass
    print_s: list[float]  # infmigrate: to_bytes() part of each pass
    read_s: list[float]  # floor: disk-read part of each pass
    import_s: float  # time to import the tool's module in this process
    failed: list[str]  # files the tool raised on (wininfparser only)
    mem_peak: int  # tracemalloc peak, bytes (--mem children)
    decode_impl: str  # floor: which decoder was used
    has_clear_memo: bool  # infmigrate: whether syntax.parser.clear_memo exists
    error: str  # set when the measurement is invalid (e.g. round-trip mismatch)


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    size: int


def load_manifest(corpus: Path, limit: int | None) -> list[CorpusFile]:
    """Files listed in MANIFEST.tsv (first column, header row skipped), in order."""
    with (corpus / "MANIFEST.tsv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    names = [row[0] for row in rows[1:] if row and row[0]]
    if limit is not None:
        names = names[:limit]
    files = [CorpusFile(corpus / n, (corpus / n).stat().st_size) for n in names]
    if not files:
        raise SystemExit(f"no files listed in {corpus / 'MANIFEST.tsv'}")
    return files


def select(files: list[CorpusFile], scope: str) -> list[CorpusFile]:
    if scope == "corpus":
        return files
    return [largest(files)]


def largest(files: list[CorpusFile]) -> CorpusFile:
    return max(files, key=lambda f: f.size)


# --------------------------------------------------------------------------- decoding

_SPLIT = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class _Decoded:
    text: str


def own_decode(data: bytes) -> _Decoded:
    """The floor's decoder when infmigrate has none: BOM sniff, utf-8, cp1252."""
    if data.startswith(codecs.BOM_UTF16_LE):
        return _Decoded(data[2:].decode("utf-16-le"))
    if data.startswith(codecs.BOM_UTF16_BE):
        return _Decoded(data[2:].decode("utf-16-be"))
    if data.startswith(codecs.BOM_UTF8):
        return _Decoded(data[3:].decode("utf-8"))
    try:
        return _Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        return _Decoded(data.decode("cp1252", "surrogateescape"))


def pick_decoder() -> tuple[Callable[[bytes], Any], str]:
    try:
        mod = importlib.import_module("infmigrate.engine.syntax.decoding")
        decode = mod.decode
    except (ImportError, AttributeError):
        return own_decode, "bench own (BOM sniff, utf-8, cp1252)"
    return decode, "infmigrate.engine.syntax.decoding.decode"


def peer_codec(data: bytes) -> str:
    """The codec wininfparser must be given (it cannot sniff one itself)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


# --------------------------------------------------------------------------- children


class _NullWriter(io.TextIOBase):
    """Swallows wininfparser's print() warnings as cheaply as possible."""

    def write(self, s: str) -> int:
        return len(s)


def _read_all(files: Sequence[CorpusFile]) -> list[bytes]:
    return [f.path.read_bytes() for f in files]


def run_infmigrate(files: Sequence[CorpusFile], passes: int, mem: bool) -> Result:
    datas = _read_all(files)
    t0 = time.perf_counter()
    infmigrate = importlib.import_module("infmigrate")
    import_s = time.perf_counter() - t0
    parse = infmigrate.parse
    try:
        parser_mod = importlib.import_module("infmigrate.engine.syntax.parser")
        has_clear = callable(getattr(parser_mod, "clear_memo", None))
    except ImportError:
        has_clear = False
    res: Result = {"import_s": import_s, "has_clear_memo": has_clear}
    if mem:
        tracemalloc.start()
        tree = parse(datas[0])
        res["mem_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del tree
        return res

    perf = time.perf_counter
    walls: list[float] = []
    parse_s: list[float] = []
    print_s: list[float] = []
    for _ in range(passes):
        outs: list[bytes] = []
        tp = tb = 0.0
        start = perf()
        for data in datas:
            a = perf()
            tree = parse(data)
            b = perf()
            outs.append(tree.to_bytes())
            c = perf()
            tp += b - a
            tb += c - b
        walls.append(perf() - start)
        parse_s.append(tp)
        print_s.append(tb)
        bad = [f.path.name for f, d, o in zip(files, datas, outs, strict=True) if d != o]
        if bad:
            res["error"] = f"round trip differs on {len(bad)} file(s), e.g. {bad[:5]}"
            break
        del outs, tree
    res["passes"], res["parse_s"], res["print_s"] = walls, parse_s, print_s
    return res


def run_floor(files: Sequence[CorpusFile], passes: int, mem: bool) -> Result:
    decode, impl = pick_decoder()
    res: Result = {"decode_impl": impl}
    paths = [f.path for f in files]
    if mem:
        tracemalloc.start()
        lines = _SPLIT.split(decode(paths[0].read_bytes()).text)
        res["mem_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del lines
        return res
    perf = time.perf_counter
    split = _SPLIT.split
    walls: list[float] = []
    read_s: list[float] = []
    for _ in range(passes):
        n_lines = 0
        tr = 0.0
        start = perf()
        for path in paths:
            a = perf()
            with open(path, "rb") as fh:
                data = fh.read()
            tr += perf() - a
            n_lines += len(split(decode(data).text))
        walls.append(perf() - start)
        read_s.append(tr)
    res["passes"], res["read_s"] = walls, read_s
    return res


def run_wininfparser(files: Sequence[CorpusFile], passes: int, mem: bool) -> Result:
    datas = _read_all(files)
    by_name = {str(f.path): d for f, d in zip(files, datas, strict=True)}
    jobs = [(str(f.path), peer_codec(d)) for f, d in zip(files, datas, strict=True)]
    t0 = time.perf_counter()
    wip: Any = importlib.import_module("wininfparser")
    import_s = time.perf_counter() - t0

    # ParseFile(name, codec) opens the file itself; shadow the builtin open() in its
    # module so it decodes the bytes already in memory instead of touching the disk.
    def mem_open(name: str, encoding: str | None = None) -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(by_name[name]), encoding=encoding)

    wip.open = mem_open
    res: Result = {"import_s": import_s}
    sink = _NullWriter()
    if mem:
        name, codec = jobs[0]
        with contextlib.redirect_stdout(sink):
            tracemalloc.start()
            inf = wip.WinINF()
            inf.ParseFile(name, codec=codec)
            res["mem_peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        del inf
        return res
    perf = time.perf_counter
    walls: list[float] = []
    failed: list[str] = []
    for i in range(passes):
        trees: list[Any] = []
        with contextlib.redirect_stdout(sink):
            start = perf()
            for name, codec in jobs:
                inf = wip.WinINF()
                try:
                    inf.ParseFile(name, codec=codec)
                except Exception as exc:  # a lossy peer; count, don't stop
                    if i == 0:
                        failed.append(f"{Path(name).name}: {type(exc).__name__}: {exc}")
                trees.append(inf)
            walls.append(perf() - start)
        del trees
    res["passes"], res["failed"] = walls, failed
    return res


RUNNERS: dict[str, Callable[[Sequence[CorpusFile], int, bool], Result]] = {
    "infmigrate": run_infmigrate,
    "floor": run_floor,
    "wininfparser": run_wininfparser,
}


def child_main(args: argparse.Namespace) -> int:
    files = select(load_manifest(args.corpus, args.files), args.scope)
    res = RUNNERS[args.one](files, 1 + args.warm, args.mem)
    res["tool"], res["scope"] = args.one, args.scope
    res["files"], res["bytes"] = len(files), sum(f.size for f in files)
    print(RESULT_MARK + json.dumps(res), flush=True)
    return 0


# --------------------------------------------------------------------------- parent


def spawn(args: argparse.Namespace, tool: str, scope: str, mem: bool = False) -> Result:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", tool, "--scope", scope]
    cmd += ["--corpus", str(args.corpus), "--warm", str(args.warm)]
    if args.files is not None:
        cmd += ["--files", str(args.files)]
    if mem:
        cmd.append("--mem")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            result: Result = json.loads(line[len(RESULT_MARK) :])
            return result
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return {"tool": tool, "scope": scope, "error": f"exit {proc.returncode}: " + " | ".join(tail)}


def available(tool: str) -> str | None:
    """None if the tool can run in this interpreter, else why not."""
    if tool == "wininfparser":
        if importlib.util.find_spec("wininfparser") is None:
            return f"not installed for {sys.executable} (use bench/run.sh)"
        return None
    if tool == "infmigrate":
        try:
            mod = importlib.import_module("infmigrate")
        except Exception as exc:
            return f"cannot import infmigrate: {type(exc).__name__}: {exc}"
        if not callable(getattr(mod, "parse", None)):
            return "infmigrate.parse does not exist yet"
    return None


@dataclass
class Summary:
    """Medians over the runs (each run = one fresh process)."""

    cold: float
    warm: float | None
    nbytes: int
    nfiles: int
    extra: dict[str, float]

    def rate(self, secs: float | None) -> tuple[str, str]:
        if not secs:
            return "-", "-"
        return f"{self.nbytes / MB / secs:.2f}", f"{self.nfiles / secs:.1f}"


def summarise(results: list[Result]) -> Summary:
    cold = statistics.median(r["passes"][0] for r in results)
    warms = [statistics.median(r["passes"][1:]) for r in results if len(r["passes"]) > 1]
    extra: dict[str, float] = {}
    for key in ("parse_s", "print_s", "read_s"):
        if key in results[0]:
            extra[key] = statistics.median(r[key][0] for r in results)
    if "import_s" in results[0]:
        extra["import_s"] = statistics.median(r["import_s"] for r in results)
    return Summary(
        cold=cold,
        warm=statistics.median(warms) if warms else None,
        nbytes=results[0]["bytes"],
        nfiles=results[0]["files"],
        extra=extra,
    )


def fmt_ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "n/a"
    return f"{a / b:.2f}x"


def print_scope(
    title: str, summaries: dict[str, Summary], missing: dict[str, str], out: list[str]
) -> None:
    out.append(title)
    head = f"  {'':26} {'cold s':>9} {'MB/s':>8} {'files/s':>9}   {'warm s':>9} {'MB/s':>8}"
    out.append(head)
    for tool in TOOLS:
        if tool in missing:
            out.append(f"  {LABELS[tool]:26} {missing[tool]}")
            continue
        s = summaries[tool]
        mbs, fps = s.rate(s.cold)
        wmbs, _ = s.rate(s.warm)
        warm = f"{s.warm:9.4f}" if s.warm is not None else f"{'-':>9}"
        out.append(f"  {LABELS[tool]:26} {s.cold:9.4f} {mbs:>8} {fps:>9}   {warm} {wmbs:>8}")
    im = summaries.get("infmigrate")
    if im is not None:
        for kind in ("cold", "warm"):
            parts = []
            for other in ("wininfparser", "floor"):
                o = summaries.get(other)
                if o is None:
                    parts.append(f"infmigrate/{other} n/a")
                    continue
                parts.append(f"infmigrate/{other} {fmt_ratio(getattr(im, kind), getattr(o, kind))}")
            out.append(f"  time ratio ({kind}): " + ",  ".join(parts))
        ex = im.extra
        if "parse_s" in ex:
            out.append(
                f"  infmigrate cold split: parse {ex['parse_s']:.3f} s + to_bytes "
                f"{ex['print_s']:.3f} s; import infmigrate {ex.get('import_s', 0.0):.3f} s"
            )
    fl = summaries.get("floor")
    if fl is not None and "read_s" in fl.extra:
        out.append(f"  floor cold: of which disk read {fl.extra['read_s']:.3f} s")


def parent_main(args: argparse.Namespace) -> int:
    files = load_manifest(args.corpus, args.files)
    big = largest(files)
    missing = {t: why for t in TOOLS if (why := available(t)) is not None}
    runnable = [t for t in TOOLS if t not in missing]
    total = sum(f.size for f in files)
    out: list[str] = []
    out.append("infmigrate parser benchmark")
    out.append(f"  corpus   {args.corpus}  ({len(files)} files, {total / MB:.2f} MB)")
    out.append(f"  largest  {big.path.relative_to(args.corpus)}  ({big.size:,} bytes)")
    out.append(
        f"  python   {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cpus; {args.runs} run(s), median; "
        f"each run a fresh process (cold) + {args.warm} warm pass(es) in it"
    )
    load1 = os.getloadavg()[0]
    busy = "  (machine busy: figures may be inflated)" if load1 > 0.5 else ""
    out.append(f"  load     {load1:.2f} (1-min average at start){busy}")
    if args.warm < 1:
        out.append("  (no warm passes requested: warm columns empty)")

    failures: list[str] = []
    notes: list[str] = []
    for scope in SCOPES:
        collected: dict[str, list[Result]] = {t: [] for t in runnable}
        for _ in range(args.runs):  # interleave tools so drift hits all of them alike
            for tool in runnable:
                r = spawn(args, tool, scope)
                if "error" in r:
                    failures.append(f"{tool}/{scope}: {r['error']}")
                else:
                    collected[tool].append(r)
        scope_missing = dict(missing)
        summaries: dict[str, Summary] = {}
        for tool, results in collected.items():
            if results:
                summaries[tool] = summarise(results)
            else:
                scope_missing[tool] = "FAILED (see below)"
        for r in collected.get("floor", [])[:1]:
            if scope == "corpus":
                notes.append(f"floor decoder: {r.get('decode_impl')}")
        for r in collected.get("infmigrate", [])[:1]:
            if scope == "corpus":
                notes.append(
                    "infmigrate.engine.syntax.parser.clear_memo: "
                    + ("present" if r.get("has_clear_memo") else "absent")
                    + " (not needed: every run is a fresh process)"
                )
        for r in collected.get("wininfparser", [])[:1]:
            if r.get("failed"):
                notes.append(
                    f"wininfparser raised on {len(r['failed'])} file(s) ({scope}), "
                    f"e.g. {r['failed'][:3]}"
                )
        if scope == "corpus":
            title = f"Whole corpus: {len(files)} files, {total / MB:.2f} MB"
        else:
            title = f"Largest file alone: {big.path.name}, {big.size / MB:.2f} MB"
        out.append("")
        print_scope(title, summaries, scope_missing, out)

    out.append("")
    out.append(f"Peak memory parsing the largest file ({big.size:,} bytes), tracemalloc, cold")
    for tool in ("infmigrate", "wininfparser"):
        if tool in missing:
            out.append(f"  {LABELS[tool]:26} {missing[tool]}")
            continue
        r = spawn(args, tool, "largest", mem=True)
        if "error" in r:
            failures.append(f"{tool}/mem: {r['error']}")
            out.append(f"  {LABELS[tool]:26} FAILED")
            continue
        peak = r["mem_peak"]
        label = "infmigrate parse" if tool == "infmigrate" else LABELS[tool]
        out.append(f"  {label:26} peak {peak / MB:8.2f} MB  = {peak / big.size:6.1f}x file size")
    out.append("")
    out.extend(f"note: {n}" for n in notes)
    if failures:
        out.append("")
        out.extend(f"FAILED: {f}" for f in failures)
    print("\n".join(out))
    return 1 if failures else 0


def profile_main(args: argparse.Namespace) -> int:
    """Top-N functions by tottime for one cold infmigrate pass over the corpus."""
    files = load_manifest(args.corpus, args.files)
    datas = _read_all(files)
    infmigrate = importlib.import_module("infmigrate")
    prof = cProfile.Profile()
    prof.enable()
    for data in datas:
        infmigrate.parse(data).to_bytes()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
    return 0


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--runs", type=positive, default=3, help="runs per figure (median; default 3)")
    ap.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus dir with MANIFEST.tsv"
    )
    ap.add_argument("--files", type=positive, default=None, help="only the first N manifest files")
    ap.add_argument("--warm", type=int, default=1, help="warm passes per run (default 1)")
    ap.add_argument(
        "--profile",
        type=positive,
        metavar="N",
        default=None,
        help="instead: cProfile one cold infmigrate pass, print top N by tottime",
    )
    # internal: one measurement in this (fresh) process
    ap.add_argument("--one", choices=TOOLS, help=argparse.SUPPRESS)
    ap.add_argument("--scope", choices=SCOPES, default="corpus", help=argparse.SUPPRESS)
    ap.add_argument("--mem", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.corpus = args.corpus.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.one:
        return child_main(args)
    if args.profile:
        return profile_main(args)
    return parent_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
