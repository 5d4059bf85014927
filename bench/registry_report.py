"""Registry figures over the shared corpus: global writes by category (the isolation
mapping table), what the registry fixers migrate, and why the rest is left.

    python bench/registry_report.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _corpus import DEFAULT_CORPUS, corpus_names  # noqa: E402

import infmigrate  # noqa: E402
from infmigrate.engine.catalog import rule  # noqa: E402
from infmigrate.engine.fixer import FixContext, Settings  # noqa: E402
from infmigrate.engine.runner import check, fix  # noqa: E402
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites  # noqa: E402

FIXING = [rule(c) for c in ("ISO020", "ISO024", "ISO033")]
GLOBAL = ("HKLM", "HKCR", "HKCU", "HKU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    names = corpus_names(args.corpus)
    start = time.perf_counter()
    lines: Counter[str] = Counter()
    infs: dict[str, set[str]] = {}
    migrated: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    migrated_unsafe: Counter[str] = Counter()
    for name in names:
        tree = infmigrate.parse((args.corpus / name).read_bytes())
        writes = [w for w in FixContext(tree).analysis(RegistryWrites) if w.root in GLOBAL]
        if not writes:
            continue
        for w in writes:
            lines[w.kind.value] += 1
            infs.setdefault(w.kind.value, set()).add(name)
        result = fix(tree, FIXING, path=name)
        migrated.update(d.code for d in result.applied)
        unsafe = fix(tree, FIXING, Settings(unsafe_fixes=True), path=name)
        migrated_unsafe.update(d.code for d in unsafe.applied)
        for d in check(result.fixed, FIXING, path=name):
            m = re.search(r"not fixed: (.*)", d.message)
            if m:
                refused[f"{d.code}: {m.group(1)[:90]}"] += 1
    print(f"corpus: {len(names)} files, {time.perf_counter() - start:.1f} s")
    print("global (HKLM/HKCR/HKCU/HKU) registry lines by category:  lines  INFs")
    for kind in Kind:
        if lines[kind.value]:
            print(f"  {kind.value:28s} {lines[kind.value]:6d} {len(infs[kind.value]):5d}")
    print(
        "migrated by the registry fixers (diagnostics whose fix was applied): "
        + (", ".join(f"{c} {n}" for c, n in sorted(migrated.items())) or "none")
    )
    print(
        "with --unsafe-fixes: "
        + (", ".join(f"{c} {n}" for c, n in sorted(migrated_unsafe.items())) or "none")
    )
    print("refused, with the reason:")
    for reason, count in refused.most_common() or [("none", 0)]:
        print(f"  {count:5d}  {reason}")


if __name__ == "__main__":
    main()
