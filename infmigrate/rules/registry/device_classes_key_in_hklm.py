"""ISO027 device-classes-key-in-hklm."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import (
    INTERFACE_API,
    codes,
    describe,
    first_ddinstall,
    h_tolerated,
    isolation_code,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites


@register
class DeviceClassesKeyInHklm(Fixer):
    """## What it does
    Flags registry lines that write (or delete) under
    `HKLM\\SYSTEM\\CurrentControlSet\\Control\\DeviceClasses`, where Plug and Play keeps the
    device interface classes and the state of each interface instance.

    ## Why is this bad?
    Interface instance keys exist only once an interface is registered, under a name
    derived from the device instance; a fixed path changes some other interface, or
    none. It is a global write (InfVerif 1320/1321); InfVerif /h still tolerates it for
    now.

    ## Example
    ```inf
    [Cx_Reg]
    HKLM,SYSTEM\\CurrentControlSet\\Control\\DeviceClasses\\{cafe0001-0000-0000-0000-000000000000},Mode,0x10001,1
    ```

    Use instead: HKR in an add-interface section, the interface instance's own key:
    ```inf
    [Cx_Inst.NTamd64.Interfaces]
    AddInterface = {cafe0001-0000-0000-0000-000000000000},,Cx_Interface
    [Cx_Interface]
    AddReg = Cx_Interface_Reg
    [Cx_Interface_Reg]
    HKR,,Mode,0x10001,1
    ```

    ## Fix safety
    There is no fix: whether the interface is registered by this device's driver, and
    with which reference string, is not in the path.

    ## References
    - [Driver package isolation: registry state](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [INF AddInterface directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addinterface-directive)
    - [InfVerif 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO027"
    name = "device-classes-key-in-hklm"
    message = "a registry line writes device interface state by path under DeviceClasses"
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            if write.kind is not Kind.DEVICE_CLASSES:
                continue
            parts = write.subkey.split("\\")
            guid = parts[4] if len(parts) > 4 else "{InterfaceClassGUID}"
            number = isolation_code(ctx, write)
            text = (
                f"{describe(ctx, write)}, in the Plug and Play tree of device interfaces "
                f"{codes([number], h_tolerated(write.root, write.subkey))}: write it with "
                f"HKR in an add-interface section ([{first_ddinstall(write)}.Interfaces] "
                f"AddInterface={guid},,<section> with AddReg) and read it with "
                f"{INTERFACE_API}"
            )
            yield self.diagnostic(write.line.ref, text, infverif=(number,))
