"""ISO106: a library loaded from System32 by its path."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic
from infmigrate.rules.code._advice import file_advice, file_target
from infmigrate.rules.code._uses import mode_label
from infmigrate.sources.reader import SourceUnit
from infmigrate.sources.rule import CodeRule

_LOADS = frozenset(
    f"{base}{suffix}" for base in ("LoadLibrary", "LoadLibraryEx") for suffix in ("", "A", "W")
)


@register
class LibraryLoadedFromSystem32(CodeRule):
    r"""## What it does
    Flags `LoadLibrary` / `LoadLibraryEx` (any `A`/`W` form) given a literal path (a
    `#define` of one, or a variable holding one string) under System32 or SysWOW64:
    `C:\Windows\System32\x.dll`, `%SystemRoot%\System32\x.dll`,
    `\SystemRoot\System32\x.dll`.

    A bare name (`LoadLibrary(L"x.dll")`) is right for a Windows DLL and wrong only for a
    file of the package: ISO108 reports those, with the package's INF.

    ## Why is this bad?
    An isolated driver package runs its files from the driver store (DIRID 13), not
    from System32 (Microsoft's "Driver package isolation" page, "Run from driver
    store"): once the INF is migrated, the file is no longer in System32 and the load
    fails, or loads a stale copy another package left there.

    ## Example
    ```c
    module = LoadLibraryW(L"C:\\Windows\\System32\\mydrv_helper.dll");
    ```

    Use instead: the module's own directory (GetModuleFileName of a module of the
    package, which runs from the driver store) joined with the file name.

    ## Fix safety
    No fix.

    ## References
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [Run from driver store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [LoadLibraryEx](https://learn.microsoft.com/windows/win32/api/libloaderapi/nf-libloaderapi-loadlibraryexw)
    """

    code = "ISO106"
    name = "library-loaded-from-system32"
    message = "library loaded from System32 by its path"

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        for call in unit.calls:
            if call.name not in _LOADS or not call.arguments:
                continue
            for s in call.arguments[0].strings:
                target = file_target(s.value)
                if target is None or not target.system32:
                    continue
                kernel = False
                yield self.finding(
                    unit,
                    call.span,
                    f"{call.name} loads '{s.value}' from System32 ({mode_label(unit, kernel)}):"
                    f" {file_advice(target, unit.mode, kernel)}",
                )
                break
