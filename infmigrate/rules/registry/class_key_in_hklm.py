"""ISO025 class-key-in-hklm."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import fold
from infmigrate.rules.registry._registry_report import (
    DEVICE_HARDWARE_API,
    DEVICE_SOFTWARE_API,
    codes,
    describe,
    h_tolerated,
    isolation_code,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites

#: Class filter values, which ISO028 reports.
FILTER_VALUES = frozenset({"upperfilters", "lowerfilters"})


@register
class ClassKeyInHklm(Fixer):
    """## What it does
    Flags registry lines that write (or delete) under
    `HKLM\\SYSTEM\\CurrentControlSet\\Control\\Class\\{ClassGUID}`: the setup class key
    itself, or `...\\{ClassGUID}\\NNNN`, the software key of one device instance. Class
    `UpperFilters`/`LowerFilters` values are left to ISO028.

    ## Why is this bad?
    The instance number `NNNN` is assigned when a device is installed; an INF that writes
    a fixed one changes whichever device happens to have it. The class key is shared by
    every device of the class, and the only INF construct that may write it,
    `[ClassInstall32]`, is not allowed for Windows Drivers (and never for a
    Microsoft-defined class, InfVerif 1285). Both are global writes (InfVerif 1320/1321);
    InfVerif /h still tolerates them for now.

    ## Example
    ```inf
    [Cx_Inst_Reg]
    HKLM,SYSTEM\\CurrentControlSet\\Control\\Class\\{4d36e97d-e325-11ce-bfc1-08002be10318}\\0000,Mode,0x10001,1
    ```

    Use instead: HKR in DDInstall, the device's own software key:
    ```inf
    [Cx_Inst_Reg]
    HKR,,Mode,0x10001,1
    ```

    ## Fix safety
    There is no fix: which device a fixed instance number meant, and whether a class-wide
    setting can become per-device, is for the author to decide.

    ## References
    - [Driver package isolation: registry state](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [INF DDInstall section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-ddinstall-section)
    - [InfVerif 1285, 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO025"
    name = "class-key-in-hklm"
    message = "a registry line writes a setup class key or a device's software key by path"
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            if write.kind is Kind.CLASS_INSTANCE:
                number = isolation_code(ctx, write)
                text = (
                    f"{describe(ctx, write)}, the software key of one device instance, whose "
                    "number is only known once a device is installed "
                    f"{codes([number], h_tolerated(write.root, write.subkey))}: write it "
                    "with HKR in the DDInstall's AddReg (the device's own software key) "
                    f"and read it with {DEVICE_SOFTWARE_API}"
                )
            elif write.kind is Kind.CLASS_KEY and fold(write.value_name) not in FILTER_VALUES:
                number = isolation_code(ctx, write)
                text = (
                    f"{describe(ctx, write)}, the setup class key shared by every device of "
                    f"the class {codes([number], h_tolerated(write.root, write.subkey))}"
                    ": class settings would need [ClassInstall32], which Windows Drivers "
                    "may not use (InfVerif 1285 for a Microsoft class); keep per-device "
                    "settings in HKR in DDInstall (software key, read with "
                    f"{DEVICE_SOFTWARE_API}) or DDInstall.HW (hardware key, read with "
                    f"{DEVICE_HARDWARE_API})"
                )
            else:
                continue
            yield self.diagnostic(write.line.ref, text, infverif=(number,))
