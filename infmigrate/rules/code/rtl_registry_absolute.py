"""ISO102: an Rtl registry routine given an absolute path (RTL_REGISTRY_ABSOLUTE,
RTL_REGISTRY_SERVICES, RTL_REGISTRY_CONTROL)."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic
from infmigrate.rules.code._advice import api
from infmigrate.rules.code._uses import first_argument_flags, mode_label
from infmigrate.sources.reader import PATH_BUILDERS, Call, SourceUnit, Span
from infmigrate.sources.rule import CodeRule

_CALLS = frozenset(
    {
        "RtlQueryRegistryValues",
        "RtlQueryRegistryValuesEx",
        "RtlWriteRegistryValue",
        "RtlCheckRegistryKey",
        "RtlCreateRegistryKey",
        "RtlDeleteRegistryValue",
    }
)
_FLAGS = ("RTL_REGISTRY_ABSOLUTE", "RTL_REGISTRY_SERVICES", "RTL_REGISTRY_CONTROL")


def _names_registry_path(unit: SourceUnit, names: frozenset[str]) -> bool:
    return bool(names & unit.registry_path_names) or any(n.endswith("RegistryPath") for n in names)


def registry_path_builders(unit: SourceUnit, call: Call, index: int) -> list[Call]:
    """How ``call``'s argument ``index`` comes from the RegistryPath (DriverEntry's
    parameter, or a copy named like it): ``[call]`` when the argument names it, else the
    calls of the same function, before ``call``, that build the argument's variable when
    one of them copies the RegistryPath into it; empty when neither."""
    if len(call.arguments) <= index:
        return []
    names = call.arguments[index].identifiers
    if _names_registry_path(unit, names):
        return [call]
    builders = [
        other
        for other in unit.calls_in(call.function)
        if other.name in PATH_BUILDERS
        and other.span.line <= call.span.line
        and other is not call
        and len(other.arguments) >= 2
        and other.arguments[0].identifiers & names
    ]
    sources = [
        b
        for b in builders
        if _names_registry_path(unit, frozenset().union(*(a.identifiers for a in b.arguments[1:])))
    ]
    return builders if sources else []


def built_from_registry_path(unit: SourceUnit, call: Call, index: int) -> Call | None:
    """The first of :func:`registry_path_builders`, or None."""
    builders = registry_path_builders(unit, call, index)
    return builders[0] if builders else None


def lines_of(calls: list[Call]) -> str:
    """``line 12`` or ``lines 12, 13``."""
    lines = sorted({c.span.line for c in calls})
    return f"line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}"


@register
class RtlRegistryAbsolute(CodeRule):
    r"""## What it does
    Flags a call of `RtlQueryRegistryValues`, `RtlQueryRegistryValuesEx`,
    `RtlWriteRegistryValue`, `RtlCheckRegistryKey`, `RtlCreateRegistryKey` or
    `RtlDeleteRegistryValue` whose RelativeTo argument has `RTL_REGISTRY_ABSOLUTE`
    (the path is a full `\Registry\...` path), `RTL_REGISTRY_SERVICES` (relative to
    `\Registry\Machine\System\CurrentControlSet\Services`) or `RTL_REGISTRY_CONTROL`
    (relative to `...\Control`). The finding spans the call up to its flag; when the
    path argument is built (in the same function) from DriverEntry's `RegistryPath`,
    for example by appending `L"\\Parameters"`, the message says so and points at the
    line that builds it.

    ## Why is this bad?
    Microsoft's "Driver package isolation" page: an isolated driver does not hard-code
    paths to global registry locations, but uses HKR and system-supplied functions. The
    audio samples of Windows-driver-samples did exactly this change when they were made
    isolated (commit 54a98a7e): `RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, <RegistryPath>
    \Parameters, ...)` became `IoOpenDriverRegistryKey(DriverRegKeyParameters)` and
    `RtlQueryRegistryValues(RTL_REGISTRY_HANDLE, (PCWSTR)key, ...)`.

    ## Example
    ```c
    RtlAppendUnicodeToString(&path, RegistryPath->Buffer);
    RtlAppendUnicodeToString(&path, L"\\Parameters");
    status = RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL,
                                    path.Buffer, table, NULL, NULL);
    ```

    Use instead:
    ```c
    status = IoOpenDriverRegistryKey(DriverObject, DriverRegKeyParameters,
                                     KEY_READ, 0, &key);
    status = RtlQueryRegistryValues(RTL_REGISTRY_HANDLE | RTL_REGISTRY_OPTIONAL,
                                    (PCWSTR)key, table, NULL, NULL);
    ```

    ## Fix safety
    No fix: the driver needs its driver object (or WDFDRIVER) where it reads the values,
    and the INF must write them under HKR,Parameters (see ISO020).

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [RtlQueryRegistryValues](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlqueryregistryvalues)
      (RTL_REGISTRY_HANDLE)
    - [IoOpenDriverRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-ioopendriverregistrykey)
      minimum supported client Windows 10, version 1803
    - [WdfDriverOpenParametersRegistryKey](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdriveropenparametersregistrykey)
    """

    code = "ISO102"
    name = "rtl-registry-absolute"
    message = "Rtl registry routine given an absolute registry path"

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        for call in unit.calls:
            if call.name not in _CALLS:
                continue
            flags = [f for f in _FLAGS if f in first_argument_flags(call)]
            if not flags:
                continue
            first = call.arguments[0].span
            span = Span(call.span.line, call.span.column, first.end_line, first.end_column)
            builders = registry_path_builders(unit, call, 1)
            how = ""
            if builders == [call]:
                how = ", on the RegistryPath"
            elif builders:
                how = f", on a path built from RegistryPath at {lines_of(builders)}"
            if flags[0] == "RTL_REGISTRY_CONTROL":
                advice = (
                    f"a device's key ({api('IoOpenDeviceRegistryKey')}) or the driver's "
                    f"({api('IoOpenDriverRegistryKey')}) with RTL_REGISTRY_HANDLE"
                )
            elif unit.mode.kmdf:
                advice = (
                    f"{api('WdfDriverOpenParametersRegistryKey')} (or "
                    f"{api('IoOpenDriverRegistryKey', 'DriverRegKeyParameters')}) with "
                    "RTL_REGISTRY_HANDLE"
                )
            else:
                advice = (
                    f"{api('IoOpenDriverRegistryKey', 'DriverRegKeyParameters')} with "
                    "RTL_REGISTRY_HANDLE"
                )
            yield self.finding(
                unit,
                span,
                f"{call.name} with {flags[0]}{how} ({mode_label(unit, True)}): use {advice}",
            )
