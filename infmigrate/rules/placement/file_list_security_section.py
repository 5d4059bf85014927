"""ISO008 file-list-security-section."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.placement._copies import copy_lists
from infmigrate.rules.placement._messages import place


@register
class FileListSecuritySection(Fixer):
    """## What it does
    Flags a `[<list>.security]` section on a CopyFiles list that goes to the driver store
    (DIRID 13), or to System32 or System32\\drivers (DIRID 11 or 12), from where ISO001
    would move it to the driver store.

    ## Why is this bad?
    Files in the driver store keep the store's own access rights; a package cannot set
    them. InfVerif rejects a security descriptor on a list copied to DIRID 13 (1101), so a
    list with one cannot move out of System32 while the section is there.

    ## Example
    ```inf
    [Cx.Sys]
    cx.sys
    [Cx.Sys.security]
    "D:P(A;;GA;;;SY)(A;;GA;;;BA)"
    ```

    Use instead:
    ```inf
    [Cx.Sys]
    cx.sys
    ```
    and, to restrict who can open the device, a security descriptor on the device itself
    (`HKR,,Security,,"D:P(...)"` in DDInstall.HW).

    ## Fix safety
    There is no fix: dropping the section changes the files' access rights, a decision the
    author has to make.

    ## References
    - [INF CopyFiles directive: file-list-section.security](https://learn.microsoft.com/windows-hardware/drivers/install/inf-copyfiles-directive)
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [InfVerif 1101](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO008"
    name = "file-list-security-section"
    message = "a file list that runs, or would run, from the driver store sets its own security"
    infverif = (1101,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        seen: set[int] = set()
        for fl in copy_lists(ctx.model):
            dest = fl.destination
            security = fl.security
            if security is None or dest.dirid not in (11, 12, 13) or id(security) in seen:
                continue
            seen.add(id(security))
            if dest.dirid == 13:
                where = "copied to the driver store (DIRID 13), where InfVerif rejects it (1101)"
            else:
                where = (
                    f"copied to {place(dest.dirid, dest.subdir.strip().strip(chr(92)))}; "
                    "it keeps the list from moving to the driver store (DIRID 13, "
                    "InfVerif 1101)"
                )
            yield self.diagnostic(
                security.blocks[0].header,
                f"[{security.name}] sets the security of file list {fl.name}, which is "
                f"{where}: remove the section, since files in the driver store keep the "
                'store\'s access rights, and secure the device instead (HKR,,Security,,"D:..." '
                "in DDInstall.HW)",
            )
