"""ISO022 service-key-outside-parameters."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import fold
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
    There is no fix: the binary reads the value at its current path, and must be changed
    to read it under `Parameters` (minifilters excepted: Filter Manager reads
    `Parameters\\Instances`, as the WDK minifilter samples write it). Trigger
    registrations become `AddTrigger`.

    ## References
    - [Driver package isolation: registry state](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [IoOpenDriverRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-ioopendriverregistrykey)
    - [InfVerif 1320, 1321, 1323](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO022"
    name = "service-key-outside-parameters"
    message = "a registry line writes a service's key outside its Parameters subkey"
    infverif = (1323,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            if write.kind is Kind.SERVICE_OTHER:
                svc = write.parts.get("svc", "")
                rest = write.parts.get("rest") or ""
                number = isolation_code(ctx, write)
                text = (
                    f"{describe(ctx, write)}, service {svc}'s key outside its Parameters "
                    f"subkey {codes([number, 1323], h_tolerated(write.root, write.subkey))}"
                    f": {_instead(write, rest, svc)}"
                )
                yield self.diagnostic(write.line.ref, text, infverif=(number, 1323))
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
                text = (
                    f"{describe(ctx, write, path)} in the key of service "
                    f"{', '.join(services)}, outside its Parameters subkey "
                    f"{codes([1323])}: {_instead(write, sub, services[0])}"
                )
                yield self.diagnostic(write.line.ref, text)


def _instead(write: RegWrite, sub: str, svc: str) -> str:
    first = fold(sub.split("\\")[0]) if sub else ""
    target = "HKR,Parameters" + (f"\\{sub}" if sub else "")
    where = f"in service {svc}'s install section"
    if first == "instances":
        return (
            f"write it as {target} {where}, where Filter Manager reads minifilter "
            "instances too (as the WDK minifilter samples do)"
        )
    if first == "triggerinfo":
        return f"declare the trigger with AddTrigger {where}"
    return (
        f"write it as {target} {where} and have the binary read it there with {SERVICE_STATE_API}"
    )
