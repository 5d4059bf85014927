"""More shapes for ``bench/sweep.py`` (issue 18, stop 28): the 33 tried while looking for
more quadratic work among install-section directives, registry and service sections,
Manufacturer decorations and syntax problems. All were linear when tried; the four that
were not are in ``bench/sweep.py`` itself (``installs-apart``, ``default-install-builds``,
``builds-driver-store``, ``shadowed-builds``). Each function makes the INF text of one
shape for a count; ``MORE`` names them for the sweep.
"""

# ruff: noqa: E501 - the shapes are INF texts written as literals, a line of them each

from __future__ import annotations

from collections.abc import Callable

from scaling import _HEAD, _TAIL

_DEV = "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n%D% = I, HW\\ID\r\n\r\n"
_DISK = '[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n'
_END = _TAIL + 'D = "Dev"\r\n'
_SVC = "ServiceType = 1\r\nStartType = 3\r\nErrorControl = 1\r\n"


def _one_file(name: str, dirid: int, lst: str = "F") -> str:
    return f"[{lst}]\r\n{name}\r\n\r\n[DestinationDirs]\r\n{lst} = {dirid}\r\n\r\n{_DISK}[SourceDisksFiles]\r\n{name} = 1\r\n\r\n"


def _devices(n: int, body: Callable[[int], str]) -> str:
    models = "".join(f"%D% = I{i}, HW\\ID{i}\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n"
        + models
        + "\r\n"
        + "".join(body(i) for i in range(n))
    )


def builds_system32(n: int) -> str:
    """N Models decorations of one Manufacturer line, each device's install copying to 12."""
    decos = ", ".join(f"NTamd64.6.{i}" for i in range(n))
    models = "".join(
        f"[M.NTamd64.6.{i}]\r\n%D% = I{i}, HW\\ID{i}\r\n\r\n[I{i}]\r\nCopyFiles = F\r\n\r\n"
        for i in range(n)
    )
    return (
        _HEAD
        + f"PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, {decos}\r\n\r\n"
        + models
        + _one_file("f.sys", 12)
        + _END
    )


def default_builds_system32(n: int) -> str:
    """N decorations of DefaultInstall, each copying one list to 12."""
    inst = "".join(f"[DefaultInstall.NTamd64.6.{i}]\r\nCopyFiles = F\r\n\r\n" for i in range(n))
    return _HEAD + "PnpLockdown = 1\r\n\r\n" + inst + _one_file("f.sys", 12) + _TAIL


def coinstallers_line(n: int) -> str:
    """One CoInstallers32 value of N DLLs, copied to 11."""
    dlls = ",".join(f'"c{i}.dll,CoInstaller"' for i in range(n))
    files = "".join(f"c{i}.dll\r\n" for i in range(n))
    disk = "".join(f"c{i}.dll = 1\r\n" for i in range(n))
    return (
        _HEAD
        + _DEV
        + "[I.NTamd64]\r\n\r\n[I.NTamd64.CoInstallers]\r\nAddReg = CR\r\nCopyFiles = CF\r\n\r\n"
        f"[CR]\r\nHKR,,CoInstallers32,0x00010000,{dlls}\r\n\r\n[CF]\r\n{files}\r\n[DestinationDirs]\r\nCF = 11\r\n\r\n"
        + _DISK
        + f"[SourceDisksFiles]\r\n{disk}\r\n"
        + _END
    )


def register_dlls(n: int) -> str:
    """N RegisterDlls lines of DLLs copied to 11."""
    lines = "".join(f"11,,r{i}.dll,1\r\n" for i in range(n))
    files = "".join(f"r{i}.dll\r\n" for i in range(n))
    disk = "".join(f"r{i}.dll = 1\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\nRegisterDlls = RD\r\n\r\n"
        f"[RD]\r\n{lines}\r\n[F]\r\n{files}\r\n[DestinationDirs]\r\nF = 11\r\n\r\n"
        + _DISK
        + f"[SourceDisksFiles]\r\n{disk}\r\n"
        + _TAIL
    )


