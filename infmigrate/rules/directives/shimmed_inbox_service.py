"""ISO057 shimmed-inbox-service."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import fold
from infmigrate.rules.registry._registry_report import codes

#: Inbox services a package must not add itself: their inbox INF and its .Services
#: section, when known.
_INBOX = {
    "wudfrd": ("wudfrd.inf", "WUDFRD.NT.Services"),
    "winusb": ("winusb.inf", "WINUSB.NT.Services"),
    "mshidumdf": ("", ""),
    "mshidkmdf": ("", ""),
    "hidusb": ("", ""),
    "usbser": ("", ""),
}


@register
class ShimmedInboxService(Fixer):
    """## What it does
    Flags `AddService` lines that install an inbox service (the UMDF reflector `WUDFRd`,
    `WinUSB`, `mshidumdf`, `mshidkmdf`, `HidUsb`, `usbser`) with the package's own
    service-install section, instead of pulling in the inbox INF's definition with
    `Include` and `Needs`.

    ## Why is this bad?
    The service belongs to Windows: the package's copy of its configuration points at an
    inbox binary the package does not ship (InfVerif 2084 in older WDKs), overwrites
    Windows' own settings, and goes stale when Windows updates it. Current InfVerif
    replaces such directives with an inbox Include/Needs "shim" and reports it
    (2090-2093).

    ## Example
    ```inf
    [Cx_Inst.NTamd64.Services]
    AddService = WUDFRd,0x000001fa,WUDFRD_ServiceInstall
    [WUDFRD_ServiceInstall]
    ServiceType   = 1
    StartType     = 3
    ErrorControl  = 1
    ServiceBinary = %12%\\WUDFRd.sys
    ```

    Use instead:
    ```inf
    [Cx_Inst.NTamd64.Services]
    Include = wudfrd.inf
    Needs   = WUDFRD.NT.Services
    ```

    ## Fix safety
    There is no fix: the inbox INF's section may differ from the package's copy (flags,
    start type), and older Windows versions may lack it.

    ## References
    - [INF Needs directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-needs-directive)
    - [Specifying WDF directives in INF files](https://learn.microsoft.com/windows-hardware/drivers/wdf/specifying-wdf-directives-in-inf-files)
    - [InfVerif 2084, 2090-2093](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO057"
    name = "shimmed-inbox-service"
    message = "an inbox service is installed by the package instead of through Include/Needs"
    infverif = (2090, 2091, 2092, 2093)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for svc in ctx.model.services:
            known = _INBOX.get(fold(svc.name.strip()))
            if known is None or not svc.section_name:
                continue
            inf, needs = known
            holder = svc.entry.section.name
            if inf:
                instead = f"Include = {inf} and Needs = {needs} in [{holder}]"
            else:
                instead = (
                    f"Include = <the inbox INF that installs {svc.name}> and Needs = "
                    f"<its .Services section> in [{holder}]"
                )
            text = (
                f"AddService = {svc.name} installs inbox service {svc.name} with this "
                f"package's [{svc.section_name}] {codes(['2090-2093'])}: use {instead}, "
                "so that Windows' own definition of the service applies"
            )
            yield self.diagnostic(svc.entry, text)
