"""Wording shared by the file-placement rules."""

from __future__ import annotations

from collections.abc import Sequence

from infmigrate.engine.model.files import FileList

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


#: How many names a finding about several lists shows before "and N more".
SHOWN_NAMES = 10


def names(items: Sequence[str]) -> str:
    """``L0, L1, L2`` (the first :data:`SHOWN_NAMES`, then ``and N more``)."""
    return names_of(items[:SHOWN_NAMES], len(items))


def names_of(first: Sequence[str], count: int) -> str:
    """:func:`names` of ``count`` items whose first ones (at least :data:`SHOWN_NAMES`,
    or all) are ``first``."""
    shown = ", ".join(first[:SHOWN_NAMES])
    rest = count - SHOWN_NAMES
    return f"{shown} and {rest} more" if rest > 0 else shown


def missing_section(fl: FileList, reasons: Sequence[str]) -> bool:
    """Whether the only reason a list cannot move is that its section does not exist
    (what :func:`missing_together` reports for several lists of one line at once)."""
    return fl.section is None and fl.file is None and len(reasons) == 1


def missing_together(lists: Sequence[str], where: str) -> str:
    """The message of one finding for several lists that one line names whose sections
    do not exist: ``file lists L0, L1 and 12 more are copied{where} ...``."""
    return (
        f"file lists {names(lists)} are copied{where}; they cannot move yet: their "
        "sections do not exist"
    )
