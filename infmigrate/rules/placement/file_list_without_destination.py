"""ISO012 file-list-without-destination."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Deferred, Diagnostic, Fix, FixAvailability, FixContext, Fixer
from infmigrate.engine.model.sections import EntryRef
from infmigrate.rules.placement._driver_store import DriverStorePlans, SharedFixes
from infmigrate.rules.placement._messages import (
    blocked,
    missing_section,
    missing_together,
    unsafe,
)


@register
class FileListWithoutDestination(Fixer):
    """## What it does
    Flags CopyFiles lists that have no `[DestinationDirs]` entry while the INF has no
    `DefaultDestDir` either, and gives them an entry in the driver store (DIRID 13).

    ## Why is this bad?
    Without an entry, SetupAPI falls back to DIRID_DEFAULT, which is System32 (DIRID 11):
    the files land in a shared system directory without the INF saying so. InfVerif
    reports the missing entry (1275) and, for Windows Drivers, the destination (1322).

    ## Example
    ```inf
    [Cx_Inst.NT]
    CopyFiles = Cx.Sys
    ; no [DestinationDirs] entry for Cx.Sys, no DefaultDestDir
    ```

    Use instead:
    ```inf
    [DestinationDirs]
    Cx.Sys = 13
    ```

    ## Fix safety
    Safe, under the same conditions as ISO001: the entry is added (and `[DestinationDirs]`
    created after `[Version]` when the INF has none) only when every file of the list can
    run from the driver store, and every path naming the files in System32 is rewritten
    to `%13%\\...` in the same fix.

    Lists whose section does not exist cannot move; the missing lists of one line share
    one finding on that line, naming the first ten and counting the others (a line
    naming a single missing list keeps that list's own finding).

    ## References
    - [DestinationDirs section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-destinationdirs-section)
    - [InfVerif 1275, 1322](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO012"
    name = "file-list-without-destination"
    message = "file list has no [DestinationDirs] entry and goes to System32 by default"
    fix_title = "Add a [DestinationDirs] entry for the driver store (DIRID 13)"
    availability = FixAvailability.SOMETIMES
    infverif = (1275, 1322)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        # Lists whose section does not exist, by the line naming them: one finding a line
        # lists them all (a line may name thousands).
        missing: dict[int, tuple[EntryRef, list[str]]] = {}
        out: list[Diagnostic | int] = []
        fixes = SharedFixes(self)
        whys: dict[str, str] = {}  # each reason once (see _finding)
        for plan in ctx.analysis(DriverStorePlans).legacy:
            fl = plan.file_list
            if plan.destination.origin != "fallback" or not fl.references:
                continue
            movable = plan.movable and bool(plan.edits)
            fix = fixes.of(plan) if movable else None
            at = fl.references[0].entry
            if fix is None and missing_section(fl, plan.blocked):
                group = missing.get(id(at))
                if group is None:
                    missing[id(at)] = (at, [fl.name])
                    out.append(id(at))
                else:
                    group[1].append(fl.name)
                continue
            why = (
                f"{blocked(plan.reason())}{plan.build_note if movable else ''}"
                f"{unsafe(plan.unsafe if fix else [])}"
            )
            out.append(self._finding(at, fl.name, whys.setdefault(why, why), fix))
        for item in out:
            if isinstance(item, Diagnostic):
                yield item
                continue
            at, lists = missing[item]
            if len(lists) == 1:
                yield self._finding(at, lists[0], blocked(f"section [{lists[0]}] does not exist"))
            else:
                yield self.diagnostic(at, missing_together(lists, _WHERE))

    def _finding(self, at: EntryRef, name: str, why: str, fix: Fix | None = None) -> Diagnostic:
        # The text is made when read: the lists of one joint fix share one long reason
        # (issue 18: thousands of lists, each finding's text 450 bytes)
        # (its reason shared through ``whys``, this run's reasons by text)
        return self.diagnostic(at, Deferred((_one_message, name, why)), fix)


def _one_message(name: str, why: str) -> str:
    return f"file list {name} has no [DestinationDirs] entry and {_WHERE_ONE}{why}"


#: Where a list without an entry goes (for one list, and for several).
_WHERE_ONE = "there is no DefaultDestDir, so it goes to DIRID 11 (System32)"
_WHERE = (
    " to DIRID 11 (System32): they have no [DestinationDirs] entry and there is no DefaultDestDir"
)
