"""ISO101: a Win32 registry call opening a key of HKEY_LOCAL_MACHINE that belongs to a
service or a device."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic
from infmigrate.rules.code._advice import registry_advice, registry_target
from infmigrate.rules.code._uses import mode_label
from infmigrate.sources.reader import SourceUnit
from infmigrate.sources.rule import CodeRule

#: Calls whose first argument is the root key and second the subkey.
_CALLS = frozenset(
    f"{base}{suffix}"
    for base in (
        "RegOpenKeyEx",
        "RegOpenKey",
        "RegCreateKeyEx",
        "RegCreateKey",
        "RegGetValue",
        "RegSetKeyValue",
        "RegDeleteKeyValue",
        "RegDeleteTree",
        "SHGetValue",
        "SHSetValue",
    )
    for suffix in ("", "A", "W")
) | {"SHRegGetValue"}
_ROOTS = frozenset({"HKEY_LOCAL_MACHINE", "HKLM"})


@register
class HklmRegistryKey(CodeRule):
    r"""## What it does
    Flags a call of `RegOpenKeyEx`, `RegCreateKeyEx`, `RegGetValue`, `RegSetKeyValue`,
    `RegDeleteKeyValue`, `RegDeleteTree`, `RegOpenKey`, `RegCreateKey`, `SHGetValue`,
    `SHSetValue` or `SHRegGetValue` (any `A`/`W` form) whose root key is
    `HKEY_LOCAL_MACHINE` and whose subkey (a literal or a `#define` of strings) is under
    `SYSTEM\CurrentControlSet` (or `ControlSet00n`) `\Services\...`, `\Control\Class\...`,
    `\Control\DeviceClasses\...` or `\Enum\...`: state owned by a service or a device.
    Other subkeys of HKEY_LOCAL_MACHINE (`SOFTWARE\...`) are not flagged: reading system
    settings there is not what isolation is about.

    The message names the API for the code's mode: a UMDF driver opens its keys with
    WdfDriverOpenParametersRegistryKey / WdfDriverOpenPersistentStateRegistryKey, a
    Win32 service with GetServiceRegistryStateKey, any user-mode component a device's
    keys with CM_Open_DevNode_Key.

    ## Why is this bad?
    Microsoft's "Driver package isolation" page: an isolated driver package "uses HKR and
    system-supplied functions for relative location of registry and file state"; a
    hard-coded path to a global registry location is one of the practices no longer
    allowed for Windows Drivers.

    ## Example
    ```c
    RegOpenKeyExW(HKEY_LOCAL_MACHINE,
                  L"SYSTEM\\CurrentControlSet\\Services\\mysvc\\Parameters",
                  0, KEY_READ, &key);
    ```

    Use instead:
    ```c
    GetServiceRegistryStateKey(status_handle, ServiceRegistryStateParameters,
                               KEY_READ, &key);
    ```

    ## Fix safety
    No fix: the code must get its key from the system; the INF provisions the values
    under HKR.

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [GetServiceRegistryStateKey](https://learn.microsoft.com/windows/win32/api/winsvc/nf-winsvc-getserviceregistrystatekey)
    - [CM_Open_DevNode_Key](https://learn.microsoft.com/windows/win32/api/cfgmgr32/nf-cfgmgr32-cm_open_devnode_key)
    - [WdfDriverOpenParametersRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdriveropenparametersregistrykey)
    """

    code = "ISO101"
    name = "hklm-registry-key"
    message = "service or device registry key opened under HKEY_LOCAL_MACHINE"

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        for call in unit.calls:
            if call.name not in _CALLS or len(call.arguments) < 2:
                continue
            if not call.arguments[0].identifiers & _ROOTS:
                continue
            for s in call.arguments[1].strings:
                target = registry_target(s.value, rooted=False)
                if target is None or target.kind == "global":
                    continue
                yield self.finding(
                    unit,
                    call.span,
                    f"{call.name} opens HKEY_LOCAL_MACHINE\\{s.value} "
                    f"({mode_label(unit, False)}): use "
                    f"{registry_advice(target, unit.mode, False)}",
                )
                break
