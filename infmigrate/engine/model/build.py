"""The read-only semantic model of one INF: :func:`build_model` and :class:`InfModel`.

Data flows one way: bytes -> CST -> model -> fixers. The model is rebuilt from the tree
after every fix round; it never raises on messy input (missing sections, undefined
tokens, odd decorations) and records what it could not resolve instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from types import MappingProxyType

from infmigrate.engine.model.contexts import SectionContext
from infmigrate.engine.model.decorations import (
    Manufacturer,
    ModelsSection,
    parse_manufacturers,
    resolve_install,
    resolve_suffixes,
)
from infmigrate.engine.model.files import DestinationDirs, FileList, ListKind, SourceIndex
from infmigrate.engine.model.reach import InstallSection, Reference, References
from infmigrate.engine.model.references import FileReference, IncludeDirective, build_graph
from infmigrate.engine.model.registry import RegKind, RegSection
from infmigrate.engine.model.sections import (
    EntryRef,
    LogicalSection,
    build_sections,
    fold,
    release_section,
)
from infmigrate.engine.model.services import ServiceInstall, WdfService
from infmigrate.engine.model.strings import Expansion, StringTable
from infmigrate.engine.perf import gc_paused
from infmigrate.engine.syntax import Entry, InfFile

__all__ = ["WELL_KNOWN_ROOTS", "InfModel", "build_model", "release_model"]

#: Sections that are roots by name: never reported as unreachable.
WELL_KNOWN_ROOTS: frozenset[str] = frozenset(
    {
        "version",
        "strings",
        "manufacturer",
        "destinationdirs",
        "sourcedisksnames",
        "sourcedisksfiles",
        "controlflags",
        "signatureattributes",
        "interfaceinstall32",
        "deviceinstall32",
        "defaultinstall",
        "defaultuninstall",
        "classinstall32",
        "classinstall",
    }
)
_ROOT_PREFIXES: tuple[str, ...] = tuple(
    name + "."
    for name in (
        "strings",
        "sourcedisksnames",
        "sourcedisksfiles",
        "defaultinstall",
        "defaultuninstall",
        "classinstall32",
        "signatureattributes",
    )
)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class InfModel:
    """Everything the fixers read about one INF. Immutable; rebuild after each edit."""

    #: The tree the model was built from.
    tree: InfFile
    #: Logical sections in order of first appearance.
    sections: tuple[LogicalSection, ...]
    #: The same, keyed by folded name.
    section_map: Mapping[str, LogicalSection]
    #: The ``[Strings]`` and ``[Strings.LLLL]`` tables.
    strings: StringTable
    #: The ``[Manufacturer]`` entries with the Models sections they name.
    manufacturers: tuple[Manufacturer, ...]
    #: Architectures the INF targets (see :attr:`architectures_source`).
    architectures: frozenset[str]
    #: ``manufacturer`` (from Models decorations; an undecorated or ``NT`` Models section
    #: counts as x86), ``install`` (no Manufacturer: from arch-decorated DefaultInstall /
    #: ClassInstall32 sections) or ``unknown`` (nothing says: all of ARCHITECTURES).
    architectures_source: str
    #: ``[DestinationDirs]``: DefaultDestDir and the entry of each file list.
    destination_dirs: DestinationDirs
    #: ``[SourceDisksNames*]`` and ``[SourceDisksFiles*]`` by architecture.
    sources: SourceIndex
    #: The roots: DDInstall (per resolved name), DefaultInstall, ClassInstall32...
    install_sections: tuple[InstallSection, ...]
    #: Every directive field that names a section, per context, in walk order (a
    #: sequence: the plain names of missing lists on file-list lines are made as they are
    #: read, see :func:`~.reach.plain_reference`; read it in one pass).
    references: References
    #: CopyFiles/DelFiles/RenFiles targets (and ``CopyFiles=@file``) that are reached.
    file_lists: tuple[FileList, ...]
    #: AddService lines reached (DDInstall.Services, DefaultInstall.Services...).
    services: tuple[ServiceInstall, ...]
    #: KmdfService/UmdfService lines of reached .Wdf sections.
    wdf_services: tuple[WdfService, ...]
    #: AddReg/DelReg/BitReg targets with every context they are reached in.
    reg_sections: tuple[RegSection, ...]
    #: ServiceBinary-like values and AddReg string values that name files by path.
    file_references: tuple[FileReference, ...]
    #: ``Include`` lines reached.
    includes: tuple[IncludeDirective, ...]
    #: Sections nothing reaches (well-known roots excluded), in file order.
    unreachable: tuple[LogicalSection, ...]
    #: Every :class:`EntryRef` by ``id()`` of its entry, built on the first
    #: :meth:`entry_ref` (``None`` until then): few callers need it, and on a file of many
    #: small sections it cost as much as the entries themselves.
    _entries: dict[int, EntryRef] | None
    _contexts: Mapping[str, frozenset[SectionContext]]
    _roles: Mapping[str, frozenset[str]]
    #: The :attr:`references` by the folded name they name, built on the first
    #: :meth:`references_to` (``None`` until then): a line naming thousands of lists made
    #: it a dictionary entry, a list and a tuple per name, which few rules ever ask for.
    _refs_to: Mapping[str, tuple[Reference, ...]] | None
    #: :meth:`file_list`'s index (kind, folded name, ``@file``) -> the first such list,
    #: built on its first call.
    _lists: dict[tuple[ListKind, str, bool], FileList] | None = None
    #: :meth:`models_naming`'s and :meth:`decorations_written`'s indexes, built on their
    #: first calls.
    _models_by_section: dict[int, list[ModelsSection]] | None = None
    _decorations_by_line: dict[int, set[str]] | None = None
    #: :meth:`services_named`'s index, built on its first call.
    _services_by_name: dict[str, list[ServiceInstall]] | None = None

    # --- lookups -----------------------------------------------------------------------

    def section(self, name: str) -> LogicalSection | None:
        """The logical section of that name (case-insensitive, as referenced), or ``None``."""
        return self.section_map.get(fold(name))

    def resolve_install(self, base: str, arch: str | None) -> tuple[str, LogicalSection | None]:
        """The install section for ``base`` on ``arch`` (``.NT<arch>``, ``.NT``, bare)."""
        return resolve_install(self._lookup, base, arch)

    def suffix_sections(self, name: str) -> dict[str, LogicalSection]:
        """The suffix sections (``HW``, ``Services``...) that exist for a resolved name."""
        return resolve_suffixes(self._lookup, name)

    def _lookup(self, name: str) -> LogicalSection | None:
        return self.section_map.get(fold(name))

    def entry_ref(self, entry: Entry) -> EntryRef | None:
        """The :class:`EntryRef` of a CST entry of :attr:`tree` (by identity)."""
        entries = self._entries
        if entries is None:
            entries = {id(ref.entry): ref for s in self.sections for ref in s.entries}
            object.__setattr__(self, "_entries", entries)  # a cache: frozen to everyone else
        return entries.get(id(entry))

    def contexts_of(self, section: LogicalSection | str) -> frozenset[SectionContext]:
        """Every context a section is reached in (empty when unreached)."""
        return self._contexts.get(_key(section), frozenset())

    def roles_of(self, section: LogicalSection | str) -> frozenset[str]:
        """How a section is reached: ``install``, ``registry``, ``file-list``,
        ``service-install``, ``eventlog-install``, ``add-interface``, ``models``..."""
        return self._roles.get(_key(section), frozenset())

    def references_to(self, section: LogicalSection | str) -> tuple[Reference, ...]:
        """The references that name a section (also when it is missing: pass the name)."""
        refs_to = self._refs_to
        if refs_to is None:
            found: dict[str, list[Reference]] = {}
            for ref in self.references:
                if ref.kind != "copy_file":
                    found.setdefault(fold(ref.name), []).append(ref)
            refs_to = {k: tuple(v) for k, v in found.items()}
            object.__setattr__(self, "_refs_to", refs_to)  # a cache: frozen to everyone else
        return refs_to.get(_key(section), ())

    @property
    def nonuniform_references(self) -> tuple[Reference, ...]:
        """References whose section name expands differently in some locale."""
        return tuple(r for r in self.references if not r.uniform)

    def reg_section(self, name: str, kind: RegKind = RegKind.ADD) -> RegSection | None:
        """The registry section of that name and directive."""
        want = fold(name)
        return next((r for r in self.reg_sections if r.kind is kind and fold(r.name) == want), None)

    def models_naming(self, section: LogicalSection | None) -> Sequence[ModelsSection]:
        """The Models sections of every ``[Manufacturer]`` entry and decoration that are
        ``section`` (``None``: those whose section does not exist), in order."""
        index = self._models_by_section
        if index is None:
            index = {}
            for mfr in self.manufacturers:
                for models in mfr.models:
                    index.setdefault(id(models.section), []).append(models)
            object.__setattr__(self, "_models_by_section", index)  # a cache
        return index.get(id(section), ())

    def decorations_written(self, entry: EntryRef) -> AbstractSet[str]:
        """The decorations a ``[Manufacturer]`` line lists, as written (stripped), folded."""
        index = self._decorations_by_line
        if index is None:
            index = {}
            for mfr in self.manufacturers:
                found = index.setdefault(id(mfr.entry), set())
                found.update(fold(d.raw.strip()) for d in mfr.decorations)
            object.__setattr__(self, "_decorations_by_line", index)  # a cache
        return index.get(id(entry), frozenset())

    def file_list(self, name: str, kind: ListKind = ListKind.COPY) -> FileList | None:
        """The file list of that name (or ``@file`` name) and directive."""
        index = self._lists
        if index is None:
            # built once: a DelFiles line naming thousands of lists looks each one up
            index = {}
            for f in self.file_lists:
                index.setdefault((f.kind, fold(f.name), f.file is not None), f)
            object.__setattr__(self, "_lists", index)  # a cache: frozen to everyone else
        return index.get((kind, fold(name.lstrip("@")), name.startswith("@")))

    def services_named(self, name: str) -> tuple[ServiceInstall, ...]:
        """Every AddService of a service name (case-insensitive, expanded)."""
        index = self._services_by_name
        if index is None:
            # (built once: a rule asking for each of thousands of services scanned them
            # all for each, issue 18)
            index = {}
            for service in self.services:
                index.setdefault(fold(service.name), []).append(service)
            object.__setattr__(self, "_services_by_name", index)  # a cache
        return tuple(index.get(fold(name), ()))

    # --- strings -----------------------------------------------------------------------

    def expand(self, text: str, locale: str | int | None = None) -> str:
        """Expand ``%strkey%`` tokens (see :meth:`StringTable.expand`)."""
        return self.strings.expand(text, locale)

    def expand_all(self, text: str) -> Expansion:
        """Expand for every locale (see :meth:`StringTable.expand_all`)."""
        return self.strings.expand_all(text)

    def __repr__(self) -> str:
        return (
            f"InfModel(sections={len(self.sections)}, installs={len(self.install_sections)}, "
            f"file_lists={len(self.file_lists)}, services={len(self.services)}, "
            f"reg_sections={len(self.reg_sections)})"
        )


def release_model(model: InfModel) -> None:
    """Break the model's reference cycles (each section holds its entries, each entry its
    section), for a caller done with it: the model is then freed as soon as nothing
    refers to it, without waiting for the cyclic garbage collector. The model must not
    be read afterwards (its sections have no entries left)."""
    for section in model.sections:
        release_section(section)


def _key(section: LogicalSection | str) -> str:
    return section.folded if isinstance(section, LogicalSection) else fold(section)


def _well_known(folded: str) -> bool:
    return folded in WELL_KNOWN_ROOTS or folded.startswith(_ROOT_PREFIXES)


def build_model(tree: InfFile) -> InfModel:
    """Build the semantic model of a parsed INF.

    The cyclic garbage collector is paused while the model is built: the model allocates
    many small objects that live as long as it does, and each collection would walk the
    whole syntax tree again (it halves the time on large files).
    """
    with gc_paused():
        return _build(tree)


def _build(tree: InfFile) -> InfModel:
    sections, section_map = build_sections(tree)
    strings = StringTable(sections)
    manufacturers = parse_manufacturers(
        section_map.get("manufacturer"), lambda name: section_map.get(fold(name)), strings
    )
    destinations = DestinationDirs(section_map.get("destinationdirs"), strings)
    sources = SourceIndex(sections, strings)
    graph = build_graph(sections, section_map, strings, manufacturers, destinations, sources)
    unreachable = tuple(
        s for s in sections if s.folded not in graph.reached and not _well_known(s.folded)
    )
    return InfModel(
        tree=tree,
        sections=sections,
        section_map=MappingProxyType(section_map),
        strings=strings,
        manufacturers=manufacturers,
        architectures=graph.architectures,
        architectures_source=graph.architectures_source,
        destination_dirs=destinations,
        sources=sources,
        install_sections=graph.install_sections,
        references=graph.references,
        file_lists=graph.file_lists,
        services=graph.services,
        wdf_services=graph.wdf_services,
        reg_sections=graph.reg_sections,
        file_references=graph.file_references,
        includes=graph.includes,
        unreachable=unreachable,
        _entries=None,
        _contexts=graph.contexts,
        _roles=graph.roles,
        _refs_to=None,
    )
