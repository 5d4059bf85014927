"""The migration plan shared by the file-placement rules (ISO001, ISO002, ISO003, ISO006,
ISO012): which file lists can run from the driver store (DIRID 13), why the others cannot,
and the edits that move a list together with **every** reference to its files.

One plan per round, computed once and shared: ``ctx.analysis(DriverStorePlans)``. A list moves
only as a whole, and only when every file in it can move:

* its source is known (a SourceDisksFiles entry), with one package folder (the
  SourceDisksNames path joined with the SourceDisksFiles subdir) on every architecture
  that installs the list (:mod:`._arch`); when the folders differ by architecture, the
  list is split by architecture (:mod:`._arch_split`) instead;
* it is not renamed (DIRID 13 runs files under their source name, InfVerif 1100);
* no DelFiles or RenFiles names it (1102); a ``<list>.security`` section (1101) does not
  block it, but makes the move an unsafe fix that drops the section (:attr:`ListPlan.unsafe`:
  the driver store's access rights then apply to the files instead of the INF's);
* it is not copied to another place as well;
* no registry value loads it by bare name (a co-installer, a property page DLL), which
  would stop finding it once it leaves System32 (values the OS resolves itself, such as
  the audio ``HKR,,Driver,,x.sys``, do not count: ``_fixed_place.OS_RESOLVED``);
* no path to it comes out of a ``[Strings]`` value (the rewrite would change every locale's
  string, a decision left to the author);
* no path to it is kernel-style: relative to the Windows directory (``System32\\drivers\\x.sys``,
  how the kernel reads a service ``ImagePath`` that does not start with ``\\``) or under its
  NT name (``\\SystemRoot\\System32\\...``). ``%13%`` expands to a drive-letter path, which is
  not that form: the service must be installed with AddService, whose
  ``ServiceBinary = %13%\\x.sys`` SetupAPI itself writes as the ``ImagePath``
  ("INF AddService Directive", "Run from Driver Store").
* its consumer does not look for it in a fixed place (a colour profile, a CNG or Winsock
  provider, a print monitor...: the table of ``_fixed_place``).

Every spelling of the Windows directory counts as a path (``%11%``, ``%10%\\System32``,
``%SystemRoot%``, ``%%SystemRoot%%``, ``%windir%``, ``%%windir%%``, ``C:\\Windows``,
``\\SystemRoot``, a bare ``System32\\``: see :mod:`infmigrate.engine.model.paths`), in every field,
including paths that a ``%strkey%`` of the line brings in.

When a list moves, its ``[DestinationDirs]`` entry becomes ``13[,subdir]`` (subdir = the
files' SourceDisksFiles subdir; a list whose files come from several subdirs is split into
one list per subdir), and every path that names one of its files at the old place, in any
field of any line (ServiceBinary, registry values, ...), is rewritten to ``%13%\\subdir\\file``
(the file name as that path writes it; the quoting, flags and value type of the line stay).

**A destination is rewritten only with everything that uses it.** Which lists a
``[DestinationDirs]`` entry governs is read from every CopyFiles, DelFiles and RenFiles
directive of the file, in reached sections or not (a section the model does not reach may
still be installed: by another INF's Include/Needs, a setup application, an INX built for
another architecture). So:

* ``DefaultDestDir`` becomes 13 only when every list it governs (each list named with no
  entry of its own, and each ``CopyFiles=@file``) is a CopyFiles list that moves whole to
  the package root, every directive's list name resolves, and at least one such list
  moves (a ``DefaultDestDir`` no list uses is left alone: changing it moves nothing, and
  could move what a class installer or another INF's ``Needs`` copies through it).
  Otherwise it stays, and each list that moves gets its own ``13`` entry: the expert's
  choice is to leave the unmoved lists (a DelFiles/RenFiles list, an ``@file``, a list
  that cannot move) exactly as they were, rather than pin each of them to the old place
  with a new entry (a smaller diff, and no entry that must be kept in step later).
* A list's own entry is rewritten only when no DelFiles or RenFiles directive names the
  same list (that entry governs both).

**Flags DIRID 13 rejects (InfVerif 1103).** See :data:`REJECTED_FLAGS`: a file that moves
loses those bits of its CopyFiles flags, in the same fix (the other bits are kept, written
in the original notation; a flags field that becomes 0 is removed with the empty fields
before it). A flags field that is not a number blocks the move.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, repeat
from types import MappingProxyType
from typing import Any, cast

from infmigrate.engine.analysis import Analysis
from infmigrate.engine.edits import append_lines, make_entry, make_section, quote, quote_field
from infmigrate.engine.fields import (
    insert_fields_at,
    new_fields,
    remove_fields,
    replace_fields,
    spacing_after_commas,
    with_fields,
)
from infmigrate.engine.fixer import Applicability, Edit, Fix, FixContext, Fixer
from infmigrate.engine.floors import Floor
from infmigrate.engine.model import InfModel
from infmigrate.engine.model.decorations import ARCH_PLACEHOLDER, ModelsSection, placeholders
from infmigrate.engine.model.files import Destination, FileCopy, FileList, ListInfo, ListKind
from infmigrate.engine.model.numbers import parse_int
from infmigrate.engine.model.paths import PathRef, find_paths
from infmigrate.engine.model.ranges import BuildRange
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.registry import RegKind
from infmigrate.engine.model.sections import EntryRef, fold
from infmigrate.engine.syntax import Entry, Field, Line, TriviaLine
from infmigrate.rules.placement._arch import (
    Folder,
    norm_folder,
    package_folder,
    reaching_architectures,
)
from infmigrate.rules.placement._branch import decorate_all
from infmigrate.rules.placement._copies import ReachingInstalls, installs_of
from infmigrate.rules.placement._fixed_place import Consumer, FixedPlaces, os_resolved, recognize
from infmigrate.rules.placement._floors import NEW, OLD, InstallBuilds, floor_text
from infmigrate.rules.placement._messages import SHOWN_NAMES, names_of

__all__ = [
    "REJECTED_FLAGS",
    "SHOWN_BLOCKERS",
    "DriverStorePlans",
    "ListPlan",
    "PathUse",
    "Plans",
    "without_rejected_flags",
]

#: DIRIDs that are System32 (11) and System32\drivers (12).
LEGACY = (11, 12)
DRIVER_STORE = 13
#: CopyFiles flags that InfVerif rejects on a file copied to DIRID 13 (error 1103, "flag
#: not allowed with a DIRID"), by value, with what they are. Sources:
#:
#: * 0x4000 COPYFLG_IN_USE_RENAME: InfVerif 1103 rejects it with 13, as on
#:   Windows-driver-samples' ``general/echo/umdf2/driver/*/wdfsimpleum.inx``
#:   (``WdfSimpleUm.dll,,,0x00004000``) before its fix; it asks SetupAPI to rename a
#:   file in use in place and replace it at reboot, which the driver store never needs: a
#:   new package version installs to a new directory ("Run From Driver Store",
#:   https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store;
#:   the flag's own page, "Avoiding reboot when updating a UMDF driver", is about UMDF
#:   binaries in System32\\drivers\\UMDF).
#:
#: Microsoft documents no other flag as rejected: InfVerif's error table gives 1103 only
#: as "flag not allowed with a DIRID" (https://learn.microsoft.com/windows-hardware/drivers/
#: devtest/inf-validation-errors-and-warnings), and the INF CopyFiles directive page lists
#: the COPYFLG values without a DIRID restriction. 0x2 COPYFLG_NOSKIP is accepted with 13
#: (the netvmini680 sample uses it). Other flags are kept.
REJECTED_FLAGS: dict[int, str] = {0x4000: "COPYFLG_IN_USE_RENAME"}
_REJECTED_MASK = 0
for _flag in REJECTED_FLAGS:
    _REJECTED_MASK |= _flag
#: Directives that name file lists.
_LIST_DIRECTIVES = {"copyfiles": ListKind.COPY, "delfiles": ListKind.DEL, "renfiles": ListKind.REN}
#: A file-name-like token in a registry value (what a bare-name load would name): a run
#: between separators, so that build-template names (``x#WDF_VERSION#.dll``) stay whole.
_NAME_TOKEN = re.compile(r"[^\s,;\"'\\/:%=()]+")
#: Sections whose values name files without being references to installed files.
_NOT_REFERENCES = ("sourcedisksfiles", "sourcedisksnames", "destinationdirs", "strings")
#: Path forms that only a kernel-style reader (a service's ImagePath) takes: relative to the
#: Windows directory (``System32\\drivers\\x.sys``) or under its NT name (``\\SystemRoot``).
#: They cannot become ``%13%\\...``, which SetupAPI expands to a drive-letter path.
_NT_FORMS = ("nt", "rel")


def _norm_dir(path: str) -> str:
    return path.strip().strip("\\").casefold()


#: Where a list puts its files: (DIRID, folded subdir).
_Place = tuple[int | None, str]


def _place(fl: FileList) -> _Place:
    return fl.destination.dirid, _norm_dir(fl.destination.subdir)


#: Of a list: the architectures its installs are used on, and their Windows builds.
_Profile = tuple[frozenset[str], BuildRange]
#: Lists copying one file name up to which :meth:`_Planner._elsewhere` weighs them again
#: for each copy rather than keep the answer.
_FEW_LISTS = 8


def _meet(mine: _Profile, theirs: _Profile) -> bool:
    """Whether lists of these :meth:`Plans._profile` can be installed on one system: an
    architecture in common and a Windows version in common (a list of a branch for newer
    Windows and one of the branch kept for older Windows never are)."""
    (archs, a), (their_archs, b) = mine, theirs
    if archs and their_archs and not archs & their_archs:
        return False
    if a.empty or b.empty:
        return True
    return any(
        (h2 is None or l1 < h2) and (h1 is None or l2 < h1)
        for l1, h1 in a.intervals
        for l2, h2 in b.intervals
    )


def _place_text(dest: Destination) -> str:
    """``DIRID 12`` or ``DIRID 13\\sub``, as the destination is written."""
    sub = dest.subdir.strip("\\")
    return f"DIRID {dest.dirid}\\{sub}" if sub else f"DIRID {dest.dirid}"


def _join(subdir: str, name: str) -> str:
    return f"{subdir.strip(chr(92))}\\{name}" if subdir.strip("\\") else name


@dataclass(frozen=True, slots=True)
class PathUse:
    """A path in some field that names a file of a planned list at its old place."""

    ref: EntryRef
    field: int
    start: int
    end: int
    copy: FileCopy
    from_strings: bool


@dataclass(frozen=True, slots=True)
class _Directive:
    """One list (or ``@file``) named by a CopyFiles/DelFiles/RenFiles directive, in any
    section of the file, reached or not."""

    kind: ListKind
    #: The list name (or, for ``@file``, the file name), expanded.
    name: str
    at_file: bool
    ref: EntryRef
    #: Whether the name expands to one text, with every ``%token%`` defined.
    resolved: bool


@dataclass(frozen=True, slots=True)
class _DirectiveLine:
    """A CopyFiles, DelFiles or RenFiles directive, in any section of the file, reached or
    not: the lists it names, in field order. A name written as is (nothing to expand, not
    ``@file``: most of them) is kept as that text, what :class:`_Directive` would say with
    ``at_file`` false and ``resolved`` true; the other fields as their :class:`_Directive`.
    A line may name hundreds of thousands of lists."""

    kind: ListKind
    ref: EntryRef
    fields: list[str | _Directive]

    def directives(self) -> Iterator[_Directive]:
        """Every field as a :class:`_Directive`."""
        for f in self.fields:
            yield _Directive(self.kind, f, False, self.ref, True) if isinstance(f, str) else f


def without_rejected_flags(flags: str) -> str | None:
    """The flags field without the bits DIRID 13 rejects (:data:`REJECTED_FLAGS`), in the
    original notation (``0x00004002`` -> ``0x00000002``, ``16386`` -> ``2``); "" when
    nothing is left; ``None`` when the field is not a number."""
    text = flags.strip()
    if not text:
        return ""
    value = parse_int(text)
    if value is None:
        return None
    if not value & _REJECTED_MASK:
        return flags
    rest = value & ~_REJECTED_MASK
    if not rest:
        return ""
    if text[:2] in ("0x", "0X"):
        digits = text[2:]
        out = f"{rest:0{len(digits)}x}"
        if any(c.isupper() for c in digits if c.isalpha()):
            out = out.upper()
        return text[:2] + out
    return str(rest)


@dataclass
class ArchGroup:
    """Architectures on which every file of a list comes from the same folder."""

    arches: tuple[str, ...]
    #: The folder of each file (by index) on these architectures, as written.
    subdirs: dict[int, str]

    @property
    def folder(self) -> str:
        """The folder of the group's files (one per group: see ``_arch_groups``)."""
        return next(iter(self.subdirs.values()), "")


