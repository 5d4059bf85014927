"""ISO034 dma-security-allowed-buses."""

from __future__ import annotations

from infmigrate.engine.catalog import register
from infmigrate.rules.registry._location_rule import LocationRule
from infmigrate.rules.registry._registry_writes import Kind


@register
class DmaSecurityAllowedBuses(LocationRule):
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
    kinds = (Kind.DMA_SECURITY,)
    location = "the global list of buses exempt from DMA protection"
    instead = "Windows ignores it from Windows 11 24H2; delete the line"
