"""Installed-distribution facts without importing :mod:`importlib.metadata` when not needed.

Importing :mod:`importlib.metadata` (and the :mod:`email` parser it brings) costs 15-25 ms,
and its entry-point scan parses every installed distribution's metadata, for two facts: our
own version (``import infmigrate``), and whether any installed distribution declares a rule
pack (the rule catalog). Both are found here by
looking at the ``*.dist-info`` folder names on :data:`sys.path`, in path order (the order
:mod:`importlib.metadata` searches), and at the small files in them. Whenever the shortcut
cannot be sure to give the same answer (an ``.egg-info``, a zip on the path, an unreadable
folder), it asks :mod:`importlib.metadata` as before.
"""

from __future__ import annotations

import os
import re
import sys

__all__ = ["declares_entry_points", "version"]

_SEPARATORS = re.compile(r"[-_.]+")


def _normal(name: str) -> str:
    return _SEPARATORS.sub("_", name).lower()


class _Unsure(Exception):
    """The shortcut cannot answer as :mod:`importlib.metadata` would."""


def _metadata_dirs() -> list[tuple[str, str]]:
    """``(normalized distribution name, folder)`` of every ``*.dist-info`` on sys.path, in
    path order; :class:`_Unsure` on anything else holding metadata."""
    out: list[tuple[str, str]] = []
    for entry in sys.path:
        where = entry or os.getcwd()
        if not os.path.exists(where):
            continue
        if not os.path.isdir(where):
            raise _Unsure(where)  # a zip: importlib.metadata looks inside it
        try:
            names = os.listdir(where)
        except OSError as exc:
            raise _Unsure(where) from exc
        for name in sorted(names):
            low = name.lower()
            if low.endswith(".egg-info") or low.endswith(".egg"):
                raise _Unsure(name)
            if low.endswith(".dist-info"):
                out.append(
                    (_normal(name[: -len(".dist-info")].split("-")[0]), os.path.join(where, name))
                )
    return out


def version(distribution: str) -> str | None:
    """The installed version of ``distribution``, None if it is not installed."""
    try:
        wanted = _normal(distribution)
        for name, folder in _metadata_dirs():
            if name != wanted:
                continue
            with open(os.path.join(folder, "METADATA"), encoding="utf-8") as fh:
                for line in fh:
                    if not line.strip():
                        break
                    if line.startswith("Version:"):
                        return line[len("Version:") :].strip()
            raise _Unsure(folder)
        return None
    except (_Unsure, OSError, UnicodeDecodeError):
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as metadata_version

        try:
            return metadata_version(distribution)
        except PackageNotFoundError:
            return None


def declares_entry_points(group: str) -> bool:
    """Whether some installed distribution may declare entry points of ``group`` (True when
    unsure: the caller then asks :mod:`importlib.metadata`)."""
    try:
        for _, folder in _metadata_dirs():
            try:
                with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as fh:
                    text = fh.read()
            except FileNotFoundError:
                continue
            if group in text:
                return True
        return False
    except (_Unsure, OSError, UnicodeDecodeError):
        return True
