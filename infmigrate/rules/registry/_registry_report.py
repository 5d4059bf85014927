"""Wording and facts shared by the report rules of the registry table (ISO021-ISO042).

Every diagnostic of these rules says three things: what the line does (``value Mode is
written to HKLM\\SOFTWARE\\Contoso``), why that is not isolated (with the InfVerif code, and
"fails /w; tolerated by /h for now" when the location is on InfVerif /h's April 2024
exception list, https://learn.microsoft.com/windows-hardware/drivers/devtest/infverif_h),
and what to use instead: an INF construct, or the API the driver or service should call
when the state is written by code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from infmigrate.engine.analysis import Analysis
from infmigrate.engine.edits import make_section
from infmigrate.engine.fixer import Edit, FixContext
from infmigrate.engine.model import Context, EntryRef, InfModel, LogicalSection, RegKind, fold
from infmigrate.engine.model.registry import FLG_ADDREG_DELVAL, FLG_ADDREG_KEYONLY
from infmigrate.engine.syntax import Entry, Line, Section, TriviaLine
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites, RegWrite

__all__ = [
    "DEVICE_HARDWARE_API",
    "DEVICE_SOFTWARE_API",
    "FILE_STATE_API",
    "H_TOLERATED",
    "INTERFACE_API",
    "SERVICE_STATE_API",
    "ApoClsids",
    "clsid_of",
    "codes",
    "ddinstall_names",
    "describe",
    "first_ddinstall",
    "h_tolerated",
    "insert_after",
    "isolation_code",
    "key_path",
    "reached_entries",
    "service_names",
]

#: What the report says for a location on InfVerif /h's exception list.
H_TOLERATED = "fails /w; tolerated by /h for now"

#: The APIs that read each kind of isolated state ("Driver package isolation",
#: https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation).
SERVICE_STATE_API = (
    "IoOpenDriverRegistryKey(DriverRegKeyParameters), "
    "WdfDriverOpenParametersRegistryKey or "
    "GetServiceRegistryStateKey(ServiceRegistryStateParameters)"
)
DEVICE_SOFTWARE_API = (
    "IoOpenDeviceRegistryKey(PLUGPLAY_REGKEY_DRIVER) or CM_Open_DevNode_Key(CM_REGISTRY_SOFTWARE)"
)
DEVICE_HARDWARE_API = (
    "IoOpenDeviceRegistryKey(PLUGPLAY_REGKEY_DEVICE) or CM_Open_DevNode_Key(CM_REGISTRY_HARDWARE)"
)
INTERFACE_API = "IoOpenDeviceInterfaceRegistryKey or CM_Open_Device_Interface_Key"
FILE_STATE_API = "IoGetDriverDirectory, GetServiceDirectory or IoGetDeviceDirectory"

_MS = "software\\microsoft\\"
#: HKLM subkeys InfVerif /h tolerates, folded (its April 2024 list,
#: https://learn.microsoft.com/windows-hardware/drivers/devtest/infverif_h).
_H_HKLM: tuple[str, ...] = (
    "system\\currentcontrolset",
    "software\\classes",
    "software\\wow6432node\\classes",
    "software\\khronos",
    "software\\wow6432node\\khronos",
    "software\\wowaa32node\\khronos",
    "software\\microsoft\\windows media foundation",
    "software\\wow6432node\\microsoft\\windows media foundation",
    "software\\wowaa32node\\microsoft\\windows media foundation",
    *(
        _MS + k
        for k in (
            "analog\\providers",
            "cellular\\mvsettings\\devicespecific\\cellux",
            "cryptography\\calais\\readers",
            "cryptography\\calais\\smartcards",
            "cryptography\\drm_rng",
            "eapol",
            "palm\\delaymanipulationduration",
            "shell\\oem\\quickactions\\colorprofilequickaction",
            "speech_onecore\\audioinput",
            "windows nt\\currentversion\\adaptivedisplaybrightness",
            "windows nt\\currentversion\\drivers.desc",
            "windows nt\\currentversion\\drivers32",
            "windows nt\\currentversion\\icm",
            "windows nt\\currentversion\\opengldrivers",
            "windows nt\\currentversion\\winlogon\\notify\\sccertprop",
            "windows\\currentversion\\app paths",
            "windows\\currentversion\\audio",
            "windows\\currentversion\\authentication",
            "windows\\currentversion\\control panel",
            "windows\\currentversion\\controls folder",
            "windows\\currentversion\\explorer",
            "windows\\currentversion\\reliability\\userdefined",
            "windows\\currentversion\\run",
            "windows\\currentversion\\runonce",
            "windows\\currentversion\\uninstall",
        )
    ),
)
#: The exception list as one pattern: a listed key or anything below it.
_H_HKLM_RE = re.compile("(?:" + "|".join(map(re.escape, _H_HKLM)) + r")(?:\\|$)")


def h_tolerated(root: str, subkey: str) -> bool:
    """Whether InfVerif /h still tolerates a write to this location (all of HKCR, and the
    HKLM keys of its exception list)."""
    if root == "HKCR":
        return True
    if root != "HKLM":
        return False
    return _H_HKLM_RE.match(subkey.casefold().strip("\\")) is not None


def key_path(write: RegWrite) -> str:
    """``HKLM\\SOFTWARE\\Contoso`` (the root alone for an empty subkey)."""
    return f"{write.root}\\{write.subkey}" if write.subkey else write.root


def _value(name: str) -> str:
    return f"value {name}" if name else "the default value"


def describe(where: FixContext | InfModel, write: RegWrite, path: str | None = None) -> str:
    """What the line does: ``value Mode is written to HKLM\\...``, ``key ... is deleted``."""
    return describe_text(what_is_done(write), write.value_name, path or key_path(write))


#: What a line does to its value or key (:func:`what_is_done`).
DELETED, BITS_CHANGED, KEY_CREATED, WRITTEN = 0, 1, 2, 3


def what_is_done(write: RegWrite) -> int:
    """What the line does (:data:`DELETED`, :data:`BITS_CHANGED`, :data:`KEY_CREATED` or
    :data:`WRITTEN`): with the value name and the path, all :func:`describe` needs (a
    deferred message keeps these instead of the text)."""
    kind = write.section.kind
    flags = write.line.flags or 0
    if kind is RegKind.DEL or (kind is RegKind.ADD and flags & FLG_ADDREG_DELVAL):
        return DELETED
    if kind is RegKind.BIT:
        return BITS_CHANGED
    if flags & FLG_ADDREG_KEYONLY:
        return KEY_CREATED
    return WRITTEN


def describe_text(done: int, name: str, path: str) -> str:
    """:func:`describe`'s text from :func:`what_is_done`, the value name and the path."""
    if done == DELETED:
        return f"{_value(name)} is deleted from {path}" if name else f"key {path} is deleted"
    if done == BITS_CHANGED:
        return f"bits of {_value(name)} are changed in {path}"
    if done == KEY_CREATED:
        return f"key {path} is created"
    return f"{_value(name)} is written to {path}"


