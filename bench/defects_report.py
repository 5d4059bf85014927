"""Issue 10's defect classes, counted file by file over the shared corpus, for one or
more infmigrate checkouts (e.g. before and after the fixes). Used for the closing note.

    python bench/defects_report.py [--corpus PATH] [--counts-sample N] [--jobs N]
        [--unsafe-fixes] CHECKOUT...

For each CHECKOUT (a directory with the repository and its own ``.venv``), every file of
the corpus manifest is copied into a temporary directory (never into a repository), and
that checkout's command runs over the copies as a user would, ``--no-cache``: the report
(``--format json``), ``--check``, ``--check --statistics``, then ``--write`` (safe fixes
only, as the corpus tests apply). The results are then classified with THIS checkout's
model and the shared corpus checks (:mod:`tests.corpus_checks`, the same code as the
corpus tests), so that an old command is judged by the same rules as the new one.

Defect classes (issue 10):

1. a file moved out of System32 (DIRID 11/12) while a path still names it there, in any
   spelling (``%11%``, ``%12%``, ``%10%\\System32``, ``%SystemRoot%``, ``%%windir%%``,
   ``\\SystemRoot``, ``C:\\Windows``, relative ``System32\\``), through ``[Strings]`` too;
2/3. a destination (DefaultDestDir or a list's own) changed while a CopyFiles, ``@file``,
   DelFiles or RenFiles list relying on it did not move (INX ``NT$ARCH$`` cases included);
3b. DefaultDestDir changed while not one list relying on it moved (the issue's "129
   files"; harmless only when nothing relies on it at all);
4. a DelReg/BitReg line or directive converted or dropped;
5. a file of the fixed-place consumer table (``fixers/_fixed_place.py``) moved;
6. a Windows 9x-only INF (:func:`infmigrate.workspace.win9x.is_win9x_only`) edited;
7a. "X has no [SourceDisksFiles] entry" in the report, for an X that SourceDisksFiles lists
   (``%strkey%`` expanded, as SetupAPI does) or that is no file (a no-break-space line);
8. on a sample of files, each run alone: the report's fixable count, the ``[*]`` marks,
   ``--check``, ``--diff``, ``--write`` and ``--statistics`` disagree (the test of
   ``tests/cli/test_counts.py``); the whole-corpus totals are printed below the table;
8b. over the whole corpus, per file: the findings the JSON report gives an enabled fix
   differ from those the text report marks ``[*]`` (fixable: fixing removes them);
9. a UTF-16 file with an odd byte count written; a UTF-8 file with non-ASCII text that
   the report does not warn about (INF005);
10. a file moved to DIRID 13 keeping a CopyFiles flag InfVerif 1103 rejects.

Each cell is ``files (instances)``.

``--unsafe-fixes`` passes that option to every command run. A DelReg directive removed,
and a DelReg section removed whole, are then the cleanup fix of ISO039 (issue 14),
counted apart as 4u; class 4 keeps counting any other DelReg/BitReg line or directive
converted or dropped (a line lost from a section that is still there).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _corpus import DEFAULT_CORPUS, corpus_names  # noqa: E402

import infmigrate  # noqa: E402
from infmigrate.engine.model import build_model  # noqa: E402
from infmigrate.engine.syntax import decode  # noqa: E402
from tests.corpus_checks import (  # noqa: E402
    arch_layout,
    count_figures,
    counts_disagree,
    examine_output,
    fixed_place_moved,
    is_win9x_only,
    lost_not_additive,
    stale_in,
)

CLASSES = [
    ("1", "stale reference to a moved file"),
    ("2/3", "destination changed, a list relying on it unmoved"),
    ("3b", "DefaultDestDir changed, no list relying on it moved"),
    ("4", "DelReg/BitReg line converted or dropped"),
    ("4u", "DelReg directive or whole section removed (ISO039 cleanup)"),
    ("5", "fixed-place consumer's file moved"),
    ("6", "Windows 9x-only INF edited"),
    ("7a", "'no [SourceDisksFiles] entry' for a listed file"),
    ("8", "counts disagree (sample, each file alone)"),
    ("8b", "JSON 'fix enabled' differs from text [*] marks"),
    ("9a", "odd-length UTF-16 file written"),
    ("9b", "UTF-8 non-ASCII file without a warning"),
    ("10", "moved file keeps a flag DIRID 13 rejects"),
    ("11a", "moved file not in its package folder on an architecture installing it"),
    ("11b", "section left unreachable (InfVerif 2083)"),
]
_NO_SDF = re.compile(r"(?:^|[:;,(] ?)([^:;,()]*?) has no \[SourceDisksFiles\] entry")
_STALE = re.compile(r"line (\d+) names (.+) at its old place")
_BLANK = " \t\xa0\u3000"
_MARK = re.compile(r"^(.*?):\d+:\d+: \S+ \[\*\] ", re.M)


@dataclass
class Tally:
    """Files and instances of each defect class, with the files' names."""

    files: dict[str, list[str]] = field(default_factory=dict)
    instances: dict[str, int] = field(default_factory=dict)
    sampled: int = 0
    #: How many files each class can concern at all (Windows 9x-only, odd UTF-16...).
    scope: dict[str, int] = field(default_factory=dict)
    totals: dict[str, object] = field(default_factory=dict)

    def add(self, code: str, name: str, count: int) -> None:
        if count:
            self.files.setdefault(code, []).append(name)
            self.instances[code] = self.instances.get(code, 0) + count


