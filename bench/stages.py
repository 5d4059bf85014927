"""Stage breakdown of ``process()``: where a run's time (or a file's memory) goes.

    python bench/stages.py [--corpus PATH] [--files N]          time, over the corpus
    python bench/stages.py --memory SHAPE [--count N]           memory, on a hostile shape
    python bench/stages.py --memory-file PATH                   memory, on one file

Each stage is one function :func:`infmigrate.engine.processing.process` calls (wrapped
here, nothing changed in the package): ``parse``, ``check`` (the semantic model and every
rule on the original tree: the report), ``fix`` (the fix rounds: edits applied, the fixed
text re-parsed, the model and the rules again on each new tree), ``syntax`` (syntax
problems of the original and the fixed tree), ``resolved`` (which findings the fix
resolves), ``diff`` (the checked unified diff) and ``target`` (the Windows build the
rules assume). What is left of the file's time (reading the result, sorting, the
contexts) is ``other``.

Time mode: every corpus file of the manifest, in one process with the rules imported
first, as ``--diff --no-cache -j 1`` works on each file (fix and diff wanted); it prints
the CPU seconds of each stage, summed over the files, and its share. The first pass
fills the parser's line memo as a run does; ``--cold`` clears it before each file.

Memory mode: for each stage, the memory held before it, its tracemalloc peak and what
it leaves, as multiples of the file's size (issue 18's goal is a whole-run peak under
20x); the shapes are those of ``bench/scaling.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
for path in (str(BENCH_DIR), str(REPO)):
    if path not in sys.path:
        sys.path.insert(0, path)

from _corpus import DEFAULT_CORPUS, corpus_names  # noqa: E402

#: stage name -> the function of ``infmigrate.engine.processing`` it wraps.
STAGES: dict[str, str] = {
    "parse": "parse",
    "check": "check",
    "fix": "fix",
    "syntax": "_syntax_diagnostics",
    "resolved": "resolved_by_fixing",
    "diff": "make_diff",
    "target": "_watch_target",
}


def _options() -> Any:
    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.problems import SYNTAX_CODES
    from infmigrate.engine.processing import FileOptions

    return FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))


@contextmanager
def _wrapped(
    hook: Callable[[str, Callable[..., Any], tuple[Any, ...], dict[str, Any]], Any],
) -> Iterator[None]:
    """Route every stage function of ``processing`` through ``hook(stage, f, args, kw)``
    while the block runs (the module is restored after it)."""
    from infmigrate.engine import processing

    originals = {name: getattr(processing, name) for name in STAGES.values()}
    for stage, name in STAGES.items():

        def wrapper(
            *args: Any, _stage: str = stage, _f: Callable[..., Any] = originals[name], **kw: Any
        ) -> Any:
            return hook(_stage, _f, args, kw)

        setattr(processing, name, wrapper)
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(processing, name, original)


# --------------------------------------------------------------------------- time


def time_corpus(corpus: Path, files: int | None, cold: bool) -> int:
    from infmigrate.engine.processing import process
    from infmigrate.engine.syntax import clear_memo

    options = _options()
    spent = dict.fromkeys(STAGES, 0.0)
    depth = [0]

    def hook(stage: str, f: Callable[..., Any], args: tuple[Any, ...], kw: dict[str, Any]) -> Any:
        if depth[0]:  # a stage inside another is counted in the outer one
            return f(*args, **kw)
        depth[0] += 1
        start = time.process_time()
        try:
            return f(*args, **kw)
        finally:
            spent[stage] += time.process_time() - start
            depth[0] -= 1

    names = corpus_names(corpus)[:files] if files else corpus_names(corpus)
    datas = [((corpus / n).read_bytes(), n) for n in names if (corpus / n).is_file()]
    total = 0.0
    changed = 0
    with _wrapped(hook):
        for data, name in datas:
            if cold:
                clear_memo()
            start = time.process_time()
            result = process(data, name, options, want_fix=True, want_diff=True)
            total += time.process_time() - start
            changed += bool(result.changed)
    size = sum(len(d) for d, _ in datas)
    print(
        f"Stages of process() over {len(datas)} files ({size / 1e6:.2f} MB; "
        f"{changed} changed by the fixes), CPU seconds, one process, rules imported first"
        f"{', memo cleared before each file' if cold else ''}:"
    )
    print(f"  {'stage':<10} {'s':>8} {'share':>7}")
    for stage, secs in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<10} {secs:8.3f} {secs / total:7.1%}")
    other = total - sum(spent.values())
    print(f"  {'other':<10} {other:8.3f} {other / total:7.1%}")
    print(f"  {'total':<10} {total:8.3f}")
    return 0


# --------------------------------------------------------------------------- memory


def memory_of(data: bytes, label: str) -> int:
    from infmigrate.engine.processing import process
    from infmigrate.engine.syntax import clear_memo

    options = _options()
    process(data, "x.inf", options, want_fix=True, want_diff=True)  # imports, lazy tables
    clear_memo()  # cold, as a run on one file is
    rows: list[tuple[str, int, int, int]] = []

    def hook(stage: str, f: Callable[..., Any], args: tuple[Any, ...], kw: dict[str, Any]) -> Any:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = f(*args, **kw)
        after, peak = tracemalloc.get_traced_memory()
        rows.append((stage, before, peak, after))
        return result

    with _wrapped(hook):
        tracemalloc.start()
        try:
            process(data, "x.inf", options, want_fix=True, want_diff=True)
        finally:
            tracemalloc.stop()
    size = len(data)
    top = max((peak for _, _, peak, _ in rows), default=0)
    print(f"{label}: {size:,} bytes; highest stage peak {top / size:.1f}x the file")
    print(f"  {'stage':<10} {'before':>8} {'peak':>8} {'after':>8} {'+peak':>8}")
    for stage, before, peak, after in rows:
        print(
            f"  {stage:<10} {before / size:7.1f}x {peak / size:7.1f}x {after / size:7.1f}x"
            f" {(peak - before) / size:+7.1f}x"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    import scaling

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    ap.add_argument("--files", type=int, default=None, help="only the first N manifest files")
    ap.add_argument("--cold", action="store_true", help="clear the line memo before each file")
    ap.add_argument("--memory", choices=sorted(scaling.SHAPES), help="memory on this shape")
    ap.add_argument("--count", type=int, default=None, help="the shape's count (default: 1x)")
    ap.add_argument("--memory-file", type=Path, help="memory on this file")
    args = ap.parse_args(argv)
    if args.memory_file is not None:
        return memory_of(args.memory_file.read_bytes(), str(args.memory_file))
    if args.memory is not None:
        make, base, what = scaling.SHAPES[args.memory]
        count = args.count or base
        return memory_of(make(count).encode("ascii"), f"{args.memory} ({count:,} {what})")
    if not (args.corpus / "MANIFEST.tsv").is_file():
        print(f"no corpus at {args.corpus} (its MANIFEST.tsv is missing)", file=sys.stderr)
        return 2
    return time_corpus(args.corpus, args.files, args.cold)


if __name__ == "__main__":
    sys.exit(main())
