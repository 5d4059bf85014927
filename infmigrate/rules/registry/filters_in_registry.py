"""ISO028 filters-in-registry."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.edits import append_lines, make_entry, quote, unique_section_name
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Edit,
    Fix,
    FixAvailability,
    FixContext,
    Fixer,
)
from infmigrate.engine.floors import floor
from infmigrate.engine.model import Context, LogicalSection, RegKind, fold
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.syntax import Entry
from infmigrate.rules.placement._floors import InstallBuilds
from infmigrate.rules.registry._registry_report import (
    codes,
    describe,
    h_tolerated,
    insert_after,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites, RegWrite

_POSITIONS = {"upperfilters": "Upper", "lowerfilters": "Lower"}
FLG_ADDREG_TYPE_MULTI_SZ = 0x10000
FLG_ADDREG_NOCLOBBER = 0x2
FLG_ADDREG_APPEND = 0x8
#: `.Filters` and AddFilter are read from Windows 10 1903.
FILTERS_BUILD = floor("add-filter").build


@register
class FiltersInRegistry(Fixer):
    """## What it does
    Flags filter drivers installed by writing `UpperFilters` or `LowerFilters` with
    AddReg: with HKR in a DDInstall.HW section (a device filter), with HKR in
    `[ClassInstall32]` or an absolute `Control\\Class\\{guid}` path (a class filter). The
    unsafe fix turns a device filter that names a single service into
    `<DDInstall>.Filters` with `AddFilter` and a filter-install section giving
    `FilterPosition`.

    ## Why is this bad?
    The filter lists are shared with Windows and with every other package that filters the
    same device or class: a `REG_MULTI_SZ` written whole overwrites their entries, an
    appended one depends on install order, and nothing removes the entry with the
    package. From Windows 10 1903, `AddFilter` declares the filter and Plug and Play
    builds the list. InfVerif reports filters set through the registry for Windows
    Drivers (1329).

    ## Example
    ```inf
    [Cx_Inst.NTamd64.HW]
    AddReg = Cx_Filter_Reg
    [Cx_Filter_Reg]
    HKR,,UpperFilters,0x00010000,cxfilt
    ```

    Use instead:
    ```inf
    [Cx_Inst.NTamd64.HW]
    AddReg = Cx_Filter_Reg
    [Cx_Inst.NTamd64.Filters]
    AddFilter = cxfilt,,cxfilt_UpperFilter
    [cxfilt_UpperFilter]
    FilterPosition = Upper
    ```

    ## Fix safety
    Unsafe: AddFilter places the filter among the other device filters by position, not
    at the exact place of a hand-written list, and it is only read from Windows 10 1903
    (build 18362). The fix is offered for an HKR line of a DDInstall.HW section (subkey
    empty, flags `0x00010000`, optionally with NOCLOBBER `0x2` or APPEND `0x8`) that
    names one service, when every DDInstall reaching it is limited to build 18362 or
    later and has no AddFilter of that service yet; the line is removed and the
    `.Filters` section (created after `.HW` when missing) and the filter-install section
    are added. A line that lists several services is reported: their order would be
    lost. An add-registry section left empty stays, with its reference. Class filters are
    reported: only the INF of a class's own devices can declare its filters.

    ## References
    - [INF DDInstall.Filters section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-ddinstall-filters-section)
    - [INF AddFilter directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addfilter-directive)
    - [InfVerif 1305, 1329](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO028"
    name = "filters-in-registry"
    message = "a filter driver is installed by writing UpperFilters or LowerFilters"
    fix_title = "Declare the filter with AddFilter in the DDInstall's .Filters section"
    availability = FixAvailability.SOMETIMES
    infverif = (1329,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        taken: set[str] = set()
        for write in ctx.analysis(RegistryWrites):
            position = _POSITIONS.get(fold(write.value_name))
            if position is None or write.section.kind is not RegKind.ADD:
                continue
            contexts = {c.kind for c in write.section.contexts}
            flags = write.line.flags or 0
            numbers: list[int] = [1329]
            if flags & FLG_ADDREG_APPEND:
                numbers.append(1305)
            if write.kind is Kind.HKR and Context.HARDWARE_KEY in contexts:
                yield self._device(ctx, write, position, numbers, taken)
            elif (
                write.kind is Kind.HKR and Context.CLASS_KEY in contexts
            ) or write.kind is Kind.CLASS_KEY:
                tolerated = False
                if write.kind is Kind.CLASS_KEY:
                    numbers.append(1321)
                    tolerated = h_tolerated(write.root, write.subkey)
                path = (
                    "HKR (the setup class key of [ClassInstall32])"
                    if write.kind is Kind.HKR
                    else None
                )
                text = (
                    f"{describe(ctx, write, path)}, a class filter for every device of the "
                    f"class {codes(numbers, tolerated)}: declare filters for this "
                    "package's own devices with [<DDInstall>.Filters] AddFilter=<service>"
                    f",,<section> and FilterPosition={position} (or FilterLevel, a level "
                    "the class defines), from Windows 10 1903"
                )
                yield self._with_codes(self.diagnostic(write.line.ref, text), numbers)

    @staticmethod
    def _with_codes(diag: Diagnostic, numbers: list[int]) -> Diagnostic:
        return dataclasses.replace(diag, infverif=tuple(numbers))

    def _device(
        self, ctx: FixContext, write: RegWrite, position: str, numbers: list[int], taken: set[str]
    ) -> Diagnostic:
        model = ctx.model
        items = [(i, model.expand(v).strip()) for i, v in enumerate(write.line.data) if v.strip()]
        installs = [
            i for i in write.section.installs if i.kind == "ddinstall" and i.section is not None
        ]
        names = ", ".join(f"[{i.name}]" for i in installs) or "DDInstall"
        svc = items[0][1] if len(items) == 1 else "<service>"
        head = (
            f"{describe(ctx, write, 'HKR')} (the hardware key of {names}), which installs "
            f"{'filter ' + svc if len(items) == 1 else 'filters'} through the registry "
            f"{codes(numbers)}: declare {'it' if len(items) == 1 else 'each'} with "
            f"[{installs[0].name if installs else '<DDInstall>'}.Filters] AddFilter={svc},,"
            f"<section> and FilterPosition={position} (Windows 10 1903 and later)"
        )
        reason = _refusal(ctx, write, items, installs)
        fix = None
        if not reason:
            fix = self._fix(ctx, write, installs, position, items[0], taken)
        text = f"{head}; not fixed: {reason}" if reason else head
        return self._with_codes(self.diagnostic(write.line.ref, text, fix), numbers)

    def _fix(
        self,
        ctx: FixContext,
        write: RegWrite,
        installs: list[InstallSection],
        position: str,
        item: tuple[int, str],
        taken: set[str],
    ) -> Fix:
        model = ctx.model
        entry = write.line.ref.entry
        index, svc = item
        raw = entry.fields[4 + index].value if 4 + index < len(entry.fields) else quote(svc)
        if "\n" in raw or "\r" in raw or entry.has_unclosed_quote:
            raw = quote(svc)  # the written text only works where it was
        name = unique_section_name(model, f"{svc}_{position}Filter", taken)
        edits: list[Edit] = [Edit.delete(entry)]
        filter_section_placed = False
        for install in installs:
            hw = install.suffix("HW")
            existing = install.suffix("Filters")
            like = _like(hw) if existing is None else _like(existing)
            newline = (like.newline if like is not None else "") or ctx.tree.newline or "\r\n"
            add = make_entry("AddFilter", [raw, "", name], like=like, raw=True, newline=newline)
            position_line = make_entry("FilterPosition", [position], like=like, newline=newline)
            new: list[tuple[str, list[Entry]]] = []
            if existing is None:
                new.append((f"{install.name}.Filters", [add]))
                assert hw is not None  # the line is reached from this install's .HW section
                anchor = hw.blocks[-1]
            else:
                edits.append(append_lines(existing.blocks[-1], [add]))
                anchor = existing.blocks[-1]
            if not filter_section_placed:
                new.append((name, [position_line]))
                filter_section_placed = True
            if new:
                edits += insert_after(ctx, anchor, new)
        return self.make_fix(*edits, applicability=Applicability.UNSAFE)


def _like(section: LogicalSection | None) -> Entry | None:
    if section is None:
        return None
    return next((r.entry for r in reversed(section.entries) if r.key is not None), None)


def _refusal(
    ctx: FixContext, write: RegWrite, items: list[tuple[int, str]], installs: list[InstallSection]
) -> str:
    if write.refusal:
        return write.refusal
    flags = write.line.flags
    if (
        flags is None
        or write.line.type != "multi_sz"
        or flags & ~(FLG_ADDREG_TYPE_MULTI_SZ | FLG_ADDREG_NOCLOBBER | FLG_ADDREG_APPEND)
    ):
        return f"its flags ({write.line.flags_text.strip() or '0'}) are not a plain REG_MULTI_SZ"
    if write.subkey:
        return "it writes a subkey of the hardware key"
    if {c.kind for c in write.section.contexts} != {Context.HARDWARE_KEY}:
        return f"[{write.section.name}] is also reached from elsewhere than DDInstall.HW"
    if not items:
        return "it lists no service"
    if len(items) > 1:
        return (
            f"it lists {len(items)} services ({', '.join(s for _, s in items)}), whose "
            "order AddFilter would not keep"
        )
    if not installs:
        return "no DDInstall reaches it"
    svc = fold(items[0][1])
    for install in installs:
        if (
            any(d is None or d.allows_build_below(FILTERS_BUILD) for d in install.decorations)
            or not install.decorations
        ):
            return (
                f"[{install.name}] also installs before Windows 10 1903 (build "
                f"{FILTERS_BUILD}, the floor of AddFilter), which ignores .Filters: limit "
                f"its Models decoration to NT<arch>.10.0...{FILTERS_BUILD} first "
                f"({ctx.analysis(InstallBuilds).target_text})"
            )
        existing = install.suffix("Filters")
        if existing is not None and any(fold(r.value(0)) == svc for r in existing.get("AddFilter")):
            return f"[{existing.name}] already has an AddFilter for {items[0][1]}"
    return ""
