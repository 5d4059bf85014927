"""File lists (CopyFiles, DelFiles, RenFiles), their destinations and their sources.

- **Destination** ("INF DestinationDirs Section",
  https://learn.microsoft.com/windows-hardware/drivers/install/inf-destinationdirs-section):
  the list's own ``[DestinationDirs]`` entry,
  else ``DefaultDestDir``, else DIRID_DEFAULT 11 (``origin`` says which). The DIRID must
  be a number once ``%strkey%`` tokens are expanded (``%DRIVERSTORE_FOLDER%`` with
  ``DRIVERSTORE_FOLDER = 13`` is DIRID 13); anything else, ``%12%`` included, gives
  ``dirid=None``. ``raw`` keeps the field as written.
- **Sources**: a file is looked up by its source name in ``[SourceDisksFiles.<arch>]``
  for every arch-decorated SourceDisksFiles section of the file, and in the undecorated
  ``[SourceDisksFiles]`` (key ``None``). Its disk comes from ``SourceDisksNames.<arch>``
  then ``SourceDisksNames`` (for the undecorated file entry: the undecorated names
  section, else the first arch-specific one that has the disk).
- File names in file lists are literal (no ``%strkey%`` expansion, as documented).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal, TypeAlias

from infmigrate.engine.model.dirids import DIRID_DEFAULT, DiridClass, classify, parse_dirid
from infmigrate.engine.model.numbers import parse_int
from infmigrate.engine.model.reach import InstallSection, Reference, RefLine, plain_reference
from infmigrate.engine.model.sections import EntryRef, LogicalSection, fold
from infmigrate.engine.model.strings import StringTable

__all__ = [
    "Destination",
    "DestinationDirs",
    "DestinationOrigin",
    "FileCopy",
    "FileList",
    "ListInfo",
    "ListKind",
    "SourceDisk",
    "SourceFile",
    "SourceIndex",
]

DestinationOrigin: TypeAlias = Literal["explicit", "default", "fallback"]


class ListKind(StrEnum):
    """The directive that names a file list."""

    COPY = "CopyFiles"
    DEL = "DelFiles"
    REN = "RenFiles"


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a file list goes."""

    #: The DIRID, or ``None`` when the entry's DIRID field is not a number.
    dirid: int | None
    #: The subdirectory, expanded (undecorated Strings); "" when none.
    subdir: str
    #: The DestinationDirs entry used (the list's own or DefaultDestDir), or ``None``.
    entry: EntryRef | None
    #: ``explicit`` (the list's own entry), ``default`` (DefaultDestDir) or ``fallback``
    #: (no entry applies: DIRID_DEFAULT 11).
    origin: DestinationOrigin
    #: The DIRID field as written (cooked, unexpanded); "" for the fallback.
    raw: str = ""

    @property
    def dirid_class(self) -> DiridClass | None:
        """How isolation treats the DIRID (``None`` when it is not a number)."""
        return None if self.dirid is None else classify(self.dirid)


_FALLBACK = Destination(DIRID_DEFAULT, "", None, "fallback")


class DestinationDirs:
    """``[DestinationDirs]``: one entry per file list, plus DefaultDestDir."""

    __slots__ = ("_by_name", "default", "section")

    def __init__(self, section: LogicalSection | None, strings: StringTable) -> None:
        #: The section, or ``None``.
        self.section = section
        #: DefaultDestDir's destination, or ``None`` when there is none.
        self.default: Destination | None = None
        self._by_name: dict[str, Destination] = {}
        if section is None:
            return
        for ref in section.entries:
            if ref.key is None:
                continue
            name = fold(strings.expand(ref.key))
            if name in self._by_name:
                continue  # the first entry wins, as SetupFindFirstLine finds it
            raw = ref.value(0)
            subdir = strings.expand(ref.value(1))
            origin: DestinationOrigin = "default" if name == "defaultdestdir" else "explicit"
            dest = Destination(parse_dirid(strings.expand(raw)), subdir, ref, origin, raw)
            self._by_name[name] = dest
            if origin == "default" and self.default is None:
                self.default = dest

    @property
    def has_explicit(self) -> bool:
        """Whether any list has an entry of its own (not only DefaultDestDir)."""
        return any(dest.origin == "explicit" for dest in self._by_name.values())

    def explicit(self, name: str) -> Destination | None:
        """The list's own entry, or ``None``."""
        return self.explicit_folded(fold(name))

    def explicit_folded(self, folded: str) -> Destination | None:
        """:meth:`explicit` of a name already folded."""
        found = self._by_name.get(folded)
        return found if found is not None and found.origin == "explicit" else None

    def resolve(self, name: str | None) -> Destination:
        """The effective destination of a list (``None``: an ``@file`` copy)."""
        if name is not None:
            own = self.explicit(name)
            if own is not None:
                return own
        return self.default if self.default is not None else _FALLBACK