@dataclass(slots=True)
class ListPlan:
    """What happens to one CopyFiles list (or ``@file`` copy)."""

    file_list: FileList
    #: Why it cannot move ("" entries never); empty when it can.
    blocked: list[str] = field(default_factory=list)
    #: The subdir each file runs from once in the driver store.
    subdirs: dict[int, str] = field(default_factory=dict)
    #: Paths naming its files at their current place.
    uses: list[PathUse] = field(default_factory=list)
    #: The edits that move it (with every reference); empty when blocked or nothing to do.
    edits: list[Edit] = field(default_factory=list)
    #: Flags the move drops (``COPYFLG_IN_USE_RENAME (0x4000)``), with the files that had them.
    dropped_flags: dict[str, list[str]] = field(default_factory=dict)
    #: Files (by index) whose consumer looks for them in a fixed place.
    fixed: dict[int, Consumer] = field(default_factory=dict)
    #: When the files come from different folders on the architectures that install the
    #: list: one group per folder layout, the one that keeps the list's name first (its
    #: subdirs are :attr:`subdirs`); empty otherwise (see :mod:`._arch_split`).
    arch_groups: list[ArchGroup] = field(default_factory=list)
    #: Where the install sections reaching it stand against the floor of what the move
    #: puts in them (:mod:`._floors`): ``move`` (all at or above it), ``old`` (all below
    #: it: a branch kept for older Windows, left alone), ``decorate`` (some straddle it and
    #: the target is at or above it: their Models sections are restricted to it in the
    #: same fix), ``branch`` (a downlevel branch: :mod:`._build_split`).
    build_case: str = "move"
    #: The floor that decides it (the highest floor of the reaching install sections).
    floor: Floor | None = None
    #: The decorate edits (``decorate``).
    decorate_edits: list[Edit] = field(default_factory=list)
    #: Sections a downlevel branch adds (``branch``, once planned).
    branch_sections: int = 0
    #: What the fix does about the floor, for messages ("" for a plain move).
    build_note: str = ""
    #: What makes the move an unsafe fix (a ``.security`` section it drops), for messages;
    #: empty when the move is safe.
    unsafe: list[str] = field(default_factory=list)
    #: Edits that go with the move and make it unsafe (deleting the ``.security`` section).
    drops: list[Edit] = field(default_factory=list)

    @property
    def applicability(self) -> Applicability:
        """Unsafe when the move drops something the package set (:attr:`unsafe`)."""
        return Applicability.UNSAFE if self.unsafe else Applicability.SAFE

    @property
    def destination(self) -> Destination:
        return self.file_list.destination

    @property
    def movable(self) -> bool:
        return not self.blocked

    @property
    def groups(self) -> dict[str, list[FileCopy]]:
        """Files by the subdir they run from, in file order (the first group keeps the
        list's name when the list is split)."""
        out: dict[str, list[FileCopy]] = {}
        for i, copy in enumerate(self.file_list.files):
            out.setdefault(self.subdirs.get(i, ""), []).append(copy)
        return out

    def reason(self) -> str:
        """The reasons it cannot move, for messages."""
        blocked = self.blocked
        if len(blocked) == 1:
            return blocked[0]
        return "; ".join(dict.fromkeys(blocked))


#: The empty containers of every :func:`_plan_without_files` plan, shared and read-only
#: (a tuple, a read-only mapping: a write to one would fail loudly, not change them all).
_NO_ITEMS: Any = ()
_NO_MAP: Any = MappingProxyType({})


#: The one reason of a plan whose list has a section without files (shared).
_NO_FILES: Any = ("the list has no files",)


class _MissingSection(Sequence[str]):
    """The reasons of a plan whose list's section does not exist, ``[f"section [{name}]
    does not exist"]``, made when read: a line may name hundreds of thousands of such
    lists, and the text and its list cost 11 times its name on the line (issue 18)."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __len__(self) -> int:
        return 1

    def __getitem__(self, index: Any) -> Any:
        return [f"section [{self._name}] does not exist"][index]


class _LightPlan:
    """What the light plans (:class:`_PlanWithoutFiles`, :class:`MissingPlan`) share:
    every field of a :class:`ListPlan` but the list and its reasons is the class's own,
    empty and read-only."""

    __slots__ = ()

    # the empty containers and values of a plan that nothing changes after planning (an
    # assignment to one fails: the class has no slot for it)
    subdirs = dropped_flags = fixed = _NO_MAP
    uses = edits = arch_groups = decorate_edits = unsafe = drops = _NO_ITEMS
    build_case, floor, branch_sections, build_note = "move", None, 0, ""
    # what ListPlan works out from its fields, read from these
    applicability = ListPlan.applicability
    destination = ListPlan.destination
    movable = ListPlan.movable
    groups = ListPlan.groups
    reason = ListPlan.reason


class _PlanWithoutFiles(_LightPlan):
    """A :class:`ListPlan` of a list without files (:func:`_plan_without_files`): its list
    and its one reason; every other field is the class's own, empty and read-only. A line
    may name hundreds of thousands of lists that do not exist, and a full plan for each
    (16 slots) cost twice that line's size in the plans (issue 18)."""

    __slots__ = ("blocked", "file_list")

    def __init__(self, fl: FileList, blocked: Sequence[str]) -> None:
        self.file_list = fl
        self.blocked = blocked


class MissingPlan(_LightPlan):
    """The plan of a :attr:`~.files.FileList.plain` list (one the file lacks, named once by
    a plain name) without a ``[DestinationDirs]`` entry of its own: one slot, its list;
    its one reason, ``section [<name>] does not exist``, is made when read. A line may
    name hundreds of thousands of them: the rules tell these plans apart by their type
    and handle them without reading their fields one by one (issue 18)."""

    __slots__ = ("file_list",)

    def __init__(self, fl: FileList) -> None:
        self.file_list = fl

    @property
    def blocked(self) -> Sequence[str]:
        return _MissingSection(self.file_list.name)


