"""ISO108: a file of the driver package loaded by its bare name, when the package's INF
runs it from the driver store.

Alone, a source file does not say which DLLs are the package's: this rule needs the
package's INF (:func:`package_places`), which the command joins after a run
(:mod:`infmigrate.cli.link`, the same packages as the code/INF link). On a source file by
itself (:meth:`LibraryLoadedByBareName.check_source`) it finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext
from infmigrate.engine.model import fold
from infmigrate.engine.model.files import ListKind
from infmigrate.engine.syntax import parse
from infmigrate.rules.code._advice import api
from infmigrate.rules.code._uses import mode_label
from infmigrate.rules.placement._driver_store import DRIVER_STORE, LEGACY, DriverStorePlans
from infmigrate.sources.reader import Call, SourceUnit
from infmigrate.sources.rule import CodeRule

__all__ = ["LibraryLoadedByBareName", "PackageFile", "PackagePlaces", "package_places"]

_LOADS = frozenset(
    f"{base}{suffix}" for base in ("LoadLibrary", "LoadLibraryEx") for suffix in ("", "A", "W")
)
#: DIRIDs the standard DLL search order reads: the Windows directory (10), System32
#: (11), and SysWOW64 (16425, what a 32-bit process on 64-bit Windows sees as System32).
_SEARCHED_DIRIDS = frozenset({10, 11, 16425})
#: LoadLibraryEx flags that add directories the code chose (AddDllDirectory) to the search.
_USER_DIRS = frozenset({"LOAD_LIBRARY_SEARCH_USER_DIRS", "LOAD_LIBRARY_SEARCH_DEFAULT_DIRS"})
_APPLICATION_DIR = frozenset(
    {"LOAD_LIBRARY_SEARCH_APPLICATION_DIR", "LOAD_LIBRARY_SEARCH_DEFAULT_DIRS"}
)
#: Calls that change the DLL search path of the process.
_SETS_DIRECTORIES = re.compile(
    rb"\b(?:SetDllDirectory|AddDllDirectory|SetDefaultDllDirectories)\w*\s*\("
)


@dataclass(frozen=True, slots=True)
class PackageFile:
    """A file that the package's INF runs from the driver store."""

    #: The file name as the INF writes it.
    name: str
    #: The INF (shown path) and the line that copies the file.
    inf: str
    line: int
    #: The INF copies it to System32 (DIRID 11) or System32\drivers (DIRID 12) today
    #: and the migration (ISO001) moves it to DIRID 13: that DIRID; else (copied to
    #: DIRID 13 already) None.
    moves_from: int | None
    #: Its folder in the driver store (folded; "" for the package root).
    folder: str


@dataclass
class PackagePlaces:
    """What a package's INFs copy, as far as loading by bare name goes."""

    #: Files run from the driver store and copied nowhere the search order reads, by
    #: folded name.
    files: dict[str, PackageFile] = field(default_factory=dict)
    #: Driver store folders (folded) holding a program (``.exe``) of the package: a
    #: program's own directory comes first in the search order.
    programs: set[str] = field(default_factory=set)
    #: Folded names copied somewhere the search order reads (System32...).
    searched: set[str] = field(default_factory=set)

    def merge(self, other: PackagePlaces) -> None:
        """Add another INF of the same package."""
        for key, value in other.files.items():
            self.files.setdefault(key, value)
        self.programs |= other.programs
        self.searched |= other.searched
        for key in self.searched:
            self.files.pop(key, None)


