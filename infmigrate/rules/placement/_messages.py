"""Wording shared by the file-placement rules."""

from __future__ import annotations

_NAMES = {11: "System32", 12: "System32\\drivers", 13: "the driver store"}


def place(dirid: int | None, subdir: str = "") -> str:
    """``DIRID 12 (System32\\drivers\\UMDF)``."""
    if dirid is None:
        return "an unknown DIRID"
    name = _NAMES.get(dirid)
    if name is None:
        return f"DIRID {dirid}" + (f"\\{subdir}" if subdir else "")
    return f"DIRID {dirid} ({name}{chr(92) + subdir if subdir else ''})"


def blocked(reason: str) -> str:
    return f"; it cannot move yet: {reason}" if reason else ""


def unsafe(reasons: list[str]) -> str:
    """What makes a move an unsafe fix (:attr:`ListPlan.unsafe`), for the message."""
    return f"; moving it is an unsafe fix: {'; '.join(reasons)}" if reasons else ""
