"""ISO058 auto-start-device-service."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model.numbers import parse_int

SERVICE_WIN32 = 0x30
SERVICE_AUTO_START = 2


@register
class AutoStartDeviceService(Fixer):
    """## What it does
    Hints at Win32 services installed with a device (from a DDInstall's `.Services`) that
    start automatically at boot (`StartType = 2`) and have no `AddTrigger`.

    ## Why is this bad?
    An auto-start service runs on every machine the package ever installed on, device
    present or not, and keeps running when the device goes away. The recommended
    pattern is a demand-start service (`StartType = 3`) started by the arrival of the
    device's interface, which stops itself when the last interface goes away.

    ## Example
    ```inf
    [Cx_Helper_Svc]
    ServiceType   = 0x10
    StartType     = 2
    ErrorControl  = 1
    ServiceBinary = %13%\\cxhelper.exe
    ```

    Use instead:
    ```inf
    [Cx_Helper_Svc]
    ServiceType   = 0x10
    StartType     = 3
    ErrorControl  = 1
    ServiceBinary = %13%\\cxhelper.exe
    AddTrigger    = Cx_Helper_Trigger
    [Cx_Helper_Trigger]
    TriggerType = 1
    Action      = 1
    SubType     = %CxInterfaceGuid%
    ```

    ## Fix safety
    There is no fix: the service must handle being started on demand and stop itself.

    ## References
    - [INF AddTrigger directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addtrigger-directive)
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    """

    code = "ISO058"
    name = "auto-start-device-service"
    message = "a device's Win32 service starts at boot instead of on device arrival"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        seen: set[int] = set()
        for svc in model.services:
            section = svc.section
            if (
                section is None
                or id(section) in seen
                or not any(i.kind == "ddinstall" for i in svc.installs)
            ):
                continue
            seen.add(id(section))
            kind = section.first("ServiceType")
            start = section.first("StartType")
            if kind is None or start is None or section.first("AddTrigger") is not None:
                continue
            type_value = parse_int(model.expand(kind.value(0)))
            start_value = parse_int(model.expand(start.value(0)))
            if (
                type_value is None
                or not type_value & SERVICE_WIN32
                or start_value != SERVICE_AUTO_START
            ):
                continue
            text = (
                f"Win32 service {svc.name} of a device starts at boot (StartType = 2) "
                "and has no AddTrigger (hint): make it demand-start (StartType = 3) with "
                f"an AddTrigger in [{section.name}] that starts it when the device "
                "interface arrives (TriggerType = 1), and stop it when the last one goes"
            )
            yield self.diagnostic(start, text)