def _command(checkout: Path) -> list[str]:
    python = checkout / ".venv" / "bin" / "python"
    if not python.is_file():
        sys.exit(
            f"{checkout}: no .venv/bin/python (python3 -m venv .venv && .venv/bin/pip install -e .)"
        )
    return [str(python), "-m", "infmigrate"]


def _label(checkout: Path) -> str:
    res = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return res.stdout.strip() or checkout.name


def _runner(command: list[str], cwd: Path) -> Callable[..., tuple[bytes, str]]:
    def run(*args: str) -> tuple[bytes, str]:
        res = subprocess.run([*command, *args], cwd=cwd, capture_output=True, check=False)
        stderr = res.stderr.decode("utf-8", "replace")
        if res.returncode not in (0, 1):
            print(
                f"  note: exit {res.returncode} for {' '.join(args)}: "
                f"{stderr.strip().splitlines()[-1:]}",
                file=sys.stderr,
            )
        return res.stdout, stderr

    return run


def _summary_figure(pattern: str, text: str) -> int | None:
    found = re.search(pattern, text)
    return int(found.group(1).replace(",", "")) if found else None


def _no_sdf_wrong(data: bytes, messages: list[str]) -> int:
    """How many "X has no [SourceDisksFiles] entry" reasons name a file the
    SourceDisksFiles sections list, or no file at all."""
    model = None
    wrong = 0
    for message in messages:
        for match in _NO_SDF.finditer(message):
            name = match.group(1).strip(_BLANK)
            if not name:
                wrong += 1
                continue
            if model is None:
                model = build_model(infmigrate.parse(data))
            if model.sources.lookup(name):
                wrong += 1
    return wrong


def _cleanup_removed(output: bytes, lost: Counter[tuple[str, str, str]]) -> int:
    """How many of the ``lost`` DelReg items went as ISO039's unsafe cleanup fix removes
    them: a DelReg directive (the directive items of :func:`lost_not_additive` are keyed
    by the folded directive name), or a line of a DelReg section absent from ``output``
    (removed whole; a line lost from a section that is still there is a conversion)."""
    sections = {s.folded for s in build_model(infmigrate.parse(output)).sections}
    removed = 0
    for (kind, section, _code), count in lost.items():
        if kind == "delreg" or (kind.casefold() == "delreg" and section not in sections):
            removed += count
    return removed


