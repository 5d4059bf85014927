"""ISO031 winevt-registration."""

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
class WinevtRegistration(Fixer):
    """## What it does
    Flags registry lines that register an ETW event provider or channel by hand, under
    `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WINEVT\\Publishers` or `...\\Channels`,
    and drafts the `.Events` section that replaces them.

    ## Why is this bad?
    The WINEVT keys belong to the event log service: values written there by an INF are
    global state that outlives the package and is not on InfVerif /h's exception list,
    so it fails today's signing rules as well as `/w` (InfVerif 1320/1321). From Windows 10
    1809, `<DDInstall>.Events` with `AddEventProvider` registers the provider (its
    resource and message files run from the driver store) and removes it with the
    package.

    ## Example
    ```inf
    [Cx_Reg]
    HKLM,SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WINEVT\\Publishers\\{cafe0002-0000-0000-0000-000000000000},,,"Contoso-Cx"
    HKLM,SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WINEVT\\Publishers\\{cafe0002-0000-0000-0000-000000000000},ResourceFileName,0x20000,"%13%\\cx.sys"
    ```

    Use instead:
    ```inf
    [Cx_Inst.NTamd64.Events]
    AddEventProvider = {cafe0002-0000-0000-0000-000000000000},Cx_EventProvider
    [Cx_EventProvider]
    ProviderName = Contoso-Cx
    ResourceFile = %13%\\cx.sys
    MessageFile  = %13%\\cx.sys
    ```

    ## Fix safety
    There is no fix: channel declarations do not map one to one (their types are spelled
    differently than the raw `Type` values), so the draft in the message is a starting
    point to review.

    ## References
    - [INF DDInstall.Events section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-ddinstall-events-section)
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [InfVerif 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO031"
    name = "winevt-registration"
    message = "a registry line registers an event provider or channel by hand under WINEVT"
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            if write.kind is not Kind.WINEVT:
                continue
            parts = write.subkey.split("\\")
            folded = [p.casefold() for p in parts]
            at = folded.index("winevt") if "winevt" in folded else len(parts)
            what = folded[at + 1] if len(parts) > at + 1 else ""
            name = parts[at + 2] if len(parts) > at + 2 else ""
            events = f"[{first_ddinstall(write)}.Events]"
            if what == "channels":
                draft = (
                    f"declare channel {name or '<name>'} with AddChannel in the install "
                    f"section of its provider's AddEventProvider in {events} (Windows 10 "
                    "1809 and later); channel types are spelled differently than the raw "
                    "Type values"
                )
            else:
                guid = name or "{ProviderGUID}"
                draft = (
                    f"register the provider with {events} AddEventProvider={guid},"
                    "<section> (Windows 10 1809 and later), the section giving "
                    "ProviderName, ResourceFile and MessageFile (%13% paths)"
                )
            number = isolation_code(ctx, write)
            text = (
                f"{describe(ctx, write)}, the event log service's own registration "
                f"{codes([number], h_tolerated(write.root, write.subkey))}: {draft}"
            )
            yield self.diagnostic(write.line.ref, text, infverif=(number,))
