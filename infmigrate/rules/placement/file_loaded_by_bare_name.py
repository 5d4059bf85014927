"""ISO004 file-loaded-by-bare-name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.edits import quote
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model.registry import RegKind
from infmigrate.engine.model.sections import fold
from infmigrate.rules.placement._copies import dest_name
from infmigrate.rules.placement._driver_store import DriverStorePlans
from infmigrate.rules.placement._fixed_place import Consumer, os_resolved
from infmigrate.rules.placement._fixed_place import docs as fixed_place_docs
from infmigrate.rules.placement._messages import place

#: A file-name-like token not preceded by a path separator, a drive colon or a ``%``.
_TOKEN = re.compile(r"(?<![\\/:%\w.$~+-])[\w.$~+-]+")
_CO_INSTALLER_VALUES = frozenset({"coinstallers32", "installer32"})


@register
class FileLoadedByBareName(Fixer):
    """## What it does
    Flags a registry value that names a file this INF copies to System32 or
    System32\\drivers (DIRID 11 or 12) by its bare name, with no directory:
    `CoInstallers32` or `EnumPropPages32` entries such as `"x.dll,Entry"`, or a value whose
    data is just `"x.dll"`.

    ## Why is this bad?
    A bare name is resolved through the DLL search path, which finds the file only while it
    sits in System32. Once the file runs from the driver store (DIRID 13, see ISO001), the
    consumer no longer finds it, so ISO001 leaves such a file where it is. Other components
    must never build the driver store path themselves: the INF publishes it as device or
    interface state, and they read it from there.

    ## Example
    ```inf
    [Cx_Inst.NT.HW]
    AddReg = Cx_HW_AddReg
    [Cx_HW_AddReg]
    HKR,,HelperDll,,"cxhlp.dll"
    ```

    Use instead:
    ```inf
    [Cx_HW_AddReg]
    HKR,,HelperDll,0x00020000,"%13%\\cxhlp.dll"
    ```
    and have the consumer read `HelperDll` from the device key (`CM_Open_DevNode_Key` with
    `CM_REGISTRY_HARDWARE`, `IoOpenDeviceRegistryKey` with `PLUGPLAY_REGKEY_DEVICE`), or, for
    interface state written in an add-interface section, from the interface key
    (`CM_Open_Device_Interface_Key`, `IoOpenDeviceInterfaceRegistryKey`).

    Some consumers take only a file name by design and look in a fixed place: a CNG
    provider registration (bcrypt loads the named module from System32), the Winsock
    catalog, print monitors. No HKR value helps them: such files must stay, and the finding
    says so, with the isolated alternative when there is one (the table below).

    Some values name a file by bare name although nothing searches for it: the OS finds
    the file by itself. The audio adapter's `HKR,,Driver,,x.sys` names the kernel driver
    that Windows loads through the device's service, and Microsoft's isolated audio
    samples keep it next to DIRID 13. Such values are not reported and do not keep their
    file in System32 (the second table below).

    ## Fix safety
    There is no fix: the code that reads the value has to change to take a full path, which
    the INF cannot show. Co-installers (`CoInstallers32`) and class installers
    (`Installer32`) are legacy altogether and have no driver store form.

    ## References
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [INF AddReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addreg-directive)
    """

    @classmethod
    def docs(cls) -> str:
        """The docstring, then the table of fixed-place consumers with its sources."""
        return f"{super().docs()}\n\n{fixed_place_docs()}"

    code = "ISO004"
    name = "file-loaded-by-bare-name"
    message = "a registry value names a System32 file by bare name instead of a full path"
    infverif = ()

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        legacy = ctx.analysis(DriverStorePlans).legacy
        if not legacy:
            return
        # Folded file name -> (where it is copied, its subdir once in the driver store,
        # the consumer that looks for it in a fixed place if any).
        files: dict[str, tuple[str, str, str, Consumer | None]] = {}
        for plan in ctx.analysis(DriverStorePlans).legacy_full:  # (a MissingPlan: no files)
            copies = plan.file_list.files
            if not copies:
                continue
            dest = plan.destination
            for i, copy in enumerate(copies):
                name = dest_name(ctx.model, copy)
                files.setdefault(
                    fold(name),
                    (
                        name,
                        place(dest.dirid, dest.subdir.strip().strip("\\")),
                        plan.subdirs.get(i, ""),
                        plan.fixed.get(i),
                    ),
                )
        strings = ctx.model.strings
        seen: set[tuple[int, str]] = set()
        for reg in ctx.model.reg_sections:
            if reg.kind is not RegKind.ADD or reg.section is None:
                continue
            for line in reg.lines:
                if os_resolved(ctx.model, reg, line) is not None:
                    continue  # the OS finds the file itself
                for _, text in line.string_values:
                    expanded = strings.expand(text)
                    for token in _TOKEN.findall(expanded):
                        found = files.get(fold(token))
                        if found is None or (id(line.ref), fold(token)) in seen:
                            continue
                        seen.add((id(line.ref), fold(token)))
                        name, where, subdir, consumer = found
                        value = ",".join((line.root, line.subkey, line.value_name))
                        if consumer is not None:
                            yield self.diagnostic(
                                line.ref,
                                f"{value} in [{line.ref.section.name}] names {name} by bare "
                                f"name; {consumer.reason([name])}; it stays in {where}",
                            )
                            continue
                        subkey = line.subkey if fold(line.root.strip()) == "hkr" else ""
                        new_name = line.value_name or "<Name>"
                        path = f"%13%\\{subdir}\\{name}" if subdir else f"%13%\\{name}"
                        legacy_note = (
                            "; co-installers and class installers are legacy and do not run "
                            "from the driver store at all (InfVerif 1300-1303)"
                            if fold(line.value_name) in _CO_INSTALLER_VALUES
                            else ""
                        )
                        yield self.diagnostic(
                            line.ref,
                            f"{value} in [{line.ref.section.name}] names {name} by bare name, "
                            f"which finds the file only while it is in {where}, not once it "
                            "runs from the driver store: publish a full path instead, "
                            f'HKR,{quote(subkey)},{quote(new_name)},0x00020000,"{path}" in '
                            "DDInstall.HW (device state) or an add-interface section "
                            "(interface state), read through CM_Open_DevNode_Key / "
                            "IoOpenDeviceRegistryKey or CM_Open_Device_Interface_Key / "
                            f"IoOpenDeviceInterfaceRegistryKey{legacy_note}",
                        )
