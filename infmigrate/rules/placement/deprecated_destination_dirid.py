"""ISO010 deprecated-destination-dirid."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model.dirids import DiridClass, classify
from infmigrate.engine.model.files import ListKind
from infmigrate.rules.placement._copies import be, destination_groups, lists_text, place_text

#: Shell folders and the user profile: shortcuts and per-user data, an app's business.
_SHELL = frozenset({53, 16406, 16407, 16408, 16409, 16415, 16419, 16429, 16430})
_VERBS = {ListKind.COPY: "copied to", ListKind.DEL: "deleted from", ListKind.REN: "renamed in"}


@register
class DeprecatedDestinationDirid(Fixer):
    """## What it does
    Flags file lists whose `[DestinationDirs]` entry (their own or `DefaultDestDir`) uses a
    DIRID that WHQL no longer accepts from Windows 11 24H2: the source directory (1), the
    INF, help, fonts and viewers directories (17, 18, 20, 21), the disk roots and shared
    directories (24, 25, 30), the 16-bit system directory (50), the user profile (53), the
    loader directory (54), an absolute path (-1 or 65535), and the All Users shell folders
    (16406-16409, 16415, 16419, 16429, 16430).

    ## Why is this bad?
    These directories are outside the driver store, shared, or not there at all later (the
    source directory), and InfVerif reports them as not allowed (1340/1341, an error for
    Windows Drivers).

    ## Example
    ```inf
    [DestinationDirs]
    Cx.Help = 18
    Cx.Link = 16407,Contoso
    ```

    Use instead:
    ```inf
    [DestinationDirs]
    Cx.Help = 13
    ```
    with the files' consumers reading their full path from the device key, and shortcuts
    left to a Hardware Support App installed with `AddSoftware`. INF files are installed
    with `CopyINF`, never copied to DIRID 17.

    ## Fix safety
    There is no fix: where the files should go instead depends on who uses them.

    ## References
    - [Using DIRIDs](https://learn.microsoft.com/windows-hardware/drivers/install/using-dirids)
    - [INF CopyINF directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-copyinf-directive)
    - [InfVerif 1340, 1341](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO010"
    name = "deprecated-destination-dirid"
    message = "a file list uses a DIRID deprecated from Windows 11 24H2"
    infverif = (1340, 1341)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for entry, dest, lists in destination_groups(ctx.model, tuple(ListKind)):
            dirid = dest.dirid
            if dirid is None or classify(dirid) is not DiridClass.DEPRECATED:
                continue
            kinds = {fl.kind for fl in lists}
            verbs = [_VERBS[k] for k in ListKind if k in kinds]
            verb = " and ".join(verbs)
            via = " through DefaultDestDir" if dest.origin == "default" else ""
            if dirid == 17:
                instead = (
                    "install INF files with CopyINF, and copy other files to the "
                    "driver store (DIRID 13)"
                )
            elif dirid == 1:
                instead = (
                    "the source may be gone later; copy the files to the driver "
                    "store (DIRID 13) and use them from there"
                )
            elif dirid in _SHELL:
                instead = (
                    "leave shortcuts and user data to a Hardware Support App "
                    "installed with AddSoftware, and copy other files to the driver "
                    "store (DIRID 13)"
                )
            else:
                instead = (
                    "copy the files to the driver store (DIRID 13) and have their "
                    "consumers read a full path from the device or interface key"
                )
            yield self.diagnostic(
                entry,
                f"{lists_text(lists)} {be(lists)} {verb} {place_text(dirid, dest.subdir)}{via}, a "
                f"DIRID deprecated from Windows 11 24H2 (InfVerif 1340/1341): {instead}",
            )