def package_places(data: bytes, inf: str) -> PackagePlaces:
    """Where the INF's files run once it is migrated: DIRID 13 for a list already there
    or one the migration's safe fixes move (its :class:`DriverStorePlans` plan can move
    and is not an unsafe fix; a file whose consumer looks for it in a fixed place never
    moves), the list's DIRID otherwise."""
    ctx = FixContext(parse(data))
    model = ctx.model
    plans = ctx.analysis(DriverStorePlans).by_list
    expand = model.strings.expand
    out = PackagePlaces()
    for fl in model.file_lists:
        if fl.kind is not ListKind.COPY:
            continue
        dest = fl.destination
        plan = plans.get(id(fl))
        for i, copy in enumerate(fl.files):
            key = fold(expand(copy.dest_name))
            if dest.dirid == DRIVER_STORE:
                moves, folder = None, dest.subdir
            elif (
                dest.dirid in LEGACY
                and plan is not None
                and plan.movable
                and not plan.unsafe  # (a move only --unsafe-fixes makes: a .security dropped)
                and i not in plan.fixed
            ):
                moves, folder = dest.dirid, plan.subdirs.get(i, "")
            else:
                if dest.dirid in _SEARCHED_DIRIDS:
                    out.searched.add(key)
                continue
            folder = fold(expand(folder)).strip("\\")
            if key.endswith(".exe"):
                out.programs.add(folder)
            if copy.entry is not None:
                line = copy.entry.entry.line
            elif fl.references:
                line = fl.references[0].entry.entry.line
            else:
                continue
            out.files.setdefault(key, PackageFile(copy.dest_name, inf, line, moves, folder))
    for key in out.searched:
        out.files.pop(key, None)
    return out


def _module_key(name: str) -> str:
    """The file LoadLibrary looks for: ``.dll`` appended to a name without an extension
    (a name ending in ``.`` has none); "" when the name has a path."""
    name = name.strip()
    if not name or any(c in name for c in "\\/:"):
        return ""
    if name.endswith("."):
        return fold(name[:-1])
    return fold(name if "." in name else f"{name}.dll")


