"""ISO007 del-files-or-ren-files."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.analysis import Analysis
from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Fix,
    FixAvailability,
    FixContext,
    Fixer,
)
from infmigrate.engine.model import fold
from infmigrate.engine.model.files import FileList, ListKind
from infmigrate.engine.model.reach import Reference
from infmigrate.rules.placement._cleanup import (
    FILE_DIRECTIVES,
    cleanup_edits,
    kept_because,
)
from infmigrate.rules.placement._copies import place_text
from infmigrate.rules.placement._driver_store import DriverStorePlans

_KINDS = {"delfiles": ListKind.DEL, "renfiles": ListKind.REN}
#: How many file names a message lists.
_SHOWN = 3


@register
class DelFilesOrRenFiles(Fixer):
    """## What it does
    Flags every `DelFiles` and `RenFiles` directive the INF runs, naming the list, its
    files and the directory it works on. Aimed at the driver store (DIRID 13), it is an
    error.

    ## Why is this bad?
    Deleting or renaming installed files is a legacy, non-additive operation: it is not
    allowed in universal INFs nor for Windows Drivers (InfVerif 1300-1302, 1308, 1309), and
    it is forbidden on files in the driver store (1102), which the store adds and removes
    with their package. In a migrated package, deleting files is only ever cleanup of what
    an older version left in System32; it is not needed for the new package to work, and
    it also keeps ISO001 from moving a file of the same name.

    ## Example
    ```inf
    [Cx_Inst.NT]
    CopyFiles = Cx.Sys
    DelFiles  = Cx.Old
    [Cx.Old]
    cxold.sys
    ```

    Use instead:
    ```inf
    [Cx_Inst.NT]
    CopyFiles = Cx.Sys
    ```
    with `Cx.Sys` copied to the driver store (DIRID 13). Ship a renamed file under its final
    name instead of renaming it with `RenFiles`.

    ## Fix safety
    Unsafe: the fix removes the directive, every value of the line the rule flags (the
    whole line when nothing else is left on it) in one fix that the line's findings
    share, with the other DelFiles (or RenFiles) directives naming the same lists that
    are cleanup too or that no install section runs, and, when no CopyFiles, DelFiles or
    RenFiles directive names a list any more, the list section and its
    `[DestinationDirs]` entry (so no section is left that nothing reaches, InfVerif
    2083). What an older version left in System32 then stays there, and a RenFiles no
    longer renames an old file out of the way. Once it is gone, the lists it kept in
    System32 move to the driver store (ISO001: a file named by DelFiles or RenFiles, or a
    list whose `[DestinationDirs]` entry or `DefaultDestDir` it shares, cannot move while
    it is there, so that a DelFiles aimed at a file the package copies never ends up
    deleting from DIRID 13). The fix is offered only for cleanup of an older install, a
    directive that an install section of this INF (DDInstall, DefaultInstall,
    ClassInstall32) runs; one that a `DefaultUninstall` section runs is the package's own
    uninstall for Windows before 1903 (`LegacyUninstall=1`, as the WDK minifilter samples
    keep it for their downlevel branch) and stays, with the reason.

    Microsoft's pages say what these directives are for: DelFiles should never name a
    file a CopyFiles also names (SetupAPI may skip copying a signed file already there,
    yet delete it), and InfVerif's 1308/1309 explain that "when a driver is deleted from
    the system, the appropriate operations to clean up the driver will be automatically
    performed".

    ## References
    - [INF DelFiles directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-delfiles-directive)
    - [INF RenFiles directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-renfiles-directive)
    - [Using a universal INF file](https://learn.microsoft.com/windows-hardware/drivers/install/using-a-universal-inf-file)
    - [InfVerif 1102, 1300-1302, 1308/1309](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings):
      1102 "Invalid directive <value>, cannot be used with DIRID <value>", 1300-1302
      "Found legacy ...", 1308/1309 the non-additive operations
    - [Creating a primitive driver](https://learn.microsoft.com/windows-hardware/drivers/develop/creating-a-primitive-driver),
      Legacy Compatibility (`LegacyUninstall=1`)
    - Windows-driver-samples, `filesys/miniFilter/passThrough/passThrough.inf`: DelFiles
      and DelService kept in `[DefaultUninstall.NT$ARCH$]`, with `LegacyUninstall = 1`
    """

    code = "ISO007"
    name = "del-files-or-ren-files"
    message = "DelFiles or RenFiles deletes or renames installed files"
    fix_title = "Remove the directive (and the list it alone names)"
    availability = FixAvailability.SOMETIMES
    infverif = (1102, 1300, 1301, 1302, 1308, 1309)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        seen: set[tuple[int, int]] = set()
        # (reference, its list, text, InfVerif codes), in order; and each directive
        # line's flagged references, whose one fix the line's findings share
        found: list[tuple[Reference, FileList | None, str, tuple[int, ...]]] = []
        by_line: dict[int, list[Reference]] = {}
        # (the plain fields of a CopyFiles line are not read: a line may name hundreds of
        # thousands of lists)
        for ref in model.references.without_plain(
            lambda line: (line.entry.key or "").casefold() in _KINDS
        ):
            kind = _KINDS.get(ref.directive.casefold())
            if kind is None or ref.kind not in ("file_list", "copy_file"):
                continue
            key = (id(ref.entry), ref.index)
            if key in seen:
                continue
            seen.add(key)
            fl = model.file_list(("@" if ref.kind == "copy_file" else "") + ref.name, kind)
            dest = fl.destination if fl is not None else model.destination_dirs.resolve(ref.name)
            where = place_text(dest.dirid, dest.subdir, dest.raw)
            if fl is None or fl.missing:
                what = f"list {ref.name} (no such section)"
            else:
                names = [
                    c.dest_name if kind is ListKind.DEL else f"{c.source_name} to {c.dest_name}"
                    for c in fl.files
                ]
                shown = ", ".join(names[:_SHOWN]) + (", ..." if len(names) > _SHOWN else "")
                what = f"list {fl.name} ({shown})" if names else f"list {fl.name} (empty)"
            verb, prep = ("deletes", "from") if kind is ListKind.DEL else ("renames", "in")
            if dest.dirid == 13:
                text = (
                    f"{ref.directive} {verb} {what} {prep} the driver store (DIRID 13), which "
                    "InfVerif forbids (1102): remove the directive; the driver store "
                    "adds and removes a package's files with the package"
                )
                codes: tuple[int, ...] = (1102,)
            elif kind is ListKind.DEL:
                text = (
                    f"{ref.directive} {verb} {what} from {where}, a legacy non-additive "
                    "operation (InfVerif 1300-1302, 1308/1309) that is only cleanup of "
                    "files an older version left behind: remove the directive, and copy the "
                    "package's own files to the driver store (DIRID 13), which removes "
                    "them with the package"
                )
                codes = (1300, 1301, 1302, 1308, 1309)
            else:
                text = (
                    f"{ref.directive} {verb} {what} in {where}, a legacy non-additive "
                    "operation (InfVerif 1300-1302, 1308/1309): ship each file under "
                    "its final name and copy it to the driver store (DIRID 13) instead"
                )
                codes = (1300, 1301, 1302, 1308, 1309)
            found.append((ref, fl, text, codes))
            by_line.setdefault(id(ref.entry), []).append(ref)
        # Whether a directive is cleanup depends on its line only: all of a line's
        # findings are fixed, by one fix, or none is.
        fixes: dict[int, Fix | None] = {}
        kept: dict[int, str] = {}
        for line, refs in by_line.items():
            kept[line] = kept_because(ctx, refs[0].entry)
            fixes[line] = None if kept[line] else self._fix(ctx, refs)
        for ref, fl, text, codes in found:
            line = id(ref.entry)
            if kept[line]:
                text += f"; not fixed: {kept[line]}"
            else:
                held = _held_back(ctx, fl)
                if held:
                    text += f"; it keeps {held} from moving to the driver store (ISO001)"
                text += "; the fix removes it (unsafe: what an older version left there stays)"
            yield self.diagnostic(ref.entry, text, fixes[line], infverif=codes)

    def _fix(self, ctx: FixContext, refs: list[Reference]) -> Fix:
        """One fix for a directive line: it removes every value of it that the rule
        flags (the whole line when none is left), and the lists no directive names any
        more. A fix per value would rewrite the same line: one would apply per round."""
        entry = refs[0].entry
        edits = cleanup_edits(
            ctx,
            entry,
            [r.index for r in refs if r.kind == "file_list"],
            frozenset({fold(refs[0].directive)}),
            FILE_DIRECTIVES,
            lambda other: kept_because(ctx, other),
            files=[r.index for r in refs if r.kind == "copy_file"],  # @file: no section
        )
        return self.make_fix(*edits, applicability=Applicability.UNSAFE)


def _held_back(ctx: FixContext, fl: FileList | None) -> str:
    """The CopyFiles lists that a file of the DelFiles/RenFiles list keeps from moving:
    those copying a file of the same name (either side of a rename), or sharing the
    list's name (and so its ``[DestinationDirs]`` entry)."""
    if fl is None or fl.missing:
        return ""
    expand = ctx.model.strings.expand
    names = {fold(expand(c.dest_name)) for c in fl.files}
    names |= {fold(expand(c.source_name)) for c in fl.files if fl.kind is ListKind.REN}
    by_list, by_file = ctx.analysis(BlockedLists)
    found = set(by_list.get(fold(fl.name), ()))
    for name in names:
        found.update(by_file.get(name, ()))
    if not found:
        return ""
    legacy = ctx.analysis(DriverStorePlans).legacy
    held = [legacy[i].file_list.name for i in sorted(found)]
    return (
        "list " + ", ".join(dict.fromkeys(held))
        if len(held) == 1
        else ("lists " + ", ".join(dict.fromkeys(held)))
    )


class BlockedLists(Analysis[tuple[dict[str, list[int]], dict[str, list[int]]]]):
    """The driver-store plans that cannot move a list (not an ``@file`` copy), as places
    in :attr:`DriverStorePlans.legacy`: by the list's name, and by each file name it
    copies (folded, expanded). Looked up for each DelFiles/RenFiles list (issue 18: each
    one scanned every plan and its files, quadratic in thousands of such lists)."""

    requires = (DriverStorePlans,)

    @classmethod
    def compute(cls, ctx: FixContext) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        expand = ctx.model.strings.expand
        by_list: dict[str, list[int]] = {}
        by_file: dict[str, list[int]] = {}
        for i, plan in enumerate(ctx.analysis(DriverStorePlans).legacy):
            other = plan.file_list
            if not plan.blocked or other.file is not None:
                continue
            by_list.setdefault(fold(other.name), []).append(i)
            for name in {fold(expand(c.dest_name)) for c in other.files}:
                by_file.setdefault(name, []).append(i)
        return by_list, by_file
