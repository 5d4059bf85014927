"""ISO051 legacy-install-section."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import fold
from infmigrate.rules.registry._registry_report import codes


@register
class LegacyInstallSection(Fixer):
    """## What it does
    Flags `[ClassInstall32]` sections (any decoration) and the `DDInstall.FactDef` and
    `DDInstall.LogConfigOverride` sections of reached DDInstalls. (`.CoInstallers` is
    ISO029's.)

    ## Why is this bad?
    `ClassInstall32` creates a setup class, machine-wide state that outlives the package
    and that a Microsoft-defined class must never get from a third party (InfVerif 1285);
    `FactDef` and `LogConfigOverride` describe legacy hardware resources. None of them is
    allowed in a universal INF or a Windows Driver (InfVerif 1300), and packages with
    `FactDef` or `LogConfigOverride` cannot be signed from Windows 11 22H2.

    ## Example
    ```inf
    [ClassInstall32]
    AddReg = Cx_Class_Reg
    ```

    Use instead: a Microsoft-defined setup class in `[Version]` (`Class`, `ClassGuid`),
    and no class installation; resources come from the bus or firmware.
    ```inf
    [Version]
    Class     = System
    ClassGuid = {4d36e97d-e325-11ce-bfc1-08002be10318}
    ```

    ## Fix safety
    There is no fix: dropping a class or resource section changes what the package does.

    ## References
    - [INF ClassInstall32 section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-classinstall32-section)
    - [Using a universal INF file](https://learn.microsoft.com/windows-hardware/drivers/install/using-a-universal-inf-file)
    - [InfVerif 1285, 1300](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO051"
    name = "legacy-install-section"
    message = "the INF has a legacy install section"
    infverif = (1300,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        seen: set[int] = set()
        for install in ctx.model.install_sections:
            if (
                install.kind == "classinstall"
                and fold(install.base_name) == "classinstall32"
                and install.section is not None
                and id(install.section) not in seen
            ):
                seen.add(id(install.section))
                text = (
                    f"[{install.section.name}] installs a setup class, machine-wide state "
                    f"{codes([1300])}, and may never target a Microsoft-defined class "
                    "(InfVerif 1285): use a Microsoft-defined Class and ClassGuid in "
                    "[Version] and drop the section"
                )
                yield self.diagnostic(install.section.blocks[0].header, text)
            if install.kind != "ddinstall":
                continue
            for suffix, what in (
                ("FactDef", "factory default resources"),
                ("LogConfigOverride", "overriding resource lists"),
            ):
                section = install.suffix(suffix)
                if section is None or id(section) in seen:
                    continue
                seen.add(id(section))
                text = (
                    f"[{section.name}] gives {what} of legacy hardware {codes([1300])}, "
                    "and cannot be signed from Windows 11 22H2: drop it and let the bus "
                    "or firmware (ACPI) report the device's resources"
                )
                yield self.diagnostic(section.blocks[0].header, text)
