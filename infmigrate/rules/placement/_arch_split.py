"""The per-architecture split of a file list (ISO001, ISO002, ISO003, ISO006).

A list whose files come from different package folders on the architectures that install
it (``x.sys = 1,arm`` in ``[SourceDisksFiles.arm]``, ``x.sys = 1,arm64`` in
``[SourceDisksFiles.arm64]``) needs one ``13,<folder>`` per folder: the driver store keeps
the package's layout, and a DIRID 13 destination must be the folder the file comes from
(InfVerif 1100). The split:

* **Lists.** The folder layout most architectures share keeps the list's name and its
  ``[DestinationDirs]`` entry (``13,<folder>``); each other layout gets a copy of the list
  named ``<list>_<folder>`` (``Drivers_Dir_arm64``, ``Files_i386``; characters outside
  ``[A-Za-z0-9_.-]`` become ``_``, a number is added when the name is taken) with its own
  entry next to the first.
* **References.** Every path that names a moved file at its old place becomes
  ``%13%\\<folder>\\file`` with the folder of the architectures that reach the line;
  every CopyFiles that names the list names the copy on the architectures of the copy.
* **Shared sections.** A section whose lines must differ between architectures that all
  reach it is copied: a service-install, registry or other section named by a directive
  becomes ``<section>_<folder>`` and the directive that names it is rewritten in the same
  way, up to the install section. A DDInstall section shared by architectures (``X.NT``
  reached from ``[Std.NTarm]`` and ``[Std.NTarm64]``) is copied with every suffix section
  under the platform extension of each architecture that needs other lines
  (``X.NTarm64``, ``X.NTarm64.Services``...: :func:`infmigrate.engine.clone.clone_install`).
  Sections whose lines are the same on every architecture are left shared; a section only
  one layout reaches is rewritten in place. Every copy is reached (no InfVerif 2083).

Lists that split into the same groups of architectures are split together, in one set
of edits (:func:`split_key`), whatever their folders: the edits of one list's split would
rewrite lines another's rewrites too (the CopyFiles line naming them, the copied install
section, the end of ``[DestinationDirs]``), and the runner applies one fix a round to a
line (issue 18: a CopyFiles line of 12+ lists, each from a folder of its own, never
converged while lists were grouped by folder too). Each list and its copies get the
folders of its own files; a shared section copied for a group is named after the group's
folder when every list of the split has the same one there, else after the group's
architectures (``Cx_Reg_arm64``).

Every architecture installs the same sections, files, services and registry values as
before; only the folder in the driver store, and the paths naming it, differ. When that
cannot be kept, nothing is split and the reason is given: the list or a section on the
way is named through a ``%strkey%``, a section to copy is an install section that a
directive names too, or is reached from a DefaultInstall or ClassInstall32 section shared
by architectures (the platform extensions of those are not looked up the way a DDInstall's
are).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

from infmigrate.engine.clone import (
    Cloner,
    NameAllocator,
    name_suffix,
    replace_entries,
    rewrite_fields,
)
from infmigrate.engine.edits import make_entry
from infmigrate.engine.fixer import Edit
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.sections import EntryRef, LogicalSection
from infmigrate.engine.syntax import Entry
from infmigrate.rules.placement._copies import installs_of

if TYPE_CHECKING:
    from infmigrate.rules.placement._driver_store import ListPlan, _Planner

__all__ = ["arch_split", "split_key"]

#: A cooked-text replacement: (entry, field, start, end, new text).
_Span = tuple[EntryRef, int, int, int, str]


def _join(folder: str, name: str) -> str:
    return f"{folder}\\{name}" if folder else name


def _signature(spans: list[_Span]) -> frozenset[tuple[int, int, int, int, str]]:
    return frozenset((id(r.entry), i, s, e, new) for r, i, s, e, new in spans)


class _Split:
    """The split of one list, or of several lists split the same way (the same groups:
    :func:`arch_split`) in one set of edits."""

    def __init__(self, planner: _Planner, plans: Sequence[ListPlan]) -> None:
        self.planner = planner
        self.model = planner.model
        self.ctx = planner.ctx
        self.plans = plans
        self.plan = plans[0]
        self.groups = self.plan.arch_groups
        self.group_of = {a.casefold(): gi for gi, g in enumerate(self.groups) for a in g.arches}
        self.names = NameAllocator(self.model)
        #: Spans of each section (folded name), per group.
        self.spans: dict[str, dict[int, list[_Span]]] = {}
        self.sections: dict[str, LogicalSection] = {}
        #: Copies of non-install sections: (folded name, group) -> name.
        self.copies: dict[tuple[str, int], str] = {}
        #: Install sections to copy, with the groups that need a copy.
        self.install_groups: dict[int, tuple[InstallSection, set[int]]] = {}
        self.roots: dict[str, list[InstallSection]] = {}
        for install in self.model.install_sections:
            for section in (install.section, *install.suffixes.values()):
                if section is not None:
                    self.roots.setdefault(section.folded, []).append(install)

    def reach(self, section: LogicalSection) -> set[int]:
        """The groups whose architectures reach the section (the first group when none
        does: an architecture that does not install the list keeps the list's name)."""
        out = {
            self.group_of.get(a.casefold(), 0)
            for install in installs_of(self.ctx, section)
            for a in install.platforms
        }
        return out or {0}

    def add(self, section: LogicalSection, group: int | None, span: _Span | None) -> None:
        slot = self.spans.setdefault(section.folded, {})
        self.sections[section.folded] = section
        if group is not None and span is not None:
            slot.setdefault(group, []).append(span)

    def local_keeper(self, reach: set[int]) -> int:
        return 0 if 0 in reach else min(reach)

    def install_refusal(self, install: InstallSection, section: LogicalSection) -> str:
        """Why the install tree of ``install`` (which reaches ``section``, one of its
        sections that must differ) cannot be copied; "" when it can."""
        if install.kind != "ddinstall":
            return (
                f"[{section.name}] is reached on several architectures from "
                f"[{install.name}], whose platform extensions are not looked up "
                "as a DDInstall's: it cannot be copied per architecture"
            )
        if self.model.references_to(section):
            return (
                f"[{section.name}] is an install section that a directive names "
                "too; copying it per architecture would not copy that use"
            )
        return ""

    def copy_name(self, section: LogicalSection, group: int) -> str:
        """The name wanted for the copy of a (non-install) section for ``group``: after the
        group's folder when the lists split together agree on it, else after the group's
        architectures."""
        folders = {plan.arch_groups[group].folder for plan in self.plans}
        if len(folders) > 1:
            return f"{section.name}_{name_suffix('_'.join(self.groups[group].arches))}"
        folder = folders.pop()
        return f"{section.name}_{name_suffix(folder) if folder else 'root'}"

    def run(self) -> list[Edit] | str:
        names: list[list[str]] = []  # each plan's list, then its copies
        for plan in self.plans:
            got = self.add_list(plan)
            if isinstance(got, str):
                return got
            names.append(got)
        reason = self.propagate()
        if reason:
            return reason
        return self.edits(names)

    def add_list(self, plan: ListPlan) -> list[str] | str:
        """Claim the names of the list's copies and add the spans that rename it and
        rewrite the paths to its files; the names (the list's first), or why not."""
        fl = plan.file_list
        assert fl.section is not None  # @file copies are never split
        list_names = [fl.name] + [
            self.names.claim(f"{fl.name}_{name_suffix(g.folder) if g.folder else 'root'}")
            for g in plan.arch_groups[1:]  # (the list's own folders)
        ]
        for ref in fl.references:
            if "%" in ref.raw_name:
                return (
                    f"line {ref.entry.line} names {fl.name} through a %strkey%, which "
                    "the split by architecture cannot rewrite for one architecture only"
                )
            value = ref.entry.values[ref.index]
            section = ref.entry.section
            self.add(section, None, None)
            for gi in range(1, len(self.groups)):
                self.add(section, gi, (ref.entry, ref.index, 0, len(value), list_names[gi]))
        files = fl.files
        for use in plan.uses:
            i = files.index(use.copy)
            written = use.ref.values[use.field][use.start : use.end].rsplit("\\", 1)[-1]
            written = written or use.copy.dest_name
            for gi, group in enumerate(plan.arch_groups):  # (the plan's own: by its files)
                new = "%13%\\" + _join(group.subdirs.get(i, ""), written)
                self.add(use.ref.section, gi, (use.ref, use.field, use.start, use.end, new))
        return list_names

    def propagate(self) -> str:
        """Decide, from the leaves up, which sections are copied for which groups."""
        pending = deque(self.spans)
        rounds = 0
        while pending:
            rounds += 1
            if rounds > 10 * (len(self.model.sections) + 10):
                return "the sections that name the list form a cycle"
            folded = pending.popleft()
            section = self.sections[folded]
            reach = self.reach(section)
            slot = self.spans[folded]
            keeper = self.local_keeper(reach)
            base = _signature(slot.get(keeper, []))
            others = [g for g in sorted(reach) if _signature(slot.get(g, [])) != base]
            if not others:
                continue
            installs = self.roots.get(folded)
            if installs:
                for install in installs:
                    refusal = self.install_refusal(install, section)
                    if refusal:
                        return refusal
                    ikeeper = self.local_keeper(
                        {self.group_of.get(a.casefold(), 0) for a in install.platforms}
                    )
                    wanted = self.install_groups.setdefault(id(install), (install, set()))[1]
                    wanted.update(g for g in others if g != ikeeper)
                continue
            references = self.model.references_to(section)
            if not references:
                return f"[{section.name}] must differ by architecture but nothing names it"
            for g in others:
                if (folded, g) in self.copies:
                    continue
                name = self.names.claim(self.copy_name(section, g))
                self.copies[(folded, g)] = name
                for ref in references:
                    if "%" in ref.raw_name:
                        return (
                            f"line {ref.entry.line} names [{section.name}] through a "
                            "%strkey%, which the split by architecture cannot rewrite for "
                            "one architecture only"
                        )
                    parent = ref.entry.section
                    value = ref.entry.values[ref.index]
                    self.add(parent, g, (ref.entry, ref.index, 0, len(value), name))
                    if parent.folded not in pending:
                        pending.append(parent.folded)
        return ""

    def edits(self, names: list[list[str]]) -> list[Edit]:
        edits: list[Edit] = []
        cloner = Cloner(self.model, self.names)
        # in place: each section gets the lines of the group that keeps it
        install_keeper: dict[str, int] = {}
        for install, _ in self.install_groups.values():
            keeper = self.local_keeper(
                {self.group_of.get(a.casefold(), 0) for a in install.platforms}
            )
            for section in (install.section, *install.suffixes.values()):
                if section is not None:
                    install_keeper[section.folded] = keeper
        for folded, slot in self.spans.items():
            section = self.sections[folded]
            keeper = install_keeper.get(folded, self.local_keeper(self.reach(section)))
            new = rewrite_fields(slot.get(keeper, []))
            edits += replace_entries(section.entries, new)
        # copies of the other sections
        for (folded, g), name in self.copies.items():
            section = self.sections[folded]
            new = rewrite_fields(self.spans[folded].get(g, []))
            cloner.section(section, name, rewrite=new)
        # copies of the install trees, per architecture
        for install, wanted in self.install_groups.values():
            tree = [s for s in (install.section, *install.suffixes.values()) if s is not None]
            for arch in sorted(install.platforms):
                g = self.group_of.get(arch.casefold(), 0)
                if g not in wanted:
                    continue
                rewrite: dict[int, Entry] = {}
                for section in tree:
                    rewrite.update(rewrite_fields(self.spans.get(section.folded, {}).get(g, [])))
                cloner.install(install, arch, rewrite=rewrite)
        # the lists, their copies and their [DestinationDirs] entries
        for plan, list_names in zip(self.plans, names, strict=True):
            fl = plan.file_list
            assert fl.section is not None
            fixes = self.planner._flag_fixes(plan)
            edits += [
                Edit.replace(c.entry.entry, fixes[id(c.entry.entry)])
                for c in fl.files
                if c.entry is not None and id(c.entry.entry) in fixes
            ]
            for name in list_names[1:]:
                cloner.section(fl.section, name, rewrite=fixes)
        edits += cloner.edits()
        edits += self.destination_edits(names)
        return edits

    def destination_edits(self, names: list[list[str]]) -> list[Edit]:
        """The ``[DestinationDirs]`` entries of the lists and their copies: each list's own
        entry rewritten, with its copies' after it; the entries of lists without one added
        in one edit (one per list would each add at the end of the section)."""
        from infmigrate.rules.placement._driver_store import _set_values

        planner = self.planner
        edits: list[Edit] = []
        added: list[Entry] = []
        for plan, list_names in zip(self.plans, names, strict=True):
            fl = plan.file_list
            values = [["13", g.folder] if g.folder else ["13"] for g in plan.arch_groups]
            dest_entry = fl.destination.entry if fl.destination.origin == "explicit" else None
            like = dest_entry.entry if dest_entry is not None else planner._destination_like()
            new_entries: list[Entry] = []
            if dest_entry is not None:
                edits.append(
                    Edit.replace(dest_entry.entry, _set_values(dest_entry.entry, values[0]))
                )
            else:
                new_entries.append(
                    make_entry(fl.name, values[0], like=like, newline=planner._nl(like))
                )
            for name, value in zip(list_names[1:], values[1:], strict=True):
                new_entries.append(make_entry(name, value, like=like, newline=planner._nl(like)))
            if dest_entry is not None:
                edits.append(Edit.insert_after(dest_entry.entry, *new_entries))
            else:
                added += new_entries
        if added:
            edits.append(planner._add_destination_entries(added))
        return edits


def arch_split(planner: _Planner, plans: Sequence[ListPlan]) -> list[Edit] | str:
    """The edits that split the lists by architecture (see the module docstring), or why
    they cannot be split. Several lists are split in one set of edits when their groups
    are the same (:func:`split_key`): one fix for a CopyFiles line naming them all, each
    split would otherwise rewrite the same lines, one a round (issue 18)."""
    try:
        return _Split(planner, plans).run()
    except ValueError as exc:  # a copy that cannot be named or placed
        return f"the list cannot be split by architecture: {exc}"


def split_key(plan: ListPlan) -> tuple[tuple[str, ...], ...]:
    """What lists split in one set of edits must share: their groups of architectures, in
    order (their folders may differ: each list's copies and entries get its own)."""
    return tuple(tuple(sorted(a.casefold() for a in g.arches)) for g in plan.arch_groups)
