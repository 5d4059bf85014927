"""ISO039 non-additive-operation."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Fix,
    FixAvailability,
    FixContext,
    Fixer,
)
from infmigrate.engine.model import RegKind, fold
from infmigrate.engine.model.registry import FLG_ADDREG_DELVAL, RegLine
from infmigrate.engine.model.sections import EntryRef
from infmigrate.rules.placement._cleanup import (
    REG_DIRECTIVES,
    cleanup_edits,
    kept_because,
    remove_values,
)
from infmigrate.rules.placement._copies import installs_of
from infmigrate.rules.registry._registry_report import codes, describe, reached_entries
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites

#: Values whose deletion changes a device's stack, not only clears leftovers.
_FILTER_VALUES = frozenset({"upperfilters", "lowerfilters"})
#: DelReg flag: delete the whole subkey (INF DelReg Directive).
FLG_DELREG_KEYONLY_COMMON = 0x2000
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
    Unsafe, for `DelReg` and `DelService` directives that only clean up after an older
    install: the fix removes the directive (the whole line), with the other DelReg
    directives naming the same sections that are cleanup too or that no install section
    runs, and each DelReg section no AddReg, DelReg or BitReg names any more (so no
    section is left that nothing reaches, InfVerif 2083). What the older version left then
    stays on the system. Microsoft documents this purpose: a del-registry section is "to
    clean stale registry information from a previous installation", and "the only
    services that can be safely deleted are those that were used only in earlier
    versions of the operating system" (INF DelReg / DelService Directive, Remarks). The
    directive stays, with the reason, when it has another purpose:

    - a `DefaultUninstall` section runs it: the package's own uninstall for Windows before
      1903 (`LegacyUninstall=1`, as the WDK minifilter samples keep `DelService` there),
      unless the target build (`--target-windows`, by default the lowest build the INF's
      decorations allow) is 1903 or later, where uninstalling a primitive driver undoes
      its install ("Creating a primitive driver");
    - `DelService` names a service this INF installs (AddService): a reset of the
      package's own service, not cleanup of an older one;
    - a line of the DelReg section deletes a key or value that an AddReg of this INF
      writes (same root, the same value, or a key holding it; for HKR, an AddReg reached
      from the same install section, since HKR is another key in another one): a reset of
      the package's own state before it is written again;
    - a line deletes `UpperFilters` or `LowerFilters`: left in place, a filter an older
      version registered would stay in the device's stack (more than leftovers; the
      DelReg page's own example), so the author decides when to drop it.

    BitReg, DelProperty and `FLG_ADDREG_DELVAL` lines patch or delete current state and
    have no fix; nor do the DelReg lines reported one by one (their section goes with the
    directive).

    ## References
    - [INF DelReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-delreg-directive)
    - [INF BitReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-bitreg-directive)
    - [Universal INF](https://learn.microsoft.com/windows-hardware/drivers/install/using-a-universal-inf-file)
    - [INF DelService directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-delservice-directive)
    - [Creating a primitive driver](https://learn.microsoft.com/windows-hardware/drivers/develop/creating-a-primitive-driver),
      Legacy Compatibility
    - [InfVerif 1302, 1308, 1309](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings):
      1302 "Found legacy <value> operation for '<value>'" ("deleting a service or deleting
      a file"), 1308/1309 "INF files should only perform the additive operations
      required to configure the device"
    """

    code = "ISO039"
    name = "non-additive-operation"
    message = "the INF deletes or patches state instead of adding it"
    fix_title = "Remove the cleanup directive"
    availability = FixAvailability.SOMETIMES
    infverif = (1308, 1309)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        for section, ref in reached_entries(model, _DIRECTIVES):
            directive = fold(ref.key or "")  # (reached_entries: keyed)
            what, instead = _DIRECTIVES[directive]
            names = ", ".join(v for v in ref.values if v)
            text = (
                f"{ref.key} = {names} in [{section.name}] {what}, which is not additive "
                f"{codes(['1308/1309'])}: {instead}"
            )
            fix = None
            if directive in ("delreg", "delservice"):
                kept = _kept(ctx, ref, directive)
                if kept:
                    text += f"; not fixed: {kept}"
                else:
                    fix = self._fix(ctx, ref, directive)
                    text += "; the fix removes it (unsafe: what an older version left stays)"
            yield self.diagnostic(ref, text, fix)
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

    def _fix(self, ctx: FixContext, ref: EntryRef, directive: str) -> Fix:
        if directive == "delservice":  # DelService=name[,flags...]: one per line
            edits = [remove_values(ref, range(len(ref.values)))]
        else:
            edits = cleanup_edits(
                ctx,
                ref,
                range(len(ref.values)),
                frozenset({"delreg"}),
                REG_DIRECTIVES,
                lambda other: _kept(ctx, other, "delreg"),
            )
        return self.make_fix(*edits, applicability=Applicability.UNSAFE)


