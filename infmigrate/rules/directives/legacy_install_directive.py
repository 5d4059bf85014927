"""ISO050 legacy-install-directive."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import fold
from infmigrate.rules.registry._registry_report import codes, reached_entries

_DIRECTIVES = {
    "registerdlls": (
        "runs a DLL's self-registration code",
        "register in-process COM servers with [<DDInstall>.COM] AddComServer "
        "(Windows 11 24H2), and anything else from the driver or an app",
    ),
    "unregisterdlls": (
        "runs a DLL's self-unregistration code",
        "drop it: what a package adds declaratively goes away with it",
    ),
    "profileitems": (
        "creates Start menu items",
        "ship the application as a Hardware Support App with "
        "[<DDInstall>.Software] AddSoftware; the Store creates its tile",
    ),
    "updateinis": (
        "edits INI files",
        "keep settings in the registry with HKR (device or service key)",
    ),
    "updateinifields": (
        "edits fields of INI files",
        "keep settings in the registry with HKR (device or service key)",
    ),
    "ini2reg": (
        "copies INI file lines into the registry",
        "write the values with AddReg and HKR directly",
    ),
    "logconfig": (
        "sets a legacy resource configuration",
        "let the bus or firmware (ACPI) report the device's resources",
    ),
}


@register
class LegacyInstallDirective(Fixer):
    """## What it does
    Flags the legacy install directives `RegisterDlls`, `UnregisterDlls`, `ProfileItems`,
    `UpdateInis`, `UpdateIniFields`, `Ini2Reg` and `LogConfig` in reached sections.

    ## Why is this bad?
    They run code or change state outside the declarative model (DLL self-registration,
    Start menu shortcuts, INI files, hand-made resource lists), none of which Windows can
    undo when the package goes. Universal INFs and Windows Drivers may not use them
    (InfVerif 1300-1302), and packages that do cannot be signed from Windows 11 22H2.

    ## Example
    ```inf
    [Cx_Inst.NTamd64]
    RegisterDlls = Cx_Register
    [Cx_Register]
    11,,cxhelper.dll,1
    ```

    Use instead:
    ```inf
    [Cx_Inst.NTamd64.COM]
    AddComServer = CxHelper,,Cx_ComServer
    ```

    ## Fix safety
    There is no fix: what the DLL, shortcut or INI file did has to be redone by hand.

    ## References
    - [Using a universal INF file](https://learn.microsoft.com/windows-hardware/drivers/install/using-a-universal-inf-file)
    - [Declarative INF (DCH)](https://learn.microsoft.com/windows-hardware/drivers/develop/dch-principles-best-practices)
    - [InfVerif 1300-1302](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO050"
    name = "legacy-install-directive"
    message = "the INF uses a legacy, non-declarative install directive"
    infverif = (1300, 1301, 1302)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        roots = {
            id(i.section): i.name
            for i in model.install_sections
            if i.kind == "ddinstall" and i.section is not None
        }
        for section, ref in reached_entries(model, _DIRECTIVES):
            key = ref.key or ""
            what, instead = _DIRECTIVES[fold(key)]
            instead = instead.replace("<DDInstall>", roots.get(id(section), "<DDInstall>"))
            text = (
                f"{key} in [{section.name}] {what}, which is not declarative "
                f"{codes(['1300-1302'])}: {instead}"
            )
            yield self.diagnostic(ref, text)
