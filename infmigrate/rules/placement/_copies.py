"""What the report-only file rules (ISO004-ISO014) share: where CopyFiles lists put their
files, which install sections reach a section, and how to name a destination in a message.

The two tables, :class:`ReachingInstalls` and :class:`CopiedFiles`, are analyses: computed
once per round and shared through ``ctx.analysis`` (:mod:`infmigrate.engine.analysis`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from infmigrate.engine.analysis import Analysis
from infmigrate.engine.fixer import FixContext
from infmigrate.engine.model import InfModel
from infmigrate.engine.model.dirids import describe
from infmigrate.engine.model.files import Destination, FileCopy, FileList, ListInfo, ListKind
from infmigrate.engine.model.paths import split_root
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.sections import EntryRef, LogicalSection, fold
from infmigrate.rules.placement._messages import place

__all__ = [
    "ContentLists",
    "CopiedFile",
    "CopiedFiles",
    "ReachingInstalls",
    "be",
    "copy_lists",
    "copy_lists_with_content",
    "dest_name",
    "dest_place",
    "destination_groups",
    "installs_of",
    "list_label",
    "lists_text",
    "norm_dir",
    "place_key",
    "place_text",
    "source_name",
    "unique",
]


def norm_dir(path: str) -> str:
    """A folder for comparisons: no leading or trailing ``\\`` or blanks, case folded."""
    return path.strip().strip("\\").strip().casefold()


def dest_place(dest: Destination) -> tuple[int | None, str]:
    """(DIRID, subdir) of a destination, with ``10,System32[\\drivers]`` folded to 11/12,
    the way :attr:`PathRef.normalized` folds paths."""
    if dest.dirid == 10:
        return split_root(dest.subdir.strip().strip("\\"))
    return dest.dirid, dest.subdir.strip().strip("\\")


def place_text(dirid: int | None, subdir: str = "", raw: str = "") -> str:
    """``DIRID 16422\\Contoso (%ProgramFiles%\\Contoso)`` for messages."""
    if dirid is None:
        return f"the destination {raw!r}" if raw else "an unknown destination"
    sub = subdir.strip().strip("\\")
    if dirid in (11, 12, 13):
        return place(dirid, sub)
    if dirid in (-1, 65535):
        return f"DIRID {dirid} (the absolute path {sub})" if sub else f"DIRID {dirid}"
    path = describe(dirid).path
    where = f"DIRID {dirid}\\{sub}" if sub else f"DIRID {dirid}"
    if path.startswith("("):
        return f"{where} {path}"
    return f"{where} ({path}\\{sub})" if sub else f"{where} ({path})"


def list_label(fl: FileList) -> str:
    """``file list Cx.Sys`` or ``CopyFiles=@cx.sys``."""
    if fl.file is not None:
        return f"{fl.kind.value}=@{fl.file}"
    return f"file list {fl.name}"


def copy_lists(model: InfModel) -> list[FileList]:
    """The CopyFiles lists (and ``@file`` copies) the file reaches."""
    copy = ListKind.COPY  # (looked up once: a line may name hundreds of thousands)
    return [fl for fl in model.file_lists if fl.kind is copy]


def copy_lists_with_content(model: InfModel) -> list[FileList]:
    """The CopyFiles lists (and ``@file`` copies) the file reaches that have files or a
    ``.security`` section, in order: those of :func:`copy_lists` a reader of files or
    security sections looks at. The lists without either mostly share one
    :class:`~.files.ListInfo` (a line may name hundreds of thousands of lists the file
    lacks): a run of them is passed over on its info."""
    copy = ListKind.COPY
    out: list[FileList] = []
    empty: ListInfo | None = None  # the info of the last list left out
    for fl in model.file_lists:
        info = fl.info
        if info is empty:
            continue
        if info.kind is copy and (info.files or info.security is not None):
            out.append(fl)
        else:
            empty = info
    return out


class ContentLists(Analysis[list[FileList]]):
    """:func:`copy_lists_with_content` of the round's model, made once for the rules that
    read it."""

    @classmethod
    def compute(cls, ctx: FixContext) -> list[FileList]:
        return copy_lists_with_content(ctx.model)


class ReachingInstalls(Analysis[dict[str, dict[int, InstallSection]]]):
    """The install sections (roots) that reach each section, by its folded name (and the
    installs by identity): see :func:`installs_of`."""

    @classmethod
    def compute(cls, ctx: FixContext) -> dict[str, dict[int, InstallSection]]:
        table: dict[str, dict[int, InstallSection]] = {}
        for install in ctx.model.install_sections:
            if install.section is not None:
                table.setdefault(install.section.folded, {})[id(install)] = install
            for suffix in install.suffixes.values():
                table.setdefault(suffix.folded, {})[id(install)] = install
        for ref in ctx.model.references.without_plain():  # (plain: no target)
            if ref.target is not None:
                slot = table.setdefault(ref.target.folded, {})
                for install in ref.installs:
                    slot[id(install)] = install
        return table


def installs_of(ctx: FixContext, section: LogicalSection) -> tuple[InstallSection, ...]:
    """Every install section (root) that reaches ``section``: the install sections
    themselves, their suffix sections, and whatever their directives lead to."""
    return tuple(ctx.analysis(ReachingInstalls).get(section.folded, {}).values())


@dataclass(frozen=True, slots=True)
class CopiedFile:
    """One file a reached CopyFiles list puts somewhere."""

    file_list: FileList
    copy: FileCopy
    #: (DIRID, subdir) of the destination, 10\\System32 folded to 11/12.
    dirid: int | None
    subdir: str

    @property
    def entry(self) -> EntryRef | None:
        """Where to point at: the list line, else the CopyFiles directive."""
        if self.copy.entry is not None:
            return self.copy.entry
        refs = self.file_list.references
        return refs[0].entry if refs else None


def dest_name(model: InfModel, copy: FileCopy) -> str:
    """The destination name of a file, with ``%strkey%`` tokens expanded.

    The model keeps file-list names literal, but SetupAPI substitutes strings in every
    field, and Microsoft's own samples write ``%DriverName%.sys`` in file lists."""
    name = copy.dest_name
    return model.strings.expand(name).strip() if "%" in name else name


