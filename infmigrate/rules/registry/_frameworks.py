"""Which KMDF and UMDF versions each Windows release ships inbox, and the framework
co-installers (WDF, WinUSB) ISO029 removes.

A framework co-installer (``WdfCoInstallerMMmmm.dll``, ``WudfUpdate_MMmmm.dll``) installs
or updates the framework when the running Windows does not ship the version the driver
asks for (``KmdfLibraryVersion`` / ``UmdfLibraryVersion`` in the wdf-service-install
section). It does nothing on a Windows that ships that version or a later one of the same
major version, so it can go when every Windows the package installs on does
("Removing co-installers": "The WDF co-installer and the WinUSB co-installer are not
needed on any system running Windows 10 and later").

:data:`KMDF` and :data:`UMDF` give, for each framework version, the first Windows version
that includes it, from Microsoft's "KMDF version history" and "UMDF version history"
tables (column "Included in"; checked December 2026):

- https://learn.microsoft.com/windows-hardware/drivers/wdf/kmdf-version-history
- https://learn.microsoft.com/windows-hardware/drivers/wdf/umdf-version-history

KMDF 1.1 and UMDF 1.0 were download-only ("Included in: none") and have no row. 1.33 /
2.33 are listed as included in Windows Server 2022 (build 20348) and Windows 11 21H2
(22000): no released Windows has a build between those two, so the floor is 20348.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infmigrate.engine.builds import WindowsVersion, describe

__all__ = [
    "KMDF",
    "UMDF",
    "CoInstallerDll",
    "classify_dll",
    "first_inbox",
    "parse_framework_version",
    "versions_table",
]

_W10 = 10, 0

#: KMDF version -> the first Windows that ships it inbox ("KMDF version history").
KMDF: dict[tuple[int, int], WindowsVersion] = {
    (1, 5): WindowsVersion(6, 0),  # Windows Vista
    (1, 7): WindowsVersion(6, 0, 6001),  # Windows Vista SP1 / Windows Server 2008
    (1, 9): WindowsVersion(6, 1),  # Windows 7
    (1, 11): WindowsVersion(6, 2),  # Windows 8
    (1, 13): WindowsVersion(6, 3),  # Windows 8.1
    (1, 15): WindowsVersion(*_W10, 10240),  # Windows 10 1507
    (1, 17): WindowsVersion(*_W10, 10586),  # 1511
    (1, 19): WindowsVersion(*_W10, 14393),  # 1607
    (1, 21): WindowsVersion(*_W10, 15063),  # 1703
    (1, 23): WindowsVersion(*_W10, 16299),  # 1709
    (1, 25): WindowsVersion(*_W10, 17134),  # 1803
    (1, 27): WindowsVersion(*_W10, 17763),  # 1809
    (1, 29): WindowsVersion(*_W10, 18362),  # 1903
    (1, 31): WindowsVersion(*_W10, 19041),  # 2004
    (1, 33): WindowsVersion(*_W10, 20348),  # Windows Server 2022, Windows 11 21H2
}

#: UMDF version -> the first Windows that ships it inbox ("UMDF version history").
UMDF: dict[tuple[int, int], WindowsVersion] = {
    (1, 5): WindowsVersion(6, 0),  # Windows Vista
    (1, 7): WindowsVersion(6, 0, 6001),  # Windows Vista SP1 / Windows Server 2008
    (1, 9): WindowsVersion(6, 1),  # Windows 7
    (1, 11): WindowsVersion(6, 2),  # Windows 8
    (2, 0): WindowsVersion(6, 3),  # Windows 8.1
    (2, 15): WindowsVersion(*_W10, 10240),  # Windows 10 1507
    (2, 17): WindowsVersion(*_W10, 10586),
    (2, 19): WindowsVersion(*_W10, 14393),
    (2, 21): WindowsVersion(*_W10, 15063),
    (2, 23): WindowsVersion(*_W10, 16299),
    (2, 25): WindowsVersion(*_W10, 17134),
    (2, 27): WindowsVersion(*_W10, 17763),
    (2, 29): WindowsVersion(*_W10, 18362),
    (2, 31): WindowsVersion(*_W10, 19041),
    (2, 33): WindowsVersion(*_W10, 20348),
}

#: The WinUSB co-installer: "not needed on any system running Windows 10 and later"
#: once the INF references WinUSB with Include/Needs ("Removing co-installers").
WINUSB_FLOOR = WindowsVersion(*_W10, 10240)

_VERSION = re.compile(r"\s*(\d{1,3})\.(\d{1,3})(?:\.\d+)*\s*")
_KMDF_DLL = re.compile(r"wdfcoinstaller(\d{2})(\d{3})\.dll", re.IGNORECASE)
_UMDF_DLL = re.compile(r"wudfupdate_(\d{2})(\d{3})\.dll", re.IGNORECASE)
_UMDF_INBOX = "wudfcoinstaller.dll"
_WINUSB_DLL = re.compile(r"winusbcoinstaller\d*\.dll", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CoInstallerDll:
    """A framework co-installer DLL named by a ``CoInstallers32`` value."""

    #: The file name as written (expanded).
    name: str
    #: ``kmdf``, ``umdf`` or ``winusb``.
    framework: str
    #: The framework version its name carries (``WdfCoInstaller01011`` -> (1, 11)), or
    #: None (a stampinf variable, the inbox ``WUDFCoinstaller.dll``, WinUSB).
    version: tuple[int, int] | None


def classify_dll(name: str) -> CoInstallerDll | None:
    """The framework co-installer ``name`` (a bare file name, expanded) is, or None for
    any other DLL (a third-party co-installer)."""
    text = name.strip()
    m = _KMDF_DLL.fullmatch(text)
    if m is not None:
        return CoInstallerDll(text, "kmdf", (int(m[1]), int(m[2])))
    if re.fullmatch(r"wdfcoinstaller\$kmdfcoinstallerversion\$\.dll", text, re.IGNORECASE):
        return CoInstallerDll(text, "kmdf", None)
    m = _UMDF_DLL.fullmatch(text)
    if m is not None:
        return CoInstallerDll(text, "umdf", (int(m[1]), int(m[2])))
    if (
        re.fullmatch(r"wudfupdate_\$umdfcoinstallerversion\$\.dll", text, re.IGNORECASE)
        or text.casefold() == _UMDF_INBOX
    ):
        return CoInstallerDll(text, "umdf", None)
    if _WINUSB_DLL.fullmatch(text):
        return CoInstallerDll(text, "winusb", None)
    return None


def parse_framework_version(text: str) -> tuple[int, int] | None:
    """``1.11`` / ``1.09`` / ``2.15.0`` -> (major, minor); None for anything else (a
    stampinf variable such as ``$KMDFVERSION$``)."""
    m = _VERSION.fullmatch(text)
    return (int(m[1]), int(m[2])) if m is not None else None


def first_inbox(framework: str, version: tuple[int, int]) -> WindowsVersion | None:
    """The first Windows that ships ``version`` of ``framework`` (``kmdf``/``umdf``) or a
    later minor version of the same major; None when no released Windows does (a
    version newer than the table)."""
    table = KMDF if framework == "kmdf" else UMDF
    found = [
        v for (major, minor), v in table.items() if major == version[0] and minor >= version[1]
    ]
    return min(found) if found else None


def versions_table() -> str:
    """The two tables as Markdown, for ``--explain ISO029``."""
    lines = [
        "## Framework versions inbox in each Windows release",
        'The first Windows that includes each version (column "Included in" of '
        "Microsoft's version history pages); a co-installer for that version or an "
        "older one of the same major version does nothing there.",
        "",
    ]
    for title, url, table in (
        (
            "KMDF version history",
            "https://learn.microsoft.com/windows-hardware/drivers/wdf/kmdf-version-history",
            KMDF,
        ),
        (
            "UMDF version history",
            "https://learn.microsoft.com/windows-hardware/drivers/wdf/umdf-version-history",
            UMDF,
        ),
    ):
        rows = ", ".join(f"{major}.{minor}: {describe(v)}" for (major, minor), v in table.items())
        lines.append(f"- [{title}]({url}): {rows}")
    lines.append(
        "- WinUSB co-installer: not needed from Windows 10 on, once the INF references "
        "WinUSB with `Include = winusb.inf` / `Needs = WINUSB.NT` ([Removing co-installers]"
        "(https://learn.microsoft.com/windows-hardware/drivers/develop/removing-coinstallers))"
    )
    return "\n".join(lines)
