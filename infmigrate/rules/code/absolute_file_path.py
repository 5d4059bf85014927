"""ISO104: a string naming a file or directory by its absolute path."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic
from infmigrate.rules.code._advice import FileTarget, file_advice, file_target
from infmigrate.rules.code._uses import call_of, mode_label
from infmigrate.sources.reader import SourceUnit
from infmigrate.sources.rule import CodeRule

_LOADS = frozenset(
    f"{base}{suffix}" for base in ("LoadLibrary", "LoadLibraryEx") for suffix in ("", "A", "W")
)


@register
class AbsoluteFilePath(CodeRule):
    r"""## What it does
    Flags a string literal, a concatenation of literals or a `#define` of strings whose
    value is an absolute file path: `\SystemRoot\...`, `\??\C:\...`,
    `\DosDevices\C:\...`, `\GLOBAL??\C:\...` (a drive letter, or a `%c`-style format for
    one), `C:\...`, or one starting with `%windir%` / `%SystemRoot%`. A use of such a
    `#define` as an argument of a call is flagged too (the call that builds or opens the
    path). Device names (`\DosDevices\MyDevice`, `\\.\MyDevice`) are not file paths and
    are not flagged, nor is `\SystemRoot\` or `%SystemRoot%\` alone (a prefix code
    compares with or strips from a path); nor are strings in comments or `#if 0`, nor a
    path given to `LoadLibrary` (ISO106 reports those).

    A path under System32 is a binary the package should run from the driver store; any
    other path is state the driver writes, which belongs in the directories the system
    gives it: IoGetDriverDirectory (DriverDirectoryData, the driver's `\DriverData`
    directory) or IoGetDeviceDirectory in kernel mode, WdfDriverRetrieveDriverDataDirectoryString
    in a UMDF driver, GetServiceDirectory in a Win32 service.

    ## Why is this bad?
    Microsoft's "Driver package isolation" page: "Runtime file writes to any location"
    are no longer allowed for Windows Drivers; "files are written relative to locations
    supplied by the operating system". The audio samples of Windows-driver-samples
    moved their `\DosDevices\C:\STREAM` capture files under `\DriverData` when they were
    made isolated (commit 54a98a7e).

    ## Example
    ```c
    #define DEFAULT_FILE_NAME L"\\DosDevices\\C:\\STREAM"
    ```

    Use instead:
    ```c
    status = IoGetDriverDirectory(DriverObject, DriverDirectoryData, 0, &directory);
    InitializeObjectAttributes(&oa, &fileName, OBJ_KERNEL_HANDLE, directory, NULL);
    ```

    ## Fix safety
    No fix: where the driver keeps its files is the author's design.

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [IoGetDriverDirectory](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-iogetdriverdirectory)
      minimum supported client Windows 10, version 1803
    - [IoGetDeviceDirectory](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-iogetdevicedirectory)
    - [WdfDriverRetrieveDriverDataDirectoryString](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdriverretrievedriverdatadirectorystring)
      minimum UMDF version 2.27
    - [GetServiceDirectory](https://learn.microsoft.com/windows/win32/api/winsvc/nf-winsvc-getservicedirectory)
      SERVICE_DIRECTORY_TYPE's page gives Windows 10, version 2004 (build 19041)
    """

    code = "ISO104"
    name = "absolute-file-path"
    message = "file named by its absolute path"

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        calls = call_of(unit)
        # macro -> the line, value and target of its last #define naming a file path: a
        # use is reported with that value, which it may take (the macro may be defined
        # again, in another #if branch, as something else: the reader keeps the last
        # definition, which need not name a file)
        flagged: dict[str, tuple[int, str, FileTarget]] = {}
        for s in unit.strings:
            target = file_target(s.value)
            if target is None:
                continue
            call = calls.get((s.span.line, s.span.column))
            if call is not None and call.name in _LOADS:
                continue
            kernel = target.form in ("nt", "systemroot") or unit.mode.kernel
            via = f" passed to {call.name}" if call is not None else ""
            origin = f"#define {s.macro} names" if s.in_define else "string names"
            if s.in_define and s.macro:
                flagged[s.macro] = (s.span.line, s.value, target)
            yield self.finding(
                unit,
                s.span,
                f"{origin} the absolute file path '{s.value}'{via} "
                f"({mode_label(unit, kernel)}): {file_advice(target, unit.mode, kernel)}",
            )
        for name, span, call_name in unit.define_uses:
            define = flagged.get(name)
            if define is None or not call_name or call_name in _LOADS:
                continue
            line, value, target = define
            kernel = target.form in ("nt", "systemroot") or unit.mode.kernel
            yield self.finding(
                unit,
                span,
                f"{call_name} builds a path from {name} ('{value}', line {line}) "
                f"({mode_label(unit, kernel)}): {file_advice(target, unit.mode, kernel)}",
            )
