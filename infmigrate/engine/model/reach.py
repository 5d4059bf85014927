"""How a section is reached: the roots of the reference graph and the references to sections.

:class:`InstallSection` is a root (a DDInstall, DefaultInstall, DefaultUninstall or
ClassInstall32 with its suffix sections); :class:`Reference` is one field of a directive
that names a section, with the context it reaches it in and the roots it is reached from.
The file lists (:mod:`.files`), registry sections (:mod:`.registry`) and services
(:mod:`.services`) record both, and the graph builder (:mod:`.references`) makes them: these
value classes sit below all four, so that imports in the model go one way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from infmigrate.engine.model.contexts import SectionContext
from infmigrate.engine.model.decorations import ModelsSection, TargetOS
from infmigrate.engine.model.sections import EntryRef, LogicalSection, fold

__all__ = ["InstallKind", "InstallSection", "RefKind", "Reference"]

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


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    """One field of a directive that names a section, in the context it reaches it."""

    #: The directive entry (``AddReg = A, B``).
    entry: EntryRef
    #: Index of the field in ``entry.values``.
    index: int
    #: ``what`` the reference is (see :data:`RefKind`).
    kind: RefKind
    #: The field as cooked (``%strkey%`` not expanded).
    raw_name: str
    #: The name, expanded with the undecorated Strings (for ``@file``: the file name).
    name: str
    #: The section reached, or ``None`` when the file lacks it (or for ``@file``).
    target: LogicalSection | None
    #: The context the target is reached in.
    context: SectionContext
    #: The install sections (roots) it is reached from.
    installs: tuple[InstallSection, ...]
    #: Whether the name expands the same in every locale.
    uniform: bool = True
    #: For a missing target: the directive's section has an ``Include``, so the section
    #: may come from an included INF (``Needs``, or ``CopyFiles=FakeModemCopyFileSection``
    #: with ``Include=mdmcpq.inf``).
    external: bool = False

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
