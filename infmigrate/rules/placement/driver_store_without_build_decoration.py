"""ISO011 driver-store-without-build-decoration."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.builds import WindowsVersion
from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Fix,
    FixAvailability,
    FixContext,
    Fixer,
)
from infmigrate.engine.model.decorations import ModelsSection
from infmigrate.engine.model.files import ListKind
from infmigrate.engine.model.ranges import BuildRanges
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.sections import fold
from infmigrate.engine.model.strings import StringTable
from infmigrate.engine.syntax import Entry
from infmigrate.rules.placement._branch import (
    decorate_each,
    decoration_plan,
    new_decoration,
    new_models_name,
    written_decoration,
)
from infmigrate.rules.placement._copies import installs_of
from infmigrate.rules.placement._floors import InstallBuilds, floor_text

#: Sections whose values are not install-time uses of a DIRID.
_VERBS = {ListKind.COPY: "copies", ListKind.DEL: "deletes", ListKind.REN: "renames"}
_SKIPPED = (
    "strings",
    "sourcedisksfiles",
    "sourcedisksnames",
    "destinationdirs",
    "version",
    "manufacturer",
)


@register
class DriverStoreWithoutBuildDecoration(Fixer):
    """## What it does
    Flags a `[Manufacturer]` decoration (or an undecorated Models section) that lets a
    Windows build below the floor of what a DDInstall section runs from the driver store
    install it: a file list copied to DIRID 13, or a `%13%` path. The floor is the first
    build that supports the install section's stack (`infmigrate --explain floors`): 16299
    (Windows 10 1709) for DIRID 13 in general, 17134 for a UMDF driver (a `UmdfService` in
    its `.Wdf` section), 25319 for a network component installed through NetCfg (Class
    NetService, NetTrans or NetClient), 25341 when it has a notify object
    (`HKR, Ndi, ClsID`/`ComponentDll`), 25952 for a file system minifilter (a service of
    type 2 in an `FSFilter` load order group). It offers to decorate the Models section
    `NT<arch>.10.0...<floor>`. The message says on which Windows versions the Models
    section is selected (its build range, computed as SetupAPI chooses among a
    `[Manufacturer]` line's decorations), the floor and the target in force
    (`--target-windows`, `target-windows`; by default the lowest version the INF's own
    decorations allow).

    ISO001 never creates this situation: when it moves a list into the driver store, it
    restricts the Models sections in the same fix (the target allows it) or adds a
    downlevel branch (it does not), and leaves alone a branch the INF keeps for older
    Windows (see `infmigrate --explain ISO001`). This rule reports DIRID 13 that the INF
    itself already uses.

    ## Why is this bad?
    Running files from the driver store is supported from the floor on; older builds
    would install the package with broken paths (a UMDF host that refuses the binary, a
    NetCfg install that fails). InfVerif requires every DDInstall that uses DIRID 13 to be
    reached only through a decoration limited to 16299 or later (1199).

    ## Example
    ```inf
    [Manufacturer]
    %Mfg% = Cx,NTamd64
    [Cx.NTamd64]
    %Cx.Desc% = Cx_Inst, ROOT\\CX
    [DestinationDirs]
    Cx.Sys = 13
    ```

    Use instead:
    ```inf
    [Manufacturer]
    %Mfg% = Cx,NTamd64.10.0...16299
    [Cx.NTamd64.10.0...16299]
    %Cx.Desc% = Cx_Inst, ROOT\\CX
    ```
    To keep installing on older Windows, list both decorations and give the older one its
    own Models section and DDInstall sections that copy to System32 (see "Combining
    platform extensions with operating system versions"; "Manufacturer Section in a
    Network INF File" shows it for 25319: `Standard,NT$ARCH$,NT$ARCH$.10.0...25319`).

    ## Fix safety
    Safe when the target is at or above the floor: the builds the fix drops are ones the
    package need not install on. Unsafe otherwise: the package no longer installs on
    Windows builds between the target and the floor. The fix changes the decoration in
    place (keeping ProductType and SuiteMask) and renames the Models section's header; it
    is not offered when the decoration comes from a `[Strings]` token, when the new Models
    section name is already taken, when another Manufacturer entry or decoration shares the
    Models section, or for an undecorated Models section. The decorations of one
    `[Manufacturer]` line change in one fix (one for the safe ones, one for the unsafe
    ones), shared by their findings; of two that would get the same name (`NTamd64` and
    `NTamd64.6.1` both become `NTamd64.10.0...16299`), only the first changes.

    ## References
    - [INF Manufacturer section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-manufacturer-section)
    - [Combining platform extensions with operating system versions](https://learn.microsoft.com/windows-hardware/drivers/install/combining-platform-extensions-with-operating-system-versions)
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [Manufacturer Section in a Network INF File](https://learn.microsoft.com/windows-hardware/drivers/network/manufacturer-section-in-a-network-inf-file)
    - [Restricting the Loading Location of UMDF Drivers](https://learn.microsoft.com/windows-hardware/drivers/wdf/restricting-the-loading-location-of-umdf-drivers)
    - [InfVerif 1199](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    - microsoft/Windows-driver-samples, filesys/miniFilter/*/*.inf (DIRID 13 in
      `[DefaultInstall.NT$ARCH$.10.0...25952]`)
    """

    code = "ISO011"
    name = "driver-store-without-build-decoration"
    message = "a Models section that uses DIRID 13 allows Windows builds below its floor"
    fix_title = "Limit the Models section to the floor and later (NT<arch>.10.0...<floor>)"
    availability = FixAvailability.SOMETIMES
    infverif = (1199,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        uses = _driver_store_uses(ctx)
        if not uses:
            return
        builds = ctx.analysis(InstallBuilds)
        # One finding per Manufacturer decoration: (entry, field index) -> models, installs.
        found: dict[tuple[int, int | None], tuple[ModelsSection, list[InstallSection]]] = {}
        for install in model.install_sections:
            if id(install) not in uses or install.kind != "ddinstall":
                continue
            at = builds.floor_of(install).version
            assert at is not None
            for models in install.models:
                if not builds.ranges.of_models(models).allows_below(at):
                    continue
                key = (id(models.manufacturer), models.index)
                slot = found.setdefault(key, (models, []))
                if install not in slot[1]:
                    slot[1].append(install)
        # (Models section, text, floor build, new decoration, whether the fix is safe)
        decorated: list[tuple[ModelsSection, str, int, str, bool]] = []
        for models, installs in sorted(
            found.values(), key=lambda f: (f[0].manufacturer.line, f[0].index or 0)
        ):
            install = max(installs, key=lambda i: builds.floor_of(i).build)
            top = builds.floor_of(install)
            build = top.build
            more = f" (and {len(installs) - 1} more)" if len(installs) > 1 else ""
            evidence = f"{install.name}{more} {uses[id(install)]}"
            selected = _selected(builds.ranges, models)
            needs = f"which needs {floor_text(top)[:-1]}; InfVerif 1199; {builds.target_text})"
            deco = models.decoration
            if deco is None:
                how = "falls back to" if models.implicit else "names"
                text = (
                    f"[Manufacturer] {how} the undecorated Models section [{models.name}], "
                    f"which is selected on {selected}, but {evidence}, {needs}: decorate it "
                    f"NTx86.10.0...{build} (or NT<arch>.10.0...{build}), and give "
                    "older Windows a separate decorated Models section without DIRID 13 "
                    '("Combining platform extensions with operating system versions")'
                )
                yield self.diagnostic(models.manufacturer, text)
                continue
            raw = written_decoration(models)
            new = new_decoration(
                raw[0] if isinstance(raw, tuple) and "%" not in raw[0] else deco.raw, build
            )
            text = (
                f"Manufacturer decoration {deco.raw} lets [{models.name}] install on "
                f"Windows builds below {build} (it is selected on {selected}), but "
                f"{evidence}, {needs}: use {new}, and give older Windows a separate "
                'decorated Models section without DIRID 13 ("Combining platform '
                'extensions with operating system versions")'
            )
            safe = builds.target >= WindowsVersion(10, 0, build)
            decorated.append((models, text, build, new, safe))
        fixes = self._fixes(ctx, [(m, build, new, safe) for m, _, build, new, safe in decorated])
        # the columns of each [Manufacturer] line's fields, measured once a line (measured
        # for each finding, a line of thousands of decorations was quadratic: issue 18)
        columns: dict[int, list[int]] = {}
        for models, text, _, _, _ in decorated:
            mref = models.manufacturer
            column = 1
            if models.index is not None:
                line = columns.get(id(mref.entry))
                if line is None:
                    line = columns[id(mref.entry)] = _columns(mref.entry)
                column = line[models.index]
            yield self.diagnostic(mref, text, fixes.get(id(models)), column=column)

    def _fixes(
        self, ctx: FixContext, todo: list[tuple[ModelsSection, int, str, bool]]
    ) -> dict[int, Fix]:
        """The fix of each Models section that can be decorated (by identity): one per
        ``[Manufacturer]`` line and applicability, shared by its findings (a fix per
        decoration would rewrite the line, one applied a round). A decoration whose new
        name an earlier one of this round takes (``NTamd64`` and ``NTamd64.6.1`` both
        become ``NTamd64.10.0...16299``) has none: the next round says that it exists."""
        model = ctx.model
        groups: dict[tuple[int, bool], list[tuple[ModelsSection, int, str]]] = {}
        taken: set[str] = set()
        for models, build, new, safe in todo:
            name = new_models_name(models, build)
            if isinstance(decoration_plan(model, models, build), str) or name is None:
                continue
            if fold(name) in taken:
                continue
            taken.add(fold(name))
            key = (id(models.manufacturer.entry), safe)
            groups.setdefault(key, []).append((models, build, new))
        out: dict[int, Fix] = {}
        for (_, safe), group in groups.items():
            edits = decorate_each(model, [(m, build) for m, build, _ in group])
            if isinstance(edits, str):  # (the names are told apart above)
                continue
            fix = self.make_fix(
                *edits,
                title="Decorate " + ", ".join(f"[{m.name}] {new}" for m, _, new in group),
                applicability=Applicability.SAFE if safe else Applicability.UNSAFE,
            )
            out.update((id(m), fix) for m, _, _ in group)
        return out


def _selected(ranges: BuildRanges, models: ModelsSection) -> str:
    """Where a Models section is selected, for messages (``any Windows version``)."""
    return str(ranges.of_models(models))


def _driver_store_uses(ctx: FixContext) -> dict[int, str]:
    """For every install section that uses DIRID 13 (by identity): how, for messages."""
    model = ctx.model
    uses: dict[int, str] = {}
    for fl in model.file_lists:
        if fl.destination.dirid != 13:
            continue
        verb = _VERBS[fl.kind]
        what = (
            f"{verb} {fl.file} to DIRID 13"
            if fl.file is not None
            else f"{verb} file list {fl.name} to DIRID 13"
        )
        for install in fl.installs:
            uses.setdefault(id(install), what)
    strings = model.strings
    # Without a [Strings] value that holds %13%, only a value that writes 13 can name it.
    via_strings = any("%13%" in text for text in strings.table().values())
    for section in model.sections:
        if section.folded.split(".")[0] in _SKIPPED:
            continue
        installs: tuple[InstallSection, ...] | None = None
        for entry in section.entry_nodes():  # (no EntryRef for each entry of the file)
            if not any(
                _names_dirid_13(v, strings)
                for v in entry.cooked_values
                if "%" in v and (via_strings or "13" in v)
            ):
                continue
            if installs is None:
                installs = installs_of(ctx, section)
            for install in installs:
                uses.setdefault(id(install), f"names %13% in [{section.name}] line {entry.line}")
            break
    return uses


def _names_dirid_13(value: str, strings: StringTable) -> bool:
    """Whether a value uses the ``%13%`` token (directly or through a [Strings] value)."""
    for piece in strings.pieces(value):
        if piece.kind == "unresolved" and piece.token.strip() == "13":
            return True
        if piece.kind == "string" and "%13%" in piece.text:
            return True
    return False


def _columns(entry: Entry) -> list[int]:
    """The 1-based column of each field of an entry (1 for one not on its first line)."""
    head = entry.indent + (entry.key_node.code if entry.key_node is not None else "")
    width = len(head)
    broken = "\n" in head or "\r" in head
    columns: list[int] = []
    for f in entry.fields:
        before = f.whitespace_before
        broken = broken or "\n" in before or "\r" in before
        columns.append(1 if broken else width + len(before) + 1)
        code = f.code
        broken = broken or "\n" in code or "\r" in code
        width += len(code)
    return columns
