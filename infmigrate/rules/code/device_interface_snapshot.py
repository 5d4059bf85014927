"""ISO107: device interfaces listed once instead of watched for arrival."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic
from infmigrate.rules.code._advice import api
from infmigrate.rules.code._uses import mode_label
from infmigrate.sources.reader import SourceUnit
from infmigrate.sources.rule import CodeRule

_KERNEL_LISTS = frozenset({"IoGetDeviceInterfaces"})
_USER_LISTS = frozenset(
    {
        "CM_Get_Device_Interface_List",
        "CM_Get_Device_Interface_ListA",
        "CM_Get_Device_Interface_ListW",
    }
)
_REGISTRATIONS = frozenset(
    {
        "IoRegisterPlugPlayNotification",
        "CM_Register_Notification",
        "RegisterDeviceNotification",
        "RegisterDeviceNotificationA",
        "RegisterDeviceNotificationW",
    }
)


@register
class DeviceInterfaceSnapshot(CodeRule):
    r"""## What it does
    Flags `IoGetDeviceInterfaces` and `CM_Get_Device_Interface_List` (any `A`/`W`
    form) in a file that never registers for device interface arrival
    (`IoRegisterPlugPlayNotification`, `CM_Register_Notification`,
    `RegisterDeviceNotification`): the code takes one snapshot of the interfaces present
    and never learns of those that arrive later. The size query
    (`CM_Get_Device_Interface_List_Size`) is part of the same snapshot and is not
    flagged separately. A user-mode program with its own `main`, `wmain`, `_tmain` or
    `WinMain` (a test or set-up tool run by hand, which opens the device it finds and
    exits) is not flagged: listing the interfaces present is the documented way for it.

    ## Why is this bad?
    Microsoft's "Driver package isolation" page: an isolated driver "interacts with
    device stacks/drivers using system-supplied functions or device interfaces", and the
    device-interface guidance is to register for arrival and removal notifications
    rather than rely on what exists at start-up: a device whose driver starts after the
    listing is never used. The documentation of IoGetDeviceInterfaces and
    CM_Get_Device_Interface_List both point to the notification APIs for this reason.

    ## Example
    ```c
    status = IoGetDeviceInterfaces(&GUID_DEVINTERFACE_X, NULL, 0, &links);
    ```

    Use instead:
    ```c
    status = IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange,
        PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES,
        (PVOID)&GUID_DEVINTERFACE_X, DriverObject, OnInterfaceChange, ctx, &entry);
    ```

    ## Fix safety
    No fix: the code must handle arrivals and removals.

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [IoRegisterPlugPlayNotification](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-ioregisterplugplaynotification)
    - [CM_Register_Notification](https://learn.microsoft.com/windows/win32/api/cfgmgr32/nf-cfgmgr32-cm_register_notification)
      Windows 8 (the CM_Unregister_Notification page: code for Windows 7 or earlier
      uses RegisterDeviceNotification)
    - [Registering for notification of device interface arrival and device removal](https://learn.microsoft.com/windows-hardware/drivers/install/registering-for-notification-of-device-interface-arrival-and-device-removal)
    """

    code = "ISO107"
    name = "device-interface-snapshot"
    message = "device interfaces listed once, arrivals never watched"

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        if any(c.name in _REGISTRATIONS for c in unit.calls):
            return
        for call in unit.calls:
            if call.name in _KERNEL_LISTS:
                advice = (
                    f"{api('IoRegisterPlugPlayNotification', 'EventCategoryDeviceInterfaceChange')}"
                )
                kernel = True
            elif call.name in _USER_LISTS and not unit.mode.app:
                advice = (
                    f"{api('CM_Register_Notification', 'CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE')}"
                )
                kernel = False
            else:
                continue
            yield self.finding(
                unit,
                call.span,
                f"{call.name} lists the interfaces present now, and the file never "
                f"registers for arrivals ({mode_label(unit, kernel)}): use {advice}",
            )
