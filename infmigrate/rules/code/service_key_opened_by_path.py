"""ISO103: the driver's service key opened by the path DriverEntry was given."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic
from infmigrate.rules.code._advice import api
from infmigrate.rules.code._uses import mode_label
from infmigrate.rules.code.rtl_registry_absolute import (
    registry_path_builders,
)
from infmigrate.sources.reader import KEY_OPENS, Call, SourceUnit
from infmigrate.sources.rule import CodeRule


@register
class ServiceKeyOpenedByPath(CodeRule):
    r"""## What it does
    Flags `ZwOpenKey`, `ZwOpenKeyEx`, `ZwCreateKey` (and their `Transacted` and `Nt`
    forms) on object attributes that `InitializeObjectAttributes` set, earlier in the
    same function, to DriverEntry's `RegistryPath` (the driver's service key,
    `\Registry\Machine\System\CurrentControlSet\Services\<service>`) or to a string
    built from it; and `WdfRegistryOpenKey` given the RegistryPath. The parameter is
    recognized by its name in DriverEntry's definition, and by the usual names of its
    copies (`RegistryPath`, `g_RegistryPath`, any name ending in `RegistryPath`).

    ## Why is this bad?
    The RegistryPath is an absolute path: opening it reads and writes the service key
    itself, a global location that an isolated driver package does not touch directly
    (Microsoft's "Driver package isolation" page). The file-system minifilter samples of
    Windows-driver-samples replaced exactly this call when they were made isolated
    (commits b45ffd69, c3e1a7f2, d5e0277e): `IoOpenDriverRegistryKey` with
    `DriverRegKeyParameters` where the OS has it, and in the fallback for older systems
    the `Parameters` subkey rather than the service key.

    ## Example
    ```c
    InitializeObjectAttributes(&attributes, RegistryPath,
                               OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&driverRegKey, KEY_READ, &attributes);
    ```

    Use instead:
    ```c
    status = IoOpenDriverRegistryKey(DriverObject, DriverRegKeyParameters,
                                     KEY_READ, 0, &driverRegKey);
    ```

    ## Fix safety
    No fix. A driver that must still run on Windows releases without
    IoOpenDriverRegistryKey keeps the old call behind a version check (and is still
    flagged there: suppress that line with `// infmigrate: ignore[ISO103]` once it opens
    the `Parameters` subkey only).

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [IoOpenDriverRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-ioopendriverregistrykey)
      minimum supported client Windows 10, version 1803
    - [WdfDriverOpenParametersRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdriveropenparametersregistrykey)
    - [DriverEntry's RegistryPath](https://learn.microsoft.com/windows-hardware/drivers/wdf/driverentry-for-kmdf-drivers)
    """

    code = "ISO103"
    name = "service-key-opened-by-path"
    message = "driver's service key opened by its absolute path (RegistryPath)"

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        advice = (
            f"{api('WdfDriverOpenParametersRegistryKey')} or "
            f"{api('IoOpenDriverRegistryKey', 'DriverRegKeyParameters')}"
            if unit.mode.kmdf
            else f"{api('IoOpenDriverRegistryKey', 'DriverRegKeyParameters')}"
        )
        for call in unit.calls:
            if call.name == "WdfRegistryOpenKey":
                source = registry_path_builders(unit, call, 1)
                if source is not None and source.direct:
                    yield self.finding(
                        unit,
                        call.span,
                        f"WdfRegistryOpenKey opens the RegistryPath ({mode_label(unit, True)})"
                        f": use {advice}",
                    )
                continue
            if call.name not in KEY_OPENS or len(call.arguments) < 3:
                continue
            attributes = call.arguments[2].identifiers
            # the last InitializeObjectAttributes of the function, up to the call's line,
            # setting up the attributes it is given
            lines, inits = _inits(unit, call.function, attributes)
            k = bisect_right(lines, call.span.line)
            if not k:
                continue
            init = inits[k - 1]
            source = registry_path_builders(unit, init, 1)
            if source is None:
                continue
            how = (
                f"object attributes set to the RegistryPath at line {init.arguments[1].span.line}"
                if source.direct
                else f"a path built from RegistryPath at {source.lines}"
            )
            yield self.finding(
                unit,
                call.span,
                f"{call.name} on {how} ({mode_label(unit, True)}): use {advice}",
            )


def _inits(unit: SourceUnit, function: str, names: frozenset[str]) -> tuple[list[int], list[Call]]:
    """The InitializeObjectAttributes calls of a function setting up a variable of
    ``names``, in line order, and their lines: once per function and variable (issue 18:
    each key open looked at every call of its function)."""
    key = ("ISO103 inits", function, names)
    found = unit.memo.get(key)
    if found is None:
        calls = [
            c for c in unit.calls_on(function, names) if c.name == "InitializeObjectAttributes"
        ]
        calls.sort(key=lambda c: c.span.line)  # (stable: the order of the file's calls)
        found = unit.memo[key] = ([c.span.line for c in calls], calls)
    return found  # type: ignore[return-value]
