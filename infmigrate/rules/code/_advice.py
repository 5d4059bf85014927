"""What the code rules recommend: the isolated APIs, with their doc pages and the first
Windows release the docs give for each, and the classification of the paths they find.

The release figures are copied from each API's Microsoft Learn page ("Requirements":
minimum supported client, or the minimum KMDF/UMDF version); ``""`` where this table
does not state one (the page gives none, or it was not checked). They are kept here, with
their sources, so that a floor table of API releases can take them over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infmigrate.sources.reader import Mode

__all__ = [
    "API_DOCS",
    "ISOLATION_PAGE",
    "FileTarget",
    "RegistryTarget",
    "api",
    "file_advice",
    "file_target",
    "registry_advice",
    "registry_target",
]

#: Microsoft's "Driver package isolation" page, cited by every code rule.
ISOLATION_PAGE = "https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation"

_DDI = "https://learn.microsoft.com/windows-hardware/drivers/ddi/"
_WIN32 = "https://learn.microsoft.com/windows/win32/api/"

#: API -> (doc page, first release the page gives, or "").
API_DOCS: dict[str, tuple[str, str]] = {
    "IoOpenDriverRegistryKey": (
        _DDI + "wdm/nf-wdm-ioopendriverregistrykey",
        "Windows 10, version 1803",
    ),
    "WdfDriverOpenParametersRegistryKey": (
        _DDI + "wdfdriver/nf-wdfdriver-wdfdriveropenparametersregistrykey",
        "",
    ),
    "WdfDriverOpenPersistentStateRegistryKey": (
        _DDI + "wdfdriver/nf-wdfdriver-wdfdriveropenpersistentstateregistrykey",
        "",
    ),
    "IoOpenDeviceRegistryKey": (_DDI + "wdm/nf-wdm-ioopendeviceregistrykey", ""),
    "WdfDeviceOpenRegistryKey": (_DDI + "wdfdevice/nf-wdfdevice-wdfdeviceopenregistrykey", ""),
    "IoOpenDeviceInterfaceRegistryKey": (
        _DDI + "wdm/nf-wdm-ioopendeviceinterfaceregistrykey",
        "",
    ),
    "CM_Open_DevNode_Key": (_WIN32 + "cfgmgr32/nf-cfgmgr32-cm_open_devnode_key", ""),
    "CM_Open_Device_Interface_Key": (
        _WIN32 + "cfgmgr32/nf-cfgmgr32-cm_open_device_interface_keyw",
        "",
    ),
    "GetServiceRegistryStateKey": (_WIN32 + "winsvc/nf-winsvc-getserviceregistrystatekey", ""),
    "IoGetDriverDirectory": (
        _DDI + "wdm/nf-wdm-iogetdriverdirectory",
        "Windows 10, version 1803",
    ),
    "IoGetDeviceDirectory": (_DDI + "wdm/nf-wdm-iogetdevicedirectory", ""),
    "WdfDriverRetrieveDriverDataDirectoryString": (
        _DDI + "wdfdriver/nf-wdfdriver-wdfdriverretrievedriverdatadirectorystring",
        "UMDF 2.27",
    ),
    "GetServiceDirectory": (
        _WIN32 + "winsvc/nf-winsvc-getservicedirectory",
        # SERVICE_DIRECTORY_TYPE's page: Windows 10, version 2004 (build 19041)
        "Windows 10, version 2004 (build 19041)",
    ),
    "IoRegisterPlugPlayNotification": (_DDI + "wdm/nf-wdm-ioregisterplugplaynotification", ""),
    "CM_Register_Notification": (
        _WIN32 + "cfgmgr32/nf-cfgmgr32-cm_register_notification",
        # the CM_Unregister_Notification page: code for Windows 7 or earlier uses
        # (Un)RegisterDeviceNotification instead
        "Windows 8",
    ),
    "GetModuleFileName": (_WIN32 + "libloaderapi/nf-libloaderapi-getmodulefilenamew", ""),
}


def api(name: str, argument: str = "") -> str:
    """``Name(argument)``, with the first release in brackets when known:
    ``IoOpenDriverRegistryKey(DriverRegKeyParameters) [Windows 10, version 1803]``."""
    first = API_DOCS.get(name, ("", ""))[1]
    call = f"{name}({argument})" if argument else name
    return f"{call} [{first}]" if first else call


# --- registry -----------------------------------------------------------------------------

_ROOT = re.compile(
    r"^\s*(?:\\registry\\machine|hkey_local_machine|hklm)(?:\\|$)",
    re.IGNORECASE,
)
_CCS = r"system\\(?:currentcontrolset|controlset\d{3})"
_SERVICE = re.compile(_CCS + r"\\services\\([^\\]+)(?:\\(.*))?$", re.IGNORECASE)
_CLASS = re.compile(_CCS + r"\\control\\class(?:\\|$)", re.IGNORECASE)
_DEVICE_CLASSES = re.compile(_CCS + r"\\control\\deviceclasses(?:\\|$)", re.IGNORECASE)
_ENUM = re.compile(_CCS + r"\\enum(?:\\|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RegistryTarget:
    """Where an absolute registry path points."""

    #: ``service``, ``class`` (a device's software key), ``enum`` (hardware key),
    #: ``interface`` (DeviceClasses) or ``global``.
    kind: str
    #: The path below the machine root (``System\\CurrentControlSet\\Services\\x``).
    subkey: str
    service: str = ""
    #: Below the service key (``Parameters``...).
    below: str = ""


def registry_target(path: str, rooted: bool = True) -> RegistryTarget | None:
    """The target of ``\\Registry\\Machine\\...`` or ``HKEY_LOCAL_MACHINE\\...``; with
    ``rooted`` false, of a subkey of HKEY_LOCAL_MACHINE (``SYSTEM\\...``). None: not an
    absolute path of the machine hive."""
    if rooted:
        m = _ROOT.match(path)
        if m is None:
            return None
        subkey = path[m.end() :]
    else:
        subkey = path.lstrip("\\")
    s = _SERVICE.match(subkey)
    if s is not None:
        return RegistryTarget("service", subkey, s.group(1), s.group(2) or "")
    if _CLASS.match(subkey):
        return RegistryTarget("class", subkey)
    if _DEVICE_CLASSES.match(subkey):
        return RegistryTarget("interface", subkey)
    if _ENUM.match(subkey):
        return RegistryTarget("enum", subkey)
    return RegistryTarget("global", subkey)


def registry_advice(target: RegistryTarget | None, mode: Mode, kernel: bool) -> str:
    """The API to use instead of an absolute registry path, for the code's mode
    (``kernel``: the construct itself is kernel-mode, whatever the file's headers say)."""
    kind = target.kind if target is not None else "service"
    parameters = (
        target is None
        or target.below.lower().startswith("parameters")
        or (target.kind == "service" and not target.below)
    )
    if kind == "class":
        if kernel:
            return (
                f"{api('WdfDeviceOpenRegistryKey', 'PLUGPLAY_REGKEY_DRIVER')}"
                if mode.kmdf
                else f"{api('IoOpenDeviceRegistryKey', 'PLUGPLAY_REGKEY_DRIVER')}"
            )
        return f"{api('CM_Open_DevNode_Key', 'CM_REGISTRY_SOFTWARE')}"
    if kind == "enum":
        if kernel:
            return (
                f"{api('WdfDeviceOpenRegistryKey', 'PLUGPLAY_REGKEY_DEVICE')}"
                if mode.kmdf
                else f"{api('IoOpenDeviceRegistryKey', 'PLUGPLAY_REGKEY_DEVICE')}"
            )
        return f"{api('CM_Open_DevNode_Key', 'CM_REGISTRY_HARDWARE')}"
    if kind == "interface":
        if kernel:
            return api("IoOpenDeviceInterfaceRegistryKey")
        return api("CM_Open_Device_Interface_Key")
    if kernel or mode.umdf:
        if mode.kmdf or mode.umdf:
            which = (
                "WdfDriverOpenParametersRegistryKey"
                if parameters
                else "WdfDriverOpenPersistentStateRegistryKey"
            )
            if kind == "global":
                return f"{api(which)} for the driver's own state"
            return api(which)
        key = "DriverRegKeyParameters" if parameters else "DriverRegKeyPersistentState"
        if kind == "global":
            return (
                f"{api('IoOpenDriverRegistryKey', key)} for the driver's own state (a key "
                "the OS owns is read only where its documentation says drivers may)"
            )
        return f"{api('IoOpenDriverRegistryKey', key)}"
    state = "ServiceRegistryStateParameters" if parameters else "ServiceRegistryStatePersistent"
    if kind == "global":
        return (
            f"{api('GetServiceRegistryStateKey', state)} for a service's own state, or a "
            f"device's key ({api('CM_Open_DevNode_Key')})"
        )
    return f"{api('GetServiceRegistryStateKey', state)}"


# --- files --------------------------------------------------------------------------------

_NT_DRIVE = re.compile(
    r"^(?:\\\?\?\\|\\DosDevices\\|\\GLOBAL\?\?\\|\\\\\?\\)(?:[A-Za-z]|%[a-z]+):",
    re.IGNORECASE,
)
_DRIVE = re.compile(r"^[A-Za-z]:\\", re.IGNORECASE)
_SYSTEMROOT = re.compile(r"^\\SystemRoot(?:\\|$)", re.IGNORECASE)
_ENV = re.compile(r"^%(?:windir|SystemRoot)%", re.IGNORECASE)
_SYSTEM32 = re.compile(r"(?:^|\\)(?:system32|syswow64)(?:\\|$)", re.IGNORECASE)
_WINDOWS = re.compile(r"^[A-Za-z]:\\windows(?:\\|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FileTarget:
    """An absolute file path found in code."""

    #: ``nt`` (``\\??\\C:``, ``\\DosDevices\\C:``), ``systemroot``, ``drive`` (``C:\\``)
    #: or ``env`` (``%windir%``).
    form: str
    #: Under System32 (a binary the INF should run from the driver store).
    system32: bool
    #: Under the Windows directory.
    windows: bool


def file_target(path: str) -> FileTarget | None:
    """The kind of an absolute file path, or None when the string is not one."""
    system32 = _SYSTEM32.search(path) is not None
    root = _SYSTEMROOT.match(path) or _ENV.match(path)
    if root is not None and not path[root.end() :].strip("\\"):
        return None  # the prefix alone: matched or stripped from paths, names no file
    if _SYSTEMROOT.match(path):
        return FileTarget("systemroot", system32, True)
    if _ENV.match(path):
        return FileTarget("env", system32, True)
    if _NT_DRIVE.match(path):
        return FileTarget("nt", system32, False)
    if _DRIVE.match(path):
        return FileTarget("drive", system32, _WINDOWS.match(path) is not None)
    return None


def file_advice(target: FileTarget, mode: Mode, kernel: bool) -> str:
    """What to do instead (a phrase starting with a verb): where an isolated driver
    package keeps such a file, or finds its own."""
    if target.system32:
        if kernel:
            return (
                f"run the file from the driver store (DIRID 13) and find it with "
                f"{api('IoGetDriverDirectory', 'DriverDirectoryImage')}"
            )
        return (
            "run the file from the driver store (DIRID 13) and find it relative to the "
            f"module's own path ({api('GetModuleFileName')})"
        )
    if kernel:
        if mode.kmdf:
            return (
                f"use a file under {api('IoGetDriverDirectory', 'DriverDirectoryData')}, "
                "the driver's \\DriverData directory"
            )
        return (
            f"use a file under {api('IoGetDriverDirectory', 'DriverDirectoryData')} or "
            f"{api('IoGetDeviceDirectory')}, the driver's \\DriverData directory"
        )
    if mode.umdf:
        return f"use a file under {api('WdfDriverRetrieveDriverDataDirectoryString')}"
    if mode.service:
        return f"use a file under {api('GetServiceDirectory', 'ServiceDirectoryPersistentState')}"
    return (
        f"use a file under {api('GetServiceDirectory', 'ServiceDirectoryPersistentState')} "
        "for a service, else under %ProgramData%"
    )
