"""ISO029 co-installer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from infmigrate.engine.builds import ANY_WINDOWS, WindowsVersion
from infmigrate.engine.builds import describe as describe_version
from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Edit,
    Fix,
    FixAvailability,
    FixContext,
    Fixer,
)
from infmigrate.engine.model import (
    InfModel,
    InstallSection,
    ListKind,
    LogicalSection,
    RegKind,
    fold,
)
from infmigrate.engine.model.ranges import build_ranges, target_in_force
from infmigrate.rules.registry._frameworks import (
    WINUSB_FLOOR,
    CoInstallerDll,
    classify_dll,
    first_inbox,
    parse_framework_version,
    versions_table,
)
from infmigrate.rules.registry._registry_report import codes, describe, first_ddinstall
from infmigrate.rules.registry._registry_writes import RegistryWrites

_VALUES = frozenset({"coinstallers32", "installer32"})
_CODEVICEINSTALLERS = "system\\currentcontrolset\\control\\codeviceinstallers"
_LIST_KEYS = ("copyfiles", "delfiles", "renfiles")
#: Windows 10 1507, the first release of Windows 10.0.
_FIRST_W10 = WindowsVersion(10, 0, 10240)


@register
class CoInstaller(Fixer):
    """## What it does
    Flags co-installers and class installers: every `<DDInstall>.CoInstallers` section
    that is reached, and every AddReg line that registers one (`CoInstallers32`,
    `Installer32`, or a value under `Control\\CoDeviceInstallers`). A `.CoInstallers`
    section that only registers framework co-installers (KMDF `WdfCoInstallerMMmmm.dll`,
    UMDF `WudfUpdate_MMmmm.dll` and the inbox `WUDFCoinstaller.dll`, WinUSB
    `WinUsbCoInstaller*.dll`) is removed, with what only it uses.

    ## Why is this bad?
    A co-installer is a DLL that Windows runs in the device installation process: code
    outside the declarative INF model, which Hardware Dev Center has not signed since
    January 2023 and which `/k`, `/u` and `/w` reject (InfVerif 1300 for the section, 1303
    for the registration). A co-installer DLL loaded by its bare name through
    `CoInstallers32` also keeps its file list in System32 (ISO004): removing it lets the
    rest of the package move to the driver store in the same run.

    ## Example
    ```inf
    [Cx_Inst.NT.CoInstallers]
    AddReg    = Cx_CoInstaller_AddReg
    CopyFiles = Cx_CoInstaller_CopyFiles
    [Cx_CoInstaller_AddReg]
    HKR,,CoInstallers32,0x00010000,"WdfCoInstaller01011.dll,WdfCoInstaller"
    [Cx_CoInstaller_CopyFiles]
    WdfCoInstaller01011.dll
    [Cx_Inst.NT.Wdf]
    KmdfService = cx, Cx_wdfsect
    [Cx_wdfsect]
    KmdfLibraryVersion = 1.11
    ```

    Use instead: nothing. The `.CoInstallers` section, its AddReg section and its
    CopyFiles list go, with the list's `[DestinationDirs]` entry and the DLL's
    `[SourceDisksFiles]` entry when nothing else uses them; the `.Wdf` section and its
    `KmdfService`/`UmdfService` directives stay (they say which framework version the
    driver binds to). An application a co-installer starts ships as a Hardware Support
    App with `AddSoftware`; settings a co-installer writes go into the INF (HKR) or the
    driver.

    ## Fix safety
    A framework co-installer installs or updates KMDF/UMDF (or WinUSB) when the running
    Windows lacks the version the driver asks for (`KmdfLibraryVersion`,
    `UmdfLibraryVersion` of its wdf-service-install section, else the version in the
    DLL's name), and does nothing where Windows ships that version ("Removing
    co-installers": not needed on any Windows 10 or later). So the fix is safe when every
    build the DDInstall can be selected on, from the target on (`--target-windows`, by
    default the lowest build the INF's own Models decorations allow), ships that version
    (the table below); unsafe otherwise, saying which builds lack it: there, the driver
    would not load once the co-installer is gone. A version set by stampinf
    (`$KMDFVERSION$`) is not known here: unsafe. The WinUSB co-installer is removed only
    when the DDInstall already has `Include = winusb.inf` and `Needs = WINUSB.NT`, and
    only from Windows 10 on.

    There is no fix for a section with a third-party co-installer (what it does is in its
    code), with other directives (`Include`/`Needs`...), or whose AddReg sections or
    CopyFiles lists hold anything else: they are reported, saying which. A co-installer DLL
    that another file list copies is removed from that list when the list keeps other
    files; this is what lets ISO001 move the rest of that list.

    ## References
    - [Removing co-installers](https://learn.microsoft.com/windows-hardware/drivers/develop/removing-coinstallers)
    - [KMDF version history](https://learn.microsoft.com/windows-hardware/drivers/wdf/kmdf-version-history)
    - [UMDF version history](https://learn.microsoft.com/windows-hardware/drivers/wdf/umdf-version-history)
    - [INF DDInstall.CoInstallers section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-ddinstall-coinstallers-section)
    - [Declarative INF (DCH)](https://learn.microsoft.com/windows-hardware/drivers/develop/dch-principles-best-practices)
    - [InfVerif 1300, 1303](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    - Microsoft's own migrations, microsoft/Windows-driver-samples: commit e5b59393 "Remove
      wudfrd and WDF coinstaller from sample" (wpd/WpdBasicHardwareDriver), 853fbfdb
      "Biousb coinstaller remove" (biometrics/driver), f7a5f2d7 (gnss/gnssUmdf: the
      `WUDFCoinstaller.dll` registration dropped), 91785e7a "Remove coinstaller references
      to sensors inf files" ([https://github.com/microsoft/Windows-driver-samples/commit/e5b59393](https://github.com/microsoft/Windows-driver-samples/commit/e5b59393))
    """

    @classmethod
    def docs(cls) -> str:
        """The docstring, then the framework versions table with its sources."""
        return f"{super().docs()}\n\n{versions_table()}"

    code = "ISO029"
    name = "co-installer"
    message = "the INF installs a co-installer or class installer"
    fix_title = "Remove the framework co-installer (the framework is inbox)"
    availability = FixAvailability.SOMETIMES
    infverif = (1300, 1303)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        plans = _plan(ctx)
        # One fix per applicability, shared by its findings (see _edits).
        fixes: dict[Applicability, Fix] = {}
        for applicability in (Applicability.SAFE, Applicability.UNSAFE):
            group = [p for p in plans if not p.refusal and p.applicability is applicability]
            if group:
                edits = _edits(model, group, plans)
                fixes[applicability] = self.make_fix(*edits, applicability=applicability)
        for plan in plans:
            section, install = plan.section, plan.installs[0]
            fix = None
            if plan.refusal:
                text = (
                    f"[{section.name}] runs co-installers, code outside the declarative "
                    f"INF {codes([1300])}: remove the section; the WDF and WinUSB "
                    "co-installers are not needed (the frameworks are inbox), an "
                    f"application goes into a Hardware Support App ([{install.name}."
                    "Software] AddSoftware), and settings go into the INF (HKR) or the "
                    f"driver; not fixed: {plan.refusal}"
                )
            else:
                names = ", ".join(d.name for d in plan.dlls.values()) or "nothing"
                text = (
                    f"[{section.name}] registers only framework co-installers ({names}) "
                    f"{codes([1300])}: remove it, with the AddReg sections and CopyFiles "
                    "lists only it uses; a .Wdf section stays"
                )
                fix = fixes[plan.applicability]
                if plan.applicability is Applicability.UNSAFE:
                    text += f"; unsafe: {plan.unsafe}"
            yield self.diagnostic(section.blocks[0].header, text, fix, infverif=(1300,))
        for write in ctx.analysis(RegistryWrites):
            if write.section.kind is not RegKind.ADD:
                continue
            name = fold(write.value_name)
            folded = write.subkey.casefold()
            if name in _VALUES:
                dlls = [model.expand(d).strip() for d in write.line.data if d.strip()]
            elif write.root == "HKLM" and folded.startswith(_CODEVICEINSTALLERS):
                dlls = [model.expand(d).strip() for d in write.line.data if d.strip()]
                name = "coinstallers32"
            else:
                continue
            listed = ", ".join(f'"{d}"' for d in dlls) or "a DLL"
            what = "class installer" if name == "installer32" else "co-installer"
            kinds = [_kind(d) for d in dlls]
            advice: list[str] = []
            if "wdf" in kinds:
                advice.append(
                    "the WDF co-installer can go: KMDF and UMDF are inbox, and the "
                    ".Wdf section's KmdfLibraryVersion/UmdfLibraryVersion says which "
                    "version the driver needs"
                )
            if "winusb" in kinds:
                advice.append(
                    "the WinUSB co-installer can go: WinUSB is inbox (Include="
                    "winusb.inf with Needs=WINUSB.NT and WINUSB.NT.Services)"
                )
            if what == "class installer":
                advice.append(
                    "Windows Drivers may not define class installers; use a "
                    "Microsoft-defined class, and the INF's AddReg/AddProperty"
                )
            elif "other" in kinds or not kinds:
                advice.append(
                    "move what the DLL does into the INF (HKR, AddProperty) or the "
                    "driver, and ship any application as a Hardware Support App "
                    f"([{first_ddinstall(write)}.Software] AddSoftware)"
                )
            instead = "; ".join(advice)
            text = (
                f"{describe(ctx, write)}, which registers {what} {listed} {codes([1303])}: "
                f"{instead}"
            )
            yield self.diagnostic(write.line.ref, text, infverif=(1303,))


@dataclass
class _Plan:
    """What removing one ``.CoInstallers`` section takes, and whether it is safe."""

    section: LogicalSection
    installs: list[InstallSection]
    #: Why there is no fix ("" when there is one).
    refusal: str = ""
    applicability: Applicability = Applicability.SAFE
    #: Why the fix is unsafe.
    unsafe: str = ""
    #: AddReg sections and CopyFiles lists it names (folded name -> section or None).
    addregs: dict[str, LogicalSection] = field(default_factory=dict)
    lists: dict[str, LogicalSection] = field(default_factory=dict)
    #: ``CopyFiles = @file`` names (folded) it copies.
    at_files: list[str] = field(default_factory=list)
    #: The co-installer DLLs (folded file names).
    dlls: dict[str, CoInstallerDll] = field(default_factory=dict)


def _plan(ctx: FixContext) -> list[_Plan]:
    """One plan per reached ``.CoInstallers`` section, in file order."""
    model = ctx.model
    plans: dict[int, _Plan] = {}
    for install in model.install_sections:
        section = install.suffix("CoInstallers")
        if section is None:
            continue
        plan = plans.get(id(section))
        if plan is None:
            plans[id(section)] = plan = _Plan(section, [])
        plan.installs.append(install)
    if not plans:
        return []
    ranges = build_ranges(model.manufacturers, model.install_sections)
    target, target_text = target_in_force(ctx.settings.target_windows, ranges)
    for plan in plans.values():
        plan.refusal = _contents(model, plan)
        if plan.refusal:
            continue
        low = max(
            [target]
            + [r.lowest for i in plan.installs if (r := ranges.of_install(i)).lowest is not None]
        )
        if low.major == _FIRST_W10.major and low.build < _FIRST_W10.build:
            low = _FIRST_W10  # "10.0" without a build: no 10.0 release predates 10240
        _safety(model, plan, low, target_text)
    return sorted(plans.values(), key=lambda p: p.section.line)


def _contents(model: InfModel, plan: _Plan) -> str:
    """Read what the section names; why it cannot be removed ("" when it can)."""
    expand = model.strings.expand
    for ref in plan.section.entries:
        key = fold(ref.key or "")
        if key not in ("addreg", "copyfiles"):
            return (
                f"[{plan.section.name}] line {ref.line} is not an AddReg or CopyFiles "
                "directive; move what it does elsewhere first"
            )
        for value in ref.values:
            name = expand(value).strip()
            if not name:
                continue
            if key == "copyfiles" and name.startswith("@"):
                plan.at_files.append(fold(name[1:].strip()))
                continue
            target = model.section(name)
            if target is None:
                return f"[{name}] does not exist"
            (plan.addregs if key == "addreg" else plan.lists)[fold(name)] = target
    for section in plan.addregs.values():
        for ref in section.entries:
            values = [expand(v).strip() for v in ref.values]
            if (
                ref.key is not None
                or len(values) < 5
                or fold(values[0]) != "hkr"
                or values[1].strip("\\")
                or fold(values[2]) != "coinstallers32"
            ):
                return (
                    f"[{section.name}] line {ref.line} is not a CoInstallers32 "
                    "registration; move what it writes elsewhere first"
                )
            for data in values[4:]:
                dll_name = data.split(",", 1)[0].strip()
                if not dll_name:
                    continue
                dll = classify_dll(dll_name)
                if dll is None:
                    return (
                        f"{dll_name} is a third-party co-installer: what it does is in its "
                        "code, to move into the INF or the driver first"
                    )
                plan.dlls[fold(dll_name)] = dll
    if not plan.dlls and any(s.entries for s in plan.lists.values()):
        return "its CopyFiles lists copy files no CoInstallers32 value names"
    for section in plan.lists.values():
        for ref in section.entries:
            file_name = fold(expand(ref.values[0] if ref.values else (ref.key or "")).strip())
            if ref.key is not None or file_name not in plan.dlls:
                return (
                    f"[{section.name}] line {ref.line} copies another file than the "
                    "co-installers; copy it from the DDInstall section first"
                )
    for file_name in plan.at_files:
        if file_name not in plan.dlls:
            return f"[{plan.section.name}] also copies {file_name}"
    return ""


def _safety(model: InfModel, plan: _Plan, low: WindowsVersion, target_text: str) -> None:
    """Decide the fix's applicability: safe when every build from ``low`` on ships the
    framework version the driver asks for."""
    expand = model.strings.expand
    installs = {id(i) for i in plan.installs}
    asked: dict[str, list[tuple[str, tuple[int, int] | None]]] = {"kmdf": [], "umdf": []}
    for wdf in model.wdf_services:
        if wdf.section is None or not any(id(i) in installs for i in wdf.installs):
            continue
        framework = "umdf" if wdf.umdf else "kmdf"
        key = "UmdfLibraryVersion" if wdf.umdf else "KmdfLibraryVersion"
        ref = wdf.section.first(key)
        if ref is not None and ref.values:
            text = expand(ref.values[0]).strip()
            asked[framework].append((f"{key} {text}", parse_framework_version(text)))
    floors: list[tuple[WindowsVersion, str]] = []
    unknown: list[str] = []
    for dll in plan.dlls.values():
        if dll.framework == "winusb":
            if not _includes_winusb(model, plan):
                plan.refusal = (
                    f"{dll.name} is the WinUSB co-installer, and the DDInstall does not "
                    "reference WinUSB with Include = winusb.inf / Needs = WINUSB.NT "
                    '("Removing co-installers"); add them first'
                )
                return
            floors.append((WINUSB_FLOOR, f"{dll.name} (WinUSB) is not needed from Windows 10"))
            continue
        versions = asked[dll.framework] or (
            [(f"{dll.name}", dll.version)] if dll.version is not None else []
        )
        if not versions:
            unknown.append(f"the {dll.framework.upper()} version {dll.name} installs is unknown")
        for what, version in versions:
            if version is None:
                unknown.append(f"{what} is set at build time (stampinf), not known here")
                continue
            first = first_inbox(dll.framework, version)
            label = f"{dll.framework.upper()} {version[0]}.{version[1]}"
            if first is None:
                unknown.append(f"no released Windows ships {label} ({what})")
            else:
                floors.append((first, f"{label} ({what}) is inbox from {describe_version(first)}"))
    where = "any Windows version" if low == ANY_WINDOWS else f"builds from {describe_version(low)}"
    if unknown:
        plan.applicability = Applicability.UNSAFE
        plan.unsafe = (
            "; ".join(dict.fromkeys(unknown))
            + f", and the DDInstall installs on {where} ({target_text})"
        )
        return
    lacking = [text for first, text in floors if low < first]
    if lacking:
        plan.applicability = Applicability.UNSAFE
        plan.unsafe = (
            f"the DDInstall installs on {where} ({target_text}), but "
            + "; ".join(dict.fromkeys(lacking))
            + ": there the co-installer provides the framework"
        )


def _includes_winusb(model: InfModel, plan: _Plan) -> bool:
    """Whether every DDInstall of the plan has Include=winusb.inf and Needs=WINUSB.NT."""
    expand = model.strings.expand
    for install in plan.installs:
        section = install.section
        if section is None:
            return False
        includes = {
            fold(expand(v).strip())
            for ref in section.entries
            if fold(ref.key or "") == "include"
            for v in ref.values
        }
        needs = {
            fold(expand(v).strip())
            for ref in section.entries
            if fold(ref.key or "") == "needs"
            for v in ref.values
        }
        if "winusb.inf" not in includes or "winusb.nt" not in needs:
            return False
    return True


def _edits(model: InfModel, group: list[_Plan], plans: list[_Plan]) -> list[Edit]:
    """Remove the sections of ``group`` (the plans of one applicability) and what only
    they (or the removals applied with them) use, in one fix: removals that share an
    AddReg section or a list would otherwise each keep it for the other, or both delete
    it."""
    expand = model.strings.expand
    applicability = group[0].applicability
    # Sections whose references do not count: the group's, and the other removals that
    # are applied whenever the group is (a safe one always; an unsafe one with unsafe ones).
    going = {
        id(p.section)
        for p in plans
        if not p.refusal
        and (p.applicability is Applicability.SAFE or applicability is Applicability.UNSAFE)
    }
    named: dict[str, set[str]] = {"addreg": set(), "list": set()}
    for section in model.sections:
        if id(section) in going:
            continue
        for ref in section.entries:
            key = fold(ref.key or "")
            if key == "addreg":
                slot = named["addreg"]
            elif key in _LIST_KEYS:
                slot = named["list"]
            else:
                continue
            slot.update(fold(expand(value).strip()) for value in ref.values)
    edits: list[Edit] = []
    addregs: dict[str, LogicalSection] = {}
    lists: dict[str, LogicalSection] = {}
    dlls: dict[str, CoInstallerDll] = {}
    for plan in group:
        edits += [Edit.delete_section(b) for b in plan.section.blocks]
        addregs.update(plan.addregs)
        lists.update(plan.lists)
        dlls.update(plan.dlls)
    for name, section in addregs.items():
        if name not in named["addreg"]:
            edits += [Edit.delete_section(b) for b in section.blocks]
    removed_lists = {name for name in lists if name not in named["list"]}
    # Lists that the other removals applied with the group take away.
    others_lists = {
        name
        for p in plans
        if id(p.section) in going and p not in group
        for name in p.lists
        if name not in named["list"]
    }
    dd = model.destination_dirs
    for name in sorted(removed_lists):
        edits += [Edit.delete_section(b) for b in lists[name].blocks]
        dest = dd.explicit_folded(name)
        if dest is not None and dest.entry is not None:
            edits.append(Edit.delete(dest.entry.entry))
    # The DLLs: a CopyFiles list that stays and holds other files too loses their lines
    # (nothing loads them once the registration is gone, and they kept that list in
    # System32); a list of nothing but co-installers is left as it is.
    copied: set[str] = set()
    done: set[int] = set()
    for fl in model.file_lists:
        if fl.section is None or fold(fl.name) in removed_lists | others_lists:
            continue
        ours = [c for c in fl.files if fold(expand(c.source_name).strip()) in dlls]
        others = [c for c in fl.files if all(c is not o for o in ours)]
        if fl.kind is ListKind.COPY and ours and others and fl.file is None:
            for c in ours:
                if c.entry is not None and id(c.entry.entry) not in done:
                    done.add(id(c.entry.entry))
                    edits.append(Edit.delete(c.entry.entry))
            copied.update(fold(expand(c.source_name).strip()) for c in others)
        else:
            copied.update(fold(expand(c.source_name).strip()) for c in fl.files)
    gone = [d for d in dlls if d not in copied]
    if gone:
        for section in model.sections:
            if not section.folded.startswith("sourcedisksfiles"):
                continue
            for ref in section.entries:
                if ref.key is not None and fold(expand(ref.key).strip()) in gone:
                    edits.append(Edit.delete(ref.entry))
    return edits


def _kind(dll: str) -> str:
    """``wdf`` (a KMDF or UMDF co-installer), ``winusb``, or ``other``."""
    found = classify_dll(dll.split(",", 1)[0])
    if found is None:
        return "other"
    return "winusb" if found.framework == "winusb" else "wdf"
