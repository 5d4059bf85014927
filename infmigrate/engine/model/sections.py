"""Logical sections: the physical sections of one name merged, looked up case-insensitively.

SetupAPI merges every ``[Name]`` block of a file into one section, in file order (InfVerif
still reports the duplicate as 1209). The model keeps both views: a :class:`LogicalSection`
is what a reference to ``Name`` reaches, and its :attr:`~LogicalSection.blocks` are the
physical :class:`~infmigrate.engine.syntax.Section` nodes a fixer edits.

Every entry of the file gets exactly one :class:`EntryRef` per model, so ``EntryRef``
objects compare by identity, like the CST nodes they point at should be located.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, final

from infmigrate.engine.perf import slot_setter
from infmigrate.engine.syntax import Entry, InfFile, Section

__all__ = ["EntryRef", "LogicalSection", "build_sections", "fold", "release_section"]


#: The case-insensitive form of a section name, key or string token (``str.casefold``,
#: bound directly: it is called for every key of every entry). Windows compares these
#: names case-insensitively; for the ASCII names INF files use, this is the same comparison.
fold = str.casefold


@final  # lets mypy narrow ``type(x) is EntryRef`` in both branches
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
    #: Position of the entry in :attr:`LogicalSection.entries`.
    index: int

    @property
    def values(self) -> tuple[str, ...]:
        """The cooked fields, in order (index ``i`` is ``entry.fields[i]``): the entry's
        own :attr:`~infmigrate.engine.syntax.Entry.cooked_values`, not kept a second time."""
        return self.entry.cooked_values

    @property
    def line(self) -> int:
        """1-based line of the entry in the file."""
        return self.entry.line

    def value(self, index: int, default: str = "") -> str:
        """The cooked field at ``index``, or ``default`` when the entry has fewer fields."""
        values = self.entry.cooked_values
        return values[index] if 0 <= index < len(values) else default

    def __repr__(self) -> str:
        return (
            f"EntryRef([{self.section.name}] line {self.line}: "
            f"key={self.key!r}, values={list(self.values)!r})"
        )


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class LogicalSection:
    """All physical sections of one name, merged in file order.

    Equality is identity (one object per name and model). Three slots (issue 18: a model
    keeps one per section, most of a file of many small sections' model): the name is the
    first block's, and the entries and their index by key share one slot, both made on
    first use.
    """

    #: The physical sections (see :attr:`blocks`): the one Section node itself when there
    #: is one (nearly always: a tuple for each section was a tenth of the model's memory
    #: on a file of many small sections), else the tuple of them.
    _blocks: Section | tuple[Section, ...]
    #: The case-insensitive lookup key of this section (:func:`fold` of the name).
    folded: str
    #: ``None`` until the first read of :attr:`entries` (most sections of a file of many
    #: small sections are never read, and their EntryRefs were most of its model: issue
    #: 18); then every entry of every block, in file order: the one EntryRef itself when
    #: there is one (a tuple for each one-entry section was a sixth of the model's memory
    #: on a file of many small sections), else the tuple of them; after the first lookup
    #: by key, a :class:`_Keyed` holding them with the index (most sections of a file are
    #: only ever walked in order, and a dict per section is most of the model's memory on
    #: a file of many small sections).
    _cache: EntryRef | tuple[EntryRef, ...] | _Keyed | None = None

    @property
    def name(self) -> str:
        """The raw name of the first block, as written between the brackets."""
        blocks = self._blocks
        first = blocks if type(blocks) is not tuple else blocks[0]
        return first.name  # type: ignore[union-attr]  # (a Section: not a tuple of them)

    @property
    def blocks(self) -> tuple[Section, ...]:
        """The physical sections (CST nodes), in file order."""
        blocks = self._blocks
        return blocks if type(blocks) is tuple else (blocks,)  # type: ignore[return-value]

    @property
    def entries(self) -> tuple[EntryRef, ...]:
        """Every entry of every block, in file order (made on the first read)."""
        entries = self._made()
        return entries if type(entries) is tuple else (entries,)  # type: ignore[return-value]

    def _made(self) -> EntryRef | tuple[EntryRef, ...]:
        """The section's entries as kept (an EntryRef or a tuple), made on the first read."""
        cache = self._cache
        if cache is None:
            return _make_entries(self)
        if type(cache) is _Keyed:
            return cache.entries
        return cache

    def entry_nodes(self) -> Iterator[Entry]:
        """The entry nodes of every block, in file order, without making the section's
        EntryRefs (for a pass over every section that reads only the entries' text)."""
        for block in self.blocks:
            for line in block.body:
                if type(line) is Entry:
                    yield line

    @property
    def line(self) -> int:
        """Line of the first block's header."""
        return self.blocks[0].header.line

    def _keys(self) -> dict[str, EntryRef | list[EntryRef]]:
        cache = self._cache
        if type(cache) is _Keyed:
            return cache.by_key
        entries = self._made()
        keyed = _Keyed(entries, _index_keys(self.entries))
        _set_cache(self, keyed)
        return keyed.by_key

    def get(self, key: str) -> list[EntryRef]:
        """The entries whose cooked key equals ``key`` case-insensitively, in order."""
        found = self._keys().get(fold(key))
        if found is None:
            return []
        return [found] if type(found) is EntryRef else list(found)

    def first(self, key: str) -> EntryRef | None:
        """The first entry with that key, or ``None``."""
        found = self._keys().get(fold(key))
        return found if found is None or type(found) is EntryRef else found[0]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and fold(key) in self._keys()

    def __len__(self) -> int:
        entries = self._made()
        return len(entries) if type(entries) is tuple else 1

    def __repr__(self) -> str:
        return (
            f"LogicalSection({self.name!r}, blocks={len(self.blocks)}, entries={len(self.entries)})"
        )


@final
class _Keyed:
    """A logical section's entries with their index by folded key (see
    :attr:`LogicalSection._cache`)."""

    __slots__ = ("by_key", "entries")

    def __init__(
        self, entries: EntryRef | tuple[EntryRef, ...], by_key: dict[str, EntryRef | list[EntryRef]]
    ) -> None:
        self.entries = entries
        self.by_key = by_key


def build_sections(tree: InfFile) -> tuple[tuple[LogicalSection, ...], dict[str, LogicalSection]]:
    """Merge the file's physical sections.

    Returns the logical sections in order of first appearance and the same keyed by
    :func:`fold` of the name.
    """
    # One block per name is the rule: a list is made only for a name that repeats (a
    # file of a million one-line sections would otherwise hold a million lists).
    # The dict of blocks by name becomes the dict of sections by name in place (a second
    # dict of every name would be the largest item of the model while it is built).
    groups: dict[str, Any] = {}
    for block in tree.sections:
        folded = fold(block.name)
        found = groups.get(folded)
        if found is None:
            groups[folded] = block
        elif type(found) is list:
            found.append(block)
        else:
            groups[folded] = [found, block]
    for folded, blocks in groups.items():
        groups[folded] = _merge(blocks if type(blocks) is not list else tuple(blocks), folded)
    by_name: dict[str, LogicalSection] = groups
    return tuple(by_name.values()), by_name


def _merge(blocks: Section | tuple[Section, ...], folded: str) -> LogicalSection:
    """The logical section of ``blocks`` (one Section or a tuple of them; ``folded``:
    their folded name)."""
    return _new_logical_section(blocks, folded)


def _make_entries(section: LogicalSection) -> EntryRef | tuple[EntryRef, ...]:
    """Make and keep the section's EntryRefs (its first read of :attr:`entries`)."""
    refs: list[EntryRef] = []
    new = _new_entry_ref
    for block in section.blocks:
        for line in block.body:
            if type(line) is not Entry:
                continue
            refs.append(new(line, block, section, line.key, len(refs)))
    entries = tuple(refs) if len(refs) != 1 else refs[0]
    _set_cache(section, entries)
    return entries


def release_section(section: LogicalSection) -> None:
    """Drop the section's entries and key index (see ``release_model``)."""
    _set_cache(section, ())


def _index_keys(refs: tuple[EntryRef, ...]) -> dict[str, EntryRef | list[EntryRef]]:
    """The entries by folded key (see :attr:`LogicalSection._cache`)."""
    by_key: dict[str, EntryRef | list[EntryRef]] = {}
    for ref in refs:
        key = ref.key
        if key is None:
            continue
        folded_key = fold(key)
        found = by_key.get(folded_key)
        if found is None:
            by_key[folded_key] = ref
        elif type(found) is EntryRef:
            by_key[folded_key] = [found, ref]
        else:
            found.append(ref)
    return by_key


# The frozen dataclass ``__init__`` sets each field through ``object.__setattr__``; the
# builder makes one EntryRef per entry of the file (and one LogicalSection per name), so
# it sets the slots directly through their member descriptors instead (the classes stay
# frozen to everyone else).
_object_new = object.__new__


_set_entry: Callable[[EntryRef, Entry], None] = slot_setter(EntryRef, "entry")
_set_block: Callable[[EntryRef, Section], None] = slot_setter(EntryRef, "block")
_set_section: Callable[[EntryRef, LogicalSection], None] = slot_setter(EntryRef, "section")
_set_key: Callable[[EntryRef, str | None], None] = slot_setter(EntryRef, "key")
_set_index: Callable[[EntryRef, int], None] = slot_setter(EntryRef, "index")
_set_blocks: Callable[[LogicalSection, Section | tuple[Section, ...]], None] = slot_setter(
    LogicalSection, "_blocks"
)
_set_folded: Callable[[LogicalSection, str], None] = slot_setter(LogicalSection, "folded")
_set_cache: Callable[[LogicalSection, EntryRef | tuple[EntryRef, ...] | _Keyed | None], None] = (
    slot_setter(LogicalSection, "_cache")
)


def _new_logical_section(blocks: Section | tuple[Section, ...], folded: str) -> LogicalSection:
    """``LogicalSection(blocks, folded)`` (entries made on the first read)."""
    section: LogicalSection = _object_new(LogicalSection)
    _set_blocks(section, blocks)
    _set_folded(section, folded)
    _set_cache(section, None)
    return section


def _new_entry_ref(
    entry: Entry,
    block: Section,
    section: LogicalSection,
    key: str | None,
    index: int,
) -> EntryRef:
    """``EntryRef(entry, block, section, key, index)``, without the frozen dataclass
    ``__init__`` overhead."""
    ref: EntryRef = _object_new(EntryRef)
    _set_entry(ref, entry)
    _set_block(ref, block)
    _set_section(ref, section)
    _set_key(ref, key)
    _set_index(ref, index)
    return ref