def _plan_without_files(fl: FileList) -> ListPlan:
    """The plan of a list without files and without a ``[DestinationDirs]`` entry or a
    ``.security`` section of its own: blocked because its section is missing (or empty),
    nothing else applies. A line may name hundreds of thousands of lists that do not exist:
    such a plan is one small object (a :class:`MissingPlan` for a
    :attr:`~.files.FileList.plain` list, else a :class:`_PlanWithoutFiles`, read as a
    :class:`ListPlan`) and its one reason, made when read (nothing changes a blocked plan
    after planning)."""
    if fl.plain:
        return cast(ListPlan, MissingPlan(fl))
    blocked = _NO_FILES if fl.section is not None else _MissingSection(fl.name)
    plan: Any = _PlanWithoutFiles(fl, blocked)
    return cast(ListPlan, plan)


@dataclass
class Plans:
    """The plan of every CopyFiles list that is not yet where it should be."""

    #: Lists copied to DIRID 11 or 12 (explicit entry, DefaultDestDir or the fallback).
    legacy: list[ListPlan] = field(default_factory=list)
    #: Lists already in DIRID 13 whose subdir does not match their sources.
    subdir_mismatch: list[ListPlan] = field(default_factory=list)
    #: The DefaultDestDir fix (DIRID 11/12 -> 13), when it can be made, and why not (the
    #: first :data:`SHOWN_BLOCKERS` distinct reasons, then how many more there are).
    default_edits: list[Edit] = field(default_factory=list)
    default_blocked: str = ""
    #: Lists in DIRID 11/12 reached only from install sections selected below the floor
    #: (a branch kept for older Windows): left as they are, not reported.
    old_branch: list[ListPlan] = field(default_factory=list)
    #: DefaultDestDir (11/12) serves only lists of a branch kept for older Windows: right
    #: as it is, not reported.
    default_old_only: bool = False

    @cached_property
    def legacy_full(self) -> list[ListPlan]:
        """The plans of :attr:`legacy` but its :class:`MissingPlan` ones (lists named once
        by a plain name that do not exist: no files, no paths naming them, blocked), for
        the rules that have nothing to say of those (a line may name hundreds of
        thousands); built on first use."""
        missing: Any = MissingPlan  # (plans are read as ListPlans)
        return [p for p in self.legacy if type(p) is not missing]

    @cached_property
    def by_list(self) -> dict[int, ListPlan]:
        """Plan of each list by identity, for the rules that read one list's plan (built on
        first use: a line naming thousands of lists needs no such index)."""
        return {id(p.file_list): p for p in (*self.legacy, *self.subdir_mismatch)}


class DriverStorePlans(Analysis[Plans]):
    """The round's plans, shared by the file-placement rules."""

    #: The per-architecture split reads which install sections reach each list; the
    #: floors decide between a move, a decoration and a downlevel branch.
    requires = (ReachingInstalls, InstallBuilds)

    @classmethod
    def compute(cls, ctx: FixContext) -> Plans:
        return _Planner(ctx).run()


# --- planning -----------------------------------------------------------------------------


