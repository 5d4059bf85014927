"""Issue 13's figures over the shared corpus: what the safe file-placement fixes do about
floors, with the default target (each INF's own decorations).

    python bench/floors_report.py [--corpus ../shared/corpus] [--checkout PATH]

For every INF of the manifest, the safe fixes of ISO001, ISO002, ISO003, ISO006, ISO012 and
ISO015 are applied (the corpus tests' rules) by the checkout's code (``--checkout``: another
infmigrate checkout, imported instead of this one), then the input and the output are
compared with *this* checkout's reading of them, so that two versions count alike:

* **decorated**: a Models section of the input is renamed to a higher decoration
  (``[Cx.NTamd64]`` -> ``[Cx.NTamd64.10.0...16299]``);
* **branched**: the output has Models sections the input did not, decorated for a floor,
  next to the input's (a downlevel branch); lines added by those INFs (median, max);
* **left for a floor**: lists copied to DIRID 11/12 reached only from install sections
  selected below their floor (a branch kept for older Windows), left as they are;
* **below the floor**: install sections that use DIRID 13 in the output and that a build
  below their floor can select, where the input did not (what issue 13 forbids).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from _corpus import DEFAULT_CORPUS, corpus_names

ROOT = Path(__file__).resolve().parents[1]
_DEFAULT_INSTALL_BRANCH = re.compile(r"defaultinstall\.[^.]+\.10\.0\.[^.]*\.[^.]*\.\d+")


def _fix_all(
    corpus: Path, names: list[str], checkout: Path | None, target: str | None
) -> dict[str, bytes]:
    """The output of the safe placement fixes for every file, by the checkout's code."""
    if checkout is not None:
        sys.path.insert(0, str(checkout))
    import infmigrate
    from infmigrate.engine.builds import parse_windows
    from infmigrate.engine.catalog import rule
    from infmigrate.engine.fixer import Settings
    from infmigrate.engine.runner import fix

    settings = Settings(target_windows=parse_windows(target)) if target else Settings()

    rules = [rule(c) for c in ("ISO001", "ISO002", "ISO003", "ISO006", "ISO012", "ISO015")]
    out: dict[str, bytes] = {}
    for name in names:
        data = (corpus / name).read_bytes()
        try:
            out[name] = fix(infmigrate.parse(data), rules, settings, path=name).fixed.to_bytes()
        except Exception as exc:  # a figure, not a test: count the file as unchanged
            print(f"{name}: {exc}", file=sys.stderr)
            out[name] = data
    if checkout is not None:
        for mod in [m for m in sys.modules if m == "infmigrate" or m.startswith("infmigrate.")]:
            del sys.modules[mod]
        sys.path.remove(str(checkout))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--checkout", type=Path, default=None)
    parser.add_argument(
        "--target-windows", default=None, help="as the option (default: each INF's)"
    )
    args = parser.parse_args()
    names = corpus_names(args.corpus)
    start = time.perf_counter()
    outputs = _fix_all(args.corpus, names, args.checkout, args.target_windows)
    sys.path.insert(0, str(ROOT))
    import infmigrate
    from infmigrate.engine.model import build_model
    from infmigrate.engine.model.ranges import build_ranges
    from infmigrate.rules.placement._floors import install_floor, sides
    from tests.corpus_checks import below_floor_selectable

    counts: Counter[str] = Counter()
    added: list[int] = []
    floors: Counter[int] = Counter()
    for name in names:
        data = (args.corpus / name).read_bytes()
        output = outputs[name]
        before = build_model(infmigrate.parse(data))
        models_before = {
            m.section.folded for mf in before.manufacturers for m in mf.models if m.section
        }
        after = build_model(infmigrate.parse(output)) if output != data else before
        # lists left for a floor: reached only from old-side install sections of the
        # input, and still in DIRID 11/12 in the output
        ranges = build_ranges(before.manufacturers, before.install_sections)
        kept = {
            fl.name.casefold()
            for fl in after.file_lists
            if fl.file is None and fl.destination.dirid in (11, 12)
        }
        left = 0
        for fl in before.file_lists:
            if fl.destination.dirid not in (11, 12) or not fl.installs or fl.file is not None:
                continue
            tops = [install_floor(before, i) for i in fl.installs]
            at = max(tops, key=lambda f: f.build).version
            assert at is not None
            if all(sides(ranges, i, at) == {0} for i in fl.installs):
                counts["lists reached only from a branch kept for older Windows"] += 1
                if fl.name.casefold() in kept:
                    left += 1
        if left:
            counts["INFs with lists left for a floor"] += 1
            counts["lists left for a floor"] += left
        if output == data:
            continue
        counts["INFs changed"] += 1
        models_after = {
            m.section.folded for mf in after.manufacturers for m in mf.models if m.section
        }
        gone = models_before - models_after
        # new Models sections, or new decorated DefaultInstall sections (a branch's roots)
        old_names = {x.folded for x in before.sections}
        roots = {
            x.folded
            for x in after.sections
            if x.folded not in old_names
            and (x.folded in models_after or _DEFAULT_INSTALL_BRANCH.fullmatch(x.folded))
        }
        if roots and not gone:
            counts["INFs branched"] += 1
            added.append(output.count(b"\n") - data.count(b"\n"))
            for m in roots:
                tail = m.rsplit("...", 1)[-1]
                if tail.isdigit():
                    floors[int(tail)] += 1
        elif gone:
            counts["INFs decorated"] += 1
        new_below = {n for n, _ in below_floor_selectable(output)} - {
            n for n, _ in below_floor_selectable(data)
        }
        if new_below:
            counts["INFs with DIRID 13 selectable below its floor (new)"] += 1
            counts["install sections selectable below their floor (new)"] += len(new_below)
    took = time.perf_counter() - start
    print(f"checkout: {args.checkout or ROOT}  ({len(names)} files, {took:.0f} s)")
    for key in (
        "INFs changed",
        "INFs decorated",
        "INFs branched",
        "lists reached only from a branch kept for older Windows",
        "INFs with lists left for a floor",
        "lists left for a floor",
        "INFs with DIRID 13 selectable below its floor (new)",
        "install sections selectable below their floor (new)",
    ):
        print(f"{counts[key]:6d}  {key}")
    if added:
        print(
            f"lines added by branches: total {sum(added)}, median {statistics.median(added):g}, "
            f"max {max(added)}"
        )
    if floors:
        print("branches by floor: " + ", ".join(f"{b}: {n}" for b, n in sorted(floors.items())))


if __name__ == "__main__":
    main()
