"""EDK II (UEFI firmware) module INFs: ``.inf`` files that are not Windows driver INFs.

An EDK II INF describes a firmware module for the EDK II build; it has a ``[Defines]``
section with ``INF_VERSION = 0x00010005`` (and ``BASE_NAME``, ``MODULE_TYPE``...), and no
Windows ``[Version]`` section. Migrating it to driver package isolation makes no sense,
so the command skips it with a note instead of reporting dozens of findings.
"""

from __future__ import annotations

import re

from infmigrate.engine.syntax import decode

__all__ = ["EDK2_NOTE", "is_edk2"]

EDK2_NOTE = "EDK II (UEFI) module INF ([Defines] with INF_VERSION), not a Windows driver INF"

_MARKERS = tuple("INF_VERSION".encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be"))
_DEFINES = re.compile(r"^[ \t]*\[[ \t]*Defines[ \t]*\]", re.I | re.M)
_INF_VERSION = re.compile(r"^[ \t]*INF_VERSION[ \t]*=", re.I | re.M)
_VERSION = re.compile(r"^[ \t]*\[[ \t]*Version[ \t]*\]", re.I | re.M)


def is_edk2(data: bytes) -> bool:
    """Whether the bytes are an EDK II module INF (cheap for other files: a byte search)."""
    if not any(marker in data for marker in _MARKERS):
        return False
    try:
        text = decode(data).text
    except ValueError:
        return False
    return bool(_DEFINES.search(text) and _INF_VERSION.search(text) and not _VERSION.search(text))
