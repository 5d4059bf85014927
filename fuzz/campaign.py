"""Issue 18's fuzzing budget and fault table in one command (see fuzz/README.md).

    fuzz/campaign.sh                     # the full budget: about 30 minutes on 2 idle cores
    fuzz/campaign.sh --minutes 1 --examples 200 --fault-runs 1   # a quick look

Four streams run at once:

* ``atheris_fix``: ``fuzz/atheris_fix.py`` for ``--minutes`` (wall clock);
* ``atheris_command``: ``fuzz/atheris_command.py`` for ``--minutes`` (wall clock);
* ``atheris_sources``: ``fuzz/atheris_sources.py`` for ``--minutes`` (wall clock);
* the tests, one after the other: the hypothesis fuzz tests with ``--examples`` examples
  each (``tests/test_fuzz_fixers.py``, ``tests/cli/test_fuzz_command.py``, then
  ``tests/sources/test_fuzz_sources.py``), then the fault suite
  (``tests/cli/test_faults.py``) with ``--fault-runs`` runs of each fault.

The atheris processes run under ``nice`` (``--nice``, default 5), so that on two cores the
test stream keeps one core and the three atheris targets share the other: their budget is
time, the tests' is a number of examples. A crash stops libFuzzer; the campaign keeps the
crash file and starts the target again on the same corpus for the time left (at most
``--max-crashes`` times per target).

Each atheris target fuzzes its own copy of the fixtures (``<out>/<target>/corpus``; the
fixtures themselves are never written), with its crash files (``crash-*``, ``timeout-*``,
``oom-*``) and ``command-findings.txt`` in ``<out>/<target>/``. ``<out>`` is
``fuzz/.campaign/<UTC time>`` unless ``--out`` says otherwise; every log is kept there.

At the end it prints the summary: examples per hypothesis test and its result, executions,
time, coverage and crashes per atheris target, the findings files, and the fault table. The
exit status is 0 when nothing was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: name -> (test file, environment variable that sets its number of examples)
HYPOTHESIS = {
    "fixers": ("tests/test_fuzz_fixers.py", "INFMIGRATE_FUZZ_EXAMPLES"),
    "command": ("tests/cli/test_fuzz_command.py", "INFMIGRATE_FUZZ_COMMAND_EXAMPLES"),
    "sources": ("tests/sources/test_fuzz_sources.py", "INFMIGRATE_FUZZ_SOURCES_EXAMPLES"),
}
FAULTS = "tests/cli/test_faults.py"
ATHERIS = ("atheris_fix", "atheris_command", "atheris_sources")
#: The fixtures each atheris target starts from (by suffix).
SEEDS = {
    "atheris_fix": (".inf", ".inx"),
    "atheris_command": (".inf", ".inx"),
    "atheris_sources": (".c", ".cpp", ".h"),
}
#: Files libFuzzer writes for a finding (``slow-unit-*`` is only a report).
FINDING_PREFIXES = ("crash-", "timeout-", "oom-", "leak-")
#: ``error:`` messages of ``fuzz/atheris_command.py`` (``command-findings.txt``) that are
#: the command refusing a damaged input as documented, not bugs: a UTF-16 file with an odd
#: number of bytes (INF004) is never fixed.
EXPECTED_REFUSAL = re.compile(r"^not fixed: the UTF-16 file has an odd number of bytes")
PYTEST = [
    "-m",
    "pytest",
    "-q",
    "-p",
    "no:randomly",
    "-p",
    "no:cacheprovider",
    "-o",
    "addopts=",
    "-rs",
]


# --- parsing ---------------------------------------------------------------------------


@dataclass
class Phase:
    seconds: float
    passing: int
    failing: int
    invalid: int


_PHASE = re.compile(
    r"during (\w+) phase \(([\d.]+) seconds\):.*?"
    r"(\d+) passing, (\d+) failing, and (\d+) invalid",
    re.S,
)


def hypothesis_phases(log: str) -> dict[str, Phase]:
    """The phases of ``--hypothesis-show-statistics`` (``generate``, ``reuse``, ``shrink``...)."""
    return {m[1]: Phase(float(m[2]), int(m[3]), int(m[4]), int(m[5])) for m in _PHASE.finditer(log)}


@dataclass
class LibFuzzerRun:
    executions: int = 0
    seconds: int = 0
    exec_per_s: int = 0
    cov: int = 0
    ft: int = 0
    corpus: str = ""
    done: bool = False  # reached -max_total_time (a "DONE" line)
    artifacts: list[str] = field(default_factory=list)


_STATUS = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+) corp: (\S+).*?exec/s: (\d+)", re.M)


def libfuzzer_run(log: str) -> LibFuzzerRun:
    """Executions, time and coverage of one libFuzzer run, from its output: the last
    status line (``#N DONE cov: ... exec/s: E``), ``Done N runs in S second(s)``, the
    ``-print_final_stats`` lines, and the files written (``Test unit written to ...``)."""
    run = LibFuzzerRun()
    statuses = list(_STATUS.finditer(log))
    if statuses:
        last = statuses[-1]
        run.executions = int(last[1])
        run.done = last[2] == "DONE"
        run.cov, run.ft, run.corpus, run.exec_per_s = (
            int(last[3]),
            int(last[4]),
            last[5],
            int(last[6]),
        )
    if m := re.search(r"^Done (\d+) runs in (\d+) second", log, re.M):
        run.executions, run.seconds = int(m[1]), int(m[2])
    if m := re.search(r"^stat::number_of_executed_units: (\d+)", log, re.M):
        run.executions = max(run.executions, int(m[1]))
    if m := re.search(r"^stat::average_exec_per_sec:\s+(\d+)", log, re.M):
        run.exec_per_s = int(m[1])
    run.artifacts = re.findall(r"Test unit written to (\S+)", log)
    return run


# --- the streams -------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    runs: list[LibFuzzerRun] = field(default_factory=list)
    wall: float = 0.0
    error: str = ""

    @property
    def executions(self) -> int:
        return sum(r.executions for r in self.runs)

    @property
    def crashes(self) -> list[str]:
        return [
            a for r in self.runs for a in r.artifacts if Path(a).name.startswith(FINDING_PREFIXES)
        ]


def _seed(corpus: Path, suffixes: tuple[str, ...]) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.is_file() and path.suffix.lower() in suffixes:
            name = "_".join(path.relative_to(ROOT / "fixtures").parts)
            shutil.copyfile(path, corpus / name)


def run_atheris(target: Target, seconds: int, out: Path, nice: int, max_crashes: int) -> None:
    work = out / target.name
    corpus = work / "corpus"
    _seed(corpus, SEEDS[target.name])
    script = ROOT / "fuzz" / f"{target.name}.py"
    start = time.monotonic()
    deadline = start + seconds
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for attempt in range(max_crashes + 1):
        left = int(deadline - time.monotonic())
        if left < 1 or (attempt and left < 10):
            break
        log = work / f"libfuzzer-{attempt}.log"
        cmd = [
            sys.executable,
            str(script),
            f"-max_total_time={left}",
            "-print_final_stats=1",
            "-timeout=120",
            f"-artifact_prefix={work}/",
            str(corpus),
        ]
        with log.open("wb") as sink:
            proc = subprocess.run(
                ["nice", "-n", str(nice), *cmd] if nice else cmd,
                cwd=work,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=env,
                check=False,
            )
        run = libfuzzer_run(log.read_text(errors="replace"))
        target.runs.append(run)
        if run.done and proc.returncode == 0:
            break
        if not run.artifacts:
            target.error = f"libFuzzer stopped (status {proc.returncode}) without a finding: {log}"
            break
    target.wall = time.monotonic() - start


@dataclass
class TestRun:
    name: str
    command: list[str]
    log: Path
    status: int = -1
    seconds: float = 0.0
    text: str = ""


def run_pytest(run: TestRun, env_extra: dict[str, str]) -> None:
    start = time.monotonic()
    with run.log.open("wb") as sink:
        proc = subprocess.run(
            [sys.executable, *PYTEST, *run.command],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env_extra},
            check=False,
        )
    run.seconds = time.monotonic() - start
    run.status = proc.returncode
    run.text = run.log.read_text(errors="replace")


# --- the summary ---------------------------------------------------------------------------


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def summary(
    args: argparse.Namespace,
    tests: list[TestRun],
    targets: list[Target],
    faults: TestRun | None,
    wall: float,
    out: Path,
) -> tuple[list[str], bool]:
    lines: list[str] = []
    clean = True
    lines.append(f"== fuzz campaign summary ({_minutes(wall)} wall, logs in {out}) ==")
    lines.append("")
    lines.append(f"hypothesis (--examples {args.examples}):")
    lines.append("| test | examples run (generate + reuse) | invalid | time | result |")
    lines.append("|---|---|---|---|---|")
    for run in tests:
        phases = hypothesis_phases(run.text)
        ran = sum(p.passing + p.failing for k, p in phases.items() if k in ("generate", "reuse"))
        invalid = sum(p.invalid for k, p in phases.items() if k in ("generate", "reuse"))
        result = "passed" if run.status == 0 else f"FAILED (pytest status {run.status})"
        if run.status != 0 or ran < args.examples:
            clean = False
            if run.status == 0:
                result += f" but only {ran} examples ran"
        lines.append(
            f"| {run.command[0]} | {ran} | {invalid} | {_minutes(run.seconds)} | {result} |"
        )
    lines.append("")
    lines.append(f"atheris (--minutes {args.minutes:g}, nice {args.nice}):")
    lines.append(
        "| target | executions | time (libFuzzer s / wall) | exec/s | cov | ft | corpus"
        " | runs | crashes |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for target in targets:
        last = target.runs[-1] if target.runs else LibFuzzerRun()
        seconds = sum(r.seconds for r in target.runs)
        lines.append(
            f"| {target.name} | {target.executions} | {seconds} s / {_minutes(target.wall)}"
            f" | {target.executions // max(seconds, 1)} | {last.cov} | {last.ft}"
            f" | {last.corpus} | {len(target.runs)} | {len(target.crashes)} |"
        )
        if target.crashes or target.error or not target.runs:
            clean = False
        if target.error:
            lines.append(f"  error: {target.error}")
    lines.append("")
    findings = []
    for target in targets:
        work = out / target.name
        findings += sorted(str(p) for p in work.glob("*") if p.name.startswith(FINDING_PREFIXES))
        notes = work / "command-findings.txt"
        if notes.exists():
            messages = [line for line in notes.read_text().splitlines() if line[:1] != " "]
            bugs = [m for m in messages if not EXPECTED_REFUSAL.search(m)]
            refusals = len(messages) - len(bugs)
            if bugs:
                findings.append(f"{notes} ({len(bugs)} distinct error messages)")
            if refusals:
                lines.append(
                    f"{notes}: {refusals} expected refusal(s) of a damaged input (not findings):"
                )
                lines += [f"  {m}" for m in messages if EXPECTED_REFUSAL.search(m)]
    for run in tests:
        if run.status != 0:
            findings.append(f"{run.log} (hypothesis failure: see 'Falsifying example')")
    if faults is not None and faults.status != 0:
        findings.append(f"{faults.log} (fault suite failure)")
    lines.append("findings files: " + ("none" if not findings else ""))
    lines += [f"  {f}" for f in findings]
    clean = clean and not findings
    if faults is not None:
        lines.append("")
        lines.append(
            f"fault suite (--fault-runs {args.fault_runs}, {_minutes(faults.seconds)}): "
            + ("passed" if faults.status == 0 else f"FAILED (pytest status {faults.status})")
        )
        table = [line for line in faults.text.splitlines() if line.startswith("|")]
        lines += table or ["(no table: the table is printed with --fault-runs 2 or more)"]
        lines += [line for line in faults.text.splitlines() if line.startswith("SKIPPED")]
    lines.append("")
    lines.append("campaign: " + ("nothing found" if clean else "FINDINGS (see above)"))
    return lines, clean


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=20, help="atheris time per target")
    parser.add_argument(
        "--examples", type=int, default=15_000, help="examples per hypothesis fuzz test"
    )
    parser.add_argument("--fault-runs", type=int, default=20, help="runs of each fault")
    parser.add_argument("--nice", type=int, default=5, help="nice level of the atheris runs")
    parser.add_argument("--max-crashes", type=int, default=20, help="restarts per target")
    parser.add_argument("--out", type=Path, help="where logs and findings go")
    parser.add_argument("--no-atheris", action="store_true", help="hypothesis and faults only")
    parser.add_argument("--no-faults", action="store_true", help="skip the fault suite")
    args = parser.parse_args(argv)

    if not args.no_atheris:
        try:
            import atheris  # noqa: F401
        except ImportError:
            print("campaign: atheris is not installed: pip install atheris", file=sys.stderr)
            return 2
    out = args.out or ROOT / "fuzz" / ".campaign" / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    print(f"campaign: logs in {out}", flush=True)

    targets = [] if args.no_atheris else [Target(name) for name in ATHERIS]
    threads = [
        threading.Thread(
            target=run_atheris,
            args=(t, round(args.minutes * 60), out, args.nice, args.max_crashes),
        )
        for t in targets
    ]
    for thread in threads:
        thread.start()

    tests = []
    for name, (path, variable) in HYPOTHESIS.items():
        run = TestRun(name, [path, "--hypothesis-show-statistics"], out / f"hypothesis-{name}.log")
        print(f"campaign: hypothesis {path} ({args.examples} examples)...", flush=True)
        run_pytest(run, {variable: str(args.examples)})
        print(f"campaign:   status {run.status} in {_minutes(run.seconds)}", flush=True)
        tests.append(run)
    faults = None
    if not args.no_faults:
        faults = TestRun("faults", [FAULTS, "-s"], out / "faults.log")
        print(f"campaign: fault suite, {args.fault_runs} runs per fault...", flush=True)
        run_pytest(faults, {"INFMIGRATE_FAULT_RUNS": str(args.fault_runs)})
        print(f"campaign:   status {faults.status} in {_minutes(faults.seconds)}", flush=True)
    if threads:
        print("campaign: waiting for atheris...", flush=True)
    for thread in threads:
        thread.join()

    lines, clean = summary(args, tests, targets, faults, time.monotonic() - start, out)
    text = "\n".join(lines) + "\n"
    (out / "summary.md").write_text(text, encoding="utf-8")
    print()
    print(text, end="")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