class _Planner:
    """Plans the lists of one tree. What only planning a list needs (the places each file
    goes to, the paths and bare names in every value, the file's newline) is worked out
    on first use: a file without lists to move never pays for it."""

    def __init__(self, ctx: FixContext) -> None:
        self.ctx = ctx
        self.model: InfModel = ctx.model
        expand = self.model.strings.expand
        #: File names compare as SetupAPI sees them: expanded, case-insensitive.
        self.name: Callable[[str], str] = lambda text: fold(expand(text))
        self.copy_lists = [fl for fl in self.model.file_lists if fl.kind is ListKind.COPY]
        #: Lists left for older Windows (:attr:`Plans.old_branch`): (is @file, folded
        #: name) -> the floor they stay below.
        self.old_lists: dict[tuple[bool, str], int] = {}
        #: The names (folded) given to the lists that splits by folder make.
        self._split_names: set[str] = set()
        #: :meth:`_profile` of each list (by identity) and :meth:`_elsewhere` of each
        #: name and profile.
        self._profiles: dict[int, _Profile] = {}
        self._meeting: dict[tuple[str, _Profile], tuple[list[tuple[str, _Place]], set[_Place]]]
        self._meeting = {}

    @cached_property
    def newline(self) -> str:
        return self.ctx.tree.newline

    @cached_property
    def places(self) -> dict[str, FileList | dict[_Place, list[FileList]]]:
        """The lists that copy each file name (folded), by place (DIRID, folded subdir), in
        list order; a name only one list copies (most) maps to that list. Issue 18: a
        dictionary, a place and its text and a list for every file cost 10 times the file
        while the plans were made; see :meth:`_places_of`."""
        places: dict[str, FileList | dict[_Place, list[FileList]]] = {}
        for fl in self.copy_lists:
            place = _place(fl)
            for copy in fl.files:
                name = self.name(copy.dest_name)
                found = places.get(name)
                if found is None:
                    # (the model's string when folding and expanding change nothing)
                    places[copy.dest_name if name == copy.dest_name else name] = fl
                elif isinstance(found, FileList):
                    if found is not fl:
                        places[name] = at = {_place(found): [found]}
                        at.setdefault(place, []).append(fl)
                else:
                    # a list once however often it copies the name (its copies come
                    # together): issue 18, each copy of a name a list copies thousands
                    # of times was weighed against each copy of it in another list
                    there = found.setdefault(place, [])
                    if not there or there[-1] is not fl:
                        there.append(fl)
        return places

    def _places_of(self, name: str) -> dict[_Place, list[FileList]]:
        """Where the lists copy a file name (folded): by place, the lists copying it there
        (a place's text is that of its first list's destination, as written)."""
        found = self.places.get(name)
        if found is None:
            return {}
        return {_place(found): [found]} if isinstance(found, FileList) else found

    def _profile(self, fl: FileList) -> _Profile:
        """What decides whether a list can be installed with another (:func:`_meet`): the
        architectures and the Windows builds of its installs; made once a list."""
        found = self._profiles.get(id(fl))
        if found is None:
            ranges = self.ctx.analysis(InstallBuilds).ranges
            found = self._profiles[id(fl)] = (
                frozenset(reaching_architectures(self.model, fl.installs)),
                BuildRange.union(ranges.of_install(i) for i in fl.installs),
            )
        return found

    def _elsewhere(self, name: str, fl: FileList, here: _Place) -> tuple[list[str], int]:
        """The other places than ``here`` where lists that can be installed with ``fl``
        copy the file name ``name`` (folded): the first :data:`SHOWN_NAMES` as written
        (sorted), and how many there are.

        Kept for each name that many lists copy, and each :meth:`_profile` (issue 18: each
        copy weighed every list copying the name elsewhere, quadratic when thousands of
        lists copy one file, and its message named every place); made again for a name
        that few lists copy (most names: keeping them all cost 2x the file)."""
        copying = self.places.get(name)
        if copying is None:
            return [], 0
        if isinstance(copying, FileList):
            # one list copies the name (most names)
            if _place(copying) == here:
                return [], 0
            return [_place_text(copying.destination)], 1
        mine = self._profile(fl)
        found = self._meeting.get((name, mine))
        if found is None:
            keep = sum(len(lists) for lists in copying.values()) > _FEW_LISTS
            meeting: list[tuple[str, _Place]] = []
            for place, lists in self._places_of(name).items():
                judged: set[_Profile] = set()
                for other in lists:
                    theirs = self._profile(other)
                    if theirs in judged:
                        continue
                    judged.add(theirs)
                    if _meet(mine, theirs):
                        meeting.append((_place_text(lists[0].destination), place))
                        break
            meeting.sort(key=lambda found: found[0])  # (by the text, as written)
            found = (meeting, {place for _, place in meeting})
            if keep:
                self._meeting[(name, mine)] = found
        meeting, places = found
        first = [text for text, place in meeting[: SHOWN_NAMES + 1] if place != here]
        return first, len(meeting) - (here in places)

    @cached_property
    def deleted(self) -> set[str]:
        """File names (folded) that DelFiles deletes or RenFiles renames, either side, in
        any DelFiles/RenFiles list of the file (reached or not)."""
        deleted = {
            self.name(c.dest_name)
            for fl in self.model.file_lists
            if fl.kind is not ListKind.COPY
            for c in fl.files
        }
        deleted |= {
            self.name(c.source_name)
            for fl in self.model.file_lists
            if fl.kind is ListKind.REN
            for c in fl.files
        }
        for d in self.deleting_directives:
            if d.at_file:
                deleted.add(fold(d.name.lstrip("@")))
                continue
            section = self.model.section(d.name)
            for ref in section.entries if section is not None else ():
                if ref.key is None:
                    deleted.update(self.name(v) for v in ref.values[:2] if v)
        return deleted

    @cached_property
    def not_added(self) -> dict[str, str]:
        """Sections (folded) that a DelReg or BitReg names, with the directive: their
        lines are never rewritten (a path in them names what is deleted or patched)."""
        return {
            reg.section.folded: reg.kind.value
            for reg in self.model.reg_sections
            if reg.kind is not RegKind.ADD and reg.section is not None
        }

    @cached_property
    def directive_lines(self) -> list[_DirectiveLine]:
        """Every CopyFiles, DelFiles or RenFiles directive, in every section of the file
        (reached or not), with the lists it names."""
        out: list[_DirectiveLine] = []
        strings = self.model.strings
        for section in self.model.sections:
            if section.folded.split(".")[0] in _NOT_REFERENCES:
                continue
            for ref in section.entries:
                kind = _LIST_DIRECTIVES.get(fold(ref.key)) if ref.key is not None else None
                if kind is None:
                    continue
                fields: list[str | _Directive] = []
                for value in ref.values:
                    text = value.strip()
                    if not text:
                        continue
                    if "%" not in text and "$" not in text:
                        # nothing to expand, no stampinf variable: resolved as written
                        if not text.startswith("@"):
                            fields.append(text)
                        else:
                            fields.append(_Directive(kind, text[1:].strip(), True, ref, True))
                        continue
                    expansion = strings.expand_all(text)
                    name = strings.expand(text).strip()
                    # A stampinf variable other than $ARCH$ ($KMDFVERSION$...) is a
                    # number, not a name the model can match before stamping.
                    resolved = (
                        expansion.uniform
                        and not expansion.undefined
                        and all(p.upper() == ARCH_PLACEHOLDER for p in placeholders(name))
                    )
                    at_file = name.startswith("@")
                    fields.append(
                        _Directive(
                            kind, name[1:].strip() if at_file else name, at_file, ref, resolved
                        )
                    )
                out.append(_DirectiveLine(kind, ref, fields))
        return out

    @cached_property
    def deleting_directives(self) -> list[_Directive]:
        """Every list named by a DelFiles or RenFiles directive, in every section of the
        file (reached or not)."""
        return [
            d
            for line in self.directive_lines
            if line.kind is not ListKind.COPY
            for d in line.directives()
        ]

    @cached_property
    def _paths_at(self) -> dict[tuple[int | None, str], dict[str, list[int]]]:
        """The paths of :attr:`_paths` (by index) by the place they name a file at (DIRID,
        normalized folder) and the file's folded name: a list looks up its own place and
        files instead of scanning every path of the file."""
        out: dict[tuple[int | None, str], dict[str, list[int]]] = {}
        for p, (_, _, path, _) in enumerate(self._paths):
            dirid, subpath = path.normalized
            folder, _, file_name = subpath.rpartition("\\")
            out.setdefault((dirid, _norm_dir(folder)), {}).setdefault(fold(file_name), []).append(p)
        return out

    @cached_property
    def _deleting_kinds(self) -> dict[str, set[str]]:
        """The DelFiles/RenFiles directives (``delfiles``, ``renfiles``) naming each list,
        by folded list name (``@file`` left out): looked up per list, not rescanned."""
        out: dict[str, set[str]] = {}
        for d in self.deleting_directives:
            if not d.at_file:
                out.setdefault(fold(d.name), set()).add(d.kind.value)
        return out

    @cached_property
    def _paths(self) -> list[tuple[EntryRef, int, PathRef, bool]]:
        return self._all_paths()

    @cached_property
    def fixed_places(self) -> FixedPlaces:
        return recognize(self.model)

    @cached_property
    def _bare(self) -> dict[str, EntryRef]:
        return self._bare_name_values()

    # Every path in every field of the file, once.
    def _all_paths(self) -> list[tuple[EntryRef, int, PathRef, bool]]:
        out: list[tuple[EntryRef, int, PathRef, bool]] = []
        strings = self.model.strings
        for section in self.model.sections:
            if section.folded.split(".")[0] in _NOT_REFERENCES:
                continue
            for ref in section.entries:
                for index, value in enumerate(ref.values):
                    # a "%strkey%" may hold the whole path ("%SystemRoot%\\System32\\x.dll")
                    if "\\" not in value and "%" not in value:
                        continue
                    _, found = find_paths(value, strings)
                    for path in found:
                        # Is the root (%12%\, %SystemRoot%\System32\...) written in the line,
                        # or does it come out of a [Strings] value?
                        root = path.text[: len(path.text) - len(path.subpath)].casefold()
                        written = value[path.start : path.end].replace("%%", "%")
                        literal = written.casefold().startswith(root)
                        out.append((ref, index, path, literal))
        return out

    # Registry string values, for bare-name references: every file-name-like token that
    # no path separator, drive or DIRID precedes, unless the same value also names it by
    # path (then the bare mention is part of something else).
    def _bare_name_values(self) -> dict[str, EntryRef]:
        index: dict[str, EntryRef] = {}
        for reg in self.model.reg_sections:
            for line in reg.lines:
                if os_resolved(self.model, reg, line) is not None:
                    continue  # the OS finds the file itself (_fixed_place.OS_RESOLVED)
                for _, text in line.string_values:
                    expanded = self.model.strings.expand(text)
                    bare: set[str] = set()
                    pathed: set[str] = set()
                    for m in _NAME_TOKEN.finditer(expanded):
                        start = m.start()
                        after_path = start > 0 and expanded[start - 1] in "\\/:%"
                        # "@x.dll,-200" (an indirect string) loads x.dll by name too
                        name = m.group().lstrip("@").casefold()
                        (pathed if after_path else bare).add(name)
                    for token in bare - pathed:
                        index.setdefault(token, line.ref)
        return index

    def run(self) -> Plans:
        result = Plans()
        legacy = result.legacy
        missing: Any = MissingPlan  # (read as a ListPlan)
        # Whether a plain list of the last info (kind and destination, shared by the lists
        # without files, .security section or entry of their own) gets a MissingPlan
        last_info: ListInfo | None = None
        light = False
        for fl in self.copy_lists:
            info = fl.info
            if info is not last_info:
                last_info = info
                light = info.destination.dirid in LEGACY and info.destination.origin != "explicit"
            if light and fl.plain:
                # (what _plan and _build_case come to for such a list: a line may name
                # hundreds of thousands)
                legacy.append(missing(fl))
                continue
            dest = fl.destination
            if dest.dirid in LEGACY:
                plan = self._plan(fl)
                self._build_case(plan)
                if plan.build_case == "old":
                    result.old_branch.append(plan)
                    continue
                legacy.append(plan)
            elif dest.dirid == DRIVER_STORE and fl.files:
                # Most lists already in the store keep their sources' subdirs: only a
                # list that does not gets the whole plan.
                if self._store_keeps(fl):
                    continue
                plan = self._plan(fl)
                if not plan.movable or (
                    not plan.arch_groups and self._keeps_subdirs(fl, plan.subdirs)
                ):
                    continue
                result.subdir_mismatch.append(plan)
        self._edits(result)
        return result

    def _build_case(self, plan: ListPlan) -> None:
        """Set :attr:`ListPlan.build_case` (and its floor and decorate edits)."""
        installs = plan.file_list.installs
        if not installs or not (plan.file_list.files or plan.file_list.file):
            return  # nothing to move (a list without files, or one that does not exist)
        builds = self.ctx.analysis(InstallBuilds)
        top = max((builds.floor_of(i) for i in installs), key=lambda f: f.build)
        plan.floor = top
        at = top.version
        assert at is not None
        sides: set[int] = set()
        straddling: list[InstallSection] = []
        old_only = False
        for install in installs:
            side = builds.sides(install, at)
            sides |= side
            if side == {OLD, NEW}:
                straddling.append(install)
            old_only = old_only or side == {OLD}
        if sides == {NEW}:
            return
        if sides == {OLD}:
            plan.build_case = "old"
            return
        plan.build_case = "branch"
        if builds.target < at or old_only:
            return  # below the target, or shared with a branch kept for older Windows
        todo: dict[int, ModelsSection] = {}
        for install in straddling:
            if install.kind != "ddinstall":
                return
            for models in install.models:
                r = builds.ranges.of_models(models)
                if not r.empty and r.allows_below(at):
                    todo[id(models)] = models
        got = decorate_all(self.model, list(todo.values()), at.build)
        if isinstance(got, str):
            return
        plan.build_case = "decorate"
        plan.decorate_edits = got

    def _keeps_subdirs(self, fl: FileList, subdirs: dict[int, str]) -> bool:
        """Whether each file of the list lands where its source subdir says. Source subdirs
        are kept as written (they are copied into DestinationDirs), destinations come
        expanded: both are compared expanded."""
        expand = self.model.strings.expand
        want = _norm_dir(fl.destination.subdir)
        return all(_norm_dir(expand(subdirs.get(i, ""))) == want for i in range(len(fl.files)))

    def _folders(self, fl: FileList, copy: FileCopy) -> dict[str | None, Folder]:
        """The package folder of a file on each architecture that installs the list and
        has a source entry for it (:mod:`._arch`)."""
        arches: list[str | None] = [*reaching_architectures(self.model, fl.installs)] or [None]
        out: dict[str | None, Folder] = {}
        for arch in arches:
            folder = package_folder(self.model, copy, arch)
            if folder is not None:
                out[arch] = folder
        return out

    def _store_keeps(self, fl: FileList) -> bool:
        """Whether each file of a DIRID 13 list lands in its package folder on every
        architecture that installs the list (a file without a source counts as being at
        the package root, as before)."""
        want = norm_folder(self.model.strings.expand(fl.destination.subdir))
        for copy in fl.files:
            folders = self._folders(fl, copy)
            keys = {f.key for f in folders.values() if not f.problem} or {""}
            if keys != {want}:
                return False
        return True

    def _plan(self, fl: FileList) -> ListPlan:
        dest = fl.destination
        if not fl.files and fl.security is None and dest.origin != "explicit":
            return _plan_without_files(fl)
        plan = ListPlan(fl)
        if not fl.files:
            plan.blocked.append(
                "the list has no files"
                if fl.section is not None
                else f"section [{fl.name}] does not exist"
            )
        if fl.security is not None and dest.dirid in LEGACY:
            # InfVerif 1101 rejects it with DIRID 13: the move drops it, an unsafe fix
            plan.unsafe.append(
                f"it drops [{fl.security.name}], since files in the driver store keep the "
                "store's access rights (InfVerif 1101)"
            )
            plan.drops = [Edit.delete_section(block) for block in fl.security.blocks]
        elif fl.security is not None:  # fl.has_security, narrowed for the type checker
            plan.blocked.append(
                f"[{fl.security.name}] sets its security; files in the driver store "
                "keep the store's ACLs (InfVerif 1101)"
            )
        if not fl.files and dest.origin != "explicit":
            return plan  # nothing below applies to a list without files and entry
        expand = self.model.strings.expand
        #: Files whose folder differs by architecture: their folder on each.
        per_arch: dict[int, dict[str | None, Folder]] = {}
        for i, copy in enumerate(fl.files):
            name = copy.dest_name
            consumer = (
                self.fixed_places.consumer(expand(name), dest.dirid, expand(dest.subdir))
                if dest.dirid in LEGACY
                else None
            )
            if consumer is not None:
                # its consumer looks in a fixed place: nothing else matters
                plan.fixed[i] = consumer
                continue
            if copy.renames:
                plan.blocked.append(
                    f"{copy.source_name} is installed as {name}; the driver store runs files "
                    "under their source name (InfVerif 1100, ISO005)"
                )
            folders = self._folders(fl, copy)
            if not folders:
                plan.blocked.append(f"{copy.source_name} has no [SourceDisksFiles] entry")
                continue
            problems = [f.problem for f in folders.values() if f.problem]
            if problems:
                plan.blocked.extend(problems)
                continue
            if len({f.key for f in folders.values()}) == 1:
                plan.subdirs[i] = next(iter(folders.values())).text
            else:
                per_arch[i] = folders
            kept = without_rejected_flags(copy.flags)
            if kept is None:
                plan.blocked.append(
                    f"the flags of {copy.source_name} ({copy.flags!r}) are not a number"
                )
            elif kept != copy.flags:
                value = copy.flags_value or 0
                for bit, what in REJECTED_FLAGS.items():
                    if value & bit:
                        plan.dropped_flags.setdefault(f"{what} (0x{bit:X})", []).append(
                            copy.dest_name
                        )
            key = self.name(name)  # expanded, as places and deleted are keyed
            here = (dest.dirid, _norm_dir(dest.subdir))
            others, count = self._elsewhere(key, fl, here)
            if count:
                plan.blocked.append(f"{name} is also copied to {names_of(others, count)}")
            if key in self.deleted:
                plan.blocked.append(f"{name} is also named by DelFiles or RenFiles (ISO007)")
            bare = self._bare_use(self.model.strings.expand(name))
            if bare is not None:
                plan.blocked.append(
                    f"{bare.section.name} line {bare.line} loads {name} by bare name, which "
                    "only works from System32 (ISO004)"
                )
        if per_arch:
            self._arch_groups(plan, per_arch)
        # one reason per consumer class, naming its files, first
        fixed: dict[int, tuple[Consumer, list[str]]] = {}
        for i, consumer in plan.fixed.items():
            fixed.setdefault(id(consumer), (consumer, []))[1].append(fl.files[i].dest_name)
        plan.blocked[:0] = [consumer.reason(names) for consumer, names in fixed.values()]
        if dest.origin == "explicit" and fl.file is None:
            others = sorted(self._deleting_kinds.get(fold(fl.name), ()))
            if others:
                plan.blocked.append(
                    f"{' and '.join(others)} also name [{fl.name}], whose "
                    "[DestinationDirs] entry they share"
                )
        paths = self._paths
        by_name = self._paths_at.get((dest.dirid, _norm_dir(dest.subdir))) if paths else None
        # (path, file) pairs naming a file of the list at its place, in path order, then
        # file order
        matches: list[tuple[int, int]] = []
        if by_name:
            for i, copy in enumerate(fl.files):
                matches.extend((p, i) for p in by_name.get(self.name(copy.dest_name), ()))
            matches.sort()
        for p, i in matches:
            ref, index, path, literal = paths[p]
            copy = fl.files[i]
            other = self._other_architectures(fl, copy, ref, self.name(copy.dest_name))
            if other is None:
                continue  # another architecture's list installs the file it names
            if other:
                plan.blocked.append(
                    f"line {ref.line} names {copy.dest_name} on {other} too, where "
                    "another file list installs it from another folder: the line would "
                    "have to differ by architecture"
                )
            use = PathUse(ref, index, path.start, path.end, copy, not literal)
            plan.uses.append(use)
            directive = self.not_added.get(ref.section.folded)
            if directive is not None:
                plan.blocked.append(
                    f"line {ref.line} names {copy.dest_name} in [{ref.section.name}], "
                    f"which {directive} names: a {directive} line is never rewritten"
                )
            if use.from_strings and plan.arch_groups:
                plan.blocked.append(
                    f"line {ref.line} names {copy.dest_name} through a [Strings] value "
                    f"that {' and '.join(a for g in plan.arch_groups for a in g.arches)} "
                    "share, but the path must differ by architecture ("
                    + ", ".join(
                        f"{g.subdirs.get(i) or 'the package root'} on {' and '.join(g.arches)}"
                        for g in plan.arch_groups
                    )
                    + "): give each architecture a string of its own"
                )
            elif use.from_strings:
                plan.blocked.append(
                    f"line {ref.line} names {copy.dest_name} through a [Strings] value "
                    "(rewriting it would change that string in every locale)"
                )
            elif path.form in _NT_FORMS:
                plan.blocked.append(_nt_reason(ref, copy.dest_name, path.text))
        return plan

    @cached_property
    def _arch_copies(self) -> dict[str, dict[str, list[FileList]]]:
        """The lists that copy each file name (folded), by architecture installing them."""
        out: dict[str, dict[str, list[FileList]]] = {}
        for fl in self.copy_lists:
            arches = reaching_architectures(self.model, fl.installs)
            for copy in fl.files:
                slot = out.setdefault(self.name(copy.dest_name), {})
                for arch in arches:
                    slot.setdefault(arch, []).append(fl)
        return out

    def _other_architectures(
        self, fl: FileList, copy: FileCopy, ref: EntryRef, name: str
    ) -> str | None:
        """For a line naming the file ``name`` of the list, when other lists install the
        same file from another package folder on other architectures: ``None`` when only
        those architectures reach the line (the other list's plan rewrites it); else the
        architectures that reach it and install the file from another folder ("" when
        none: the line is the list's, or the folder is the same everywhere)."""
        by_arch = self._arch_copies.get(name, {})
        if len({id(x) for lists in by_arch.values() for x in lists}) < 2:
            return ""
        reaching = {a.casefold() for i in installs_of(self.ctx, ref.section) for a in i.platforms}
        if not reaching:
            return ""
        mine = {a for a, lists in by_arch.items() if any(x is fl for x in lists)}
        keys = {f.key for f in self._folders(fl, copy).values() if not f.problem}
        others = []
        for arch in sorted(reaching - mine):
            for other in by_arch.get(arch, ()):
                folders = [
                    package_folder(self.model, c, arch)
                    for c in other.files
                    if self.name(c.dest_name) == name
                ]
                if any(f is not None and not f.problem and {f.key} != keys for f in folders):
                    others.append(arch)
                    break
        if not others:
            return ""
        if not reaching & mine:
            return None
        return " and ".join(others)

    def _arch_groups(self, plan: ListPlan, per_arch: dict[int, dict[str | None, Folder]]) -> None:
        """Group the architectures that install the list by where its files come from
        (:attr:`ListPlan.arch_groups`), or say why the list cannot be split."""
        fl = plan.file_list
        arches = sorted({a for folders in per_arch.values() for a in folders if a is not None})
        signatures: dict[tuple[str | None, ...], list[str]] = {}
        texts: dict[tuple[str | None, ...], dict[int, str]] = {}
        for arch in arches:
            sig: list[str | None] = []
            subdirs: dict[int, str] = {}
            for i in range(len(fl.files)):
                folder = per_arch[i].get(arch) if i in per_arch else None
                if i not in per_arch and i in plan.subdirs:
                    sig.append(norm_folder(self.model.strings.expand(plan.subdirs[i])))
                    subdirs[i] = plan.subdirs[i]
                elif folder is not None:
                    sig.append(folder.key)
                    subdirs[i] = folder.text
                else:
                    sig.append(None)
            key = tuple(sig)
            signatures.setdefault(key, []).append(arch)
            texts.setdefault(key, subdirs)
        groups = [ArchGroup(tuple(a), texts[k]) for k, a in signatures.items()]
        # the layout most architectures share keeps the list's name (first in order on a tie)
        groups.sort(key=lambda g: -len(g.arches))
        names = ", ".join(
            f"{g.folder or 'the package root'} on {' and '.join(g.arches)}" for g in groups
        )
        if fl.file is not None:
            plan.blocked.append(
                f"{fl.file} comes from different folders on different architectures "
                f"({names}); a CopyFiles=@file copy cannot be split by architecture: "
                "give it a file list of its own"
            )
            return
        several = [
            g
            for g in groups
            if len({norm_folder(self.model.strings.expand(s)) for s in g.subdirs.values()}) > 1
        ]
        if several:
            plan.blocked.append(
                f"the files of {fl.name} come from several folders on "
                f"{' and '.join(several[0].arches)}, and from different folders on "
                "different architectures"
            )
            return
        plan.arch_groups = groups
        plan.subdirs = dict(groups[0].subdirs)

    def _bare_use(self, name: str) -> EntryRef | None:
        """The first registry value that names ``name`` without a path, if any."""
        return self._bare.get(name.casefold())

    # --- edits ------------------------------------------------------------------------

    def _default_blockers(self, relying: list[ListPlan]) -> _Reasons:
        """Why DefaultDestDir cannot become 13: every list it governs that does not move
        whole to the package root with it (none: it can)."""
        explicit = self.model.destination_dirs.explicit_folded
        # the names of the lists that rely on it, as the model has them (a line may name
        # hundreds of thousands: a folded copy of each cost 8 times the line's size), and
        # the folded names of the @file copies that do
        names: set[str] = set()
        files: set[str] = set()
        folded_names: set[str] | None = None
        # The lists of MissingPlans (plain names of lists the file lacks) are not in
        # ``names`` (a line may name hundreds of thousands: the set cost 6 times the
        # line): their fields are marked on their line instead, and their names added
        # only if a name must be looked up (``all_names``).
        marked: dict[int, bytearray] = {}
        all_names = False

        def relies(name: str, folded: str) -> bool:
            """Whether a list named ``name`` (``folded``) relies on it."""
            nonlocal folded_names, all_names
            if name in names:  # (the common case: the name as the model has it)
                return True
            if marked and not all_names:
                names.update(p.file_list.name for p in relying if type(p) is missing)
                all_names = True
                if name in names:
                    return True
            if folded_names is None:
                folded_names = {fold(n) for n in names}
            return folded in folded_names

        out = _Reasons()
        missing: Any = MissingPlan  # (plans are read as ListPlans)
        last_entry: EntryRef | None = None
        last_marks = bytearray()
        for p in relying:
            fl = p.file_list
            if type(p) is missing:
                # (the case below, for the lists a line may name hundreds of thousands of)
                entry = fl.entry
                if entry is not last_entry:
                    last_entry = entry
                    found = marked.get(id(entry))
                    if found is None:
                        found = marked[id(entry)] = bytearray(len(entry.values))
                    last_marks = found
                last_marks[fl.plain_index] = 1
                if len(out.shown) < SHOWN_BLOCKERS:
                    out.add_unique(p)
                else:
                    out.count += 1
                continue
            if fl.file is not None:
                files.add(fold(fl.file))
            else:
                names.add(fl.name)
            if p.blocked:
                if not fl.files and fl.file is None and len(p.blocked) == 1:
                    # "<name>: section [<name>] does not exist" (or "has no files"): no other
                    # reason can be the same text (list names differ, and no other reason
                    # says that): counted, made only if shown
                    out.add_unique(p)
                else:
                    out.append(f"{fl.name}: {p.reason()}")
            elif p.build_case == "branch":
                floor = p.floor.build if p.floor is not None else ""
                out.append(
                    f"{fl.name} is also installed on Windows builds below "
                    f"{floor} (it needs a branch of its own)"
                )
            elif p.unsafe:  # moved on its own, by an unsafe fix
                out.append(f"moving {fl.name} is unsafe: {'; '.join(p.unsafe)}")
            elif p.arch_groups:
                out.append(
                    f"the files of {fl.name} come from different folders on different architectures"
                )
            elif set(p.groups) != {""}:
                out.append(f"the files of {fl.name} come from subdirectories")

        for line in self.directive_lines:
            copy = line.kind is ListKind.COPY
            where = ""
            # the fields of the line's MissingPlans that rely on it, and the line's values
            # (each field is the next value that is not blank)
            marks = marked.get(id(line.ref)) if copy else None
            values = line.ref.values
            at = 0
            for d in line.fields:
                if marks is not None:
                    value = values[at]
                    while value is not d and not value.strip():  # (a blank: no field)
                        at += 1
                        value = values[at]
                    at += 1
                    if marks[at - 1] and d == value:
                        continue  # its MissingPlan relies on it: relies(d, ...)
                if isinstance(d, str):  # a list name as written (the common case)
                    if copy and d in names:
                        continue  # (relies, without folding the name)
                    folded = fold(d)
                    if (copy and relies(d, folded)) or explicit(folded) is not None:
                        continue
                    at_file, what = False, f"[{d}]"
                elif not d.resolved:
                    out.append(
                        f"{d.ref.section.name} line {d.ref.line} names a list through a "
                        "string or a stampinf variable that does not resolve"
                    )
                    continue
                else:
                    folded = fold(d.name)
                    if not d.at_file and explicit(folded) is not None:
                        continue
                    if copy and (folded in files if d.at_file else relies(d.name, folded)):
                        continue
                    at_file = d.at_file
                    what = f"@{d.name}" if d.at_file else f"[{d.name}]"
                if copy and (at_file, folded) in self.old_lists:
                    build = self.old_lists[(at_file, folded)]
                    out.append(
                        f"{what} relies on it and is installed only on Windows builds below "
                        f"{build}, where it stays"
                    )
                    continue
                where = where or f"{line.ref.section.name} line {line.ref.line}"
                if not copy:
                    out.append(f"{line.kind.value} {what} ({where}) relies on it")
                else:
                    out.append(
                        f"CopyFiles {what} ({where}) relies on it and is in a section "
                        "no install of this INF reaches"
                    )
        return out

    def _edits(self, result: Plans) -> None:
        self.old_lists = {
            (
                p.file_list.file is not None,
                fold(p.file_list.file if p.file_list.file is not None else p.file_list.name),
            ): (p.floor.build if p.floor is not None else 0)
            for p in result.old_branch
        }
        dd = self.model.destination_dirs
        default = dd.default
        relying = [p for p in result.legacy if p.file_list.destination.origin == "default"]
        default_legacy = default is not None and default.dirid in LEGACY
        blockers = self._default_blockers(relying) if default_legacy else _Reasons()
        if default_legacy and not relying:
            result.default_old_only = any(
                p.destination.origin == "default" for p in result.old_branch
            )
            if not blockers.count:
                # Nothing would move: rewriting it gains nothing, and whatever uses it that
                # this INF does not show (a class installer, another INF's Needs) would
                # break.
                blockers.append("no file list that relies on it is installed")
        everyone_moves = not blockers.count
        branched = False
        # Plans whose lists are split (by build or by architecture) the same way: one
        # set of edits for each group (:meth:`_joint`)
        joint: dict[tuple[object, ...], list[ListPlan]] = {}
        from infmigrate.rules.placement._arch_split import split_key

        if default_legacy and everyone_moves:
            # DefaultDestDir is always read from an entry (DestinationDirs.default)
            assert default is not None and default.entry is not None
            result.default_edits = [
                Edit.replace(default.entry.entry, _set_values(default.entry.entry, ["13"]))
            ]
            for p in relying:
                result.default_edits += self._flag_edits(p)
            result.default_edits += self._reference_edits(relying)
            decorated: set[int] = set()
            for p in relying:
                for edit in p.decorate_edits:
                    if id(edit.target) not in decorated:
                        decorated.add(id(edit.target))
                        result.default_edits.append(edit)
        elif default_legacy:
            result.default_blocked = blockers.text()
            branched = bool(relying) and all(p.build_case == "branch" for p in relying)
        missing: Any = MissingPlan  # (plans are read as ListPlans)
        # (each plan with the rule that reports it: ISO001 the legacy ones, ISO006 the others)
        for rule, plan in chain(
            zip(repeat("ISO001"), result.legacy), zip(repeat("ISO006"), result.subdir_mismatch)
        ):
            if type(plan) is missing or not plan.movable:  # (a MissingPlan never is)
                continue
            if plan.destination.origin == "default" and default_legacy and everyone_moves:
                plan.edits = list(result.default_edits)
                continue
            if plan.file_list.file is not None:  # @file: only DefaultDestDir can move it
                plan.blocked.append(
                    "a CopyFiles=@file copy goes where DefaultDestDir says, "
                    "and other lists rely on DefaultDestDir too"
                )
                continue
            if plan.build_case == "branch":
                assert plan.floor is not None and plan.floor.version is not None
                joint.setdefault(("branch", plan.floor.build, plan.applicability), []).append(plan)
                continue
            if plan.build_case == "decorate":
                assert plan.floor is not None
                plan.build_note = (
                    f"; the fix also restricts its Models sections to {floor_text(plan.floor)} "
                    f"and later ({self.ctx.analysis(InstallBuilds).target_text})"
                )
            # (lists moved in one set of edits decorate the same Models sections for the
            # same floor)
            decorating = tuple(id(e.target) for e in plan.decorate_edits)
            floor = plan.floor.build if plan.floor is not None else 0
            if plan.arch_groups:
                key = ("arch", split_key(plan), plan.applicability, floor, decorating)
                joint.setdefault(key, []).append(plan)
                continue
            if plan.destination.origin in ("default", "fallback") and len(plan.groups) == 1:
                # (lists relying on DefaultDestDir, each given its own entry at the end of
                # [DestinationDirs]: one edit there for all, see _entries)
                origin = plan.destination.origin  # (ISO012 reports the fallback ones)
                joint.setdefault(
                    ("entries", rule, origin, plan.applicability, floor, decorating), []
                ).append(plan)
                continue
            if len(plan.groups) > 1:
                # (lists split by folder: their copies named on the CopyFiles lines naming
                # them, and the entries of those relying on DefaultDestDir, in one edit
                # each: see _splits)
                joint.setdefault(
                    ("splits", rule, plan.applicability, floor, decorating), []
                ).append(plan)
                continue
            plan.edits = (
                self._list_edits(plan)
                + self._reference_edits([plan])
                + plan.decorate_edits
                + plan.drops
            )
        makers = {
            "branch": self._branch,
            "arch": self._arch,
            "entries": self._entries,
            "splits": self._splits,
        }
        for (kind, *_), plans in joint.items():
            self._joint(plans, makers[str(kind)])
        if branched and all(not p.blocked for p in relying):
            # every list relying on it got a branch of its own: it stays for the old side
            result.default_old_only = True

    def _joint(
        self, plans: list[ListPlan], edits: Callable[[list[ListPlan]], list[Edit] | str]
    ) -> None:
        """Give ``plans``, lists split the same way, one set of edits (``edits``), the same
        list for all (their findings share one fix): one split each would each rewrite the
        lines they share (the CopyFiles line naming them, the end of ``[DestinationDirs]``,
        the branch's CopyFiles line), and the runner applies one fix a round to a line, so
        a line naming more lists than it has rounds never converged (issue 18). A list
        that cannot be split on its own gets its reason and is left out."""
        if len(plans) > 1:
            got = edits(plans)
            if not isinstance(got, str):
                return
            for plan in plans:
                plan.edits = []
        ok: list[ListPlan] = []
        for plan in plans:
            got = edits([plan])
            if isinstance(got, str):
                plan.blocked.append(got)
                plan.edits = []
            else:
                ok.append(plan)
        if 1 < len(ok) < len(plans):
            edits(ok)  # (when it fails, each keeps its own)

    def _branch(self, plans: list[ListPlan]) -> list[Edit] | str:
        """The downlevel branch of ``plans`` (one floor), set on each of them."""
        from infmigrate.rules.placement._build_split import build_split

        floor = plans[0].floor
        assert floor is not None and floor.version is not None
        builds = self.ctx.analysis(InstallBuilds)
        branch = build_split(self, plans, builds, floor.version)
        if isinstance(branch, str):
            return branch
        for plan in plans:
            plan.edits = branch.edits
            plan.branch_sections = branch.sections
            plan.build_note = (
                f"; it is also installed on Windows builds below {floor.build}, which keep "
                f"it as it is: the fix adds a branch for {floor_text(floor)} and later"
                f"{_with_others(len(plans))}, "
                f"{branch.sections} section{'s' if branch.sections != 1 else ''} copied "
                f"({builds.target_text})"
            )
        return branch.edits

    def _arch(self, plans: list[ListPlan]) -> list[Edit] | str:
        """The split by architecture of ``plans``, set on each of them."""
        from infmigrate.rules.placement._arch_split import arch_split

        split = arch_split(self, plans)
        if isinstance(split, str):
            return split
        edits = list(split)
        return _shared(plans, edits)

    def _entries(self, plans: list[ListPlan]) -> list[Edit]:
        """The moves of ``plans``, lists of one folder each that rely on DefaultDestDir,
        set on each of them: their new ``[DestinationDirs]`` entries in one edit (one each
        would all insert after the section's last line, one a round: a CopyFiles line of
        12+ such lists never converged, issue 18), their flags, the paths naming their
        files, and their Models decorations and dropped sections once."""
        like = self._destination_like()
        entries = [
            make_entry(
                p.file_list.name,
                ["13", next(iter(p.groups))] if next(iter(p.groups)) else ["13"],
                like=like,
                newline=self._nl(like),
            )
            for p in plans
        ]
        edits = [self._add_destination_entries(entries)]
        for plan in plans:
            edits += self._flag_edits(plan)
        edits += self._reference_edits(plans)
        return _shared(plans, edits)

    def _splits(self, plans: list[ListPlan]) -> list[Edit]:
        """The moves of ``plans``, lists whose files come from several folders (one list
        per folder: :meth:`_split`), in one set of edits: a CopyFiles line naming several
        of them is rewritten once, with every list's new names, and the entries of those
        relying on DefaultDestDir are added in one edit (one split each would each rewrite
        that line and add at the end of ``[DestinationDirs]``, one a round: a CopyFiles
        line of 12+ such lists never converged, issue 18); the paths naming their files,
        their Models decorations and dropped sections once."""
        added: list[Entry] = []
        inserts: dict[int, tuple[EntryRef, dict[int, list[str]]]] = {}
        edits: list[Edit] = []
        for plan in plans:
            edits += self._list_edits(plan, added, inserts)
        if added:
            edits.append(self._add_destination_entries(added))
        for ref, texts in inserts.values():
            edits.append(Edit.replace(ref.entry, insert_fields_at(ref.entry, texts)))
        edits += self._reference_edits(plans)
        return _shared(plans, edits)

    def _list_edits(
        self,
        plan: ListPlan,
        added: list[Entry] | None = None,
        inserts: dict[int, tuple[EntryRef, dict[int, list[str]]]] | None = None,
    ) -> list[Edit]:
        """The edits that move one list (its ``[DestinationDirs]`` entries, its split by
        folder, its flags); with ``added`` and ``inserts`` (:meth:`_splits`), the new
        entries it would add at the end of ``[DestinationDirs]`` and the names its split
        adds to the CopyFiles lines naming it go there instead, to be made once for
        several lists."""
        fl = plan.file_list
        groups = plan.groups
        subdirs = list(groups)
        edits: list[Edit] = []
        first = subdirs[0]
        entry_values = ["13", first] if first else ["13"]
        dest_entry = fl.destination.entry if fl.destination.origin == "explicit" else None
        new_entries: list[Entry] = []
        names = [fl.name] + [self._free_name(_split_name(fl.name, s)) for s in subdirs[1:]]
        like = self._destination_like()
        if dest_entry is not None:
            edits.append(
                Edit.replace(dest_entry.entry, _set_values(dest_entry.entry, entry_values))
            )
            like = dest_entry.entry
        else:
            new_entries.append(make_entry(fl.name, entry_values, like=like, newline=self._nl(like)))
        for name, subdir in zip(names[1:], subdirs[1:], strict=True):
            new_entries.append(make_entry(name, ["13", subdir], like=like, newline=self._nl(like)))
        if new_entries:
            if dest_entry is not None:
                edits.append(Edit.insert_after(dest_entry.entry, *new_entries))
            elif added is not None:
                added += new_entries
            else:
                edits.append(self._add_destination_entries(new_entries))
        if len(subdirs) > 1:
            edits += self._split(plan, names, subdirs, inserts)
        else:
            edits += self._flag_edits(plan)
        return edits

    def _free_name(self, wanted: str) -> str:
        """``wanted``, or ``wanted_2``, ``wanted_3``... when a section of the file or a list
        an earlier split made has that name (a split made a second ``[X_sub]`` beside an
        existing one, merging the two)."""
        name, n = wanted, 2
        while self.model.section(name) is not None or fold(name) in self._split_names:
            name, n = f"{wanted}_{n}", n + 1
        self._split_names.add(fold(name))
        return name

    def _flag_fixes(self, plan: ListPlan) -> dict[int, Entry]:
        """The list's entries whose flags DIRID 13 rejects, without those flags (by id of
        the CST entry)."""
        out: dict[int, Entry] = {}
        for copy in plan.file_list.files:
            if copy.entry is None:
                continue
            flags = without_rejected_flags(copy.flags)
            if flags is None or flags == copy.flags:
                continue
            out[id(copy.entry.entry)] = _with_flags(copy.entry.entry, flags)
        return out

    def _flag_edits(self, plan: ListPlan) -> list[Edit]:
        fixes = self._flag_fixes(plan)
        return [
            Edit.replace(c.entry.entry, fixes[id(c.entry.entry)])
            for c in plan.file_list.files
            if c.entry is not None and id(c.entry.entry) in fixes
        ]

    def _nl(self, like: Entry | None) -> str:
        return (like.newline if like is not None else "") or self.newline

    def _destination_like(self) -> Entry | None:
        section = self.model.destination_dirs.section
        if section is None or not section.entries:
            return None
        return section.entries[-1].entry

    def _add_destination_entries(self, entries: Sequence[Entry]) -> Edit:
        section = self.model.destination_dirs.section
        if section is not None:
            return append_lines(section.blocks[-1], list(entries))
        # No [DestinationDirs] at all: a new one right after [Version] (else first).
        tree = self.ctx.tree
        version = [s for s in tree.sections if s.name.casefold() == "version"]
        after = version[-1] if version else None
        body: list[Line] = list(entries)
        if after is not None and after.body and type(after.body[-1]) is TriviaLine:
            body.append(TriviaLine("", "", after.body[-1].newline or self.newline))
        new = make_section("DestinationDirs", body, newline=self.newline)
        if after is None and tree.sections:
            # no [Version] to follow: at the end of the file
            return Edit.insert_section(None, new)
        return Edit.insert_section(after, new)

    def _split(
        self,
        plan: ListPlan,
        names: list[str],
        subdirs: list[str],
        inserts: dict[int, tuple[EntryRef, dict[int, list[str]]]] | None = None,
    ) -> list[Edit]:
        """One list per subdir: move the files of the other subdirs to new sections, and
        name the new lists next to the old one in every CopyFiles that names it (with
        ``inserts``: the names each CopyFiles line gets, by the index they follow, are
        added there, for :meth:`_splits` to rewrite each line once)."""
        fl = plan.file_list
        section = fl.section
        assert section is not None
        groups = plan.groups
        fixes = self._flag_fixes(plan)
        edits: list[Edit] = []
        for copy in groups[subdirs[0]]:
            if copy.entry is not None and id(copy.entry.entry) in fixes:
                edits.append(Edit.replace(copy.entry.entry, fixes[id(copy.entry.entry)]))
        for subdir in subdirs[1:]:
            for copy in groups[subdir]:
                if copy.entry is not None:
                    edits.append(Edit.delete(copy.entry.entry))
        last = section.blocks[-1]
        new_sections = []
        trailing_blank = bool(last.body) and type(last.body[-1]) is TriviaLine
        for name, subdir in zip(names[1:], subdirs[1:], strict=True):
            lines: list[Line] = [
                fixes.get(id(c.entry.entry), c.entry.entry)
                for c in groups[subdir]
                if c.entry is not None
            ]
            if trailing_blank:
                lines.append(TriviaLine("", "", self.newline))
            new_sections.append(
                make_section(name, lines, newline=last.header.newline or self.newline)
            )
        if not trailing_blank:
            # the section ran straight into the next one: a blank line before the new ones
            edits.append(
                Edit.insert_after(
                    last.body[-1] if last.body else last.header, TriviaLine("", "", self.newline)
                )
            )
        edits.append(Edit.insert_section(last, *new_sections))
        new_names = [quote(name) for name in names[1:]]
        own = inserts is None
        if inserts is None:
            inserts = {}
        for reference in fl.references:
            slot = inserts.setdefault(id(reference.entry), (reference.entry, {}))
            slot[1].setdefault(reference.index, []).extend(new_names)
        if own:
            for ref, texts in inserts.values():
                edits.append(Edit.replace(ref.entry, insert_fields_at(ref.entry, texts)))
        return edits

    def _reference_edits(self, plans: Sequence[ListPlan]) -> list[Edit]:
        """Rewrite every path naming a file of the lists at its old place: one edit per
        line, whatever the number of paths and lists it names."""
        by_entry: dict[int, tuple[EntryRef, dict[int, dict[tuple[int, int], str]]]] = {}
        for plan in plans:
            # the index of each file of the list (FileCopy compares by identity)
            position = {id(copy): i for i, copy in enumerate(plan.file_list.files)}
            for use in plan.uses:
                i = position[id(use.copy)]
                # the file name as this path writes it (a literal name stays literal even
                # when the list names the file through a %strkey%, and the other way round)
                written = use.ref.values[use.field][use.start : use.end].rsplit("\\", 1)[-1]
                new_path = "%13%\\" + _join(plan.subdirs.get(i, ""), written or use.copy.dest_name)
                slot = by_entry.setdefault(id(use.ref), (use.ref, {}))
                slot[1].setdefault(use.field, {})[(use.start, use.end)] = new_path
        edits = []
        for ref, fields in by_entry.values():
            entry = ref.entry
            new_fields = list(entry.fields)
            for index, spans in fields.items():
                new_fields[index] = _rewrite_field(
                    entry,
                    index,
                    ref.values[index],
                    [(start, end, new) for (start, end), new in spans.items()],
                )
            edits.append(Edit.replace(entry, entry.with_changes(fields=tuple(new_fields))))
        return edits


