"""ISO024 eventlog-source-in-hklm."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from infmigrate.engine.catalog import register
from infmigrate.engine.edits import (
    append_lines,
    equals_column,
    make_entry,
    make_section,
    quote,
    unique_section_name,
)
from infmigrate.engine.fields import replace_fields
from infmigrate.engine.fixer import Diagnostic, Edit, FixAvailability, FixContext, Fixer
from infmigrate.engine.model import RegKind, ServiceInstall, fold
from infmigrate.engine.syntax import Entry, Line, Section, TriviaLine
from infmigrate.rules.registry._registry_writes import (
    Kind,
    RegistryWrites,
    RegWrite,
    as_hkr,
    conflicting_value,
    remove_lines,
)

LOGS = {"system": "System", "application": "Application", "security": "Security"}


@register
class EventlogSourceInHklm(Fixer):
    """## What it does
    Flags `HKLM` writes under `SYSTEM\\CurrentControlSet\\Services\\EventLog\\<Log>\\<Source>`
    for an event source of a service this INF installs, and moves them into an
    event-log-install section of that service's `AddService` line (fields 4 to 6).

    ## Why is this bad?
    The event source key is created and removed with the service when the INF declares it
    on `AddService`; written through an absolute HKLM path it is global state that the
    package does not own and InfVerif rejects for Windows Drivers (1320/1321). In an
    event-log-install section, HKR is that very key.

    ## Example
    ```inf
    [Cx_Global]
    HKLM,SYSTEM\\CurrentControlSet\\Services\\EventLog\\System\\cx,TypesSupported,0x00010001,7
    [Cx_Inst.Services]
    AddService = cx,0x2,Cx_Svc
    ```

    Use instead:
    ```inf
    [Cx_Inst.Services]
    AddService = cx,0x2,Cx_Svc,cx_EventLog
    [cx_EventLog]
    AddReg = cx_EventLog_AddReg
    [cx_EventLog_AddReg]
    HKR,,TypesSupported,0x00010001,7
    ```

    ## Fix safety
    Safe: the same values end up under the same key, now created with the service. An
    `AddService` line that already names an event-log-install section for the same log and
    source gets the values there (one `AddReg=` line appended); otherwise field 4 is added,
    with the log type (field 5) when it is not System and the source name (field 6) when it
    is not the service name. Value names, flags and data are copied byte for byte; message
    file paths of files the package moves to the driver store are rewritten by ISO003. The
    fix is refused, with the reason, when the service's event-log section is for another
    log or source, when values conflict, or when a `.security` section is attached.

    ## References
    - [INF AddService directive: event-log-install section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addservice-directive)
    - [InfVerif 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO024"
    name = "eventlog-source-in-hklm"
    message = "an event log source is written to an absolute HKLM path"
    fix_title = "Declare it in an event-log-install section of the service's AddService line"
    availability = FixAvailability.SOMETIMES
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        plan = _plan(ctx)
        fix = self.make_fix(*plan.edits) if plan.edits else None
        for write in plan.writes:
            reason = plan.refused.get(id(write), "")
            log, src = write.parts["log"], write.parts["src"]
            yield self.diagnostic(
                write.line.ref,
                f"value {write.value_name or '(default)'} of event source {log}\\{src} is "
                "written to HKLM (InfVerif 1320): declare it in an event-log-install section "
                f"of the AddService line" + (f"; not fixed: {reason}" if reason else ""),
                None if reason else fix,
            )


@dataclass
class _Plan:
    writes: list[RegWrite] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)


def _services_for(ctx: FixContext, src: str) -> list[ServiceInstall]:
    return [
        s
        for s in ctx.model.services
        if s.name and (fold(s.event_name) == fold(src) or fold(s.name) == fold(src))
    ]


