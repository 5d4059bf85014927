"""Logical sections: the physical sections of one name merged, looked up case-insensitively.

SetupAPI merges every ``[Name]`` block of a file into one section, in file order (InfVerif
still reports the duplicate as 1209). The model keeps both views: a :class:`LogicalSection`
is what a reference to ``Name`` reaches, and its :attr:`~LogicalSection.blocks` are the
physical :class:`~infmigrate.syntax.Section` nodes a fixer edits.

Every entry of the file gets exactly one :class:`EntryRef` per model, so ``EntryRef``
objects compare by identity, like the CST nodes they point at should be located.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..syntax import Entry, InfFile, Section

__all__ = ["EntryRef", "LogicalSection", "build_sections", "fold"]


#: The case-insensitive form of a section name, key or string token (``str.casefold``,
#: bound directly: it is called for every key of every entry). Windows compares these
#: names case-insensitively; for the ASCII names INF files use, this is the same comparison.
fold = str.casefold


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class EntryRef:
    """One entry of a logical section, with where it sits and its cooked text.

    Equality is identity: a model makes one ``EntryRef`` per entry. ``entry`` is the CST
    node itself (fixers replace it by identity, ``is``), ``block`` the physical section
    holding it.
    """

    #: The CST entry node.
    entry: Entry
    #: The physical section (CST node) whose body holds the entry.
    block: Section
    #: The logical section the entry belongs to.
    section: LogicalSection
    #: The cooked key (quotes removed, ``%tokens%`` not expanded), or ``None``.
    key: str | None
    #: The cooked fields, in order (index ``i`` is ``entry.fields[i]``).
    values: tuple[str, ...]
    #: Position of the entry in :attr:`LogicalSection.entries`.
    index: int

    @property
    def line(self) -> int:
        """1-based line of the entry in the file."""
        return self.entry.line

    def value(self, index: int, default: str = "") -> str:
        """The cooked field at ``index``, or ``default`` when the entry has fewer fields."""
        values = self.values
        return values[index] if 0 <= index < len(values) else default

    def __repr__(self) -> str:
        return (f"EntryRef([{self.section.name}] line {self.line}: "
                f"key={self.key!r}, values={list(self.values)!r})")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class LogicalSection:
    """All physical sections of one name, merged in file order.

    Equality is identity (one object per name and model).
    """

    #: The raw name of the first block, as written between the brackets.
    name: str
    #: The physical sections (CST nodes), in file order.
    blocks: tuple[Section, ...]
    #: Every entry of every block, in file order.
    entries: tuple[EntryRef, ...] = ()
    #: The case-insensitive lookup key of this section (:func:`fold` of the name).
    folded: str = ""
    _by_key: dict[str, list[EntryRef]] = field(default_factory=dict)

    @property
    def line(self) -> int:
        """Line of the first block's header."""
        return self.blocks[0].header.line

    def get(self, key: str) -> list[EntryRef]:
        """The entries whose cooked key equals ``key`` case-insensitively, in order."""
        return list(self._by_key.get(fold(key), ()))

    def first(self, key: str) -> EntryRef | None:
        """The first entry with that key, or ``None``."""
        found = self._by_key.get(fold(key))
        return found[0] if found else None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and fold(key) in self._by_key

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return (f"LogicalSection({self.name!r}, blocks={len(self.blocks)}, "
                f"entries={len(self.entries)})")


def build_sections(
    tree: InfFile,
) -> tuple[tuple[LogicalSection, ...], dict[str, LogicalSection], dict[int, EntryRef]]:
    """Merge the file's physical sections.

    Returns the logical sections in order of first appearance, the same keyed by
    :func:`fold` of the name, and every :class:`EntryRef` keyed by ``id()`` of its entry.
    """
    groups: dict[str, list[Section]] = {}
    for block in tree.sections:
        groups.setdefault(fold(block.name), []).append(block)
    ordered: list[LogicalSection] = []
    by_id: dict[int, EntryRef] = {}
    for blocks in groups.values():
        ordered.append(_merge(blocks, by_id))
    by_name = {s.folded: s for s in ordered}
    return tuple(ordered), by_name, by_id


def _merge(blocks: Iterable[Section], by_id: dict[int, EntryRef]) -> LogicalSection:
    blocks = tuple(blocks)
    section = LogicalSection(blocks[0].name, blocks, (), fold(blocks[0].name))
    refs: list[EntryRef] = []
    by_key: dict[str, list[EntryRef]] = {}
    new = EntryRef
    for block in blocks:
        for line in block.body:
            if type(line) is not Entry:
                continue
            key = line.key
            ref = new(line, block, section, key, tuple(line.values), len(refs))
            refs.append(ref)
            by_id[id(line)] = ref
            if key is not None:
                by_key.setdefault(fold(key), []).append(ref)
    object.__setattr__(section, "entries", tuple(refs))
    object.__setattr__(section, "_by_key", by_key)
    return section
