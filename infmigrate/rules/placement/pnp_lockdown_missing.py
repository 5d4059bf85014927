"""ISO015 pnp-lockdown-missing."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.edits import append_lines, equals_column, make_entry
from infmigrate.engine.fields import replace_fields
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Edit,
    FixAvailability,
    FixContext,
    Fixer,
)
from infmigrate.engine.syntax import Entry

#: After which [Version] directives the new line goes, in order of preference.
_ANCHORS = ("catalogfile", "driverver")


@register
class PnpLockdownMissing(Fixer):
    """## What it does
    Flags a `[Version]` section without `PnpLockdown = 1`, or with another value.

    ## Why is this bad?
    `PnpLockdown = 1` tells Windows to protect the package's files from being modified or
    replaced by anything but a driver package update. Driver package isolation relies on
    it, and InfVerif reports its absence (1324): an error for Windows Drivers (`/w`), a
    warning for declarative and universal INFs.

    ## Example
    ```inf
    [Version]
    Signature   = "$Windows NT$"
    Class       = Net
    DriverVer   = 09/13/2026,1.0.0.0
    CatalogFile = net.cat
    ```

    Use instead:
    ```inf
    [Version]
    Signature   = "$Windows NT$"
    Class       = Net
    DriverVer   = 09/13/2026,1.0.0.0
    CatalogFile = net.cat
    PnpLockdown = 1
    ```

    ## Fix safety
    Adding the missing directive is safe: it is inserted after `CatalogFile` or `DriverVer`
    (else at the end of `[Version]`), in the spacing of the neighbouring lines, and nothing
    else changes. Changing an explicit `PnpLockdown = 0` to 1 is unsafe: the author chose
    0, and tools that patch the installed files in place would stop working.

    ## References
    - [Version section: PnpLockdown](https://learn.microsoft.com/windows-hardware/drivers/install/inf-version-section)
    - [InfVerif 1324](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO015"
    name = "pnp-lockdown-missing"
    message = "[Version] has no PnpLockdown = 1 directive"
    fix_title = "Add `PnpLockdown = 1` to [Version]"
    availability = FixAvailability.SOMETIMES
    infverif = (1324,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        blocks = [s for s in ctx.tree.sections if s.name.casefold() == "version"]
        if not blocks:
            return  # not an INF SetupAPI would load; other checks say so
        settings = [
            (block, e)
            for block in blocks
            for e in block.entries
            if (e.key or "").casefold() == "pnplockdown"
        ]
        if settings:
            block, entry = settings[-1]  # the last one wins
            value = entry.values[0].strip() if entry.values else ""
            if value == "1":
                return
            fix = self.make_fix(
                Edit.replace(entry, replace_fields(entry, {0: "1"})),
                title="Set `PnpLockdown = 1`",
                applicability=Applicability.UNSAFE,
            )
            yield self.diagnostic(entry, f"PnpLockdown is {value!r} instead of 1", fix)
            return
        block = blocks[-1]
        entries = block.entries
        like = next((e for e in reversed(entries) if e.key is not None), None)
        anchor: Entry | None = None
        for name in _ANCHORS:
            anchor = next((e for e in reversed(entries) if (e.key or "").casefold() == name), None)
            if anchor is not None:
                break
        newline = (like.newline if like is not None else "") or ctx.tree.newline
        line = make_entry(
            "PnpLockdown",
            ["1"],
            like=like or anchor,
            newline=newline,
            column=equals_column(entries),
        )
        if anchor is not None and anchor.newline:
            edit = Edit.insert_after(anchor, line)
        else:
            edit = append_lines(block, [line])
        yield self.diagnostic(block.header, fix=self.make_fix(edit))
