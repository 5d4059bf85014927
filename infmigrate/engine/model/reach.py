"""How a section is reached: the roots of the reference graph and the references to sections.

:class:`InstallSection` is a root (a DDInstall, DefaultInstall, DefaultUninstall or
ClassInstall32 with its suffix sections); :class:`Reference` is one field of a directive
that names a section, with the context it reaches it in and the roots it is reached from.
The file lists (:mod:`.files`), registry sections (:mod:`.registry`) and services
(:mod:`.services`) record both, and the graph builder (:mod:`.references`) makes them: these
value classes sit below all four, so that imports in the model go one way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias, overload

from infmigrate.engine.model.contexts import SectionContext
from infmigrate.engine.model.decorations import ModelsSection, TargetOS
from infmigrate.engine.model.sections import EntryRef, LogicalSection, fold
from infmigrate.engine.perf import fast_constructor

__all__ = [
    "InstallKind",
    "InstallSection",
    "RefKind",
    "RefLine",
    "Reference",
    "References",
    "plain_reference",
]

InstallKind: TypeAlias = Literal["ddinstall", "defaultinstall", "defaultuninstall", "classinstall"]
#: What a reference points at: ``registry``, ``file_list``, ``copy_file`` (``@file``, no
#: section), ``service_install``, ``eventlog_install``, ``add_interface``,
#: ``install_interface``, ``wdf_service_install``, ``needs``, ``install`` (the install
#: section of AddSoftware, AddComServer, AddEventProvider...) or ``other``.
RefKind: TypeAlias = str


@dataclass(frozen=True, slots=True, eq=False)
class InstallSection:
    """A root of the graph: a DDInstall, DefaultInstall, DefaultUninstall or ClassInstall32."""

    kind: InstallKind
    #: The undecorated name (from the Models entry, or ``DefaultInstall``...).
    base_name: str
    #: The name resolved (``Inst.NTamd64``); the bare base when no candidate exists.
    name: str
    #: The section, or ``None`` when no candidate exists.
    section: LogicalSection | None
    #: The context of the section itself (SOFTWARE_KEY, DEFAULT_INSTALL or CLASS_KEY).
    context: SectionContext
    #: Architectures it is used on.
    platforms: frozenset[str]
    #: The decorations it is reached under: for a DDInstall, those of the Models
    #: sections that name it (``None``: an undecorated Models section); for the others,
    #: their own decoration.
    decorations: tuple[TargetOS | None, ...]
    #: The Models sections whose entries name it (DDInstall only).
    models: tuple[ModelsSection, ...]
    #: The Models entries that name it (DDInstall only).
    models_entries: tuple[EntryRef, ...]
    #: Suffix sections that exist for the resolved name, by suffix (``HW``, ``Services``...).
    suffixes: Mapping[str, LogicalSection]

    def suffix(self, name: str) -> LogicalSection | None:
        """A suffix section by name, case-insensitively, with or without the dot."""
        want = fold(name.lstrip("."))
        for suffix, section in self.suffixes.items():
            if fold(suffix) == want:
                return section
        return None

    def __repr__(self) -> str:
        return f"InstallSection({self.kind}, {self.name!r}, found={self.section is not None})"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class RefLine:
    """What the references of one directive line share in one context (a CopyFiles line
    may name thousands of lists: each :class:`Reference` points at this record instead
    of holding these five fields itself)."""

    #: The directive entry (``AddReg = A, B``).
    entry: EntryRef
    #: ``what`` the references are (see :data:`RefKind`; the ``@file`` fields of a
    #: CopyFiles line have a record of their own, of kind ``copy_file``).
    kind: RefKind
    #: The context the targets are reached in.
    context: SectionContext
    #: The install sections (roots) the line is reached from (set when the graph is
    #: frozen).
    installs: tuple[InstallSection, ...]
    #: For a missing target: the directive's section has an ``Include``.
    external: bool


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    """One field of a directive that names a section, in the context it reaches it.

    What the fields of one line share (entry, context, installs...) is one
    :class:`RefLine`; :attr:`entry`, :attr:`kind`, :attr:`context`, :attr:`installs` and
    :attr:`external` read it.
    """

    #: The line's shared part.
    _line: RefLine
    #: Index of the field in ``entry.values``.
    index: int
    #: The field as cooked (``%strkey%`` not expanded).
    raw_name: str
    #: The name, expanded with the undecorated Strings (for ``@file``: the file name).
    name: str
    #: The section reached, or ``None`` when the file lacks it (or for ``@file``).
    target: LogicalSection | None
    #: Whether the name expands the same in every locale.
    uniform: bool = True

    @property
    def line(self) -> RefLine:
        """What it shares with the other fields of its line in its context."""
        return self._line

    @property
    def entry(self) -> EntryRef:
        """The directive entry (``AddReg = A, B``)."""
        return self._line.entry

    @property
    def kind(self) -> RefKind:
        """``what`` the reference is (see :data:`RefKind`)."""
        return self._line.kind

    @property
    def context(self) -> SectionContext:
        """The context the target is reached in."""
        return self._line.context

    @property
    def installs(self) -> tuple[InstallSection, ...]:
        """The install sections (roots) it is reached from."""
        return self._line.installs

    @property
    def external(self) -> bool:
        """For a missing target: the directive's section has an ``Include``, so the
        section may come from an included INF (``Needs``, or
        ``CopyFiles=FakeModemCopyFileSection`` with ``Include=mdmcpq.inf``)."""
        line = self._line
        return line.external and self.target is None and line.kind != "copy_file"

    @property
    def directive(self) -> str:
        """The directive as written (the entry's key)."""
        return self.entry.key or ""

    @property
    def missing(self) -> bool:
        """Whether it names a section the file lacks (``@file`` copies never do)."""
        return self.target is None and self.kind != "copy_file"

    def __repr__(self) -> str:
        return (
            f"Reference({self.directive}[{self.index}] -> {self.name!r}, {self.kind}, "
            f"{self.context!r}, line {self.entry.line})"
        )


_new_reference = fast_constructor(Reference)


def plain_reference(line: RefLine, index: int) -> Reference:
    """The reference of field ``index`` of a file-list line when that field is a plain
    name (no ``%strkey%``, no ``@``) of a list the file lacks: everything it says comes
    from the line and the field, so the model keeps no object for it (a line may name
    hundreds of thousands of lists) and makes it when asked."""
    value = line.entry.entry.cooked_values[index]
    return _new_reference(line, index, value, value, None, True)


def _line_references(line: RefLine, kept: dict[int, Reference]) -> Iterator[Reference]:
    """Every reference of a file-list line, in field order: the kept one of a field, else
    its plain reference, made here (see :func:`plain_reference`)."""
    for index, value in enumerate(line.entry.entry.cooked_values):
        if value:
            ref = kept.get(index)
            yield _new_reference(line, index, value, value, None, True) if ref is None else ref


class References(Sequence[Reference]):
    """:attr:`~.build.InfModel.references`: every reference, in walk order. The plain
    fields of file-list lines (see :func:`plain_reference`) are made as they are read
    (a new object each time), the others are kept."""

    __slots__ = ("_items", "_len")

    def __init__(
        self, items: list[Reference | tuple[RefLine, dict[int, Reference]]], length: int
    ) -> None:
        #: Kept references, and file-list lines: (the line, its kept references by field).
        self._items = items
        self._len = length

    def __iter__(self) -> Iterator[Reference]:
        for item in self._items:
            if type(item) is Reference:
                yield item
                continue
            line, kept = item  # type: ignore[misc]
            yield from _line_references(line, kept)

    def without_plain(self, unless: Callable[[RefLine], bool] | None = None) -> Iterator[Reference]:
        """The references in walk order, but the plain fields of file-list lines (see
        :func:`plain_reference`: names of lists the file lacks, no ``%strkey%``) left
        out, except on the lines for which ``unless`` is true. For a reader that skips
        such references anyway (missing targets, or a directive it does not read), at
        the cost of a look at their line, not of a reference each (a line may name
        hundreds of thousands)."""
        for item in self._items:
            if type(item) is Reference:
                yield item
                continue
            line, kept = item  # type: ignore[misc]
            if unless is not None and unless(line):
                yield from _line_references(line, kept)
            else:
                yield from kept.values()

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> Reference: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Reference, ...]: ...
    def __getitem__(self, index: int | slice) -> Reference | tuple[Reference, ...]:
        return tuple(self)[index]

    def __repr__(self) -> str:
        return f"References({len(self)})"
