"""The migration plan shared by the file-placement rules (ISO001, ISO002, ISO003, ISO006,
ISO012): which file lists can run from the driver store (DIRID 13), why the others cannot,
and the edits that move a list together with **every** reference to its files.

One plan per round, computed once and shared through ``FixContext.cache``. A list moves
only as a whole, and only when every file in it can move:

* its source is known (a SourceDisksFiles entry), with one subdir on every architecture;
* it is not renamed (DIRID 13 runs files under their source name, InfVerif 1100);
* no ``<list>.security`` section is attached (1101), no DelFiles or RenFiles names it (1102);
* it is not copied to another place as well;
* no registry value loads it by bare name (a co-installer, a property page DLL), which
  would stop finding it once it leaves System32;
* no path to it comes out of a ``[Strings]`` value (the rewrite would change every locale's
  string, a decision left to the author);
* its consumer does not look for it in a fixed place (a colour profile, a CNG or Winsock
  provider, a print monitor...: the table of ``_fixed_place``).

When a list moves, its ``[DestinationDirs]`` entry becomes ``13[,subdir]`` (subdir = the
files' SourceDisksFiles subdir; a list whose files come from several subdirs is split into
one list per subdir), and every path that names one of its files at the old place, in any
field of any line (ServiceBinary, registry values, ...), is rewritten to ``%13%\\subdir\\file``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from infmigrate.edits import append_lines, make_entry, make_section, quote
from infmigrate.fixer import Edit, FixContext
from infmigrate.model import InfModel
from infmigrate.model.files import Destination, FileCopy, FileList, ListKind, SourceFile
from infmigrate.model.paths import find_paths
from infmigrate.model.sections import EntryRef, fold
from infmigrate.syntax import Entry, Field, TriviaLine

from ._fixed_place import Consumer, FixedPlaces, recognize

__all__ = ["ListPlan", "PathUse", "Plans", "plans"]

#: DIRIDs that are System32 (11) and System32\drivers (12).
LEGACY = (11, 12)
DRIVER_STORE = 13
_CACHE_KEY = "driver-store-plans"
#: A file-name-like token in a registry value (what a bare-name load would name): a run
#: between separators, so that build-template names (``x#WDF_VERSION#.dll``) stay whole.
_NAME_TOKEN = re.compile(r"[^\s,;\"'\\/:%=()]+")
#: Sections whose values name files without being references to installed files.
_NOT_REFERENCES = ("sourcedisksfiles", "sourcedisksnames", "destinationdirs", "strings")


def _norm_dir(path: str) -> str:
    return path.strip().strip("\\").casefold()


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


@dataclass
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
    #: Files (by index) whose consumer looks for them in a fixed place.
    fixed: dict[int, Consumer] = field(default_factory=dict)

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
        return "; ".join(dict.fromkeys(self.blocked))


@dataclass
class Plans:
    """The plan of every CopyFiles list that is not yet where it should be."""

    #: Lists copied to DIRID 11 or 12 (explicit entry, DefaultDestDir or the fallback).
    legacy: list[ListPlan] = field(default_factory=list)
    #: Lists already in DIRID 13 whose subdir does not match their sources.
    subdir_mismatch: list[ListPlan] = field(default_factory=list)
    #: The DefaultDestDir fix (DIRID 11/12 -> 13), when it can be made, and its reason.
    default_edits: list[Edit] = field(default_factory=list)
    default_blocked: str = ""
    #: Plan of each list by identity, for the reference rules.
    by_list: dict[int, ListPlan] = field(default_factory=dict)


def plans(ctx: FixContext) -> Plans:
    """The round's plans (computed once per round and shared between the rules)."""
    cached = ctx.cache.get(_CACHE_KEY)
    if cached is None:
        cached = ctx.cache[_CACHE_KEY] = _Planner(ctx).run()
    return cached  # type: ignore[no-any-return]


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
        self.name = lambda text: fold(expand(text))
        self.copy_lists = [fl for fl in self.model.file_lists if fl.kind is ListKind.COPY]

    @cached_property
    def newline(self) -> str:
        return self.ctx.tree.newline

    @cached_property
    def places(self) -> dict[str, dict[tuple[int | None, str], str]]:
        """Every destination each file name (folded) is copied to, as written."""
        places: dict[str, dict[tuple[int | None, str], str]] = {}
        for fl in self.copy_lists:
            dest = fl.destination
            for copy in fl.files:
                places.setdefault(self.name(copy.dest_name), {}).setdefault(
                    (dest.dirid, _norm_dir(dest.subdir)),
                    f"DIRID {dest.dirid}" + (f"\\{dest.subdir.strip(chr(92))}"
                                             if dest.subdir.strip("\\") else ""))
        return places

    @cached_property
    def deleted(self) -> set[str]:
        """File names (folded) that DelFiles deletes or RenFiles renames, either side."""
        deleted = {self.name(c.dest_name) for fl in self.model.file_lists
                   if fl.kind is not ListKind.COPY for c in fl.files}
        deleted |= {self.name(c.source_name) for fl in self.model.file_lists
                    if fl.kind is ListKind.REN for c in fl.files}
        return deleted

    @cached_property
    def _paths(self) -> list[tuple[EntryRef, int, object, bool]]:
        return self._all_paths()

    @cached_property
    def fixed_places(self) -> FixedPlaces:
        return recognize(self.model)

    @cached_property
    def _bare(self) -> dict[str, EntryRef]:
        return self._bare_name_values()

    # Every path in every field of the file, once.
    def _all_paths(self) -> list[tuple[EntryRef, int, object, bool]]:
        out = []
        strings = self.model.strings
        for section in self.model.sections:
            if section.folded.split(".")[0] in _NOT_REFERENCES:
                continue
            for ref in section.entries:
                for index, value in enumerate(ref.values):
                    if "\\" not in value:
                        continue
                    _, found = find_paths(value, strings)
                    for path in found:
                        # Is the root (%12%\, %SystemRoot%\System32\...) written in the line,
                        # or does it come out of a [Strings] value?
                        root = path.text[:len(path.text) - len(path.subpath)].casefold()
                        written = value[path.start:path.end].replace("%%", "%")
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
        for fl in self.copy_lists:
            dest = fl.destination
            if dest.dirid in LEGACY:
                plan = self._plan(fl)
                result.legacy.append(plan)
            elif dest.dirid == DRIVER_STORE and fl.files:
                # Most lists already in the store keep their sources' subdirs: only a
                # list that does not gets the whole plan.
                if self._keeps_subdirs(fl, self._source_subdirs(fl)):
                    continue
                plan = self._plan(fl)
                if self._keeps_subdirs(fl, plan.subdirs) or not plan.movable:
                    continue
                result.subdir_mismatch.append(plan)
            else:
                continue
            result.by_list[id(fl)] = plan
        self._edits(result)
        return result

    def _keeps_subdirs(self, fl: FileList, subdirs: dict[int, str]) -> bool:
        """Whether each file of the list lands where its source subdir says. Source subdirs
        are kept as written (they are copied into DestinationDirs), destinations come
        expanded: both are compared expanded."""
        expand = self.model.strings.expand
        want = _norm_dir(fl.destination.subdir)
        return all(_norm_dir(expand(subdirs.get(i, ""))) == want
                   for i in range(len(fl.files)))

    def _sources(self, copy: FileCopy) -> tuple[list[SourceFile], bool]:
        """The file's [SourceDisksFiles] entries (one per architecture that has one, in
        architecture order), and whether they all name the same subdirectory."""
        arches = sorted(a for a in self.model.architectures if a) or [None]
        sources = [s for s in (copy.source_for(arch) for arch in arches) if s is not None]
        expand = self.model.strings.expand
        return sources, len({_norm_dir(expand(s.subdir)) for s in sources}) <= 1

    def _source_subdirs(self, fl: FileList) -> dict[int, str]:
        """The source subdir of each file of the list, as :meth:`_plan` records it (files
        without one source subdir on every architecture left out)."""
        out: dict[int, str] = {}
        for i, copy in enumerate(fl.files):
            sources, same = self._sources(copy)
            if sources and same:
                out[i] = sources[0].subdir.strip().strip("\\")
        return out

    def _plan(self, fl: FileList) -> ListPlan:
        plan = ListPlan(fl)
        dest = fl.destination
        if not fl.files:
            plan.blocked.append("the list has no files" if fl.section is not None
                                else f"section [{fl.name}] does not exist")
        if fl.has_security:
            plan.blocked.append(
                f"[{fl.security.name}] sets its security; files in the driver store "  # type: ignore[union-attr]
                "keep the store's ACLs (InfVerif 1101)")
        expand = self.model.strings.expand
        for i, copy in enumerate(fl.files):
            name = copy.dest_name
            consumer = self.fixed_places.consumer(expand(name), dest.dirid, expand(
                dest.subdir)) if dest.dirid in LEGACY else None
            if consumer is not None:
                # its consumer looks in a fixed place: nothing else matters
                plan.fixed[i] = consumer
                continue
            if copy.renames:
                plan.blocked.append(
                    f"{copy.source_name} is installed as {name}; the driver store runs files "
                    "under their source name (InfVerif 1100, ISO005)")
            sources, same = self._sources(copy)
            if not sources:
                plan.blocked.append(f"{copy.source_name} has no [SourceDisksFiles] entry")
                continue
            if not same:
                plan.blocked.append(f"{copy.source_name} comes from different subdirectories "
                                    "on different architectures")
                continue
            first = sources[0]
            if first.disk_path.strip().strip("\\"):
                plan.blocked.append(
                    f"the disk of {copy.source_name} has the path {first.disk_path!r}; where "
                    "the file lands in the driver store then depends on it")
            plan.subdirs[i] = first.subdir.strip().strip("\\")
            key = fold(name)
            here = (dest.dirid, _norm_dir(dest.subdir))
            others = [text for place, text in self.places.get(key, {}).items() if place != here]
            if others:
                plan.blocked.append(f"{name} is also copied to {', '.join(sorted(others))}")
            if key in self.deleted:
                plan.blocked.append(f"{name} is also named by DelFiles or RenFiles (ISO007)")
            bare = self._bare_use(self.model.strings.expand(name))
            if bare is not None:
                plan.blocked.append(
                    f"{bare.section.name} line {bare.line} loads {name} by bare name, which "
                    "only works from System32 (ISO004)")
        # one reason per consumer class, naming its files, first
        fixed: dict[int, tuple[Consumer, list[str]]] = {}
        for i, consumer in plan.fixed.items():
            fixed.setdefault(id(consumer), (consumer, []))[1].append(fl.files[i].dest_name)
        plan.blocked[:0] = [consumer.reason(names) for consumer, names in fixed.values()]
        old_dir = _norm_dir(dest.subdir)
        for ref, index, path, literal in self._paths:
            dirid, subpath = path.normalized  # type: ignore[attr-defined]
            if dirid != dest.dirid:
                continue
            folder, _, file_name = subpath.rpartition("\\")
            if _norm_dir(folder) != old_dir:
                continue
            for copy in fl.files:
                if self.name(copy.dest_name) == fold(file_name):
                    use = PathUse(ref, index, path.start, path.end, copy,  # type: ignore[attr-defined]
                                  not literal)
                    plan.uses.append(use)
                    if use.from_strings:
                        plan.blocked.append(
                            f"line {ref.line} names {copy.dest_name} through a [Strings] value")
        return plan

    def _bare_use(self, name: str) -> EntryRef | None:
        """The first registry value that names ``name`` without a path, if any."""
        return self._bare.get(name.casefold())

    # --- edits ------------------------------------------------------------------------

    def _edits(self, result: Plans) -> None:
        dd = self.model.destination_dirs
        default = dd.default
        relying = [p for p in result.legacy if p.destination.origin == "default"]
        default_legacy = default is not None and default.dirid in LEGACY
        everyone_moves = all(p.movable and set(p.groups) == {""} for p in relying)
        if default_legacy and everyone_moves:
            result.default_edits = [Edit.replace(default.entry.entry,  # type: ignore[union-attr]
                                                 _set_values(default.entry.entry, ["13"]))]
            result.default_edits += self._reference_edits(relying)
        elif default_legacy:
            blockers = [p for p in relying if not p.movable]
            result.default_blocked = "; ".join(
                f"{p.file_list.name}: {p.reason()}" for p in blockers) or (
                "files that rely on it come from subdirectories")
        for plan in result.legacy + result.subdir_mismatch:
            if not plan.movable:
                continue
            if plan.destination.origin == "default" and default_legacy and everyone_moves:
                plan.edits = list(result.default_edits)
                continue
            if plan.file_list.file is not None:  # @file: only DefaultDestDir can move it
                plan.blocked.append("a CopyFiles=@file copy goes where DefaultDestDir says, "
                                    "and other lists rely on DefaultDestDir too")
                continue
            plan.edits = self._list_edits(plan) + self._reference_edits([plan])

    def _list_edits(self, plan: ListPlan) -> list[Edit]:
        fl = plan.file_list
        groups = plan.groups
        subdirs = list(groups)
        edits: list[Edit] = []
        first = subdirs[0]
        entry_values = ["13", first] if first else ["13"]
        dest_entry = fl.destination.entry if fl.destination.origin == "explicit" else None
        new_entries: list[Entry] = []
        names = [fl.name] + [_split_name(fl.name, s) for s in subdirs[1:]]
        like = self._destination_like()
        if dest_entry is not None:
            edits.append(Edit.replace(dest_entry.entry, _set_values(dest_entry.entry,
                                                                    entry_values)))
            like = dest_entry.entry
        else:
            new_entries.append(make_entry(fl.name, entry_values, like=like,
                                          newline=self._nl(like)))
        for name, subdir in zip(names[1:], subdirs[1:], strict=True):
            new_entries.append(make_entry(name, ["13", subdir], like=like,
                                          newline=self._nl(like)))
        if new_entries:
            if dest_entry is not None:
                edits.append(Edit.insert_after(dest_entry.entry, *new_entries))
            else:
                edits.append(self._add_destination_entries(new_entries))
        if len(subdirs) > 1:
            edits += self._split(plan, names, subdirs)
        return edits

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
        body: list[object] = list(entries)
        if after is not None and after.body and type(after.body[-1]) is TriviaLine:
            body.append(TriviaLine("", "", after.body[-1].newline or self.newline))
        new = make_section("DestinationDirs", body, newline=self.newline)  # type: ignore[arg-type]
        if after is None and tree.sections:
            # no [Version] to follow: at the end of the file
            return Edit.insert_section(None, new)
        return Edit.insert_section(after, new)

    def _split(self, plan: ListPlan, names: list[str], subdirs: list[str]) -> list[Edit]:
        """One list per subdir: move the files of the other subdirs to new sections, and
        name the new lists next to the old one in every CopyFiles that names it."""
        fl = plan.file_list
        section = fl.section
        assert section is not None
        groups = plan.groups
        edits: list[Edit] = []
        for subdir in subdirs[1:]:
            for copy in groups[subdir]:
                if copy.entry is not None:
                    edits.append(Edit.delete(copy.entry.entry))
        last = section.blocks[-1]
        new_sections = []
        trailing_blank = bool(last.body) and type(last.body[-1]) is TriviaLine
        for name, subdir in zip(names[1:], subdirs[1:], strict=True):
            lines: list[object] = [c.entry.entry for c in groups[subdir] if c.entry is not None]
            if trailing_blank:
                lines.append(TriviaLine("", "", self.newline))
            new_sections.append(make_section(name, lines, newline=last.header.newline
                                             or self.newline))  # type: ignore[arg-type]
        if not trailing_blank:
            # the section ran straight into the next one: a blank line before the new ones
            edits.append(Edit.insert_after(last.body[-1] if last.body else last.header,
                                           TriviaLine("", "", self.newline)))
        edits.append(Edit.insert_section(last, *new_sections))
        by_entry: dict[int, tuple[EntryRef, list[int]]] = {}
        for reference in fl.references:
            slot = by_entry.setdefault(id(reference.entry), (reference.entry, []))
            slot[1].append(reference.index)
        for ref, indexes in by_entry.values():
            edits.append(Edit.replace(ref.entry, _insert_after_fields(
                ref.entry, indexes, names[1:])))
        return edits

    def _reference_edits(self, plans: Sequence[ListPlan]) -> list[Edit]:
        """Rewrite every path naming a file of the lists at its old place: one edit per
        line, whatever the number of paths and lists it names."""
        by_entry: dict[int, tuple[EntryRef, dict[int, dict[tuple[int, int], str]]]] = {}
        for plan in plans:
            for use in plan.uses:
                i = plan.file_list.files.index(use.copy)
                new_path = "%13%\\" + _join(plan.subdirs.get(i, ""), use.copy.dest_name)
                slot = by_entry.setdefault(id(use.ref), (use.ref, {}))
                slot[1].setdefault(use.field, {})[(use.start, use.end)] = new_path
        edits = []
        for ref, fields in by_entry.values():
            entry = ref.entry
            new_fields = list(entry.fields)
            for index, spans in fields.items():
                new_fields[index] = _rewrite_field(
                    new_fields[index], ref.values[index],
                    [(start, end, new) for (start, end), new in spans.items()])
            edits.append(Edit.replace(entry, entry.with_changes(fields=tuple(new_fields))))
        return edits