#: How many of DefaultDestDir's blockers its message names (a line may name thousands
#: of lists that cannot move: each has its own finding saying why).
SHOWN_BLOCKERS = 10


class _Reasons:
    """Distinct reasons, in order: the first :data:`SHOWN_BLOCKERS` kept, all counted."""

    __slots__ = ("count", "seen", "shown")

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.count = 0
        self.seen: set[str] = set()

    def append(self, reason: str) -> None:
        """Add a reason (nothing if the same text came before)."""
        if reason in self.seen:
            return
        self.seen.add(reason)
        self.count += 1
        if len(self.shown) < SHOWN_BLOCKERS:
            self.shown.append(reason)

    def add_unique(self, plan: ListPlan) -> None:
        """Add the reason of a list without files whose one reason no other reason can
        equal (a line may name hundreds of thousands: their text is made only when it is
        shown)."""
        self.count += 1
        if len(self.shown) < SHOWN_BLOCKERS:
            self.shown.append(f"{plan.file_list.name}: {plan.blocked[0]}")

    def text(self) -> str:
        """The reasons joined with "; ", the first :data:`SHOWN_BLOCKERS` only, then "and N
        more"."""
        rest = self.count - len(self.shown)
        return "; ".join(self.shown) + (f"; and {rest} more" if rest > 0 else "")


