"""``--list-rules`` and ``--explain CODE``: the rules' own documentation, as text."""

from __future__ import annotations

from infmigrate.engine.catalog import RuleError, all_rules, rule
from infmigrate.engine.fixer import Fixer
from infmigrate.engine.problems import SYNTAX_CODES

__all__ = ["TOPICS", "explain", "list_rules"]


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Columns padded to their widest cell; the last one is left as it is."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in rows
    ]


def _verif(codes: tuple[int, ...]) -> str:
    return f" (InfVerif {', '.join(map(str, codes))})" if codes else ""


def list_rules() -> str:
    """Every rule, then the syntax problems: code, name, fix availability, what it finds
    (with the InfVerif codes it corresponds to)."""
    rows: list[tuple[str, ...]] = [("CODE", "NAME", "FIX", "WHAT IT FINDS")]
    for cls in all_rules():
        rows.append(
            (cls.code, cls.name, cls.availability.value, cls.message + _verif(cls.infverif))
        )
    for s in SYNTAX_CODES.values():
        rows.append((s.code, s.name, "none", f"{s.summary} ({s.severity})"))
    return "\n".join(
        [
            *_table(rows),
            "",
            "FIX: whether the rule can fix what it finds (always, sometimes, none). Fixes are",
            "safe unless a rule's documentation says otherwise; unsafe ones need --unsafe-fixes.",
            "Run `infmigrate --explain CODE` for a rule's documentation.",
            "",
        ]
    )


def _fixer_text(cls: type[Fixer]) -> str:
    facts = [f"Fix: {cls.availability.value}"]
    if cls.fix_title:
        facts.append(f"({cls.fix_title})")
    if cls.infverif:
        facts.append(f"· InfVerif: {', '.join(map(str, cls.infverif))}")
    return f"{cls.code} {cls.name}: {cls.message}\n{' '.join(facts)}\n\n{cls.docs()}\n"


#: Topics ``--explain`` documents besides rule codes.
TOPICS = ("floors", "builds")


def explain(code: str) -> str:
    """The documentation of one rule or syntax code, or of a topic (:data:`TOPICS`:
    ``floors``, the floor table; ``builds``, the Windows versions ``--target-windows``
    takes); RuleError when unknown."""
    topic = code.strip().lower()
    if topic == "floors":
        from infmigrate.engine.floors import floors_table

        return floors_table()
    if topic in ("builds", "target-windows"):
        from infmigrate.engine.builds import releases_table

        return releases_table()
    key = code.strip().upper()
    syntax = SYNTAX_CODES.get(key)
    if syntax is not None:
        return (
            f"{syntax.code} {syntax.name}: {syntax.summary}\nSeverity: {syntax.severity}"
            f" · Fix: none (a syntax problem)\n\n{syntax.docs}\n"
        )
    try:
        cls = rule(key)
    except RuleError:
        raise RuleError(
            f"unknown rule code {code!r}; see `infmigrate --list-rules` "
            "(`--explain floors` and `--explain builds` document the floor table and the "
            "Windows versions --target-windows takes)"
        ) from None
    return _fixer_text(cls)
