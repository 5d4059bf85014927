"""ISO105: the code asks for the System32 or Windows directory to build a path."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic
from infmigrate.rules.code._advice import FileTarget, file_advice
from infmigrate.rules.code._uses import mode_label
from infmigrate.sources.reader import FOLDER_CALLS, SourceUnit
from infmigrate.sources.rule import CodeRule

_DIRECTORY_CALLS = {
    f"{base}{suffix}": system32
    for base, system32 in (
        ("GetSystemDirectory", True),
        ("GetWindowsDirectory", False),
        ("GetSystemWindowsDirectory", False),
    )
    for suffix in ("", "A", "W")
}
#: Folder identifiers of the system and Windows directories (True: System32 or SysWOW64).
_FOLDERS = {
    "CSIDL_SYSTEM": True,
    "CSIDL_SYSTEMX86": True,
    "CSIDL_WINDOWS": False,
    "FOLDERID_System": True,
    "FOLDERID_SystemX86": True,
    "FOLDERID_Windows": False,
}


@register
class SystemDirectoryLookup(CodeRule):
    r"""## What it does
    Flags a call of `GetSystemDirectory`, `GetWindowsDirectory` or
    `GetSystemWindowsDirectory` (any `A`/`W` form), and of `SHGetFolderPath`,
    `SHGetSpecialFolderPath` or `SHGetKnownFolderPath` asking for `CSIDL_SYSTEM`,
    `CSIDL_SYSTEMX86`, `CSIDL_WINDOWS`, `FOLDERID_System`, `FOLDERID_SystemX86` or
    `FOLDERID_Windows`: code that builds a path under the Windows directory, to load a
    file it expects there or to write its own. Which file the path names is not traced:
    a Windows file (`fltlib.dll`, the `INF` folder) is fine there, and the message says
    so; the finding is for the package's own files and state. On Windows-driver-samples,
    4 of its 8 findings are such Windows files (a review, not a defect, each time).

    ## Why is this bad?
    In an isolated driver package, the package's files run from the driver store, not
    System32, and the state files it writes live in directories the system supplies
    (Microsoft's "Driver package isolation" page: "Files are written relative to
    locations supplied by the operating system"). A path made from the System32
    directory finds nothing once the INF stops copying files there, or writes where the
    package has no business writing.

    ## Example
    ```c
    GetSystemDirectoryW(path, MAX_PATH);
    StringCchCatW(path, MAX_PATH, L"\\mydrv_helper.dll");
    ```

    Use instead: find the package's own files relative to the module's path
    (GetModuleFileName of the module's handle), and keep state under
    GetServiceDirectory (a service) or WdfDriverRetrieveDriverDataDirectoryString
    (a UMDF driver).

    ## Fix safety
    No fix.

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [Run from driver store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [GetServiceDirectory](https://learn.microsoft.com/windows/win32/api/winsvc/nf-winsvc-getservicedirectory)
      SERVICE_DIRECTORY_TYPE's page gives Windows 10, version 2004 (build 19041)
    - [WdfDriverRetrieveDriverDataDirectoryString](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdriverretrievedriverdatadirectorystring)
      minimum UMDF version 2.27
    """

    code = "ISO105"
    name = "system-directory-lookup"
    message = "path built from the System32 or Windows directory"

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        for call in unit.calls:
            system32 = _DIRECTORY_CALLS.get(call.name)
            what = call.name
            if system32 is None and call.name in FOLDER_CALLS:
                named = [f for a in call.arguments for f in sorted(a.identifiers) if f in _FOLDERS]
                if not named:
                    continue
                system32 = _FOLDERS[named[0]]
                what = f"{call.name}({named[0]})"
            if system32 is None:
                continue
            target = FileTarget("env", system32, True)
            yield self.finding(
                unit,
                call.span,
                f"{what} builds a path under the "
                f"{'System32' if system32 else 'Windows'} directory "
                f"({mode_label(unit, False)}): for a file of the driver package, "
                f"{file_advice(target, unit.mode, False)} (a Windows file there is fine)",
            )
