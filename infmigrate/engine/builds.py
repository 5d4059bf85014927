"""Windows versions and builds: what ``--target-windows`` accepts, and how they are named.

A Windows version is ``(major, minor, build)`` (:class:`WindowsVersion`), compared as a
tuple. That is the order SetupAPI compares a Models section's TargetOSVersion decoration
in ("INF Manufacturer section", *BuildNumber*: a build number "is evaluated only when the
OS major/minor version of the TargetOSVersion matches the current OS version exactly"; a
higher major/minor applies whatever the build), and builds also grow from one major/minor
to the next (Windows 7 is 6.1.7600, Windows 10 10.0.10240).

``--target-windows`` / ``target-windows`` take (case-insensitive):

* ``10.0.17763`` (``MAJOR.MINOR.BUILD``), or ``6.1`` / ``10.0`` (``MAJOR.MINOR``: its
  first build);
* ``17763``: a bare build number of Windows 10 or 11 (10240 or later);
* a release name from :data:`RELEASES`: ``1809``, ``20H2``, ``24H2``, ``server2019``,
  ``win7``... Windows 10 and Windows 11 both have a ``21H2`` and a ``22H2`` release, with
  different builds (Windows 10 21H2 is 19044, Windows 11 21H2 is 22000), so those two are
  written ``win10-21H2`` / ``win11-21H2`` (and ``win10-22H2`` / ``win11-22H2``); a bare
  ``21H2`` is refused with both spellings in the message. Every Windows 10 name also
  takes the ``win10-`` prefix, every Windows 11 name ``win11-``.

Each row of :data:`RELEASES` names the page its build number comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "ANY_WINDOWS",
    "RELEASES",
    "Release",
    "WindowsVersion",
    "describe",
    "label",
    "parse_windows",
    "releases_table",
]

#: "INF Manufacturer section", the BuildNumber table and the OSMajorVersion /
#: OSMinorVersion tables.
_MANUFACTURER = (
    "INF Manufacturer section, BuildNumber / OSMinorVersion tables "
    "(https://learn.microsoft.com/windows-hardware/drivers/install/inf-manufacturer-section)"
)
_W10 = (
    "Windows 10 release information "
    "(https://learn.microsoft.com/windows/release-health/release-information)"
)
_W11_25H2 = (
    'InfVerif error table: "WDK 10.0.26200 (Windows 11, version 25H2)" '
    "(https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)"
)


class WindowsVersion(NamedTuple):
    """``(major, minor, build)``; build 0 stands for the first build of ``major.minor``."""

    major: int
    minor: int
    build: int = 0

    def __str__(self) -> str:
        if self.build:
            return f"{self.major}.{self.minor}.{self.build}"
        return f"{self.major}.{self.minor}"


#: Below every version: what an undecorated Models section allows.
ANY_WINDOWS = WindowsVersion(0, 0, 0)


@dataclass(frozen=True, slots=True)
class Release:
    """One named Windows release."""

    #: The names ``--target-windows`` takes for it (lower case; the first is shown).
    names: tuple[str, ...]
    version: WindowsVersion
    #: How people call it (``Windows 10 1809``).
    label: str
    #: Where the build number comes from.
    source: str


def _w10(name: str, build: int, source: str = _MANUFACTURER, extra: str = "") -> Release:
    label = f"Windows 10 {name.upper()}" + (f" / {extra}" if extra else "")
    return Release(
        (name.lower(), f"win10-{name.lower()}"), WindowsVersion(10, 0, build), label, source
    )


def _w11(name: str, build: int, source: str = _MANUFACTURER, *, bare: bool = True) -> Release:
    names = (name.lower(), f"win11-{name.lower()}") if bare else (f"win11-{name.lower()}",)
    return Release(names, WindowsVersion(10, 0, build), f"Windows 11 {name.upper()}", source)


#: Named releases, oldest first. Windows 10 1507 and 1511 predate the BuildNumber field
#: (the Manufacturer section's table starts at 1607); their builds are those of
#: Microsoft's release information page.
RELEASES: tuple[Release, ...] = (
    Release(("win7",), WindowsVersion(6, 1), "Windows 7 / Windows Server 2008 R2", _MANUFACTURER),
    Release(("win8",), WindowsVersion(6, 2), "Windows 8 / Windows Server 2012", _MANUFACTURER),
    Release(
        ("win81", "win8.1"),
        WindowsVersion(6, 3),
        "Windows 8.1 / Windows Server 2012 R2",
        _MANUFACTURER,
    ),
    _w10("1507", 10240, _W10),
    _w10("1511", 10586, _W10),
    _w10("1607", 14393, extra="Windows Server 2016"),
    Release(("server2016",), WindowsVersion(10, 0, 14393), "Windows Server 2016", _MANUFACTURER),
    _w10("1703", 15063),
    _w10("1709", 16299),
    _w10("1803", 17134),
    _w10("1809", 17763, extra="Windows Server 2019"),
    Release(("server2019",), WindowsVersion(10, 0, 17763), "Windows Server 2019", _MANUFACTURER),
    _w10("1903", 18362),
    _w10("1909", 18363),
    _w10("2004", 19041),
    _w10("20H2", 19042),
    _w10("21H1", 19043),
    Release(("win10-21h2",), WindowsVersion(10, 0, 19044), "Windows 10 21H2", _MANUFACTURER),
    Release(("win10-22h2",), WindowsVersion(10, 0, 19045), "Windows 10 22H2", _MANUFACTURER),
    Release(("server2022",), WindowsVersion(10, 0, 20348), "Windows Server 2022", _MANUFACTURER),
    _w11("21H2", 22000, bare=False),
    _w11("22H2", 22621, bare=False),
    _w11("23H2", 22631),
    _w11("24H2", 26100),
    Release(("server2025",), WindowsVersion(10, 0, 26100), "Windows Server 2025", _MANUFACTURER),
    _w11("25H2", 26200, _W11_25H2),
)

#: Names that Windows 10 and Windows 11 share, with what to write instead.
AMBIGUOUS: dict[str, tuple[str, str]] = {
    "21h2": ("win10-21H2", "win11-21H2"),
    "22h2": ("win10-22H2", "win11-22H2"),
}

_BY_NAME: dict[str, Release] = {name: r for r in RELEASES for name in r.names}
_DOTTED = re.compile(r"(\d{1,3})\.(\d{1,3})(?:\.(\d{1,6}))?")
#: The first Windows 10 build: a bare number below it is not a Windows 10/11 build.
_FIRST_WIN10_BUILD = 10240


def parse_windows(text: str) -> WindowsVersion:
    """A Windows version from ``text`` (see the module docstring); ValueError says why not."""
    s = text.strip()
    low = s.lower()
    if not s:
        raise ValueError("empty Windows version")
    if low in AMBIGUOUS:
        ten, eleven = AMBIGUOUS[low]
        raise ValueError(
            f"{s!r} is ambiguous: write {ten} ({_BY_NAME[ten.lower()].version}) or "
            f"{eleven} ({_BY_NAME[eleven.lower()].version})"
        )
    release = _BY_NAME.get(low)
    if release is not None:
        return release.version
    if s.isascii() and s.isdigit():
        build = int(s)
        if build < _FIRST_WIN10_BUILD:
            raise ValueError(
                f"{s!r} is not a Windows 10 or 11 build (10240 or later); "
                "write MAJOR.MINOR for older Windows (6.1 is Windows 7)"
            )
        return WindowsVersion(10, 0, build)
    m = _DOTTED.fullmatch(s)
    if m is not None:
        return WindowsVersion(int(m[1]), int(m[2]), int(m[3] or 0))
    raise ValueError(
        f"not a Windows version: {s!r} (write 10.0.17763, 17763, or a release name such "
        "as 1809 or win11-22H2; `infmigrate --explain builds` lists them)"
    )


def label(version: WindowsVersion) -> str:
    """The release name of exactly that version (``Windows 10 1809 / Windows Server
    2019``), or ""."""
    named = [r.label for r in RELEASES if r.version == version]
    return next((n for n in named if "/" in n), named[0] if named else "")


def describe(version: WindowsVersion) -> str:
    """``10.0.17763 (Windows 10 1809 / Windows Server 2019)``; the bare number when no
    release has exactly that version."""
    if version == ANY_WINDOWS:
        return "any Windows version"
    name = label(version)
    return f"{version} ({name})" if name else str(version)


def releases_table() -> str:
    """The release names ``--target-windows`` takes, as text (``--explain builds``)."""
    sources = list(dict.fromkeys(r.source for r in RELEASES))
    rows = [("NAMES", "VERSION", "RELEASE", "SOURCE")]
    for r in RELEASES:
        rows.append(
            (", ".join(r.names), str(r.version), r.label, f"[{sources.index(r.source) + 1}]")
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "Windows versions for --target-windows / target-windows",
        "",
        "Write 10.0.17763, 17763 (a Windows 10/11 build), 6.1 (MAJOR.MINOR), or a name",
        "(any case):",
        "",
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in rows
    ]
    lines += [
        "",
        "21H2 and 22H2 are both Windows 10 and Windows 11 releases: write win10-21H2 (19044)",
        "or win11-21H2 (22000), win10-22H2 (19045) or win11-22H2 (22621).",
        "",
        "Sources:",
        *(f"[{i}] {source}" for i, source in enumerate(sources, 1)),
        "",
    ]
    return "\n".join(lines)
