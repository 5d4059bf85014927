"""Models decorations for a floor: restricting a Models section to it (decorate), or giving
an install section a branch for it (the downlevel branch).

**Decorate.** ``NTamd64`` becomes ``NTamd64.10.0...16299`` on the ``[Manufacturer]`` line
and in the Models section's header (ProductType and SuiteMask kept): the section is then
selected only on the floor and later ("INF Manufacturer section"). Not possible when the
decoration comes from a ``[Strings]`` token, when the new name is taken, when another
decoration shares the Models section, or for an undecorated Models section.

**Branch.** Older Windows keep what they install today, byte for byte; the floor and
later get a copy of the install tree with the migrated content, as Microsoft's
minifilter samples do (``[DefaultInstall.NT$ARCH$]`` copying
``MiniFilterDownlevel.CopyDriverFiles`` to DIRID 12 and
``[DefaultInstall.NT$ARCH$.10.0...25952]`` copying ``MiniFilter.DriverFiles`` to 13:
microsoft/Windows-driver-samples, filesys/miniFilter/*/*.inf) and as "Combining platform
extensions with operating system versions" describes for Models sections:

* a DDInstall ``Cx_Inst.NT`` is copied as ``Cx_Inst_16299.NT`` with its suffix sections
  (``Cx_Inst_16299.NT.Services``...); each Models section that names it and is selected
  both below and at the floor gets a twin decorated for the floor
  (``[Cx.NTamd64.10.0...16299]``, the decoration added to the ``[Manufacturer]`` line
  after the old one, ProductType and SuiteMask kept) whose entries name the copy; the old
  Models section is then selected only below the floor. A Models section selected only
  at the floor and later has its entries renamed in place. An undecorated Models section
  (x86, "INF Manufacturer section") gets an ``NTx86.10.0...<floor>`` twin.
* a ``DefaultInstall.NTamd64`` is copied as ``DefaultInstall.NTamd64.10.0...<floor>`` with
  its suffix sections: DefaultInstall sections are chosen among their own decorated forms.
  A DefaultInstall without an architecture is not branched (no Microsoft page says how
  ``DefaultInstall.NT.10.0...`` would be chosen).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from infmigrate.engine.builds import WindowsVersion
from infmigrate.engine.clone import Cloner, with_field
from infmigrate.engine.edits import quote_field
from infmigrate.engine.fields import insert_fields_at, replace_fields
from infmigrate.engine.fixer import Edit
from infmigrate.engine.model import InfModel
from infmigrate.engine.model.decorations import ModelsSection
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.sections import EntryRef, fold
from infmigrate.engine.syntax import Entry
from infmigrate.rules.placement._floors import Builds

__all__ = [
    "Branches",
    "decorate",
    "decorate_all",
    "decorate_each",
    "decoration_plan",
    "new_decoration",
    "new_models_name",
    "written_decoration",
]


def new_decoration(raw: str | None, build: int) -> str:
    """``NTamd64.6.1.1`` -> ``NTamd64.10.0.1..16299`` (platform, ProductType and SuiteMask
    kept as written); ``None`` (undecorated, x86) -> ``NTx86.10.0...16299``."""
    if raw is None:
        return f"NTx86.10.0...{build}"
    parts = raw.strip().split(".")
    rest = parts[1:] + [""] * (5 - len(parts[1:]))
    return ".".join((parts[0], "10", "0", rest[2].strip(), rest[3].strip(), str(build)))


def _shared(model: InfModel, models: ModelsSection) -> bool:
    """Whether another Manufacturer entry or decoration names the same Models section."""
    return any(other is not models for other in model.models_naming(models.section))


def _from_strings(models: ModelsSection) -> bool:
    """Whether the decoration is a ``%strkey%`` token (cooking a value only drops quotes,
    continuations and blanks, so its cooked text holds every ``%`` the field does)."""
    index = models.index
    return index is not None and "%" in models.manufacturer.values[index]


def written_decoration(models: ModelsSection) -> tuple[str, str] | bool | None:
    """The decoration as the ``[Manufacturer]`` line writes it (``NT$ARCH$.6.1`` in an
    INX) and as the Models section's name ends (``NT$ARCH$.6.1``, or ``NTarm.6.1`` when
    the INX names it as stamped); None for an undecorated Models section, False when the
    name ends with neither."""
    deco = models.decoration
    if deco is None or models.index is None or models.section is None:
        return None
    written = models.manufacturer.values[models.index].strip()
    name = fold(models.section.name.strip())
    for tail in (written, deco.raw.strip()):
        if name.endswith("." + fold(tail)):
            return written, tail
    return False


def _has_decoration(model: InfModel, mref: EntryRef, new: str) -> bool:
    return fold(new) in model.decorations_written(mref)


def decorate(model: InfModel, models: ModelsSection, build: int) -> list[Edit] | str:
    """The edits that restrict ``models`` to ``build`` and later, or why they cannot be
    made (module docstring)."""
    plan = decoration_plan(model, models, build)
    if isinstance(plan, str):
        return plan
    raw, header_edits = plan
    mref = models.manufacturer
    assert models.index is not None  # (a plan is made for a decorated Models section)
    return [
        Edit.replace(mref.entry, replace_fields(mref.entry, {models.index: raw})),
        *header_edits,
    ]


def decoration_plan(
    model: InfModel, models: ModelsSection, build: int
) -> tuple[str, list[Edit]] | str:
    """What :func:`decorate` does, but for the ``[Manufacturer]`` line's edit: the new
    decoration as the line will write it (raw field text) and the edits of the Models
    section's headers; or why it cannot be done. (The line's edit, the whole line
    rewritten, is made once for all the decorations of a line that change: made for each,
    it was quadratic on a line of thousands of decorations, issue 18.)"""
    mref = models.manufacturer
    index = models.index
    section = models.section
    if models.decoration is None or index is None or section is None:
        return (
            f"[{models.name}] is undecorated: it cannot be restricted to build {build} "
            "(older Windows would lose their Models section)"
        )
    if _from_strings(models):
        return f"the decoration of [{models.name}] comes from a [Strings] value"
    got = written_decoration(models)
    if not isinstance(got, tuple):
        return f"[{models.name}] is not named after its decoration as written"
    raw, tail = got
    new = new_decoration(raw, build)
    new_tail = new_decoration(tail, build)
    if _has_decoration(model, mref, new):
        return f"the [Manufacturer] line already has the decoration {new}"
    new_name = f"{models.models_name}.{new_tail}"
    if model.section(new_name) is not None:
        return f"[{new_name}] already exists"
    if _shared(model, models):
        return f"another [Manufacturer] entry or decoration names [{models.name}]"
    new_raw = quote_field(mref.entry, index, new)
    edits: list[Edit] = []
    for block in section.blocks:
        header = block.header
        written = header.name.strip()
        if fold(written) != fold(models.name) or len(written) != len(models.name):
            return f"a header of [{models.name}] is spelled differently"
        prefix = written[: len(written) - len(tail)]
        edits.append(
            Edit.replace(
                header, header.with_changes(name=header.name.replace(written, prefix + new_tail))
            )
        )
    return new_raw, edits


def _renamed(value: str, base: str, new_base: str) -> str | None:
    """A Models entry's install name with its base renamed (``Cx_Inst.NT`` ->
    ``Cx_Inst_16299.NT``), or None when it does not start with ``base``."""
    if not fold(value).startswith(fold(base)):
        return None
    return new_base + value[len(base) :]


class Branches:
    """The branches one fix gives install sections for one floor (module docstring): call
    :meth:`install` for each install section, then :meth:`edits`."""

    def __init__(self, model: InfModel, builds: Builds, cloner: Cloner, build: int) -> None:
        self.model = model
        self.builds = builds
        self.cloner = cloner
        self.build = build
        #: Models sections that get a decorated twin: id -> (models, entry rewrites).
        self._twins: dict[int, tuple[ModelsSection, dict[int, Entry]]] = {}
        #: Models entries renamed in place (Models selected only at the floor and later).
        self._renames: dict[int, tuple[EntryRef, Entry]] = {}
        #: How many sections and lines the branches add (for the report).
        self.sections = 0

    def _twin_names(self, models: ModelsSection) -> tuple[str, str]:
        """The decoration the ``[Manufacturer]`` line gets for the twin of ``models``, and
        the twin's name."""
        got = written_decoration(models)
        if isinstance(got, tuple):
            raw, tail = got
            return new_decoration(raw, self.build), (
                f"{models.models_name}.{new_decoration(tail, self.build)}"
            )
        new = new_decoration(None, self.build)
        return new, f"{models.models_name}.{new}"

    def install(self, install: InstallSection, rewrite: Mapping[int, Entry]) -> str:
        """Branch ``install`` with ``rewrite`` applied to its copies; "" when done, else
        why it cannot be."""
        if install.section is None:
            return f"[{install.name}] does not exist"
        if install.kind == "defaultinstall":
            return self._default_install(install, rewrite)
        if install.kind != "ddinstall":
            return (
                f"[{install.name}] is a {install.kind} section, whose decorated forms are "
                "not chosen by build"
            )
        return self._ddinstall(install, rewrite)

    def _tree_names(self, install: InstallSection, root: str) -> dict[str, str] | str:
        """The names of the copies of the install tree for a new root name."""
        assert install.section is not None
        names = {install.section.folded: root}
        for section in install.suffixes.values():
            names[section.folded] = root + section.name[len(install.name) :]
        for name in names.values():
            if self.cloner.names.taken(name):
                return f"[{name}] already exists"
        return names

    def _copy_tree(
        self, install: InstallSection, names: dict[str, str], rewrite: Mapping[int, Entry]
    ) -> None:
        assert install.section is not None
        for section in (install.section, *install.suffixes.values()):
            name = self.cloner.names.claim(names[section.folded])
            self.cloner.section(section, name, rewrite=rewrite)
            self.sections += 1

    def _default_install(self, install: InstallSection, rewrite: Mapping[int, Entry]) -> str:
        deco = install.decorations[0] if install.decorations else None
        if deco is None or not deco.arch:
            return (
                f"[{install.name}] has no architecture decoration: the branch for build "
                f"{self.build} would be DefaultInstall.NT<arch>.10.0...{self.build}"
            )
        assert install.section is not None
        written = install.name[len(install.base_name) + 1 :]
        if fold(written) != fold(deco.raw.strip()) and "$" not in written:
            return f"[{install.name}] is not named after its decoration"
        root = f"{install.base_name}.{new_decoration(written, self.build)}"
        names = self._tree_names(install, root)
        if isinstance(names, str):
            return names
        self._copy_tree(install, names, rewrite)
        return ""

    def _ddinstall(self, install: InstallSection, rewrite: Mapping[int, Entry]) -> str:
        assert install.section is not None
        base = install.base_name
        tail = install.name[len(base) :]
        n = 1
        while True:
            new_base = f"{base}_{self.build}" if n == 1 else f"{base}_{self.build}_{n}"
            names = self._tree_names(install, new_base + tail)
            if not isinstance(names, str):
                break
            n += 1
            if n > 20:
                return names
        # the Models sections: a twin where the range straddles the floor, else a rename
        at = _version(self.build)
        plans: list[tuple[ModelsSection, bool]] = []
        for models in dict.fromkeys(install.models):
            r = self.builds.ranges.of_models(models)
            if r.empty or r.entirely_below(at):
                continue
            if models.section is None:
                continue
            if _shared(self.model, models):
                return f"another [Manufacturer] entry or decoration names [{models.name}]"
            if not r.allows_below(at):
                plans.append((models, False))
                continue
            if _from_strings(models):
                return f"the decoration of [{models.name}] comes from a [Strings] value"
            got = written_decoration(models)
            if got is False:
                return f"[{models.name}] is not named after its decoration as written"
            new, twin = self._twin_names(models)
            if _has_decoration(self.model, models.manufacturer, new):
                return f"the [Manufacturer] line already has the decoration {new}"
            if self.cloner.names.taken(twin) and id(models) not in self._twins:
                return f"[{twin}] already exists"
            plans.append((models, True))
        # the Models entries naming the install, by their section (an install named from
        # thousands of Models sections: each plan reads its own section's, not all)
        entries: dict[int, list[EntryRef]] = {}
        for ref in install.models_entries:
            entries.setdefault(id(ref.section), []).append(ref)
        for models, as_twin in plans:
            assert models.section is not None
            for ref in entries.get(id(models.section), ()):
                if not ref.values:
                    continue
                value = ref.values[0]
                renamed = _renamed(value, base, new_base)
                if renamed is None or "%" in ref.entry.fields[0].value:
                    return f"line {ref.line} names [{install.name}] through a %strkey%"
                if as_twin:
                    slot = self._twins.setdefault(id(models), (models, {}))[1]
                    current = slot.get(id(ref.entry), ref.entry)
                    slot[id(ref.entry)] = with_field(current, 0, renamed)
                else:
                    current = self._renames.get(id(ref.entry), (ref, ref.entry))[1]
                    self._renames[id(ref.entry)] = (ref, with_field(current, 0, renamed))
        self._copy_tree(install, names, rewrite)
        return ""

    def edits(self) -> list[Edit]:
        """The Models edits (the twins are added through the cloner: call this before
        ``cloner.edits()``)."""
        edits = [Edit.replace(ref.entry, new) for ref, new in self._renames.values()]
        by_line: dict[int, tuple[EntryRef, list[tuple[int, str]]]] = {}
        for models, rewrite in self._twins.values():
            assert models.section is not None
            new, twin = self._twin_names(models)
            name = self.cloner.names.claim(twin)
            self.cloner.section(models.section, name, rewrite=rewrite)
            self.sections += 1
            mref = models.manufacturer
            index = models.index if models.index is not None else len(mref.values) - 1
            by_line.setdefault(id(mref.entry), (mref, []))[1].append((index, new))
        for mref, adds in by_line.values():
            # one rewrite of the line for all its new decorations (one a decoration was
            # quadratic on a line of thousands: issue 18), each after the decoration it
            # twins, those after one decoration in order
            after: dict[int, list[str]] = {}
            for index, new in sorted(adds):
                after.setdefault(index, []).append(new)
            edits.append(Edit.replace(mref.entry, insert_fields_at(mref.entry, after)))
        return edits


