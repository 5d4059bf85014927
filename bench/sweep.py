"""Shape sweep: more hostile input shapes, time only, at three sizes (issue 18).

``bench/scaling.py`` measures time and memory of its shapes at 1x/2x/4x/8x; this sweep
runs the other shapes tried when looking for quadratic work (each at 1x, 2x and 4x of its
count, in this process, the rules imported first) and prints each size's seconds and the
growth of the time per doubling of the file's size (a shape whose file grows faster than
its count, ``lists-many-installs``, is judged by its bytes). A growth over 3x on the last
doubling (above 0.2 s) is printed as ``SUPERLINEAR`` and makes the exit status 1. Most
of the shapes found quadratic are in ``bench/scaling.py``; nine are here (``dup-files``,
``one-file-many-lists``, ``one-file-many-lines-dirs``, ``reg-paths``, ``many-builds``,
and, found at stop 28, ``installs-apart``, ``default-install-builds``,
``builds-driver-store`` and ``shadowed-builds``), the others were linear when found
(issue 18, 2026-12-07).

Run it with ``bench/run.sh sweep`` or ``python bench/sweep.py [--shape NAME]... [--scale
S]``.
"""

# ruff: noqa: E501 - the shapes are INF texts written as literals, a line of them each

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
if str(BENCH_DIR.parent) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR.parent))

from _series import run_series  # noqa: E402
from scaling import _HEAD, _TAIL  # noqa: E402
from sweep_more import MORE  # noqa: E402


def many_models(n: int) -> str:
    """N devices, each with an install copying a list of its own to DIRID 12."""
    models = "".join(f"%D% = I{i}, HW\\ID{i}\r\n" for i in range(n))
    inst = "".join(
        f"[I{i}.NTamd64]\r\nCopyFiles = F{i}\r\n\r\n[F{i}]\r\nf{i}.sys\r\n\r\n" for i in range(n)
    )
    dd = "".join(f"F{i} = 12\r\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    return (
        _HEAD
        + "[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n"
        + models
        + "\r\n[DestinationDirs]\r\n"
        + dd
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n"
        + inst
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def addreg_line(n: int) -> str:
    """One AddReg line naming N sections, each an HKLM write."""
    names = ",".join(f"R{i}" for i in range(n))
    regs = "".join(f'[R{i}]\r\nHKLM,"SOFTWARE\\S\\K{i}",V,0x00010001,1\r\n\r\n' for i in range(n))
    return _HEAD + f"[DefaultInstall.NTamd64]\r\nAddReg = {names}\r\n\r\n" + regs + _TAIL


def shared_list(n: int) -> str:
    """N devices whose installs all copy one list and write one HKLM value."""
    models = "".join(f"%D% = I{i}, HW\\ID{i}\r\n" for i in range(n))
    inst = "".join(f"[I{i}.NTamd64]\r\nCopyFiles = F\r\nAddReg = R\r\n\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n"
        + models
        + "\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n\r\n'
        + inst
        + '[F]\r\nf.sys\r\n\r\n[R]\r\nHKLM,"SOFTWARE\\S",V,0x00010001,1\r\n\r\n'
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def continuations(n: int) -> str:
    """One CopyFiles line of N missing lists, continued over N physical lines."""
    body = " \\\r\n".join(f"L{i}" for i in range(n))
    return (
        _HEAD
        + "[DestinationDirs]\r\nDefaultDestDir = 12\r\n\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = "
        + body
        + "\r\n\r\n"
        + _TAIL
    )


def services(n: int) -> str:
    """N services, each with its binary in DIRID 12 and an HKLM Parameters write."""
    svc = "".join(f"AddService = S{i},0x00000002,SI{i}\r\n" for i in range(n))
    si = "".join(
        f"[SI{i}]\r\nServiceType = 1\r\nStartType = 3\r\nErrorControl = 1\r\nServiceBinary = %12%\\s{i}.sys\r\nAddReg = SR{i}\r\n\r\n[SR{i}]\r\nHKLM,System\\CurrentControlSet\\Services\\S{i}\\Parameters,V,0x00010001,1\r\n\r\n"
        for i in range(n)
    )
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64.Services]\r\n"
        + svc
        + "\r\n[DefaultInstall.NTamd64]\r\n\r\n"
        + si
        + _TAIL
    )


