"""The DIRID table and how isolation treats each DIRID.

DIRIDs as Microsoft's "Using Dirids" lists them
(https://learn.microsoft.com/windows-hardware/drivers/install/using-dirids).

Every DIRID falls in one :class:`DiridClass`:

- ``driver_store``: 13, where an isolated package runs its files from;
- ``system32``: 11 and 12, which ISO001 moves to 13;
- ``report``: 10, 16422, 16425-16428, 23, 51, 52, 55, the printer DIRIDs 66000-66004
  and every user DIRID (32768-65534, 65536 and up): not isolated, reported (ISO009);
- ``deprecated``: 1, 17, 18, 20, 21, 24, 25, 30, 50, 53, 54, -1/65535 and the shell DIRIDs
  deprecated in 24H2 (16406-16409, 16415, 16419, 16429, 16430): reported (ISO010);
- ``unknown``: any other number (0, other shell folders 16384-32767, unassigned system
  numbers). Not a valid isolated destination either; consumers should report it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from infmigrate.engine.model.numbers import parse_int

__all__ = [
    "DIRIDS",
    "DIRID_DEFAULT",
    "DRIVER_STORE",
    "Dirid",
    "DiridClass",
    "classify",
    "describe",
    "parse_dirid",
]


class DiridClass(StrEnum):
    """How driver package isolation treats a destination DIRID."""

    DRIVER_STORE = "driver_store"
    SYSTEM32 = "system32"
    REPORT = "report"
    DEPRECATED = "deprecated"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Dirid:
    """One DIRID of the table."""

    #: The number (``-1`` for the absolute-path DIRID; 65535 is listed separately).
    number: int
    #: The setupapi.h name, or a short description where setupapi.h has none.
    name: str
    #: The directory it stands for, with environment variables as Windows writes them.
    path: str
    #: How isolation treats it.
    cls: DiridClass


#: DIRID 13, the package's Driver Store directory.
DRIVER_STORE = 13
#: Where setupapi copies a file list that has no DestinationDirs entry and no DefaultDestDir.
DIRID_DEFAULT = 11

_D, _S, _R, _X = (
    DiridClass.DRIVER_STORE,
    DiridClass.SYSTEM32,
    DiridClass.REPORT,
    DiridClass.DEPRECATED,
)
_ROWS: tuple[tuple[int, str, str, DiridClass], ...] = (
    (-1, "DIRID_ABSOLUTE", "(absolute path)", _X),
    (65535, "DIRID_ABSOLUTE_16BIT", "(absolute path)", _X),
    (0, "DIRID_NULL", "(none)", DiridClass.UNKNOWN),
    (1, "DIRID_SRCPATH", "(directory the INF was installed from)", _X),
    (10, "DIRID_WINDOWS", "%SystemRoot%", _R),
    (11, "DIRID_SYSTEM", r"%SystemRoot%\System32", _S),
    (12, "DIRID_DRIVERS", r"%SystemRoot%\System32\drivers", _S),
    (13, "DIRID_DRIVER_STORE", "(the package's Driver Store directory)", _D),
    (17, "DIRID_INF", r"%SystemRoot%\INF", _X),
    (18, "DIRID_HELP", r"%SystemRoot%\Help", _X),
    (20, "DIRID_FONTS", r"%SystemRoot%\Fonts", _X),
    (21, "DIRID_VIEWERS", r"%SystemRoot%\System32\viewers", _X),
    (23, "DIRID_COLOR", r"%SystemRoot%\System32\spool\drivers\color", _R),
    (24, "DIRID_APPS", "(root of the system disk)", _X),
    (25, "DIRID_SHARED", "%SystemRoot%", _X),
    (30, "DIRID_BOOT", "(root of the boot disk)", _X),
    (50, "DIRID_SYSTEM16", r"%SystemRoot%\System", _X),
    (51, "DIRID_SPOOL", r"%SystemRoot%\System32\spool", _R),
    (52, "DIRID_SPOOLDRIVERS", r"%SystemRoot%\System32\spool\drivers\<arch>", _R),
    (53, "DIRID_USERPROFILE", "%UserProfile%", _X),
    (54, "DIRID_LOADER", "(directory of ntldr/osloader)", _X),
    (55, "DIRID_PRINTPROCESSOR", r"%SystemRoot%\System32\spool\prtprocs\<arch>", _R),
    (16406, "CSIDL_COMMON_STARTMENU", r"%ProgramData%\Microsoft\Windows\Start Menu", _X),
    (16407, "CSIDL_COMMON_PROGRAMS", r"%ProgramData%\Microsoft\Windows\Start Menu\Programs", _X),
    (
        16408,
        "CSIDL_COMMON_STARTUP",
        r"%ProgramData%\Microsoft\Windows\Start Menu\Programs\Startup",
        _X,
    ),
    (16409, "CSIDL_COMMON_DESKTOPDIRECTORY", r"%Public%\Desktop", _X),
    (16415, "CSIDL_COMMON_FAVORITES", "(All Users Favorites)", _X),
    (16419, "CSIDL_COMMON_APPDATA", "%ProgramData%", _X),
    (16422, "CSIDL_PROGRAM_FILES", "%ProgramFiles%", _R),
    (16425, "CSIDL_SYSTEMX86", r"%SystemRoot%\SysWOW64", _R),
    (16426, "CSIDL_PROGRAM_FILESX86", "%ProgramFiles(x86)%", _R),
    (16427, "CSIDL_PROGRAM_FILES_COMMON", "%CommonProgramFiles%", _R),
    (16428, "CSIDL_PROGRAM_FILES_COMMONX86", "%CommonProgramFiles(x86)%", _R),
    (16429, "CSIDL_COMMON_TEMPLATES", r"%ProgramData%\Microsoft\Windows\Templates", _X),
    (16430, "CSIDL_COMMON_DOCUMENTS", r"%Public%\Documents", _X),
    (66000, "DIRID_PRINTER_DRIVER", "(printer driver directory)", _R),
    (66001, "DIRID_PRINT_PROCESSOR", "(print processor directory)", _R),
    (66002, "DIRID_PRINTER_SYSTEM32", r"%SystemRoot%\System32", _R),
    (66003, "DIRID_PRINTER_COLOR", "(printer color directory)", _R),
    (66004, "DIRID_PRINTER_ASP", "(printer ASP files directory)", _R),
)

#: The known DIRIDs by number.
DIRIDS: dict[int, Dirid] = {n: Dirid(n, name, path, cls) for n, name, path, cls in _ROWS}


def classify(dirid: int) -> DiridClass:
    """The isolation class of a DIRID number (see the module docstring)."""
    known = DIRIDS.get(dirid)
    if known is not None:
        return known.cls
    if dirid >= 32768:  # user DIRIDs (65535 is in the table as absolute)
        return DiridClass.REPORT
    return DiridClass.UNKNOWN


def describe(dirid: int) -> Dirid:
    """The table row of a DIRID, or a row made up for an unlisted number."""
    known = DIRIDS.get(dirid)
    if known is not None:
        return known
    if dirid >= 32768:
        return Dirid(dirid, "user DIRID", "(set by SetupSetDirectoryId)", DiridClass.REPORT)
    if 16384 <= dirid <= 32767:
        return Dirid(
            dirid, f"shell folder CSIDL 0x{dirid - 0x4000:X}", "(shell folder)", DiridClass.UNKNOWN
        )
    return Dirid(dirid, "unknown DIRID", "(unknown)", DiridClass.UNKNOWN)


def parse_dirid(text: str) -> int | None:
    """The DIRID a DestinationDirs field holds (``12``, ``0x0C``, ``-1``), else ``None``.

    DestinationDirs wants a bare number; ``%12%`` or any other text gives ``None``.
    """
    return parse_int(text)