@dataclass(frozen=True, slots=True, eq=False)
class SourceDisk:
    """A ``[SourceDisksNames]`` entry: ``diskid = desc[,[tag],[unused],[path][,flags]...]``."""

    disk_id: str
    description: str
    tag_file: str
    #: The path field (``values[3]``), "" when none.
    path: str
    entry: EntryRef
    #: The architecture of the section (``None``: undecorated).
    arch: str | None


@dataclass(frozen=True, slots=True, eq=False)
class SourceFile:
    """A ``[SourceDisksFiles]`` entry: ``filename = diskid[,[subdir][,size]]``."""

    #: The file name as written in SourceDisksFiles.
    name: str
    disk_id: str
    #: The subdir field, "" when none.
    subdir: str
    entry: EntryRef
    #: The name of the SourceDisksFiles section that holds it (``SourceDisksFiles.amd64``).
    section_name: str
    #: The architecture of that section (``None``: undecorated).
    arch: str | None
    #: Its disk, or ``None`` when no SourceDisksNames entry has the disk id.
    disk: SourceDisk | None

    @property
    def disk_path(self) -> str:
        """The disk's path field ("" when none or no disk)."""
        return self.disk.path if self.disk is not None else ""


class SourceIndex:
    """Every SourceDisksNames and SourceDisksFiles section, by architecture."""

    __slots__ = ("_disks", "_expand", "_files", "file_sections", "name_sections")

    def __init__(
        self, sections: tuple[LogicalSection, ...], strings: StringTable | None = None
    ) -> None:
        #: File names compare as SetupAPI sees them: ``%strkey%`` expanded, on both sides.
        self._expand = strings.expand if strings is not None else (lambda text: text)
        #: SourceDisksFiles sections by arch (``None``: undecorated).
        self.file_sections: dict[str | None, LogicalSection] = {}
        #: SourceDisksNames sections by arch.
        self.name_sections: dict[str | None, LogicalSection] = {}
        for section in sections:
            folded = section.folded
            if not folded.startswith("sourcedisks"):
                continue  # the common case, tested once for both bases
            for base, into in (
                ("sourcedisksfiles", self.file_sections),
                ("sourcedisksnames", self.name_sections),
            ):
                if folded == base:
                    into[None] = section
                elif folded.startswith(base + "."):
                    into[folded[len(base) + 1 :]] = section
        self._disks: dict[str | None, dict[str, SourceDisk]] = {}
        for arch, section in self.name_sections.items():
            disks: dict[str, SourceDisk] = {}
            for ref in section.entries:
                if ref.key is None:
                    continue
                disk_id = _disk_key(ref.key)
                disks.setdefault(
                    disk_id,
                    SourceDisk(ref.key, ref.value(0), ref.value(1), ref.value(3), ref, arch),
                )
            self._disks[arch] = disks
        self._files: dict[str | None, dict[str, SourceFile]] = {}
        for arch, section in self.file_sections.items():
            files: dict[str, SourceFile] = {}
            for ref in section.entries:
                if ref.key is None:
                    continue
                k = fold(self._expand(ref.key))
                if k in files:
                    continue
                disk_id = ref.value(0)
                files[k] = SourceFile(
                    ref.key,
                    disk_id,
                    ref.value(1),
                    ref,
                    section.name,
                    arch,
                    self.disk(disk_id, arch),
                )
            self._files[arch] = files

    def disk(self, disk_id: str, arch: str | None) -> SourceDisk | None:
        """The SourceDisksNames entry of a disk, arch-specific section first."""
        key = _disk_key(disk_id)
        if arch is not None:
            found = self._disks.get(arch, {}).get(key)
            if found is not None:
                return found
        found = self._disks.get(None, {}).get(key)
        if found is not None or arch is not None:
            return found
        for disks in self._disks.values():
            if key in disks:
                return disks[key]
        return None

    def lookup(self, file_name: str) -> Mapping[str | None, SourceFile]:
        """Every SourceDisksFiles entry of ``file_name``, by section architecture."""
        k = fold(self._expand(file_name))
        return MappingProxyType(
            {arch: files[k] for arch, files in self._files.items() if k in files}
        )

    def find(self, file_name: str, arch: str | None) -> SourceFile | None:
        """The entry Windows uses on ``arch``: ``SourceDisksFiles.<arch>`` then undecorated."""
        k = fold(self._expand(file_name))
        if arch is not None:
            found = self._files.get(fold(arch), {}).get(k)
            if found is not None:
                return found
        return self._files.get(None, {}).get(k)


