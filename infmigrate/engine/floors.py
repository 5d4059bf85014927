"""Floors: the first Windows version that supports each isolated construct.

One table (:data:`FLOORS`), keyed by construct, each floor with the page it comes from.
Rules take their figures from here (``floor("dirid-13").version``), and
``infmigrate --explain floors`` prints it. Where no Microsoft page gives a figure, the
row says so and has no version (:attr:`Floor.version` is None): nothing is guessed.

Checked against the Microsoft driver documentation (MicrosoftDocs/windows-driver-docs,
November 2025) and microsoft/Windows-driver-samples; the ``note`` of a row quotes the
page, or says where another figure circulates (the minifilter samples' 25900).
"""

from __future__ import annotations

from dataclasses import dataclass

from infmigrate.engine.builds import WindowsVersion, describe, label

__all__ = ["FLOORS", "Floor", "floor", "floors_table"]

_DOCS = "https://learn.microsoft.com/windows-hardware/drivers"


@dataclass(frozen=True, slots=True)
class Floor:
    """The first Windows version that supports one construct."""

    #: The table key (``dirid-13``).
    key: str
    #: What it is about, for messages and the table.
    construct: str
    #: The first version that supports it; None when no source gives one.
    version: WindowsVersion | None
    #: The page (title and URL) the figure comes from.
    source: str
    #: Anything worth knowing: what the page says exactly, corrections.
    note: str = ""

    @property
    def build(self) -> int:
        """The build number (ValueError for a row without a version)."""
        if self.version is None:
            raise ValueError(f"no floor is known for {self.key}")
        return self.version.build

    @property
    def release(self) -> str:
        """The release name of the floor (``Windows 10 1709``), or its version number."""
        if self.version is None:
            return "unknown"
        return label(self.version) or str(self.version)

    def __str__(self) -> str:
        return describe(self.version) if self.version is not None else "unknown"


def _w10(build: int) -> WindowsVersion:
    return WindowsVersion(10, 0, build)


