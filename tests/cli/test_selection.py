"""Rule selection in layers: configuration, then command line."""

from __future__ import annotations

import pytest

from infmigrate.engine.catalog import RuleError, all_rules
from infmigrate.engine.selection import Layer, parse_codes, resolve


def codes(*layers: Layer) -> tuple[set[str], set[str]]:
    found = resolve(layers)
    return {r.code for r in found.rules}, set(found.syntax_codes)


def test_defaults_select_everything() -> None:
    rules, syntax = codes()
    assert rules == {r.code for r in all_rules()}
    assert syntax == {"INF000", "INF001", "INF002", "INF003", "INF004", "INF005", "INF006"}


def test_select_keeps_syntax_problems_and_ignore_removes_them() -> None:
    assert codes(Layer(select=("ISO015",))) == (
        {"ISO015"},
        {"INF000", "INF001", "INF002", "INF003", "INF004", "INF005", "INF006"},
    )
    assert codes(Layer(select=("iso015",), ignore=("INF00",))) == ({"ISO015"}, set())
    assert codes(Layer(select=("INF001",)))[0] == set()


def test_cli_select_replaces_config_select_but_not_its_ignore() -> None:
    config = Layer(select=("ISO015",), ignore=("INF003",), origin="x.toml")
    rules, syntax = codes(config, Layer(select=("ALL",)))
    assert rules == {r.code for r in all_rules()}
    assert "INF003" not in syntax
    rules, _ = codes(Layer(ignore=("ISO015",), origin="x.toml"), Layer(select=("ISO015",)))
    assert rules == set()


def test_extend_select_adds() -> None:
    rules, _ = codes(Layer(select=("INF",)), Layer(extend_select=("ISO015",)))
    assert rules == {"ISO015"}


def test_unknown_prefix_is_an_error_naming_its_origin() -> None:
    with pytest.raises(RuleError, match="no rule matches 'XYZ'"):
        resolve([Layer(select=("XYZ",))])
    with pytest.raises(RuleError, match=r"pyproject\.toml: no rule matches 'NOPE'"):
        resolve([Layer(select=("NOPE",), origin="pyproject.toml"), Layer(select=("ALL",))])


def test_parse_codes() -> None:
    assert parse_codes(" iso01, ISO020 ,,") == ("ISO01", "ISO020")
    assert parse_codes(None) is None
