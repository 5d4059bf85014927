"""ISO059 legacy-ignored-directive."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import fold

_VERSION = {
    "driverpackagetype": "is read only by DIFx (DPInst, DIFxApp), which is deprecated; "
    "Windows itself ignores it",
    "driverpackagedisplayname": "is read only by DIFx (DPInst, DIFxApp), which is "
    "deprecated; Windows itself ignores it",
    "layoutfile": "is reserved for INFs that ship with Windows; a third-party INF lists its "
    "files in SourceDisksNames and SourceDisksFiles",
    "setupclass": "was read by Windows 9x only",
}


@register
class LegacyIgnoredDirective(Fixer):
    """## What it does
    Flags legacy directives that current Windows ignores: the DIFx entries
    `DriverPackageType` and `DriverPackageDisplayName`, `LayoutFile` and the Windows 9x
    `SetupClass` in `[Version]`, and the Windows 9x `[ClassInstall]` section (Windows NT
    reads `[ClassInstall32]`).

    ## Why is this bad?
    Whether such a directive does anything depends on the Windows version or the tool
    that installs the package: the INF says something that, on current systems, does not
    happen. Delete it, or do what it meant in a supported way.

    ## Example
    ```inf
    [Version]
    Signature         = "$Windows NT$"
    DriverPackageType = PlugAndPlay
    ```

    Use instead:
    ```inf
    [Version]
    Signature = "$Windows NT$"
    ```

    ## Fix safety
    There is no fix: a tool outside Windows may still read the directive.

    ## References
    - [INF Version section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-version-section)
    - [INF ClassInstall32 section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-classinstall32-section)
    """

    code = "ISO059"
    name = "legacy-ignored-directive"
    message = "the INF uses a legacy directive current Windows ignores"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        version = model.section("Version")
        if version is not None:
            for ref in version.entries:
                why = _VERSION.get(fold(ref.key or ""))
                if why is not None:
                    yield self.diagnostic(ref, f"{ref.key} in [Version] {why}: delete it")
        for install in model.install_sections:
            if (
                install.kind == "classinstall"
                and fold(install.base_name) == "classinstall"
                and install.section is not None
            ):
                text = (
                    f"[{install.section.name}] is the Windows 9x class install section, "
                    "which Windows NT ignores (it reads [ClassInstall32]): delete it"
                )
                yield self.diagnostic(install.section.blocks[0].header, text)