def _disk_key(text: str) -> str:
    number = parse_int(text)
    return str(number) if number is not None else fold(text.strip())


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FileCopy:
    """One file of a file list.

    For a CopyFiles list: ``dest-name[,[source-name][,[unused][,flag]]]``; for DelFiles:
    ``file[,,,flag]``; for RenFiles ``new-name,old-name`` (``dest_name`` is the new name,
    ``source_name`` the old one). An ``@file`` copy has ``entry=None``.
    """

    dest_name: str
    #: The source name (``dest_name`` when the field is empty or missing).
    source_name: str
    entry: EntryRef | None
    #: The flags field as written ("" when none).
    flags: str
    #: The :class:`SourceIndex` that :attr:`sources` looks the source name up in (a
    #: mapping for each file of a list of thousands was a fifth of its model), or the
    #: mapping itself.
    _sources: SourceIndex | Mapping[str | None, SourceFile]

    @property
    def sources(self) -> Mapping[str | None, SourceFile]:
        """The SourceDisksFiles entries of the source name, by architecture (copies
        only; looked up on each read)."""
        sources = self._sources
        if type(sources) is SourceIndex:
            return sources.lookup(self.source_name)
        return sources  # type: ignore[return-value]

    def __repr__(self) -> str:
        return (
            f"FileCopy(dest_name={self.dest_name!r}, source_name={self.source_name!r}, "
            f"entry={self.entry!r}, flags={self.flags!r}, sources={dict(self.sources)!r})"
        )

    @property
    def flags_value(self) -> int | None:
        """The flags as a number (0 when empty)."""
        return 0 if not self.flags.strip() else parse_int(self.flags)

    @property
    def renames(self) -> bool:
        """Whether the destination name differs from the source name."""
        return fold(self.dest_name) != fold(self.source_name)

    def source_for(self, arch: str | None) -> SourceFile | None:
        """The source entry used on ``arch``: arch-specific first, then undecorated."""
        if arch is not None:
            found = self.sources.get(fold(arch))
            if found is not None:
                return found
        return self.sources.get(None)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ListInfo:
    """What a :class:`FileList` holds besides its references. Lists named by one
    reference take their name, section, ``@file`` name and installs from it (``name`` is
    ``None`` here), and those without files, ``.security`` section or destination of
    their own share one record: a line may name thousands of lists that do not exist."""

    kind: ListKind
    destination: Destination
    security: LogicalSection | None
    files: tuple[FileCopy, ...]
    #: ``None``: name, section, file and installs are the one reference's.
    name: str | None = None
    section: LogicalSection | None = None
    file: str | None = None
    installs: tuple[InstallSection, ...] = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FileList:
    """A file list named by CopyFiles, DelFiles or RenFiles, or one ``CopyFiles=@file``.

    Three slots (a line may name thousands of lists that do not exist, each a FileList):
    the references that name it, a :class:`ListInfo`, which the properties read, and
    the field of a plain name.
    """

    #: The references (directive, field) that name it (see :attr:`references`): the one
    #: Reference itself when there is one (nearly always: a tuple for each list was a
    #: sixth of the model of a line naming thousands of lists), else the tuple of them;
    #: or, for a list the file lacks named once by a plain name (see
    #: :func:`~.reach.plain_reference`), the line that names it (no Reference kept).
    _references: Reference | tuple[Reference, ...] | RefLine
    #: The rest (see :class:`ListInfo`).
    _info: ListInfo
    #: The field of that plain name, when :attr:`_references` is a line (else -1).
    _index: int = -1

    @property
    def kind(self) -> ListKind:
        """The directive that names it."""
        return self._info.kind

    @property
    def info(self) -> ListInfo:
        """What it holds besides its references: lists without files, ``.security``
        section or destination entry of their own share one (see :class:`ListInfo`), so
        a reader of many lists can take the kind and destination of consecutive lists
        sharing it once."""
        return self._info

    @property
    def name(self) -> str:
        """The list name as referenced, expanded; for ``@file`` the file name."""
        info = self._info
        if info.name is not None:
            return info.name
        ref = self._references
        if type(ref) is RefLine:
            return ref.entry.entry.cooked_values[self._index]
        assert type(ref) is Reference  # one reference when the info has no name
        return ref.name

    @property
    def section(self) -> LogicalSection | None:
        """The section, or ``None`` for ``@file`` or a missing section."""
        info = self._info
        if info.name is not None:
            return info.section
        ref = self._references
        if type(ref) is RefLine:
            return None
        assert type(ref) is Reference
        return ref.target

    @property
    def file(self) -> str | None:
        """For ``CopyFiles=@file``: the file name; else ``None``."""
        info = self._info
        if info.name is not None:
            return info.file
        ref = self._references
        if type(ref) is RefLine:
            return None
        assert type(ref) is Reference
        return ref.name if ref.kind == "copy_file" else None

    @property
    def installs(self) -> tuple[InstallSection, ...]:
        """The install sections it is reached from."""
        info = self._info
        if info.name is not None:
            return info.installs
        ref = self._references
        if type(ref) is RefLine:
            return ref.installs
        assert type(ref) is Reference
        return ref.installs

    @property
    def destination(self) -> Destination:
        """The effective destination."""
        return self._info.destination

    @property
    def security(self) -> LogicalSection | None:
        """The ``<name>.security`` section, when there is one."""
        return self._info.security

    @property
    def files(self) -> tuple[FileCopy, ...]:
        """The files, in order (empty when the section is missing)."""
        return self._info.files

    @property
    def references(self) -> tuple[Reference, ...]:
        """The references (directive, field) that name it, in order."""
        references = self._references
        if type(references) is tuple:
            return references
        if type(references) is RefLine:
            return (plain_reference(references, self._index),)
        return (references,)  # type: ignore[return-value]

    @property
    def entry(self) -> EntryRef:
        """The directive entry of its first reference (read without making the reference
        of a plain name, see :attr:`plain`)."""
        references = self._references
        if type(references) is tuple:
            return references[0].entry
        return references.entry  # type: ignore[union-attr]  # a Reference or a RefLine

    @property
    def plain(self) -> bool:
        """Whether it is a list the file lacks, named once by a plain name on a
        CopyFiles/DelFiles/RenFiles line (no files, no ``.security`` section, no section:
        a line may name hundreds of thousands of them, and a rule can tell them apart
        without reading their fields one by one)."""
        return type(self._references) is RefLine

    @property
    def plain_index(self) -> int:
        """For a :attr:`plain` list: the field of its name on its line (:attr:`entry`);
        -1 otherwise."""
        return self._index

    @property
    def has_security(self) -> bool:
        """Whether a ``<name>.security`` section exists."""
        return self._info.security is not None

    @property
    def missing(self) -> bool:
        """Whether the list names a section the file lacks."""
        return self.file is None and self.section is None

    def __repr__(self) -> str:
        return (
            f"FileList({self.kind.value}, {self.name!r}, file={self.file!r}, "
            f"found={self.section is not None}, files={len(self.files)})"
        )


