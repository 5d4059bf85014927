"""Consumers that look for a file in a fixed place: the files they load stay where they are.

Some components find a file by its name in a directory of their own choosing (the colour
directory, System32), or through a registration that holds only the file name, or through
a path recorded outside the INF (an API call, an unattend setting). Moving such a file to
the driver store (DIRID 13) breaks the consumer, and no path in the INF can follow the move.
The file-placement plan (``_driver_store``) keeps every list holding one of these files
where it is, and ISO004 says the file must stay instead of advising a full path under HKR.

:data:`CONSUMERS` is the table, one entry per consumer class, each with how the INF shows
it, why the consumer needs the fixed place, the isolated alternative when there is one,
and the Microsoft documentation it comes from. :func:`recognize` is the only logic.

Not in the table, for lack of a Microsoft page that says the consumer needs a fixed place:
screen savers (``.scr``), keyboard layouts, and legacy CryptoAPI CSPs.

The other way round, :data:`OS_RESOLVED` lists registry values that name a file by its bare
name but that no component resolves through the DLL search path: the OS finds the file
by itself (a kernel driver named in the audio ``Driver`` value is loaded through its
service's ImagePath). Such a value does not keep its file in System32 (the planner,
``_driver_store``) and is not reported as a bare-name load (ISO004):
:func:`os_resolved` is the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infmigrate.engine.model import Context, InfModel
from infmigrate.engine.model.registry import RegKind, RegLine, RegSection
from infmigrate.engine.model.sections import fold

__all__ = [
    "CONSUMERS",
    "OS_RESOLVED",
    "Consumer",
    "FixedPlaces",
    "OsResolvedValue",
    "docs",
    "os_resolved",
    "recognize",
]


@dataclass(frozen=True, slots=True)
class Consumer:
    """One class of consumer that loads files from a fixed place."""

    #: Short name used in messages, with its article ("a colour profile").
    name: str
    #: The plural ("colour profiles").
    plural: str
    #: How an INF shows it, for the documentation.
    recognised: str
    #: Why the file must stay where the consumer looks.
    why: str
    #: The isolated alternative, "" when there is none.
    alternative: str
    #: Microsoft documentation (title, URL).
    sources: tuple[tuple[str, str], ...]
    #: File extensions (folded, with the dot).
    extensions: tuple[str, ...] = ()
    #: File names (folded).
    file_names: tuple[str, ...] = ()
    #: Destinations (DIRID, folded subdir) that are the consumer's directory.
    destinations: tuple[tuple[int, str], ...] = ()
    #: Registry key fragments (folded): files named in string values written under them.
    registry_keys: tuple[str, ...] = ()
    #: INF directives (folded) whose values name the consumer's files.
    directives: tuple[str, ...] = ()
    #: Extensions only recognised in these destinations (DIRID), when not empty.
    extension_dirids: tuple[int, ...] = ()

    def reason(self, names: list[str]) -> str:
        """The message: the files must stay, why, and the alternative."""
        alternative = f"; {self.alternative}" if self.alternative else ""
        if len(names) == 1:
            what = f"{names[0]} is {self.name}, which must stay where its consumer looks"
        else:
            what = (
                f"{', '.join(names)} are {self.plural}, which must stay where their consumer looks"
            )
        return f"{what}: {self.why}{alternative}"


CONSUMERS: tuple[Consumer, ...] = (
    Consumer(
        name="a colour profile",
        plural="colour profiles",
        recognised="`.icm`/`.icc` file, or a list copied to DIRID 11 `spool\\drivers\\color`",
        why="the colour system finds installed profiles by file name in the colour "
        "directory (InstallColorProfile copies a profile there)",
        alternative="copy profiles to DIRID 23, the colour directory, which is not a "
        "driver-store candidate",
        sources=(
            (
                "Using Dirids (23: color directory)",
                "https://learn.microsoft.com/windows-hardware/drivers/install/using-dirids",
            ),
            (
                "InstallColorProfileW",
                "https://learn.microsoft.com/windows/win32/api/icm/nf-icm-installcolorprofilew",
            ),
        ),
        extensions=(".icm", ".icc"),
        destinations=((11, "spool\\drivers\\color"),),
    ),
    Consumer(
        name="an OEM logo or OEM information file",
        plural="OEM logo or OEM information files",
        recognised="`oemlogo.bmp`, `oeminfo.ini`, or a list copied to DIRID 11 `OEM`",
        why="the OEM branding is read from a path set outside the driver package "
        "(the OEMInformation settings), not from the package",
        alternative="",
        sources=(
            (
                "OEMInformation Logo",
                "https://learn.microsoft.com/windows-hardware/customize/desktop/unattend/"
                "microsoft-windows-shell-setup-oeminformation-logo",
            ),
        ),
        file_names=("oemlogo.bmp", "oeminfo.ini"),
        destinations=((11, "oem"),),
    ),
    Consumer(
        name="a CNG provider",
        plural="CNG providers",
        recognised="a file named under `SYSTEM\\CurrentControlSet\\Control\\Cryptography\\"
        "Providers`",
        why="a CNG provider registration holds only the file name of the provider module, "
        "which bcrypt loads from System32",
        alternative="",
        sources=(
            (
                "CRYPT_IMAGE_REG structure",
                "https://learn.microsoft.com/windows/win32/api/bcrypt/ns-bcrypt-crypt_image_reg",
            ),
            (
                "BCryptRegisterProvider",
                "https://learn.microsoft.com/windows/win32/api/bcrypt/"
                "nf-bcrypt-bcryptregisterprovider",
            ),
        ),
        registry_keys=("control\\cryptography\\providers",),
    ),
    Consumer(
        name="a Winsock provider",
        plural="Winsock providers",
        recognised="a file named under `SYSTEM\\CurrentControlSet\\Services\\WinSock2\\"
        "Parameters` (the Winsock catalog)",
        why="the Winsock catalog records the provider's load path when WSCInstallProvider "
        "runs, and Ws2_32.dll loads it into every process that uses sockets; the INF "
        "cannot update that path",
        alternative="layered service providers are deprecated: use the Windows Filtering Platform",
        sources=(
            (
                "WSCInstallProvider",
                "https://learn.microsoft.com/windows/win32/api/ws2spi/nf-ws2spi-wscinstallprovider",
            ),
        ),
        registry_keys=("services\\winsock2\\parameters",),
    ),
    Consumer(
        name="a print monitor",
        plural="print monitors",
        recognised="a file named by a `LanguageMonitor` directive or under "
        "`SYSTEM\\CurrentControlSet\\Control\\Print\\Monitors`",
        why="the spooler loads monitors from System32: every file a monitor needs must be "
        "there before AddMonitor",
        alternative="a printer INF copies its language monitor to DIRID 66002 (the "
        "spooler's monitor directory), not to the driver store",
        sources=(
            (
                "Installing a Print Monitor",
                "https://learn.microsoft.com/windows-hardware/drivers/print/"
                "installing-a-print-monitor",
            ),
            ("AddMonitor", "https://learn.microsoft.com/windows/win32/printdocs/addmonitor"),
        ),
        registry_keys=("control\\print\\monitors",),
        directives=("languagemonitor",),
    ),
    Consumer(
        name="a print processor",
        plural="print processors",
        recognised="a file named by a `PrintProcessor` directive or under "
        "`SYSTEM\\CurrentControlSet\\Control\\Print\\Environments`",
        why="the file of a print processor must be in the system print-processor "
        "directory (GetPrintProcessorDirectory)",
        alternative="copy it to DIRID 55, the print processor directory",
        sources=(
            (
                "AddPrintProcessor",
                "https://learn.microsoft.com/windows/win32/printdocs/addprintprocessor",
            ),
            (
                "Using Dirids (55: print processors)",
                "https://learn.microsoft.com/windows-hardware/drivers/install/using-dirids",
            ),
        ),
        registry_keys=("control\\print\\environments",),
        directives=("printprocessor",),
    ),
    Consumer(
        name="a Control Panel item",
        plural="Control Panel items",
        recognised="a `.cpl` file copied to DIRID 11",
        why="Control Panel shows .cpl files in System32 without registration; elsewhere a "
        "global HKLM Control Panel\\Cpls registration with its path is needed",
        alternative="new Control Panel items are .exe files registered as command objects",
        sources=(
            (
                "How to Register DLL Control Panel Items",
                "https://learn.microsoft.com/windows/win32/shell/"
                "how-to-register-dll-control-panel-item-registration-",
            ),
        ),
        extensions=(".cpl",),
        extension_dirids=(11,),
    ),
)


@dataclass(frozen=True, slots=True)
class OsResolvedValue:
    """A registry value whose bare file name the OS resolves by itself, not through the
    DLL search path: it does not keep the file in System32."""

    #: The value name (folded).
    value_name: str
    #: The subkey under HKR (folded; "" for the key itself).
    subkey: str
    #: The key HKR must stand for in every context the AddReg section is reached in.
    context: Context
    #: Values (subkey, value name; folded) of which the same AddReg section must write
    #: one: what shows the registration the value belongs to.
    companions: tuple[tuple[str, str], ...]
    #: File extensions (folded, with the dot) the value's single bare name may have.
    extensions: tuple[str, ...]
    #: What it is, for the documentation.
    what: str
    #: Why the OS does not need a path there.
    why: str
    #: Microsoft documentation and samples (title, URL).
    sources: tuple[tuple[str, str], ...]


OS_RESOLVED: tuple[OsResolvedValue, ...] = (
    OsResolvedValue(
        value_name="driver",
        subkey="",
        context=Context.SOFTWARE_KEY,
        companions=(("", "associatedfilters"), ("drivers", "subclasses")),
        extensions=(".sys",),
        what="`HKR,,Driver,,x.sys` in the software key of a device, in an AddReg section "
        "that also writes `HKR,,AssociatedFilters` or `HKR,Drivers,SubClasses` (the audio "
        "adapter "
        "driver named for the Windows multimedia system, next to `AssociatedFilters` and "
        "the `Drivers\\wave\\wdmaud.drv` subkeys)",
        why="the value names the device's kernel driver, which Windows loads through the "
        "device's service (its ImagePath, written by AddService from ServiceBinary), not "
        "by searching for the name; Microsoft's audio samples keep the bare name with the "
        "driver in the driver store (DIRID 13) since the SysVAD move in commit 8ffcdad0 "
        "(June 2019)",
        sources=(
            (
                "Installing Windows Multimedia System Support for an Audio Adapter",
                "https://learn.microsoft.com/windows-hardware/drivers/audio/"
                "installing-windows-multimedia-system-support-for-an-audio-adapter",
            ),
            (
                "Windows-driver-samples audio/sysvad/TabletAudioSample/"
                "ComponentizedAudioSample.inx (DIRID 13, HKR,,Driver,,tabletaudiosample.sys)",
                "https://github.com/microsoft/Windows-driver-samples/blob/main/audio/sysvad/"
                "TabletAudioSample/ComponentizedAudioSample.inx",
            ),
            (
                "Windows-driver-samples audio/simpleaudiosample/Source/Main/"
                "SimpleAudioSample.inx (DIRID 13, HKR,,Driver,,simpleaudiosample.sys)",
                "https://github.com/microsoft/Windows-driver-samples/blob/main/audio/"
                "simpleaudiosample/Source/Main/SimpleAudioSample.inx",
            ),
        ),
    ),
)
_BY_VALUE = {v.value_name: v for v in OS_RESOLVED}


def os_resolved(model: InfModel, reg: RegSection, line: RegLine) -> OsResolvedValue | None:
    """The entry of :data:`OS_RESOLVED` that ``line`` of the AddReg section ``reg`` is,
    if any: an HKR value of that name and subkey, in a section reached only where HKR is
    that key, whose data is one bare file name with one of the entry's extensions."""
    entry = _BY_VALUE.get(fold(line.value_name))
    if entry is None or reg.kind is not RegKind.ADD or fold(line.root.strip()) != "hkr":
        return None
    expand = model.strings.expand
    if fold(expand(line.subkey).strip().strip("\\")) != entry.subkey:
        return None
    if not reg.contexts or any(c.kind is not entry.context for c in reg.contexts):
        return None
    if not any(_writes(model, reg, sub, value) for sub, value in entry.companions):
        return None
    values = [expand(text).strip() for _, text in line.string_values]
    if len(values) != 1:
        return None
    name = values[0]
    if any(c in name for c in "\\/:%,; ") or not fold(name).endswith(entry.extensions):
        return None
    return entry


