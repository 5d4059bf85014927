"""ISO034 dma-security-allowed-buses."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import codes, describe, h_tolerated, isolation_code
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites


@register
class DmaSecurityAllowedBuses(Fixer):
    """## What it does
    Flags registry lines that write (or delete) under
    `HKLM\\SYSTEM\\CurrentControlSet\\Control\\DmaSecurity\\AllowedBuses`.

    ## Why is this bad?
    The list of buses allowed to bypass DMA protection is global state, and Windows
    ignores it from Windows 11 24H2: the line does nothing there and fails `/w`
    (InfVerif 1320/1321; InfVerif /h still tolerates it for now).

    ## Example
    ```inf
    [Cx_Reg]
    HKLM,SYSTEM\\CurrentControlSet\\Control\\DmaSecurity\\AllowedBuses,CxBridge,,"PCI\\VEN_1234"
    ```

    Use instead: delete the line (and the add-registry section, if nothing else is in it).

    ## Fix safety
    There is no fix: on releases before 24H2 the value still has an effect, so removing it
    is the author's decision.

    ## References
    - [Kernel DMA protection](https://learn.microsoft.com/windows/security/hardware-security/kernel-dma-protection-for-thunderbolt)
    - [InfVerif 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO034"
    name = "dma-security-allowed-buses"
    message = "a registry line writes the DMA security AllowedBuses list"
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            if write.kind is not Kind.DMA_SECURITY:
                continue
            number = isolation_code(ctx, write)
            text = (
                f"{describe(ctx, write)}, the global list of buses exempt from DMA protection "
                f"{codes([number], h_tolerated(write.root, write.subkey))}: Windows "
                "ignores it from Windows 11 24H2; delete the line"
            )
            yield self.diagnostic(write.line.ref, text, infverif=(number,))