def isolation_code(where: FixContext | InfModel, write: RegWrite) -> int:
    """1320 (registry key not isolated) for a line that only creates or deletes a key,
    1321 (registry value not isolated) for a line that sets or deletes a value."""
    name = write.value_name
    kind = write.section.kind
    flags = write.line.flags or 0
    if kind is RegKind.DEL:
        return 1321 if name else 1320
    if kind is RegKind.ADD and (flags & FLG_ADDREG_KEYONLY or (not name and not write.line.data)):
        return 1320
    return 1321


def codes(numbers: Iterable[int | str], tolerated: bool = False) -> str:
    """``(InfVerif 1321; fails /w; tolerated by /h for now)``."""
    text = ", ".join(str(n) for n in numbers)
    if tolerated:
        return f"(InfVerif {text}; {H_TOLERATED})" if text else f"({H_TOLERATED})"
    return f"(InfVerif {text})" if text else ""


def ddinstall_names(write: RegWrite) -> list[str]:
    """The DDInstall sections (resolved names) that reach the line, in order."""
    out: dict[str, str] = {}
    for install in write.section.installs:
        if install.kind == "ddinstall":
            out.setdefault(fold(install.name), install.name)
    return list(out.values())


def first_ddinstall(write: RegWrite) -> str:
    """The first DDInstall that reaches the line, or ``<DDInstall>``."""
    names = ddinstall_names(write)
    return names[0] if names else "<DDInstall>"


def service_names(write: RegWrite) -> list[str]:
    """The services whose service-install sections reach the line (as spelled)."""
    out: dict[str, str] = {}
    for c in write.section.contexts:
        if c.kind is Context.SERVICE_KEY and c.service:
            out.setdefault(fold(c.service), c.service)
    return list(out.values())


def reached_entries(
    model: InfModel, keys: Iterable[str]
) -> Iterator[tuple[LogicalSection, EntryRef]]:
    """(section, EntryRef) of every keyed entry named in ``keys`` (folded) in a reached
    section, in file order."""
    wanted = frozenset(keys)
    for section in model.sections:
        if not model.roles_of(section):
            continue
        for ref in section.entries:
            if ref.key is not None and fold(ref.key) in wanted:
                yield section, ref


def insert_after(
    ctx: FixContext,
    block: Section,
    sections: list[tuple[str, list[Entry]]],
) -> list[Edit]:
    """Edits that insert new sections right after ``block``, each separated from what
    surrounds it by one blank line, in the file's line terminator."""
    newline = block.header.newline or ctx.tree.newline or "\r\n"
    last = ctx.tree.sections[-1] if ctx.tree.sections else None
    edits: list[Edit] = []
    tail = block.body[-1] if block.body else block.header
    blank = TriviaLine("", "", newline)
    # (a last line without a terminator gets one from apply_edits)
    if block.body and not (type(tail) is TriviaLine and not tail.comment):
        edits.append(Edit.insert_after(tail, blank))
    made: list[Section] = []
    for i, (name, lines) in enumerate(sections):
        body: list[Line] = list(lines)
        if i < len(sections) - 1 or block is not last:
            body.append(TriviaLine("", "", newline))
        made.append(make_section(name, body, newline=newline))
    edits.append(Edit.insert_section(block, *made))
    return edits


def clsid_of(write: RegWrite) -> str:
    """The CLSID a COM registration line is under (``...\\CLSID\\{g}\\...``), folded, or ""."""
    parts = write.subkey.casefold().split("\\")
    if "clsid" in parts:
        at = parts.index("clsid")
        if at + 1 < len(parts):
            return parts[at + 1]
    return ""


class ApoClsids(Analysis[frozenset[str]]):
    """The CLSIDs (folded) the INF registers as audio processing objects, under
    ``HKCR\\AudioEngine\\AudioProcessingObjects\\{clsid}``."""

    requires = (RegistryWrites,)

    @classmethod
    def compute(cls, ctx: FixContext) -> frozenset[str]:
        out = set()
        for write in ctx.analysis(RegistryWrites):
            if write.kind is Kind.APO:
                parts = write.subkey.casefold().split("\\")
                if len(parts) > 2:
                    out.add(parts[2])
        return frozenset(out)
