"""The downlevel branch of a file list (ISO001, with ISO002, ISO003): moving a list to the
driver store for the Windows builds at and above a floor while older builds keep it as
it is.

A list is reached by install sections on both sides of the floor (:mod:`._floors`): one
selected below it (a Models section ``NTamd64`` on a package whose target is older than
the floor) and, maybe, one selected only at the floor and later. The move is made as a
split, the same way as the split by architecture (:mod:`._arch_split`), with two groups
instead of architecture layouts: *old* (below the floor) keeps every section as it is,
byte for byte; *new* gets

* a copy of the list, ``<list>_<floor>`` (``Cx.Sys_16299``), with its own
  ``[DestinationDirs]`` entry ``13[,<folder>]`` (flags DIRID 13 rejects dropped, as in a
  move), the original list and its entry (or ``DefaultDestDir``) unchanged;
* every path that names a moved file rewritten to ``%13%\\<folder>\\<file>``, and every
  CopyFiles naming the list naming the copy, in sections only the new side reaches, or
  in copies (``<section>_<floor>``) of sections both sides reach, up to the install
  section, which gets a branch for the floor (:mod:`._branch`: ``Cx_Inst_16299.NT`` and a
  Models section decorated ``10.0...<floor>``, or ``DefaultInstall.NTamd64.10.0...<floor>``).

Lists reached only from the old side are left as they are: a branch the INF keeps for
older Windows (an INX with a Windows 7 Models section, or the old branch a previous run
left), where DIRID 12 is right. Not done in one step, with the reason: a list whose files
come from several folders, or from different folders on different architectures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from infmigrate.engine.builds import WindowsVersion
from infmigrate.engine.clone import Cloner, replace_entries, rewrite_fields
from infmigrate.engine.edits import make_entry
from infmigrate.engine.fixer import Edit
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.sections import LogicalSection
from infmigrate.engine.syntax import Entry
from infmigrate.rules.placement._arch_split import _Split
from infmigrate.rules.placement._branch import Branches
from infmigrate.rules.placement._copies import installs_of
from infmigrate.rules.placement._floors import NEW, OLD, Builds

if TYPE_CHECKING:
    from infmigrate.rules.placement._driver_store import ListPlan, _Planner

__all__ = ["BranchResult", "build_split"]


class BranchResult:
    """The edits of a downlevel branch and what it adds (for messages and counts)."""

    def __init__(self, edits: list[Edit], sections: int, floor: int) -> None:
        self.edits = edits
        self.sections = sections
        self.floor = floor


class _BuildSplit(_Split):
    def __init__(
        self, planner: _Planner, plans: Sequence[ListPlan], builds: Builds, at: WindowsVersion
    ) -> None:
        super().__init__(planner, plans)
        self.builds = builds
        self.at = at
        self.build = at.build
        self.branches = 0

    def reach(self, section: LogicalSection) -> set[int]:
        out: set[int] = set()
        for install in installs_of(self.ctx, section):
            out |= self.builds.sides(install, self.at)
        return out or {NEW}

    def local_keeper(self, reach: set[int]) -> int:
        return OLD if OLD in reach else NEW

    def install_refusal(self, install: InstallSection, section: LogicalSection) -> str:
        if install.kind not in ("ddinstall", "defaultinstall"):
            return (
                f"[{section.name}] is reached from [{install.name}], a {install.kind} "
                "section, whose decorated forms are not chosen by build"
            )
        if self.model.references_to(section):
            return (
                f"[{section.name}] is an install section that a directive names too; a "
                "branch for newer Windows would not copy that use"
            )
        return ""

    def copy_name(self, section: LogicalSection, group: int) -> str:
        return f"{section.name}_{self.build}"

    def run(self) -> list[Edit] | str:
        for plan in self.plans:
            for ref in plan.file_list.references:
                if "%" in ref.raw_name:
                    return (
                        f"line {ref.entry.line} names {plan.file_list.name} through a "
                        "%strkey%, which a branch for newer Windows cannot rewrite for that "
                        "branch only"
                    )
        new_lists = [self.add_branch_list(plan) for plan in self.plans]
        reason = self.propagate()
        if reason:
            return reason
        return self.branch_edits(new_lists)

    def add_branch_list(self, plan: ListPlan) -> str:
        """Claim the name of the list's copy and add the spans that name it and rewrite
        the paths to its files on the new side; the copy's name."""
        fl = plan.file_list
        assert fl.section is not None
        new_list = self.names.claim(f"{fl.name}_{self.build}")
        for ref in fl.references:
            value = ref.entry.values[ref.index]
            self.add(ref.entry.section, NEW, (ref.entry, ref.index, 0, len(value), new_list))
        files = fl.files
        for use in plan.uses:
            i = files.index(use.copy)
            written = use.ref.values[use.field][use.start : use.end].rsplit("\\", 1)[-1]
            written = written or use.copy.dest_name
            sub = plan.subdirs.get(i, "")
            new = "%13%\\" + (f"{sub}\\{written}" if sub else written)
            self.add(use.ref.section, NEW, (use.ref, use.field, use.start, use.end, new))
        return new_list

    def branch_edits(self, new_lists: list[str]) -> list[Edit] | str:
        planner = self.planner
        edits: list[Edit] = []
        cloner = Cloner(self.model, self.names)
        branches = Branches(self.model, self.builds, cloner, self.build)
        # sections only the new side reaches are rewritten in place
        for folded, slot in self.spans.items():
            section = self.sections[folded]
            if self.local_keeper(self.reach(section)) == NEW:
                edits += replace_entries(section.entries, rewrite_fields(slot.get(NEW, [])))
        for (folded, g), name in self.copies.items():
            section = self.sections[folded]
            cloner.section(section, name, rewrite=rewrite_fields(self.spans[folded].get(g, [])))
        for install, wanted in self.install_groups.values():
            if NEW not in wanted:
                continue
            tree = [s for s in (install.section, *install.suffixes.values()) if s is not None]
            rewrite: dict[int, Entry] = {}
            for section in tree:
                rewrite.update(rewrite_fields(self.spans.get(section.folded, {}).get(NEW, [])))
            reason = branches.install(install, rewrite)
            if reason:
                return reason
        for plan, new_list in zip(self.plans, new_lists, strict=True):
            assert plan.file_list.section is not None
            cloner.section(plan.file_list.section, new_list, rewrite=planner._flag_fixes(plan))
        edits += branches.edits()
        edits += cloner.edits()
        # each copy's [DestinationDirs] entry after the list's own; those of lists without
        # one in one edit (one per list would each add at the end of the section)
        added: list[Entry] = []
        for plan, new_list in zip(self.plans, new_lists, strict=True):
            fl = plan.file_list
            subdir = next(iter(plan.groups), "")
            values = ["13", subdir] if subdir else ["13"]
            dest_entry = fl.destination.entry if fl.destination.origin == "explicit" else None
            like = dest_entry.entry if dest_entry is not None else planner._destination_like()
            entry = make_entry(new_list, values, like=like, newline=planner._nl(like))
            if dest_entry is not None:
                edits.append(Edit.insert_after(dest_entry.entry, entry))
            else:
                added.append(entry)
        if added:
            edits.append(planner._add_destination_entries(added))
        self.branches = branches.sections + len(self.copies) + len(self.plans)
        return edits


def build_split(
    planner: _Planner, plans: Sequence[ListPlan], builds: Builds, at: WindowsVersion
) -> BranchResult | str:
    """The edits of the downlevel branch (module docstring) of the lists, or why it cannot
    be made. Lists of one floor get one branch, in one set of edits: a branch per list
    would each rewrite the branch's CopyFiles line, one a round (issue 18)."""
    for plan in plans:
        if plan.arch_groups:
            return (
                "its files come from different folders on different architectures, and it "
                f"is also installed on Windows builds below {at.build}: not split by "
                "architecture and by build in one step"
            )
        if len(plan.groups) > 1:
            return (
                f"its files come from several folders, and it is also installed on Windows "
                f"builds below {at.build}: not split by folder and by build in one step"
            )
    split = _BuildSplit(planner, plans, builds, at)
    try:
        result = split.run()
    except ValueError as exc:  # a copy that cannot be named or placed
        return f"no branch for build {at.build} and later can be made: {exc}"
    if isinstance(result, str):
        return result
    return BranchResult(result, split.branches, at.build)
