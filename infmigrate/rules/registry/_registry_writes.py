"""Every registry write of an INF, classified by where it lands.

The global locations and their isolated replacements are those of "Driver package isolation"
(https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation).

The registry rules (ISO020–ISO042) share this one analysis per round,
``ctx.analysis(RegistryWrites)``: for each line of each AddReg/DelReg/BitReg section the
INF reaches, its root and subkey are expanded for every locale and matched,
case-insensitively, against the global locations that driver package isolation replaces
with HKR. A write whose subkey differs between locales is classified ``NON_UNIFORM``
(fixers refuse those).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum

from infmigrate.engine.analysis import Analysis
from infmigrate.engine.edits import quote
from infmigrate.engine.fields import remove_fields, replace_fields
from infmigrate.engine.fixer import Edit, FixContext
from infmigrate.engine.model import (
    Context,
    InfModel,
    LogicalSection,
    RegKind,
    RegLine,
    RegSection,
    SectionContext,
    fold,
)
from infmigrate.engine.model.registry import FLG_ADDREG_DELVAL
from infmigrate.engine.syntax import Entry

__all__ = ["SCM_VALUES", "Kind", "RegWrite", "RegistryWrites"]

#: Values of a service's own key that the service control manager owns, with the
#: service-install directive that sets each (ISO021).
SCM_VALUES = {
    "start": "StartType",
    "type": "ServiceType",
    "errorcontrol": "ErrorControl",
    "imagepath": "ServiceBinary",
    "displayname": "DisplayName",
    "description": "Description",
    "group": "LoadOrderGroup",
    "dependonservice": "Dependencies",
    "dependongroup": "Dependencies",
    "objectname": "StartName",
    "security": "Security",
    "requiredprivileges": "RequiredPrivileges",
    "servicesidtype": "ServiceSidType",
    "delayedautostart": "DelayedAutoStart",
    "failureactions": "FailureActions",
    "bootflags": "BootFlags",
    "tag": "",
}


class Kind(Enum):
    """Where a registry write lands (the rows of the 5.2 table)."""

    SERVICE_PARAMETERS = "service-parameters"  # own service ...\Parameters[\x] (ISO020)
    SERVICE_SCM = "service-scm"  # own service, SCM-owned value (ISO021)
    SERVICE_OTHER = "service-other"  # own service, other subkey or value (ISO022)
    FOREIGN_SERVICE = "foreign-service"  # a service this INF does not add (ISO023)
    EVENTLOG = "eventlog"  # Services\EventLog\<Log>\<Src> (ISO024)
    CLASS_INSTANCE = "class-instance"  # Control\Class\{guid}\NNNN (ISO025)
    CLASS_KEY = "class-key"  # Control\Class\{guid} (ISO025)
    ENUM = "enum"  # Enum\... (ISO026)
    DEVICE_CLASSES = "device-classes"  # Control\DeviceClasses\{if} (ISO027)
    RUN = "run"  # SOFTWARE\...\Run, RunOnce (ISO030)
    WINEVT = "winevt"  # SOFTWARE\...\WINEVT\Publishers|Channels (ISO031)
    AUTOLOGGER = "autologger"  # Control\WMI\Autologger (ISO032)
    MEDIA_CATEGORIES = "media-categories"  # Control\MediaCategories\{g} (ISO033)
    DMA_SECURITY = "dma-security"  # Control\DmaSecurity\AllowedBuses (ISO034)
    APO = "apo"  # HKCR\AudioEngine\AudioProcessingObjects (ISO035)
    COM = "com"  # HKCR\CLSID, SOFTWARE\Classes (ISO036)
    OTHER_GLOBAL = "other-global"  # any other HKLM, HKCU, HKU, HKCR write (ISO037)
    HKR = "hkr"  # relative to the context's key
    NON_UNIFORM = "non-uniform"  # the path differs between locales
    INVALID = "invalid"  # no or unknown root


_CCS = r"system\\currentcontrolset\\"
_RULES: list[tuple[re.Pattern[str], Kind]] = [
    (
        re.compile(
            _CCS + r"services\\eventlog\\(?P<log>[^\\]+)\\(?P<src>[^\\]+)(?:\\(?P<rest>.*))?$"
        ),
        Kind.EVENTLOG,
    ),
    (
        re.compile(_CCS + r"services\\(?P<svc>[^\\]+)\\parameters(?:\\(?P<rest>.*))?$"),
        Kind.SERVICE_PARAMETERS,
    ),
    (re.compile(_CCS + r"services\\(?P<svc>[^\\]+)(?:\\(?P<rest>.*))?$"), Kind.SERVICE_OTHER),
    (
        re.compile(_CCS + r"control\\class\\(?P<guid>\{[^\\]+\})\\\d{4}(?:\\.*)?$"),
        Kind.CLASS_INSTANCE,
    ),
    (re.compile(_CCS + r"control\\class\\(?P<guid>\{[^\\]+\})$"), Kind.CLASS_KEY),
    (re.compile(_CCS + r"enum(?:\\.*)?$"), Kind.ENUM),
    (re.compile(_CCS + r"control\\deviceclasses(?:\\.*)?$"), Kind.DEVICE_CLASSES),
    (re.compile(_CCS + r"control\\wmi\\autologger(?:\\.*)?$"), Kind.AUTOLOGGER),
    (re.compile(_CCS + r"control\\mediacategories\\(?P<guid>[^\\]+)$"), Kind.MEDIA_CATEGORIES),
    (re.compile(_CCS + r"control\\dmasecurity\\allowedbuses(?:\\.*)?$"), Kind.DMA_SECURITY),
    (
        re.compile(
            r"software\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\run(?:once)?"
            r"(?:\\.*)?$"
        ),
        Kind.RUN,
    ),
    (
        re.compile(
            r"software\\microsoft\\windows\\currentversion\\winevt\\"
            r"(?:publishers|channels)(?:\\.*)?$"
        ),
        Kind.WINEVT,
    ),
    (re.compile(r"software\\(?:wow6432node\\)?classes(?:\\.*)?$"), Kind.COM),
]
_HKCR_RULES: list[tuple[re.Pattern[str], Kind]] = [
    (re.compile(r"audioengine\\audioprocessingobjects(?:\\.*)?$"), Kind.APO),
    (re.compile(r"(?:wow6432node\\)?clsid(?:\\.*)?$"), Kind.COM),
]


def _with_leads(
    rules: list[tuple[re.Pattern[str], Kind]],
) -> tuple[tuple[re.Pattern[str], Kind, str], ...]:
    """The rules with the literal text each pattern starts with (what a subkey must start
    with to match)."""
    lead = re.compile(r"(?:[a-z ]|\\\\)*")  # matches every string (possibly empty)
    return tuple(
        (p, kind, _must(lead.match(p.pattern)).group().replace("\\\\", "\\")) for p, kind in rules
    )


def _must(m: re.Match[str] | None) -> re.Match[str]:
    """``m``, which cannot be ``None`` (a pattern that matches the empty string)."""
    assert m is not None
    return m


_HKLM_LEADS = _with_leads(_RULES)
_HKCR_LEADS = _with_leads(_HKCR_RULES)
_ROOTS = {"hklm", "hkcr", "hkcu", "hku", "hkr"}
_UPPER_ROOTS = frozenset(r.upper() for r in _ROOTS)
#: Long spellings some INFs use; classified (and reported) as the short roots.
_LONG_ROOTS = {
    "HKEY_LOCAL_MACHINE": "HKLM",
    "HKEY_CLASSES_ROOT": "HKCR",
    "HKEY_CURRENT_USER": "HKCU",
    "HKEY_USERS": "HKU",
}
#: Each root as written (upper case, long spellings included) -> its one string object:
#: a write keeps that, not a string of its own (issue 18: a file may have hundreds of
#: thousands of registry lines, and each write lives through its round).
_ROOT_OF = {**{r: r for r in _UPPER_ROOTS}, **_LONG_ROOTS}
#: The parts of a write that matched no named location (most of them): one empty
#: mapping shared by all, never changed.
_NO_PARTS: Mapping[str, str] = {}


@dataclass(frozen=True, slots=True)
class RegWrite:
    """One line of a reached registry section, classified."""

    #: The line (its ``ref`` is the entry to edit).
    line: RegLine
    #: The section and how it is reached.
    section: RegSection
    kind: Kind
    #: ``HKLM``, ``HKR``... (upper case).
    root: str
    #: The subkey, expanded (undecorated Strings), without leading/trailing backslashes.
    subkey: str
    #: Named parts of the match: ``svc``, ``rest``, ``log``, ``src``, ``guid`` (read only:
    #: the empty mapping is shared).
    parts: Mapping[str, str]

    @property
    def value_name(self) -> str:
        return self.line.value_name

    @property
    def movable(self) -> bool:
        """Whether a fix may move or rewrite the line: a write, that is a line of a section
        only AddReg names, that does not delete (``FLG_ADDREG_DELVAL``). DelReg and BitReg
        lines, and AddReg lines a DelReg or BitReg also reads, are reported, never
        converted (ISO039): turned into AddReg lines they would write what they delete."""
        return self.section.adds_only and not (self.line.flags or 0) & FLG_ADDREG_DELVAL

    @property
    def refusal(self) -> str:
        """Why a fix may not move or rewrite the line ("" when :attr:`movable`)."""
        section = self.section
        if section.kind is not RegKind.ADD:
            return (
                f"[{section.name}] is a {section.kind.value} section: it deletes or "
                "patches, and is never converted to AddReg (ISO039)"
            )
        others = sorted(k.value for k in section.directives if k is not RegKind.ADD)
        if others:
            return (
                f"[{section.name}] is also named by {' and '.join(others)}: changing "
                "its lines would change what that deletes or patches (ISO039)"
            )
        if (self.line.flags or 0) & FLG_ADDREG_DELVAL:
            return "the line deletes the value (FLG_ADDREG_DELVAL, ISO039)"
        return ""

    @property
    def contexts(self) -> frozenset[SectionContext]:
        return self.section.contexts


def _classify(
    root: str, subkey: str, value_name: str, own_services: set[str]
) -> tuple[Kind, Mapping[str, str]]:
    if root == "HKR":
        return Kind.HKR, _NO_PARTS
    if root not in ("HKLM", "HKCR", "HKCU", "HKU"):
        return Kind.INVALID, _NO_PARTS
    folded = subkey.casefold()
    rules = _HKLM_LEADS if root == "HKLM" else _HKCR_LEADS if root == "HKCR" else ()
    for pattern, kind, lead in rules:
        if not folded.startswith(lead):
            continue  # cheaper than a failing match (most lines match no rule)
        m = pattern.match(folded)
        if m is None:
            continue
        parts = {k: _original(subkey, m, k) for k, v in m.groupdict().items() if v is not None}
        if kind in (Kind.SERVICE_PARAMETERS, Kind.SERVICE_OTHER):
            if fold(parts["svc"]) not in own_services:
                return Kind.FOREIGN_SERVICE, parts
            if (
                kind is Kind.SERVICE_OTHER
                and not parts.get("rest")
                and fold(value_name) in SCM_VALUES
            ):
                return Kind.SERVICE_SCM, parts
        return kind, parts
    return Kind.OTHER_GLOBAL, _NO_PARTS


def _original(subkey: str, m: re.Match[str], group: str) -> str:
    """The matched group in the subkey's own spelling (matching ran on the folded text,
    which has the same length for the ASCII names of registry paths)."""
    start, end = m.span(group)
    return subkey[start:end] if len(subkey) == len(m.string) else m.group(group)


class RegistryWrites(Analysis[tuple[RegWrite, ...]]):
    """Every reached registry line, classified, in file order of the sections."""

    @classmethod
    def compute(cls, ctx: FixContext) -> tuple[RegWrite, ...]:
        return tuple(_writes(ctx))


def _writes(ctx: FixContext) -> Iterator[RegWrite]:
    model = ctx.model
    own = {fold(s.name) for s in model.services if s.name}
    for reg in model.reg_sections:
        for line in reg.lines:
            root = line.root.strip().upper()
            known = _ROOT_OF.get(root)
            if known is None:
                yield RegWrite(line, reg, Kind.INVALID, root, line.subkey, _NO_PARTS)
                continue
            root = known
            subkey = line.subkey
            if "%" in subkey:  # else it reads the same in every locale
                expansion = model.expand_all(subkey)
                if not expansion.uniform:
                    yield RegWrite(line, reg, Kind.NON_UNIFORM, root, subkey, _NO_PARTS)
                    continue
                subkey = expansion.value or ""
            subkey = subkey.strip().strip("\\")
            kind, parts = _classify(root, subkey, line.value_name, own)
            yield RegWrite(line, reg, kind, root, subkey, parts)


def conflicting_value(writes: list[RegWrite]) -> str | None:
    """The first value name that two of the writes set to different data (with the same
    subkey below the matched key), or ``None`` (ISO041)."""
    seen: dict[tuple[str, str], tuple[str, ...]] = {}
    for write in writes:
        key = ((write.parts.get("rest") or "").casefold(), write.value_name.casefold())
        data = (write.line.flags_text.strip().casefold(), *(v.strip() for v in write.line.data))
        if seen.setdefault(key, data) != data:
            return write.value_name or "(default)"
    return None


def service_contexts(write: RegWrite) -> set[str]:
    """The services whose service-install sections reach this line (folded)."""
    return {
        fold(c.service)
        for c in write.section.contexts
        if c.kind is Context.SERVICE_KEY and c.service
    }


def as_hkr(write: RegWrite, subkey: str, newline: str) -> Entry:
    """The line as ``HKR,<subkey>,...``: value name, flags and data kept byte for byte."""
    entry = write.line.ref.entry
    moved = replace_fields(entry, {0: "HKR", 1: quote(subkey)})
    return moved.with_changes(newline=entry.newline or newline)


def remove_lines(model: InfModel, moved: set[int]) -> list[Edit]:
    """Delete the moved lines; a section left with no entry goes, with its references."""
    edits: list[Edit] = []
    emptied: list[LogicalSection] = []
    for reg in model.reg_sections:
        section = reg.section
        if section is None or not any(id(r.entry) in moved for r in section.entries):
            continue
        if not reg.adds_only:  # a planning bug: refuse rather than drop a DelReg line
            raise ValueError(
                f"a line of [{section.name}], which {reg.kind.value} names, was planned to move"
            )
        if all(id(r.entry) in moved for r in section.entries) and section not in emptied:
            emptied.append(section)
            edits += [Edit.delete_section(block) for block in section.blocks]
        elif section not in emptied:
            edits += [Edit.delete(r.entry) for r in section.entries if id(r.entry) in moved]
    # Drop the references to emptied sections (the directive line too, if it is left empty).
    by_line: dict[int, tuple[Entry, set[int]]] = {}
    for section in emptied:
        for ref in model.references_to(section):
            slot = by_line.setdefault(id(ref.entry.entry), (ref.entry.entry, set()))
            slot[1].add(ref.index)
    for entry, indexes in by_line.values():
        kept = remove_fields(entry, indexes)
        edits.append(Edit.delete(entry) if kept is None else Edit.replace(entry, kept))
    return edits