def _writes(model: InfModel, reg: RegSection, subkey: str, value_name: str) -> bool:
    """Whether ``reg`` writes HKR ``subkey`` (folded) ``value_name`` (folded)."""
    expand = model.strings.expand
    return any(
        fold(line.root.strip()) == "hkr"
        and fold(line.value_name) == value_name
        and fold(expand(line.subkey).strip().strip("\\")) == subkey
        for line in reg.lines
    )


#: A file-name-like token in a value (what a registration would name).
_TOKEN = re.compile(r"[^\s,;\"'\\/:%=()]+\.[A-Za-z0-9]+")


@dataclass
class FixedPlaces:
    """What the table finds in one INF: the consumer of each file name it names."""

    #: Folded file name -> consumer, from registry values and directives.
    named: dict[str, Consumer]

    def consumer(self, name: str, dirid: int | None, subdir: str) -> Consumer | None:
        """The consumer of a file named ``name`` copied to ``dirid``\\``subdir``, if any."""
        key = fold(name)
        found = self.named.get(key)
        if found is not None:
            return found
        folded_dir = subdir.strip().strip("\\").casefold()
        for consumer in CONSUMERS:
            if key in consumer.file_names or (dirid, folded_dir) in consumer.destinations:
                return consumer
            if (
                consumer.extensions
                and key.endswith(consumer.extensions)
                and (not consumer.extension_dirids or dirid in consumer.extension_dirids)
            ):
                return consumer
        return None


