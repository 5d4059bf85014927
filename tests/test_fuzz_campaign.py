"""``fuzz/campaign.py`` reads libFuzzer's and hypothesis's output right (its summary is the
evidence of issue 18's closing note)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[1] / "fuzz" / "campaign.py"


def _campaign() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_campaign", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


DONE = """\
INFO: Seed: 1234
#2	INITED cov: 12 ft: 13 corp: 1/1b exec/s: 0 rss: 60Mb
#417	INITED cov: 6257 ft: 21515 corp: 297/288Kb exec/s: 6 rss: 64Mb
#1024	pulse  cov: 6301 ft: 21700 corp: 301/290Kb lim: 6068 exec/s: 9 rss: 64Mb
#13265	DONE   cov: 6410 ft: 22004 corp: 310/300Kb lim: 6068 exec/s: 11 rss: 64Mb
Done 13265 runs in 1201 second(s)
stat::number_of_executed_units: 13265
stat::average_exec_per_sec:     11
stat::new_units_added:          13
"""

CRASH = """\
#512	NEW    cov: 5000 ft: 19000 corp: 400/410Kb lim: 4096 exec/s: 300 rss: 70Mb
 === Uncaught Python exception: ===
AssertionError: a second run changed the output
==77== ERROR: libFuzzer: deadly signal
MS: 1 ChangeBit-; base unit: 0000
artifact_prefix='/tmp/out/atheris_fix/'; Test unit written to /tmp/out/atheris_fix/crash-4fe1
stat::number_of_executed_units: 530
stat::average_exec_per_sec:     290
"""

STATISTICS = """\
tests/test_fuzz_fixers.py::test_fixing_mutated_inf_never_breaks:

  - during reuse phase (0.02 seconds):
    - Typical runtimes: ~ 15ms, of which < 1ms in data generation
    - 1 passing, 0 failing, and 0 invalid test cases

  - during generate phase (151.20 seconds):
    - Typical runtimes: ~ 0-28 ms, of which ~ 0-6 ms in data generation
    - 15000 passing, 0 failing, and 2210 invalid test cases

  - Stopped because settings.max_examples=15000
"""


def test_a_finished_libfuzzer_run() -> None:
    run = _campaign().libfuzzer_run(DONE)
    assert (run.executions, run.seconds, run.exec_per_s, run.done) == (13265, 1201, 11, True)
    assert (run.cov, run.ft, run.corpus, run.artifacts) == (6410, 22004, "310/300Kb", [])


def test_a_libfuzzer_run_stopped_by_a_crash() -> None:
    campaign = _campaign()
    run = campaign.libfuzzer_run(CRASH)
    assert (run.executions, run.seconds, run.done) == (530, 0, False)
    assert run.artifacts == ["/tmp/out/atheris_fix/crash-4fe1"]
    target = campaign.Target("atheris_fix", [run, campaign.libfuzzer_run(DONE)])
    assert target.executions == 530 + 13265
    assert target.crashes == ["/tmp/out/atheris_fix/crash-4fe1"]


def test_hypothesis_statistics() -> None:
    phases = _campaign().hypothesis_phases(STATISTICS)
    assert sorted(phases) == ["generate", "reuse"]
    generate = phases["generate"]
    assert (generate.seconds, generate.passing, generate.failing, generate.invalid) == (
        151.2,
        15000,
        0,
        2210,
    )
    assert (phases["reuse"].passing, phases["reuse"].invalid) == (1, 0)


def test_expected_refusals_of_the_command() -> None:
    refusal = _campaign().EXPECTED_REFUSAL
    assert refusal.search(
        "not fixed: the UTF-16 file has an odd number of bytes and looks truncated (INF004); "
        "restore the complete file"
    )
    assert not refusal.search("internal error: FixerBug: fixes of ISO039 made conflicting edits")
