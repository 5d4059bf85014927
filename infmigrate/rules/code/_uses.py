"""Where a string of a source file is used: the call it is an argument of."""

from __future__ import annotations

from infmigrate.sources.reader import Call, SourceUnit, StringValue

__all__ = ["call_of", "first_argument_flags", "mode_label", "where"]


def call_of(unit: SourceUnit) -> dict[tuple[int, int], Call]:
    """The known call each string (by start line and column) is an argument of."""
    out: dict[tuple[int, int], Call] = {}
    for call in unit.calls:
        for arg in call.arguments:
            for s in arg.strings:
                out.setdefault((s.span.line, s.span.column), call)
    return out


def where(s: StringValue) -> str:
    """How a message names the string: its macro, when it comes from one."""
    return f"#define {s.macro} " if s.in_define and s.macro else ""


def first_argument_flags(call: Call) -> frozenset[str]:
    """The identifiers of a call's first argument (its flags)."""
    return call.arguments[0].identifiers if call.arguments else frozenset()


def mode_label(unit: SourceUnit, kernel: bool | None) -> str:
    """What the code is, for a message: the file's mode, or what the construct implies
    (``kernel`` true or false) when the file says nothing (a header)."""
    label = unit.mode.label
    if label != "code" or kernel is None:
        return label
    return "kernel-mode code" if kernel else "user-mode code"