def _kept(ctx: FixContext, ref: EntryRef, directive: str) -> str:
    """Why a DelReg or DelService directive is not only cleanup ("" when it is)."""
    kept = kept_because(ctx, ref)
    if kept:
        return kept
    model = ctx.model
    installs = installs_of(ctx, ref.section)
    if any(i.kind == "defaultuninstall" for i in installs):
        return ""  # an uninstall the target build no longer needs (kept_because)
    if directive == "delservice":
        name = fold(model.expand(ref.value(0)).strip())
        if any(fold(model.expand(s.name)) == name for s in model.services if s.name):
            return (
                f"service {ref.value(0)} is one this INF installs (AddService): deleting "
                "it resets the package's own service, it does not remove one an older "
                "version left"
            )
        return ""
    mine = {id(i) for i in installs}
    wanted = {fold(model.expand(v).strip()) for v in ref.values if v.strip()}
    # (AddReg line, whether an install section of the DelReg's reaches it)
    adds = [
        (line, any(id(i) in mine for i in reg.installs))
        for reg in model.reg_sections
        if reg.kind is RegKind.ADD
        for line in reg.lines
    ]
    for reg in model.reg_sections:
        if reg.kind is not RegKind.DEL or fold(reg.name) not in wanted:
            continue
        for line in reg.lines:
            if fold(line.value_name.strip()) in _FILTER_VALUES:
                return (
                    f"[{reg.name}] line {line.ref.line} clears {line.value_name.strip()}: "
                    "left in place, a filter an older version registered would stay in "
                    "the device's stack; declare filters in a .Filters section (ISO028) "
                    "and drop this by hand once no older version is installed"
                )
            # HKR is another key in another install; an absolute root is the same key
            relative = fold(line.root.strip()) == "hkr"
            written = next(
                (
                    a
                    for a, same in adds
                    if (same or not relative) and _resets(model.expand, line, a)
                ),
                None,
            )
            if written is not None:
                return (
                    f"[{reg.name}] line {line.ref.line} deletes what [{written.ref.section.name}] "
                    f"line {written.ref.line} writes: a reset of the package's own state, "
                    "not cleanup of an older version's"
                )
    return ""


def _resets(expand: Callable[[str], str], deleted: RegLine, added: RegLine) -> bool:
    """Whether a DelReg line deletes what an AddReg line writes: the same root, and the
    same value of the same key, or a key that is (or holds) the written one."""
    if fold(deleted.root.strip()) != fold(added.root.strip()):
        return False
    key = fold(expand(deleted.subkey).strip().strip("\\"))
    written = fold(expand(added.subkey).strip().strip("\\"))
    name = deleted.value_name.strip()
    if name and not (deleted.flags or 0) & FLG_DELREG_KEYONLY_COMMON:  # one value
        return key == written and fold(expand(name)) == fold(expand(added.value_name.strip()))
    return not key or written == key or written.startswith(key + "\\")