def _split_name(name: str, subdir: str) -> str:
    return f"{name}_{re.sub(r'[^A-Za-z0-9_.-]+', '_', subdir).strip('_')}"


def _rewrite_field(f: Field, cooked: str, spans: list[tuple[int, int, str]]) -> Field:
    """The field with the cooked spans replaced, quoted like the original."""
    text = cooked
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    raw = f.value
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        new_raw = '"' + text.replace('"', '""') + '"'
    else:
        new_raw = quote(text)
    return f.with_changes(value=new_raw)


def _set_values(entry: Entry, values: list[str]) -> Entry:
    """The entry with its field values replaced by raw ``values``, keeping the spacing of
    the first field, the comma spacing, and the column of a trailing comment."""
    old = entry.fields
    after_comma = next((f.whitespace_before for f in old[1:]), "")
    first = old[0]
    last = old[-1]
    fields = []
    for i, value in enumerate(values):
        before = first.whitespace_before if i == 0 else after_comma
        fields.append(Field(value, before, "", "," if i < len(values) - 1 else ""))
    old_width = sum(len(f.code) for f in old) - len(last.whitespace_after)
    new_width = sum(len(f.code) for f in fields)
    if entry.comment and last.whitespace_after:
        pad = max(1, len(last.whitespace_after) - (new_width - old_width))
        fields[-1] = fields[-1].with_changes(whitespace_after=" " * pad)
    else:
        fields[-1] = fields[-1].with_changes(whitespace_after=last.whitespace_after)
    return entry.with_changes(fields=tuple(fields))


def _insert_after_fields(entry: Entry, indexes: list[int], names: list[str]) -> Entry:
    """The entry with ``names`` added after each field in ``indexes`` (list references)."""
    old = list(entry.fields)
    after_comma = next((f.whitespace_before for f in old[1:]), " ")
    out: list[Field] = []
    for i, f in enumerate(old):
        if i in indexes:
            trailing = f.whitespace_after
            out.append(f.with_changes(whitespace_after="", comma=","))
            for j, name in enumerate(names):
                last = j == len(names) - 1
                out.append(Field(quote(name), after_comma,
                                 trailing if last else "",
                                 f.comma if last else ","))
        else:
            out.append(f)
    return entry.with_changes(fields=tuple(out))