def needs(n: int) -> str:
    """N installs, each with Include/Needs of a section of its own and a list."""
    inst = "".join(
        f"[I{i}]\r\nInclude = x{i}.inf\r\nNeeds = S{i}\r\nCopyFiles = F{i}\r\n\r\n[F{i}]\r\nf{i}.sys\r\n\r\n"
        for i in range(n)
    )
    models = "".join(f"%D% = I{i}, HW\\ID{i}\r\n" for i in range(n))
    return (
        _HEAD
        + "[DestinationDirs]\r\nDefaultDestDir = 12\r\n\r\n[Manufacturer]\r\n%Mfg% = M\r\n\r\n[M]\r\n"
        + models
        + "\r\n"
        + inst
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def strings_chain(n: int) -> str:
    """N AddReg lines whose [Strings] values name the next key (%S1% -> %S2%...)."""
    refs = "".join(f"HKR,,V{i},,%S{i}%\r\n" for i in range(n))
    strings = "".join(f'S{i} = "%S{i + 1}%"\r\n' for i in range(n))
    return (
        _HEAD
        + "[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\n"
        + refs
        + '\r\n[Strings]\r\nMfg = "Sample"\r\n'
        + strings
    )


def renfiles(n: int) -> str:
    """One list of N renames, named by both RenFiles and DelFiles."""
    lines = "".join(f"new{i}.sys, old{i}.sys\r\n" for i in range(n))
    return (
        _HEAD
        + "[DestinationDirs]\r\nDefaultDestDir = 12\r\n\r\n[DefaultInstall.NTamd64]\r\nRenFiles = RN\r\nDelFiles = RN\r\n\r\n[RN]\r\n"
        + lines
        + "\r\n"
        + _TAIL
    )


def lines_explicit(n: int) -> str:
    """N lists each on a CopyFiles line of its own, each with a DIRID 12 entry."""
    lines = "".join(f"CopyFiles = L{i}\r\n" for i in range(n))
    dd = "".join(f"L{i} = 12\r\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    lists = "".join(f"[L{i}]\r\nf{i}.sys\r\n\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\n"
        + dd
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n[DefaultInstall.NTamd64]\r\n"
        + lines
        + "\r\n"
        + lists
        + _TAIL
    )


def flags(n: int) -> str:
    """One list of N renamed copies with COPYFLG_NO_VERSION_DIALOG (dropped in DIRID 13)."""
    files = "".join(f"f{i}.sys,src{i}.sys,,0x4000\r\n" for i in range(n))
    disk = "".join(f"src{i}.sys = 1\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\n\r\n[F]\r\n"
        + files
        + "\r\n"
        + _TAIL
    )


def strexpand(n: int) -> str:
    """One registry value made of N %strkey% tokens."""
    val = "".join(f"%S{i}%" for i in range(n))
    strings = "".join(f'S{i} = "v{i}"\r\n' for i in range(n))
    return (
        _HEAD
        + 'PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\nHKR,,V,,"'
        + val
        + '"\r\n\r\n[Strings]\r\nMfg = "Sample"\r\n'
        + strings
    )


def conflicts_hkr(n: int) -> str:
    """N HKR writes of one value, other data each."""
    reg = "".join(f"HKR,,V,0x00010001,{i}\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\n"
        + reg
        + "\r\n"
        + _TAIL
    )


def needs_chain(n: int) -> str:
    """A chain of N installs, each Needs the next."""
    inst = "".join(
        f"[I{i}]\r\nNeeds = I{i + 1}\r\nCopyFiles = F{i}\r\n\r\n[F{i}]\r\nf{i}.sys\r\n\r\n"
        for i in range(n)
    )
    return (
        _HEAD
        + "[DestinationDirs]\r\nDefaultDestDir = 12\r\n\r\n[Manufacturer]\r\n%Mfg% = M\r\n\r\n[M]\r\n%D% = I0, HW\\ID\r\n\r\n"
        + inst
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def same_list_lines(n: int) -> str:
    """N CopyFiles lines naming the same list."""
    lines = "".join("CopyFiles = F\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n'
        + "\r\n[DefaultInstall.NTamd64]\r\n"
        + lines
        + "\r\n[F]\r\nf.sys\r\n\r\n"
        + _TAIL
    )


def dup_files(n: int) -> str:
    """One list naming one file N times."""
    files = "".join("f.sys\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n'
        + "\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\n\r\n[F]\r\n"
        + files
        + "\r\n"
        + _TAIL
    )


def suppressed(n: int) -> str:
    """N HKLM writes, each with an inline ignore comment."""
    reg = "".join(
        f'HKLM,"SOFTWARE\\S\\K{i}",V,0x00010001,1 ; infmigrate: ignore[ISO037]\r\n'
        for i in range(n)
    )
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\n"
        + reg
        + "\r\n"
        + _TAIL
    )


def identical_lines(n: int) -> str:
    """N identical HKLM AddReg lines."""
    reg = "".join('HKLM,"SOFTWARE\\S",V,0x00010001,1\r\n' for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\n"
        + reg
        + "\r\n"
        + _TAIL
    )


def many_dirs_one_list(n: int) -> str:
    """One list of N files, each from a SourceDisksFiles folder of its own."""
    files = "".join(f"f{i}.sys\r\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1,sub{i}\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\n\r\n[F]\r\n"
        + files
        + "\r\n"
        + _TAIL
    )


def many_disks(n: int) -> str:
    """N SourceDisksNames entries, each the disk of one file with a folder."""
    names = "".join(f'{i} = "Disk{i}",,,sub{i}\r\n' for i in range(1, n + 1))
    files = "".join(f"f{i}.sys\r\n" for i in range(1, n + 1))
    disk = "".join(f"f{i}.sys = {i}\r\n" for i in range(1, n + 1))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + "\r\n[SourceDisksNames]\r\n"
        + names
        + "\r\n[SourceDisksFiles]\r\n"
        + disk
        + "\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\n\r\n[F]\r\n"
        + files
        + "\r\n"
        + _TAIL
    )


