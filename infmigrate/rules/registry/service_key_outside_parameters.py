"""ISO022 service-key-outside-parameters."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.edits import quote
from infmigrate.engine.fields import replace_fields
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
from infmigrate.engine.model import Context, fold
from infmigrate.engine.model.ranges import build_ranges, target_in_force
from infmigrate.engine.model.registry import FLG_ADDREG_KEYONLY
from infmigrate.rules.registry._registry_report import (
    SERVICE_STATE_API,
    codes,
    describe,
    h_tolerated,
    isolation_code,
    service_names,
)
from infmigrate.rules.registry._registry_writes import SCM_VALUES, Kind, RegistryWrites, RegWrite
from infmigrate.rules.registry._service_moves import move_edits, refusal


@register
class ServiceKeyOutsideParameters(Fixer):
    """## What it does
    Flags registry lines that write (or delete) in the key of a service this INF installs
    but outside its `Parameters` subkey: `HKR` lines of an AddReg reached from a
    service-install section whose subkey is empty or does not start with `Parameters`,
    and `HKLM\\SYSTEM\\CurrentControlSet\\Services\\<svc>\\<other subkey or value>` lines.
    Values the service control manager owns (Start, Type, ImagePath...) are ISO021's.

    ## Why is this bad?
    Under driver package isolation a service's INF-supplied state lives only under
    `Parameters`, which the driver opens with
    `IoOpenDriverRegistryKey(DriverRegKeyParameters)` or
    `WdfDriverOpenParametersRegistryKey`, and a Win32 service with
    `GetServiceRegistryStateKey(ServiceRegistryStateParameters)`; the rest of the service
    key belongs to the service control manager. InfVerif reports HKR writes there for
    Windows Drivers (1323), and absolute HKLM paths as global writes (1320/1321).

    ## Example
    ```inf
    [Cx_Svc]
    AddReg = Cx_Svc_Reg
    [Cx_Svc_Reg]
    HKR,Settings,Mode,0x10001,1
    ```

    Use instead:
    ```inf
    [Cx_Svc_Reg]
    HKR,Parameters\\Settings,Mode,0x10001,1
    ```
    with the driver reading `Parameters\\Settings` through the APIs above.

    ## Fix safety
    Unsafe: the fix moves the value under `Parameters` (`HKR,,Value` becomes
    `HKR,Parameters,Value`, `HKR,Settings,...` becomes `HKR,Parameters\\Settings,...`, and an
    `HKLM\\...\\Services\\<svc>\\<rest>` line becomes `HKR,Parameters\\<rest>` in an AddReg of
    every service-install section of the service, as ISO020 moves `Parameters` lines),
    value name, flags and data kept. The driver must then read it there: a kernel driver
    with `IoOpenDriverRegistryKey(DriverRegKeyParameters)` (from 1803) or, in KMDF,
    `WdfDriverOpenParametersRegistryKey`, a Win32 service with
    `GetServiceRegistryStateKey(ServiceRegistryStateParameters)` (from 2004); an
    unchanged binary would no longer find it ("Porting an INF to follow driver package
    isolation": "the settings need to be moved under the service's Parameters subkey").

    Never moved, since Windows itself reads them in the service's key: the values of the
    service control manager (ISO021's list: `Start`, `Type`, `ErrorControl`, `ImagePath`,
    `DisplayName`, `Description`, `Group`, `Tag`, `DependOnService`, `DependOnGroup`,
    `ObjectName`, `Security`, `RequiredPrivileges`, `ServiceSidType`, `DelayedAutostart`,
    `FailureActions`, `BootFlags`) and its other ChangeServiceConfig2 settings
    (`FailureCommand`, `RebootMessage`, `FailureActionsOnNonCrashFailures`,
    `PreshutdownTimeout`, `LaunchProtected`), `Environment`, `WOW64`, `DeleteFlag`,
    `ServiceDll`, and the subkeys `TriggerInfo` (AddTrigger), `Security` (the
    `Security` directive), `Enum` (the PnP manager's list of the service's devices) and
    `Performance` (the performance DLL, "HKLM\\SYSTEM\\CurrentControlSet\\Services Registry
    Tree"). A minifilter's `SupportedFeatures` value and `Instances` subkey, which Filter
    Manager reads, move only when the target build (`--target-windows`, by default the
    lowest build the INF's decorations allow) is at least the minifilter floor (25952:
    "the following values should be under the Parameters subkey starting with Windows 11
    version 24H2", and the WDK minifilter samples' `10.0...25952` branch); below it the
    move is impossible (Filter Manager reads the service key there) and the line stays.

    Also refused, with the reason: a line of a section that a DelReg or BitReg names too,
    or that deletes (`FLG_ADDREG_DELVAL`); an HKR line of a section reached from anything
    other than service-install sections (HKR is another key there); a section with a
    `.security` section; and, for HKLM lines, what ISO020 refuses (a service name that
    differs by locale, different data on different install paths, a service-install
    section shared with another service).

    ## References
    - [Driver package isolation: registry state](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [IoOpenDriverRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-ioopendriverregistrykey)
    - [WdfDriverOpenParametersRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdriveropenparametersregistrykey)
    - [GetServiceRegistryStateKey](https://learn.microsoft.com/windows/win32/api/winsvc/nf-winsvc-getserviceregistrystatekey)
    - [Porting an INF to follow driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/porting-inf-to-windows-driver)
    - [HKLM\\SYSTEM\\CurrentControlSet\\Services Registry Tree](https://learn.microsoft.com/windows-hardware/drivers/install/hklm-system-currentcontrolset-services-registry-tree)
    - [Creating an INF file for a minifilter driver](https://learn.microsoft.com/windows-hardware/drivers/ifs/creating-an-inf-file-for-a-minifilter-driver)
    - [ChangeServiceConfig2](https://learn.microsoft.com/windows/win32/api/winsvc/nf-winsvc-changeserviceconfig2w)
    - [InfVerif 1320, 1321, 1323](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO022"
    name = "service-key-outside-parameters"
    message = "a registry line writes a service's key outside its Parameters subkey"
    fix_title = "Move the value under the service's Parameters subkey"
    availability = FixAvailability.SOMETIMES
    infverif = (1323,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        moves = _hklm_moves(self, ctx)
        for write in ctx.analysis(RegistryWrites):
            if write.kind is Kind.SERVICE_OTHER:
                svc = write.parts.get("svc", "")
                rest = write.parts.get("rest") or ""
                number = isolation_code(ctx, write)
                fix, why = moves.get(fold(svc), (None, ""))
                why = _os_owned(ctx, rest, write.value_name) or write.refusal or why
                text = (
                    f"{describe(ctx, write)}, service {svc}'s key outside its Parameters "
                    f"subkey {codes([number, 1323], h_tolerated(write.root, write.subkey))}"
                    f": {_instead(write, rest, svc)}{_outcome(why, fix)}"
                )
                yield self.diagnostic(
                    write.line.ref, text, None if why else fix, infverif=(number, 1323)
                )
            elif write.kind is Kind.HKR:
                services = service_names(write)
                sub = write.subkey
                if not services or fold(sub.split("\\")[0]) == "parameters":
                    continue
                if not sub and (
                    fold(write.value_name) in SCM_VALUES
                    or (write.line.flags or 0) & FLG_ADDREG_KEYONLY
                ):
                    continue  # ISO021's, or the service key itself
                path = "HKR\\" + sub if sub else "HKR"
                why = _os_owned(ctx, sub, write.value_name) or _hkr_refusal(write)
                fix = None if why else self._in_place(write)
                text = (
                    f"{describe(ctx, write, path)} in the key of service "
                    f"{', '.join(services)}, outside its Parameters subkey "
                    f"{codes([1323])}: {_instead(write, sub, services[0])}{_outcome(why, fix)}"
                )
                yield self.diagnostic(write.line.ref, text, fix)

    def _in_place(self, write: RegWrite) -> Fix:
        ref = write.line.ref
        cooked = ref.value(1).strip().strip("\\")
        subkey = "Parameters" + (f"\\{cooked}" if cooked else "")
        moved = replace_fields(ref.entry, {1: quote(subkey)}, keep_comment_column=True)
        return self.make_fix(Edit.replace(ref.entry, moved), applicability=Applicability.UNSAFE)


def _outcome(why: str, fix: Fix | None) -> str:
    if why in _NEVER:
        return ""  # the advice already says why
    if why:
        return f"; not fixed: {why}"
    if fix is None:
        return ""
    return "; the fix moves it there (unsafe: the binary must read it under Parameters)"


#: Subkeys of a service's key that Windows reads there (besides Parameters), with who.
_OS_SUBKEYS = {
    "triggerinfo": "the service control manager reads its triggers there (AddTrigger)",
    "security": "the service control manager keeps its security descriptor there "
    "(the Security directive)",
    "enum": "the PnP manager lists the service's devices there",
    "performance": "Windows reads the service's performance DLL there",
}
#: Values of a service's key that Windows reads there besides ISO021's SCM_VALUES: the
#: other ChangeServiceConfig2 settings the service control manager keeps in the key, and
#: what the SCM or svchost read at start.
_OS_VALUES = frozenset(
    {
        "failurecommand",
        "rebootmessage",
        "failureactionsonnoncrashfailures",
        "preshutdowntimeout",
        "launchprotected",
        "environment",
        "wow64",
        "deleteflag",
        "servicedll",
    }
)
#: Reasons of :func:`_os_owned` that the advice of :func:`_instead` already gives.
_NEVER = frozenset(_OS_SUBKEYS.values()) | {"the service control manager reads it there"}
#: What Filter Manager reads in a minifilter's key: under Parameters from the floor on.
_FILTER_MANAGER_SUBKEYS = frozenset({"instances"})
_FILTER_MANAGER_VALUES = frozenset({"supportedfeatures"})


def _os_owned(ctx: FixContext, sub: str, value_name: str) -> str:
    """Why Windows needs the value where it is ("" when only the binary reads it)."""
    first = fold(sub.split("\\")[0]) if sub else ""
    if first in _OS_SUBKEYS:
        return _OS_SUBKEYS[first]
    name = fold(value_name)
    if not first and (name in SCM_VALUES or name in _OS_VALUES):
        return "the service control manager reads it there"
    if first in _FILTER_MANAGER_SUBKEYS or (not first and name in _FILTER_MANAGER_VALUES):
        minifilter = floor("minifilter")
        model = ctx.model
        version, target = target_in_force(
            ctx.settings.target_windows, build_ranges(model.manufacturers, model.install_sections)
        )
        if minifilter.version is not None and version >= minifilter.version:
            return ""
        return (
            "Filter Manager reads it in the service's key on builds older than "
            f"{minifilter.build} ({target}), and under Parameters only from there on"
        )
    return ""


def _hkr_refusal(write: RegWrite) -> str:
    """Why an HKR line of a service-install AddReg cannot be rewritten in place."""
    if write.refusal:
        return write.refusal
    section = write.section
    others = sorted({c.kind.value for c in section.contexts if c.kind is not Context.SERVICE_KEY})
    if others:
        return f"[{section.name}] is also reached where HKR is another key ({', '.join(others)})"
    if section.security is not None:
        return f"[{section.name}] has a .security section"
    return ""


def _hklm_moves(rule: Fixer, ctx: FixContext) -> dict[str, tuple[Fix | None, str]]:
    """For each service (folded) with HKLM lines in its key outside Parameters that may
    move: the fix moving them all into an AddReg of its service-install sections, or why
    not."""
    model = ctx.model
    by_svc: dict[str, list[RegWrite]] = {}
    for write in ctx.analysis(RegistryWrites):
        if (
            write.kind is Kind.SERVICE_OTHER
            and write.root == "HKLM"
            and not write.refusal
            and not _os_owned(ctx, write.parts.get("rest") or "", write.value_name)
        ):
            by_svc.setdefault(fold(write.parts["svc"]), []).append(write)
    out: dict[str, tuple[Fix | None, str]] = {}
    for svc, writes in by_svc.items():
        services = [s for s in model.services if fold(s.name) == svc]
        why = refusal(svc, writes, services, model)
        if why:
            out[svc] = (None, why)
            continue
        sections = list(
            {id(s.section): s.section for s in services if s.section is not None}.values()
        )
        edits = move_edits(ctx, [(writes[0].parts["svc"], writes, sections)], _parameters)
        out[svc] = (rule.make_fix(*edits, applicability=Applicability.UNSAFE), "")
    return out


def _parameters(write: RegWrite) -> str:
    rest = write.parts.get("rest") or ""
    return "Parameters" + (f"\\{rest}" if rest else "")


def _instead(write: RegWrite, sub: str, svc: str) -> str:
    first = fold(sub.split("\\")[0]) if sub else ""
    target = "HKR,Parameters" + (f"\\{sub}" if sub else "")
    where = f"in service {svc}'s install section"
    if first == "instances" or (not first and fold(write.value_name) == "supportedfeatures"):
        return (
            f"write it as {target} {where} where the package installs only on build "
            f"{floor('minifilter').build} or later, from which Filter Manager reads it "
            "under Parameters (as the WDK minifilter samples do)"
        )
    if first == "triggerinfo":
        return f"declare the trigger with AddTrigger {where}"
    if first == "security":
        return f"set it with the Security directive {where}"
    if first in _OS_SUBKEYS:
        return f"it cannot move, since {_OS_SUBKEYS[first]}"
    if not first and fold(write.value_name) in _OS_VALUES:
        return (
            "it cannot move, since the service control manager reads it in the service's "
            "key, and no service-install directive sets it: have the service set it at run "
            "time (ChangeServiceConfig2), or keep it as it is"
        )
    return (
        f"write it as {target} {where} and have the binary read it there with {SERVICE_STATE_API}"
    )
