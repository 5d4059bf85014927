"""ISO026 enum-key-in-hklm."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import (
    DEVICE_HARDWARE_API,
    codes,
    describe,
    h_tolerated,
    isolation_code,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites


@register
class EnumKeyInHklm(Fixer):
    """## What it does
    Flags registry lines that write (or delete) under
    `HKLM\\SYSTEM\\CurrentControlSet\\Enum`, where Plug and Play keeps the hardware keys
    of device instances (`Enum\\<enumerator>\\<id>\\<instance>\\Device Parameters`).

    ## Why is this bad?
    The Enum tree belongs to Plug and Play: instance paths are only known once a device is
    enumerated, and a fixed path changes some other device, or none. It is a global write
    (InfVerif 1320/1321); InfVerif /h still tolerates it for now.

    ## Example
    ```inf
    [Cx_Reg]
    HKLM,"SYSTEM\\CurrentControlSet\\Enum\\ROOT\\CX\\0000\\Device Parameters",Idle,0x10001,1
    ```

    Use instead: HKR in DDInstall.HW, the device's own hardware key:
    ```inf
    [Cx_Inst.NTamd64.HW]
    AddReg = Cx_HW_Reg
    [Cx_HW_Reg]
    HKR,,Idle,0x10001,1
    ```

    ## Fix safety
    There is no fix: the instance a path names cannot be matched to a DDInstall statically.

    ## References
    - [Driver package isolation: registry state](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [INF DDInstall.HW section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-ddinstall-hw-section)
    - [InfVerif 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO026"
    name = "enum-key-in-hklm"
    message = "a registry line writes a device's hardware key by path under Enum"
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            if write.kind is not Kind.ENUM:
                continue
            number = isolation_code(ctx, write)
            text = (
                f"{describe(ctx, write)}, in the Plug and Play tree of device instances "
                f"{codes([number], h_tolerated(write.root, write.subkey))}: write it with "
                "HKR in an AddReg of DDInstall.HW (the device's own hardware key) and "
                f"read it with {DEVICE_HARDWARE_API}"
            )
            yield self.diagnostic(write.line.ref, text, infverif=(number,))