def _plan(ctx: FixContext) -> _Plan:
    plan = _Plan()
    groups: dict[tuple[str, str], list[RegWrite]] = {}
    for write in ctx.analysis(RegistryWrites):
        if write.kind is not Kind.EVENTLOG or write.root != "HKLM":
            continue
        log, src = write.parts["log"], write.parts["src"]
        services = _services_for(ctx, src)
        if not services:
            continue  # not this package's source: ISO037 reports the global write
        if write.section.kind is not RegKind.ADD:
            continue  # deletes or patches: reported by ISO039, never converted
        plan.writes.append(write)
        reason = ""
        if write.refusal:
            reason = write.refusal
        elif fold(log) not in LOGS:
            reason = f"{log} is not one of the System, Application or Security logs"
        elif not all(s.uniform for s in services):
            reason = "the service name differs between [Strings] locales"
        elif write.section.has_security:
            reason = f"[{write.section.name}] has a .security section"
        else:
            for s in services:
                values = s.entry.values
                declared = bool(s.eventlog_section_name)
                log_given = declared or (len(values) > 4 and bool(values[4].strip()))
                src_given = declared or (len(values) > 5 and bool(values[5].strip()))
                if (log_given and fold(s.log_type) != fold(log)) or (
                    src_given and fold(s.event_name) != fold(src)
                ):
                    reason = (
                        f"the AddService line of {s.name} already declares event source "
                        f"{s.log_type}\\{s.event_name}"
                    )
        if reason:
            plan.refused[id(write)] = reason
            continue
        groups.setdefault((fold(log), fold(src)), []).append(write)
    for key, writes in list(groups.items()):
        value = conflicting_value(writes)
        if value is not None:
            for write in writes:
                plan.refused[id(write)] = (
                    f"value {value} is set to different data on different install paths (ISO041)"
                )
            del groups[key]
    # One AddService line declares one event source (its EventLog install section, log
    # type and name: "INF AddService Directive"): two sources whose writes would go to the
    # same service line cannot both move there.
    sharing: dict[int, list[tuple[str, str]]] = {}
    for key, writes in groups.items():
        for s in _services_for(ctx, writes[0].parts["src"]):
            if key not in sharing.setdefault(id(s.entry.entry), []):
                sharing[id(s.entry.entry)].append(key)
    for keys in sharing.values():
        if len(keys) < 2:
            continue
        names = " and ".join(
            f"{groups[k][0].parts['log']}\\{groups[k][0].parts['src']}" for k in keys if k in groups
        )
        for key in keys:
            for write in groups.pop(key, []):
                plan.refused[id(write)] = (
                    f"event sources {names} would share one "
                    "AddService line, which declares one source"
                )
    if groups:
        plan.edits = _edits(ctx, groups)
    return plan


def _edits(ctx: FixContext, groups: dict[tuple[str, str], list[RegWrite]]) -> list[Edit]:
    model = ctx.model
    newline = ctx.tree.newline
    taken: set[str] = set()
    edits: list[Edit] = []
    moved: set[int] = set()
    sections_after: dict[int, tuple[Section, list[Section]]] = {}
    gap_after: set[int] = set()
    last_section = ctx.tree.sections[-1] if ctx.tree.sections else None
    for (_, _), writes in groups.items():
        log, src = writes[0].parts["log"], writes[0].parts["src"]
        services = _services_for(ctx, src)
        svc = services[0].name
        addreg = unique_section_name(model, f"{svc}_EventLog_AddReg", taken)
        moved |= {id(w.line.ref.entry) for w in writes}
        lines = [as_hkr(w, w.parts.get("rest") or "", newline) for w in writes]
        existing = {
            fold(s.eventlog_section_name): s.eventlog_section
            for s in services
            if s.eventlog_section is not None
        }
        new_eventlog: str | None = None
        if not existing:
            new_eventlog = unique_section_name(model, f"{svc}_EventLog", taken)
        anchor_section = next((s.section for s in services if s.section is not None), None)
        anchor = (
            anchor_section.blocks[-1] if anchor_section is not None else services[0].entry.block
        )
        new: list[Section] = []
        if new_eventlog is not None:
            new.append(
                make_section(
                    new_eventlog,
                    [make_entry("AddReg", [addreg], newline=newline), TriviaLine("", "", newline)],
                    newline=newline,
                )
            )
        body: list[Line] = [*lines]
        if anchor is not last_section:
            body.append(TriviaLine("", "", newline))
        new.append(make_section(addreg, body, newline=newline))
        sections_after.setdefault(id(anchor), (anchor, []))[1].extend(new)
        if anchor.body and type(anchor.body[-1]) is not TriviaLine:
            gap_after.add(id(anchor))
        for section in existing.values():
            like = next((r.entry for r in reversed(section.entries) if r.key is not None), None)
            edits.append(
                append_lines(
                    section.blocks[-1],
                    [
                        make_entry(
                            "AddReg",
                            [addreg],
                            like=like,
                            newline=(like.newline if like else "") or newline,
                            column=equals_column(r.entry for r in section.entries),
                        )
                    ],
                )
            )
        if new_eventlog is not None:
            done: set[int] = set()
            for s in services:
                if id(s.entry.entry) in done:
                    continue
                done.add(id(s.entry.entry))
                values = s.entry.values
                wanted = {3: new_eventlog}
                if (fold(log) != "system" or fold(src) != fold(s.name)) and not (
                    len(values) > 4 and values[4].strip()
                ):
                    wanted[4] = LOGS[fold(log)]
                if fold(src) != fold(s.name) and not (len(values) > 5 and values[5].strip()):
                    wanted[5] = src
                edits.append(Edit.replace(s.entry.entry, _set_fields(s.entry.entry, wanted)))
    for key, (anchor, new_sections) in sections_after.items():
        if key in gap_after:
            last = anchor.body[-1]
            edits.append(Edit.insert_after(last, TriviaLine("", "", newline)))
        edits.append(Edit.insert_section(anchor, *new_sections))
    return edits + remove_lines(model, moved)


def _set_fields(entry: Entry, values: dict[int, str]) -> Entry:
    """The AddService entry with cooked values set by index (missing fields added, empty
    ones in between); spacing after commas and a trailing comment kept."""
    first = entry.key_node is None
    return replace_fields(
        entry, {i: quote(v, first_field=first and not i) for i, v in values.items()}
    )