def recognize(model: InfModel) -> FixedPlaces:
    """File names that registry values and directives of ``model`` hand to a consumer."""
    expand = model.strings.expand
    named: dict[str, Consumer] = {}
    keyed = [c for c in CONSUMERS if c.registry_keys]
    for reg in model.reg_sections:
        if reg.kind is not RegKind.ADD:
            continue
        for line in reg.lines:
            subkey = expand(line.subkey).casefold()
            consumer = next((c for c in keyed if any(k in subkey for k in c.registry_keys)), None)
            if consumer is None:
                continue
            for _, text in line.string_values:
                for token in _TOKEN.findall(expand(text)):
                    named.setdefault(fold(token), consumer)
    directed = {d: c for c in CONSUMERS for d in c.directives}
    if directed:
        for section in model.sections:
            for ref in section.entries:
                if ref.key is None:
                    continue
                consumer = directed.get(fold(ref.key))
                if consumer is None:
                    continue
                for value in ref.values:
                    for token in _TOKEN.findall(expand(value)):
                        named.setdefault(fold(token), consumer)
    return FixedPlaces(named)


def docs() -> str:
    """The table as Markdown, for ``--explain``."""
    lines = [
        "## Files whose consumer looks in a fixed place",
        "These files are never moved to the driver store; the finding says why, and "
        "the isolated alternative when there is one.",
        "",
    ]
    for c in CONSUMERS:
        lines.append(
            f"- **{c.plural[0].upper()}{c.plural[1:]}**: {c.recognised}. "
            f"Why: {c.why}."
            + (f" Instead: {c.alternative}." if c.alternative else " No isolated alternative.")
        )
        for title, url in c.sources:
            lines.append(f"  - [{title}]({url})")
    lines.append(
        "- Not in the table (no Microsoft page found that says the consumer needs "
        "a fixed place): screen savers (`.scr`), keyboard layouts, legacy CryptoAPI "
        "CSPs."
    )
    lines += [
        "",
        "## Bare names the OS resolves itself",
        "These values name a file without a path, but nothing looks the name up in "
        "System32: they neither keep the file there nor are reported as bare-name loads.",
        "",
    ]
    for v in OS_RESOLVED:
        lines.append(f"- {v.what}. Why: {v.why}.")
        for title, url in v.sources:
            lines.append(f"  - [{title}]({url})")
    return "\n".join(lines)