def add_interface(n: int) -> str:
    """N AddInterface lines, each interface writing an HKLM value."""
    lines = "".join(
        f"AddInterface = {{00000000-0000-0000-0000-{i:012d}}},,IF{i}\r\n" for i in range(n)
    )
    ifs = "".join(
        f'[IF{i}]\r\nAddReg = IR{i}\r\n\r\n[IR{i}]\r\nHKLM,"SOFTWARE\\S{i}",V,0x10001,1\r\n\r\n'
        for i in range(n)
    )
    return _HEAD + _DEV + f"[I.NTamd64]\r\n\r\n[I.NTamd64.Interfaces]\r\n{lines}\r\n{ifs}" + _END


def copy_inf(n: int) -> str:
    """One CopyINF line of N INFs."""
    names = ",".join(f"o{i}.inf" for i in range(n))
    return _HEAD + _DEV + f"[I.NTamd64]\r\nCopyINF = {names}\r\n\r\n" + _END


def services_one_section(n: int) -> str:
    """N AddService lines in one Services section, binaries in 12, HKLM Parameters."""
    svcs = "".join(f"AddService = S{i},,SI{i}\r\n" for i in range(n))
    sis = "".join(
        f"[SI{i}]\r\n{_SVC}ServiceBinary = %12%\\s{i}.sys\r\nAddReg = P{i}\r\n\r\n"
        f'[P{i}]\r\nHKLM,"SYSTEM\\CurrentControlSet\\Services\\S{i}\\Parameters",V,0x10001,1\r\n\r\n'
        for i in range(n)
    )
    files = "".join(f"s{i}.sys\r\n" for i in range(n))
    disk = "".join(f"s{i}.sys = 1\r\n" for i in range(n))
    return (
        _HEAD
        + _DEV
        + f"[I.NTamd64]\r\nCopyFiles = F\r\n\r\n[I.NTamd64.Services]\r\n{svcs}\r\n{sis}[F]\r\n{files}\r\n"
        "[DestinationDirs]\r\nF = 12\r\n\r\n" + _DISK + f"[SourceDisksFiles]\r\n{disk}\r\n" + _END
    )


def delreg(n: int) -> str:
    """N HKLM values written by AddReg and deleted by DelReg."""
    add = "".join(f'HKLM,"SOFTWARE\\S",V{i},0x10001,1\r\n' for i in range(n))
    dele = "".join(f'HKLM,"SOFTWARE\\S",V{i}\r\n' for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = A\r\nDelReg = DR\r\n\r\n"
        + f"[A]\r\n{add}\r\n[DR]\r\n{dele}\r\n"
        + _TAIL
    )


def needs_line(n: int) -> str:
    """One Needs line of N sections, each copying a list of its own to 12."""
    names = ",".join(f"N{i}" for i in range(n))
    secs = "".join(
        f"[N{i}]\r\nCopyFiles = F{i}\r\n\r\n[F{i}]\r\nf{i}.sys\r\n\r\n" for i in range(n)
    )
    dd = "".join(f"F{i} = 12\r\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    return (
        _HEAD
        + f"PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nNeeds = {names}\r\n\r\n"
        + secs
        + f"[DestinationDirs]\r\n{dd}\r\n"
        + _DISK
        + f"[SourceDisksFiles]\r\n{disk}\r\n"
        + _TAIL
    )


def service_parameters(n: int) -> str:
    """N values of one service's Parameters key written through its HKLM path."""
    reg = "".join(
        f'HKLM,"SYSTEM\\CurrentControlSet\\Services\\Svc\\Parameters",V{i},0x10001,{i}\r\n'
        for i in range(n)
    )
    return (
        _HEAD
        + _DEV
        + "[I.NTamd64]\r\nAddReg = R\r\n\r\n[I.NTamd64.Services]\r\nAddService = Svc,2,SI\r\n\r\n"
        f"[SI]\r\n{_SVC}ServiceBinary = %13%\\s.sys\r\n\r\n[R]\r\n{reg}\r\n" + _END
    )


