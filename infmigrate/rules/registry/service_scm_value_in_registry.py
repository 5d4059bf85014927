"""ISO021 service-scm-value-in-registry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from infmigrate.engine.catalog import register
from infmigrate.engine.edits import append_lines, equals_column, make_entry, quote, quote_field
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Edit,
    Fix,
    FixAvailability,
    FixContext,
    Fixer,
)
from infmigrate.engine.floors import floor
from infmigrate.engine.model import Context, InfModel, LogicalSection, RegKind, ServiceInstall, fold
from infmigrate.engine.model.numbers import parse_int
from infmigrate.engine.model.registry import FLG_ADDREG_DELVAL, FLG_ADDREG_KEYONLY
from infmigrate.engine.syntax import Entry, Section
from infmigrate.rules.placement._floors import InstallBuilds
from infmigrate.rules.registry._registry_report import (
    codes,
    describe,
    h_tolerated,
    isolation_code,
    service_names,
)
from infmigrate.rules.registry._registry_writes import SCM_VALUES, Kind, RegistryWrites, RegWrite

FLG_ADDREG_APPEND = 0x8
_DWORD = frozenset(
    {"StartType", "ServiceType", "ErrorControl", "ServiceSidType", "DelayedAutoStart", "BootFlags"}
)
_STRING = frozenset({"DisplayName", "Description", "LoadOrderGroup", "StartName"})
_MULTI = frozenset({"Dependencies", "RequiredPrivileges"})
#: Directives newer than Windows 10 1709: the lowest build that reads them (3.2).
_FLOOR_OF = {
    "ServiceSidType": floor("service-sid-type"),
    "DelayedAutoStart": floor("service-sid-type"),
    "BootFlags": floor("boot-flags"),
}
_MIN_BUILD = {
    "ServiceSidType": floor("service-sid-type").build,
    "DelayedAutoStart": floor("service-sid-type").build,
    "BootFlags": floor("boot-flags").build,
}
#: Values with no directive that could take their data as it is.
_NO_DIRECTIVE = {
    "security": 'a binary security descriptor cannot be copied into Security="<SDDL>"',
    "failureactions": "FailureActions names a section of its own, with a different layout",
    "tag": "no service-install directive sets Tag (AddService's TAGTOFRONT flag only "
    "moves the service first in its group)",
}
_PATH_PREFIXES = (
    (re.compile(r"^\\\?\?\\[a-z]:\\windows\\"), "%systemroot%\\"),
    (re.compile(r"^[a-z]:\\windows\\"), "%systemroot%\\"),
    (re.compile(r"^\\systemroot\\"), "%systemroot%\\"),
    (re.compile(r"^%windir%\\"), "%systemroot%\\"),
    (re.compile(r"^%10%\\"), "%systemroot%\\"),
    (re.compile(r"^%11%\\"), "%systemroot%\\system32\\"),
    (re.compile(r"^%12%\\"), "%systemroot%\\system32\\drivers\\"),
    (re.compile(r"^system32\\"), "%systemroot%\\system32\\"),
)


@dataclass
class _Line:
    write: RegWrite
    svc: str
    directive: str
    reason: str = ""
    #: (service-install section, new directive entry) to add; none when already equal.
    adds: list[tuple[LogicalSection, Entry]] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    #: The reason is a floor (the directive's first build): the message adds the target.
    floor: bool = False


@register
class ServiceScmValueInRegistry(Fixer):
    """## What it does
    Flags registry lines that set the values the service control manager owns in the key
    of a service this INF installs (`Start`, `Type`, `ErrorControl`, `ImagePath`,
    `DisplayName`, `Description`, `Group`, `DependOnService`, `DependOnGroup`,
    `ObjectName`, `RequiredPrivileges`, `ServiceSidType`, `DelayedAutostart`, `BootFlags`,
    `Security`, `FailureActions`, `Tag`), either through an absolute
    `HKLM\\SYSTEM\\CurrentControlSet\\Services\\<svc>` path or with `HKR` in an AddReg of the
    service-install section. The unsafe fix turns them into the service-install directives
    that set them.

    ## Why is this bad?
    The service-install section already says how the service is configured; a registry
    line that sets the same value behind its back is an absolute (global) write
    (InfVerif 1320/1321, tolerated by /h for now), or a write outside `Parameters` of the
    service key (1323), and the two can disagree depending on which runs last.

    ## Example
    ```inf
    [Cx_Global]
    HKLM,SYSTEM\\CurrentControlSet\\Services\\cx,DisplayName,,"Contoso Cx"
    [Cx_Svc]
    ServiceType   = 1
    StartType     = 3
    ErrorControl  = 1
    ServiceBinary = %13%\\cx.sys
    ```

    Use instead:
    ```inf
    [Cx_Svc]
    ServiceType   = 1
    StartType     = 3
    ErrorControl  = 1
    ServiceBinary = %13%\\cx.sys
    DisplayName   = "Contoso Cx"
    ```

    ## Fix safety
    Unsafe: the value is then set whenever the service is installed rather than when the
    line's install section runs, and AddService's NOCLOBBER flags may keep an existing
    value that the registry line used to overwrite. The line is removed and the directive
    is appended to **every** service-install section of the service when it is absent
    there (value copied as written); where the directive is already present with the same
    value, the line is only removed. It is reported instead when a directive exists with
    another value, when the value has no directive that takes it as it is (`Security`,
    `FailureActions`, `Tag`, an `ImagePath` that differs from `ServiceBinary`), when the
    directive needs a newer build than the INF installs on (`ServiceSidType`,
    `DelayedAutoStart` from build 19041, `BootFlags` from 25398), when the line's section is
    also run by an install section that does not install the service, or when a
    service-install section serves another service too. An add-registry section left empty
    stays, with its references.

    ## References
    - [INF AddService directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addservice-directive)
    - [Driver package isolation: registry state](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [InfVerif 1320, 1321, 1323](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO021"
    name = "service-scm-value-in-registry"
    message = "a registry line sets a value the service control manager owns"
    fix_title = "Set it with the service-install section's directive"
    availability = FixAvailability.SOMETIMES
    infverif = (1320, 1321, 1323)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        lines: list[_Line] = []
        for write in ctx.analysis(RegistryWrites):
            if write.kind is Kind.SERVICE_SCM:
                svc = write.parts.get("svc", "")
                lines.append(_plan(model, write, svc, hklm=True))
            elif (
                write.kind is Kind.HKR and not write.subkey and fold(write.value_name) in SCM_VALUES
            ):
                services = service_names(write)
                if not services:
                    continue
                line = _plan(model, write, services[0], hklm=False)
                if len(services) > 1 or any(
                    c.kind is not Context.SERVICE_KEY for c in write.section.contexts
                ):
                    line.reason = line.reason or (
                        f"[{write.section.name}] is also reached from elsewhere than the "
                        f"service-install section of {services[0]}"
                    )
                lines.append(line)
        fixes = self._fixes(ctx, lines)
        for line in lines:
            write = line.write
            if write.root == "HKR":
                number, tolerated = 1323, False
            else:
                number = isolation_code(ctx, write)
                tolerated = h_tolerated(write.root, write.subkey)
            where = (
                ", ".join(f"[{s}]" for s in line.sections)
                or f"the service-install section of {line.svc}"
            )
            directive = line.directive or "a directive"
            head = (
                f"{describe(ctx, write)}, a value the service control manager owns for service "
                f"{line.svc} {codes([number], tolerated)}: set it with {directive} in "
                f"{where}"
            )
            if not line.directive:
                text = (
                    f"{describe(ctx, write)}, a value the service control manager owns for "
                    f"service {line.svc} {codes([number], tolerated)}: "
                    f"{line.reason}; remove the line"
                )
            elif line.reason:
                text = f"{head}; not fixed: {line.reason}"
                if line.floor:
                    text += f" ({ctx.analysis(InstallBuilds).target_text})"
            elif not line.adds:
                text = f"{head}, which already sets it to the same value; remove the line"
            else:
                text = head
            fix = None if line.reason else fixes.get(fold(line.svc))
            yield self.diagnostic(write.line.ref, text, fix, infverif=(number,))

    def _fixes(self, ctx: FixContext, lines: list[_Line]) -> dict[str, Fix]:
        """One fix per service, with every fixable line of that service (so that one round
        does them all)."""
        model = ctx.model
        by_svc: dict[str, list[_Line]] = {}
        for line in lines:
            if not line.reason:
                by_svc.setdefault(fold(line.svc), []).append(line)
        out: dict[str, Fix] = {}
        for svc, todo in by_svc.items():
            added: dict[tuple[int, str], Entry] = {}
            for line in todo:
                kept = []
                for section, entry in line.adds:
                    key = (id(section), fold(line.directive))
                    other = added.setdefault(key, entry)
                    if other is entry:
                        kept.append((section, entry))
                    elif [f.value for f in other.fields] != [f.value for f in entry.fields]:
                        line.reason = (
                            f"another line sets {line.directive} of {line.svc} to another value"
                        )
                line.adds = kept
            todo = [line for line in todo if not line.reason]
            if not todo:
                continue
            edits: list[Edit] = [Edit.delete(line.write.line.ref.entry) for line in todo]
            per_block: dict[int, tuple[Section, list[Entry]]] = {}
            for line in todo:
                for section, entry in line.adds:
                    block = section.blocks[-1]
                    per_block.setdefault(id(block), (block, []))[1].append(entry)
            for block, entries in per_block.values():
                edits.append(append_lines(block, entries))
            out[svc] = self.make_fix(
                *edits,
                applicability=Applicability.UNSAFE,
                title=f"Set the values of service {todo[0].svc} with "
                "its service-install directives",
            )
        del model
        return out


def _plan(model: InfModel, write: RegWrite, svc: str, *, hklm: bool) -> _Line:
    name = fold(write.value_name)
    line = _Line(write, svc, SCM_VALUES.get(name, ""))
    # The AddService lines whose install sections also run the line: the directive goes
    # into their service-install sections only.
    runs = {id(i) for i in write.section.installs}
    services = [s for s in model.services_named(svc) if runs & {id(i) for i in s.installs}]
    line.sections = list(dict.fromkeys(s.section.name for s in services if s.section))
    line.reason = (
        _NO_DIRECTIVE.get(name, "")
        or _refusal(model, write, svc, services, hklm)
        or _adds(model, line, services)
    )
    if line.reason:
        line.adds = []
    return line


def _refusal(
    model: InfModel, write: RegWrite, svc: str, services: list[ServiceInstall], hklm: bool
) -> str:
    if write.section.kind is not RegKind.ADD:
        return f"a {write.section.kind.value} line does not set a value"
    if write.refusal:
        return write.refusal
    flags = write.line.flags
    if flags is None:
        return "its flags are not a number"
    if flags & FLG_ADDREG_DELVAL:
        return "the line deletes the value (FLG_ADDREG_DELVAL)"
    if flags & FLG_ADDREG_KEYONLY:
        return "the line only creates a key (FLG_ADDREG_KEYONLY)"
    if flags & FLG_ADDREG_APPEND:
        return "the line appends to the value (FLG_ADDREG_APPEND)"
    if not services:
        return f"no AddService installs {svc} where the line runs"
    if not all(s.uniform for s in services):
        return "the service name differs between [Strings] locales"
    if any(s.section is None for s in services):
        return "an AddService line of the service names no service-install section"
    for section in _sections(services):
        others = {
            fold(r.context.service)
            for r in model.references_to(section)
            if r.context.kind is Context.SERVICE_KEY and r.context.service
        } - {fold(svc)}
        if others:
            return (
                f"service-install section [{section.name}] also installs "
                f"{', '.join(sorted(others))}"
            )
    if hklm:
        installing = {id(i) for s in services for i in s.installs}
        outside = [i.name for i in write.section.installs if id(i) not in installing]
        if outside or not write.section.installs:
            where = f"[{outside[0]}]" if outside else "no install section"
            return f"the line is also run by {where}, which does not install {svc}"
    return ""


def _adds(model: InfModel, line: _Line, services: list[ServiceInstall]) -> str:
    """Fill ``line.adds``; or say why the value cannot become the directive."""
    write = line.write
    directive = line.directive
    entry = write.line.ref.entry
    data = write.line.data
    kind = write.line.type
    expand = model.expand
    minimum = _MIN_BUILD.get(directive)
    if minimum is not None:
        for s in services:
            for install in s.installs:
                if not install.decorations or any(
                    d is None or d.allows_build_below(minimum) for d in install.decorations
                ):
                    line.floor = True
                    return (
                        f"{directive} needs build {minimum} or later "
                        f"({_FLOOR_OF[directive].release}, its floor), and [{install.name}] "
                        "installs on earlier builds"
                    )
    raw = [_raw(entry, 4 + i, v) for i, v in enumerate(data)]
    if directive in _DWORD:
        number = None
        if kind == "dword" and len(data) == 1:
            number = parse_int(expand(data[0]))
            values = raw[:1]
        elif kind == "binary" and len(data) == 4:
            try:
                number = int.from_bytes(bytes(int(expand(b), 16) for b in data), "little")
            except ValueError:
                number = None
            values = [str(number) if number is not None and number < 10 else f"{number:#x}"]
        if number is None:
            return f"its data is not a DWORD number that {directive} can take"

        def same(existing: list[str]) -> bool:
            return bool(existing) and parse_int(expand(existing[0])) == number
    elif directive == "ServiceBinary":
        if kind not in ("sz", "expand_sz") or len(data) != 1:
            return "its data is not a string"
        path = _norm_path(expand(data[0]))
        for section in _sections(services):
            found = section.get("ServiceBinary")
            if not found or _norm_path(expand(found[-1].value(0))) != path:
                return (
                    f"ImagePath differs from the ServiceBinary of [{section.name}] "
                    "(a path cannot be turned into a DIRID form safely)"
                )
        return ""
    elif directive in _STRING:
        if kind not in ("sz", "expand_sz") or len(data) != 1:
            return "its data is not a single string"
        value = expand(data[0])
        values = raw[:1]
        folds = directive == "LoadOrderGroup"

        def same(existing: list[str]) -> bool:
            got = expand(existing[0]) if existing else ""
            return (fold(got) == fold(value)) if folds else got == value
    else:  # Dependencies, RequiredPrivileges (REG_MULTI_SZ)
        if kind != "multi_sz":
            return "its data is not a REG_MULTI_SZ list"
        group = fold(write.value_name) == "dependongroup"
        items = [expand(v).strip() for v in data if v.strip()]
        values = [
            ("+" + r if not r.startswith('"') else '"+' + r[1:]) if group else r
            for r, v in zip(raw, data, strict=True)
            if v.strip()
        ]
        want = {fold(i) for i in items}

        def same(existing: list[str]) -> bool:
            got = [fold(expand(v).strip()) for v in existing if v.strip()]
            if directive == "Dependencies":
                got = (
                    [g[1:] for g in got if g.startswith("+")]
                    if group
                    else [g for g in got if not g.startswith("+")]
                )
            return set(got) == want

    for section in dict.fromkeys(_sections(services)):
        found = section.get(directive)
        if found:
            if same(list(found[-1].values)):
                continue
            shown = ",".join(found[-1].values)
            return f"[{section.name}] already sets {directive} = {shown}"
        entries = [r.entry for r in section.entries]
        like = next((r.entry for r in reversed(section.entries) if r.key is not None), None)
        new = make_entry(
            directive,
            values,
            like=like,
            raw=True,
            newline=(like.newline if like is not None else "") or "\r\n",
            column=equals_column(entries),
        )
        line.adds.append((section, new))
    return ""


def _sections(services: list[ServiceInstall]) -> list[LogicalSection]:
    """The service-install sections of ``services``, in order: one per service once
    :func:`_refusal` has passed (it refuses a service without one)."""
    return [s.section for s in services if s.section is not None]


def _raw(entry: Entry, index: int, cooked: str) -> str:
    """Field ``index`` as written, or quoted from its cooked text when it spans lines."""
    if index < len(entry.fields):
        raw = entry.fields[index].value
        if "\n" not in raw and "\r" not in raw:
            return raw
        return quote_field(entry, index, cooked)
    return quote(cooked)


def _norm_path(text: str) -> str:
    path = text.strip().strip('"').casefold().replace("/", "\\")
    for pattern, replacement in _PATH_PREFIXES:
        if pattern.match(path):
            return pattern.sub(replacement.replace("\\", "\\\\"), path, count=1)
    return path