def one_file_many_lists(n: int) -> str:
    """One file copied to DIRID 12 by N lists on one line."""
    dd = "".join(f"L{i} = 12\r\n" for i in range(n))
    lists = "".join(f"[L{i}]\r\nf.sys\r\n\r\n" for i in range(n))
    names = ",".join(f"L{i}" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\n"
        + dd
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n'
        + f"\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = {names}\r\n\r\n"
        + lists
        + _TAIL
    )


def one_file_many_lines_dirs(n: int) -> str:
    """One file copied by N lists each on a line and in a folder of its own."""
    dd = "".join(f"L{i} = 12,sub{i}\r\n" for i in range(n))
    lists = "".join(f"[L{i}]\r\nf.sys\r\n\r\n" for i in range(n))
    lines = "".join(f"CopyFiles = L{i}\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\n"
        + dd
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n'
        + f"\r\n[DefaultInstall.NTamd64]\r\n{lines}\r\n"
        + lists
        + _TAIL
    )


def one_install_many_models(n: int) -> str:
    """N Models lines naming one install."""
    models = "".join(f"%D% = I, HW\\ID{i}\r\n" for i in range(n))
    return (
        _HEAD
        + "[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n"
        + models
        + "\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n\r\n[I.NTamd64]\r\nCopyFiles = F\r\nAddReg = R\r\n\r\n[F]\r\nf.sys\r\n\r\n[R]\r\nHKLM,"SOFTWARE\\S",V,0x00010001,1\r\n\r\n'
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def many_builds(n: int) -> str:
    """N Models decorations of one Manufacturer line (NTamd64.10.0...B)."""
    mfg_targets = ",".join(f"NTamd64.10.0...{17000 + i}" for i in range(n))
    models = "".join(f"[M.NTamd64.10.0...{17000 + i}]\r\n%D% = I, HW\\ID\r\n\r\n" for i in range(n))
    return (
        _HEAD
        + "[Manufacturer]\r\n%Mfg% = M, "
        + mfg_targets
        + "\r\n\r\n"
        + models
        + "[I.NTamd64]\r\nCopyFiles = F\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n\r\n[F]\r\nf.sys\r\n\r\n'
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def reg_paths(n: int) -> str:
    """N registry values naming files of one list in DIRID 12."""
    reg = "".join(f'HKR,,P{i},,"%12%\\f{i}.sys"\r\n' for i in range(n))
    files = "".join(f"f{i}.sys\r\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\nAddReg = R\r\n\r\n[F]\r\n"
        + files
        + "\r\n[R]\r\n"
        + reg
        + "\r\n"
        + _TAIL
    )


def arch_split(n: int) -> str:
    """One list of N files from per-architecture folders (amd64, arm64)."""
    files = "".join(f"f{i}.sys\r\n" for i in range(n))
    da = "".join(f"f{i}.sys = 1,amd64\\d{i}\r\n" for i in range(n))
    dx = "".join(f"f{i}.sys = 1,arm64\\d{i}\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles.amd64]\r\n'
        + da
        + "\r\n[SourceDisksFiles.arm64]\r\n"
        + dx
        + "\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\n\r\n[DefaultInstall.NTarm64]\r\nCopyFiles = F\r\n\r\n[F]\r\n"
        + files
        + "\r\n"
        + _TAIL
    )


def strkeys_line(n: int) -> str:
    """One CopyFiles line of N %strkey% list names."""
    names = ",".join(f"%L{i}%" for i in range(n))
    strings = "".join(f'L{i} = "List{i}"\r\n' for i in range(n))
    return (
        _HEAD
        + "[DestinationDirs]\r\nDefaultDestDir = 12\r\n\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = "
        + names
        + "\r\n\r\n"
        + _TAIL
        + strings
    )


def eventlog(n: int) -> str:
    """N event log sources written under HKLM."""
    reg = "".join(
        f'HKLM,"SYSTEM\\CurrentControlSet\\Services\\EventLog\\System\\Src{i}",EventMessageFile,0x00020000,"%%SystemRoot%%\\System32\\drivers\\x.sys"\r\n'
        for i in range(n)
    )
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\n"
        + reg
        + "\r\n"
        + _TAIL
    )


def hkr_default(n: int) -> str:
    """N HKR writes reached only from DefaultInstall."""
    reg = "".join(f'HKR,"K{i}",V,0x00010001,1\r\n' for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\n"
        + reg
        + "\r\n"
        + _TAIL
    )


def lists_many_installs(n: int) -> str:
    """N installs each copying the same N lists (N*N names)."""
    models = "".join(f"%D% = I{i}, HW\\ID{i}\r\n" for i in range(n))
    names = ",".join(f"L{j}" for j in range(n))
    inst = "".join(f"[I{i}.NTamd64]\r\nCopyFiles = {names}\r\n\r\n" for i in range(n))
    lists = "".join(f"[L{j}]\r\nf{j}.sys\r\n\r\n" for j in range(n))
    disk = "".join(f"f{j}.sys = 1\r\n" for j in range(n))
    return (
        _HEAD
        + "[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n"
        + models
        + "\r\n[DestinationDirs]\r\nDefaultDestDir = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n"
        + inst
        + lists
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def renames(n: int) -> str:
    """One list of N renamed copies to DIRID 12."""
    files = "".join(f"d{i}.sys,s{i}.sys\r\n" for i in range(n))
    disk = "".join(f"s{i}.sys = 1\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\n\r\n[F]\r\n"
        + files
        + "\r\n"
        + _TAIL
    )


def models_many_decos(n: int) -> str:
    """N Models decorations, each with a device copying a list of its own."""
    decos = ",".join(f"NTamd64.10.0...{17000 + i}" for i in range(n))
    models = "".join(
        f"[M.NTamd64.10.0...{17000 + i}]\r\n%D% = I{i}, HW\\ID\r\n\r\n[I{i}.NTamd64]\r\nCopyFiles = F{i}\r\n\r\n[F{i}]\r\nf{i}.sys\r\n\r\n"
        for i in range(n)
    )
    dd = "".join(f"F{i} = 12\r\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, NTamd64, "
        + decos
        + "\r\n\r\n[M.NTamd64]\r\n%D% = I0, HW\\ID\r\n\r\n"
        + models
        + "[DestinationDirs]\r\n"
        + dd
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n"
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def arch_lists(n: int) -> str:
    """N lists on one line, each file from per-architecture folders."""
    names = ",".join(f"L{i}" for i in range(n))
    lists = "".join(f"[L{i}]\r\nf{i}.sys\r\n\r\n" for i in range(n))
    dd = "".join(f"L{i} = 12\r\n" for i in range(n))
    da = "".join(f"f{i}.sys = 1,amd64\r\n" for i in range(n))
    dx = "".join(f"f{i}.sys = 1,arm64\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\n"
        + dd
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles.amd64]\r\n'
        + da
        + "\r\n[SourceDisksFiles.arm64]\r\n"
        + dx
        + f"\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = {names}\r\n\r\n[DefaultInstall.NTarm64]\r\nCopyFiles = {names}\r\n\r\n"
        + lists
        + _TAIL
    )


def at_files(n: int) -> str:
    """N CopyFiles=@file lines to DIRID 12."""
    lines = "".join(f"CopyFiles = @f{i}.sys\r\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nDefaultDestDir = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n[DefaultInstall.NTamd64]\r\n"
        + lines
        + "\r\n"
        + _TAIL
    )


def coinstallers(n: int) -> str:
    """N co-installer DLLs registered and copied to DIRID 11."""
    reg = "".join(f'HKR,,CoInstallers32,0x00010000,"co{i}.dll,Entry"\r\n' for i in range(n))
    files = "".join(f"co{i}.dll\r\n" for i in range(n))
    disk = "".join(f"co{i}.dll = 1\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n%D% = I, HW\\ID\r\n\r\n[DestinationDirs]\r\nCo = 11\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + "\r\n[I.NTamd64]\r\n\r\n[I.NTamd64.CoInstallers]\r\nCopyFiles = Co\r\nAddReg = CoReg\r\n\r\n[Co]\r\n"
        + files
        + "\r\n[CoReg]\r\n"
        + reg
        + "\r\n"
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def filters(n: int) -> str:
    """N UpperFilters values in a device's hardware key."""
    reg = "".join(f'HKR,,UpperFilters,0x00010008,"flt{i}"\r\n' for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n%D% = I, HW\\ID\r\n\r\n[I.NTamd64]\r\n\r\n[I.NTamd64.HW]\r\nAddReg = F\r\n\r\n[F]\r\n"
        + reg
        + "\r\n"
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def kmdf(n: int) -> str:
    """N KmdfService lines."""
    svc = "".join(f"KmdfService = S{i}, W{i}\r\n" for i in range(n))
    w = "".join(f"[W{i}]\r\nKmdfLibraryVersion = 1.15\r\n\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n%D% = I, HW\\ID\r\n\r\n[I.NTamd64]\r\n\r\n[I.NTamd64.Wdf]\r\n"
        + svc
        + "\r\n"
        + w
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def locales(n: int) -> str:
    """N [Strings.LLLL] sections."""
    loc = "".join(
        f'[Strings.{1000 + i:04x}]\r\nMfg = "M{i}"\r\nD = "D{i}"\r\n\r\n' for i in range(n)
    )
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, NTamd64\r\n\r\n[M.NTamd64]\r\n%D% = I, HW\\ID\r\n\r\n[I.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\nHKLM,SOFTWARE\\%Mfg%,V,,%D%\r\n\r\n"
        + _TAIL
        + 'D = "Dev"\r\n\r\n'
        + loc
    )


def split_lists(n: int) -> str:
    """N lists on one line, each of two files from two folders (split by folder)."""
    names = ",".join(f"L{i}" for i in range(n))
    lists = "".join(f"[L{i}]\r\na{i}.sys\r\nb{i}.sys\r\n\r\n" for i in range(n))
    dd = "".join(f"L{i} = 12\r\n" for i in range(n))
    disk = "".join(f"a{i}.sys = 1,x{i}\r\nb{i}.sys = 1,y{i}\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\n"
        + dd
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + f"\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = {names}\r\n\r\n"
        + lists
        + _TAIL
    )


def dup_keys(n: int) -> str:
    """One [Strings] key given N times."""
    strings = "".join(f'S = "v{i}"\r\n' for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\nHKLM,SOFTWARE\\X,V,,%S%\r\n\r\n"
        + _TAIL
        + strings
    )


def same_name_blocks(n: int) -> str:
    """N [R] blocks of one AddReg section, an HKLM write each."""
    blocks = "".join(f'[R]\r\nHKLM,"SOFTWARE\\S\\K{i}",V,0x00010001,1\r\n\r\n' for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n"
        + blocks
        + _TAIL
    )


def repeated_list(n: int) -> str:
    """One CopyFiles line naming one list N times."""
    names = ",".join("F" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DestinationDirs]\r\nF = 12\r\n"
        + '\r\n[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n'
        + f"\r\n[DefaultInstall.NTamd64]\r\nCopyFiles = {names}\r\n\r\n[F]\r\nf.sys\r\n\r\n"
        + _TAIL
    )


def continued_lines(n: int) -> str:
    """N HKLM AddReg lines, each continued on a second line."""
    reg = "".join(f'HKLM,"SOFTWARE\\S\\K{i}", \\\r\n  V,0x00010001,1\r\n' for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = R\r\n\r\n[R]\r\n"
        + reg
        + "\r\n"
        + _TAIL
    )


def repeated_addreg(n: int) -> str:
    """One AddReg line naming one section N times."""
    names = ",".join("R" for i in range(n))
    return (
        _HEAD
        + f"PnpLockdown = 1\r\n\r\n[DefaultInstall.NTamd64]\r\nAddReg = {names}\r\n\r\n[R]\r\nHKLM,SOFTWARE\\X,V,0x00010001,1\r\n\r\n"
        + _TAIL
    )


#: name -> (generator, count at 1x).
def installs_apart(n: int) -> str:
    """N DDInstalls, each from a Models section of its own Windows build of one
    Manufacturer entry (never two on one machine), each setting one HKLM value to other
    data (ISO041 compared every pair: quadratic until issue 18's stop 28)."""
    decos = ", ".join(f"NTamd64.10.0...{1000 + i}" for i in range(n))
    models = "".join(
        f"[M.NTamd64.10.0...{1000 + i}]\r\n%D% = I{i}, HW\\ID{i}\r\n\r\n"
        f"[I{i}]\r\nAddReg = R{i}\r\n\r\n"
        f'[R{i}]\r\nHKLM,"SOFTWARE\\Sample",V,0x00010001,{i}\r\n\r\n'
        for i in range(n)
    )
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, "
        + decos
        + "\r\n\r\n"
        + models
        + _TAIL
        + 'D = "Dev"\r\n'
    )


def default_install_builds(n: int) -> str:
    """N decorations of DefaultInstall for Windows builds (one runs per machine), each
    setting one HKLM value to other data (ISO041, as ``installs-apart``)."""
    installs = "".join(
        f"[DefaultInstall.NTamd64.10.0...{1000 + i}]\r\nAddReg = R{i}\r\n\r\n"
        f'[R{i}]\r\nHKLM,"SOFTWARE\\Sample",V,0x00010001,{i}\r\n\r\n'
        for i in range(n)
    )
    return _HEAD + "PnpLockdown = 1\r\n\r\n" + installs + _TAIL


def builds_driver_store(n: int) -> str:
    """N decorations of one Manufacturer line for Windows builds below the driver store's
    floor, each Models section's device copying a list to DIRID 13 (an ISO011 finding and
    a decoration to change each: quadratic until issue 18's stop 28)."""
    decos = ", ".join(f"NTamd64.6.{i}" for i in range(n))
    models = "".join(
        f"[M.NTamd64.6.{i}]\r\n%D% = I{i}, HW\\ID{i}\r\n\r\n[I{i}]\r\nCopyFiles = F\r\n\r\n"
        for i in range(n)
    )
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, "
        + decos
        + "\r\n\r\n"
        + models
        + "[DestinationDirs]\r\nF = 13\r\n\r\n"
        '[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n\r\n'
        "[F]\r\nf.sys\r\n\r\n" + _TAIL + 'D = "Dev"\r\n'
    )


def shadowed_builds(n: int) -> str:
    """N decorations of one Manufacturer line for builds below 14310 (all apply from 14310,
    where the highest is chosen), each Models section naming one install that copies to
    DIRID 12: each got a twin section for the floor (quadratic, and a wrong fix, until
    issue 18's stop 28)."""
    decos = ", ".join(f"NTamd64.10.0...{1000 + i}" for i in range(n))
    models = "".join(f"[M.NTamd64.10.0...{1000 + i}]\r\n%D% = I, HW\\ID\r\n\r\n" for i in range(n))
    return (
        _HEAD
        + "PnpLockdown = 1\r\n\r\n[Manufacturer]\r\n%Mfg% = M, "
        + decos
        + "\r\n\r\n"
        + models
        + "[I]\r\nCopyFiles = F\r\n\r\n[DestinationDirs]\r\nF = 12\r\n\r\n"
        '[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n\r\n'
        "[F]\r\nf.sys\r\n\r\n" + _TAIL + 'D = "Dev"\r\n'
    )


SWEEP: dict[str, tuple[Callable[[int], str], int]] = {
    "many-models": (many_models, 500),
    "addreg-line": (addreg_line, 500),
    "shared-list": (shared_list, 500),
    "continuations": (continuations, 500),
    "services": (services, 500),
    "needs": (needs, 500),
    "strings-chain": (strings_chain, 500),
    "renfiles": (renfiles, 500),
    "lines-explicit": (lines_explicit, 500),
    "flags": (flags, 500),
    "strexpand": (strexpand, 500),
    "conflicts-hkr": (conflicts_hkr, 500),
    "needs-chain": (needs_chain, 500),
    "same-list-lines": (same_list_lines, 500),
    "dup-files": (dup_files, 500),
    "suppressed": (suppressed, 500),
    "identical-lines": (identical_lines, 500),
    "many-dirs-one-list": (many_dirs_one_list, 500),
    "many-disks": (many_disks, 500),
    "one-file-many-lists": (one_file_many_lists, 500),
    "one-file-many-lines-dirs": (one_file_many_lines_dirs, 500),
    "one-install-many-models": (one_install_many_models, 500),
    "many-builds": (many_builds, 500),
    "reg-paths": (reg_paths, 500),
    "arch-split": (arch_split, 500),
    "strkeys-line": (strkeys_line, 500),
    "eventlog": (eventlog, 500),
    "hkr-default": (hkr_default, 500),
    "lists-many-installs": (lists_many_installs, 50),
    "renames": (renames, 500),
    "models-many-decos": (models_many_decos, 250),
    "arch-lists": (arch_lists, 500),
    "at-files": (at_files, 500),
    "coinstallers": (coinstallers, 500),
    "filters": (filters, 500),
    "kmdf": (kmdf, 500),
    "locales": (locales, 500),
    "split-lists": (split_lists, 500),
    "dup-keys": (dup_keys, 500),
    "same-name-blocks": (same_name_blocks, 500),
    "repeated-list": (repeated_list, 500),
    "continued-lines": (continued_lines, 500),
    "repeated-addreg": (repeated_addreg, 500),
    "installs-apart": (installs_apart, 500),
    "default-install-builds": (default_install_builds, 500),
    "builds-driver-store": (builds_driver_store, 500),
    "shadowed-builds": (shadowed_builds, 500),
    **MORE,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", action="append", choices=list(SWEEP), help="only this shape")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every count by this")
    args = ap.parse_args(argv)

    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.problems import SYNTAX_CODES
    from infmigrate.engine.processing import FileOptions, process

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))

    def run(name: str, data: bytes) -> tuple[float, str | None]:
        start = time.perf_counter()
        result = process(data, f"{name}.inf", options, want_fix=True, want_diff=True)
        return time.perf_counter() - start, result.error

    shapes = [
        (name, SWEEP[name][0], max(1, int(SWEEP[name][1] * args.scale)))
        for name in args.shape or list(SWEEP)
    ]
    flagged = run_series(shapes, run)
    for line in flagged:
        print(line)
    return 1 if flagged else 0


if __name__ == "__main__":
    raise SystemExit(main())
