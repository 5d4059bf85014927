"""Migration figures over the shared corpus: what the file-placement rules move and why
the rest stays. Prints a table; used for issue closing notes and the README.

    python bench/corpus_report.py [--corpus ../shared/corpus] [--checkout PATH]
        [--extend-select CODES] [--unsafe-fixes] [--target-windows VERSION]

``--checkout`` measures another infmigrate checkout (its ``infmigrate`` and ``fixers``
packages are imported instead of this one's; run it with that checkout's interpreter),
with this script's reason categories, so that two versions compare line by line.

Reasons: each list left in place counts once per category its reasons fall in ("lists"),
and once per distinct reason text ("reasons": a list with two renamed files counts 2). A
list whose move is an unsafe fix (a ``.security`` section it drops) counts under its
reason when the run does not apply unsafe fixes.

``--extend-select ISO029,ISO057`` runs more rules with the file-placement ones, in the same
fix loop (a co-installer removal then lets ISO001 move the list it held back);
``--unsafe-fixes`` applies unsafe fixes too, with the rules whose unsafe fixes unblock
moves: ISO007 and ISO039 (removing DelFiles/RenFiles/DelReg/DelService cleanup) and
ISO008 (the move that drops a ``.security`` section); ``--target-windows`` sets the
target, as the command's options do. A list of DIRID 11/12 that no longer exists after
the run (a co-installer's list ISO029 removed) is counted as removed, not as moved.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _corpus import DEFAULT_CORPUS, corpus_names

ROOT = Path(__file__).resolve().parents[1]


def _checkout() -> Path:
    """The checkout to import (``--checkout``, read before argparse: it decides what the
    imports below load)."""
    for i, arg in enumerate(sys.argv):
        if arg == "--checkout" and i + 1 < len(sys.argv):
            return Path(sys.argv[i + 1]).resolve()
        if arg.startswith("--checkout="):
            return Path(arg.split("=", 1)[1]).resolve()
    return ROOT


sys.path.insert(0, str(_checkout()))

import infmigrate  # noqa: E402
from infmigrate.engine.catalog import rule  # noqa: E402
from infmigrate.engine.fixer import FixContext, Settings  # noqa: E402
from infmigrate.engine.runner import fix  # noqa: E402
from infmigrate.rules.placement import _driver_store  # noqa: E402


def plans(ctx: FixContext) -> Any:
    """The round's driver-store plans: ``ctx.analysis(DriverStorePlans)``, or the
    ``plans(ctx)`` function of a checkout from before the typed analyses (issue 12)."""
    provider = getattr(_driver_store, "DriverStorePlans", None)
    return _driver_store.plans(ctx) if provider is None else ctx.analysis(provider)


RULES = [rule(c) for c in ("ISO001", "ISO002", "ISO003", "ISO006", "ISO012", "ISO015")]
#: With --unsafe-fixes: the rules whose unsafe fixes unblock moves (issue 14).
UNBLOCKING = [rule(c) for c in ("ISO007", "ISO008", "ISO039")]

#: Reason categories, by a regex on the planner's wording.
CATEGORIES = [
    ("consumer looks in a fixed place", r"must stay where (its|their) consumer looks"),
    ("renamed (ISO005)", r"is installed as"),
    ("bare-name reference (ISO004)", r"by bare name"),
    ("DelFiles/RenFiles (ISO007)", r"DelFiles or RenFiles"),
    (".security section (ISO008)", r"sets its security|it drops \[.*\.security\]"),
    ("copied to another place too", r"is also copied to"),
    ("no SourceDisksFiles entry", r"has no \[SourceDisksFiles\] entry"),
    (
        "subdirs differ by architecture",
        r"different subdirectories|different folders on different architectures"
        r"|must differ by architecture|split by architecture|differ by architecture",
    ),
    ("source disk has a path", r"the disk of .* has the path"),
    ("path from [Strings]", r"through a \[Strings\] value"),
    ("list section missing or empty", r"does not exist|has no files"),
    ("@file while DefaultDestDir is shared", r"CopyFiles=@file"),
    (
        "DelFiles/RenFiles share the list's destination",
        r"whose \[DestinationDirs\] entry "
        r"they share",
    ),
    ("kernel-style path (\\SystemRoot, System32\\)", r"a kernel-style path"),
    ("named in a DelReg/BitReg section", r"line is never rewritten"),
    ("CopyFiles flags not a number", r"are not a number"),
]


def after_model_lists(tree: infmigrate.InfFile) -> list[Any]:
    """Every file list of ``tree`` (any kind), from its model."""
    from infmigrate.engine.model import build_model

    return list(build_model(tree).file_lists)


def _category(reason: str) -> str:
    for name, pattern in CATEGORIES:
        if re.search(pattern, reason):
            return name
    return "other: " + reason[:60]


def _count_added(
    tree: infmigrate.InfFile, fixed: infmigrate.InfFile, sections: list[int], lines: list[int]
) -> None:
    """Record the sections a fix added (other than a new ``[DestinationDirs]``) and the
    lines it added, for an INF where it added any."""
    before = {s.name.casefold() for s in tree.sections}
    new = [
        s
        for s in fixed.sections
        if s.name.casefold() not in before and s.name.casefold() != "destinationdirs"
    ]
    if new:
        sections.append(len(new))
        lines.append(sum(1 for _ in fixed.lines()) - sum(1 for _ in tree.lines()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--checkout",
        type=Path,
        default=ROOT,
        help="the infmigrate checkout to measure (default: this one)",
    )
    parser.add_argument(
        "--extend-select", default="", help="more rule codes to run (comma-separated)"
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="apply unsafe fixes too, with ISO007, ISO008 and ISO039",
    )
    parser.add_argument("--target-windows", default=None, help="the target Windows version")
    args = parser.parse_args()
    rules = (RULES + UNBLOCKING if args.unsafe_fixes else RULES) + [
        rule(c.strip()) for c in args.extend_select.split(",") if c.strip()
    ]
    settings = Settings(unsafe_fixes=args.unsafe_fixes)
    if args.target_windows is not None:
        from infmigrate.engine.builds import parse_windows

        settings = Settings(
            unsafe_fixes=args.unsafe_fixes, target_windows=parse_windows(args.target_windows)
        )
    names = corpus_names(args.corpus)
    start = time.perf_counter()
    legacy_infs = migrated = partly = 0
    files_before = files_moved = lists_moved = lists_left = lists_removed = files_removed = 0
    reasons: Counter[str] = Counter()
    lists: Counter[str] = Counter()
    applied: Counter[str] = Counter()
    #: Per INF whose fix added sections (the split by architecture): sections added, and
    #: lines added.
    added_sections: list[int] = []
    added_lines: list[int] = []
    for name in names:
        tree = infmigrate.parse((args.corpus / name).read_bytes())
        ctx = FixContext(tree)
        before = plans(ctx)
        if not before.legacy:
            result = fix(tree, rules, settings, path=name)
            applied.update(d.code for d in result.applied)
            _count_added(tree, result.fixed, added_sections, added_lines)
            continue
        legacy_infs += 1
        files_before += sum(len(p.file_list.files) for p in before.legacy)
        result = fix(tree, rules, settings, path=name)
        applied.update(d.code for d in result.applied)
        _count_added(tree, result.fixed, added_sections, added_lines)
        after = plans(FixContext(result.fixed))
        remaining = after.legacy
        if not remaining:
            migrated += 1
        elif len(remaining) < len(before.legacy):
            partly += 1
        lists_left += len(remaining)
        # lists that no longer exist at all (removed, e.g. a co-installer's by ISO029)
        existing = {
            (fl.file is not None, (fl.file or fl.name).casefold())
            for fl in after_model_lists(result.fixed)
        }
        gone = [
            p
            for p in before.legacy
            if (p.file_list.file is not None, (p.file_list.file or p.file_list.name).casefold())
            not in existing
        ]
        lists_removed += len(gone)
        files_removed += sum(len(p.file_list.files) for p in gone)
        lists_moved += len(before.legacy) - len(remaining) - len(gone)
        left_files = sum(len(p.file_list.files) for p in remaining)
        files_moved += (
            sum(len(p.file_list.files) for p in before.legacy)
            - left_files
            - sum(len(p.file_list.files) for p in gone)
        )
        for p in remaining:
            why = [*p.blocked, *getattr(p, "unsafe", ())]
            categories = [_category(reason) for reason in dict.fromkeys(why)]
            reasons.update(categories)
            lists.update(set(categories))
    print(
        f"checkout: {args.checkout.resolve()} (infmigrate from {Path(infmigrate.__file__).parent})"
    )
    print(f"corpus: {len(names)} INF/INX files, {time.perf_counter() - start:.1f} s")
    print("fixes: safe and unsafe" if args.unsafe_fixes else "fixes: safe only")
    print(f"INFs copying files to System32 (DIRID 11/12, incl. the fallback): {legacy_infs}")
    print(f"  fully migrated to DIRID 13:   {migrated}")
    print(f"  partly migrated:              {partly}")
    print(f"  unchanged (nothing movable):  {legacy_infs - migrated - partly}")
    print(f"rules: {', '.join(r.code for r in rules)}; unsafe fixes: {args.unsafe_fixes}")
    print(f"file lists moved: {lists_moved}, left in place: {lists_left}, removed: {lists_removed}")
    print(
        f"files moved: {files_moved} of {files_before} (removed with their lists: {files_removed})"
    )
    print("fixes applied: " + ", ".join(f"{c} {n}" for c, n in sorted(applied.items())))
    if added_sections:
        print(
            "sections added by splits by architecture and downlevel branches: "
            f"{sum(added_sections)} in "
            f"{len(added_sections)} INFs (median {statistics.median(added_sections):g}, "
            f"max {max(added_sections)} per INF); lines added: {sum(added_lines)} "
            f"(median {statistics.median(added_lines):g}, max {max(added_lines)} per INF)"
        )
    else:
        print("sections added by splits by architecture and downlevel branches: 0")
    print("why lists stay (a list may have several reasons):")
    print("  reasons  lists  category")
    for reason, count in reasons.most_common():
        print(f"  {count:7d}  {lists[reason]:5d}  {reason}")


if __name__ == "__main__":
    main()