def source_name(model: InfModel, copy: FileCopy) -> str:
    """The source name of a file, with ``%strkey%`` tokens expanded."""
    name = copy.source_name
    return model.strings.expand(name).strip() if "%" in name else name


def place_key(dirid: int | str | None, subdir: str, name: str) -> tuple[int | str, str, str]:
    """The comparison key of a file at a place: (DIRID, folded subdir, folded name); a DIRID
    that is not a number is keyed by its text."""
    return ("" if dirid is None else dirid, norm_dir(subdir), fold(name.strip()))


#: A file at a place: (DIRID, folded subdir, folded name), see :func:`place_key`.
PlaceKey = tuple[int | str, str, str]


class CopiedFiles(Analysis[dict[PlaceKey, Sequence[CopiedFile]]]):
    """Every file the reached CopyFiles lists copy, keyed by :func:`place_key` of where it
    ends up (``10,System32`` folded to 11), in list order: a file copied there once (most
    are) has a tuple of its one copy, one copied more often a list."""

    requires = (ContentLists,)

    @classmethod
    def compute(cls, ctx: FixContext) -> dict[PlaceKey, Sequence[CopiedFile]]:
        # (issue 18: a list per file and a folded copy of each name cost 3 times the file)
        table: dict[PlaceKey, Sequence[CopiedFile]] = {}
        get = table.get
        for fl in ctx.analysis(ContentLists):
            if not fl.files:
                continue
            dirid, subdir = dest_place(fl.destination)
            where = fold(fl.destination.raw.strip()) if dirid is None else dirid
            folder = norm_dir(subdir)
            for copy in fl.files:
                name = dest_name(ctx.model, copy).strip()
                folded = fold(name)
                # the name itself when folding changes nothing (it is the model's string)
                key = (where, folder, name if folded == name else folded)
                copied = CopiedFile(fl, copy, dirid, subdir)
                found = get(key)
                if found is None:
                    table[key] = (copied,)
                elif type(found) is tuple:
                    table[key] = [*found, copied]
                else:
                    cast(list[CopiedFile], found).append(copied)
        return table


def unique(refs: Iterable[EntryRef]) -> list[EntryRef]:
    """Entries without repeats, in order."""
    seen: set[int] = set()
    out = []
    for ref in refs:
        if id(ref) not in seen:
            seen.add(id(ref))
            out.append(ref)
    return out


def destination_groups(
    model: InfModel, kinds: Iterable[ListKind] = (ListKind.COPY,)
) -> list[tuple[EntryRef, Destination, list[FileList]]]:
    """The reached file lists of these kinds, grouped by the ``[DestinationDirs]`` entry
    that places them (their own or DefaultDestDir), in file order, as (that entry, its
    destination, the lists); lists that fall back to DIRID_DEFAULT (no entry) are left out."""
    wanted = set(kinds)
    groups: dict[int, tuple[EntryRef, Destination, list[FileList]]] = {}
    # Consecutive lists sharing their info share kind and destination: looked at once (a
    # line may name hundreds of thousands of lists).
    last: ListInfo | None = None
    into: list[FileList] | None = None
    for fl in model.file_lists:
        info = fl.info
        if info is last:
            if into is not None:
                into.append(fl)
            continue
        last = info
        dest = info.destination
        if info.kind not in wanted or dest.entry is None:
            into = None
            continue
        group = groups.get(id(dest.entry))
        if group is None:
            group = groups[id(dest.entry)] = (dest.entry, dest, [])
        into = group[2]
        into.append(fl)
    return sorted(groups.values(), key=lambda g: g[0].line)


def lists_text(lists: list[FileList]) -> str:
    """``file list A``, ``file lists A and B``, ``file list A and CopyFiles=@x.sys``."""
    named = list(dict.fromkeys(fl.name for fl in lists if fl.file is None))
    files = list(
        dict.fromkeys(f"{fl.kind.value}=@{fl.file}" for fl in lists if fl.file is not None)
    )
    parts = []
    if named:
        parts.append(("file list " if len(named) == 1 else "file lists ") + _and(named))
    parts.extend(files)
    return _and(parts)


def be(lists: list[FileList]) -> str:
    """``is`` for one list, ``are`` for several."""
    return "is" if len({(fl.name, fl.file) for fl in lists}) == 1 else "are"


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
