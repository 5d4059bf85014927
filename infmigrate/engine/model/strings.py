"""``[Strings]`` and ``[Strings.LLLL]`` tables and ``%strkey%`` expansion.

Expansion follows SetupAPI as Microsoft documents it ("INF Strings Section",
https://learn.microsoft.com/windows-hardware/drivers/install/inf-strings-section;
"Creating International INF Files",
https://learn.microsoft.com/windows-hardware/drivers/install/creating-international-inf-files):

- ``%name%`` is looked up case-insensitively in the one Strings section chosen for the
  locale: the exact LANGID, else the same primary language with SUBLANG_NEUTRAL, else any
  sublanguage of that primary language (the lowest LANGID), else the undecorated
  ``[Strings]``. There is no per-key fallback from a localized table to ``[Strings]``:
  Windows picks one section for the whole install, and every section must define every key.
- ``%%`` is one literal ``%``.
- A token no Strings key defines is left as written, ``%`` signs included. That covers the
  numeric DIRID tokens (``%11%``), which path analysis needs intact.
- A ``%`` with no closing ``%`` is copied through.
- One pass: text that comes out of a Strings value is not scanned again.

A Strings entry's value is its first cooked field (an unquoted comma splits a value; only
the first part is used). When a key is defined twice in one section, the first wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, TypeAlias

from infmigrate.engine.model.sections import EntryRef, LogicalSection, fold

__all__ = [
    "Expansion",
    "Locale",
    "Piece",
    "StringTable",
    "normalize_locale",
]

#: A Strings locale: ``None`` for the undecorated ``[Strings]``, else four upper-case hex
#: digits (``"0407"``).
Locale: TypeAlias = str | None

_LOCALIZED = re.compile(r"strings\.([0-9a-f]{4})", re.I)
_NUMBER = re.compile(r"-?[0-9]+")

PieceKind: TypeAlias = Literal["text", "string", "percent", "unresolved", "lone"]


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of an expansion: where it came from and what it became."""

    #: ``text`` (literal run), ``string`` (a Strings value), ``percent`` (``%%`` -> ``%``),
    #: ``unresolved`` (a ``%token%`` no table defines, numeric DIRIDs included, kept as
    #: written) or ``lone`` (an unmatched ``%`` and the rest of the text).
    kind: PieceKind
    #: The expanded text of the piece.
    text: str
    #: Span of the piece in the source text.
    start: int
    end: int
    #: For ``string`` and ``unresolved``: the token name between the ``%`` signs.
    token: str = ""


@dataclass(frozen=True, slots=True)
class Expansion:
    """A text expanded with every Strings table of the file."""

    #: The text before expansion.
    text: str
    #: The expansion per locale: ``None`` (undecorated ``[Strings]``, also what a locale
    #: without a matching section gets) and every ``[Strings.LLLL]``.
    values: Mapping[Locale, str]
    #: Every ``%name%`` token of the text except ``%%``, as written, in order, no repeats.
    tokens: tuple[str, ...]
    #: Tokens, numeric ones excluded, that at least one table does not define.
    undefined: tuple[str, ...]
    #: Whether every locale gives the same text.
    uniform: bool

    @property
    def value(self) -> str | None:
        """The common expansion when :attr:`uniform`, else ``None``."""
        if not self.uniform:
            return None
        return next(iter(self.values.values()))


def normalize_locale(locale: str | int | None) -> Locale:
    """``"0407"``, ``"0x407"``, ``0x0407`` -> ``"0407"``; ``None`` stays ``None``.

    Anything that is not a LANGID (1 to 4 hex digits, or an int in 0..0xFFFF) gives
    ``None``, that is the undecorated table.
    """
    if locale is None:
        return None
    if isinstance(locale, int):
        return f"{locale:04X}" if 0 <= locale <= 0xFFFF else None
    text = locale.strip()
    if text[:2] in ("0x", "0X"):
        text = text[2:]
    if 1 <= len(text) <= 4 and all(c in "0123456789abcdefABCDEF" for c in text):
        return f"{int(text, 16):04X}"
    return None