def measure(
    checkout: Path, corpus: Path, names: list[str], sample: int, jobs: int, unsafe: bool = False
) -> Tally:
    command = _command(checkout)
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="infmigrate-defects-") as tmp:
        work = Path(tmp) / "corpus"
        for rel in names:
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(corpus / rel, work / rel)
        run = _runner(command, work)
        common: tuple[str, ...] = ("--no-cache", "--exit-zero", "-j", str(jobs))
        if unsafe:
            common += ("--unsafe-fixes",)
        start = time.perf_counter()
        out, err = run(*common, "--format", "json", ".")
        findings = json.loads(out or b"[]")
        tally.totals["report: found"] = _summary_figure(r"Found ([\d,]+) problems?", err)
        tally.totals["report: fixable"] = _summary_figure(r"\[\*\] ([\d,]+) fixable", err)
        tally.totals["report: fixes enabled in JSON"] = sum(
            1 for f in findings if (f.get("fix") or {}).get("enabled")
        )
        out, _ = run(*common, ".")
        marks = Counter(m.group(1) for m in _MARK.finditer(out.decode("utf-8", "replace")))
        _, err = run(*common, "--check", ".")
        tally.totals["--check: would fix"] = _summary_figure(r"Would fix ([\d,]+)", err)
        out, _ = run(*common, "--check", "--statistics", ".")
        total = [line.split() for line in out.decode().splitlines() if line.endswith(" total")]
        tally.totals["--statistics: found/fixed/left"] = "/".join(total[0][:3]) if total else None
        _, err = run(*common, "--write", ".")
        tally.totals["--write: fixed"] = _summary_figure(r"Fixed ([\d,]+) problems?", err)
        tally.totals["command runs (s)"] = round(time.perf_counter() - start, 1)

        by_file: dict[str, list[dict[str, object]]] = {}
        for f in findings:
            by_file.setdefault(str(f.get("path", "")).replace("\\", "/"), []).append(f)
        for rel in names:
            data = (corpus / rel).read_bytes()
            output = (work / rel).read_bytes()
            mine = by_file.get(rel, [])
            enabled = sum(1 for f in mine if (f.get("fix") or {}).get("enabled"))
            tally.add("8b", rel, abs(enabled - marks.get(rel, 0)))
            if output != data:
                stale = {(line, name) for line, name, _ in stale_in(data, output)}
                found = examine_output(data, output)
                for message in found.stale_references or []:
                    m = _STALE.match(message)
                    if m:
                        stale.add((int(m.group(1)), m.group(2)))
                tally.add("1", rel, len(stale))
                tally.add(
                    "2/3",
                    rel,
                    len(found.unmoved_changed or []) + found.default_changed_with_unmoved,
                )
                tally.add("3b", rel, int(found.default_changed_nothing_moved))
                lost = lost_not_additive(data, output)
                cleanup = _cleanup_removed(output, lost) if unsafe else 0
                tally.add("4", rel, sum(lost.values()) - cleanup)
                tally.add("4u", rel, cleanup)
                tally.add("5", rel, len(fixed_place_moved(data, output)))
                tally.add("6", rel, int(is_win9x_only(data)))
                tally.add("10", rel, len(found.flags_1103 or []))
                layout = arch_layout(data, output)
                tally.add("11a", rel, sum(1 for p in layout if not p.startswith("[")))
                tally.add("11b", rel, sum(1 for p in layout if p.startswith("[")))
            tally.scope["6"] = tally.scope.get("6", 0) + is_win9x_only(data)
            tally.add("7a", rel, _no_sdf_wrong(data, [str(f.get("message", "")) for f in mine]))
            decoded = decode(data)
            if decoded.encoding.startswith("utf-16") and len(data) % 2:
                tally.scope["9a"] = tally.scope.get("9a", 0) + 1
                tally.add("9a", rel, int(output != data))
            elif decoded.encoding.startswith("utf-8") and any(ord(c) > 127 for c in decoded.text):
                tally.scope["9b"] = tally.scope.get("9b", 0) + 1
                tally.add("9b", rel, int(not any(f.get("code") == "INF005" for f in mine)))

        # Defect 8: each sampled file alone, as tests/cli/test_counts.py does.
        picks = sorted({(i * 181 + 7) % len(names) for i in range(min(sample, len(names)))})
        for index in picks:
            rel = names[index]
            alone = Path(tmp) / "alone" / str(index)
            alone.mkdir(parents=True)
            target = alone / Path(rel).name
            shutil.copyfile(corpus / rel, target)
            figures = count_figures(_runner(command, alone), target.name)
            tally.sampled += 1
            tally.add("8", rel, int(counts_disagree(figures) is not None))
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "checkouts",
        type=Path,
        nargs="*",
        default=[ROOT],
        help="infmigrate checkouts with their own .venv (default: this one)",
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--counts-sample",
        type=int,
        default=32,
        metavar="N",
        help="files run alone for defect 8 (default 32; 0: none)",
    )
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument(
        "--list", action="store_true", help="also list the files affected, per class and checkout"
    )
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="run every command with --unsafe-fixes"
    )
    args = parser.parse_args()
    names = corpus_names(args.corpus)
    results: list[tuple[str, Tally]] = []
    for checkout in args.checkouts:
        checkout = checkout.resolve()
        label = _label(checkout)
        print(f"measuring {label} ({checkout}) ...", file=sys.stderr)
        results.append(
            (
                label,
                measure(
                    checkout, args.corpus, names, args.counts_sample, args.jobs, args.unsafe_fixes
                ),
            )
        )
    print(
        f"corpus: {len(names)} files of {args.corpus / 'MANIFEST.tsv'}, copied; "
        f"`infmigrate --no-cache --write{' --unsafe-fixes' if args.unsafe_fixes else ''}` "
        f"({'safe and unsafe' if args.unsafe_fixes else 'safe'} fixes) over the copies"
    )
    print("cells: files affected (instances)")
    width = max(len(text) for _, text in CLASSES) + 7
    print(f"{'defect class':<{width}}" + "".join(f"{label:>20}" for label, _ in results))
    for code, text in CLASSES:
        cells = []
        for _, tally in results:
            files = len(tally.files.get(code, []))
            cell = f"{files} ({tally.instances.get(code, 0)})"
            if code == "8":
                cell = f"{files} of {tally.sampled}"
            cells.append(f"{cell:>20}")
        print(f"{code:>4}  {text:<{width - 6}}" + "".join(cells))
    print("whole-corpus totals of the command:")
    for key in results[0][1].totals:
        print(f"  {key:<{width - 2}}" + "".join(f"{t.totals.get(key)!s:>20}" for _, t in results))
    print(
        "files each class can concern (same for every checkout): "
        + ", ".join(f"{code}: {results[0][1].scope.get(code, 0)}" for code in ("6", "9a", "9b"))
        + f"; 8: {results[0][1].sampled} sampled, 8b: all"
    )
    if args.list:
        for label, tally in results:
            for code, _ in CLASSES:
                for rel in tally.files.get(code, []):
                    print(f"{label}\t{code}\t{rel}")


if __name__ == "__main__":
    main()
