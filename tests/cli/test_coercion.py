"""The option values converted without pydantic (infmigrate.cli.coercion) are those typer's
own converters give, and what typer rejects it still rejects, with typer's message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from infmigrate.cli.app import app
from infmigrate.cli.coercion import fast_values

CASES = [
    [],
    ["x.inf"],
    ["a.inf", "b", "-"],
    ["--no-cache", "-j", "2", "--color", "NEVER", "x.inf"],
    ["--jobs", "02", "--color", "always", "--diff-filter", "ADDED"],
    ["--select", "ISO0", "--ignore", "INF003", "--extend-select", "ISO1"],
    ["--exclude", "a/*,b", "--exclude", "c", "--extend-exclude", "d"],
    ["--format", "json", "--format", "sarif:out.sarif", "-o", "out.txt"],
    ["--cache-dir", "somewhere/cache", "--max-file-size", "2MB"],
    ["--unsafe-fixes", "--sources", "--target-windows", "1809"],
    ["--no-unsafe-fixes", "--no-sources", "--stdin-filename", "a.inf"],
    ["--add-noqa", "--add-noqa-reason", "later"],
    ["--diff-filter-base", "origin/main", "--diff-filter", "file"],
    ["--cache-dir", ""],
]

BAD = [
    ["-j", "0"],
    ["-j", "x"],
    ["-j", "-3"],
    ["-j", ""],
    ["--color", "bad"],
    ["--diff-filter", ""],
]


def _params(args: list[str], fast: bool) -> dict[str, Any]:
    command = get_command(app)
    if fast:
        fast_values(command)
    with command.make_context("infmigrate", list(args)) as ctx:
        return dict(ctx.params)


def _error(args: list[str], fast: bool) -> str:
    command = get_command(app)
    if fast:
        fast_values(command)
    with pytest.raises(Exception) as exc:
        command.make_context("infmigrate", list(args))
    return f"{type(exc.value).__name__}: {exc.value}"


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a) or "(none)")
def test_values_are_typers(args: list[str]) -> None:
    fast = _params(args, fast=True)
    assert fast == _params(args, fast=False)
    assert [type(v) for v in fast.values()] == [type(v) for v in _params(args, False).values()]


def test_a_few_values_exactly() -> None:
    got = _params(["-j", "02", "--color", "NEVER", "--cache-dir", "c", "a", "b"], fast=True)
    assert got["jobs"] == 2
    assert got["color"].value == "never"
    assert got["cache_dir"] == Path("c")
    assert got["paths"] == ["a", "b"]
    assert got["exclude"] == ()
    assert got["select"] is None


@pytest.mark.parametrize("args", BAD, ids=" ".join)
def test_rejected_values_keep_typers_message(args: list[str]) -> None:
    message = _error(args, fast=True)
    assert message == _error(args, fast=False)
    assert message.startswith("BadParameter: ")


def test_every_value_given_here_is_converted_without_typers_adapter() -> None:
    """What a usual run passes (files, -j, --color, --cache-dir, the defaults) does not
    build typer's pydantic converter."""
    command = get_command(app)
    fast_values(command)
    with command.make_context(
        "infmigrate", ["-j", "2", "--color", "never", "--cache-dir", "c", "--select", "A", "x"]
    ) as ctx:
        assert ctx.params["jobs"] == 2
    kinds = {type(p._runtime_param).__name__ for p in command.params}  # type: ignore[attr-defined]
    assert kinds <= {"_Quick", "NoneType"}, kinds
