"""ISO100: a string naming a registry key by its absolute path."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic
from infmigrate.rules.code._advice import registry_advice, registry_target
from infmigrate.rules.code._uses import call_of, mode_label
from infmigrate.sources.reader import SourceUnit
from infmigrate.sources.rule import CodeRule


@register
class AbsoluteRegistryPath(CodeRule):
    r"""## What it does
    Flags a string literal, a concatenation of literals or a `#define` of strings whose
    value is an absolute path in the machine hive: `\Registry\Machine\...` (the kernel's
    name, used with `ZwOpenKey`, `ZwCreateKey`, `InitializeObjectAttributes`,
    `RtlInitUnicodeString`, `RtlQueryRegistryValues`...) or `HKEY_LOCAL_MACHINE\...` /
    `HKLM\...` written out. Where the string is an argument of a known call, the message
    names the call. The advice depends on the key and on the code: a driver's service key
    (`...\Services\<service>`, `Parameters` below it or not) maps to
    IoOpenDriverRegistryKey (WDM) or WdfDriverOpenParametersRegistryKey /
    WdfDriverOpenPersistentStateRegistryKey (KMDF, UMDF); `Control\Class\{guid}\nnnn` to
    the device's software key, `Enum\...` to its hardware key, `Control\DeviceClasses`
    to the interface's key; anything else is global state.

    Kernel mode is decided from the file: `wdm.h`, `ntddk.h`, `ntifs.h`, `fltKernel.h`,
    `ndis.h`, `portcls.h`... or a `DriverEntry`; KMDF from `wdf.h` or `Wdf*` calls in
    kernel code; UMDF from `wudfddk.h` or UMDF macros. A `\Registry\Machine` path is
    always kernel mode. Strings in comments and in `#if 0` are not read.

    ## Why is this bad?
    Microsoft's "Driver package isolation" page lists "Hardcodes path to global registry
    locations" among the practices no longer allowed for Windows Drivers: an isolated
    driver uses HKR and system-supplied functions for the relative location of its
    registry state. A hard-coded path names one control set and one service or device
    instance name; it breaks when the package is installed under another name, and
    Driver Verifier's isolation checks report it at run time.

    ## Example
    ```c
    RtlInitUnicodeString(&name,
        L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\mydrv\\Parameters");
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&key, KEY_READ, &oa);
    ```

    Use instead:
    ```c
    status = IoOpenDriverRegistryKey(DriverObject, DriverRegKeyParameters,
                                     KEY_READ, 0, &key);
    ```

    ## Fix safety
    No fix: the code must get a handle from the system instead of building a path, and
    the INF must provision the values under HKR (see ISO020).

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [IoOpenDriverRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-ioopendriverregistrykey)
      minimum supported client Windows 10, version 1803
    - [WdfDriverOpenParametersRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdriveropenparametersregistrykey)
    - [IoOpenDeviceRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-ioopendeviceregistrykey)
    - [CM_Open_DevNode_Key](https://learn.microsoft.com/windows/win32/api/cfgmgr32/nf-cfgmgr32-cm_open_devnode_key)
    - [GetServiceRegistryStateKey](https://learn.microsoft.com/windows/win32/api/winsvc/nf-winsvc-getserviceregistrystatekey)
    - Windows-driver-samples commit 54a98a7e (audio samples made isolated):
      RtlQueryRegistryValues on an absolute path became IoOpenDriverRegistryKey
    """

    code = "ISO100"
    name = "absolute-registry-path"
    message = "registry key named by its absolute path"

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        calls = call_of(unit)
        for s in unit.strings:
            target = registry_target(s.value)
            if target is None:
                continue
            kernel = s.value.lstrip().lower().startswith("\\registry\\")
            call = calls.get((s.span.line, s.span.column))
            via = f" passed to {call.name}" if call is not None else ""
            origin = f"#define {s.macro} names" if s.in_define else "string names"
            shown = s.value if len(s.value) <= 90 else s.value[:87] + "..."
            yield self.finding(
                unit,
                s.span,
                f"{origin} the absolute registry path '{shown}'{via} "
                f"({mode_label(unit, kernel)}): use "
                f"{registry_advice(target, unit.mode, kernel)}",
            )
