"""Moving HKLM lines of a service's own key into an AddReg of its service-install sections,
as HKR lines: ISO020 (``...\\Services\\<svc>\\Parameters``) and ISO022 (other values of
the service's key, which move under ``Parameters``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from infmigrate.engine.edits import (
    append_lines,
    equals_column,
    make_entry,
    make_section,
    unique_section_name,
)
from infmigrate.engine.fixer import Edit, FixContext
from infmigrate.engine.model import Context, InfModel, LogicalSection, ServiceInstall, fold
from infmigrate.engine.syntax import Line, Section, TriviaLine
from infmigrate.rules.registry._registry_writes import (
    RegWrite,
    as_hkr,
    conflicting_value,
    remove_lines,
)

__all__ = ["move_edits", "refusal"]


def refusal(
    svc: str, writes: list[RegWrite], services: Sequence[ServiceInstall], model: InfModel
) -> str:
    """Why the HKLM lines ``writes`` of service ``svc`` cannot move to an AddReg of its
    service-install sections ("" when they can)."""
    if not all(s.uniform for s in services):
        return "the service name differs between [Strings] locales"
    if any(s.section is None for s in services):
        return "an AddService line of the service names no service-install section"
    for write in writes:
        if write.section.has_security:
            return f"[{write.section.name}] has a .security section"
    value = conflicting_value(writes)
    if value is not None:
        return f"value {value} is set to different data on different install paths (ISO041)"
    for section in (s.section for s in services if s.section is not None):  # (all of them)
        others = {
            fold(r.context.service)
            for r in model.references_to(section)
            if r.context.kind is Context.SERVICE_KEY and r.context.service
        } - {svc}
        if others:
            return (
                f"service-install section [{section.name}] also installs "
                f"{', '.join(sorted(others))}"
            )
    return ""


def move_edits(
    ctx: FixContext,
    moving: list[tuple[str, list[RegWrite], list[LogicalSection]]],
    subkey_of: Callable[[RegWrite], str],
) -> list[Edit]:
    """One new AddReg section per service, placed after its first service-install section,
    holding each moved line as ``HKR,<subkey_of(line)>,...``; an ``AddReg=`` line appended
    to each of its service-install sections; the moved lines removed from where they
    were."""
    model = ctx.model
    newline = ctx.tree.newline
    last_section = ctx.tree.sections[-1] if ctx.tree.sections else None
    taken: set[str] = set()
    appended: dict[int, tuple[Section, list[Line]]] = {}
    new_sections: dict[int, tuple[Section, list[Section]]] = {}
    moved: set[int] = set()
    for svc, writes, sections in moving:
        name = unique_section_name(model, f"{svc}_Params_AddReg", taken)
        moved |= {id(w.line.ref.entry) for w in writes}
        anchor = sections[0].blocks[-1]
        body: list[Line] = [as_hkr(w, subkey_of(w), newline) for w in writes]
        if anchor is not last_section:
            body.append(TriviaLine("", "", newline))  # keeps it apart from what follows
        new_sections.setdefault(id(anchor), (anchor, []))[1].append(
            make_section(name, body, newline=anchor.header.newline or newline)
        )
        for section in sections:
            block = section.blocks[-1]
            like = next((r.entry for r in reversed(section.entries) if r.key is not None), None)
            line = make_entry(
                "AddReg",
                [name],
                like=like,
                newline=(like.newline if like is not None else "") or newline,
                column=equals_column(r.entry for r in section.entries),
            )
            appended.setdefault(id(block), (block, []))[1].append(line)
    edits: list[Edit] = []
    for key, (block, lines) in appended.items():
        block_body = block.body
        if key in new_sections and not (block_body and type(block_body[-1]) is TriviaLine):
            # a blank line between this section and the new one that follows it
            lines = [*lines, TriviaLine("", "", newline)]
        edits.append(append_lines(block, lines))
    for anchor, made in new_sections.values():
        edits.append(Edit.insert_section(anchor, *made))
    return edits + remove_lines(model, moved)
