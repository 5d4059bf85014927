"""``bench/formats.py`` (issue 18): it renders every format of a shape at three sizes and
judges the growth of time and output; nothing here is timed."""

from __future__ import annotations

from typing import Any

import pytest

from infmigrate.output import FORMATS
from tests.bench_modules import load_bench


def test_a_shape_in_every_format_is_rendered_and_judged(capsys: pytest.CaptureFixture[str]) -> None:
    formats = load_bench("formats")
    status = formats.main(["--shape", "copyfiles-lines", "--scale", "0.02"])
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines()[1:] if line.startswith("copyfiles-lines")]
    assert sorted(row[1] for row in rows) == sorted(FORMATS)
    assert status == 0, out


def test_a_format_whose_output_is_quadratic_is_flagged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    formats = load_bench("formats")

    def quadratic(name: str, results: list[Any]) -> tuple[float, int]:
        findings = sum(len(r.diagnostics) for r in results)
        return 0.0, findings * findings

    monkeypatch.setattr(formats, "_render", quadratic)
    status = formats.main(["--shape", "many-files", "--format", "json", "--scale", "0.04"])
    out = capsys.readouterr().out
    assert status == 1
    assert "many-files json: SUPERLINEAR output" in out
