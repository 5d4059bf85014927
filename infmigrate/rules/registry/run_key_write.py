"""ISO030 run-key-write."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import (
    codes,
    describe,
    first_ddinstall,
    h_tolerated,
    isolation_code,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites


@register
class RunKeyWrite(Fixer):
    """## What it does
    Flags registry lines that write (or delete) under
    `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run` or `...\\RunOnce` (also under
    `Wow6432Node`): a program started at every logon, or at the next one.

    ## Why is this bad?
    A driver package cannot start programs at logon: the entry is global state that
    outlives the package, runs in every user's session, and is not supported for
    Windows Drivers (InfVerif 1320/1321; InfVerif /h still tolerates it for now).

    ## Example
    ```inf
    [Cx_Reg]
    HKLM,SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run,CxTray,,"%13%\\cxtray.exe"
    ```

    Use instead: a Win32 service started by the device interface's arrival, or the
    program shipped as a Hardware Support App:
    ```inf
    [Cx_Inst.NTamd64.Software]
    AddSoftware = CxTray,,Cx_Software
    [Cx_Software]
    SoftwareType = 2
    SoftwareID = pfn://Contoso.CxTray_8wekyb3d8bbwe
    ```

    ## Fix safety
    There is no fix: the program itself has to become a service or an app.

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [INF AddSoftware directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addsoftware-directive)
    - [INF AddTrigger directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addtrigger-directive)
    - [InfVerif 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO030"
    name = "run-key-write"
    message = "a registry line starts a program at logon through a Run or RunOnce key"
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            if write.kind is not Kind.RUN:
                continue
            number = isolation_code(ctx, write)
            text = (
                f"{describe(ctx, write)}, which starts a program at logon for every user "
                f"{codes([number], h_tolerated(write.root, write.subkey))}: a driver "
                "package cannot start programs; run it as a Win32 service started by "
                "the device interface's arrival (AddService with AddTrigger), or ship it "
                f"as a Hardware Support App ([{first_ddinstall(write)}.Software] "
                "AddSoftware)"
            )
            yield self.diagnostic(write.line.ref, text, infverif=(number,))
