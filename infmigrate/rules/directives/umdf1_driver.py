"""ISO054 umdf1-driver."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import codes


@register
class Umdf1Driver(Fixer):
    """## What it does
    Flags UMDF version 1 drivers: a `UmdfService` install section with
    `UmdfLibraryVersion = 1.x`, or with a `DriverCLSID` (the COM class UMDF 1 drivers are
    loaded through).

    ## Why is this bad?
    UMDF 1 is a COM-based framework that no longer gets new features; InfVerif rejects
    it for Windows Drivers (1402), and its drivers cannot run from the driver store.

    ## Example
    ```inf
    [Cx_Umdf]
    UmdfLibraryVersion = 1.11.0
    ServiceBinary      = %12%\\UMDF\\cxum.dll
    DriverCLSID        = {cafe0005-0000-0000-0000-000000000000}
    ```

    Use instead: a UMDF 2 driver:
    ```inf
    [Cx_Umdf]
    UmdfLibraryVersion = 2.15.0
    ServiceBinary      = %13%\\cxum.dll
    ```

    ## Fix safety
    There is no fix: the driver must be ported to UMDF 2.

    ## References
    - [Porting a driver from UMDF 1 to UMDF 2](https://learn.microsoft.com/windows-hardware/drivers/wdf/porting-a-driver-from-umdf-1-to-umdf-2)
    - [InfVerif 1402](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO054"
    name = "umdf1-driver"
    message = "the INF installs a UMDF 1 driver"
    infverif = (1402,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        seen: set[int] = set()
        for wdf in model.wdf_services:
            section = wdf.section
            if not wdf.umdf or section is None or id(section) in seen:
                continue
            seen.add(id(section))
            version = section.first("UmdfLibraryVersion")
            clsid = section.first("DriverCLSID")
            text_version = model.expand(version.value(0)).strip() if version else ""
            major = text_version.split(".", 1)[0]
            if version is not None and major == "1":  # (major is "" without the entry)
                at, why = version, f"UmdfLibraryVersion {text_version} is UMDF 1"
            elif clsid is not None and major in ("", "1"):
                at, why = clsid, "DriverCLSID loads a UMDF 1 driver through COM"
            else:
                continue
            text = (
                f"[{section.name}]: {why}, a framework Windows Drivers may not use "
                f"{codes([1402])}: port the driver to UMDF 2 (UmdfLibraryVersion 2.x, no "
                "DriverCLSID)"
            )
            yield self.diagnostic(at, text)
