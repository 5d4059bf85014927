"""ISO006 driver-store-subdir-mismatch."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Applicability, Diagnostic, FixAvailability, FixContext, Fixer
from infmigrate.rules.placement._driver_store import DriverStorePlans, SharedFixes


@register
class DriverStoreSubdirMismatch(Fixer):
    """## What it does
    Flags file lists copied to the driver store (DIRID 13) whose `[DestinationDirs]`
    subdirectory differs from the `[SourceDisksFiles]` subdirectory of their files, and sets
    it right; a list whose files come from several subdirectories is split into one list
    per subdirectory.

    The subdirectory a file needs is its folder in the package on each architecture that
    installs the list: the `[SourceDisksNames(.<arch>)]` path joined with the
    `[SourceDisksFiles(.<arch>)]` subdir (see ISO001). A list installed on architectures
    whose folders differ (`DefaultDestDir = 13` for `x.sys = 1,arm` and `x.sys = 1,arm64`)
    is split by architecture, as ISO001 splits a list it moves.

    ## Why is this bad?
    The driver store keeps the package's directory layout, and installing must not create
    new files in it: a file copied to DIRID 13 must land exactly where it already is in the
    package. InfVerif reports the mismatch (1100) and the package fails to install as
    isolated.

    ## Example
    ```inf
    [DestinationDirs]
    Cx.Sys = 13
    [SourceDisksFiles]
    cx.sys = 1,x64
    ```

    Use instead:
    ```inf
    [DestinationDirs]
    Cx.Sys = 13,x64
    ```

    ## Fix safety
    Safe: the files end up where the driver store has them anyway; paths that name them
    (`%13%\\cx.sys`) are rewritten to the real place (`%13%\\x64\\cx.sys`) in the same fix.
    When a list is split, the new lists are named `<list>_<subdir>`, get their own
    `[DestinationDirs]` entries, and are added next to the old list in every `CopyFiles`
    that names it. The disk's path (`[SourceDisksNames]`) is part of the folder: the
    subdir is "relative to the path value of the SourceDisksNames section" (INF
    SourceDisksFiles section), so `1 = %Disk%,,,\\i386` with `x.sys = 1` is `13,i386`; a
    path that leaves the package (a drive, `..`) blocks the fix. A `CopyFiles=@file` copy
    is reported without a fix (only DefaultDestDir could carry its subdir).

    A list whose files come from different folders on the architectures that install it
    gets one list per folder layout (`<list>_<folder>`, `13,<folder>`), and the install
    sections, service-install and registry sections that must differ are copied per
    architecture (`X.NTarm64`, `X.NTarm64.Services`, `Svc_arm64`): every architecture
    installs what it did, each file from its own folder. Before/after:

    ```inf
    [DestinationDirs]
    DefaultDestDir = 13            ; x.sys = 1,arm and x.sys = 1,arm64
    [X.NT]
    CopyFiles = X_Files
    ; after
    [DestinationDirs]
    DefaultDestDir = 13
    X_Files = 13,arm
    X_Files_arm64 = 13,arm64
    [X.NT]
    CopyFiles = X_Files
    [X.NTARM64]
    CopyFiles = X_Files_arm64
    ```
    (with `X.NTARM64.HW`, `X.NTARM64.Services`... copied from `X.NT`'s, and the
    service-install section copied with `%13%\\arm64\\x.sys`).

    ## References
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [InfVerif 1100, 2083](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    - [INF SourceDisksFiles section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-sourcedisksfiles-section)
    - Platform-specific SourceDisksNames/SourceDisksFiles sections: [Authoring an INF File](https://learn.microsoft.com/windows/win32/setupapi/authoring-an-inf-file)
    - [Combining Platform Extensions with Other Section Name Extensions](https://learn.microsoft.com/windows-hardware/drivers/install/combining-platform-extensions-with-other-section-name-extensions)
    """

    code = "ISO006"
    name = "driver-store-subdir-mismatch"
    message = "file list in the driver store does not keep its source subdirectory"
    fix_title = "Use the files' source subdirectory in [DestinationDirs]"
    availability = FixAvailability.SOMETIMES
    infverif = (1100,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        fixes = SharedFixes(self)
        for plan in ctx.analysis(DriverStorePlans).subdir_mismatch:
            fl = plan.file_list
            dest = plan.destination
            at = (
                dest.entry
                if dest.origin == "explicit"
                else (fl.references[0].entry if fl.references else None)
            )
            if at is None:
                continue
            wanted = ", ".join(s if s else "the package root" for s in plan.groups)
            several = len(plan.groups) > 1
            if plan.arch_groups:
                wanted = ", ".join(
                    f"{g.folder or 'the package root'} on {' and '.join(g.arches)}"
                    for g in plan.arch_groups
                )
                several = True
            fix = fixes.of(plan, Applicability.SAFE) if plan.edits else None
            yield self.diagnostic(
                at,
                f"file list {fl.name} is copied to DIRID 13"
                f"{chr(92) + dest.subdir if dest.subdir else ''} but its files come from "
                f"{'subdirectories' if several else 'subdirectory'} "
                f"{wanted}",
                fix,
            )
