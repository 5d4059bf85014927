"""The run-from-driver-store migration on every file of the shared corpus.

For each real INF, after applying the safe fixes of the file-placement rules:

* the output re-parses to the same tree, and a second run changes nothing;
* encoding, BOM and the kinds of line terminator are kept;
* the set of copied files is unchanged, on each architecture;
* each file moved to DIRID 13 lands in its package folder on every architecture that
  installs its list, and no section becomes unreachable (:func:`arch_layout`);
* no file that moved is still referenced at its old place (``%11%``, ``%12%``,
  ``%10%\\System32``, ``%SystemRoot%\\System32``, ``System32\\drivers`` with no root...,
  also through a ``[Strings]`` value; see ``test_corpus_stale_paths`` for every spelling);
* no entry unrelated to a fix changed: the cooked entries before and after are the same,
  once the paths of moved files are masked, outside ``[DestinationDirs]``, the CopyFiles
  lines and lists that a split touched, and ``[Version]``'s PnpLockdown.

The same holds with ``--unsafe-fixes`` for every file with a ``.security`` section (the
only unsafe fix of these rules is the move that drops the section of a list, issue 14),
where the dropped sections are the only other entries that may go: each a section of a
list that moved. When a split by
  architecture copied sections, the entries are compared as sets, each copy's name read
  as its original's (``X.NTarm64.Services`` as ``X.NT.Services``, ``Svc_arm64`` as
  ``Svc``) and the install names of Models entries left out (a Models entry may be
  rewired from ``X.NT`` to ``X`` for its architecture).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pytest

import infmigrate
from infmigrate.engine.fixer import Settings
from infmigrate.engine.model import InfModel, ListKind, build_model, find_paths, fold
from infmigrate.engine.runner import fix
from infmigrate.engine.syntax import InfFile
from tests.corpus import CORPUS, corpus_files, needs_corpus
from tests.corpus_checks import (
    RULES,
    arch_layout,
    copied_by_arch,
    old_branch_sections,
    origin_name,
)

_SKIP_SECTIONS = ("sourcedisksfiles", "sourcedisksnames", "destinationdirs", "strings")


FILES = corpus_files()


def _copied(model: InfModel) -> Counter[str]:
    expand = model.strings.expand  # names compare expanded, as SetupAPI sees them
    return Counter(
        fold(expand(c.dest_name))
        for fl in model.file_lists
        if fl.kind is ListKind.COPY
        for c in fl.files
    )


def _places(model: InfModel) -> dict[str, set[tuple[int | None, str]]]:
    out: dict[str, set[tuple[int | None, str]]] = {}
    for fl in model.file_lists:
        if fl.kind is ListKind.COPY:
            for c in fl.files:
                out.setdefault(fold(model.strings.expand(c.dest_name)), set()).add(
                    (fl.destination.dirid, fl.destination.subdir.strip("\\").casefold())
                )
    return out


def _paths(model: InfModel) -> Iterable[tuple[object, int, object]]:
    for section in model.sections:
        if section.folded.split(".")[0] in _SKIP_SECTIONS:
            continue
        for ref in section.entries:
            for index, value in enumerate(ref.values):
                if "\\" in value or "%" in value:  # a %strkey% may hold the whole path
                    for path in find_paths(value, model.strings)[1]:
                        yield ref, index, path


def _masked_entries(
    model: InfModel, moved: set[str], origins: dict[str, str] | None = None
) -> Counter[tuple[object, ...]]:
    """Cooked entries, with paths to moved files masked; entries a fix may rewrite left
    out (DestinationDirs, CopyFiles lines, file list sections, PnpLockdown). ``origins``
    maps the (folded) names of sections a split copied to their originals' names."""
    lists = {
        fold(fl.section.name)
        for fl in model.file_lists
        if fl.kind is ListKind.COPY and fl.section is not None
    }
    masks: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    for ref, index, path in _paths(model):
        if fold(path.file_name) in moved:  # type: ignore[attr-defined]
            masks.setdefault((id(ref), index), []).append(
                (path.start, path.end, f"<{fold(path.file_name)}>")
            )  # type: ignore[attr-defined]
    models = {
        m.section.folded for mfr in model.manufacturers for m in mfr.models if m.section is not None
    }
    out: Counter[tuple[object, ...]] = Counter()
    for section in model.sections:
        name = section.folded
        if name == "destinationdirs" or name in lists:
            continue
        for ref in section.entries:
            key = fold(ref.key) if ref.key is not None else None
            if key == "copyfiles" or (name == "version" and key == "pnplockdown"):
                continue
            values = list(ref.values)
            for index in range(len(values)):
                for start, end, text in sorted(masks.get((id(ref), index), []), reverse=True):
                    values[index] = values[index][:start] + text + values[index][end:]
            if origins is not None:
                values = [origins.get(fold(v.strip()), fold(v.strip())) for v in values]
                if name in models and values:
                    values[0] = "<install>"
                if name == "manufacturer":
                    # a branch adds decorations, a fix raises them: the Models sections'
                    # entries are compared (twins read as their originals), the
                    # decorations by tests/fixers/test_corpus_floors.py
                    values = values[:1]
            out[(origins.get(name, name) if origins else name, key, tuple(values))] += 1
    return out


