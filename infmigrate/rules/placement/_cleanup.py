"""Removing the legacy cleanup directives (DelFiles, RenFiles, DelReg, DelService) that only
undo what an older install left behind: shared by ISO007 (DelFiles, RenFiles) and ISO039
(DelReg, DelService).

What Microsoft documents about their purpose:

* DelReg: "The purpose of a *del-registry-section* is to clean stale registry information
  from a previous installation by using a new INF file supplied by the same provider"
  (INF DelReg Directive, Remarks).
* DelService: "The only services that can be safely deleted are those that were used only
  in earlier versions of the operating system, and are therefore never used for the
  currently installed version" (INF DelService Directive, Remarks).
* DelFiles: "Do not specify a file that is listed in a CopyFiles directive" (SetupAPI may
  skip the copy of a signed file already present and still delete it); RenFiles renames
  files "before these source files are copied" (INF DelFiles / RenFiles Directive).
* InfVerif rejects all four for universal INFs and Windows Drivers: 1300-1302 "Found
  legacy ..." ("the operation affects something external to the driver package, like
  deleting a service or deleting a file") and 1308/1309 ("INF files should only perform
  the additive operations required to configure the device. When a driver is deleted from
  the system, the appropriate operations to clean up the driver will be automatically
  performed"): INF Validation Errors and Warnings.
* A ``[DefaultUninstall]`` section is the package's own uninstall, for Windows before
  1903 ("Creating a primitive driver", Legacy Compatibility: ``LegacyUninstall=1`` makes
  1903 and later ignore it, "where it can be used down-level with a legacy
  install/uninstall application"), as the WDK minifilter samples keep
  ``DelFiles``/``DelService`` there for their downlevel branch.

So a directive is *cleanup* when an install section (DDInstall, DefaultInstall,
ClassInstall32) of this INF runs it and no ``DefaultUninstall`` does; what is not
cleanup stays, and the rules say why (:func:`kept_because`). A ``DefaultUninstall``
directive of a primitive driver (no ``[Manufacturer]``, architecture-decorated
``DefaultInstall``/``DefaultUninstall``) goes too when the target build
(``--target-windows``, by default the lowest build the INF's decorations allow) is 1903
or later, the floor of primitive drivers
(``floor("primitive-driver")``): on every build the package supports, uninstalling it
undoes its install, and an architecture-decorated ``[DefaultUninstall]`` passed to
InstallHInfSection is handed to DiUninstallDriver ("Creating a primitive driver").
Removing either is unsafe: what the older version left behind then stays on the
system, and a legacy setup application calling the uninstall section no longer deletes
anything.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from infmigrate.engine.analysis import Analysis
from infmigrate.engine.fields import remove_fields
from infmigrate.engine.fixer import Edit, FixContext
from infmigrate.engine.floors import floor
from infmigrate.engine.model import InfModel, fold
from infmigrate.engine.model.ranges import build_ranges, target_in_force
from infmigrate.engine.model.sections import EntryRef, LogicalSection
from infmigrate.rules.placement._copies import installs_of

__all__ = [
    "FILE_DIRECTIVES",
    "REG_DIRECTIVES",
    "cleanup_edits",
    "drop_sections",
    "kept_because",
    "remove_values",
]

#: Directives that name each kind of section.
FILE_DIRECTIVES = frozenset({"copyfiles", "delfiles", "renfiles"})
REG_DIRECTIVES = frozenset({"addreg", "delreg", "bitreg"})
_DIRECTIVES = FILE_DIRECTIVES | REG_DIRECTIVES


def kept_because(ctx: FixContext, ref: EntryRef) -> str:
    """Why the directive at ``ref`` is not only cleanup of an older install (the text
    follows "kept: "), or "" when it is."""
    installs = installs_of(ctx, ref.section)
    if not installs:
        return "no install section of this INF runs it"
    roots = [i for i in installs if i.kind == "defaultuninstall"]
    if not roots:
        return ""
    uninstall = sorted({i.name for i in roots})[0]
    model = ctx.model
    # A primitive driver: DefaultInstall/DefaultUninstall decorated with an architecture,
    # no [Manufacturer] ("Creating a primitive driver", INF requirements).
    if model.manufacturers or not all(
        any(d is not None and d.arch for d in i.decorations) for i in roots
    ):
        return (
            f"[{uninstall}] runs it, the package's own uninstall (the INF is not a "
            "primitive driver, whose uninstall Windows does itself from build 18362)"
        )
    version, target = target_in_force(
        ctx.settings.target_windows, build_ranges(model.manufacturers, model.install_sections)
    )
    primitive = floor("primitive-driver")
    if primitive.version is not None and version >= primitive.version:
        return ""
    return (
        f"[{uninstall}] runs it, the package's own uninstall on builds older than "
        f"{primitive.build} ({primitive.release}), from which uninstalling a primitive "
        f"driver undoes its install ({target})"
    )


def remove_values(ref: EntryRef, indexes: Collection[int]) -> Edit:
    """The directive line without the values at ``indexes`` (the line goes when none is
    left)."""
    values = ref.entry.values
    left = [i for i in range(len(values)) if i not in indexes]
    # empty values left at the end go too (``DelFiles = A,,x`` without ``x`` is
    # ``DelFiles = A``); with none but empty ones left the line goes
    while left and not values[left[-1]].strip():
        left.pop()
    if not left:
        return Edit.delete(ref.entry)
    kept = remove_fields(
        ref.entry,
        [i for i in range(len(values)) if i > left[-1] or i in indexes],
        keep_comment_column=True,
    )
    return Edit.delete(ref.entry) if kept is None else Edit.replace(ref.entry, kept)


def drop_sections(
    ctx: FixContext,
    names: Iterable[str],
    directives: frozenset[str],
    removed: Collection[tuple[int, int]],
) -> list[Edit]:
    """Delete each named section (and, for file lists, its ``[DestinationDirs]`` entry)
    that no directive of ``directives`` names any more, in any section of the file,
    reached or not, once the values ``removed`` ((id of the CST entry, index) pairs) are
    gone. An install section or one of its suffix sections is never deleted: only the
    directive naming it goes."""
    model = ctx.model
    uses = ctx.analysis(DirectiveUses)
    wanted = {fold(model.strings.expand(n).strip()) for n in names if n.strip()}
    still = {
        name
        for name in wanted
        if any(
            key in directives and (id(ref.entry), i) not in removed
            for _, _, ref, key, i in uses.naming.get(name, ())
        )
    }
    edits: list[Edit] = []
    for name in sorted(wanted - still):
        found = model.section(name)
        if found is not None and name not in uses.roots:
            edits += [Edit.delete_section(block) for block in found.blocks]
        if directives is FILE_DIRECTIVES:
            edits += [Edit.delete(r.entry) for r in uses.destinations.get(name, ())]
    return edits


def _install_sections(model: InfModel) -> set[str]:
    """The folded names of the install sections and their suffix sections: a directive
    naming one of them (``DelReg = Inst.NTamd64.HW`` inside that very section) goes, the
    section it names never does."""
    names: set[str] = set()
    for install in model.install_sections:
        if install.section is not None:
            names.add(fold(install.section.name))
        names.update(fold(section.name) for section in install.suffixes.values())
    return names


def cleanup_edits(
    ctx: FixContext,
    ref: EntryRef,
    indexes: Collection[int],
    keys: frozenset[str],
    directives: frozenset[str],
    kept: Callable[[EntryRef], str],
    files: Collection[int] = (),
) -> list[Edit]:
    """Remove the values ``indexes`` of the directive ``ref`` and, with them, every other
    directive of ``keys`` naming the same sections that is cleanup too (``kept`` gives ""
    for it) or that no install section runs, then the sections no directive of
    ``directives`` names any more (:func:`drop_sections`). One fix removes them all, so
    that a section two directives name does not outlive both (the fixes of one round
    never see each other's edits). ``files``: more values of ``ref`` that go too and name
    no section (``DelFiles = @old.sys``).

    Give every value of ``ref`` that goes in one call: the edit rewrites the whole line,
    so two fixes of the same line cannot both apply in one round, and one fix per value
    would take as many rounds as the line has values (issue 18: a RenFiles line with more
    values than the runner has rounds never converged)."""
    assert keys <= _DIRECTIVES, keys  # (what DirectiveUses indexes)
    model = ctx.model
    names = {_folded(model, ref.values[i]) for i in indexes if ref.values[i].strip()}
    removed = {(id(ref.entry), i) for i in (*indexes, *files)}
    by_entry: dict[int, tuple[EntryRef, set[int]]] = {id(ref.entry): (ref, {*indexes, *files})}
    # the other directives of ``keys`` naming one of the names, in file order (looked up
    # by name: issue 18, each fix scanned every line of the file, quadratic in thousands
    # of DelFiles lines)
    uses = ctx.analysis(DirectiveUses)
    naming: dict[int, tuple[int, LogicalSection, EntryRef]] = {}
    for name in names:
        for order, section, other, key, _ in uses.naming.get(name, ()):
            if other is not ref and key in keys:
                naming[id(other)] = (order, section, other)
    for _, section, other in sorted(naming.values(), key=lambda found: found[0]):
        hits = {i for i, v in enumerate(other.values) if v.strip() and _folded(model, v) in names}
        if not hits or (installs_of(ctx, section) and kept(other)):
            continue
        removed |= {(id(other.entry), i) for i in hits}
        by_entry[id(other.entry)] = (other, hits)
    edits = [remove_values(entry, hits) for entry, hits in by_entry.values()]
    return edits + drop_sections(ctx, [ref.values[i] for i in indexes], directives, removed)


def _folded(model: InfModel, value: str) -> str:
    """A directive's value as the section (or ``@file``) it names, compared."""
    return fold(model.strings.expand(value).strip().lstrip("@").strip())


@dataclass(frozen=True, slots=True)
class Uses:
    """What :func:`cleanup_edits` and :func:`drop_sections` look up (see
    :class:`DirectiveUses`)."""

    #: Each name (folded, expanded, without ``@``) -> the CopyFiles, DelFiles, RenFiles,
    #: AddReg, DelReg and BitReg values naming it, in file order: (place in the file's
    #: lines, section, line, folded directive, index of the value).
    naming: dict[str, list[tuple[int, LogicalSection, EntryRef, str, int]]]
    #: The folded names of the install sections and their suffix sections.
    roots: set[str]
    #: Each list name (folded, expanded) -> its ``[DestinationDirs]`` entries.
    destinations: dict[str, list[EntryRef]]


class DirectiveUses(Analysis[Uses]):
    """The file's directives naming sections, by the name, made once a round: each fix
    looked every line of the file up again (issue 18: quadratic in thousands of DelFiles
    lines)."""

    @classmethod
    def compute(cls, ctx: FixContext) -> Uses:
        model = ctx.model
        naming: dict[str, list[tuple[int, LogicalSection, EntryRef, str, int]]] = {}
        order = 0
        for section in model.sections:
            for ref in section.entries:
                order += 1
                key = fold(ref.key) if ref.key is not None else ""
                if key not in _DIRECTIVES:
                    continue
                for i, value in enumerate(ref.values):
                    name = _folded(model, value)
                    naming.setdefault(name, []).append((order, section, ref, key, i))
        destinations: dict[str, list[EntryRef]] = {}
        dd = model.destination_dirs.section
        if dd is not None:
            for r in dd.entries:
                if r.key is not None:
                    destinations.setdefault(fold(model.strings.expand(r.key)), []).append(r)
        return Uses(naming, _install_sections(model), destinations)
