"""ISO009 unisolated-destination."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model.dirids import DiridClass, classify
from infmigrate.rules.placement._copies import (
    be,
    dest_place,
    destination_groups,
    lists_text,
    place_text,
)
from infmigrate.rules.placement._messages import place

#: Program Files folders: applications, which belong in a Hardware Support App.
_PROGRAM_FILES = frozenset({16422, 16426, 16427, 16428})
#: DIRIDs InfVerif /h still accepts (its April 2024 exception list).
_H_EXCEPTIONS = frozenset(
    {10, 23, 51, 52, 55, 16422, 16425, 16426, 16427, 16428, 66000, 66001, 66002, 66003, 66004}
)
#: What a full path is read from, for the consumers of a file moved to DIRID 13.
_READ_PATH = (
    "have their consumers read the full paths from the device or interface key "
    '(HKR,,<Name>,0x00020000,"%13%\\<file>" in DDInstall.HW or an add-interface '
    "section)"
)


@register
class UnisolatedDestination(Fixer):
    """## What it does
    Flags CopyFiles lists whose destination is a directory that driver package isolation
    does not allow and that ISO001 cannot move by itself: the Windows directory (DIRID 10),
    Program Files (16422, 16426-16428), SysWOW64 (16425), the color directory (23), the
    spooler directories (51, 52, 55), the printer DIRIDs (66000-66004) and user DIRIDs
    (32768 and up, set by a co-installer).

    ## Why is this bad?
    Files outside the driver store are shared with other packages and with Windows, outlive
    the package, and cannot be serviced side by side. InfVerif reports every destination
    other than DIRID 13 for Windows Drivers (1322), and destinations outside %SystemRoot%
    also for universal INFs (1306). Applications do not belong in a driver package at all:
    they ship as a Hardware Support App.

    ## Example
    ```inf
    [DestinationDirs]
    Cx.Tool = 16422,Contoso
    Cx.Data = 10,Contoso
    ```

    Use instead:
    ```inf
    [Cx_Inst.NT.Software]
    AddSoftware = ContosoTool,,Cx_Tool_Software
    [DestinationDirs]
    Cx.Data = 13
    ```
    with the consumers of `Cx.Data`'s files reading their full path from the device key.

    ## Fix safety
    There is no fix: the programs that use these files look for them where they are today.

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [Using DIRIDs](https://learn.microsoft.com/windows-hardware/drivers/install/using-dirids)
    - [INF AddSoftware directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addsoftware-directive)
    - [InfVerif 1306, 1322](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO009"
    name = "unisolated-destination"
    message = "files are copied to a directory outside the driver store"
    infverif = (1322, 1306)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for entry, dest, lists in destination_groups(ctx.model):
            dirid = dest.dirid
            if dirid is None or classify(dirid) is not DiridClass.REPORT:
                continue
            what = lists_text(lists)
            via = " through DefaultDestDir" if dest.origin == "default" else ""
            where = place_text(dirid, dest.subdir)
            folded, _ = dest_place(dest)
            codes: tuple[int, ...] = (1322,)
            tolerated = "; tolerated by /h for now" if dirid in _H_EXCEPTIONS else ""
            if folded in (11, 12):
                text = (
                    f"{what} {be(lists)} copied{via} to {where}, which is "
                    f"{place(folded)} written through DIRID 10 (InfVerif 1322{tolerated}): "
                    f"copy the files to the driver store (DIRID 13) and {_READ_PATH}"
                )
            elif dirid in _PROGRAM_FILES:
                codes = (1322, 1306)
                text = (
                    f"{what} {be(lists)} copied{via} to {where}, outside the driver store "
                    f"and outside %SystemRoot% (InfVerif 1322, 1306{tolerated}): ship an "
                    "application as a Hardware Support App with AddSoftware, and copy any "
                    f"other file to the driver store (DIRID 13) and {_READ_PATH}"
                )
            elif dirid >= 32768 and dirid not in range(66000, 66005):
                codes = (1322, 1306)
                text = (
                    f"{what} {be(lists)} copied{via} to user DIRID {dirid}, a directory "
                    "only a co-installer can set (SetupSetDirectoryId), outside the driver "
                    "store (InfVerif 1322, 1306): copy the files to the driver store "
                    f"(DIRID 13) and {_READ_PATH}"
                )
            else:
                text = (
                    f"{what} {be(lists)} copied{via} to {where}, outside the driver store "
                    f"(InfVerif 1322{tolerated}): copy the files to the driver store "
                    f"(DIRID 13) and {_READ_PATH}; ship applications as a Hardware Support "
                    "App with AddSoftware"
                )
            yield self.diagnostic(entry, text, infverif=codes)
