"""ISO036 com-registration-in-registry."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import (
    ApoClsids,
    clsid_of,
    codes,
    describe,
    first_ddinstall,
    h_tolerated,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites


@register
class ComRegistrationInRegistry(Fixer):
    """## What it does
    Flags COM registration written by hand: lines under `HKCR\\CLSID` (and the rest of
    HKCR's class tree) or `HKLM\\SOFTWARE\\Classes`. Audio processing objects are left to
    ISO035.

    ## Why is this bad?
    The class registration database is machine-wide: a CLSID, TypeLib or ProgID written
    there outlives the package, and two packages (or two versions of one) overwrite each
    other's servers. InfVerif rejects it for Windows Drivers (1325); InfVerif /h still
    tolerates HKCR and `SOFTWARE\\Classes` for now. From Windows 11 24H2, `<DDInstall>.COM`
    with `AddComServer` registers an in-process server that runs from the driver store and
    goes away with the package.

    ## Example
    ```inf
    [Cx_Reg]
    HKCR,CLSID\\{cafe0004-0000-0000-0000-000000000000}\\InprocServer32,,0x20000,"%13%\\cxcom.dll"
    HKCR,CLSID\\{cafe0004-0000-0000-0000-000000000000}\\InprocServer32,ThreadingModel,,"Both"
    ```

    Use instead:
    ```inf
    [Cx_Inst.NTamd64.COM]
    AddComServer = CxCom,,Cx_ComServer
    [Cx_ComServer]
    ServerType   = 1
    ServerBinary = %13%\\cxcom.dll
    AddComClass  = {cafe0004-0000-0000-0000-000000000000},,Cx_ComClass
    [Cx_ComClass]
    ThreadingModel = Both
    ```

    ## Fix safety
    There is no fix: `.COM` supports in-process servers only, from 24H2 on, and type
    libraries, interfaces and ProgIDs have no INF equivalent.

    ## References
    - [INF DDInstall.COM section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-ddinstall-com-section)
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [InfVerif 1325](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO036"
    name = "com-registration-in-registry"
    message = "COM classes are registered by hand in the global class registry"
    infverif = (1325,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        apos: frozenset[str] | None = None
        for write in ctx.analysis(RegistryWrites):
            if write.kind is not Kind.COM:
                continue
            clsid = clsid_of(write)
            if clsid:
                if apos is None:
                    apos = ctx.analysis(ApoClsids)
                if clsid in apos:
                    continue  # ISO035
                what = f"COM class {clsid}"
                instead = (
                    f"register the in-process server with [{first_ddinstall(write)}.COM]"
                    " AddComServer and AddComClass (Windows 11 24H2 and later; "
                    "in-process servers only)"
                )
            else:
                what = "the class registration database"
                instead = (
                    f"register in-process COM servers with [{first_ddinstall(write)}.COM]"
                    " AddComServer (Windows 11 24H2 and later); type libraries, "
                    "interfaces and ProgIDs have no INF equivalent and belong to an "
                    "app's own registration"
                )
            text = (
                f"{describe(ctx, write)}, part of {what}, machine-wide "
                f"{codes([1325], h_tolerated(write.root, write.subkey))}: {instead}"
            )
            yield self.diagnostic(write.line.ref, text)
