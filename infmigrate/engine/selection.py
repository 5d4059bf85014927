"""Which rules run on a file: ``select`` / ``ignore`` / ``extend-select`` in layers.

The layers are a configuration file, then the command line. The last ``select`` given
decides the base set (it replaces the configuration's, and the ``extend-select`` before
it); every layer's ``extend-select`` adds rules and every layer's ``ignore`` removes them,
so ``--select`` does not bring back what the configuration ignores. Codes are matched as prefixes,
case-insensitively (``ISO02`` is every ISO02x rule), ``ALL`` is everything, and a prefix
that matches nothing is an error, so that a typo does not silently select nothing.

:func:`code_matches` is that one prefix rule, for every part that matches codes: the
selection here, :func:`select_rules` (the same for library callers), and the suppression
comments (:mod:`infmigrate.engine.suppression`).

Syntax and encoding problems (INF000..INF006) are not rules: they are always reported unless a layer
ignores them; a ``select`` does not turn them off.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from infmigrate.engine.catalog import RuleError, all_rules
from infmigrate.engine.fixer import Fixer
from infmigrate.engine.problems import SYNTAX_CODES

__all__ = [
    "Layer",
    "RuleSet",
    "code_matches",
    "matches_any",
    "parse_codes",
    "resolve",
    "select_rules",
]


@dataclass(frozen=True, slots=True)
class Layer:
    """One source of rule selection (a config file or the command line)."""

    #: ``None``: keep what earlier layers chose.
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    #: Where the layer comes from, for error messages.
    origin: str = "command line"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The outcome: the rules to run and the syntax codes to report."""

    rules: tuple[type[Fixer], ...]
    syntax_codes: frozenset[str]


def parse_codes(text: str | None) -> tuple[str, ...] | None:
    """``"ISO01, iso020"`` -> ``("ISO01", "ISO020")``; ``None`` stays ``None``."""
    if text is None:
        return None
    return tuple(p.strip().upper() for p in text.split(",") if p.strip())


def code_matches(code: str, prefix: str) -> bool:
    """Whether ``prefix`` (upper case) selects ``code`` (upper case): ``ALL`` selects
    every code, any other prefix the codes that start with it (``ISO02``: ISO020..ISO029;
    ``""``, which a suppression comment without a list stands for, every code)."""
    return prefix == "ALL" or code.startswith(prefix)


def matches_any(code: str, prefixes: Iterable[str]) -> bool:
    """Whether one of the prefixes selects ``code`` (see :func:`code_matches`)."""
    return any(code_matches(code, p) for p in prefixes)


def _match(prefixes: Iterable[tuple[str, str]], codes: Sequence[str]) -> set[str]:
    """Codes matching (prefix, origin) pairs; RuleError naming the origin of a bad one."""
    out: set[str] = set()
    for prefix, origin in prefixes:
        p = prefix.strip().upper()
        if not p:
            continue
        hits = {c for c in codes if code_matches(c, p)}
        if not hits:
            where = "" if origin == "command line" else f"{origin}: "
            raise RuleError(f"{where}no rule matches {prefix!r} (see --list-rules)")
        out |= hits
    return out


def resolve(layers: Iterable[Layer]) -> RuleSet:
    """Combine the layers: the last ``select`` given wins (and drops the ``extend-select``
    of the layers before it); ``extend-select`` and ``ignore`` add up, so a configuration's
    ``ignore`` still holds under ``--select``."""
    rules = {r.code: r for r in all_rules()}
    syntax = set(SYNTAX_CODES)
    known = sorted(set(rules) | syntax)
    select: list[tuple[str, str]] | None = None
    extend: list[tuple[str, str]] = []
    ignore: list[tuple[str, str]] = []
    for layer in layers:
        if layer.select is not None:
            select = [(p, layer.origin) for p in layer.select]
            _match(select, known)  # an overridden selection must still be valid
            extend = []
        extend += [(p, layer.origin) for p in layer.extend_select]
        ignore += [(p, layer.origin) for p in layer.ignore]
    chosen = set(known) if select is None else _match(select, known) | syntax
    chosen = (chosen | _match(extend, known)) - _match(ignore, known)
    return RuleSet(
        rules=tuple(rules[c] for c in sorted(chosen & set(rules))),
        syntax_codes=frozenset(chosen & syntax),
    )


def select_rules(
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
) -> list[type[Fixer]]:
    """Rules chosen by code prefixes, as one layer of :func:`resolve` chooses them, for
    library callers: ``select`` (default: all) plus ``extend_select``, minus ``ignore``.
    ``ALL`` selects everything; a prefix that matches no rule is an error."""
    rules = all_rules()
    codes = [r.code for r in rules]

    def matching(prefixes: Iterable[str]) -> set[str]:
        return _match(((p, "command line") for p in prefixes), codes)

    chosen = set(codes) if select is None else matching(select)
    chosen = (chosen | matching(extend_select)) - matching(ignore)
    return [r for r in rules if r.code in chosen]
