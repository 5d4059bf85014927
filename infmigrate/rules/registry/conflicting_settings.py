"""ISO041 conflicting-settings."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeAlias

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import Context, EntryRef, InfModel, LogicalSection, RegKind, fold
from infmigrate.engine.model.numbers import parse_int
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.registry import FLG_ADDREG_DELVAL, FLG_ADDREG_KEYONLY
from infmigrate.rules.registry._registry_report import codes
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites, RegWrite

_SERVICES = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\"
#: Service-install directives compared between two sections of one service.
_DIRECTIVES = (
    "ServiceType",
    "StartType",
    "ErrorControl",
    "ServiceBinary",
    "LoadOrderGroup",
    "Dependencies",
    "StartName",
    "Security",
    "RequiredPrivileges",
    "ServiceSidType",
    "DelayedAutoStart",
    "BootFlags",
)
_NUMERIC = frozenset(
    {"servicetype", "starttype", "errorcontrol", "servicesidtype", "delayedautostart", "bootflags"}
)
_CODES = codes(["1331-1333"])


@register
class ConflictingSettings(Fixer):
    """## What it does
    Flags global state that two install sections of the INF set differently when both can
    run on the same machine: a registry value of one key (an absolute path, or a service
    or event-log key written through HKR) given different data, and a service whose
    service-install sections disagree on a directive (StartType, ServiceBinary...).
    Install sections for different architectures, or from different decorations of one
    Models entry, never run on the same machine and are not compared; per-device keys
    (HKR in DDInstall) are each device's own and are not compared either.

    ## Why is this bad?
    With two devices installed, the key or service ends up with whichever install ran
    last, and an update of one device silently reconfigures the other. InfVerif reports
    these conflicts as functional errors (1331-1333), and ISO020 refuses to move such
    values.

    ## Example
    ```inf
    [Cx_Svc_A]
    StartType = 3
    [Cx_Svc_B]
    StartType = 2
    ```

    Use instead: one configuration per service (one service-install section), and
    per-device settings in each device's key:
    ```inf
    [Cx_Svc]
    StartType = 3
    ```

    ## Fix safety
    There is no fix: which value is right is the author's call.

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [INF AddService directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addservice-directive)
    - [InfVerif 1331-1333](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO041"
    name = "conflicting-settings"
    message = "two install sections set the same global value differently"
    infverif = (1331, 1332, 1333)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        yield from self._registry(ctx)
        yield from self._services(ctx)

    def _registry(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        # The key and the value name, folded and joined by a NUL (which no INF text holds:
        # the parser ends the text at the first one) -> the first write's key as shown
        # and that write; the writes of the values set more than once (issue 18: most
        # are set once, and a tuple key and a list for each cost 5 times the file).
        first: dict[str, tuple[str, RegWrite]] = {}
        more: dict[str, list[RegWrite]] = {}
        for write in ctx.analysis(RegistryWrites):
            flags = write.line.flags
            if (
                write.section.kind is not RegKind.ADD
                or flags is None
                or flags & (FLG_ADDREG_DELVAL | FLG_ADDREG_KEYONLY)
                or not write.section.installs
            ):
                continue
            for key in _identities(write):
                folded = fold(f"{key}\0{write.value_name}")
                seen = first.get(folded)
                if seen is None:
                    first[folded] = (key, write)
                else:
                    more.setdefault(folded, [seen[1]]).append(write)
        reported: set[int] = set()
        values: dict[int, _Data] = {}  # the data of each write, once
        for folded, (key, _) in first.items():
            writes = more.get(folded)
            if writes is None:
                continue  # most values are set once: their data need not be read
            for write in writes:
                if id(write) not in values:
                    values[id(write)] = _value(model, write)
            lines = [(write, values[id(write)]) for write in writes]
            if len({v for _, v in lines}) < 2:
                continue
            for write, other in _conflicts(lines):
                if id(write) in reported:
                    continue
                reported.add(id(write))
                name = write.value_name or "(default)"
                text = (
                    f"value {name} of {key} is set to {_data(write)} here "
                    f"(run by {_names(write.section.installs)}) and to {_data(other)} at "
                    f"line {other.line.ref.line} (run by {_names(other.section.installs)}), "
                    f"which can install on the same machine {_CODES}: the key gets "
                    "whichever installs last; set one value, or keep the setting per "
                    "device (HKR in DDInstall)"
                )
                yield self.diagnostic(write.line.ref, text)

    def _services(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        by_name: dict[str, list[tuple[LogicalSection, list[InstallSection]]]] = {}
        for svc in model.services:
            if not svc.name or svc.section is None:
                continue
            slots = by_name.setdefault(fold(svc.name), [])
            for section, installs in slots:
                if section is svc.section:
                    installs.extend(svc.installs)
                    break
            else:
                slots.append((svc.section, list(svc.installs)))
        for name, slots in by_name.items():
            if len(slots) < 2:
                continue
            svc_name = model.services_named(name)[0].name
            for directive in _DIRECTIVES:
                seen: list[tuple[LogicalSection, EntryRef, list[InstallSection]]] = []
                for section, installs in slots:
                    found = section.get(directive)
                    if not found:
                        continue
                    ref = found[-1]
                    value = _directive_value(model, directive, ref.values)
                    other = next(
                        (
                            (s, r)
                            for s, r, i in seen
                            if _directive_value(model, directive, r.values) != value
                            and _coexist(i, installs)
                        ),
                        None,
                    )
                    seen.append((section, ref, installs))
                    if other is None:
                        continue
                    o_section, o_ref = other
                    text = (
                        f"{directive} of service {svc_name} is {','.join(ref.values)} here "
                        f"in [{section.name}] and {','.join(o_ref.values)} in "
                        f"[{o_section.name}] (line {o_ref.line}), which can install on "
                        f"the same machine {_CODES}: the service gets whichever installs "
                        "last; give both the same value"
                    )
                    yield self.diagnostic(ref, text)


def _identities(write: RegWrite) -> list[str]:
    """The absolute keys a line writes, as displayed (HKR only in shared, non-device
    keys); compared folded."""
    if write.kind in (Kind.NON_UNIFORM, Kind.INVALID):
        return []
    sub = write.subkey
    if write.root != "HKR":
        return [f"{write.root}\\{sub}".rstrip("\\")]
    out = []
    for c in write.section.contexts:
        if c.kind is Context.SERVICE_KEY and c.service:
            base = _SERVICES + c.service
        elif c.kind is Context.EVENTLOG_KEY and c.log_type and c.event_name:
            base = f"{_SERVICES}EventLog\\{c.log_type}\\{c.event_name}"
        elif c.kind is Context.INTERFACE_CLASS_KEY and c.interface:
            base = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\DeviceClasses\\" + c.interface
        else:
            continue
        out.append(f"{base}\\{sub}".rstrip("\\"))
    return out


#: The data of a registry line as compared: its type, then each field (a number or text).
_Data: TypeAlias = tuple[str | int | None, ...]
#: A service directive's value as compared: a number, a set of names, or the folded texts.
_Setting: TypeAlias = int | frozenset[str] | tuple[str, ...] | None


def _value(model: InfModel, write: RegWrite) -> _Data:
    kind = write.line.type
    data = [model.expand(d).strip() for d in write.line.data]
    if kind == "dword" and len(data) == 1 and parse_int(data[0]) is not None:
        return (kind, parse_int(data[0]))
    if kind in ("binary", "qword", "none", "custom"):
        return (kind, *(d.casefold() for d in data))
    return (kind, *data)


def _directive_value(model: InfModel, directive: str, values: Sequence[str]) -> _Setting:
    texts = [model.expand(v).strip() for v in values]
    if fold(directive) in _NUMERIC and texts and parse_int(texts[0]) is not None:
        return parse_int(texts[0])
    if directive in ("Dependencies", "RequiredPrivileges"):
        return frozenset(fold(t) for t in texts if t)
    return tuple(fold(t) for t in texts)


class _Group:
    """The earlier writes run by one sequence of installs: the first, and the first whose
    data differs from the first's (what a later write can conflict with), each with its
    place in the order of the writes."""

    __slots__ = ("first", "installs", "other")

    def __init__(self, installs: Sequence[InstallSection], first: _Placed) -> None:
        self.installs = installs
        self.first = first
        self.other: _Placed | None = None


#: A write with its place among the writes of one value, and its data.
_Placed: TypeAlias = tuple[int, "RegWrite", "_Data"]


def _conflicts(lines: Sequence[tuple[RegWrite, _Data]]) -> Iterator[tuple[RegWrite, RegWrite]]:
    """Each write of one value (in order) with the first earlier write that sets other
    data and can run on the same machine (:func:`_coexist`), when there is one.

    Whether two writes can coexist depends only on their installs, so the earlier writes
    are kept by their installs, two of each (a later write's data differs from the first's
    or else from the other's), and each pair of installs is judged once (issue 18: each
    write was compared with every earlier one, quadratic on thousands of writes of one
    value that cannot conflict)."""
    groups: dict[tuple[int, ...], _Group] = {}
    judged: dict[tuple[tuple[int, ...], tuple[int, ...]], bool] = {}
    for index, (write, value) in enumerate(lines):
        installs = write.section.installs
        mine = tuple(id(install) for install in installs)
        best: _Placed | None = None
        for key, group in groups.items():
            found = group.first if group.first[2] != value else group.other
            if found is None or (best is not None and found[0] >= best[0]):
                continue
            pair = (key, mine)
            can = judged.get(pair)
            if can is None:
                can = judged[pair] = _coexist(group.installs, installs)
            if can:
                best = found
        if best is not None:
            yield write, best[1]
        own = groups.get(mine)
        if own is None:
            groups[mine] = _Group(installs, (index, write, value))
        elif own.other is None and value != own.first[2]:
            own.other = (index, write, value)


def _coexist(first: Sequence[InstallSection], second: Sequence[InstallSection]) -> bool:
    """Whether an install of ``first`` and a different one of ``second`` can both run on
    one machine: a shared architecture, and (for two DDInstalls) a shared Models section
    or Models sections of different Manufacturer entries; two decorations of one
    DefaultInstall never do (Windows picks one per OS)."""
    for a in first:
        for b in second:
            if a is b or not (a.platforms & b.platforms):
                continue
            if a.kind != "ddinstall" or b.kind != "ddinstall":
                if a.kind == b.kind and fold(a.base_name) == fold(b.base_name):
                    continue  # decorations of one DefaultInstall: one is chosen per OS
                return True
            if {id(m) for m in a.models} & {id(m) for m in b.models}:
                return True
            if not (
                {id(m.manufacturer) for m in a.models} & {id(m.manufacturer) for m in b.models}
            ):
                return True
    return False


def _names(installs: Sequence[InstallSection]) -> str:
    names = list(dict.fromkeys(f"[{i.name}]" for i in installs))
    return ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")


def _data(write: RegWrite) -> str:
    text = ",".join(write.line.data) or '""'
    return text if len(text) <= 40 else text[:37] + "..."
