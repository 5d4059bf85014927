"""The corpus checks of issue 10's defect classes, shared by the corpus tests and
``bench/defects_report.py``.

Each check compares an INF as it was (``data``) with what a fix made of it (``output``),
so that it judges any producer of ``output``: the library's ``fix`` in the tests, the
``infmigrate --write`` command of any checkout (an older one too) in the benchmark. The
views are independent of the rules they check (their own patterns, their own list of
directives), built on the model of the current tree only to read the files. No pytest here:
the benchmark imports this module without the test dependencies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import infmigrate
from infmigrate.engine.catalog import rule
from infmigrate.engine.model import InfModel, ListKind, RegKind, build_model, find_paths, fold
from infmigrate.engine.model.numbers import parse_int
from infmigrate.rules.placement._fixed_place import recognize
from infmigrate.workspace.win9x import is_win9x_only

__all__ = [
    "REJECTED_1103",
    "RULES",
    "Findings",
    "arch_layout",
    "copied_by_arch",
    "count_figures",
    "counts_disagree",
    "examine_output",
    "fixed_place_files",
    "fixed_place_moved",
    "is_win9x_only",
    "lost_not_additive",
    "not_additive_lines",
    "origin_name",
    "stale_in",
    "uses",
]

#: The safe file-placement rules the migration tests apply.
RULES = [rule(code) for code in ("ISO001", "ISO002", "ISO003", "ISO006", "ISO012", "ISO015")]
_SKIP_SECTIONS = ("sourcedisksfiles", "sourcedisksnames", "destinationdirs", "strings")
_LEGACY = (11, 12)


def _places(model: InfModel) -> dict[str, set[tuple[int | None, str]]]:
    """Where each copied file (expanded, folded name) goes: (DIRID, folded subdir)."""
    expand = model.strings.expand
    out: dict[str, set[tuple[int | None, str]]] = {}
    for fl in model.file_lists:
        if fl.kind is ListKind.COPY:
            for c in fl.files:
                out.setdefault(fold(expand(c.dest_name)), set()).add(
                    (fl.destination.dirid, fold(expand(fl.destination.subdir).strip("\\")))
                )
    return out


# --- defect 1: stale references, every spelling of System32 -----------------------------

#: What may stand before ``system32\`` (case-folded, after expansion), by spelling class.
_ROOTS = (
    ("%systemroot%\\", "%SystemRoot%"),
    ("%windir%\\", "%windir%"),
    ("\\systemroot\\", "\\SystemRoot"),
    ("%10%\\", "%10%"),
)
_DRIVE = re.compile(r"[a-z]:\\windows\\$")
#: Where a path ends.
_END = r'(?=$|[\s";,])'


def _spelling(head: str, raw: str, from_strings: bool) -> str:
    """The class of the root written before ``system32\\`` (``head``: the expanded,
    case-folded text before it; ``raw``: the value as written), for messages and counts."""
    label = "other"
    for root, name in _ROOTS:
        if head.endswith(root):
            label = name
            if name in ("%SystemRoot%", "%windir%") and f"%{name}%".casefold() in raw.casefold():
                label = f"%{name}%"
            break
    else:
        if _DRIVE.search(head):
            label = "C:\\Windows"
        elif head == "" or head[-1] in ' ";,=':
            label = "relative System32"
    return label + (" via [Strings]" if from_strings else "")


def _stale_in_value(raw: str, expanded: str, dirid: int, subdir: str, name: str) -> Iterator[str]:
    """The spelling of each path to ``name`` (folded) in ``dirid``/``subdir`` in a value.

    Searched with patterns of its own, independent of :func:`infmigrate.engine.model.find_paths`,
    so that a spelling the model does not know still fails the test."""
    text = expanded.casefold()
    folded_raw = raw.casefold().replace("%%", "%")
    rest = re.escape((subdir + "\\" if subdir else "") + name) + _END
    for m in re.finditer(rf"%{dirid}%\\" + rest, text):
        yield f"%{dirid}%" + ("" if m.group() in folded_raw else " via [Strings]")
    system32 = r"system32\\" + (r"drivers\\" if dirid == 12 else "")
    for m in re.finditer(system32 + rest, text):
        yield _spelling(text[: m.start()], raw, m.group() not in folded_raw)


def stale_in(data: bytes, output: bytes) -> Iterator[tuple[int, str, str]]:
    """(line, file, spelling) of every path in ``output`` naming a file that moved (copied
    to DIRID 11/12 in ``data``, elsewhere in ``output``) at its old place."""
    if output == data:
        return
    before = build_model(infmigrate.parse(data))
    after = build_model(infmigrate.parse(output))
    old, new = _places(before), _places(after)
    moved = {
        n: {p for p in places if p[0] in _LEGACY}
        for n, places in old.items()
        if any(d in _LEGACY for d, _ in places) and new.get(n) != places
    }
    if not moved:
        return
    kept_old = old_branch_sections(after)
    for section in after.sections:
        if section.folded.split(".")[0] in _SKIP_SECTIONS or section.folded in kept_old:
            continue
        for ref in section.entries:
            for raw in ref.values:
                if "\\" not in raw and "%" not in raw:
                    continue
                expanded = after.strings.expand(raw)
                folded = expanded.casefold()
                for file_name, places in moved.items():
                    if file_name not in folded:
                        continue
                    for dirid, subdir in sorted(places, key=str):
                        for cls in _stale_in_value(raw, expanded, dirid or 0, subdir, file_name):
                            yield ref.line, file_name, cls


# --- defects 2, 3, 10: destinations of every list a directive names ---------------------

_DIRECTIVES = ("copyfiles", "delfiles", "renfiles")
#: CopyFiles flags InfVerif 1103 rejects with DIRID 13 (see ISO001's documentation);
#: written out here, not taken from the rule, so that the check stays independent.
REJECTED_1103 = 0x4000


@dataclass(frozen=True)
class Use:
    """A list (or ``@file``) named by a directive, with its destination."""

    kind: str
    name: str
    at_file: bool
    dirid: int | None
    subdir: str


def uses(model: InfModel) -> dict[tuple[str, str, bool], Use]:
    """Every list named by a directive anywhere in the file, by (kind, name, @file)."""
    out: dict[tuple[str, str, bool], Use] = {}
    dd = model.destination_dirs
    for section in model.sections:
        if section.folded.split(".")[0] in _SKIP_SECTIONS:
            continue
        for ref in section.entries:
            kind = fold(ref.key) if ref.key is not None else ""
            if kind not in _DIRECTIVES:
                continue
            for value in ref.values:
                name = model.strings.expand(value).strip()
                if not name:
                    continue
                at_file = name.startswith("@")
                name = name.lstrip("@").strip() if at_file else name
                dest = dd.resolve(None if at_file else name)
                out.setdefault(
                    (kind, fold(name), at_file),
                    Use(kind, name, at_file, dest.dirid, dest.subdir.strip("\\").casefold()),
                )
    return out


def _files(model: InfModel, use: Use) -> list[tuple[str, str]]:
    """(file name folded, flags) of the list."""
    if use.at_file:
        return [(fold(use.name), "")]
    section = model.section(use.name)
    if section is None:
        return []
    return [
        (fold(ref.value(0)), ref.value(3))
        for ref in section.entries
        if ref.key is None and ref.value(0)
    ]


def _reached(model: InfModel) -> set[tuple[str, bool]]:
    return {
        (fold(fl.file if fl.file is not None else fl.name), fl.file is not None)
        for fl in model.file_lists
        if fl.kind.value.casefold() == "copyfiles"
    }


@dataclass
class Findings:
    """What went wrong in one file (each list of messages empty when all is well)."""

    default_changed_with_unmoved: bool = False
    unmoved_changed: list[str] | None = None
    flags_1103: list[str] | None = None
    stale_references: list[str] | None = None
    #: DefaultDestDir changed, and not one list relying on it moved (for counting).
    default_changed_nothing_moved: bool = False


def examine_output(data: bytes, output: bytes) -> Findings:
    """What ``output`` (a fix of ``data``) gets wrong about destinations: a destination
    changed for a list that did not move, a moved file keeping a flag DIRID 13 rejects,
    a path naming a file of a list that left its place."""
    found = Findings(False, [], [], [])
    if output == data:
        return found
    before, after = build_model(infmigrate.parse(data)), build_model(infmigrate.parse(output))
    old, new = uses(before), uses(after)
    reached = _reached(before)
    moved: dict[tuple[str, str, bool], Use] = {}
    changed: dict[tuple[str, str, bool], Use] = {}
    for key, use in old.items():
        now = new.get(key)
        if now is None or (now.dirid, now.subdir) == (use.dirid, use.subdir):
            continue
        if (
            key[0] == "copyfiles"
            and now.dirid == 13
            and use.dirid in (11, 12, 13)
            and (key[1], key[2]) in reached
        ):
            moved[key] = use
            for name, flags in _files(after, now):
                if (parse_int(flags) or 0) & REJECTED_1103:
                    found.flags_1103.append(f"{name} keeps flags {flags}")  # type: ignore[union-attr]
        else:
            changed[key] = use
            found.unmoved_changed.append(  # type: ignore[union-attr]
                f"{use.kind} {'@' if use.at_file else ''}{use.name}: DIRID {use.dirid} "
                f"-> {now.dirid}"
            )
    old_default = before.destination_dirs.default
    new_default = after.destination_dirs.default
    if (
        old_default is not None
        and new_default is not None
        and old_default.dirid != new_default.dirid
    ):
        relying = [
            k
            for k, u in old.items()
            if u.at_file or before.destination_dirs.explicit(u.name) is None
        ]
        found.default_changed_with_unmoved = any(k not in moved for k in relying)
        found.default_changed_nothing_moved = not any(k in moved for k in relying)
    # Paths to files of every CopyFiles list that left its place (moved or not).
    old_places = {
        (name, use.dirid, use.subdir)
        for key, use in (moved | changed).items()
        if key[0] == "copyfiles"
        for name, _ in _files(before, use)
    }
    moved_names = {name for name, _, _ in old_places}
    for section in after.sections:
        if section.folded.split(".")[0] in _SKIP_SECTIONS:
            continue
        for ref in section.entries:
            for value in ref.values:
                if "\\" not in value:
                    continue
                for path in find_paths(value, after.strings)[1]:
                    name = fold(path.file_name)
                    if name not in moved_names:
                        continue
                    dirid, subpath = path.normalized
                    folder = subpath.rpartition("\\")[0].strip("\\").casefold()
                    if (name, dirid, folder) in old_places:
                        found.stale_references.append(  # type: ignore[union-attr]
                            f"line {ref.line} names {name} at its old place"
                        )
    return found


# --- defect 4: DelReg/BitReg lines are kept --------------------------------------------


def not_additive_lines(model: InfModel) -> Counter[tuple[str, str, str]]:
    """(directive, section, line text) of every DelReg/BitReg line and directive."""
    out: Counter[tuple[str, str, str]] = Counter()
    for reg in model.reg_sections:
        if reg.kind is RegKind.ADD or reg.section is None:
            continue
        for ref in reg.section.entries:
            out[(reg.kind.value, reg.section.folded, ref.entry.code)] += 1
    for section in model.sections:
        for ref in section.entries:
            if ref.key is not None and fold(ref.key) in ("delreg", "bitreg"):
                out[(fold(ref.key), section.folded, ref.entry.code)] += 1
    return out


def lost_not_additive(data: bytes, output: bytes) -> Counter[tuple[str, str, str]]:
    """The DelReg/BitReg lines of ``data`` that ``output`` converted or dropped."""
    if output == data:
        return Counter()
    before = not_additive_lines(build_model(infmigrate.parse(data)))
    if not before:
        return Counter()
    return before - not_additive_lines(build_model(infmigrate.parse(output)))


# --- defect 5: files whose consumer looks in a fixed place ------------------------------


def _copy_places(model: InfModel) -> dict[str, set[tuple[int | None, str]]]:
    out: dict[str, set[tuple[int | None, str]]] = {}
    for fl in model.file_lists:
        if fl.kind is ListKind.COPY:
            for c in fl.files:
                out.setdefault(fold(c.dest_name), set()).add(
                    (fl.destination.dirid, fl.destination.subdir.strip("\\").casefold())
                )
    return out


def fixed_place_files(model: InfModel) -> dict[str, str]:
    """Folded name -> consumer class of every file in DIRID 11/12 the table recognises."""
    found = recognize(model)
    expand = model.strings.expand
    out: dict[str, str] = {}
    for fl in model.file_lists:
        dest = fl.destination
        if fl.kind is not ListKind.COPY or dest.dirid not in _LEGACY:
            continue
        for c in fl.files:
            consumer = found.consumer(expand(c.dest_name), dest.dirid, expand(dest.subdir))
            if consumer is not None:
                out[fold(c.dest_name)] = consumer.plural
    return out


def fixed_place_moved(data: bytes, output: bytes) -> set[str]:
    """``name (consumer class)`` of each fixed-place file of ``data`` that ``output``
    copies to other places."""
    if output == data:
        return set()
    before = build_model(infmigrate.parse(data))
    stay = fixed_place_files(before)
    if not stay:
        return set()
    old = _copy_places(before)
    new = _copy_places(build_model(infmigrate.parse(output)))
    return {
        f"{file_name} ({what})"
        for file_name, what in stay.items()
        if new.get(file_name) != old[file_name]
    }


# --- defect 8: the command's modes count the same findings ------------------------------


def count_figures(run: Callable[..., tuple[bytes, str]], target: str) -> dict[str, tuple[int, ...]]:
    """The counts the command gives for ``target`` in each mode; ``run(*args)`` runs the
    command (``--no-cache`` is added here) and returns (stdout, stderr). The file is
    written by the last run (``--write``)."""
    out: dict[str, tuple[int, ...]] = {}
    stdout, stderr = run("--no-cache", target)
    found = re.search(r"Found (\d+) problems?", stderr)
    fixable = re.search(r"\[\*\] (\d+) fixable", stderr)
    marks = stdout.decode("utf-8", "replace").count(" [*] ")
    out["report"] = (
        int(found.group(1)) if found else 0,
        int(fixable.group(1)) if fixable else 0,
        marks,
    )
    for mode in ("--check", "--diff"):
        _, stderr = run("--no-cache", mode, target)
        fixed = re.search(r"Would fix (\d+)", stderr)
        out[mode] = (int(fixed.group(1)) if fixed else 0,)
    stdout, _ = run("--no-cache", "--check", "--statistics", target)
    total = [
        line for line in stdout.decode("utf-8", "replace").splitlines() if line.endswith(" total")
    ]
    out["stats"] = tuple(int(n) for n in total[0].split()[:3]) if total else (0, 0, 0)
    _, stderr = run("--no-cache", "--write", target)
    fixed = re.search(r"Fixed (\d+) problems?", stderr)
    out["write"] = (int(fixed.group(1)) if fixed else 0,)
    return out


def counts_disagree(figures: dict[str, tuple[int, ...]]) -> str | None:
    """How the figures of :func:`count_figures` disagree (``None``: they agree): the
    report's fixable count, its ``[*]`` marks, --check, --diff and --write fix the same
    number; --statistics finds and fixes what the report finds and marks fixable."""
    found, fixable, marks = figures["report"]
    if not fixable == marks == figures["--check"][0] == figures["--diff"][0] == figures["write"][0]:
        return f"fixable/marks/--check/--diff/--write differ: {figures}"
    if figures["stats"] != (0, 0, 0) and figures["stats"][:2] != (found, fixable):
        return f"--statistics differs from the report: {figures}"
    return None


# --- issue 11: the per-architecture layout of the driver store ----------------------------


def _arches(model: InfModel, fl: object) -> set[str]:
    installs = getattr(fl, "installs", ())
    out = {a.casefold() for i in installs for a in i.platforms}
    return out or {a.casefold() for a in model.architectures}


def copied_by_arch(model: InfModel) -> dict[str, Counter[str]]:
    """The files (expanded, folded names) the reached CopyFiles lists copy, per
    architecture that installs the list."""
    expand = model.strings.expand
    out: dict[str, Counter[str]] = {}
    for fl in model.file_lists:
        if fl.kind is not ListKind.COPY:
            continue
        for arch in _arches(model, fl):
            out.setdefault(arch, Counter()).update(fold(expand(c.dest_name)) for c in fl.files)
    return out


def _entry(model: InfModel, base: str, arch: str, key: str, *, by_value: bool = False) -> list[str]:
    """The values of the entry ``key`` in ``[base.<arch>]``, else in ``[base]``."""
    for name in (f"{base}.{arch}", base):
        section = model.section(name)
        if section is None:
            continue
        for ref in section.entries:
            if ref.key is None:
                continue
            if by_value:
                number = parse_int(ref.key.strip())
                if (str(number) if number is not None else fold(ref.key.strip())) == key:
                    return list(ref.values)
            elif fold(model.strings.expand(ref.key).strip()) == key:
                return list(ref.values)
    return []


def _folder(model: InfModel, source_name: str, arch: str) -> str | None:
    """``path\\subdir`` of a source file on ``arch`` (folded, ``\\``-joined), or ``None``."""
    expand = model.strings.expand
    values = _entry(model, "SourceDisksFiles", arch, fold(expand(source_name).strip()))
    if not values:
        return None
    disk = values[0].strip()
    number = parse_int(disk)
    disk_key = str(number) if number is not None else fold(disk)
    names = _entry(model, "SourceDisksNames", arch, disk_key, by_value=True)
    path = expand(names[3]) if len(names) > 3 else ""
    subdir = expand(values[1]) if len(values) > 1 else ""
    parts = [p.strip() for p in f"{path}\\{subdir}".replace("/", "\\").split("\\")]
    return "\\".join(p for p in parts if p and p != ".").casefold()


def arch_layout(data: bytes, output: bytes) -> list[str]:
    """What ``output`` gets wrong about the driver store's layout: a file of a CopyFiles
    list the fix sent to DIRID 13 (or whose DIRID 13 entry it changed, or a list it made)
    that does not land in its package folder on some architecture installing the list,
    and a section the fix left unreachable that was reached (or did not exist) before."""
    if output == data:
        return []
    before, after = build_model(infmigrate.parse(data)), build_model(infmigrate.parse(output))
    problems: list[str] = []
    old = {
        fold(fl.name): (fl.destination.dirid, fl.destination.subdir)
        for fl in before.file_lists
        if fl.kind is ListKind.COPY and fl.file is None
    }
    for fl in after.file_lists:
        if fl.kind is not ListKind.COPY or fl.file is not None or fl.destination.dirid != 13:
            continue
        dest = (fl.destination.dirid, fl.destination.subdir)
        if old.get(fold(fl.name)) == dest:
            continue  # not changed by the fix
        want = "\\".join(
            p.strip() for p in fl.destination.subdir.replace("/", "\\").split("\\") if p.strip()
        ).casefold()
        for copy in fl.files:
            for arch in sorted(_arches(after, fl)):
                folder = _folder(after, copy.source_name, arch)
                if folder is not None and folder != want:
                    problems.append(
                        f"{fl.name}: {copy.dest_name} goes to 13\\{want} but comes from "
                        f"{folder or 'the package root'} on {arch}"
                    )
    was = {s.folded for s in before.sections}
    reached_before = was - {s.folded for s in before.unreachable}
    for section in after.unreachable:
        if section.folded in reached_before or section.folded not in was:
            problems.append(f"[{section.name}] is not reached any more")
    return problems


_DECORATED = re.compile(r"\.nt(?:x86|amd64|arm64|arm|ia64)(?=\.|$)")
#: The OS version part of a decoration (``.10.0...16299``, ``.6.1``), after the platform.
_OS_VERSION = re.compile(r"(\.nt[a-z0-9$]*)((?:\.[0-9]*){1,5})(?=\.[a-z]|$)")
#: The ``_<floor>`` a downlevel branch adds to the names of its copies.
_BRANCH = re.compile(r"_\d{5}(?:_\d+)?(?=\.|$)")


def _undecorated(folded: str) -> str:
    return _OS_VERSION.sub(r"\1", folded)


def origin_name(folded: str, names: set[str]) -> str:
    """The section a split copied to make the section ``folded``: its platform extension
    replaced by ``.NT`` or dropped (``x.ntarm64.services`` -> ``x.nt.services``), or a
    ``_<suffix>`` dropped (``svc_arm64`` -> ``svc``); for a downlevel branch, its
    ``_<floor>`` dropped (``x_16299.nt`` -> ``x.nt``) or its decoration's OS version read
    as any other (``cx.ntamd64.10.0...16299`` -> ``cx.ntamd64``,
    ``defaultinstall.ntamd64.10.0...25952.services`` -> ``defaultinstall.ntamd64.services``);
    ``folded`` when none exists."""
    candidates = [_DECORATED.sub(".nt", folded, count=1), _DECORATED.sub("", folded, count=1)]
    candidates.append(_BRANCH.sub("", folded))
    plain = _undecorated(folded)
    candidates += sorted(n for n in names if _undecorated(n) == plain)
    candidates.append(re.sub(r"\.ntx86\.10\.0\.\.\.\d+$", "", folded))  # undecorated's twin
    stem = folded
    while "_" in stem:
        stem = stem.rsplit("_", 1)[0]
        candidates.append(stem)
    return next((c for c in candidates if c != folded and c in names), folded)


def old_branch_sections(model: InfModel) -> set[str]:
    """Sections (folded) reached only from install sections that no Windows build at or
    above their floor selects: a branch kept for older Windows, where System32 paths stay
    (computed from the model: build ranges and the floor table)."""
    from infmigrate.engine.model.ranges import build_ranges
    from infmigrate.rules.placement._floors import install_floor

    ranges = build_ranges(model.manufacturers, model.install_sections)
    old: dict[int, bool] = {}
    for install in model.install_sections:
        version = install_floor(model, install).version
        assert version is not None
        old[id(install)] = ranges.of_install(install).entirely_below(version)
    reach: dict[str, list[bool]] = {}
    for install in model.install_sections:
        for section in (install.section, *install.suffixes.values()):
            if section is not None:
                reach.setdefault(section.folded, []).append(old[id(install)])
    for ref in model.references:
        if ref.target is not None:
            reach.setdefault(ref.target.folded, []).extend(
                old.get(id(i), False) for i in ref.installs
            )
    return {name for name, flags in reach.items() if flags and all(flags)}


def below_floor_selectable(output: bytes) -> list[tuple[str, str]]:
    """Every DDInstall or DefaultInstall of ``output`` that uses DIRID 13 (a list copied
    there, a ``%13%`` path) and can be selected on a build below its floor (the issue-13
    check, on the ranges computed from the output)."""
    from infmigrate.engine.model.ranges import build_ranges
    from infmigrate.rules.placement._floors import install_floor

    model = build_model(infmigrate.parse(output))
    ranges = build_ranges(model.manufacturers, model.install_sections)
    uses: set[int] = set()
    for fl in model.file_lists:
        if fl.destination.dirid == 13:
            uses.update(id(i) for i in fl.installs)
    problems: list[tuple[str, str]] = []
    for install in model.install_sections:
        if id(install) not in uses or install.kind not in ("ddinstall", "defaultinstall"):
            continue
        f = install_floor(model, install)
        assert f.version is not None
        r = ranges.of_install(install)
        if install.kind == "ddinstall" and r.allows_below(f.version):
            problems.append(
                (
                    install.section.folded if install.section is not None else install.name,
                    f"[{install.name}] uses DIRID 13 and is selected on {r} (floor {f.build})",
                )
            )
    return problems
