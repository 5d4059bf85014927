"""ISO041 conflicting-settings."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import Generic, TypeAlias, TypeVar

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
        for folded, (key, _) in first.items():
            writes = more.get(folded)
            if writes is None:
                continue  # most values are set once: their data need not be read
            # The data of each write is read when compared, and not kept: thousands of
            # writes of one value kept their data (a tuple and a number each) at once,
            # 5 times the file (issue 18). A value given one data everywhere stops here.
            data = (_value(model, write) for write in writes)
            one = next(data)
            if all(d == one for d in data):
                continue
            for write, other in _conflicts(
                (w, w.section.installs, _value(model, w)) for w in writes
            ):
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
        # service name -> its service-install sections (by identity, in order) and the
        # installs of each
        by_name: dict[str, dict[int, tuple[LogicalSection, list[InstallSection]]]] = {}
        for svc in model.services:
            if not svc.name or svc.section is None:
                continue
            of_name = by_name.setdefault(fold(svc.name), {})
            slot = of_name.get(id(svc.section))
            if slot is None:
                of_name[id(svc.section)] = (svc.section, list(svc.installs))
            else:
                slot[1].extend(svc.installs)
        for name, by_section in by_name.items():
            slots = list(by_section.values())
            if len(slots) < 2:
                continue
            svc_name = model.services_named(name)[0].name
            for directive in _DIRECTIVES:
                settings: list[tuple[_Where, list[InstallSection], _Setting]] = []
                for section, installs in slots:
                    found = section.get(directive)
                    if found:
                        ref = found[-1]
                        value = _directive_value(model, directive, ref.values)
                        settings.append(((section, ref), installs, value))
                if len({value for _, _, value in settings}) < 2:
                    continue  # (one value everywhere: nothing to compare)
                for (section, ref), (o_section, o_ref) in _conflicts(settings):
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
#: Where a service directive is: its section and its line.
_Where: TypeAlias = tuple[LogicalSection, EntryRef]


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


#: What :func:`_conflicts` pairs: a registry write, a service directive.
_Item = TypeVar("_Item")


class _Group(Generic[_Item]):
    """The earlier items run by one sequence of installs: the first, and the first whose
    value differs from the first's (what a later item can conflict with), each with its
    place in the order of the items."""

    __slots__ = ("first", "installs", "key", "other")

    def __init__(
        self,
        key: tuple[int, ...],
        installs: Sequence[InstallSection],
        first: tuple[int, _Item, Hashable],
    ) -> None:
        self.key = key
        self.installs = installs
        self.first = first
        self.other: tuple[int, _Item, Hashable] | None = None


class _Candidates(Generic[_Item]):
    """The groups of earlier items, indexed by what could let them run on one machine with
    a later item's installs (:func:`_coexist`), each list in the order the groups were made
    (so in the order of their first items):

    * ``dd[p]``: the groups with a DDInstall on platform ``p`` (any of them can coexist
      with a non-DDInstall on ``p``);
    * ``other[p][kind, base]``: the groups with a DefaultInstall, DefaultUninstall or
      ClassInstall32 of that base name on ``p`` (one coexists with a DDInstall on ``p``, and
      with a non-DDInstall of another kind or base name);
    * ``model[m, p]``: the groups with a DDInstall on ``p`` reached from Models section
      ``m`` (two DDInstalls of one Models section can coexist);
    * ``makers[p][manufacturers]``: the groups with a DDInstall on ``p`` reached from these
      Manufacturer entries (two DDInstalls of disjoint Manufacturer entries can coexist).

    A group coexisting with an install is in one of the lists :meth:`earliest` reads for
    it, so the search reads those lists, not every group: a value set by thousands of installs
    none of which can run with another (each from a Models section of its own Windows
    version, of one Manufacturer entry) costs a few lookups an item, not one comparison
    with each earlier group (issue 18).
    """

    __slots__ = ("dd", "makers", "model", "other")

    def __init__(self) -> None:
        self.dd: dict[str, list[_Group[_Item]]] = {}
        self.other: dict[str, dict[tuple[str, str], list[_Group[_Item]]]] = {}
        self.model: dict[tuple[int, str], list[_Group[_Item]]] = {}
        self.makers: dict[str, dict[frozenset[int], list[_Group[_Item]]]] = {}

    def add(self, group: _Group[_Item]) -> None:
        for a in group.installs:
            ddinstall = a.kind == "ddinstall"
            if ddinstall:
                makers = frozenset(id(m.manufacturer) for m in a.models)
            else:
                key = (a.kind, fold(a.base_name))
            for p in a.platforms:
                if ddinstall:
                    _append(self.dd.setdefault(p, []), group)
                    for m in a.models:
                        _append(self.model.setdefault((id(m), p), []), group)
                    _append(self.makers.setdefault(p, {}).setdefault(makers, []), group)
                else:
                    _append(self.other.setdefault(p, {}).setdefault(key, []), group)

    def earliest(
        self,
        installs: Sequence[InstallSection],
        value: Hashable,
        mine: tuple[int, ...],
        judged: dict[tuple[tuple[int, ...], tuple[int, ...]], bool],
    ) -> tuple[int, _Item, Hashable] | None:
        """The earliest item of another value than ``value`` whose installs can coexist
        with ``installs`` (``mine``: their identities; ``judged``: the pairs of installs
        judged so far), read from the lists that can hold one; those of disjoint
        Manufacturer entries in the order of their first groups, up to the first that
        comes after what was found."""
        best: tuple[int, _Item, Hashable] | None = None
        for b in installs:
            if b.kind != "ddinstall":
                own = (b.kind, fold(b.base_name))
                for p in b.platforms:
                    best = _earliest(self.dd.get(p, []), value, mine, installs, best, judged)
                    for key, groups in self.other.get(p, {}).items():
                        if key != own:
                            best = _earliest(groups, value, mine, installs, best, judged)
                continue
            makers_of_b = {id(m.manufacturer) for m in b.models}
            for p in b.platforms:
                for groups in self.other.get(p, {}).values():
                    best = _earliest(groups, value, mine, installs, best, judged)
                for m in b.models:
                    groups = self.model.get((id(m), p), [])
                    best = _earliest(groups, value, mine, installs, best, judged)
                for makers, groups in self.makers.get(p, {}).items():
                    if best is not None and groups[0].first[0] >= best[0]:
                        break  # (in the order of their first groups: all after best)
                    if makers_of_b.isdisjoint(makers):
                        best = _earliest(groups, value, mine, installs, best, judged)
        return best


def _append(groups: list[_Group[_Item]], group: _Group[_Item]) -> None:
    if not groups or groups[-1] is not group:  # (a group is added once, all at a time)
        groups.append(group)


def _conflicts(
    items: Iterable[tuple[_Item, Sequence[InstallSection], Hashable]],
) -> Iterator[tuple[_Item, _Item]]:
    """Each item (a write of one registry value, a directive of one service) in order,
    with the first earlier item of another value that can run on the same machine
    (:func:`_coexist` of their installs), when there is one.

    Whether two items can coexist depends only on their installs, so the earlier items
    are kept by their installs, two of each (a later item's value differs from the
    first's or else from the other's), each pair of installs is judged once, only the
    groups :class:`_Candidates` names for an item's installs are read, and each list of
    them stops at the first group that can conflict (issue 18: each item was compared
    with every earlier one, quadratic on thousands of writes of one value, or installs of
    one service, or installs none of which can run with another)."""
    groups: dict[tuple[int, ...], _Group[_Item]] = {}
    index_of: _Candidates[_Item] = _Candidates()
    judged: dict[tuple[tuple[int, ...], tuple[int, ...]], bool] = {}
    for index, (item, installs, value) in enumerate(items):
        mine = tuple(id(install) for install in installs)
        best = index_of.earliest(installs, value, mine, judged)
        if best is not None:
            yield item, best[1]
        own = groups.get(mine)
        if own is None:
            own = groups[mine] = _Group(mine, installs, (index, item, value))
            index_of.add(own)
        elif own.other is None and value != own.first[2]:
            own.other = (index, item, value)


def _earliest(
    candidates: list[_Group[_Item]],
    value: Hashable,
    mine: tuple[int, ...],
    installs: Sequence[InstallSection],
    best: tuple[int, _Item, Hashable] | None,
    judged: dict[tuple[tuple[int, ...], tuple[int, ...]], bool],
) -> tuple[int, _Item, Hashable] | None:
    """``best``, or an earlier item of ``candidates``' groups (in the order of their first
    items) whose value is not ``value`` and whose installs can coexist with ``installs``
    (``mine``: their identities; ``judged``: the pairs of installs judged so far)."""
    for group in candidates:
        if best is not None and group.first[0] >= best[0]:
            break  # this group's items, and the later groups', all come after best
        found = group.first if group.first[2] != value else group.other
        if found is None or (best is not None and found[0] >= best[0]):
            continue
        pair = (group.key, mine)
        can = judged.get(pair)
        if can is None:
            can = judged[pair] = _coexist(group.installs, installs)
        if can:
            best = found
    return best


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
