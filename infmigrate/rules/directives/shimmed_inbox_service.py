"""ISO057 shimmed-inbox-service."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.builds import WindowsVersion
from infmigrate.engine.builds import describe as describe_version
from infmigrate.engine.catalog import register
from infmigrate.engine.edits import append_lines, make_entry, make_section, valid_section_name
from infmigrate.engine.fixer import Diagnostic, Edit, FixAvailability, FixContext, Fixer
from infmigrate.engine.floors import floor
from infmigrate.engine.model import InfModel, InstallSection, LogicalSection, fold
from infmigrate.engine.model.ranges import build_ranges, target_in_force
from infmigrate.engine.model.services import ServiceInstall
from infmigrate.engine.syntax import Line, TriviaLine
from infmigrate.rules.registry._registry_report import codes

#: WudfRd.inf ships with Windows 11 and later ("Specifying the Reflector in an INF File").
WUDFRD_FLOOR = floor("wudfrd-inf")
_WUDFRD_VERSION = WindowsVersion(10, 0, WUDFRD_FLOOR.build)
#: SPSVCINST_ASSOCSERVICE: the service is the device's function driver.
_ASSOCSERVICE = 0x2
#: Keys of a reflector service-install section that WudfRd.inf's own section covers.
_PLAIN_KEYS = frozenset(
    {"displayname", "description", "servicetype", "starttype", "errorcontrol", "servicebinary"}
)
#: The reflector binary's inbox place, as the service-install section names it.
_INBOX_BINARIES = frozenset(
    {"%12%\\wudfrd.sys", "%10%\\system32\\drivers\\wudfrd.sys", "%11%\\drivers\\wudfrd.sys"}
)

#: Inbox services a package must not add itself: their inbox INF and its .Services
#: section, when known.
_INBOX = {
    "wudfrd": ("wudfrd.inf", "WUDFRD.NT.Services"),
    "winusb": ("winusb.inf", "WINUSB.NT.Services"),
    "mshidumdf": ("", ""),
    "mshidkmdf": ("", ""),
    "hidusb": ("", ""),
    "usbser": ("", ""),
}


@register
class ShimmedInboxService(Fixer):
    """## What it does
    Flags `AddService` lines that install an inbox service (the UMDF reflector `WUDFRd`,
    `WinUSB`, `mshidumdf`, `mshidkmdf`, `HidUsb`, `usbser`) with the package's own
    service-install section, instead of pulling in the inbox INF's definition with
    `Include` and `Needs`.

    ## Why is this bad?
    The service belongs to Windows: the package's copy of its configuration points at an
    inbox binary the package does not ship (InfVerif 2084 in older WDKs), overwrites
    Windows' own settings, and goes stale when Windows updates it. Current InfVerif
    replaces such directives with an inbox Include/Needs "shim" and reports it
    (2090-2093).

    ## Example
    ```inf
    [Cx_Inst.NTamd64.Services]
    AddService = WUDFRd,0x000001fa,WUDFRD_ServiceInstall
    [WUDFRD_ServiceInstall]
    ServiceType   = 1
    StartType     = 3
    ErrorControl  = 1
    ServiceBinary = %12%\\WUDFRd.sys
    ```

    Use instead:
    ```inf
    [Cx_Inst.NTamd64.Services]
    Include = wudfrd.inf
    Needs   = WUDFRD.NT.Services
    ```

    For the UMDF reflector as the device's function driver (`AddService = WUDFRd` with the
    `SPSVCINST_ASSOCSERVICE` flag 0x2, a service-install section of only the usual keys
    with `ServiceBinary = %12%\\WUDFRd.sys`), the DDInstall, its `.HW` and its `.Services`
    sections get the documented `Include = WUDFRD.inf` with `Needs = WUDFRD.NT`,
    `WUDFRD.NT.HW` and `WUDFRD.NT.Services` ("Specifying the Reflector in an INF File",
    "Referencing WudfRd.inf"), and the package's service-install section goes when no
    other AddService uses it.

    ## Fix safety
    WudfRd.inf ships only with Windows 11 and later (build 22000, the `wudfrd-inf` floor
    of `--explain floors`): the reflector fix is safe when every build the DDInstall can
    be selected on, from the target on, is 22000 or later, and there is none otherwise
    (the finding says which builds lack WudfRd.inf; keep the AddService for them, or
    raise the target). There is none either for the reflector as a filter (flags without
    0x2: the filter role, `WUDFRD_UpperFilter`/`WUDFRD_LowerFilter`, is the author's to
    choose), a service-install section with other keys (`AddReg`, `LoadOrderGroup`...:
    WudfRd.inf's section would drop them), or a section that already has Include or
    Needs. For the other inbox services there is no fix: the inbox INF's section may
    differ from the package's copy (flags, start type), and older Windows versions may
    lack it.

    ## References
    - [Specifying the Reflector in an INF File](https://learn.microsoft.com/windows-hardware/drivers/wdf/adding-the-reflector)
    - Microsoft's migrations in microsoft/Windows-driver-samples: commit e5b59393 "Remove
      wudfrd and WDF coinstaller from sample" (wpd/WpdBasicHardwareDriver), f7a5f2d7
      (gnss/gnssUmdf: Include/Needs WUDFRD.NT, .NT.HW and .NT.Services, Models decorated
      10.0...22000)
    - [INF Needs directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-needs-directive)
    - [Specifying WDF directives in INF files](https://learn.microsoft.com/windows-hardware/drivers/wdf/specifying-wdf-directives-in-inf-files)
    - [InfVerif 2084, 2090-2093](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO057"
    name = "shimmed-inbox-service"
    message = "an inbox service is installed by the package instead of through Include/Needs"
    fix_title = "Reference the inbox WudfRd.inf with Include/Needs"
    availability = FixAvailability.SOMETIMES
    infverif = (2090, 2091, 2092, 2093)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        found: list[tuple[ServiceInstall, str, list[InstallSection] | None]] = []
        ranges = None
        for svc in model.services:
            known = _INBOX.get(fold(svc.name.strip()))
            if known is None or not svc.section_name:
                continue
            inf, needs = known
            holder = svc.entry.section.name
            if inf == "wudfrd.inf":
                instead = (
                    "Include = WUDFRD.inf with Needs = WUDFRD.NT, WUDFRD.NT.HW and "
                    f"WUDFRD.NT.Services in the DDInstall, its .HW section and [{holder}] "
                    "(WudfRd.inf ships with Windows 11 and later)"
                )
            elif inf:
                instead = f"Include = {inf} and Needs = {needs} in [{holder}]"
            else:
                instead = (
                    f"Include = <the inbox INF that installs {svc.name}> and Needs = "
                    f"<its .Services section> in [{holder}]"
                )
            text = (
                f"AddService = {svc.name} installs inbox service {svc.name} with this "
                f"package's [{svc.section_name}] {codes(['2090-2093'])}: use {instead}, "
                "so that Windows' own definition of the service applies"
            )
            if fold(svc.name.strip()) != "wudfrd":
                found.append((svc, text, None))
                continue
            installs = _installs(model, svc)
            why = _reflector_refusal(model, svc, installs)
            if not why:
                if ranges is None:
                    ranges = build_ranges(model.manufacturers, model.install_sections)
                target, target_text = target_in_force(ctx.settings.target_windows, ranges)
                lows = [r.lowest for i in installs if (r := ranges.of_install(i)).lowest]
                low = max([target, *lows])
                if low < _WUDFRD_VERSION:
                    why = (
                        f"WudfRd.inf ships only with Windows 11 and later (build "
                        f"{WUDFRD_FLOOR.build}), and the DDInstall installs on builds from "
                        f"{describe_version(low)} ({target_text}): keep the AddService "
                        "for them, or raise the target"
                    )
            if why:
                found.append((svc, f"{text}; not fixed: {why}", None))
            else:
                found.append((svc, text, installs))
        # One fix for every reflector line, shared by their findings: lines that share a
        # service-install section (or a DDInstall) would otherwise each keep it, or
        # both edit it.
        fixable = [(svc, chosen) for svc, _, chosen in found if chosen is not None]
        fix = self.make_fix(*_reflector_edits(ctx, fixable)) if fixable else None
        for svc, text, chosen in found:
            yield self.diagnostic(svc.entry, text, fix if chosen is not None else None)


def _installs(model: InfModel, svc: ServiceInstall) -> list[InstallSection]:
    """The DDInstalls whose ``.Services`` section holds the AddService line."""
    holder = svc.entry.section
    return [
        i
        for i in model.install_sections
        if i.kind == "ddinstall" and i.section is not None and i.suffix("Services") is holder
    ]


def _reflector_refusal(model: InfModel, svc: ServiceInstall, installs: list[InstallSection]) -> str:
    """Why the reflector's AddService cannot become Include/Needs ("" when it can)."""
    if not installs:
        return f"[{svc.entry.section.name}] is not the .Services section of a DDInstall"
    if svc.flags is None or not svc.flags & _ASSOCSERVICE:
        return (
            "the reflector is a filter here (no SPSVCINST_ASSOCSERVICE flag 0x2): use "
            "Needs = WUDFRD_UpperFilter.NT... or WUDFRD_LowerFilter.NT... as the filter "
            "role requires"
        )
    section = svc.section
    if section is None:
        return f"[{svc.section_name}] does not exist"
    expand = model.strings.expand
    for ref in section.entries:
        key = fold(ref.key or "")
        if key not in _PLAIN_KEYS:
            return (
                f"[{section.name}] line {ref.line} sets {ref.key or 'a value'}, which "
                "WudfRd.inf's own section would not"
            )
        if key == "servicebinary":
            path = fold(expand(ref.values[0] if ref.values else "").strip())
            if path not in _INBOX_BINARIES:
                return f"[{section.name}] installs {path}, not the inbox WUDFRd.sys"
    holders: list[LogicalSection] = [svc.entry.section]
    for install in installs:
        assert install.section is not None  # _installs keeps only found sections
        holders.append(install.section)
        hw = install.suffix("HW")
        if hw is not None:
            holders.append(hw)
        elif not valid_section_name(f"{install.section.name}.HW"):
            return f"[{install.section.name}] has no .HW section, and its name cannot take one"
    for holder in holders:
        for ref in holder.entries:
            if fold(ref.key or "") in ("include", "needs"):
                return (
                    f"[{holder.name}] already has {ref.key} (line {ref.line}): add "
                    "WUDFRD.inf and its sections to it by hand"
                )
    others = [s for s in svc.entry.section.entries if fold(s.key or "") == "addservice"]
    if len(others) > 1:
        return f"[{svc.entry.section.name}] adds other services too"
    return ""


def _pair(like: LogicalSection, needs: str, newline: str) -> list[Line]:
    """``Include = WUDFRD.inf`` and ``Needs = <needs>`` in the style of ``like``."""
    entry = like.entries[0].entry if like.entries else None
    nl = (entry.newline if entry is not None else "") or newline
    return [
        make_entry("Include", ["WUDFRD.inf"], like=entry, newline=nl),
        make_entry("Needs", [needs], like=entry, newline=nl),
    ]


def _reflector_edits(
    ctx: FixContext, fixable: list[tuple[ServiceInstall, list[InstallSection]]]
) -> list[Edit]:
    """Replace each AddService line, add Include/Needs to each DDInstall and its .HW
    (created when missing), and drop each service-install section no one else uses."""
    model = ctx.model
    newline = ctx.tree.newline
    edits: list[Edit] = []
    done: set[int] = set()
    for svc, installs in fixable:
        edits.append(
            Edit.replace(svc.entry.entry, *_pair(svc.entry.section, "WUDFRD.NT.Services", newline))
        )
        for install in installs:
            section = install.section
            assert section is not None
            if id(section) in done:
                continue
            done.add(id(section))
            lines = _pair(section, "WUDFRD.NT", newline)
            hw = install.suffix("HW")
            if hw is not None:
                edits.append(append_lines(section.blocks[-1], lines))
                if id(hw) not in done:
                    done.add(id(hw))
                    edits.append(append_lines(hw.blocks[-1], _pair(hw, "WUDFRD.NT.HW", newline)))
                continue
            # No .HW section: a new one right after the DDInstall section.
            last = section.blocks[-1]
            body: list[Line] = _pair(section, "WUDFRD.NT.HW", newline)
            if bool(last.body) and type(last.body[-1]) is TriviaLine:
                body.append(TriviaLine("", "", newline))
            else:  # the section ran into the next one: a blank line before the new one
                lines.append(TriviaLine("", "", newline))
            edits.append(append_lines(last, lines))
            new = make_section(f"{section.name}.HW", body, newline=last.header.newline or newline)
            edits.append(Edit.insert_section(last, new))
    going = {id(svc) for svc, _ in fixable}
    deleted: set[int] = set()
    for svc, _ in fixable:
        target = svc.section
        if target is None or id(target) in deleted:
            continue
        users = [s for s in model.services if fold(s.section_name) == fold(svc.section_name)]
        if all(id(s) in going for s in users):
            deleted.add(id(target))
            edits += [Edit.delete_section(b) for b in target.blocks]
    return edits
