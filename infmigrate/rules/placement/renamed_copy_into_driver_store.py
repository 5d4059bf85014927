"""ISO005 renamed-copy-into-driver-store."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model.sections import fold
from infmigrate.rules.placement._copies import (
    ContentLists,
    dest_name,
    list_label,
    source_name,
)
from infmigrate.rules.placement._messages import place


@register
class RenamedCopyIntoDriverStore(Fixer):
    """## What it does
    Flags a CopyFiles entry that installs a file under another name
    (`dest-name,source-name` with different names) into the driver store (DIRID 13), or
    into System32 or System32\\drivers (DIRID 11 or 12), from where ISO001 would move it to
    the driver store.

    ## Why is this bad?
    The driver store keeps the package exactly as it was staged: a file runs under its
    source name, from its source subdirectory. InfVerif rejects a rename into DIRID 13
    (1100), so a list with a rename cannot move out of System32 until the rename is gone.

    ## Example
    ```inf
    [SourceDisksFiles]
    cx_win10.sys = 1
    [Cx.Sys]
    cx.sys, cx_win10.sys
    ```

    Use instead:
    ```inf
    [SourceDisksFiles]
    cx.sys = 1
    [Cx.Sys]
    cx.sys
    ```
    (ship the file under the name it is installed as), or keep the source name and point
    every reference (ServiceBinary, registry values) at `cx_win10.sys`.

    ## Fix safety
    There is no fix: renaming the file in the package, or the references to it, depends on
    what runtime code expects the file to be called.

    ## References
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [INF CopyFiles directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-copyfiles-directive)
    - [InfVerif 1100](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO005"
    name = "renamed-copy-into-driver-store"
    message = "a CopyFiles entry renames a file that runs, or would run, from the driver store"
    infverif = (1100,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for fl in ctx.analysis(ContentLists):
            dest = fl.destination
            if dest.dirid not in (11, 12, 13):
                continue
            for copy in fl.files:
                new, source = dest_name(ctx.model, copy), source_name(ctx.model, copy)
                if fold(new) == fold(source) or copy.entry is None:
                    continue
                if dest.dirid == 13:
                    where = "into the driver store (DIRID 13)"
                    effect = "InfVerif rejects it (1100), since files there keep their source name"
                else:
                    where = (
                        f"into {place(dest.dirid, dest.subdir.strip().strip(chr(92)))}, "
                        "from where it should move to the driver store (DIRID 13)"
                    )
                    effect = (
                        "that move is blocked, since files in the driver store keep "
                        "their source name (InfVerif 1100)"
                    )
                yield self.diagnostic(
                    copy.entry,
                    f"{list_label(fl)} installs {source} as {new} "
                    f"{where}; {effect}: ship the file as {new} in "
                    f"[SourceDisksFiles] and drop the rename, or keep {source} and "
                    "point every reference at that name",
                )
