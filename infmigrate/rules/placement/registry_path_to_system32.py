"""ISO003 registry-path-to-system32."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixAvailability, FixContext, Fixer
from infmigrate.engine.model.registry import parse_reg_line
from infmigrate.rules.placement._driver_store import DriverStorePlans, SharedFixes
from infmigrate.rules.placement._messages import blocked, place, unsafe


@register
class RegistryPathToSystem32(Fixer):
    """## What it does
    Flags registry values (AddReg REG_SZ, REG_EXPAND_SZ, or REG_MULTI_SZ items) that name
    a file this INF copies to System32 by its full path (`%11%\\x.dll`,
    `%%SystemRoot%%\\System32\\drivers\\x.sys`, `%%windir%%\\System32\\x.dll`,
    `C:\\Windows\\System32\\x.dll`, `\\SystemRoot\\System32\\drivers\\x.sys`, or a bare
    `System32\\drivers\\x.sys`, the form of a service ImagePath, relative to the Windows
    directory), also when the path comes from a `[Strings]` value, and rewrite the path into
    the driver store together with the move of the file (ISO001).

    ## Why is this bad?
    Whatever reads the value (an event log, a service, a user-mode component) would keep
    opening the System32 copy, which no longer exists once the package is isolated. Paths
    of files the INF does not install (inbox files such as IoLogMsg.dll) are left alone.

    ## Example
    ```inf
    HKR,,EventMessageFile,0x00020000,"%%SystemRoot%%\\System32\\IoLogMsg.dll;%%SystemRoot%%\\System32\\drivers\\cx.sys"
    ```

    Use instead:
    ```inf
    HKR,,EventMessageFile,0x00020000,"%%SystemRoot%%\\System32\\IoLogMsg.dll;%13%\\cx.sys"
    ```

    ## Fix safety
    Safe: only the path part of the value changes, the flags stay (a REG_EXPAND_SZ value
    stays environment-relative), and it is the same fix as ISO001's for the file's list.
    A kernel-mode reader of a REG_SZ path must open it as `\\??\\<path>`; the message says
    so for REG_SZ values. No fix (the move is blocked, and the message says why) when the
    path comes from a `[Strings]` value (the rewrite would change it in every locale), or
    when it is kernel-style (`System32\\drivers\\x.sys` with no root, which the kernel reads
    relative to `\\SystemRoot`, or `\\SystemRoot\\...`, the NT name of the Windows
    directory): `%13%` expands to a drive-letter path that such a reader does not take, so
    the service must be installed with AddService (`ServiceBinary = %13%\\x.sys`), which
    writes the ImagePath in the kernel's form.

    ## References
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [INF AddReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addreg-directive)
    - [INF AddService directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addservice-directive)
    - [HKLM\\SYSTEM\\CurrentControlSet\\Services registry tree](https://learn.microsoft.com/windows-hardware/drivers/install/hklm-system-currentcontrolset-services-registry-tree)
    """

    code = "ISO003"
    name = "registry-path-to-system32"
    message = "registry value names a file in System32 that moves to the driver store"
    fix_title = "Point the value into the driver store (%13%) and move the file"
    availability = FixAvailability.SOMETIMES
    infverif = (1258,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        # (the lists moved together share their edits, so the findings share one fix:
        # issue 18, a fix each was quadratic in the values naming files of one list)
        fixes = SharedFixes(self)
        for plan in ctx.analysis(DriverStorePlans).legacy_full:  # (a MissingPlan: no uses)
            for use in plan.uses:
                line = parse_reg_line(use.ref, ctx.model.strings)
                if line is None or use.field < 4:
                    continue
                dest = plan.destination
                fix = fixes.of(plan) if plan.movable and plan.edits else None
                note = (
                    " (a kernel reader of this REG_SZ value must open it as \\??\\<path>)"
                    if line.type == "sz"
                    else ""
                )
                yield self.diagnostic(
                    use.ref,
                    f"value {line.value_name or '(default)'} names "
                    f"{use.copy.dest_name} in {place(dest.dirid, dest.subdir)}"
                    f"{note}{blocked(plan.reason())}"
                    f"{plan.build_note if plan.movable and plan.edits else ''}"
                    f"{unsafe(plan.unsafe if fix else [])}",
                    fix,
                )
