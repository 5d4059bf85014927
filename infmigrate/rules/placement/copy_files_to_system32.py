"""ISO001 copy-files-to-system32."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixAvailability, FixContext, Fixer, LineRef
from infmigrate.engine.syntax.nodes import Line
from infmigrate.rules.placement._driver_store import DriverStorePlans, MissingPlan, SharedFixes
from infmigrate.rules.placement._fixed_place import docs as fixed_place_docs
from infmigrate.rules.placement._messages import (
    blocked,
    missing_section,
    missing_together,
    place,
    unsafe,
)


@register
class CopyFilesToSystem32(Fixer):
    """## What it does
    Flags file lists that CopyFiles puts in System32 (DIRID 11) or System32\\drivers
    (DIRID 12), through their own `[DestinationDirs]` entry, `DefaultDestDir`, or a
    `CopyFiles=@file` copy, and moves them to the driver store (DIRID 13), rewriting every
    reference to the moved files in the same fix.

    ## Why is this bad?
    Driver package isolation runs a package's files from its own directory in the driver
    store. Files copied to System32 are shared with every other package and with Windows,
    survive the package's removal, and break side-by-side installs of two driver versions.
    InfVerif reports any destination other than 13 for Windows Drivers (1322).

    ## Example
    ```inf
    [DestinationDirs]
    Cx.Sys = 12
    [Cx_Svc]
    ServiceBinary = %12%\\cx.sys
    ```

    Use instead:
    ```inf
    [DestinationDirs]
    Cx.Sys = 13
    [Cx_Svc]
    ServiceBinary = %13%\\cx.sys
    ```

    ## Fix safety
    Safe. A list moves only when every file in it can run from the driver store: same name
    as its source (no rename), a known source subdirectory (which becomes the destination
    subdirectory, as InfVerif 1100 requires), no DelFiles or RenFiles of it, not copied
    anywhere else, no registry value loading it by bare name, no path to it inside a
    `[Strings]` value, and no consumer that looks for it in a fixed place (colour
    profiles, CNG and Winsock providers, print monitors...: the table below). Every path
    that names a moved file at its old place (ServiceBinary, registry values, any other
    field) is rewritten to `%13%\\<subdir>\\<file>` in the same fix, so nothing still
    points to System32. A list
    with a `.security` section moves by an **unsafe** fix that drops the section in the
    same fix (InfVerif 1101 rejects it with DIRID 13; the files then keep the driver
    store's access rights: ISO008); such a list gets its own `13` entry rather than
    moving with `DefaultDestDir`. A list that relies on `DefaultDestDir` gets its own
    entry, unless every list relying on it moves to the package root, in which case
    `DefaultDestDir` itself becomes 13.
    **Floors and the target.** Files run from the driver store from Windows 10 1709 (build
    16299) on, UMDF drivers from 1803 (17134), NetCfg components (Class NetService,
    NetTrans, NetClient) from 25319, network notify objects from 25341, file system
    minifilters from 25952 (`infmigrate --explain floors`). Each install section that
    reaches the list is selected on a range of builds (its Models decorations). When some
    of them can be selected below the floor of the list's stack:
    - the target (`--target-windows`, else the lowest build the INF's own Models sections
      allow) is at or above the floor: the same fix restricts those Models sections to the
      floor (`NTamd64` -> `NTamd64.10.0...16299`, as ISO011 does); nothing the package
      must support is lost. When two of them would get the same name (`NTamd64` and
      `NTamd64.6.1` of one line), or another reason keeps one from being decorated, the
      fix adds a downlevel branch instead, as below;
    - the target is below the floor: the fix adds a *downlevel branch*. Older builds keep
      everything as it is, byte for byte; the floor and later get a Models section
      decorated for it (the decoration added to the `[Manufacturer]` line) whose entries
      name a copy of the install tree (`Cx_Inst_16299.NT`, its `.Services`, `.HW`...:
      only sections whose lines differ are copied) with a copy of the list
      (`Cx.Sys_16299 = 13`) and the paths rewritten; a DefaultInstall gets its decorated
      form (`[DefaultInstall.NTamd64.10.0...25952]`), as Microsoft's minifilter samples
      do. The message says so and counts the sections copied;
    - every install section reaching the list is selected only below the floor, or only
      up to where a newer decoration of its `[Manufacturer]` line takes over (an INX that
      keeps a Windows 7 Models section, or the old branch of a downlevel branch): the
      list is left as it is and not reported, since DIRID 12 is right there. A second run
      after a branch changes nothing.
    A branch is not made (the reason is given) when the list's files also need a split by
    architecture or by folder, for a DefaultInstall without an architecture, or when a
    name is taken or comes from a `%strkey%`.
    **Per architecture.** The destination subdirectory is the folder the file comes
    from in the package on the architectures that install the list (the install
    sections that reach it, through decorated Models sections and DDInstall decorations):
    the `[SourceDisksNames.<arch>]` (else `[SourceDisksNames]`) path joined with the
    `[SourceDisksFiles.<arch>]` (else `[SourceDisksFiles]`) subdir, since SetupAPI uses
    the platform-specific sections when they match the platform (Authoring an INF File)
    and the subdir is relative to the disk's path (INF SourceDisksFiles section). A list
    reached only from architectures whose folders agree moves to `13,<that folder>`; a
    list reached from architectures with different folders is split, keeping what every
    architecture installs, so the split is safe:

    ```inf
    ; before
    [Manufacturer]
    %Mfg% = Std, NTARM, NTARM64
    [Std.NTARM]
    %Dev% = X_Device, ACPI\\X0001
    [Std.NTARM64]
    %Dev% = X_Device, ACPI\\X0001
    [SourceDisksFiles.ARM]
    x.sys = 1,arm
    [SourceDisksFiles.ARM64]
    x.sys = 1,arm64
    [DestinationDirs]
    Drivers_Dir = 12
    [X_Device.NT]
    CopyFiles = Drivers_Dir
    [X_Device.NT.Services]
    AddService = X, 0x2, X_Service_Inst
    [X_Service_Inst]
    ServiceBinary = %12%\\x.sys
    ; after
    [DestinationDirs]
    Drivers_Dir = 13,arm
    Drivers_Dir_arm64 = 13,arm64
    [X_Device.NT]
    CopyFiles = Drivers_Dir
    [X_Device.NTARM64]
    CopyFiles = Drivers_Dir_arm64
    [X_Device.NT.Services]
    AddService = X, 0x2, X_Service_Inst
    [X_Device.NTARM64.Services]
    AddService = X, 0x2, X_Service_Inst_arm64
    [X_Service_Inst]
    ServiceBinary = %13%\\arm\\x.sys
    [X_Service_Inst_arm64]
    ServiceBinary = %13%\\arm64\\x.sys
    ```

    Naming: the folder layout most architectures share (the first in architecture order
    on a tie) keeps the list's name; every other layout gets a copy of the list named
    `<list>_<folder>` with its own `13,<folder>` entry, and each section whose lines must
    differ (a service-install or registry section naming the file, a section naming one of
    those) a copy `<section>_<folder>`. A DDInstall section shared by architectures is
    copied, with every suffix section SetupAPI looks up from the decorated name (`.HW`,
    `.Services`, `.Wdf`, `.CoInstallers`, `.Interfaces`, `.Events`...), as
    `<install>.NT<arch>` for each architecture that needs other lines (a Models entry
    naming `X_Device.NT` is rewired to `X_Device` in that architecture's Models section).
    Sections that are the same on every architecture stay shared, and every copy is
    reached (no InfVerif 2083). The split is refused, with the reason, when it cannot keep
    each architecture's installation: a `CopyFiles=@file` copy, a path to the file inside
    a `[Strings]` value the architectures share, a name written through a `%strkey%`, an
    install section shared by architectures that is not a DDInstall (DefaultInstall,
    ClassInstall32), or files of one list in several folders on one architecture.

    Binaries that locate themselves or other files through a hard-coded System32 path
    must be changed as well (`IoGetDriverDirectory`, `GetModuleFileName`); the INF cannot
    show that.

    A `[DestinationDirs]` entry is rewritten only together with everything that uses it,
    read from every CopyFiles, DelFiles and RenFiles directive of the file, reached or not
    (an INX's `NT$ARCH$` decorations are resolved for x86, amd64, arm and arm64, as
    stampinf `-a` stamps them). `DefaultDestDir` becomes 13 only when every list it
    governs (lists with no entry of their own, `CopyFiles=@file` copies) moves with it,
    and at least one does; a DelFiles or RenFiles list, an `@file` copy or a list in a
    section no install reaches that relies on it keeps it as it is, and each list that
    moves gets its own `13` entry instead. A list's own entry is not rewritten when a
    DelFiles or RenFiles directive names the same list. The `DefaultDestDir` finding
    names the first ten reasons it stays and counts the others ("and 12 more"): each
    list that cannot move has its own finding saying why, except lists whose section
    does not exist: the lists of one line that are missing share one finding on that
    line, which names the first ten and counts the others (`file lists L1, L2 and 12 more
    are copied ...; they cannot move yet: their sections do not exist`), as a linter
    reports thousands of undefined names of one line (a line naming a single missing list
    keeps that list's own finding). A suppression comment on the line silences it.

    Flags DIRID 13 rejects (InfVerif 1103, "flag not allowed with a DIRID") are dropped
    from the moved file's CopyFiles entry in the same fix, other flags kept in their
    original notation (`0x00004002` becomes `0x00000002`; a field left at 0 is removed):

    - `0x4000` COPYFLG_IN_USE_RENAME: rejected with 13 by InfVerif 1103, as on
      Windows-driver-samples' `wdfsimpleum.inx` (`WdfSimpleUm.dll,,,0x00004000`) before
      its fix. It asks SetupAPI to replace a file in use at the next reboot, which the
      driver store never needs: each package version installs to its own directory
      (Run From Driver Store). The flag's own page is about UMDF binaries in System32.

    No other flag is documented as rejected: InfVerif's table describes 1103 only as "flag
    not allowed with a DIRID", and the CopyFiles directive page puts no DIRID limit on
    the COPYFLG values. `0x2` COPYFLG_NOSKIP is accepted with 13 (netvmini680 sample).
    Other flags are kept.
    A flags field that is not a number blocks the move.

    ## References
    - [Combining platform extensions with operating system versions](https://learn.microsoft.com/windows-hardware/drivers/install/combining-platform-extensions-with-operating-system-versions)
    - [INF Manufacturer section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-manufacturer-section)
    - [Manufacturer Section in a Network INF File](https://learn.microsoft.com/windows-hardware/drivers/network/manufacturer-section-in-a-network-inf-file)
      (`%ManufacturerName%=Standard,NT$ARCH$,NT$ARCH$.10.0...25319`: DIRID 13 in the
      newer Models section, the older one for every other build)
    - microsoft/Windows-driver-samples, filesys/miniFilter/*/*.inf: the downlevel
      `[DefaultInstall.NT$ARCH$]` copying `MiniFilterDownlevel.CopyDriverFiles` to DIRID 12
      and `[DefaultInstall.NT$ARCH$.10.0...25952]` copying `MiniFilter.DriverFiles` to 13
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [DestinationDirs section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-destinationdirs-section)
    - [InfVerif 1322, 1103](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    - [INF CopyFiles directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-copyfiles-directive)
    - [INF SourceDisksFiles section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-sourcedisksfiles-section)
    - [INF SourceDisksNames section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-sourcedisksnames-section)
    - Platform-specific SourceDisksNames/SourceDisksFiles sections: [Authoring an INF File](https://learn.microsoft.com/windows/win32/setupapi/authoring-an-inf-file)
    - [Combining Platform Extensions with Other Section Name Extensions](https://learn.microsoft.com/windows-hardware/drivers/install/combining-platform-extensions-with-other-section-name-extensions)
    - [InfVerif 1100, 2083](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    - [Avoiding reboot when updating a UMDF driver](https://learn.microsoft.com/windows-hardware/drivers/wdf/avoiding-reboot-when-updating-a-umdf-driver)
    - [STAMPINF command options](https://learn.microsoft.com/windows-hardware/drivers/devtest/stampinf-command-options)
    - Windows-driver-samples, `general/echo/umdf2/driver/*/wdfsimpleum.inx`
    """

    @classmethod
    def docs(cls) -> str:
        """The docstring, then the table of fixed-place consumers with its sources."""
        return f"{super().docs()}\n\n{fixed_place_docs()}"

    code = "ISO001"
    name = "copy-files-to-system32"
    message = "files are copied to System32 instead of the driver store (DIRID 13)"
    fix_title = "Copy the files to the driver store (DIRID 13) and update every reference"
    availability = FixAvailability.SOMETIMES
    infverif = (1322, 1103)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        result = ctx.analysis(DriverStorePlans)
        default = ctx.model.destination_dirs.default
        if (
            default is not None
            and default.dirid in (11, 12)
            and default.entry is not None
            and not result.default_old_only
        ):
            fix = self.make_fix(*result.default_edits) if result.default_edits else None
            yield self.diagnostic(
                default.entry,
                f"DefaultDestDir is {place(default.dirid, default.subdir)}, not the driver "
                f"store (DIRID 13){blocked('' if fix else result.default_blocked)}",
                fix,
            )
        # the place and the "through DefaultDestDir" of each destination, by identity
        # (thousands of lists may share one)
        places: dict[int, str] = {}
        fixes = SharedFixes(self)
        # Lists whose section does not exist, by the line that names them and their place:
        # one finding a line lists them all (a line may name thousands; consecutive plans
        # mostly share the line and place, looked up once).
        missing: dict[tuple[int, str], tuple[Line | LineRef, list[str]]] = {}
        out: list[Diagnostic | tuple[int, str]] = []
        last_at: object = None
        last_where = ""
        last_names: list[str] = []
        last_dest: object = None
        missing_plan: Any = MissingPlan  # (plans are read as ListPlans)
        for plan in result.legacy:
            fl = plan.file_list
            if type(plan) is missing_plan and fl.destination is last_dest and fl.entry is last_at:
                # (the missing-section case below, for the lists a line may name hundreds
                # of thousands of: same line and destination as the last one, one name
                # more)
                last_names.append(fl.name)
                continue
            dest = fl.destination
            origin = dest.origin
            if origin == "fallback":
                continue  # ISO012's case
            where = places.get(id(dest))
            if where is None:
                via = " through DefaultDestDir" if origin == "default" else ""
                where = places[id(dest)] = f"{via} to {place(dest.dirid, dest.subdir)}"
            at = dest.entry if origin == "explicit" else fl.entry
            if at is None:
                continue
            if missing_section(fl, plan.blocked):  # (blocked: never fixed)
                if at is last_at and where is last_where:
                    last_names.append(fl.name)
                    last_dest = dest
                    continue
                key = (id(at), where)
                group = missing.get(key)
                if group is None:
                    group = missing[key] = (at, [])
                    out.append(key)
                group[1].append(fl.name)
                last_at, last_where, last_names, last_dest = at, where, group[1], dest
                continue
            fix = fixes.of(plan) if plan.edits and not plan.blocked else None
            what = f"{fl.file} is" if fl.file is not None else f"file list {fl.name} is"
            drops = (
                "".join(
                    f"; the fix drops {flag}, which DIRID 13 rejects (InfVerif 1103), from "
                    f"{', '.join(files)}"
                    for flag, files in plan.dropped_flags.items()
                )
                if fix
                else ""
            )
            out.append(
                self.diagnostic(
                    at,
                    f"{what} copied{where} instead of the driver store (DIRID 13)"
                    f"{blocked(plan.reason())}{drops}{plan.build_note if fix else ''}"
                    f"{unsafe(plan.unsafe if fix else [])}",
                    fix,
                )
            )
        for item in out:
            if isinstance(item, Diagnostic):
                yield item
                continue
            line, lists = missing[item]
            where = f"{item[1]} instead of the driver store (DIRID 13)"
            yield self.diagnostic(
                line,
                missing_together(lists, where)
                if len(lists) > 1
                else f"file list {lists[0]} is copied{where}"
                f"{blocked(f'section [{lists[0]}] does not exist')}",
            )
