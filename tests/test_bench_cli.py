"""``bench/cli.py`` (the command benchmark of issue 16): its arguments and the pieces that
shape its output. Nothing here is timed: the goals are checked by the benchmark's own run."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

import infmigrate
from tests.bench_modules import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench"
EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "examples"


@pytest.fixture(scope="module")
def cli_bench() -> ModuleType:
    return load_bench("cli")


@pytest.mark.parametrize("name", ["toaster.inf", "toaster_utf16.inf"])
def test_a_concatenation_is_the_file_k_times_with_one_bom(cli_bench: ModuleType, name: str) -> None:
    data = (EXAMPLES / name).read_bytes()
    one = infmigrate.parse(data)
    for k in (1, 2, 4):
        joined = cli_bench.concatenated(data, k)
        tree = infmigrate.parse(joined)
        assert tree.to_bytes() == joined
        assert len(tree.sections) == k * len(one.sections)
        assert joined.count(b"\xff\xfe") == (1 if data.startswith(b"\xff\xfe") else 0)


def test_a_file_without_a_final_line_break_gets_one_between_copies(cli_bench: ModuleType) -> None:
    assert cli_bench.concatenated(b"[Version]\r\nA=1", 2) == b"[Version]\r\nA=1\r\n" * 2
    utf16 = b"\xff\xfe" + "[Version]".encode("utf-16-le")
    assert cli_bench.concatenated(utf16, 2) == b"\xff\xfe" + "[Version]\r\n".encode("utf-16-le") * 2


@pytest.mark.parametrize("bad", ["", "0,1", "2,1", "1,1", "1,x"])
def test_factors_must_be_increasing_whole_numbers(cli_bench: ModuleType, bad: str) -> None:
    with pytest.raises(SystemExit) as exc:
        cli_bench.main(["--factors", bad])
    assert exc.value.code == 2


def test_goal_lines_name_the_figure_goal_ratio_and_verdict(cli_bench: ModuleType) -> None:
    goals = cli_bench.Goals()
    goals.add("cached re-run (--check)", "0.800 s", "<= 1.0 s", 0.8, True)
    goals.add("one small INF, wall", "330 ms", "<= 150 ms", 2.2, False)
    goals.add("cold parse+print vs wininfparser", "n/a", "<= 1.0x", None, None)
    assert goals.missed == 1
    met, missed, unknown = goals.lines
    assert met.split()[-2:] == ["0.80", "MET"] and "<= 1.0 s" in met
    assert missed.split()[-2:] == ["2.20", "MISSED"] and "330 ms" in missed
    assert unknown.split()[-2:] == ["n/a", "n/a"]


def test_the_scaling_child_runs_the_pipeline_on_copies(
    cli_bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_bench.main(["--concat", str(EXAMPLES / "toaster.inf"), "--times", "2"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith(cli_bench.MARK)
    got = json.loads(line[len(cli_bench.MARK) :])
    assert got["bytes"] == len(cli_bench.concatenated((EXAMPLES / "toaster.inf").read_bytes(), 2))
    assert not got["error"] and got["s"] > 0