class StringTable:
    """The Strings sections of one INF, and expansion against them."""

    __slots__ = ("_chosen", "_entries", "_tables", "duplicates", "invalid_sections", "sections")

    def __init__(self, sections: Iterable[LogicalSection]) -> None:
        """Build from the logical sections of a file (others than Strings are ignored)."""
        #: Strings sections by locale, undecorated (``None``) first, then in file order.
        self.sections: dict[Locale, LogicalSection] = {}
        #: Sections named ``Strings.<something>`` that are not ``Strings.LLLL``.
        self.invalid_sections: tuple[LogicalSection, ...] = ()
        #: Entries that define a key already defined in the same section (ignored).
        self.duplicates: tuple[EntryRef, ...] = ()
        self._tables: dict[Locale, dict[str, str]] = {}
        self._entries: dict[Locale, dict[str, EntryRef]] = {}
        self._chosen: dict[Locale, Locale] = {}
        invalid: list[LogicalSection] = []
        localized: list[tuple[str, LogicalSection]] = []
        for section in sections:
            name = section.folded
            if name == "strings":
                self.sections[None] = section
            elif name.startswith("strings."):
                m = _LOCALIZED.fullmatch(section.name)
                if m:
                    localized.append((m.group(1).upper(), section))
                else:
                    invalid.append(section)
        for code, section in localized:
            self.sections.setdefault(code, section)
        duplicates: list[EntryRef] = []
        for locale, section in self.sections.items():
            table: dict[str, str] = {}
            where: dict[str, EntryRef] = {}
            for ref in section.entries:
                if ref.key is None:
                    continue
                k = fold(ref.key)
                if k in table:
                    duplicates.append(ref)
                    continue
                table[k] = ref.values[0] if ref.values else ""
                where[k] = ref
            self._tables[locale] = table
            self._entries[locale] = where
        self.invalid_sections = tuple(invalid)
        self.duplicates = tuple(duplicates)

    # --- tables ------------------------------------------------------------------------

    @property
    def localized(self) -> bool:
        """Whether the file has any ``[Strings.LLLL]`` section."""
        return len(self.sections) > (1 if None in self.sections else 0)

    @property
    def locales(self) -> tuple[Locale, ...]:
        """``None`` (always: the fallback for any locale) and every ``Strings.LLLL``."""
        return (None, *(loc for loc in self.sections if loc is not None))

    def select(self, locale: str | int | None) -> Locale:
        """The Strings section Windows uses for ``locale`` (1.9 fallback), as its locale.

        Returns ``None`` for the undecorated ``[Strings]`` (which may not exist).
        """
        loc = normalize_locale(locale)
        if loc is None:
            return None
        chosen = self._chosen.get(loc, "")
        if chosen != "":
            return chosen
        result: Locale = None
        if loc in self._tables:
            result = loc
        else:
            primary = int(loc, 16) & 0x3FF
            neutral = f"{primary:04X}"
            if neutral in self._tables:
                result = neutral
            else:
                same = sorted(
                    (int(k, 16), k)
                    for k in self._tables
                    if k is not None and int(k, 16) & 0x3FF == primary
                )
                if same:
                    result = same[0][1]
        self._chosen[loc] = result
        return result

    def table(self, locale: str | int | None = None) -> Mapping[str, str]:
        """The key -> value table used for ``locale`` (keys folded); empty if none."""
        return MappingProxyType(self._tables.get(self.select(locale), {}))

    def lookup(self, key: str, locale: str | int | None = None) -> str | None:
        """The value of ``key`` in the table chosen for ``locale``, or ``None``."""
        return self._tables.get(self.select(locale), {}).get(fold(key))

    def entry(self, key: str, locale: str | int | None = None) -> EntryRef | None:
        """Where ``key`` is defined in the table chosen for ``locale`` (fixers edit it)."""
        return self._entries.get(self.select(locale), {}).get(fold(key))

    def defines(self, key: str) -> dict[Locale, bool]:
        """For every locale of :attr:`locales`: whether its table defines ``key``."""
        k = fold(key)
        return {loc: k in self._tables.get(loc, {}) for loc in self.locales}

    # --- expansion ---------------------------------------------------------------------

    def expand(self, text: str, locale: str | int | None = None) -> str:
        """``text`` with its ``%tokens%`` expanded for ``locale`` (``None``: [Strings])."""
        if "%" not in text:
            return text
        return _expand(text, self._tables.get(self.select(locale)))

    def pieces(self, text: str, locale: str | int | None = None) -> list[Piece]:
        """The expansion of ``text`` piece by piece, with the source span of each."""
        return self._pieces(text, self._tables.get(self.select(locale)))

    def expand_all(self, text: str) -> Expansion:
        """``text`` expanded for every locale, with what it used and what is undefined."""
        if "%" not in text:
            return Expansion(text, MappingProxyType({None: text}), (), (), True)
        values: dict[Locale, str] = {}
        tokens: dict[str, None] = {}
        undefined: dict[str, None] = {}
        for loc in self.locales:
            table = self._tables.get(loc)
            pieces = self._pieces(text, table)
            values[loc] = "".join(p.text for p in pieces)
            for p in pieces:
                if p.kind == "string":
                    tokens.setdefault(p.token)
                elif p.kind == "unresolved":
                    tokens.setdefault(p.token)
                    if not _NUMBER.fullmatch(p.token):
                        undefined.setdefault(p.token)
        uniform = len(set(values.values())) == 1
        return Expansion(
            text,
            MappingProxyType(values),
            tuple(tokens),
            tuple(t for t in tokens if t in undefined),
            uniform,
        )

    @staticmethod
    def _pieces(text: str, table: Mapping[str, str] | None) -> list[Piece]:
        out: list[Piece] = []
        find = text.find
        i = 0
        n = len(text)
        while i < n:
            j = find("%", i)
            if j < 0:
                out.append(Piece("text", text[i:], i, n))
                break
            if j > i:
                out.append(Piece("text", text[i:j], i, j))
            k = find("%", j + 1)
            if k < 0:
                out.append(Piece("lone", text[j:], j, n))
                break
            name = text[j + 1 : k]
            if not name:
                out.append(Piece("percent", "%", j, k + 1))
            else:
                value = table.get(fold(name)) if table else None
                if value is None:
                    out.append(Piece("unresolved", text[j : k + 1], j, k + 1, name))
                else:
                    out.append(Piece("string", value, j, k + 1, name))
            i = k + 1
        return out

    def __repr__(self) -> str:
        return f"StringTable(locales={list(self.locales)!r})"


def _expand(text: str, table: Mapping[str, str] | None) -> str:
    """The text of :meth:`StringTable._pieces`, joined, without making the pieces."""
    out: list[str] = []
    find = text.find
    i = 0
    n = len(text)
    while i < n:
        j = find("%", i)
        if j < 0:
            out.append(text[i:])
            break
        k = find("%", j + 1)
        if k < 0:
            out.append(text[i:])  # the literal run and the lone "%" with the rest
            break
        out.append(text[i:j])
        name = text[j + 1 : k]
        if not name:
            out.append("%")
        else:
            value = table.get(fold(name)) if table else None
            out.append(text[j : k + 1] if value is None else value)
        i = k + 1
    return "".join(out)