def unclosed_quotes(n: int) -> str:
    """N registry lines with an unclosed quote (INF003)."""
    lines = "".join(f'HKR,,V{i},,"open {i}\r\n' for i in range(n))
    return _HEAD + _DEV + f"[I.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\n{lines}\r\n" + _END


def undefined_strkeys(n: int) -> str:
    """N registry lines naming %strkey% tokens no [Strings] section defines."""
    lines = "".join(f"HKR,,V{i},,%U{i}%\r\n" for i in range(n))
    return _HEAD + _DEV + f"[I.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\n{lines}\r\n" + _END


def update_inis(n: int) -> str:
    """N UpdateInis lines."""
    lines = "".join(f'%11%\\w{i}.ini,Sec{i},,"k{i}=v"\r\n' for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nUpdateInis = U\r\n\r\n"
        + f"[U]\r\n{lines}\r\n"
        + _TAIL
    )


def del_service(n: int) -> str:
    """N DelService lines in a DefaultUninstall, which deletes files from 12."""
    lines = "".join(f"DelService = S{i},0x200\r\n" for i in range(n))
    return (
        _HEAD + "PnpLockdown = 1\r\n\r\n[DefaultUninstall.NTamd64]\r\nDelFiles = F\r\n\r\n"
        f"[DefaultUninstall.NTamd64.Services]\r\n{lines}\r\n[F]\r\nf.sys\r\n\r\n[DestinationDirs]\r\nF = 12\r\n\r\n"
        + _TAIL
    )


def bitreg(n: int) -> str:
    """N BitReg lines on HKLM keys."""
    lines = "".join(f'HKLM,"SOFTWARE\\S{i}",V,1,0\r\n' for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nBitReg = B\r\n\r\n"
        + f"[B]\r\n{lines}\r\n"
        + _TAIL
    )


def hw_filters(n: int) -> str:
    """N devices, each with an UpperFilters value in its hardware key."""
    return (
        _devices(
            n,
            lambda i: (
                f"[I{i}.NTamd64]\r\n\r\n[I{i}.NTamd64.HW]\r\nAddReg = H{i}\r\n\r\n[H{i}]\r\nHKR,,UpperFilters,0x00010000,flt{i}\r\n\r\n"
            ),
        )
        + _END
    )


def profile_items(n: int) -> str:
    """N ProfileItems lines (a legacy directive)."""
    lines = "".join(f"ProfileItems = P{i}\r\n" for i in range(n))
    secs = "".join(f"[P{i}]\r\nName = n{i}\r\nCmdLine = 11,,a{i}.exe\r\n\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\n"
        + lines
        + "\r\n"
        + secs
        + _TAIL
    )


def before_first_section(n: int) -> str:
    """N stray lines before the first section."""
    junk = "".join(f"stray line {i}\r\n" for i in range(n))
    return junk + _HEAD + "PnpLockdown = 1\r\n\r\n" + _TAIL


def comment_lines(n: int) -> str:
    """N long comment lines inside a file list copied to 12."""
    com = "".join(f"; comment {i} " + "x" * 60 + "\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\n\r\n[F]\r\n"
        + com
        + "f.sys\r\n\r\n[DestinationDirs]\r\nF = 12\r\n\r\n"
        + _TAIL
    )


def ignore_comments(n: int) -> str:
    """N HKLM lines, each silenced by an inline ignore comment."""
    lines = "".join(
        f'HKLM,"SOFTWARE\\S{i}",V,0x10001,1 ; infmigrate: ignore[ISO037]\r\n' for i in range(n)
    )
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n; infmigrate: ignore-file[ISO015]\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n"
        f"[R]\r\n{lines}\r\n" + _TAIL
    )


def service_dependencies(n: int) -> str:
    """One service whose Dependencies line names N services."""
    deps = ",".join(f"Dep{i}" for i in range(n))
    return (
        _HEAD
        + _DEV
        + "[I.NTamd64]\r\nCopyFiles = F\r\n\r\n[I.NTamd64.Services]\r\nAddService = Svc,2,SI\r\n\r\n"
        f"[SI]\r\n{_SVC}ServiceBinary = %12%\\s.sys\r\nDependencies = {deps}\r\n\r\n"
        + _one_file("s.sys", 12)
        + _END
    )


