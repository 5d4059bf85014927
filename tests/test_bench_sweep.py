"""``bench/sweep.py`` and ``bench/scaling.py``'s shapes (issue 18): every shape makes an
INF that the whole pipeline reads and processes without error. Nothing here is timed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from infmigrate.engine.catalog import all_rules
from infmigrate.engine.problems import SYNTAX_CODES
from infmigrate.engine.processing import FileOptions, process
from tests.bench_modules import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _shapes() -> Iterator[tuple[str, Callable[[int], str]]]:
    for name, (make, *_) in load_bench("scaling").SHAPES.items():
        yield f"scaling:{name}", make
    for name, (make, _) in load_bench("sweep").SWEEP.items():
        yield f"sweep:{name}", make


@pytest.mark.parametrize(
    ("name", "make"), list(_shapes()), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_shape_is_an_inf_the_pipeline_processes(
    name: str, make: Callable[[int], str]
) -> None:
    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    data = make(6).encode("ascii")
    result = process(data, f"{name}.inf", options, want_fix=True, want_diff=True)
    assert not result.error, result.error
    # an INF with something to report (the shapes are hostile, not empty)
    quiet = {"scaling:many-sections", "sweep:suppressed", "sweep:kmdf", "sweep:eventlog"}
    quiet |= {f"sweep:{name}" for name in load_bench("sweep_more").QUIET}
    assert result.diagnostics or name in quiet, name


@pytest.mark.parametrize("name", sorted(load_bench("csweep").SHAPES))
def test_every_c_shape_is_a_file_the_code_rules_check(name: str) -> None:
    from infmigrate.sources.processing import process_source

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    data = load_bench("csweep").SHAPES[name](6).encode()
    result = process_source(data, f"{name}.c", options)
    assert not result.error, result.error
    assert result.diagnostics or name in {
        "nested-if0",
        "nested-parentheses",
        "names-in-one-argument",
    }, name
