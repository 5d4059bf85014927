"""Registry sections (AddReg, DelReg, BitReg targets) and their lines.

A line is ``reg-root,[subkey],[value-name],[flags],[value][,value...]`` ("INF AddReg
Directive", https://learn.microsoft.com/windows-hardware/drivers/install/inf-addreg-directive).
:class:`RegLine` keeps the cooked fields, unexpanded, and the parsed flags; string
values (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ items) are what path analysis scans.
Keyed lines (an unquoted ``=`` before the first ``,``) are not registry lines and are
left out of :attr:`RegSection.lines`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from infmigrate.engine.model.contexts import SectionContext
from infmigrate.engine.model.numbers import parse_int
from infmigrate.engine.model.reach import InstallSection, Reference
from infmigrate.engine.model.sections import EntryRef, LogicalSection
from infmigrate.engine.model.strings import StringTable
from infmigrate.engine.perf import fast_constructor

__all__ = [
    "FLG_ADDREG_DELVAL",
    "FLG_ADDREG_KEYONLY",
    "FLG_ADDREG_TYPE_EXPAND_SZ",
    "FLG_ADDREG_TYPE_MULTI_SZ",
    "RegKind",
    "RegLine",
    "RegSection",
    "parse_reg_line",
    "value_type",
]

FLG_ADDREG_BINVALUETYPE = 0x00000001
FLG_ADDREG_DELVAL = 0x00000004
FLG_ADDREG_KEYONLY = 0x00000010
FLG_ADDREG_TYPE_MULTI_SZ = 0x00010000
FLG_ADDREG_TYPE_EXPAND_SZ = 0x00020000
_TYPE_MASK = 0xFFFF0001
_TYPES = {
    0x00000000: "sz",
    0x00000001: "binary",
    0x00010000: "multi_sz",
    0x00020000: "expand_sz",
    0x00010001: "dword",
    0x00020001: "none",
    0x000B0001: "qword",
}


class RegKind(StrEnum):
    """The directive that names a registry section."""

    ADD = "AddReg"
    DEL = "DelReg"
    BIT = "BitReg"


def value_type(flags: int) -> str:
    """``sz``, ``expand_sz``, ``multi_sz``, ``dword``, ``binary``, ``none``, ``qword`` or
    ``custom`` for the type bits of AddReg flags."""
    return _TYPES.get(flags & _TYPE_MASK, "custom")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class RegLine:
    """One line of a registry section, cooked and unexpanded.

    The flags text and the value fields are read from the entry's cooked values when
    asked for (a tuple of the value fields for each line was a tenth of the model of a
    registry section of thousands of lines); the fields the rules read most are slots.
    """

    #: The entry.
    ref: EntryRef
    #: ``HKR``, ``HKLM``... as written.
    root: str
    subkey: str
    value_name: str
    #: The flags as a number (0 when omitted or empty), ``None`` when not a number.
    flags: int | None

    @property
    def flags_text(self) -> str:
        """The flags field as written ("" when omitted)."""
        v = self.ref.entry.cooked_values
        return v[3] if len(v) > 3 else ""

    @property
    def data(self) -> tuple[str, ...]:
        """The value fields (``values[4:]``)."""
        return self.ref.entry.cooked_values[4:]

    def __repr__(self) -> str:
        return (
            f"RegLine(ref={self.ref!r}, root={self.root!r}, subkey={self.subkey!r}, "
            f"value_name={self.value_name!r}, flags_text={self.flags_text!r}, "
            f"flags={self.flags!r}, data={self.data!r})"
        )

    @property
    def type(self) -> str:
        """The value type from the flags (``sz`` when omitted; ``invalid`` if unparsable)."""
        return "invalid" if self.flags is None else value_type(self.flags)

    @property
    def string_values(self) -> tuple[tuple[int, str], ...]:
        """(index in ``ref.values``, text) of the string data: the value of an SZ or
        EXPAND_SZ line, every item of a MULTI_SZ line; nothing for other types or for
        lines that delete (FLG_ADDREG_DELVAL) or only create a key (FLG_ADDREG_KEYONLY)."""
        if self.flags is None or self.flags & (FLG_ADDREG_DELVAL | FLG_ADDREG_KEYONLY):
            return ()
        kind = value_type(self.flags)
        if kind in ("sz", "expand_sz"):
            return ((4, self.data[0]),) if self.data else ()
        if kind == "multi_sz":
            return tuple((4 + i, v) for i, v in enumerate(self.data))
        return ()


def parse_reg_line(ref: EntryRef, strings: StringTable | None = None) -> RegLine | None:
    """Read a registry line; ``None`` for keyed or empty entries.

    Flags written as a ``%strkey%`` (``%REG_MULTI_SZ%``, common in vendor INFs) are read
    through ``strings`` when given (the undecorated table: flags are numbers, not text that
    varies with the locale).
    """
    v = ref.values
    if ref.key is not None or not v:
        return None
    n = len(v)
    flags_text = v[3] if n > 3 else ""
    number = flags_text
    if strings is not None and "%" in number:
        number = strings.expand(number)
    return _new_reg_line(
        ref, v[0], v[1] if n > 1 else "", v[2] if n > 2 else "", _flags_value(number)
    )


@lru_cache(maxsize=1024)
def _flags_value(text: str) -> int | None:
    """The flags field as a number: 0 when blank, ``None`` when not a number (memoized:
    a few spellings, ``0x00010001``, ``0x10001``, ``0``..., cover most lines)."""
    return 0 if not text.strip() else parse_int(text)


# As for EntryRef (see sections.py): one RegLine per line of every registry section, made
# without the frozen dataclass ``__init__``.
_new_reg_line = fast_constructor(RegLine)


@dataclass(frozen=True, slots=True, eq=False)
class RegSection:
    """A section named by AddReg, DelReg or BitReg, with every context that reaches it."""

    #: Which directive names it.
    kind: RegKind
    #: The name as referenced, expanded.
    name: str
    #: The section, or ``None`` when the file lacks it.
    section: LogicalSection | None
    #: Every context it is reached in (more than one: a fix must clone the section).
    contexts: frozenset[SectionContext]
    #: The references that reach it, in the order they were found.
    references: tuple[Reference, ...]
    #: The install sections it is reached from.
    installs: tuple[InstallSection, ...]
    #: The ``<name>.security`` section, when there is one.
    security: LogicalSection | None
    #: Its registry lines (keyed entries left out).
    lines: tuple[RegLine, ...]
    #: Every directive that names the same section in a reached context (this one
    #: included): ``{AddReg}`` for most; a section that DelReg or BitReg names too has
    #: them here, and its lines are then deletions or bit patches as well as writes.
    directives: frozenset[RegKind] = frozenset()

    @property
    def adds_only(self) -> bool:
        """Whether only AddReg names the section: its lines are writes and nothing else,
        so a fix may move or rewrite them (a line a DelReg or BitReg also reads never is:
        the same text would change what is deleted or patched)."""
        return self.kind is RegKind.ADD and self.directives <= {RegKind.ADD}

    @property
    def has_security(self) -> bool:
        """Whether a ``<name>.security`` section exists."""
        return self.security is not None

    @property
    def shared(self) -> bool:
        """Whether it is reached in more than one context."""
        return len(self.contexts) > 1
