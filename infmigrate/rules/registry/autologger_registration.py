"""ISO032 autologger-registration."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import fold
from infmigrate.rules.registry._registry_report import (
    codes,
    describe,
    first_ddinstall,
    h_tolerated,
    isolation_code,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites, RegWrite


@register
class AutologgerRegistration(Fixer):
    """## What it does
    Flags registry lines that create or configure an ETW AutoLogger session by hand, under
    `HKLM\\SYSTEM\\CurrentControlSet\\Control\\WMI\\Autologger`, and drafts the `.Events`
    directives that replace them.

    ## Why is this bad?
    The Autologger keys are global: sessions and providers added there outlive the
    package and collide with other packages' sessions (InfVerif 1320/1321; InfVerif /h
    still tolerates them for now). From Windows 11, `<DDInstall>.Events` declares them
    with `AddAutoLogger` (a new session, with `AddAutoLoggerProvider` for each provider)
    or `UpdateAutoLogger` (providers added to an existing session).

    ## Example
    ```inf
    [Cx_Reg]
    HKLM,SYSTEM\\CurrentControlSet\\Control\\WMI\\Autologger\\CxLog,Guid,,"{cafe0003-0000-0000-0000-000000000000}"
    HKLM,SYSTEM\\CurrentControlSet\\Control\\WMI\\Autologger\\CxLog,Start,0x10001,1
    ```

    Use instead:
    ```inf
    [Cx_Inst.NTamd64.Events]
    AddAutoLogger = CxLog,{cafe0003-0000-0000-0000-000000000000},Cx_AutoLogger
    [Cx_AutoLogger]
    Start = 1
    ```

    ## Fix safety
    There is no fix: `.Events` needs Windows 11, and sessions shared with other packages
    must become `UpdateAutoLogger`, which only the author can tell.

    ## References
    - [INF DDInstall.Events section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-ddinstall-events-section)
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [InfVerif 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO032"
    name = "autologger-registration"
    message = "a registry line configures an ETW AutoLogger session by hand"
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        writes = [w for w in ctx.analysis(RegistryWrites) if w.kind is Kind.AUTOLOGGER]
        guids = {
            fold(w.subkey): _guid(ctx, w)
            for w in writes
            if fold(w.value_name) == "guid" and w.line.data
        }
        for write in writes:
            parts = write.subkey.split("\\")
            session = parts[5] if len(parts) > 5 else ""
            events = f"[{first_ddinstall(write)}.Events]"
            if not session:
                draft = f"declare the session with {events} AddAutoLogger or UpdateAutoLogger"
            else:
                key = fold("\\".join(parts[:6]))
                guid = guids.get(key) or "{SessionGUID}"
                draft = (
                    f"declare session {session} with {events} AddAutoLogger={session},"
                    f"{guid},<section> (or UpdateAutoLogger={session},<section> to add "
                    "providers to a session another package owns)"
                )
                if len(parts) > 6:
                    draft += (
                        f", provider {parts[6]} becoming an AddAutoLoggerProvider of that section"
                    )
            number = isolation_code(ctx, write)
            text = (
                f"{describe(ctx, write)}, a global ETW session setting "
                f"{codes([number], h_tolerated(write.root, write.subkey))}: {draft} "
                "(Windows 11 and later)"
            )
            yield self.diagnostic(write.line.ref, text, infverif=(number,))


def _guid(ctx: FixContext, write: RegWrite) -> str:
    return ctx.model.expand(write.line.data[0]).strip()
