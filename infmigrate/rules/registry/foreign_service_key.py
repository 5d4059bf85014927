"""ISO023 foreign-service-key."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import (
    DEVICE_SOFTWARE_API,
    codes,
    describe,
    h_tolerated,
    isolation_code,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites


@register
class ForeignServiceKey(Fixer):
    """## What it does
    Flags registry lines that write (or delete) under
    `HKLM\\SYSTEM\\CurrentControlSet\\Services\\<svc>` for a service that no `AddService`
    of this INF installs: an inbox service, or a service another package owns.

    ## Why is this bad?
    A driver package may only change the services it creates. A write into another
    service's key is global state that outlives the package, collides with the owner's
    own settings, and is silently lost when the owner is reinstalled. InfVerif rejects it
    for Windows Drivers (1320/1321); InfVerif /h still tolerates it for now.

    ## Example
    ```inf
    [Cx_Inst.NTamd64]
    AddReg = Cx_Global
    [Cx_Global]
    HKLM,SYSTEM\\CurrentControlSet\\Services\\i8042prt\\Parameters,PollStatusIterations,0x10001,5
    ```

    Use instead: a setting of the service that owns the key goes into that service's own
    package (`HKR,Parameters` in its service-install section); a per-device setting that
    the other driver reads goes into this device's key:
    ```inf
    [Cx_Inst.NTamd64]
    AddReg = Cx_Device
    [Cx_Device]
    HKR,,PollStatusIterations,0x10001,5
    ```

    ## Fix safety
    There is no fix: only the author knows whether the value belongs to the other
    package, or can become device state that the other driver reads with
    `IoOpenDeviceRegistryKey` / `CM_Open_DevNode_Key`.

    ## References
    - [Driver package isolation: registry state](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [InfVerif 1320, 1321, 2501](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO023"
    name = "foreign-service-key"
    message = "a registry line changes the key of a service this INF does not install"
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            if write.kind is not Kind.FOREIGN_SERVICE:
                continue
            svc = write.parts.get("svc", "")
            number = isolation_code(ctx, write)
            text = (
                f"{describe(ctx, write)}, the key of service {svc}, which no AddService of "
                f"this INF installs {codes([number], h_tolerated(write.root, write.subkey))}"
                f": a package may only change the services it adds; set it in the "
                f"package that installs {svc} (HKR,Parameters in its service-install "
                f"section), or, for a per-device setting {svc} reads, write it with HKR "
                f"in this INF's DDInstall and read it with {DEVICE_SOFTWARE_API}"
            )
            yield self.diagnostic(write.line.ref, text, infverif=(number,))