@register
class LibraryLoadedByBareName(CodeRule):
    r"""## What it does
    Flags `LoadLibrary` / `LoadLibraryEx` (any `A`/`W` form) given a bare file name (a
    literal, a `#define`, or a variable holding one string) that names a file the
    package's INF runs from the driver store: copied to DIRID 13, or copied to System32
    (DIRID 11/12) in a list the migration moves to DIRID 13 (ISO001). The package is the
    INF and the sources in its folder or below it, or below the folder above it, as for
    the code/INF link; the rule runs after the other rules, once the run knows the INFs.

    Not flagged: a name the INF does not copy (`kernel32.dll`, `setupapi.dll`: the
    system's DLLs, found in System32), a file the INF also copies to System32 or the
    Windows directory (or that stays there: a list that cannot move), and loads the
    search order can still resolve: `LoadLibraryEx` with `LOAD_LIBRARY_SEARCH_USER_DIRS`
    or `LOAD_LIBRARY_SEARCH_DEFAULT_DIRS`, or a file that calls `SetDllDirectory`,
    `AddDllDirectory` or `SetDefaultDllDirectories` (the code may add its own directory);
    and a program (`main`, `WinMain`, `ServiceMain`) when the INF runs an `.exe` from the
    same driver store folder (a program's own directory comes first in the search order:
    it may be this program), unless `LOAD_LIBRARY_SEARCH_SYSTEM32` limits the search to
    System32. Kernel-mode code has no routine that loads an image by a bare name through
    a search order (`ZwLoadDriver` takes a service key path, which ISO100 reports;
    `MmLoadSystemImage` is not documented), so this rule is user mode only.

    ## Why is this bad?
    For a bare name, the DLL search order reads the modules already loaded and the
    known DLLs, then the folder of the process's executable, System32, the 16-bit
    system folder, the Windows folder, the current folder and the PATH folders
    ("Dynamic-link library search order", standard order for unpackaged apps). A driver
    package file in the driver store is in none of them: the UMDF host, the
    co-installer's or the property page's process all run from System32. Microsoft's
    "Run from Driver Store" page: components that depend on "LoadLibrary's search order
    being able to find the file" must handle a full path once the file runs from the
    driver store; "Paths to these driver package files shouldn't be hardcoded", and a
    file that loads another file of the same package finds it relative to the directory
    it runs from.

    ## Example
    ```c
    helper = LoadLibraryW(L"contoso_helper.dll");  // the INF copies it to DIRID 13
    ```

    Use instead: the full path, from the directory of the calling module (as the "Run
    from Driver Store" page does for a UMDF driver):
    ```c
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                       GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (PCWSTR)&DriverEntry, &self);
    GetModuleFileNameW(self, path, ARRAYSIZE(path));
    // replace the file name after the last backslash with L"contoso_helper.dll"
    helper = LoadLibraryExW(path, NULL, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR |
                                        LOAD_LIBRARY_SEARCH_SYSTEM32);
    ```
    A component outside the package (an application) reads the file's full path from
    state the INF writes under HKR (`HKR,,HelperPath,,%13%\contoso_helper.dll`, "Find
    and load files in any driver package"). `GetServiceDirectory` is not the answer here:
    it gives a service's state directory, not the directory its binary runs from.

    ## Fix safety
    No fix.

    ## References
    - [Run From Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
      ("Find and load files in the same driver package", "Other files")
    - [Driver package isolation](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [Dynamic-link library search order](https://learn.microsoft.com/windows/win32/dlls/dynamic-link-library-search-order)
    - [GetModuleHandleExW](https://learn.microsoft.com/windows/win32/api/libloaderapi/nf-libloaderapi-getmodulehandleexw),
      [GetModuleFileNameW](https://learn.microsoft.com/windows/win32/api/libloaderapi/nf-libloaderapi-getmodulefilenamew)
    - [LoadLibraryExW](https://learn.microsoft.com/windows/win32/api/libloaderapi/nf-libloaderapi-loadlibraryexw)
      (`LOAD_LIBRARY_SEARCH_*`)
    - [ZwLoadDriver](https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwloaddriver)
    """

    code = "ISO108"
    name = "library-loaded-by-bare-name"
    message = "file of the driver package loaded by its bare name"

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        """Nothing: which files are the package's is known from its INF only
        (:meth:`check_package`)."""
        return iter(())

    def check_package(self, unit: SourceUnit, places: PackagePlaces) -> Iterator[Diagnostic]:
        """The findings of a source file of a package whose INFs copy ``places``."""
        if not places.files or unit.mode.kernel:
            return
        sets_directories = _SETS_DIRECTORIES.search(unit.data) is not None
        program = (unit.mode.app or unit.mode.service) and not unit.mode.umdf
        for call in unit.calls:
            if call.name not in _LOADS or not call.arguments:
                continue
            flags = _flags(call)
            system32_only = "LOAD_LIBRARY_SEARCH_SYSTEM32" in flags and not (
                flags & (_USER_DIRS | _APPLICATION_DIR)
            )
            if not system32_only and (sets_directories or flags & _USER_DIRS):
                continue
            for s in call.arguments[0].strings:
                found = places.files.get(_module_key(s.value))
                if found is None:
                    continue
                if program and not system32_only and found.folder in places.programs:
                    continue
                yield self._finding(unit, call, s.value, s.via, found)
                break

    def _finding(
        self, unit: SourceUnit, call: Call, name: str, via: str, found: PackageFile
    ) -> Diagnostic:
        if found.moves_from is None:
            where = "runs from the driver store"
        else:
            old = "System32" if found.moves_from == 11 else "System32\\drivers"
            where = (
                f"copies to {old} (DIRID {found.moves_from}) and the migration (ISO001) "
                "moves to the driver store"
            )
        through = f" (through {via})" if via else ""
        advice = (
            f"load it by its full path, from the directory of the calling module "
            f"(GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) + "
            f"{api('GetModuleFileName')})"
        )
        d = self.finding(
            unit,
            call.span,
            f"{call.name} loads '{name}'{through} by its bare name "
            f"({mode_label(unit, False)}), which {found.inf}:{found.line} {where} (DIRID 13),"
            f" where the DLL search order does not look: {advice}",
        )
        return replace(d, related=((found.inf, found.line, f"the INF copies {found.name}"),))


def _flags(call: Call) -> frozenset[str]:
    """The identifiers of LoadLibraryEx's flags argument (none for LoadLibrary)."""
    if call.name.startswith("LoadLibraryEx") and len(call.arguments) >= 3:
        return call.arguments[2].identifiers
    return frozenset()