def add_component(n: int) -> str:
    """N AddComponent lines."""
    lines = "".join(f"AddComponent = C{i},,CI{i}\r\n" for i in range(n))
    secs = "".join(
        f"[CI{i}]\r\nComponentIDs = COMP{i}\r\nDescription = %D%\r\n\r\n" for i in range(n)
    )
    return _HEAD + _DEV + f"[I.NTamd64]\r\n\r\n[I.NTamd64.Components]\r\n{lines}\r\n{secs}" + _END


def add_software(n: int) -> str:
    """N AddSoftware lines, each binary in 11."""
    lines = "".join(f"AddSoftware = S{i},,SW{i}\r\n" for i in range(n))
    secs = "".join(
        f"[SW{i}]\r\nSoftwareType = 1\r\nSoftwareBinary = %11%\\app{i}.exe\r\nSoftwareVersion = 1.0.0.0\r\n\r\n"
        for i in range(n)
    )
    return _HEAD + _DEV + f"[I.NTamd64]\r\n\r\n[I.NTamd64.Software]\r\n{lines}\r\n{secs}" + _END


def add_event_provider(n: int) -> str:
    """N AddEventProvider lines, each resource file in 11."""
    lines = "".join(
        f"AddEventProvider = {{00000000-0000-0000-0000-{i:012d}}},EP{i}\r\n" for i in range(n)
    )
    secs = "".join(
        f"[EP{i}]\r\nProviderName = P{i}\r\nResourceFile = %11%\\r{i}.dll\r\nMessageFile = %11%\\r{i}.dll\r\n\r\n"
        for i in range(n)
    )
    return _HEAD + _DEV + f"[I.NTamd64]\r\n\r\n[I.NTamd64.Events]\r\n{lines}\r\n{secs}" + _END


def reg_system32_paths(n: int) -> str:
    """N registry values naming files a list copies to 11."""
    lines = "".join(f'HKR,,P{i},,"%11%\\x{i}.dll"\r\n' for i in range(n))
    files = "".join(f"x{i}.dll\r\n" for i in range(n))
    disk = "".join(f"x{i}.dll = 1\r\n" for i in range(n))
    return (
        _HEAD
        + _DEV
        + f"[I.NTamd64]\r\nCopyFiles = F\r\nAddReg = R\r\n\r\n[R]\r\n{lines}\r\n[F]\r\n{files}\r\n"
        "[DestinationDirs]\r\nF = 11\r\n\r\n" + _DISK + f"[SourceDisksFiles]\r\n{disk}\r\n" + _END
    )


def disk_files_per_arch(n: int) -> str:
    """N files from SourceDisksFiles sections of two architectures."""
    files = "".join(f"f{i}.sys\r\n" for i in range(n))
    disk64 = "".join(f"f{i}.sys = 1,amd64\r\n" for i in range(n))
    diska = "".join(f"f{i}.sys = 1,arm64\r\n" for i in range(n))
    return (
        _HEAD
        + _DEV
        + f"[I.NTamd64]\r\nCopyFiles = F\r\n\r\n[F]\r\n{files}\r\n[DestinationDirs]\r\nF = 12\r\n\r\n"
        + _DISK
        + f"[SourceDisksFiles.amd64]\r\n{disk64}\r\n[SourceDisksFiles.arm64]\r\n{diska}\r\n"
        + _END
    )


def devices_software_keys(n: int) -> str:
    """N devices, each writing a vendor key under HKLM\\SOFTWARE."""
    return (
        _devices(
            n,
            lambda i: (
                f'[I{i}.NTamd64]\r\nAddReg = R{i}\r\n\r\n[R{i}]\r\nHKLM,"SOFTWARE\\Vendor\\Dev{i}",V,0x10001,1\r\n\r\n'
            ),
        )
        + _END
    )


