"""The reference graph: what reaches what, and in which context.

Which section names which (Microsoft's "Summary of INF Sections",
https://learn.microsoft.com/windows-hardware/drivers/install/summary-of-inf-sections,
and each directive's page).

Roots are the install sections: every Models entry's DDInstall (resolved per decoration
and architecture), ``DefaultInstall``, ``DefaultUninstall``, ``ClassInstall32`` and the
Windows 9x ``ClassInstall`` (bare or with any valid decoration,
``DefaultInstall.NT$ARCH$.10.0...25952`` included), each with its suffix sections
(:data:`~.decorations.INSTALL_SUFFIXES`, plus ``.Remove`` and ``.Remove.Services`` of
network components); then the entries of ``[InterfaceInstall32]`` and ``[DeviceInstall32]``.
From each root the builder walks the directives of every section it reaches, breadth first,
once per (section, context, role, root):

- ``AddReg``/``DelReg``/``BitReg`` -> registry sections, in the context of the section
  that names them;
- ``CopyFiles``/``DelFiles``/``RenFiles`` -> file lists (``CopyFiles=@file`` included);
- ``AddService`` -> service-install (SERVICE_KEY) and event-log-install (EVENTLOG_KEY);
- ``AddInterface`` -> add-interface sections (INTERFACE_KEY);
- ``KmdfService``/``UmdfService``, ``AddSoftware``, ``AddComServer``/``AddComClass``,
  ``AddEventProvider``, ``AddAutoLogger``/``UpdateAutoLogger``, ``AddDevice`` -> their
  install sections
  (context OTHER), walked for their file references;
- ``AddFilter``, ``AddTrigger``, ``FailureActions``, ``AddComponent``, ``WMIInterface``,
  ``AddChannel``, ``AddAutoLoggerProvider``, ``AddProperty``/``DelProperty``,
  ``AddPowerSetting``, ``LogConfig``, ``UpdateInis``, ``UpdateIniFields``, ``Ini2Reg``,
  ``ProfileItems``, ``RegisterDlls``/``UnregisterDlls`` -> reached, not walked;
- ``Needs`` -> a local section is walked as if pasted in (same context and role);
  ``Include`` is recorded, opaque. A missing target of any directive is recorded
  (``target=None``), ``external`` when the directive's section has an ``Include``.

Section names are expanded with the undecorated Strings; a name whose expansion differs
between locales is still followed, and its :class:`Reference` has ``uniform=False``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType
from typing import Any, Generic, TypedDict, TypeVar

from infmigrate.engine.model.contexts import (
    CLASS,
    DEFAULT,
    HARDWARE,
    LOG_TYPES,
    OTHER,
    SOFTWARE,
    SectionContext,
)
from infmigrate.engine.model.decorations import (
    ARCHITECTURES,
    INSTALL_SUFFIXES,
    NETWORK_SUFFIXES,
    Manufacturer,
    ModelsSection,
    TargetOS,
    resolve_install,
    split_decoration,
)
from infmigrate.engine.model.files import (
    DestinationDirs,
    FileCopy,
    FileList,
    ListInfo,
    ListKind,
    SourceIndex,
    read_files,
)
from infmigrate.engine.model.paths import PathRef, find_paths
from infmigrate.engine.model.reach import (
    InstallKind,
    InstallSection,
    Reference,
    References,
    RefKind,
    RefLine,
    plain_reference,
)
from infmigrate.engine.model.registry import RegKind, RegLine, RegSection, parse_reg_line
from infmigrate.engine.model.sections import EntryRef, LogicalSection, fold
from infmigrate.engine.model.services import ServiceInstall, WdfService, parse_flags
from infmigrate.engine.model.strings import Expansion, StringTable
from infmigrate.engine.perf import fast_constructor, slot_setter

__all__ = [
    "FileRefKind",
    "FileReference",
    "Graph",
    "IncludeDirective",
    "build_graph",
]


@dataclass(frozen=True, slots=True, eq=False)
class IncludeDirective:
    """An ``Include = a.inf[, b.inf]`` line (external INFs, opaque)."""

    entry: EntryRef
    files: tuple[str, ...]
    installs: tuple[InstallSection, ...]


class FileRefKind(StrEnum):
    """The kind of a file reference."""

    SERVICE_BINARY = "ServiceBinary"
    SOFTWARE_BINARY = "SoftwareBinary"
    SERVER_BINARY = "ServerBinary"
    RESOURCE_FILE = "ResourceFile"
    MESSAGE_FILE = "MessageFile"
    #: A string value of an AddReg line.
    REGISTRY_VALUE = "AddReg"


@dataclass(frozen=True, slots=True, eq=False)
class FileReference:
    """A value that names a destination file: ServiceBinary, AddReg string value..."""

    #: The entry (``ServiceBinary = %12%\\x.sys`` or the AddReg line).
    entry: EntryRef
    #: Index of the field in ``entry.values``.
    index: int
    kind: FileRefKind
    #: The field, cooked and unexpanded.
    raw: str
    #: The field expanded with the undecorated Strings (``%%`` folded).
    expanded: str
    #: The paths found in it (ServiceBinary-like kinds are recorded even with none).
    paths: tuple[PathRef, ...]
    #: The contexts the holding section is reached in.
    contexts: frozenset[SectionContext]
    #: The role of the holding section: ``service-install``, ``wdf-service-install``,
    #: ``software-install``, ``com-server-install``, ``event-provider-install``,
    #: ``registry``...
    role: str
    #: Whether the field expands the same in every locale.
    uniform: bool = True
    #: For AddReg values: the parsed line.
    reg_line: RegLine | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Graph:
    """Everything the graph builder found (the :class:`~.build.InfModel` exposes it)."""

    install_sections: tuple[InstallSection, ...]
    references: References
    file_lists: tuple[FileList, ...]
    services: tuple[ServiceInstall, ...]
    wdf_services: tuple[WdfService, ...]
    reg_sections: tuple[RegSection, ...]
    file_references: tuple[FileReference, ...]
    includes: tuple[IncludeDirective, ...]
    #: Folded names of every section reached, with the contexts and roles it is reached in.
    contexts: Mapping[str, frozenset[SectionContext]]
    roles: Mapping[str, frozenset[str]]
    #: Folded names of sections reached in any way (roots, targets, .security companions).
    reached: frozenset[str]
    architectures: frozenset[str]
    #: Where :attr:`architectures` comes from: ``manufacturer`` (Models decorations),
    #: ``install`` (DefaultInstall/ClassInstall32 decorations) or ``unknown`` (all).
    architectures_source: str


# --- directive tables ---------------------------------------------------------------------

#: Directives whose every field names a section reached in place (same context), not walked.
_LIST_DIRECTIVES = frozenset(
    {
        "addproperty",
        "delproperty",
        "addpowersetting",
        "logconfig",
        "updateinis",
        "updateinifields",
        "ini2reg",
        "profileitems",
        "registerdlls",
        "unregisterdlls",
        "events",
        "devicedata",  # still image (STI/WIA) DDInstall directives
    }
)
#: Directives naming one section at a field index: (index, role, walked).
_SINGLE_DIRECTIVES: dict[str, tuple[int, str, bool]] = {
    "kmdfservice": (1, "wdf-service-install", True),
    "umdfservice": (1, "wdf-service-install", True),
    "addsoftware": (2, "software-install", True),
    "addcomserver": (2, "com-server-install", True),
    "addcomclass": (2, "com-class-install", True),
    "addeventprovider": (1, "event-provider-install", True),
    "addautologger": (2, "autologger-install", True),
    "updateautologger": (1, "autologger-install", True),
    "addautologgerprovider": (1, "autologger-provider-install", False),
    "addchannel": (2, "channel-install", False),
    "addfilter": (2, "filter-install", False),
    "addtrigger": (0, "trigger", False),
    "failureactions": (0, "failure-actions", False),
    "addcomponent": (2, "component-install", False),
    "wmiinterface": (2, "wmi-install", False),
    "adddevice": (2, "device-install", True),
}
_FILE_KEYS: dict[str, FileRefKind] = {
    "servicebinary": FileRefKind.SERVICE_BINARY,
    "softwarebinary": FileRefKind.SOFTWARE_BINARY,
    "serverbinary": FileRefKind.SERVER_BINARY,
    "serverbinarywow64": FileRefKind.SERVER_BINARY,
    "resourcefile": FileRefKind.RESOURCE_FILE,
    "messagefile": FileRefKind.MESSAGE_FILE,
}
_REG_KINDS = {"addreg": RegKind.ADD, "delreg": RegKind.DEL, "bitreg": RegKind.BIT}
_LIST_KINDS = {"copyfiles": ListKind.COPY, "delfiles": ListKind.DEL, "renfiles": ListKind.REN}
_ROOT_BASES: tuple[tuple[str, InstallKind, SectionContext], ...] = (
    ("DefaultInstall", "defaultinstall", DEFAULT),
    ("DefaultUninstall", "defaultuninstall", DEFAULT),
    ("ClassInstall32", "classinstall", CLASS),
    ("ClassInstall", "classinstall", CLASS),  # Windows 9x
)
_LOG_TYPES = {fold(t): t for t in LOG_TYPES}
#: The suffix sections of a root, with their folded spelling.
_ROOT_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    (suffix, fold(suffix)) for suffix in INSTALL_SUFFIXES + NETWORK_SUFFIXES
)
#: Every key :meth:`_Builder.directive` acts on (other keys of a walked section are skipped).
_DIRECTIVE_KEYS: frozenset[str] = frozenset(
    {
        *_REG_KINDS,
        *_LIST_KINDS,
        "needs",
        "include",
        "addservice",
        "addinterface",
        *_SINGLE_DIRECTIVES,
        *_LIST_DIRECTIVES,
        *_FILE_KEYS,
    }
)
#: What the folded name of a section starts with when it can be one of _ROOT_BASES.
_ROOT_PREFIXES: tuple[str, ...] = tuple(fold(base) for base, _, _ in _ROOT_BASES)


# The constructor arguments each accumulator collects (the frozen class's fields but the
# ones :meth:`_Builder.freeze` adds: installs, contexts, references...).
class _RefArgs(TypedDict):
    entry: EntryRef
    index: int
    kind: RefKind
    raw_name: str
    name: str
    target: LogicalSection | None
    context: SectionContext
    uniform: bool
    external: bool


class _RegArgs(TypedDict):
    kind: RegKind
    name: str
    section: LogicalSection | None


class _ServiceArgs(TypedDict):
    entry: EntryRef
    name: str
    name_expansion: Expansion
    flags_text: str
    flags: int | None
    section_name: str
    section: LogicalSection | None
    eventlog_section_name: str
    eventlog_section: LogicalSection | None
    log_type: str
    event_name: str


class _WdfArgs(TypedDict):
    entry: EntryRef
    kind: str
    name: str
    section_name: str
    section: LogicalSection | None


class _IncludeArgs(TypedDict):
    entry: EntryRef
    files: tuple[str, ...]


class _FileRefArgs(TypedDict):
    entry: EntryRef
    index: int
    kind: FileRefKind
    raw: str
    expanded: str
    paths: tuple[PathRef, ...]
    role: str
    uniform: bool
    reg_line: RegLine | None


_Args = TypeVar("_Args", _RefArgs, _RegArgs, _ServiceArgs, _WdfArgs, _IncludeArgs, _FileRefArgs)
_T = TypeVar("_T")


class _Acc(Generic[_Args]):
    """Mutable accumulator for one graph object, frozen at the end."""

    __slots__ = ("args", "contexts", "installs", "references")

    def __init__(self, args: _Args) -> None:
        self.args: _Args = args
        self.contexts: dict[SectionContext, None] = {}
        #: Install sections by id (insertion order, no repeats).
        self.installs: dict[int, InstallSection] = {}
        self.references: dict[int, _Acc[_RefArgs]] = {}

    def add_install(self, install: InstallSection | None) -> None:
        if install is not None:
            self.installs[id(install)] = install

    def frozen_installs(self) -> tuple[InstallSection, ...]:
        return tuple(self.installs.values())


class _LineRefs:
    """The references of the fields of one CopyFiles/DelFiles/RenFiles line in one
    context (see :meth:`_Builder.file_lists`): every field is reached from the same
    install sections, those of the line's walks, set on the line's shared
    :class:`RefLine` when the graph is frozen."""

    __slots__ = ("copy_line", "installs", "line", "refs")

    def __init__(self, line: RefLine) -> None:
        self.line = line
        #: The record of the line's ``@file`` fields (kind ``copy_file``), made for the
        #: first one.
        self.copy_line: RefLine | None = None
        self.refs: list[Reference] = []
        self.installs: dict[int, InstallSection] = {}


class _ListAcc:
    """Accumulator of a file list (or ``@file`` copy) that several references name. A
    list that one reference names has none: that :class:`Reference` stands for it (its
    name, target and kind say the rest, its installs are the list's)."""

    __slots__ = ("file", "installs", "kind", "name", "refs", "section")

    def __init__(
        self, kind: ListKind, first: Reference, installs: dict[int, InstallSection]
    ) -> None:
        self.kind = kind
        self.name = first.name
        self.section = first.target
        self.file = first.name if first.kind == "copy_file" else None
        self.refs: dict[int, Reference] = {id(first): first}
        self.installs = dict(installs)

    def add(self, ref: Reference, install: InstallSection | None) -> None:
        """Record that ``ref`` names the list, reached from ``install``."""
        self.refs[id(ref)] = ref
        if install is not None:
            self.installs[id(install)] = install


@dataclass(slots=True)
class _Root:
    kind: InstallKind
    base_name: str
    name: str
    section: LogicalSection | None
    context: SectionContext
    platforms: dict[str, None] = field(default_factory=dict)
    #: Decorations, Models sections and Models entries by ``id()``: in order, each object
    #: once (an identity test per candidate would rescan the list for every Models line).
    decorations: dict[int, TargetOS | None] = field(default_factory=dict)
    models: dict[int, ModelsSection] = field(default_factory=dict)
    models_entries: dict[int, EntryRef] = field(default_factory=dict)


class _Builder:
    def __init__(
        self,
        sections: tuple[LogicalSection, ...],
        section_map: Mapping[str, LogicalSection],
        strings: StringTable,
        manufacturers: tuple[Manufacturer, ...],
        destinations: DestinationDirs,
        sources: SourceIndex,
    ) -> None:
        self.sections = sections
        self.map = section_map
        self.strings = strings
        self.manufacturers = manufacturers
        self.destinations = destinations
        self.sources = sources
        self.queue: deque[tuple[LogicalSection, SectionContext, str, InstallSection | None]] = (
            deque()
        )
        self.visited: set[tuple[int, SectionContext, str, int]] = set()
        #: References in the order they are found: one accumulator per field, or (index
        #: -1) one :class:`_LineRefs` for all the fields of a file-list directive.
        self.refs: dict[tuple[int, int, SectionContext], _Acc[_RefArgs] | _LineRefs] = {}
        self.regs: dict[tuple[RegKind, str], _Acc[_RegArgs]] = {}
        #: Lists by kind and folded name (``@`` before an ``@file`` copy's), one string:
        #: the first letter of the kind then the name (:data:`_KIND_LETTER`; a line may
        #: name hundreds of thousands of lists, and a tuple for each key was a third of
        #: what building their model took): the one reference naming it, or the
        #: accumulator of the several that do.
        self.lists: dict[str, Reference | _ListAcc | FileList] = {}
        #: The accumulator of each reference (by id) to a list that several name.
        self.shared: dict[int, _ListAcc] = {}
        self.services: dict[int, _Acc[_ServiceArgs]] = {}
        self.wdf: dict[int, _Acc[_WdfArgs]] = {}
        self.includes: dict[int, _Acc[_IncludeArgs]] = {}
        self.file_refs: dict[tuple[int, int], _Acc[_FileRefArgs]] = {}
        self.contexts: dict[str, dict[SectionContext, None]] = {}
        self.roles: dict[str, dict[str, None]] = {}
        self.reached: set[str] = set()
        self.expansions: dict[str, tuple[str, bool]] = {}

    # --- helpers -----------------------------------------------------------------------

    def lookup(self, name: str) -> LogicalSection | None:
        return self.map.get(fold(name))

    def expand(self, raw: str) -> tuple[str, bool]:
        """(expanded with the undecorated Strings, uniform across locales)."""
        if "%" not in raw:
            return raw, True
        found = self.expansions.get(raw)
        if found is None:
            if self.strings.localized:
                expansion = self.strings.expand_all(raw)
                found = (expansion.values[None], expansion.uniform)
            else:
                found = (self.strings.expand(raw), True)
            self.expansions[raw] = found
        return found

    def mark(self, section: LogicalSection, ctx: SectionContext, role: str) -> None:
        key = section.folded
        self.reached.add(key)
        contexts = self.contexts.get(key)
        if contexts is None:
            self.contexts[key] = {ctx: None}
            self.roles[key] = {role: None}
        else:
            contexts[ctx] = None
            self.roles[key][role] = None

    def reference(
        self,
        ref: EntryRef,
        index: int,
        kind: RefKind,
        ctx: SectionContext,
        install: InstallSection | None,
        raw: str | None = None,
    ) -> _Acc[_RefArgs]:
        """Record (or extend) the reference of field ``index`` of ``ref`` in ``ctx``."""
        raw = ref.values[index] if raw is None else raw
        key = (id(ref), index, ctx)
        found = self.refs.get(key)
        assert not isinstance(found, _LineRefs)  # (index -1: the file-list lines' key)
        acc = found
        if acc is None:
            target: LogicalSection | None
            if kind == "copy_file":
                name, uniform, target = raw, True, None
            else:
                name, uniform = self.expand(raw)
                target = self.lookup(name)
            external = (
                target is None and kind != "copy_file" and ref.section.first("Include") is not None
            )
            acc = _Acc(
                {
                    "entry": ref,
                    "index": index,
                    "kind": kind,
                    "raw_name": raw,
                    "name": name,
                    "target": target,
                    "context": ctx,
                    "uniform": uniform,
                    "external": external,
                }
            )
            self.refs[key] = acc
        acc.add_install(install)
        return acc

    def follow(
        self,
        ref: EntryRef,
        index: int,
        kind: RefKind,
        ctx: SectionContext,
        install: InstallSection | None,
        role: str,
        walk: bool,
    ) -> LogicalSection | None:
        """Record a reference and reach (and maybe walk) its target."""
        acc = self.reference(ref, index, kind, ctx, install)
        target = acc.args["target"]
        if isinstance(target, LogicalSection):
            if walk:
                self.enqueue(target, ctx, role, install)
            else:
                self.mark(target, ctx, role)
            return target
        return None

    def enqueue(
        self,
        section: LogicalSection,
        ctx: SectionContext,
        role: str,
        install: InstallSection | None,
    ) -> None:
        key = (id(section), ctx, role, id(install))
        if key in self.visited:
            return
        self.visited.add(key)
        self.mark(section, ctx, role)
        self.queue.append((section, ctx, role, install))

    # --- roots -------------------------------------------------------------------------

    def roots(self) -> tuple[list[InstallSection], frozenset[str], str]:
        found: dict[tuple[str, str], _Root] = {}
        declared: dict[str, None] = {}
        # The DDInstall root of each (install name of a Models entry, arch): resolved
        # once, as Models sections of several decorations name the same install sections.
        by_base: dict[tuple[str, str], _Root] = {}
        for mfr in self.manufacturers:
            for models in mfr.models:
                if models.section is not None:
                    self.mark(models.section, OTHER, "models")
                if models.decoration is not None and not models.decoration.valid:
                    continue  # a malformed decoration never matches (InfVerif 1287)
                declared[models.platform] = None
                if models.section is None:
                    continue
                decoration = models.decoration
                arch = (decoration.arch if decoration is not None else None) or "x86"
                # The roots this Models section names, by id, in order.
                named: dict[int, _Root] = {}
                for ref in models.section.entries:
                    values = ref.values
                    if ref.key is None or not values or not values[0]:
                        continue
                    base, _ = self.expand(values[0])
                    root = by_base.get((base, arch))
                    if root is None:
                        root = by_base[base, arch] = self.ddinstall_root(found, base, arch)
                    named[id(root)] = root
                    root.models_entries.setdefault(id(ref), ref)
                for root in named.values():
                    root.platforms[models.platform] = None
                    root.decorations.setdefault(id(decoration), decoration)
                    root.models.setdefault(id(models), models)
        others: list[tuple[_Root, TargetOS | None]] = []
        for section in self.sections:
            if not section.folded.startswith(_ROOT_PREFIXES):
                continue  # split_decoration(section.name, base) is False for every base
            for base, kind, ctx in _ROOT_BASES:
                deco = split_decoration(section.name, base)
                if deco is False:
                    continue
                root = _Root(kind, base, section.name, section, ctx)
                root.decorations[id(deco)] = deco
                others.append((root, deco))
                found[(kind, section.folded)] = root
                break
        if declared:
            archs, source = frozenset(declared), "manufacturer"
        else:
            explicit = {d.arch for _, d in others if d is not None and d.arch}
            if explicit:
                archs, source = frozenset(explicit), "install"
            else:
                archs, source = frozenset(ARCHITECTURES), "unknown"
        for root, deco in others:
            platforms = [deco.arch] if deco is not None and deco.arch else sorted(archs)
            root.platforms.update(dict.fromkeys(platforms))
        installs = []
        for root in found.values():
            suffixes = self.suffix_sections(root.name)
            installs.append(
                InstallSection(
                    root.kind,
                    root.base_name,
                    root.name,
                    root.section,
                    root.context,
                    frozenset(root.platforms),
                    tuple(root.decorations.values()),
                    tuple(root.models.values()),
                    tuple(root.models_entries.values()),
                    MappingProxyType(suffixes),
                )
            )
        return installs, archs, source

    def ddinstall_root(self, found: dict[tuple[str, str], _Root], base: str, arch: str) -> _Root:
        """The root of the install section ``base`` resolves to on ``arch`` (made and
        recorded in ``found`` the first time)."""
        name, section = resolve_install(self.lookup, base, arch)
        key = ("ddinstall", fold(name))
        root = found.get(key)
        if root is None:
            root = found[key] = _Root(
                "ddinstall", base, section.name if section else name, section, SOFTWARE
            )
        return root

    def suffix_sections(self, name: str) -> dict[str, LogicalSection]:
        """:func:`resolve_suffixes` of ``name`` with INSTALL_SUFFIXES + NETWORK_SUFFIXES,
        folding ``name`` once (``fold`` maps character by character, so the folded name
        of ``name.suffix`` is the two folded parts joined by a dot)."""
        prefix = fold(name) + "."
        get = self.map.get
        out: dict[str, LogicalSection] = {}
        for suffix, folded in _ROOT_SUFFIXES:
            section = get(prefix + folded)
            if section is not None:
                out[suffix] = section
        return out

    def walk_install(self, install: InstallSection) -> None:
        if install.section is not None:
            self.enqueue(install.section, install.context, "install", install)
        for suffix, section in install.suffixes.items():
            if suffix == "HW":
                ctx = HARDWARE if install.kind == "ddinstall" else install.context
            elif suffix in ("CoInstallers", "Remove"):
                ctx = install.context
            else:
                ctx = OTHER
            self.enqueue(section, ctx, "install", install)
        self.drain()

    def walk_other_roots(self) -> None:
        """``[InterfaceInstall32]`` (``{guid} = install-interface-section``) and
        ``[DeviceInstall32]`` (``AddDevice = name,,device-install-section``)."""
        section = self.lookup("InterfaceInstall32")
        if section is not None:
            self.mark(section, OTHER, "interface-install32")
            for ref in section.entries:
                if ref.key is None or not ref.values or not ref.values[0]:
                    continue
                guid, _ = self.expand(ref.key)
                ctx = SectionContext.interface_class_key(guid)
                self.follow(ref, 0, "install_interface", ctx, None, "install-interface", True)
        section = self.lookup("DeviceInstall32")
        if section is not None:
            self.enqueue(section, OTHER, "device-install32", None)
        self.drain()

    # --- walking -----------------------------------------------------------------------

    def drain(self) -> None:
        while self.queue:
            section, ctx, role, install = self.queue.popleft()
            for ref in section.entries:
                key = ref.key
                if key is not None and fold(key) in _DIRECTIVE_KEYS:
                    self.directive(ref, key, ctx, role, install)

    def directive(
        self,
        ref: EntryRef,
        key: str,
        ctx: SectionContext,
        role: str,
        install: InstallSection | None,
    ) -> None:
        """Act on the directive ``ref`` (``key``: its key, as written)."""
        key = fold(key)
        values = ref.values
        reg_kind = _REG_KINDS.get(key)
        if reg_kind is not None:
            for i, v in enumerate(values):
                if v:
                    self.registry(ref, i, reg_kind, ctx, install)
            return
        list_kind = _LIST_KINDS.get(key)
        if list_kind is not None:
            self.file_lists(ref, list_kind, ctx, install)
            return
        if key == "needs":
            for i, v in enumerate(values):
                if v:
                    self.follow(ref, i, "needs", ctx, install, role, True)
            return
        if key == "include":
            acc = self.includes.get(id(ref))
            if acc is None:
                acc = _Acc({"entry": ref, "files": tuple(v for v in values if v)})
                self.includes[id(ref)] = acc
            acc.add_install(install)
            return
        if key == "addservice":
            self.add_service(ref, install)
            return
        if key == "addinterface":
            if len(values) > 2 and values[2]:
                guid, _ = self.expand(values[0])
                reference, _ = self.expand(values[1])
                ictx = SectionContext.interface_key(guid, reference)
                self.follow(ref, 2, "add_interface", ictx, install, "add-interface", True)
            return
        single = _SINGLE_DIRECTIVES.get(key)
        if single is not None:
            index, target_role, walk = single
            if len(values) > index and values[index]:
                kind = (
                    "wdf_service_install"
                    if target_role == "wdf-service-install"
                    else ("install" if walk else "other")
                )
                self.follow(ref, index, kind, OTHER, install, target_role, walk)
            if target_role == "wdf-service-install":
                self.wdf_service(ref, install)
            return
        if key in _LIST_DIRECTIVES:
            for i, v in enumerate(values):
                if v:
                    self.follow(ref, i, "other", ctx, install, key, False)
            return
        file_kind = _FILE_KEYS.get(key)
        if file_kind is not None and values:
            file_acc = self.file_refs.get((id(ref), 0))
            if file_acc is None:
                raw = values[0]
                expanded, paths = find_paths(raw, self.strings)
                file_acc = _Acc(
                    {
                        "entry": ref,
                        "index": 0,
                        "kind": file_kind,
                        "raw": raw,
                        "expanded": expanded,
                        "paths": paths,
                        "role": role,
                        "uniform": self.expand(raw)[1],
                        "reg_line": None,
                    }
                )
                self.file_refs[(id(ref), 0)] = file_acc
            file_acc.contexts[ctx] = None

    def registry(
        self,
        ref: EntryRef,
        index: int,
        kind: RegKind,
        ctx: SectionContext,
        install: InstallSection | None,
    ) -> None:
        acc_ref = self.reference(ref, index, "registry", ctx, install)
        name = acc_ref.args["name"]
        target = acc_ref.args["target"]
        key = (kind, fold(name))
        acc = self.regs.get(key)
        if acc is None:
            acc = _Acc({"kind": kind, "name": name, "section": target})
            self.regs[key] = acc
        acc.contexts[ctx] = None
        acc.references[id(acc_ref)] = acc_ref
        acc.add_install(install)
        if isinstance(target, LogicalSection):
            self.mark(target, ctx, "registry")

    def file_lists(
        self,
        ref: EntryRef,
        kind: ListKind,
        ctx: SectionContext,
        install: InstallSection | None,
    ) -> None:
        """Record every field of a CopyFiles/DelFiles/RenFiles directive: a reference per
        field (kind ``file_list``, or ``copy_file`` for ``CopyFiles=@file``) and the list
        (or ``@file`` copy) it names.

        A line may name hundreds of thousands of lists, so the work is per line where it
        can be: the fields' :class:`Reference` objects are made on the line's first walk in
        a context, and a later walk (from another install section) only adds its install
        to the line's :class:`_LineRefs`, which every field of the line shares. A list
        that one reference names is that reference until a second one names it (then a
        :class:`_ListAcc` collects them, in :attr:`shared` for each of its references).
        """
        line_key = (id(ref), -1, ctx)
        line = self.refs.get(line_key)
        shared = self.shared
        if line is not None:
            assert isinstance(line, _LineRefs)
            if install is not None:
                line.installs[id(install)] = install
            if shared:
                for r in line.refs:
                    acc = shared.get(id(r))
                    if acc is not None:
                        acc.add(r, install)
            return
        ref_line = _new_ref_line(ref, "file_list", ctx, (), False)
        line = _LineRefs(ref_line)
        self.refs[line_key] = line
        if install is not None:
            line.installs[id(install)] = install
        line_refs = line.refs
        lists = self.lists
        letter = _KIND_LETTER[kind]
        expand = self.expand
        get_section = self.map.get
        mark = self.mark
        external: bool | None = None
        new_reference = _new_reference
        new_file_list = _new_file_list
        for index, value in enumerate(ref.values):
            if not value:
                continue
            if value[0] == "@":  # (value.startswith("@"), without the call)
                name = value[1:].strip()
                key = letter + "@" + fold(name)
                copy_line = line.copy_line
                if copy_line is None:
                    copy_line = line.copy_line = _new_ref_line(ref, "copy_file", ctx, (), False)
                r = new_reference(copy_line, index, name, name, None)
            else:
                if "%" in value:
                    name, uniform = expand(value)
                else:
                    name, uniform = value, True
                folded = fold(name)
                key = letter + folded
                target = get_section(folded)
                if target is None:
                    if external is None:
                        external = ref.section.first("Include") is not None
                        if external:
                            _set_line_external(ref_line, True)
                    if name is value and uniform:
                        found = lists.get(key)
                        if found is None:
                            # A plain name of a list the file lacks, named for the first
                            # time: no Reference (plain_reference makes it when asked);
                            # the list itself stands for it, its info set when the graph
                            # is frozen (a line may name hundreds of thousands).
                            lists[key] = new_file_list(ref_line, _NO_INFO, index)
                            continue
                else:
                    mark(target, ctx, "file-list")
                r = new_reference(ref_line, index, value, name, target, uniform)
            line_refs.append(r)
            found = lists.get(key)
            if found is None:
                lists[key] = r
            elif isinstance(found, FileList):  # a second reference names a plain list
                plain_line = found.references[0].line
                first = plain_reference(plain_line, found._index)
                first_refs = self.refs[(id(plain_line.entry), -1, plain_line.context)]
                assert isinstance(first_refs, _LineRefs)
                first_refs.refs.append(first)  # (out of field order: sorted when frozen)
                acc = lists[key] = _ListAcc(kind, first, first_refs.installs)
                acc.add(r, install)
                shared[id(first)] = shared[id(r)] = acc
            elif isinstance(found, _ListAcc):
                found.add(r, install)
                shared[id(r)] = found
            else:  # a second reference names the list
                first_line = self.refs[(id(found.entry), -1, found.context)]
                assert isinstance(first_line, _LineRefs)
                acc = lists[key] = _ListAcc(kind, found, first_line.installs)
                acc.add(r, install)
                shared[id(found)] = shared[id(r)] = acc

    def add_service(self, ref: EntryRef, install: InstallSection | None) -> None:
        acc = self.services.get(id(ref))
        values = ref.values
        if acc is None:
            raw_name = ref.value(0)
            name, _ = self.expand(raw_name)
            expansion: Expansion = self.strings.expand_all(raw_name)
            flags_text = ref.value(1)
            section_name, _ = self.expand(ref.value(2))
            evt_name, _ = self.expand(ref.value(3))
            log_raw, _ = self.expand(ref.value(4))
            log_type = _LOG_TYPES.get(fold(log_raw.strip()), log_raw.strip()) or "System"
            event, _ = self.expand(ref.value(5))
            event = event or name
            acc = _Acc(
                {
                    "entry": ref,
                    "name": name,
                    "name_expansion": expansion,
                    "flags_text": flags_text,
                    "flags": parse_flags(flags_text),
                    "section_name": section_name,
                    "section": self.lookup(section_name) if section_name else None,
                    "eventlog_section_name": evt_name,
                    "eventlog_section": self.lookup(evt_name) if evt_name else None,
                    "log_type": log_type,
                    "event_name": event,
                }
            )
            self.services[id(ref)] = acc
        acc.add_install(install)
        args = acc.args
        if len(values) > 2 and values[2]:
            ctx = SectionContext.service_key(args["name"])
            self.follow(ref, 2, "service_install", ctx, install, "service-install", True)
        if len(values) > 3 and values[3]:
            ctx = SectionContext.eventlog_key(args["log_type"], args["event_name"])
            self.follow(ref, 3, "eventlog_install", ctx, install, "eventlog-install", True)

    def wdf_service(self, ref: EntryRef, install: InstallSection | None) -> None:
        acc = self.wdf.get(id(ref))
        if acc is None:
            name, _ = self.expand(ref.value(0))
            section_name, _ = self.expand(ref.value(1))
            kind = ref.key
            assert kind is not None  # a WDF directive's own entry, which has a key
            acc = _Acc(
                {
                    "entry": ref,
                    "kind": kind,
                    "name": name,
                    "section_name": section_name,
                    "section": self.lookup(section_name) if section_name else None,
                }
            )
            self.wdf[id(ref)] = acc
        acc.add_install(install)

    # --- freezing ----------------------------------------------------------------------

    def freeze(self, installs: list[InstallSection], archs: frozenset[str], source: str) -> Graph:
        refs: dict[int, Reference] = {}
        #: The references kept (all but the plain fields of file-list lines: see
        #: plain_reference), and the items of the model's References.
        references: list[Reference] = []
        items: list[Reference | tuple[RefLine, dict[int, Reference]]] = []
        count = 0
        shared = self.shared
        set_installs = _set_line_installs
        # The references of one entry, kind, context and installs share one RefLine.
        ref_lines: dict[
            tuple[int, RefKind, SectionContext, tuple[InstallSection, ...], bool], RefLine
        ] = {}
        for acc in self.refs.values():
            if isinstance(acc, _LineRefs):
                line_installs = tuple(acc.installs.values())
                set_installs(acc.line, line_installs)
                if acc.copy_line is not None:
                    set_installs(acc.copy_line, line_installs)
                # The line has the references of its fields but the plain names of lists
                # named once (made when read, see plain_reference), in field order but
                # for those of such lists named again (added then). Which are kept:
                # _plain, inlined (a line may name hundreds of thousands of lists; the
                # line's references of kind file_list are those of acc.line).
                file_line = acc.line
                line_refs = acc.refs
                if any(a.index > b.index for a, b in pairwise(line_refs)):
                    line_refs.sort(key=_field_index)
                kept = {
                    r.index: r
                    for r in line_refs
                    if r.target is not None
                    or r.raw_name is not r.name
                    or not r.uniform
                    or r._line is not file_line
                    or id(r) in shared
                }
                fields = sum(1 for value in file_line.entry.values if value)
                count += fields
                if len(kept) == fields:
                    items += line_refs
                    references += line_refs
                else:
                    items.append((acc.line, kept))
                    references += kept.values()
                # The plain references are no longer needed here: each is dropped once
                # its list is made, below (issue 18: a line naming hundreds of thousands
                # of lists kept them all while their lists were made).
                acc.refs = []
                continue
            a = acc.args
            entry, kind, context, external = a["entry"], a["kind"], a["context"], a["external"]
            acc_installs = tuple(acc.installs.values())
            line_key = (id(entry), kind, context, acc_installs, external)
            ref_line = ref_lines.get(line_key)
            if ref_line is None:
                ref_line = ref_lines[line_key] = _new_ref_line(
                    entry, kind, context, acc_installs, external
                )
            refs[id(acc)] = reference = _new_reference(
                ref_line, a["index"], a["raw_name"], a["name"], a["target"], a["uniform"]
            )
            references.append(reference)
            items.append(reference)
            count += 1

        def frozen(accs: dict[int, _Acc[_RefArgs]]) -> tuple[Reference, ...]:
            return tuple(refs[key] for key in accs)

        reg_sections: list[RegSection] = []
        # Which directives name each section (AddReg and DelReg may name the same one).
        directives: dict[str, set[RegKind]] = {}
        for reg_kind, folded in self.regs:
            directives.setdefault(folded, set()).add(reg_kind)
        for (_, folded), reg_acc in self.regs.items():
            section = reg_acc.args["section"]
            lines: tuple[RegLine, ...] = ()
            if isinstance(section, LogicalSection):
                lines = _reg_lines(section, self.strings)
                self.reached.add(section.folded)
            security = self.security(str(reg_acc.args["name"]))
            reg_sections.append(
                RegSection(
                    reg_acc.args["kind"],
                    reg_acc.args["name"],
                    section,
                    frozenset(reg_acc.contexts),
                    frozen(reg_acc.references),
                    reg_acc.frozen_installs(),
                    security,
                    lines,
                    frozenset(directives[folded]),
                )
            )
        file_lists: list[FileList] = []
        resolve = self.destinations.resolve
        # Most names have no "<name>.security" section: look one up only when the file has
        # a section whose name ends so.
        securities = any(folded.endswith(".security") for folded in self.map)
        explicit = self.destinations.explicit_folded
        default = resolve(None)
        new_file_list = _new_file_list
        # The info of the lists named once, without files, .security section or own
        # destination entry (most of those of a line naming thousands): one per kind.
        shared_infos: dict[tuple[ListKind, int], ListInfo] = {}
        # Whether a list may have a [DestinationDirs] entry of its own (looked up by its
        # folded name only then) and a .security section (then every list takes the
        # general path below).
        own_entries = self.destinations.has_explicit
        # The lists are taken out of the builder's index as they are made, last first
        # (then put back in order): each name's key and reference are dropped once its
        # list is made, instead of all of them living beside all the lists (issue 18: a
        # line naming hundreds of thousands of lists peaked here).
        lists = self.lists
        while lists:
            key, found = lists.popitem()
            if isinstance(found, FileList):
                # A plain name of a list the file lacks, named once (see file_lists): its
                # info, as the general path below makes it for such a list.
                kind = _LETTER_KIND[key[0]]
                own = explicit(key[1:]) if own_entries else None
                destination = default if own is None else own
                security = self.security(found.entry.values[found._index]) if securities else None
                if security is not None:
                    file_lists.append(
                        new_file_list(
                            plain_reference(found.references[0].line, found._index),
                            ListInfo(kind, destination, security, ()),
                        )
                    )
                    continue
                info_key = (kind, id(destination))
                found_info = shared_infos.get(info_key)
                if found_info is None:
                    found_info = shared_infos[info_key] = ListInfo(kind, destination, None, ())
                _set_list_info(found, found_info)
                file_lists.append(found)
                continue
            kind, folded = _LETTER_KIND[key[0]], key[1:]
            if isinstance(found, Reference):
                name, section = found.name, found.target
                file = name if found.kind == "copy_file" else None
                list_refs: Reference | tuple[Reference, ...] = found
                list_installs = found.installs
            else:
                name, section, file = found.name, found.section, found.file
                list_refs = tuple(found.refs.values())
                list_installs = tuple(found.installs.values())
            if file is not None:
                files: tuple[FileCopy, ...] = (FileCopy(file, file, None, "", self.sources),)
                destination = default
                security = None
            else:
                files = (
                    read_files(kind, section, self.sources)
                    if isinstance(section, LogicalSection)
                    else ()
                )
                own = explicit(folded)
                destination = default if own is None else own
                security = self.security(name) if securities else None
            if type(list_refs) is not Reference:
                info = ListInfo(
                    kind, destination, security, files, name, section, file, list_installs
                )
            elif files or security is not None:
                info = ListInfo(kind, destination, security, files)
            else:
                info_key = (kind, id(destination))
                found_info = shared_infos.get(info_key)
                if found_info is None:
                    found_info = shared_infos[info_key] = ListInfo(kind, destination, None, ())
                info = found_info
                if _plain(list_refs):
                    # the Reference is not kept: the list says where its name is
                    file_lists.append(new_file_list(list_refs.line, info, list_refs.index))
                    continue
            file_lists.append(new_file_list(list_refs, info))
        self.lists = {}  # (its emptied table)
        file_lists.reverse()
        services = tuple(
            ServiceInstall(**acc.args, installs=acc.frozen_installs())
            for acc in self.services.values()
        )
        for svc in services:
            for section in (svc.section, svc.eventlog_section):
                if section is not None:
                    self.reached.add(section.folded)
        wdf = tuple(
            WdfService(**acc.args, installs=acc.frozen_installs()) for acc in self.wdf.values()
        )
        includes = tuple(
            IncludeDirective(**acc.args, installs=acc.frozen_installs())
            for acc in self.includes.values()
        )
        file_refs = [
            FileReference(**acc.args, contexts=frozenset(acc.contexts))
            for acc in self.file_refs.values()
        ]
        file_refs.extend(self.registry_file_refs(reg_sections))
        for ref in references:
            if ref.target is not None:
                self.reached.add(ref.target.folded)
        for install in installs:
            if install.section is not None:
                self.reached.add(install.section.folded)
            self.reached.update(s.folded for s in install.suffixes.values())
        return Graph(
            tuple(installs),
            References(items, count),
            tuple(file_lists),
            services,
            wdf,
            tuple(reg_sections),
            tuple(file_refs),
            includes,
            MappingProxyType(_shared_sets(self.contexts)),
            MappingProxyType(_shared_sets(self.roles)),
            frozenset(self.reached),
            archs,
            source,
        )

    def security(self, name: str) -> LogicalSection | None:
        found = self.lookup(name + ".security")
        if found is not None:
            self.reached.add(found.folded)
        return found

    def registry_file_refs(self, reg_sections: list[RegSection]) -> list[FileReference]:
        out: list[FileReference] = []
        seen: set[tuple[int, int]] = set()
        contexts: dict[int, dict[SectionContext, None]] = {}
        for reg in reg_sections:
            if reg.section is not None:
                contexts.setdefault(id(reg.section), {}).update(dict.fromkeys(reg.contexts))
        for reg in reg_sections:
            if reg.kind is not RegKind.ADD or reg.section is None:
                continue
            ctxs = frozenset(contexts[id(reg.section)])
            for line in reg.lines:
                # No "\\" and no "%" in any data field: no string value can name a path.
                joined = "".join(line.data)
                if "\\" not in joined and "%" not in joined:
                    continue
                for index, text in line.string_values:
                    if "\\" not in text and "%" not in text:
                        continue
                    key = (id(line.ref), index)
                    if key in seen:
                        continue
                    expanded, paths = find_paths(text, self.strings)
                    if not paths:
                        continue
                    seen.add(key)
                    uniform = not self.strings.localized or self.expand(text)[1]
                    out.append(
                        FileReference(
                            line.ref,
                            index,
                            FileRefKind.REGISTRY_VALUE,
                            text,
                            expanded,
                            paths,
                            ctxs,
                            "registry",
                            uniform,
                            line,
                        )
                    )
        return out


_new_reference = fast_constructor(Reference)
_new_ref_line = fast_constructor(RefLine)
#: Sets the installs of a file-list line, made before its walks were all done (a slot of
#: the frozen class, set once, while the graph is frozen), and whether its section has an
#: ``Include`` (looked up only when the line names a missing list).
_set_line_installs: Callable[[RefLine, tuple[InstallSection, ...]], None] = slot_setter(
    RefLine, "installs"
)
_set_line_external: Callable[[RefLine, bool], None] = slot_setter(RefLine, "external")
_new_file_list = fast_constructor(FileList)
#: Sets the info of a plain list (made by the walk, before its info is known).
_set_list_info: Callable[[FileList, ListInfo], None] = slot_setter(FileList, "_info")
#: The info of a plain list until the graph is frozen (never read).
_NO_INFO: Any = None


def _field_index(ref: Reference) -> int:
    return ref.index


#: The first letter of each kind of list (the keys of ``_Builder.lists``), and back.
_KIND_LETTER: dict[ListKind, str] = {kind: kind.value[0] for kind in ListKind}
_LETTER_KIND: dict[str, ListKind] = {letter: kind for kind, letter in _KIND_LETTER.items()}
assert len(_LETTER_KIND) == len(ListKind)


def _plain(ref: Reference) -> bool:
    """Whether :func:`~.reach.plain_reference` makes ``ref`` again (a plain name of a
    list the file lacks, on a CopyFiles/DelFiles/RenFiles line)."""
    return (
        ref.target is None
        and ref.raw_name is ref.name
        and ref.uniform
        and ref.line.kind == "file_list"
    )


def _reg_lines(section: LogicalSection, strings: StringTable) -> tuple[RegLine, ...]:
    """The registry lines of a section (keyed and empty entries left out)."""
    lines = [parse_reg_line(ref, strings) for ref in section.entries if ref.key is None]
    return tuple([line for line in lines if line is not None])


def _shared_sets(by_key: Mapping[str, Mapping[_T, None]]) -> dict[str, frozenset[_T]]:
    """``{key: frozenset(values)}``, equal sets one object: most sections are reached in
    the same one or two contexts and roles (issue 18: a frozenset is 216 bytes, two of
    them per section were a third of a file of thousands of small lists)."""
    canon: dict[frozenset[_T], frozenset[_T]] = {}
    share = canon.setdefault
    out: dict[str, frozenset[_T]] = {}
    for key, values in by_key.items():
        made = frozenset(values)
        out[key] = share(made, made)
    return out


def build_graph(
    sections: tuple[LogicalSection, ...],
    section_map: Mapping[str, LogicalSection],
    strings: StringTable,
    manufacturers: tuple[Manufacturer, ...],
    destinations: DestinationDirs,
    sources: SourceIndex,
) -> Graph:
    """Walk the file from its roots and collect the graph."""
    builder = _Builder(sections, section_map, strings, manufacturers, destinations, sources)
    installs, archs, source = builder.roots()
    for install in installs:
        builder.walk_install(install)
    builder.walk_other_roots()
    return builder.freeze(installs, archs, source)
