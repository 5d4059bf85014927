"""ISO029 co-installer."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import RegKind, fold
from infmigrate.rules.registry._registry_report import codes, describe, first_ddinstall
from infmigrate.rules.registry._registry_writes import RegistryWrites

_VALUES = frozenset({"coinstallers32", "installer32"})
_CODEVICEINSTALLERS = "system\\currentcontrolset\\control\\codeviceinstallers"


@register
class CoInstaller(Fixer):
    """## What it does
    Flags co-installers and class installers: every `<DDInstall>.CoInstallers` section
    that is reached, and every AddReg line that registers one (`CoInstallers32`,
    `Installer32`, or a value under `Control\\CoDeviceInstallers`).

    ## Why is this bad?
    A co-installer is a DLL that Windows runs in the device installation process: code
    outside the declarative INF model, which Hardware Dev Center has not signed since
    January 2023 and which `/k`, `/u` and `/w` reject (InfVerif 1300 for the section, 1303
    for the registration).

    ## Example
    ```inf
    [Cx_Inst.NTamd64.CoInstallers]
    AddReg = Cx_CoInstaller_AddReg
    [Cx_CoInstaller_AddReg]
    HKR,,CoInstallers32,0x00010000,"WdfCoInstaller01011.dll,WdfCoInstaller"
    ```

    Use instead: nothing. The WDF and WinUSB co-installers can simply go (the frameworks
    are inbox; keep `KmdfLibraryVersion` in the `.Wdf` section); an application a
    co-installer starts ships as a Hardware Support App with `AddSoftware`; settings a
    co-installer writes go into the INF (HKR) or the driver.

    ## Fix safety
    There is no fix: what a co-installer does is in its code.

    ## References
    - [INF DDInstall.CoInstallers section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-ddinstall-coinstallers-section)
    - [Declarative INF (DCH)](https://learn.microsoft.com/windows-hardware/drivers/develop/dch-principles-best-practices)
    - [InfVerif 1300, 1303](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO029"
    name = "co-installer"
    message = "the INF installs a co-installer or class installer"
    infverif = (1300, 1303)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        seen: set[int] = set()
        for install in model.install_sections:
            section = install.suffix("CoInstallers")
            if section is None or id(section) in seen:
                continue
            seen.add(id(section))
            text = (
                f"[{section.name}] runs co-installers, code outside the declarative INF "
                f"{codes([1300])}: remove the section; the WDF and WinUSB co-installers "
                "are not needed (the frameworks are inbox), an application goes into a "
                f"Hardware Support App ([{install.name}.Software] AddSoftware), and "
                "settings go into the INF (HKR) or the driver"
            )
            yield self.diagnostic(section.blocks[0].header, text, infverif=(1300,))
        for write in ctx.analysis(RegistryWrites):
            if write.section.kind is not RegKind.ADD:
                continue
            name = fold(write.value_name)
            folded = write.subkey.casefold()
            if name in _VALUES:
                dlls = [model.expand(d).strip() for d in write.line.data if d.strip()]
            elif write.root == "HKLM" and folded.startswith(_CODEVICEINSTALLERS):
                dlls = [model.expand(d).strip() for d in write.line.data if d.strip()]
                name = "coinstallers32"
            else:
                continue
            listed = ", ".join(f'"{d}"' for d in dlls) or "a DLL"
            what = "class installer" if name == "installer32" else "co-installer"
            kinds = [_kind(d) for d in dlls]
            advice: list[str] = []
            if "wdf" in kinds:
                advice.append(
                    "the WDF co-installer can go: KMDF and UMDF are inbox, and the "
                    ".Wdf section's KmdfLibraryVersion/UmdfLibraryVersion says which "
                    "version the driver needs"
                )
            if "winusb" in kinds:
                advice.append(
                    "the WinUSB co-installer can go: WinUSB is inbox (Include="
                    "winusb.inf with Needs=WINUSB.NT and WINUSB.NT.Services)"
                )
            if what == "class installer":
                advice.append(
                    "Windows Drivers may not define class installers; use a "
                    "Microsoft-defined class, and the INF's AddReg/AddProperty"
                )
            elif "other" in kinds or not kinds:
                advice.append(
                    "move what the DLL does into the INF (HKR, AddProperty) or the "
                    "driver, and ship any application as a Hardware Support App "
                    f"([{first_ddinstall(write)}.Software] AddSoftware)"
                )
            instead = "; ".join(advice)
            text = (
                f"{describe(ctx, write)}, which registers {what} {listed} {codes([1303])}: "
                f"{instead}"
            )
            yield self.diagnostic(write.line.ref, text, infverif=(1303,))


def _kind(dll: str) -> str:
    lowered = dll.casefold()
    if lowered.startswith(("wdfcoinstaller", "wudfupdate")):
        return "wdf"
    if lowered.startswith("winusbcoinstaller"):
        return "winusb"
    return "other"
