"""Output formats on hostile shapes: time and size of each format's output (issue 18).

``bench/scaling.py`` and ``bench/sweep.py`` time the pipeline (parse, check, fix, diff);
this benchmark times what comes after it, each ``--format`` rendering the findings of
every shape of both (and ``many-files``: that many small files in one report), each at
1x, 2x and 4x of its count. The pipeline runs once per size, in this process; each
format then renders the same results, as the command does. Printed per shape and format:
the CPU seconds at each size (the least of three renderings), the time's growth per
doubling of the input, the output's size at 4x as a multiple of the input's, and its
growth per doubling.

A format whose time grows over 3x on the last doubling (above 0.2 s), or whose output
grows over 3x per doubling of the input (the output of a format is linear in the
findings and their fixes; the shapes' findings grow with their input), is printed as
``SUPERLINEAR`` and makes the exit status 1.

Found with it (stop 29): a fix shared by the findings of one joint change (``CopyFiles``
lines naming lists whose files all move, ISO012's lists renamed on one line) was rendered
again for each of its findings by ``json`` and ``sarif``, and worked out again for each
by the review formats, whose suggestions were each checked against every earlier one:
output quadratic in the findings, time worse (see ``bench/README.md``).

Run it with ``bench/run.sh formats`` or ``python bench/formats.py [--shape NAME]...
[--format NAME]... [--scale S]``.

``--command N``: the whole command instead, ``infmigrate --format F --no-cache -j 1`` over
N, 2N and 4N small files (``many-files``), for each format: wall seconds, maximum RSS, and
what each file adds to it (the RSS growth from N to 4N files, per file). It showed (stop
31) that the formats printing fixes kept every file's syntax trees until the report was
printed, then built it whole: 60-70 KB a file against 8 for ``text``.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

# (run as a script, or loaded by tests/bench_modules.py: this folder is on sys.path, and
# scaling.py puts the repository there)
from scaling import SHAPES, run_command_dir, small_inf
from sweep import SWEEP

#: Growth per doubling above which a format is reported (as the other benchmarks').
GOAL_GROWTH = 3.0
#: Seconds under which time growth is not judged (fixed costs dominate).
NOISE_S = 0.2
#: Renderings per format and size, the least CPU time taken.
REPEAT = 3
#: Count at 1x of ``many-files``.
MANY_FILES = 250


def _one_file(make: Callable[[int], str], n: int) -> list[str]:
    return [make(n)]


def _many_files(n: int) -> list[str]:
    return [small_inf(i) for i in range(n)]


def _shapes() -> dict[str, tuple[Callable[[int], list[str]], int]]:
    """Every shape, as a function of its count giving the texts of its files."""
    out: dict[str, tuple[Callable[[int], list[str]], int]] = {}
    for name, (make, base, _what) in SHAPES.items():
        out[name] = (partial(_one_file, make), base)
    for name, (make, base) in SWEEP.items():
        out.setdefault(name, (partial(_one_file, make), base))
    out["many-files"] = (_many_files, MANY_FILES)
    return out


def _results(texts: list[str]) -> tuple[list[Any], int]:
    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.problems import SYNTAX_CODES
    from infmigrate.engine.processing import FileOptions, process

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    results = []
    size = 0
    for i, text in enumerate(texts):
        data = text.encode("ascii")
        size += len(data)
        results.append(process(data, f"f{i}.inf", options, want_fix=True, want_diff=True))
    return results, size


def _render(name: str, results: list[Any], repeat: int = REPEAT) -> tuple[float, int]:
    """The CPU seconds of rendering (the least of ``repeat`` renderings, each of a fresh
    report after a collection: a lone collection of the cyclic collector, or another job
    on the machine, would otherwise pass for growth) and the output's size in bytes.

    A format that prints fixes is timed from the full results, working out each fix's
    text (:func:`~infmigrate.output.fixtexts.render_fixes`, which the command's workers
    do before sending a result back) and rendering; the others render light results, as
    the command gives them."""
    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.processing import lighten
    from infmigrate.output import FORMATS, Report
    from infmigrate.output.base import NEEDS_TREES

    render = FORMATS[name]
    best = math.inf
    size = 0
    rules = tuple(all_rules())
    light = None if name in NEEDS_TREES else [lighten(r) for r in results]
    for r, full in zip(light or [], results, strict=False):
        r.options = full.options  # as the command puts them back
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        report = Report(files=light or results, rules=rules, version="bench", root_uri="file:///")
        text = render(report)
        best = min(best, time.process_time() - start)
        size = len(text.encode("utf-8", "surrogatepass"))
        del text, report
    return best, size


def _growth(values: list[float], sizes: list[int]) -> list[float]:
    """Growth of ``values`` per doubling of ``sizes``."""
    return [
        (vb / va) ** (1 / math.log2(sb / sa)) if va and sb > sa else 0.0
        for (va, vb), (sa, sb) in zip(
            itertools.pairwise(values), itertools.pairwise(sizes), strict=True
        )
    ]


def command_memory(formats: list[str], count: int) -> None:
    """``--command``: see the module docstring."""
    sizes = [count, 2 * count, 4 * count]
    print(f"{'format':14} " + " ".join(f"{f'{n:,} files':>18}" for n in sizes) + "  KB a file")
    with tempfile.TemporaryDirectory() as tmp:
        folders = []
        for n in sizes:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            for i in range(n):
                (folder / f"d{i}.inf").write_text(small_inf(i), encoding="ascii", newline="")
            folders.append(folder)
        for fmt in formats:
            runs = [run_command_dir(folder, ["--format", fmt]) for folder in folders]
            if any(r.get("error") for r in runs):
                print(f"{fmt:14} " + "; ".join(r["error"] for r in runs if r.get("error")))
                continue
            cells = " ".join(f"{r['secs']:6.2f} s {r['peak'] / 2**20:6.1f} MB" for r in runs)
            per_file = (runs[2]["peak"] - runs[0]["peak"]) / (sizes[2] - sizes[0]) / 1024
            print(f"{fmt:14} {cells}  {per_file:8.1f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    from infmigrate.output import FORMATS

    shapes = _shapes()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", action="append", choices=list(shapes), help="only this shape")
    ap.add_argument("--format", action="append", choices=list(FORMATS), help="only this format")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every count by this")
    ap.add_argument(
        "--command",
        type=int,
        metavar="N",
        help="the command's time and memory over N, 2N and 4N small files, per format",
    )
    args = ap.parse_args(argv)

    formats = args.format or list(FORMATS)
    if args.command is not None:
        command_memory(formats, args.command)
        return 0
    flagged: list[str] = []
    print(
        f"{'shape':26} {'format':14} {'1x s':>7} {'2x s':>7} {'4x s':>7}  "
        f"{'growth':>9}  {'out/in':>7}  {'out growth':>10}"
    )
    for name in args.shape or list(shapes):
        make, base = shapes[name]
        count = max(1, int(base * args.scale))
        runs = [_results(make(count * factor)) for factor in (1, 2, 4)]
        sizes = [size for _, size in runs]
        for fmt in formats:
            times: list[float] = []
            outs: list[int] = []
            for results, _ in runs:
                secs, out = _render(fmt, results)
                times.append(secs)
                outs.append(out)
            growth = _growth(times, sizes)
            out_growth = _growth([float(o) for o in outs], sizes)
            print(
                f"{name:26} {fmt:14} {times[0]:7.2f} {times[1]:7.2f} {times[2]:7.2f}  "
                f"{growth[0]:4.2f}/{growth[1]:4.2f}  {outs[2] / sizes[2]:6.1f}x  "
                f"{out_growth[0]:4.2f}/{out_growth[1]:4.2f}",
                flush=True,
            )
            if times[2] > NOISE_S and growth[1] > GOAL_GROWTH:
                flagged.append(f"{name} {fmt}: SUPERLINEAR time, {growth[1]:.2f}x a doubling")
            if out_growth[1] > GOAL_GROWTH:
                flagged.append(f"{name} {fmt}: SUPERLINEAR output, {out_growth[1]:.2f}x a doubling")
        del runs
    for line in flagged:
        print(line)
    return 1 if flagged else 0


if __name__ == "__main__":
    raise SystemExit(main())