def read_files(
    kind: ListKind, section: LogicalSection, sources: SourceIndex
) -> tuple[FileCopy, ...]:
    """The files of a list section; keyed and empty entries are skipped.

    An entry whose first field holds only white space in Unicode's sense (``str.strip``:
    a no-break space U+00A0, ANSI 0xA0 once decoded, left over by an editor) is empty too.
    Wine's reimplementation of the SetupAPI INF parser (``dlls/setupapi/parser.c``) drops
    leading and trailing ``isspaceW`` characters, and U+00A0 is white space there (the
    C1_SPACE type Windows' ``GetStringTypeW`` gives it too); and whatever the parser does,
    no package holds a file named U+00A0, so such a line names no file.
    """
    out: list[FileCopy] = []
    empty: Mapping[str | None, SourceFile] = MappingProxyType({})
    for ref in section.entries:
        if ref.key is not None:
            continue
        dest = ref.value(0)
        if not dest.strip():
            # A line holding only blanks SetupAPI does not trim as such (a no-break space,
            # U+00A0 or ANSI 0xA0) is a blank line, not a file (see read_files' docstring).
            continue
        if kind is ListKind.REN:
            out.append(FileCopy(dest, ref.value(1) or dest, ref, "", empty))
        elif kind is ListKind.DEL:
            out.append(FileCopy(dest, dest, ref, ref.value(3), empty))
        else:
            source = ref.value(1) or dest
            out.append(FileCopy(dest, source, ref, ref.value(3), sources))
    return tuple(out)
