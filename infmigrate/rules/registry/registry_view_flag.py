"""ISO042 registry-view-flag."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import Context
from infmigrate.rules.registry._registry_report import key_path
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites

FLG_ADDREG_64BITKEY = 0x1000
FLG_ADDREG_32BITKEY = 0x4000
_MOVED_CONTEXTS = (Context.SERVICE_KEY, Context.EVENTLOG_KEY)


@register
class RegistryViewFlag(Fixer):
    """## What it does
    Flags `FLG_ADDREG_64BITKEY` (`0x1000`) and `FLG_ADDREG_32BITKEY` (`0x4000`) on registry
    lines that ISO020 and ISO024 move to HKR (service `Parameters` and EventLog sources
    under `HKLM\\SYSTEM`), and on the HKR lines of service-install and event-log-install
    sections, where those moves put them.

    ## Why is this bad?
    The flags pick the 64-bit or 32-bit view of a redirected part of the registry; the
    SYSTEM hive, where service and event-log keys live, is not redirected, so the flag has
    no effect there. It is kept byte for byte when a line moves, and then reads as if it
    mattered.

    ## Example
    ```inf
    [Cx_Svc_Reg]
    HKR,Parameters,Mode,0x00014001,1
    ```

    Use instead:
    ```inf
    [Cx_Svc_Reg]
    HKR,Parameters,Mode,0x00010001,1
    ```

    ## Fix safety
    There is no fix: the flags field is left as written, like every other field of a moved
    line; drop the bit by hand.

    ## References
    - [INF AddReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addreg-directive)
    - [Registry redirector](https://learn.microsoft.com/windows/win32/winprog64/registry-redirector)
    """

    code = "ISO042"
    name = "registry-view-flag"
    message = "a registry view flag has no effect on the SYSTEM hive"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            flags = write.line.flags or 0
            bits = flags & (FLG_ADDREG_64BITKEY | FLG_ADDREG_32BITKEY)
            if not bits:
                continue
            if write.kind in (Kind.SERVICE_PARAMETERS, Kind.EVENTLOG):
                where = f"{key_path(write)}, in the SYSTEM hive"
            elif write.kind is Kind.HKR and any(
                c.kind in _MOVED_CONTEXTS for c in write.section.contexts
            ):
                where = "a service or event source key, in the SYSTEM hive"
            else:
                continue
            names = " and ".join(
                n
                for bit, n in (
                    (FLG_ADDREG_64BITKEY, "0x1000 (64-bit view)"),
                    (FLG_ADDREG_32BITKEY, "0x4000 (32-bit view)"),
                )
                if bits & bit
            )
            text = (
                f"flag {names} of {write.line.flags_text.strip()} has no effect on {where}, "
                "which the registry redirector does not split into views: drop it "
                f"(flags {flags & ~bits:#010x})"
            )
            yield self.diagnostic(write.line.ref, text)
