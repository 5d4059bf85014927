"""Windows 9x-only INFs: setup scripts for Windows 95/98/Me, not driver packages for
Windows 10, so the command skips them with a note instead of migrating them.

The test (:func:`is_win9x_only`), all three conditions together:

1. ``[Version] Signature`` is ``$Chicago$`` (or the older ``$Windows 95$``; compared
   without case or ``$`` signs, as the broken ``$CHICAGO`` is seen), not ``$Windows
   NT$``. The signature alone proves nothing: Microsoft's *INF Version Section* page
   says both ``$Windows NT$`` and ``$Chicago$`` mean "all Windows operating systems",
   and that an INF must give OS-specific install information by appending system-defined
   extensions to its DDInstall sections whatever the signature is
   (https://learn.microsoft.com/windows-hardware/drivers/install/inf-version-section).
2. No install section (a DDInstall section a models section names, or
   ``DefaultInstall``) has an NT-decorated variant (``<install>.NT``, ``.NTx86``,
   ``.NTamd64``, ``.NTia64``, ``.NTarm``, ``.NTarm64``, maybe with an OS version, alone
   or with a DDInstall suffix, as in ``Foo.NT.Services``), and no ``[Manufacturer]``
   entry decorates its models section with ``NT...``. (An AddReg section merely named
   ``Foo.NT.reg`` does not count.)
   Windows 2000 and later pick the ``.NT``/``.NT<arch>`` section when there is one, and
   64-bit Windows installs only from ``NTamd64``/``NTarm64``-decorated models sections
   ("Creating INF Files for Multiple Platforms and Operating Systems",
   https://learn.microsoft.com/windows-hardware/drivers/install/creating-inf-files-for-multiple-platforms-and-operating-systems,
   and "INF Manufacturer Section"). A ``$Chicago$`` INF that has such sections is a real
   NT package (the dual Windows 98/2000 INFs) and is migrated.
3. It installs something only Windows 9x loads: a file with a ``.vxd`` or ``.386``
   (virtual device drivers), ``.drv`` (16-bit Windows drivers), ``.mpd``/``.pdr`` (IOS
   port and port drivers) or ``.dos`` (NDIS2 real-mode drivers) extension, or a
   ``DevLoader``/``DeviceVxDs`` value, which the Windows 9x configuration manager reads
   to load a device's VxD loader (Windows 98 DDK, "DevLoader"; NT-based Windows ignores
   both), or a Windows 9x-only construct: the ``UpdateAutoBat``/``UpdateCfgSys``
   directives (AUTOEXEC.BAT and CONFIG.SYS, which NT-based Windows does not run) or a
   ``[ClassInstall]`` section (NT-based Windows reads ``[ClassInstall32]`` instead, "INF
   ClassInstall32 Section").


The library's :func:`infmigrate.engine.runner.check`/``fix`` do not skip such files (as for EDK
II module INFs, :mod:`infmigrate.workspace.edk2`): skipping is the command's choice; a caller of
the library can use :func:`is_win9x_only` the same way.
"""

from __future__ import annotations

import re

from infmigrate.engine.syntax import InfFile, decode, parse

__all__ = ["WIN9X_NOTE", "is_win9x_only", "is_win9x_only_tree"]

WIN9X_NOTE = (
    "Windows 9x-only INF ($Chicago$ signature, no .NT install sections, "
    "VxD-era payload), not a driver package for Windows 10"
)

#: Signatures, compared without case and without the ``$`` signs (``$CHICAGO`` is seen).
_SIGNATURES = frozenset({"chicago", "windows 95", "windows95"})
_MARKERS = tuple(
    word.encode(codec)
    for word in ("chicago", "CHICAGO", "Chicago", "indows 95", "INDOWS 95", "indows95", "INDOWS95")
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)
#: The rest of a section name after an install section's name: an NT platform extension.
#: (then nothing, or a DDInstall suffix: ``.Services``, ``.HW``...).
_NT_EXTENSION = re.compile(
    r"nt(?:x86|amd64|ia64|arm64|arm)?(?:\.\d[\d.]*)?"
    r"(?:\.(?:services|hw|coinstallers|interfaces|logconfigoverride|events|wmi|filters"
    r"|components|software|factdef))?$",
    re.I,
)
_PAYLOAD = re.compile(r"\.(?:vxd|386|drv|mpd|pdr|dos)\b", re.I)
_LOADER_VALUES = frozenset({"devloader", "devicevxds"})
_WIN9X_DIRECTIVES = frozenset({"updateautobat", "updatecfgsys"})


def _signature(tree: InfFile) -> str | None:
    for section in tree.sections:
        if section.name.strip().lower() != "version":
            continue
        for entry in section.entries:
            if (entry.key or "").strip().lower() == "signature" and entry.values:
                return entry.values[0].strip().strip("$").strip().lower()
    return None


def _install_names(tree: InfFile) -> set[str]:
    """DDInstall names the models sections name, and ``DefaultInstall``."""
    models: set[str] = set()
    for section in tree.sections:
        if section.name.strip().lower() == "manufacturer":
            for entry in section.entries:
                if entry.values and entry.values[0].strip():
                    models.add(entry.values[0].strip().lower())
    names = {"defaultinstall"}
    for section in tree.sections:
        name = section.name.strip().lower()
        if name in models:
            for entry in section.entries:
                if entry.key is not None and entry.values and entry.values[0].strip():
                    names.add(entry.values[0].strip().lower())
    return names


def _has_nt_sections(tree: InfFile) -> bool:
    """A ``[Manufacturer]`` NT decoration, or an install section with an NT extension."""
    for section in tree.sections:
        if section.name.strip().lower() == "manufacturer":
            for entry in section.entries:
                if any(v.strip().lower().startswith("nt") for v in entry.values[1:]):
                    return True
    installs = _install_names(tree)
    for section in tree.sections:
        name = section.name.strip().lower()
        for install in installs:
            if name.startswith(install + ".") and _NT_EXTENSION.match(name, len(install) + 1):
                return True
    return False


def _win9x_payload(tree: InfFile) -> bool:
    for section in tree.sections:
        if section.name.strip().lower() == "classinstall":
            return True
        for entry in section.entries:
            values = entry.values
            if (entry.key or "").strip().lower() in _WIN9X_DIRECTIVES:
                return True
            if any(_PAYLOAD.search(t) for t in (entry.key or "", *values)):
                return True
            if len(values) >= 3 and values[2].strip().lower() in _LOADER_VALUES:
                return True  # an AddReg line: root, subkey, value name, ...
    return False


def is_win9x_only_tree(tree: InfFile) -> bool:
    """Whether the parsed INF is Windows 9x-only (see the module docstring)."""
    return _signature(tree) in _SIGNATURES and not _has_nt_sections(tree) and _win9x_payload(tree)


def is_win9x_only(data: bytes) -> bool:
    """Whether the bytes are a Windows 9x-only INF (cheap for other files: a byte search
    for the signature comes first)."""
    if not any(marker in data for marker in _MARKERS):
        return False
    try:
        decode(data)
    except ValueError:
        return False
    return is_win9x_only_tree(parse(data))
