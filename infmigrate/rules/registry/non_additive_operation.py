"""ISO039 non-additive-operation."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import RegKind, fold
from infmigrate.engine.model.registry import FLG_ADDREG_DELVAL
from infmigrate.rules.registry._registry_report import codes, describe, reached_entries
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites

#: Where ISO020, ISO024 and ISO033 move AddReg writes to HKR; DelReg and BitReg lines
#: there are reported here, line by line, since those rules leave them alone.
_MIGRATED = frozenset({Kind.SERVICE_PARAMETERS, Kind.EVENTLOG, Kind.MEDIA_CATEGORIES})

_DIRECTIVES = {
    "delreg": (
        "deletes registry keys or values",
        "a package only adds state: drop it, and have the driver ignore values an "
        "older version left (or use a new value name)",
    ),
    "bitreg": (
        "changes bits of existing registry values",
        "write the whole value with AddReg in a key the package owns (HKR)",
    ),
    "delservice": (
        "deletes a service",
        "a package cannot remove services it did not add; drop it (a service goes "
        "away with the package that added it)",
    ),
    "delproperty": (
        "deletes device properties",
        "set the property with AddProperty instead of deleting it",
    ),
}


@register
class NonAdditiveOperation(Fixer):
    """## What it does
    Flags operations that remove or patch state instead of adding it: `DelReg`, `BitReg`,
    `DelService` and `DelProperty` directives in reached sections, AddReg lines with
    `FLG_ADDREG_DELVAL` (`0x4`), and each DelReg or BitReg line under an HKLM location
    whose AddReg writes ISO020, ISO024 and ISO033 move to HKR (a service's `Parameters`,
    an event-log source, a media category). DelFiles and RenFiles are ISO007's.

    No rule ever converts a DelReg or BitReg line, nor an AddReg line of a section that a
    DelReg or BitReg also names: as an AddReg line it would write what it deleted.

    ## Why is this bad?
    Driver package isolation relies on installs being additive: what a package adds is
    removed with it, and installing packages in another order gives the same result.
    Deleting or patching state another package (or Windows) owns breaks both. InfVerif
    reports these directives for universal INFs and Windows Drivers (1308/1309), and from
    22H2 a package that uses BitReg cannot be signed by Hardware Dev Center.

    ## Example
    ```inf
    [Cx_Inst.NTamd64]
    DelReg = Cx_OldSettings
    ```

    Use instead: nothing (drop the directive); have the driver ignore values an older
    version left, or give new values new names.

    ## Fix safety
    There is no fix: removing the directive changes what an upgrade leaves behind.

    ## References
    - [INF DelReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-delreg-directive)
    - [INF BitReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-bitreg-directive)
    - [Universal INF](https://learn.microsoft.com/windows-hardware/drivers/install/using-a-universal-inf-file)
    - [InfVerif 1308, 1309](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO039"
    name = "non-additive-operation"
    message = "the INF deletes or patches state instead of adding it"
    infverif = (1308, 1309)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        for section, ref in reached_entries(model, _DIRECTIVES):
            what, instead = _DIRECTIVES[fold(ref.key or "")]  # (reached_entries: keyed)
            names = ", ".join(v for v in ref.values if v)
            text = (
                f"{ref.key} = {names} in [{section.name}] {what}, which is not additive "
                f"{codes(['1308/1309'])}: {instead}"
            )
            yield self.diagnostic(ref, text)
        for write in ctx.analysis(RegistryWrites):
            flags = write.line.flags or 0
            if (
                write.section.kind is not RegKind.ADD
                and write.kind in _MIGRATED
                and write.root == "HKLM"
            ):
                text = (
                    f"{describe(ctx, write)} by {write.section.kind.value} section "
                    f"[{write.section.name}], which is not additive "
                    f"{codes(['1308/1309'])}: it is kept as it is (only AddReg writes move "
                    "to HKR); drop it, state under HKR goes away with the package"
                )
                yield self.diagnostic(write.line.ref, text)
                continue
            if write.section.kind is RegKind.ADD and flags & FLG_ADDREG_DELVAL:
                text = (
                    f"{describe(ctx, write)} (FLG_ADDREG_DELVAL), which is not additive "
                    f"{codes(['1308/1309'])}: drop the line; a package only adds state"
                )
                yield self.diagnostic(write.line.ref, text)
