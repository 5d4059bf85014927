"""Shared helpers: turn parser output, reader output and expected JSON into one shape."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"

#: [(section name, [(line, key, values), ...]), ...]
View = list[tuple[str, list[tuple[int, "str | None", list[str]]]]]


def parser_view(inf) -> View:
    """Sections, entries and cooked values of an ``infmigrate.InfFile``."""
    return [
        (section.name, [(e.line, e.key, list(e.values)) for e in section.entries])
        for section in inf.sections
    ]


def expected_view(expected: dict) -> View:
    """The same shape from a hand-written ``.expected.json``."""
    return [
        (s["name"], [(e["line"], e["key"], list(e["values"])) for e in s["entries"]])
        for s in expected["sections"]
    ]


def first_difference(actual: View, wanted: View) -> str:
    """A short description of where two views first differ ('' if equal)."""
    for i, (a, w) in enumerate(zip(actual, wanted, strict=False)):
        if a[0] != w[0]:
            return f"section #{i}: name {a[0]!r} != {w[0]!r}"
        for j, (ea, ew) in enumerate(zip(a[1], w[1], strict=False)):
            if ea != ew:
                return f"section #{i} [{a[0]}] entry #{j}: {ea!r} != {ew!r}"
        if len(a[1]) != len(w[1]):
            extra = a[1][len(w[1]) :] or w[1][len(a[1]) :]
            return (
                f"section #{i} [{a[0]}]: {len(a[1])} entries != {len(w[1])}; "
                f"first unmatched: {extra[0]!r}"
            )
    if len(actual) != len(wanted):
        return f"{len(actual)} sections != {len(wanted)}"
    return ""
