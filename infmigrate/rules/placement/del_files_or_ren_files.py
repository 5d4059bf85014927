"""ISO007 del-files-or-ren-files."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model.files import ListKind
from infmigrate.rules.placement._copies import place_text

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
    There is no fix: whether stale files of an older version must still be removed is the
    author's decision.

    ## References
    - [INF DelFiles directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-delfiles-directive)
    - [INF RenFiles directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-renfiles-directive)
    - [Using a universal INF file](https://learn.microsoft.com/windows-hardware/drivers/install/using-a-universal-inf-file)
    - [InfVerif 1102, 1300-1309](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO007"
    name = "del-files-or-ren-files"
    message = "DelFiles or RenFiles deletes or renames installed files"
    infverif = (1102, 1300, 1301, 1302, 1308, 1309)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        seen: set[tuple[int, int]] = set()
        for ref in model.references:
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
            yield self.diagnostic(ref.entry, text, infverif=codes)