def _nt_reason(ref: EntryRef, name: str, text: str) -> str:
    """Why a kernel-style path (``System32\\drivers\\x.sys``, ``\\SystemRoot\\...``) blocks
    the move: ``%13%`` expands to a drive-letter path, which is not what its reader takes."""
    return (
        f"line {ref.line} names {name} as {text}, a kernel-style path (relative to "
        "\\SystemRoot, as a service ImagePath is read); %13% would write a drive-letter "
        "path there: install the service with AddService, ServiceBinary = "
        f"%13%\\{name}, which SetupAPI writes in the kernel's form (ISO021)"
    )


def _with_others(count: int) -> str:
    """What a branch's message says of the other lists of its fix."""
    if count == 1:
        return ""
    return f" (shared with {count - 1} other list{'s' if count > 2 else ''})"


def _split_name(name: str, subdir: str) -> str:
    return f"{name}_{re.sub(r'[^A-Za-z0-9_.-]+', '_', subdir).strip('_')}"


def _rewrite_field(
    entry: Entry, index: int, cooked: str, spans: list[tuple[int, int, str]]
) -> Field:
    """Field ``index`` of ``entry`` with the cooked spans replaced, quoted like the original
    when it was one quoted value, else as its place on the line needs (:func:`quote_field`:
    the first field of an entry without a key needs quotes around an ``=``)."""
    text = cooked
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    f = entry.fields[index]
    raw = f.value
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        new_raw = '"' + text.replace('"', '""') + '"'
    else:
        new_raw = quote_field(entry, index, text)
    return f.with_changes(value=new_raw)


