"""ISO038 multi-sz-append."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import RegKind, fold
from infmigrate.rules.registry._registry_report import codes, key_path
from infmigrate.rules.registry._registry_writes import RegistryWrites

FLG_ADDREG_APPEND = 0x8
FLG_DELREG_MULTI_SZ_DELSTRING = 0x18002
#: Filter lists, which ISO028 reports.
_FILTERS = frozenset({"upperfilters", "lowerfilters"})


@register
class MultiSzAppend(Fixer):
    """## What it does
    Flags registry lines that edit a `REG_MULTI_SZ` value in place instead of writing it
    whole: AddReg with `FLG_ADDREG_APPEND` (`0x00010008`), and DelReg with
    `FLG_DELREG_MULTI_SZ_DELSTRING` (`0x00018002`). Filter lists that AddReg appends to
    are left to ISO028.

    ## Why is this bad?
    The resulting list depends on what was there before and on the order in which
    packages install and update: the value is shared state that no package owns, and
    uninstalling does not undo the edit. InfVerif reports it for universal INFs and
    Windows Drivers (1305).

    ## Example
    ```inf
    [Cx_Reg]
    HKR,,Modes,0x00010008,"fast"
    ```

    Use instead: the whole value, in a key the package owns:
    ```inf
    [Cx_Reg]
    HKR,,Modes,0x00010000,"fast","safe"
    ```

    ## Fix safety
    There is no fix: only the author knows the complete list.

    ## References
    - [INF AddReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addreg-directive)
    - [INF DelReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-delreg-directive)
    - [InfVerif 1305](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO038"
    name = "multi-sz-append"
    message = "a registry line appends to or removes a string from a REG_MULTI_SZ value"
    infverif = (1305,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            flags = write.line.flags
            if flags is None:
                continue
            kind = write.section.kind
            name = write.value_name or "(default)"
            if kind is RegKind.ADD and flags & FLG_ADDREG_APPEND:
                if fold(write.value_name) in _FILTERS:
                    continue  # ISO028's
                what = f"strings are appended to REG_MULTI_SZ value {name} of {key_path(write)}"
            elif kind is RegKind.DEL and flags == FLG_DELREG_MULTI_SZ_DELSTRING:
                what = f"a string is removed from REG_MULTI_SZ value {name} of {key_path(write)}"
            else:
                continue
            text = (
                f"{what}: the result depends on what was there and on install order "
                f"{codes([1305])}; write the whole list (flags 0x00010000) in a key the "
                "package owns (HKR)"
            )
            yield self.diagnostic(write.line.ref, text)
