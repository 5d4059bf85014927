"""ISO001 copy-files-to-system32."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.fixer import Diagnostic, FixAvailability, FixContext, Fixer
from infmigrate.registry import register

from ._driver_store import plans
from ._fixed_place import docs as fixed_place_docs
from ._messages import blocked, place


@register
class CopyFilesToSystem32(Fixer):
    """## What it does
    Flags file lists that CopyFiles puts in System32 (DIRID 11) or System32\\drivers
    (DIRID 12), through their own `[DestinationDirs]` entry, `DefaultDestDir`, or a
    `CopyFiles=@file` copy, and moves them to the driver store (DIRID 13), rewriting every
    reference to the moved files in the same fix.

    ## Why is this bad?
    Driver package isolation runs a package's files from its own directory in the driver
    store. Files copied to System32 are shared with every other package and with Windows,
    survive the package's removal, and break side-by-side installs of two driver versions.
    InfVerif reports any destination other than 13 for Windows Drivers (1322).

    ## Example
    ```inf
    [DestinationDirs]
    Cx.Sys = 12
    [Cx_Svc]
    ServiceBinary = %12%\\cx.sys
    ```

    Use instead:
    ```inf
    [DestinationDirs]
    Cx.Sys = 13
    [Cx_Svc]
    ServiceBinary = %13%\\cx.sys
    ```

    ## Fix safety
    Safe. A list moves only when every file in it can run from the driver store: same name
    as its source (no rename), a known source subdirectory (which becomes the destination
    subdirectory, as InfVerif 1100 requires), no `.security` section, no DelFiles or
    RenFiles of it, not copied anywhere else, no registry value loading it by bare name,
    no path to it inside a `[Strings]` value, and no consumer that looks for it in a fixed
    place (colour profiles, CNG and Winsock providers, print monitors...: the table
    below). Every path that names a moved file at its old place (ServiceBinary, registry
    values, any other field) is rewritten to
    `%13%\\<subdir>\\<file>` in the same fix, so nothing still points to System32. A list that
    relies on `DefaultDestDir` gets its own entry, unless every list relying on it moves
    to the package root, in which case `DefaultDestDir` itself becomes 13.
    Binaries that locate themselves or other files through a hard-coded System32 path
    must be changed as well (`IoGetDriverDirectory`, `GetModuleFileName`); the INF cannot
    show that.

    ## References
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [DestinationDirs section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-destinationdirs-section)
    - [InfVerif 1322](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    @classmethod
    def docs(cls) -> str:
        """The docstring, then the table of fixed-place consumers with its sources."""
        return f"{super().docs()}\n\n{fixed_place_docs()}"

    code = "ISO001"
    name = "copy-files-to-system32"
    message = "files are copied to System32 instead of the driver store (DIRID 13)"
    fix_title = "Copy the files to the driver store (DIRID 13) and update every reference"
    availability = FixAvailability.SOMETIMES
    infverif = (1322,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        result = plans(ctx)
        default = ctx.model.destination_dirs.default
        if default is not None and default.dirid in (11, 12) and default.entry is not None:
            fix = self.make_fix(*result.default_edits) if result.default_edits else None
            yield self.diagnostic(
                default.entry,
                f"DefaultDestDir is {place(default.dirid, default.subdir)}, not the driver "
                f"store (DIRID 13){blocked('' if fix else result.default_blocked)}",
                fix)
        for plan in result.legacy:
            dest = plan.destination
            fl = plan.file_list
            if dest.origin == "fallback":
                continue  # ISO012's case
            fix = self.make_fix(*plan.edits) if plan.movable and plan.edits else None
            what = f"{fl.file} is" if fl.file is not None else f"file list {fl.name} is"
            via = " through DefaultDestDir" if dest.origin == "default" else ""
            at = dest.entry if dest.origin == "explicit" else (
                fl.references[0].entry if fl.references else dest.entry)
            if at is None:
                continue
            yield self.diagnostic(
                at, f"{what} copied{via} to {place(dest.dirid, dest.subdir)} instead of the "
                f"driver store (DIRID 13){blocked(plan.reason())}", fix)