def _set_values(entry: Entry, values: list[str]) -> Entry:
    """The entry with its field values replaced by cooked ``values`` (quoted as their place
    needs), keeping the spacing of the first field, the comma spacing, and the column of a
    trailing comment."""
    texts = [quote(v, first_field=entry.key_node is None and i == 0) for i, v in enumerate(values)]
    fields = new_fields(
        texts, first=entry.fields[0].whitespace_before, after_comma=spacing_after_commas(entry)
    )
    return with_fields(entry, fields, keep_comment_column=True)


def _with_flags(entry: Entry, flags: str) -> Entry:
    """The file-list entry with its flags field (index 3) set to ``flags``; "" removes it
    with the empty fields before it, keeping the spacing and a trailing comment's column."""
    if flags:
        return replace_fields(entry, {3: flags}, keep_comment_column=True)
    old = entry.fields
    keep = 3
    while keep > 1 and not old[keep - 1].value.strip():
        keep -= 1
    kept = remove_fields(entry, range(keep, len(old)), keep_comment_column=True)
    assert kept is not None  # the first field is kept
    return kept


class SharedFixes:
    """A rule's fixes of its plans, one per edit list: the lists that one branch, split or
    edit moves together (:meth:`DriverStorePlans._joint`) share their edits, so their
    findings share one fix (a fix each would rewrite the same lines, one applied a round:
    issue 18)."""

    __slots__ = ("_fixer", "_fixes")

    def __init__(self, fixer: Fixer) -> None:
        self._fixer = fixer
        self._fixes: dict[int, Fix] = {}

    def of(self, plan: ListPlan, applicability: Applicability | None = None) -> Fix:
        """The fix of the plan's edits (``applicability``: the plan's unless given)."""
        fix = self._fixes.get(id(plan.edits))
        if fix is None:
            fix = self._fixes[id(plan.edits)] = self._fixer.make_fix(
                *plan.edits,
                applicability=plan.applicability if applicability is None else applicability,
            )
        return fix


def _shared(plans: Sequence[ListPlan], edits: list[Edit]) -> list[Edit]:
    """``edits`` (the joint edits of ``plans``) with the plans' Models decorations and
    dropped sections once each (lists of one group decorate the same Models sections: the
    key of the group), set on every plan: their findings share one fix."""
    seen: set[int] = set()
    for plan in plans:
        for edit in (*plan.decorate_edits, *plan.drops):
            if id(edit.target) not in seen:
                seen.add(id(edit.target))
                edits.append(edit)
    for plan in plans:
        plan.edits = edits
    return edits
