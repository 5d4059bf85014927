"""ISO006 driver-store-subdir-mismatch."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixAvailability, FixContext, Fixer
from infmigrate.rules.placement._driver_store import plans


@register
class DriverStoreSubdirMismatch(Fixer):
    """## What it does
    Flags file lists copied to the driver store (DIRID 13) whose `[DestinationDirs]`
    subdirectory differs from the `[SourceDisksFiles]` subdirectory of their files, and sets
    it right; a list whose files come from several subdirectories is split into one list
    per subdirectory.

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
    that names it. Lists whose disk (`[SourceDisksNames]`) has a path are left alone: how
    that path combines with the subdirectory is not documented; a `CopyFiles=@file` copy
    is reported without a fix (only DefaultDestDir could carry its subdir).

    ## References
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [InfVerif 1100](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO006"
    name = "driver-store-subdir-mismatch"
    message = "file list in the driver store does not keep its source subdirectory"
    fix_title = "Use the files' source subdirectory in [DestinationDirs]"
    availability = FixAvailability.SOMETIMES
    infverif = (1100,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for plan in plans(ctx).subdir_mismatch:
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
            fix = self.make_fix(*plan.edits) if plan.edits else None
            yield self.diagnostic(
                at,
                f"file list {fl.name} is copied to DIRID 13"
                f"{chr(92) + dest.subdir if dest.subdir else ''} but its files come from "
                f"{'subdirectories' if several else 'subdirectory'} "
                f"{wanted}",
                fix,
            )