FLOORS: dict[str, Floor] = {
    f.key: f
    for f in (
        # --- running files from the driver store (DIRID 13) ---------------------------
        Floor(
            "dirid-13",
            "DIRID 13 (run from the driver store), in general",
            _w10(16299),
            f"Run from Driver Store ({_DOCS}/develop/run-from-driver-store); "
            f"InfVerif 1199 ({_DOCS}/devtest/inf-validation-errors-and-warnings)",
            '"general support for run from Driver Store starting with Windows 10 1709"',
        ),
        Floor(
            "umdf",
            "UMDF driver binaries run from the driver store",
            _w10(17134),
            f"Run from Driver Store; Restricting the Loading Location of UMDF Drivers "
            f"({_DOCS}/wdf/restricting-the-loading-location-of-umdf-drivers)",
            '"in Windows 10 1803 and later, a run from Driver Store location"',
        ),
        Floor(
            "uefi-firmware",
            "UEFI firmware update packages run from the driver store",
            _w10(17134),
            f"Run from Driver Store ({_DOCS}/develop/run-from-driver-store)",
            "Windows 10 1803, listed with UMDF",
        ),
        Floor(
            "netcfg",
            "network components installed through NetCfg (Class NetService, NetTrans, "
            "NetClient) with DIRID 13",
            _w10(25319),
            f"Manufacturer Section in a Network INF File "
            f"({_DOCS}/network/manufacturer-section-in-a-network-inf-file); Components "
            f"and Files Used for Network Component Installation",
        ),
        Floor(
            "notify-object",
            "network notify objects run from the driver store",
            _w10(25341),
            f"Installing Network Components ({_DOCS}/network/installing-network-components)",
        ),
        Floor(
            "minifilter",
            "file system minifilters installed by DefaultInstall with DIRID 13",
            _w10(25952),
            "microsoft/Windows-driver-samples filesys/miniFilter/*/*.inf "
            "([DefaultInstall.NT$ARCH$.10.0...25952], the downlevel "
            "[DefaultInstall.NT$ARCH$] copying to DIRID 12); no docs page gives a build",
            "25900 was the samples' first figure (commit b45ffd69, July 2023), "
            'changed to 25952 by commit 0ea260da "Update to correct build number" '
            "(September 2023) in every filter INF and in the drivers' own RtlGetVersion "
            "test (ctx/CtxInit.c...: IoOpenDriverRegistryKey for the Parameters key from "
            "25952 on, the service key before): the samples gate DIRID 13 and the "
            "isolated registry paradigm together; neither the INFs, the code comments nor "
            "the commit messages say why, and no docs page gives a floor for a non-PnP "
            "(DefaultInstall) service run from the driver store. Since commit d5e0277e the "
            "drivers look IoOpenDriverRegistryKey up at run time instead; the INFs keep "
            "25952",
        ),
        Floor(
            "primitive-driver",
            "primitive drivers: DefaultInstall / DefaultUninstall INFs installed and "
            "uninstalled by the PnP platform (DiInstallDriver, DiUninstallDriver)",
            _w10(18362),
            f"Creating a primitive driver ({_DOCS}/develop/creating-a-primitive-driver)",
            '"Starting with Windows 10 version 1903, the Plug and Play platform handles and '
            'manages this type of software package"; "[DefaultUninstall] may not be '
            'present", except with LegacyUninstall=1 for down-level OS versions',
        ),
        Floor(
            "audio-apo",
            "audio APO (COM) registration under HKR instead of HKCR",
            _w10(17763),
            f"Implementing Audio Processing Objects ({_DOCS}/audio/implementing-audio-"
            "processing-objects)",
            '"APO registration has been supported using HKR starting with Windows 10, '
            'release 1809"',
        ),
        Floor(
            "media-categories",
            "HKR,MediaCategories (audio endpoint friendly names) in the software key",
            _w10(17763),
            f"Friendly Names for Audio Endpoint Devices ({_DOCS}/audio/friendly-names-for-"
            "audio-endpoint-devices)",
        ),
        Floor(
            "printer",
            "print drivers (files for the spooler, DIRID 66000-66004) run from the driver store",
            None,
            "no Microsoft page found that gives a build",
            "no floor is assumed: infmigrate moves no printer files (ISO009 reports the "
            "printer DIRIDs 66000-66004 and the spooler's 51, 52, 55)",
        ),
        # --- directives and sections the fixers introduce --------------------------------
        Floor(
            "add-event-provider",
            "AddEventProvider in DDInstall.Events",
            _w10(17763),
            f"INF AddEventProvider Directive ({_DOCS}/install/inf-addeventprovider-"
            "directive); INF DDInstall.Events Section",
            '"supported for Windows 10 version 1809 and later"',
        ),
        Floor(
            "add-filter",
            "AddFilter in DDInstall.Filters",
            _w10(18362),
            f"INF AddFilter Directive ({_DOCS}/install/inf-addfilter-directive); INF "
            "DDInstall.Filters Section",
            '"supported in Windows 10 version 1903 and later"',
        ),
        Floor(
            "add-autologger",
            "AddAutoLogger / UpdateAutoLogger in DDInstall.Events",
            _w10(22000),
            f"INF AddAutoLogger and UpdateAutoLogger Directives ({_DOCS}/install/"
            "inf-addupdateautologger-directive)",
            '"supported starting in Windows 11" (21H2, build 22000)',
        ),
        Floor(
            "wudfrd-inf",
            "Include=WUDFRD.inf / Needs=WUDFRD.NT... for the UMDF reflector",
            _w10(22000),
            f"Specifying the Reflector in an INF File ({_DOCS}/wdf/adding-the-reflector)",
            '"WudfRd.inf is included only with Windows 11 and later"',
        ),
        Floor(
            "add-com-server",
            "DDInstall.COM with AddComServer",
            _w10(26100),
            f"INF DDInstall.COM Section ({_DOCS}/install/inf-ddinstall-com-section)",
            '"supported for Windows 11 version 24H2 and later"',
        ),
        Floor(
            "service-sid-type",
            "ServiceSidType, DelayedAutoStart and AddTrigger in a service-install section",
            _w10(19041),
            f"INF AddService Directive ({_DOCS}/install/inf-addservice-directive)",
            "Windows 10 2004",
        ),
        Floor(
            "failure-actions",
            "FailureActions in a service-install section",
            _w10(22621),
            f"INF AddService Directive ({_DOCS}/install/inf-addservice-directive)",
            "Windows 11 22H2",
        ),
        Floor(
            "boot-flags",
            "BootFlags in a service-install section",
            _w10(25398),
            f"INF AddService Directive ({_DOCS}/install/inf-addservice-directive)",
            '"Windows 11 build 25398"',
        ),
        # --- the APIs the reports point to ----------------------------------------------
        Floor(
            "io-open-driver-registry-key",
            "IoOpenDriverRegistryKey (DriverRegKeyParameters, DriverRegKeyPersistentState), "
            "IoGetDriverDirectory, WdfDriverOpenPersistentStateRegistryKey",
            _w10(17134),
            f"Driver Package Isolation, support tables ({_DOCS}/develop/driver-isolation)",
        ),
        Floor(
            "rtl-query-registry-value-with-fallback",
            "RtlQueryRegistryValueWithFallback",
            _w10(17763),
            f"Driver Package Isolation, support tables ({_DOCS}/develop/driver-isolation)",
            "Windows 10 1809",
        ),
        Floor(
            "get-service-registry-state-key",
            "GetServiceRegistryStateKey, GetServiceDirectory",
            _w10(19041),
            f"Driver Package Isolation, support tables ({_DOCS}/develop/driver-isolation)",
            "Windows 10 2004",
        ),
        Floor(
            "shared-state",
            "shared state: IoOpenDriverRegistryKey (DriverRegKeySharedPersistentState), "
            "GetSharedServiceRegistryStateKey, GetSharedServiceDirectory",
            _w10(22000),
            f"Driver Package Isolation, support tables ({_DOCS}/develop/driver-isolation)",
            "Windows 11 21H2",
        ),
    )
}


def floor(key: str) -> Floor:
    """The floor of a construct (KeyError for an unknown key)."""
    return FLOORS[key]


def floors_table() -> str:
    """The table as text (``infmigrate --explain floors``)."""
    lines = [
        "Floors: the first Windows version that supports each construct",
        "",
        "A fix that puts a construct in a DDInstall needs every Models decoration that",
        "selects it to start at or above the floor (InfVerif 1199). The target",
        "(--target-windows, `target-windows` in the configuration; by default the lowest",
        "version the INF's own Models decorations allow) is the oldest Windows the",
        "package must still install on.",
        "",
    ]
    for f in FLOORS.values():
        lines.append(f"{f.key}: {f}")
        lines.append(f"    {f.construct}")
        lines.append(f"    source: {f.source}")
        if f.note:
            lines.append(f"    note: {f.note}")
    lines.append("")
    return "\n".join(lines)
