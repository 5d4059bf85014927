"""ISO102: an Rtl registry routine given an absolute path (RTL_REGISTRY_ABSOLUTE,
RTL_REGISTRY_SERVICES, RTL_REGISTRY_CONTROL)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

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


#: Lines of the calls building a path a message lists, the others counted.
MAX_LINES = 5


@dataclass(frozen=True, slots=True)
class PathSource:
    """How a call's argument comes from the RegistryPath (see :func:`registry_path_builders`)."""

    #: The argument names the RegistryPath (DriverEntry's parameter, or a copy named
    #: like it) itself.
    direct: bool
    #: Where the calls building it are, for a message (``line 12``, ``lines 12, 13``; at
    #: most :data:`MAX_LINES` lines, then how many more); "" when ``direct``.
    lines: str = ""


class _Builders:
    """The calls of one function that build a variable (a path builder whose first
    argument names it), in line order, with what :func:`registry_path_builders` asks of
    those up to a line: worked out once per function and variable (issue 18: each call
    looked at every call of its function, and listed every builder before it)."""

    def __init__(self, unit: SourceUnit, function: str, names: frozenset[str]) -> None:
        calls = [
            c
            for c in unit.calls_on(function, names)
            if c.name in PATH_BUILDERS and len(c.arguments) >= 2
        ]
        calls.sort(key=lambda c: c.span.line)  # (stable: the order of the file's calls)
        self.calls = calls
        self.lines = [c.span.line for c in calls]
        #: The first builder copying the RegistryPath into the variable (len: none).
        self.first_source = next(
            (
                i
                for i, c in enumerate(calls)
                if _names_registry_path(
                    unit, frozenset().union(*(a.identifiers for a in c.arguments[1:]))
                )
            ),
            len(calls),
        )
        #: How many distinct lines the first i builders are on, for each i.
        self.distinct = [0]
        for i, line in enumerate(self.lines):
            self.distinct.append(self.distinct[-1] + (i == 0 or line != self.lines[i - 1]))

    def up_to(self, line: int) -> PathSource | None:
        """The source of a variable a call on ``line`` is given (not a builder itself)."""
        k = bisect_right(self.lines, line)
        if self.first_source >= k:
            return None
        shown: list[int] = []
        for n in islice(self.lines, k):
            if not shown or shown[-1] != n:
                shown.append(n)
                if len(shown) == MAX_LINES:
                    break
        more = self.distinct[k] - len(shown)
        text = ", ".join(map(str, shown)) + (f" and {more:,} more" if more else "")
        return PathSource(False, f"line{'s' if self.distinct[k] > 1 else ''} {text}")


def registry_path_builders(unit: SourceUnit, call: Call, index: int) -> PathSource | None:
    """How ``call``'s argument ``index`` comes from the RegistryPath (DriverEntry's
    parameter, or a copy named like it): directly when the argument names it, else
    through the calls of the same function, up to ``call``'s line, that build the
    argument's variable, when one of them copies the RegistryPath into it; None when
    neither. ``call`` is not itself a path builder (an Rtl registry routine, a key
    open, InitializeObjectAttributes)."""
    if len(call.arguments) <= index:
        return None
    names = call.arguments[index].identifiers
    if _names_registry_path(unit, names):
        return PathSource(True)
    if not names:
        return None
    key = ("ISO102 builders", call.function, names)
    builders = unit.memo.get(key)
    if not isinstance(builders, _Builders):
        builders = unit.memo[key] = _Builders(unit, call.function, names)
    return builders.up_to(call.span.line)


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
    line that builds it. Copying counts as building: `RtlCopyUnicodeString(&path,
    RegistryPath)` (the copy a driver keeps of its RegistryPath; Windows-driver-samples'
    `N6Sdio_main.c` makes one) and the strsafe copies (`RtlUnicodeStringCopyString`,
    `RtlStringCbCopyUnicodeString`, `RtlStringCchCopyUnicodeString`,
    `RtlUnicodeStringPrintf`), each with the string it builds as its first argument.

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
    - [RtlCopyUnicodeString](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlcopyunicodestring)
      (DestinationString, SourceString) and
      [RtlStringCbCopyUnicodeString](https://learn.microsoft.com/windows-hardware/drivers/ddi/ntstrsafe/nf-ntstrsafe-rtlstringcbcopyunicodestring)
      (the destination first)
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
            source = registry_path_builders(unit, call, 1)
            how = ""
            if source is not None and source.direct:
                how = ", on the RegistryPath"
            elif source is not None:
                how = f", on a path built from RegistryPath at {source.lines}"
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