def _version(build: int) -> WindowsVersion:
    return WindowsVersion(10, 0, build)


def decorate_all(model: InfModel, models: list[ModelsSection], build: int) -> list[Edit] | str:
    """:func:`decorate` for several Models sections at once: one edit per
    ``[Manufacturer]`` line, whatever the number of its decorations that change."""
    return decorate_each(model, [(m, build) for m in models])


def decorate_each(model: InfModel, todo: Sequence[tuple[ModelsSection, int]]) -> list[Edit] | str:
    """:func:`decorate` for several Models sections at once, each to its own build: one
    edit per ``[Manufacturer]`` line, whatever the number of its decorations that change
    (fixes each rewriting the line would apply one a round). Not possible when two of
    them would get the same name (``NTamd64`` and ``NTamd64.6.1`` both become
    ``NTamd64.10.0...16299``): one line would list the decoration twice, and two sections
    would have one name, which SetupAPI reads as one."""
    edits: list[Edit] = []
    lines: dict[int, tuple[EntryRef, dict[int, str]]] = {}
    names: dict[str, str] = {}
    for m, build in todo:
        got = decoration_plan(model, m, build)
        if isinstance(got, str):
            return got
        value, header_edits = got
        new_name = new_models_name(m, build)
        assert new_name is not None  # (planned: decorated, named after it as written)
        mref = m.manufacturer
        assert m.index is not None
        for key, new in ((fold(new_name), new_name), (f"{id(mref.entry)}:{fold(value)}", value)):
            other = names.setdefault(key, m.name)
            if other != m.name:
                return f"[{other}] and [{m.name}] would both become {new}"
        lines.setdefault(id(mref.entry), (mref, {}))[1][m.index] = value
        edits += header_edits
    for mref, fields in lines.values():
        edits.insert(0, Edit.replace(mref.entry, replace_fields(mref.entry, fields)))
    return edits


def new_models_name(models: ModelsSection, build: int) -> str | None:
    """The name :func:`decorate` gives the Models section (``Cx.NTamd64.10.0...16299``),
    or None when it is not named after its decoration as written."""
    got = written_decoration(models)
    if not isinstance(got, tuple):
        return None
    return f"{models.models_name}.{new_decoration(got[1], build)}"
