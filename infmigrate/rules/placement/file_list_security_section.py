"""ISO008 file-list-security-section."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixAvailability, FixContext, Fixer
from infmigrate.rules.placement._copies import ContentLists
from infmigrate.rules.placement._driver_store import DriverStorePlans, SharedFixes
from infmigrate.rules.placement._messages import blocked, place


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
    Unsafe, and only as part of the move. A list in System32 or System32\\drivers that can
    otherwise move to the driver store moves with the section dropped, in one fix (the
    same fix ISO001 offers): InfVerif rejects a security descriptor with DIRID 13 (1101),
    and files in the driver store keep the store's own access rights, so the descriptor
    the INF set no longer applies. That changes who can read or replace the files, which
    is why the fix needs `--unsafe-fixes`. A section on a list that does not move (a
    rename, DelFiles, a bare-name load...: the finding says why) stays, as does a section
    on a list already in the driver store (drop it by hand), and without
    `--unsafe-fixes` the list stays where it is with its section.

    ## References
    - [INF CopyFiles directive: file-list-section.security](https://learn.microsoft.com/windows-hardware/drivers/install/inf-copyfiles-directive)
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [InfVerif 1101, "Security descriptors cannot be used with DIRID <value>"](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    - [Driver package isolation: PnpLockdown and the driver store](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    """

    code = "ISO008"
    name = "file-list-security-section"
    message = "a file list that runs, or would run, from the driver store sets its own security"
    fix_title = "Move the list to the driver store (DIRID 13) and drop its security section"
    availability = FixAvailability.SOMETIMES
    infverif = (1101,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        all_plans = ctx.analysis(DriverStorePlans)
        fixes = SharedFixes(self)  # (lists moved together: one fix, see ISO002)
        # lists of a branch kept for older Windows: right where they are, section included
        seen: set[int] = {
            id(p.file_list.security) for p in all_plans.old_branch if p.file_list.security
        }
        for fl in ctx.analysis(ContentLists):
            dest = fl.destination
            security = fl.security
            if security is None or dest.dirid not in (11, 12, 13) or id(security) in seen:
                continue
            seen.add(id(security))
            # (the index of every plan is made only for a file that has such a list: a line
            # may name thousands of lists, and the index cost 12 times that line's size)
            plan = all_plans.by_list.get(id(fl))
            fix = None
            if dest.dirid == 13:
                where = "copied to the driver store (DIRID 13), where InfVerif rejects it (1101)"
                then = (
                    "remove the section (files in the driver store keep the store's access rights)"
                )
            else:
                where = (
                    f"copied to {place(dest.dirid, dest.subdir.strip().strip(chr(92)))}, "
                    "from where it would move to the driver store (DIRID 13), which "
                    "rejects it (InfVerif 1101)"
                )
                if plan is not None and plan.movable and plan.edits:
                    fix = fixes.of(plan)
                    then = (
                        "the fix that moves the list drops the section (unsafe: files in "
                        "the driver store keep the store's access rights instead)"
                        if plan.build_case != "branch"
                        else "the fix copies the list to the driver store, without the "
                        "section, in a branch for newer builds, while older builds keep the "
                        "list and its section (unsafe: files in the driver store keep the "
                        "store's access rights instead)"
                    )
                else:
                    reason = plan.reason() if plan is not None else ""
                    then = (
                        "remove the section when the list moves (files in the driver store "
                        f"keep the store's access rights){blocked(reason)}"
                    )
            yield self.diagnostic(
                security.blocks[0].header,
                f"[{security.name}] sets the security of file list {fl.name}, which is "
                f"{where}: {then}; to restrict access, secure the device instead "
                '(HKR,,Security,,"D:..." in DDInstall.HW)',
                fix,
            )
