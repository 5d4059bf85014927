"""Destinations after the run-from-driver-store migration, on every file of the corpus.

The view here is independent of the model's reachability: every list named by a CopyFiles,
DelFiles or RenFiles directive in *any* section (reached or not), and every
``CopyFiles=@file``, with the destination ``[DestinationDirs]`` gives it before and
after the safe file-placement fixes (the rules of ``test_corpus_migration.py``).
Checked:

* a list *moves* only when it is a CopyFiles list (or ``@file``) the model reaches and its
  destination becomes DIRID 13 (from 11 or 12, or another subdir of 13); every other
  list keeps its destination exactly (DelFiles and RenFiles lists, ``@file`` copies and
  lists in unreached sections relying on ``DefaultDestDir`` included);
* no file of a list that moved keeps a CopyFiles flag DIRID 13 rejects (InfVerif 1103);
* no path in the file (ServiceBinary, registry values...) still names a file of a list that
  moved at its old place; with the directive-wide view this covers INX templates whose
  ``NT$ARCH$`` decorations the model used not to resolve.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import infmigrate
from infmigrate.model import InfModel, build_model, find_paths, fold
from infmigrate.model.numbers import parse_int
from infmigrate.runner import fix
from tests.corpus import CORPUS, corpus_files, needs_corpus
from tests.fixers.test_corpus_migration import RULES

FILES = corpus_files()
_DIRECTIVES = ("copyfiles", "delfiles", "renfiles")
_SKIP = ("sourcedisksfiles", "sourcedisksnames", "destinationdirs", "strings")
#: CopyFiles flags InfVerif 1103 rejects with DIRID 13 (see ISO001's documentation).
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
        if section.folded.split(".")[0] in _SKIP:
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
                out.setdefault((kind, fold(name), at_file), Use(
                    kind, name, at_file, dest.dirid, dest.subdir.strip("\\").casefold()))
    return out


def _files(model: InfModel, use: Use) -> list[tuple[str, str]]:
    """(file name folded, flags) of the list."""
    if use.at_file:
        return [(fold(use.name), "")]
    section = model.section(use.name)
    if section is None:
        return []
    return [(fold(ref.value(0)), ref.value(3)) for ref in section.entries
            if ref.key is None and ref.value(0)]


def _reached(model: InfModel) -> set[tuple[str, bool]]:
    return {(fold(fl.file if fl.file is not None else fl.name), fl.file is not None)
            for fl in model.file_lists if fl.kind.value.casefold() == "copyfiles"}


@dataclass
class Findings:
    """What went wrong in one file (each list of messages empty when all is well)."""

    default_changed_with_unmoved: bool = False
    unmoved_changed: list[str] | None = None
    flags_1103: list[str] | None = None
    stale_references: list[str] | None = None
    #: DefaultDestDir changed, and not one list relying on it moved (for counting).
    default_changed_nothing_moved: bool = False


def examine(data: bytes) -> tuple[bytes, Findings]:
    """Fix ``data`` with the file-placement rules; what the result gets wrong."""
    tree = infmigrate.parse(data)
    output = fix(tree, RULES).fixed.to_bytes()
    found = Findings(False, [], [], [])
    if output == data:
        return output, found
    before, after = build_model(tree), build_model(infmigrate.parse(output))
    old, new = uses(before), uses(after)
    reached = _reached(before)
    moved: dict[tuple[str, str, bool], Use] = {}
    changed: dict[tuple[str, str, bool], Use] = {}
    for key, use in old.items():
        now = new.get(key)
        if now is None or (now.dirid, now.subdir) == (use.dirid, use.subdir):
            continue
        if (key[0] == "copyfiles" and now.dirid == 13 and use.dirid in (11, 12, 13)
                and (key[1], key[2]) in reached):
            moved[key] = use
            for name, flags in _files(after, now):
                if (parse_int(flags) or 0) & REJECTED_1103:
                    found.flags_1103.append(f"{name} keeps flags {flags}")  # type: ignore[union-attr]
        else:
            changed[key] = use
            found.unmoved_changed.append(  # type: ignore[union-attr]
                f"{use.kind} {'@' if use.at_file else ''}{use.name}: DIRID {use.dirid} "
                f"-> {now.dirid}")
    old_default = before.destination_dirs.default
    new_default = after.destination_dirs.default
    if (old_default is not None and new_default is not None
            and old_default.dirid != new_default.dirid):
        relying = [k for k, u in old.items()
                   if u.at_file or before.destination_dirs.explicit(u.name) is None]
        found.default_changed_with_unmoved = any(k not in moved for k in relying)
        found.default_changed_nothing_moved = not any(k in moved for k in relying)
    # Paths to files of every CopyFiles list that left its place (moved or not).
    old_places = {(name, use.dirid, use.subdir) for key, use in (moved | changed).items()
                  if key[0] == "copyfiles" for name, _ in _files(before, use)}
    moved_names = {name for name, _, _ in old_places}
    for section in after.sections:
        if section.folded.split(".")[0] in _SKIP:
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
                            f"line {ref.line} names {name} at its old place")
    return output, found


@needs_corpus
@pytest.mark.parametrize("name", FILES)
def test_destinations(name: str) -> None:
    _, found = examine((CORPUS / name).read_bytes())
    assert not found.default_changed_with_unmoved, (
        "DefaultDestDir changed while a list relying on it did not move")
    assert not found.unmoved_changed
    assert not found.flags_1103
    assert not found.stale_references