def _newlines(tree: InfFile) -> set[str]:
    return {line.newline for line in tree.lines() if line.newline}


def _has_security(data: bytes) -> bool:
    """Whether the file may have a ``.security`` section (ANSI or UTF-16 text)."""
    lowered = data.lower()
    return b".security" in lowered or ".security".encode("utf-16-le") in lowered


@needs_corpus
@pytest.mark.parametrize("name", FILES)
def test_migration_keeps_everything_else(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    _check_migration(name, data, Settings())
    if _has_security(data):
        _check_migration(name, data, Settings(unsafe_fixes=True))


def _check_migration(name: str, data: bytes, settings: Settings) -> None:
    tree = infmigrate.parse(data)
    result = fix(tree, RULES, settings, path=name)
    output = result.fixed.to_bytes()
    if output == data:
        return
    again = infmigrate.parse(output)
    assert again == result.fixed
    assert fix(again, RULES, settings, path=name).fixed.to_bytes() == output
    assert (again.encoding, again.bom) == (tree.encoding, tree.bom)
    assert _newlines(again) <= _newlines(tree) | {tree.newline}

    before, after = build_model(tree), build_model(again)
    names = {s.folded for s in before.sections}
    origins = {
        s.folded: origin_name(s.folded, names) for s in after.sections if s.folded not in names
    }
    if origins:  # a downlevel branch copies the same files a second time
        assert {a: set(c) for a, c in copied_by_arch(after).items()} == {
            a: set(c) for a, c in copied_by_arch(before).items()
        }
    else:
        assert copied_by_arch(after) == copied_by_arch(before)
    if not origins:
        assert _copied(after) == _copied(before)
    assert arch_layout(data, output) == []
    old, new = _places(before), _places(after)
    moved = {
        n
        for n, places in old.items()
        if any(d in (11, 12) for d, _ in places) and new.get(n) != places
    }
    kept_old = old_branch_sections(after)
    for ref, _, path in _paths(after):
        file_name = fold(path.file_name)  # type: ignore[attr-defined]
        if file_name in moved and ref.section.folded not in kept_old:  # type: ignore[attr-defined]
            dirid, subpath = path.normalized  # type: ignore[attr-defined]
            folder = subpath.rpartition("\\")[0].casefold()
            assert (dirid, folder) not in old[file_name], (
                f"line {ref.line} still names {file_name} at its old place"
            )  # type: ignore[attr-defined]
    # a .security section goes only with its list's move (unsafe fixes, ISO008)
    dropped = {fold(s.name) for s in before.sections} - {fold(s.name) for s in after.sections}
    moved_lists = {
        fold(fl.name)
        for fl in after.file_lists
        if fl.kind is ListKind.COPY and fl.destination.dirid == 13
    }
    for section in dropped:
        assert section.endswith(".security") and section[: -len(".security")] in moved_lists, (
            f"[{section}] was dropped"
        )
    kept_before = _masked_entries(before, moved) - Counter(
        {k: v for k, v in _masked_entries(before, moved).items() if k[0] in dropped}
    )
    if not origins:
        assert _masked_entries(after, moved) == kept_before
    else:
        assert set(_masked_entries(after, moved, origins)) == set(
            k for k in _masked_entries(before, moved, {}) if k[0] not in dropped
        )