def add_filter(n: int) -> str:
    """N AddFilter lines, each filter a service of its own in 13."""
    lines = "".join(f"AddFilter = Flt{i},,FS{i}\r\n" for i in range(n))
    secs = "".join(f"[FS{i}]\r\nFilterPosition = Upper\r\n\r\n" for i in range(n))
    svcs = "".join(f"AddService = Flt{i},,SV{i}\r\n" for i in range(n))
    svsecs = "".join(f"[SV{i}]\r\n{_SVC}ServiceBinary = %13%\\f{i}.sys\r\n\r\n" for i in range(n))
    return (
        _HEAD
        + _DEV
        + f"[I.NTamd64]\r\n\r\n[I.NTamd64.Filters]\r\n{lines}\r\n{secs}[I.NTamd64.Services]\r\n{svcs}\r\n{svsecs}"
        + _END
    )


def service_names_one_section(n: int) -> str:
    """N AddService lines naming one service-install section (binary in 12)."""
    svcs = "".join(f"AddService = S{i},,SI\r\n" for i in range(n))
    return (
        _HEAD + _DEV + f"[I.NTamd64]\r\nCopyFiles = F\r\n\r\n[I.NTamd64.Services]\r\n{svcs}\r\n"
        f"[SI]\r\n{_SVC}ServiceBinary = %12%\\s.sys\r\n\r\n" + _one_file("s.sys", 12) + _END
    )


def devices_one_service_section(n: int) -> str:
    """N devices whose installs all add one service from one section (binary in 12)."""
    return (
        _devices(
            n,
            lambda i: (
                f"[I{i}.NTamd64]\r\nCopyFiles = F\r\n\r\n[I{i}.NTamd64.Services]\r\nAddService = Svc,2,SI\r\n\r\n"
            ),
        )
        + f"[SI]\r\n{_SVC}ServiceBinary = %12%\\s.sys\r\n\r\n"
        + _one_file("s.sys", 12)
        + _END
    )


def coinstaller_devices(n: int) -> str:
    """N devices sharing one co-installer registration and its DLL in 11."""
    return (
        _devices(
            n,
            lambda i: (
                f"[I{i}.NTamd64]\r\n\r\n[I{i}.NTamd64.CoInstallers]\r\nAddReg = CR\r\nCopyFiles = CF\r\n\r\n"
            ),
        )
        + '[CR]\r\nHKR,,CoInstallers32,0x00010000,"co.dll,Entry"\r\n\r\n'
        + _one_file("co.dll", 11, "CF")
        + _END
    )


def wdf_devices(n: int) -> str:
    """N devices each with a KMDF section for one service (binary in 12)."""
    return (
        _devices(
            n,
            lambda i: (
                f"[I{i}.NTamd64]\r\nCopyFiles = F\r\n\r\n[I{i}.NTamd64.Services]\r\nAddService = Svc,2,SI\r\n\r\n"
                f"[I{i}.NTamd64.Wdf]\r\nKmdfService = Svc, W\r\n\r\n"
            ),
        )
        + f"[W]\r\nKmdfLibraryVersion = 1.15\r\n\r\n[SI]\r\n{_SVC}ServiceBinary = %12%\\s.sys\r\n\r\n"
        + _one_file("s.sys", 12)
        + _END
    )


def inx_devices(n: int) -> str:
    """An INX: N devices of an NT$ARCH$ Models section, each copying to 12."""
    models = "".join(f"%D% = I{i}, HW\\ID{i}\r\n" for i in range(n))
    secs = "".join(f"[I{i}.NT]\r\nCopyFiles = F\r\n\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, NT$ARCH$\r\n\r\n[M.NT$ARCH$]\r\n"
        + models
        + "\r\n"
        + secs
        + _one_file("s.sys", 12)
        + _END
    )


#: name -> (generator, count at 1x), as ``bench/sweep.py``'s ``SWEEP``.
MORE: dict[str, tuple[Callable[[int], str], int]] = {
    name.replace("_", "-"): (make, 500)
    for name, make in list(globals().items())
    if callable(make)
    and not name.startswith("_")
    and name[0].islower()
    and getattr(make, "__module__", "") == __name__
}
#: Shapes without a finding (the sweep's test expects one from the others).
QUIET = {"copy-inf", "undefined-strkeys", "ignore-comments", "add-component"}
