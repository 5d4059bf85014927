"""No file moved into the driver store is still named at its old place, in any spelling.

For each real INF of the shared corpus, the safe fixes of the file-placement rules are
applied (the same rules as ``test_corpus_migration``); then every value of every line
(outside the sections that name source files and destinations) is searched for a path to
a file that moved out of System32 (DIRID 11) or System32\\drivers (DIRID 12), however the
Windows directory is spelled:

* a DIRID: ``%11%\\x.dll``, ``%12%\\x.sys``, ``%10%\\System32\\x.dll``;
* an environment variable: ``%SystemRoot%``, ``%%SystemRoot%%``, ``%windir%``,
  ``%%windir%%`` (case-insensitive);
* a drive path: ``C:\\Windows\\System32\\...``;
* the NT name: ``\\SystemRoot\\System32\\...``;
* no root at all: ``System32\\drivers\\x.sys`` (a service ImagePath, relative to the
  Windows directory);

including paths that come out of a ``[Strings]`` value the line uses (``%HelperPath%`` with
``HelperPath = "%SystemRoot%\\System32\\x.dll"``). Any such path left behind names a file
that is no longer there: a service that does not start, a DLL that does not load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import infmigrate
from infmigrate.model import InfModel, ListKind, build_model, fold
from infmigrate.registry import rule
from infmigrate.runner import fix
from tests.corpus import CORPUS, corpus_files, needs_corpus

RULES = [rule(code) for code in ("ISO001", "ISO002", "ISO003", "ISO006", "ISO012", "ISO015")]
_SKIP_SECTIONS = ("sourcedisksfiles", "sourcedisksnames", "destinationdirs", "strings")
_LEGACY = (11, 12)

FILES = corpus_files()


def _places(model: InfModel) -> dict[str, set[tuple[int | None, str]]]:
    """Where each copied file (expanded, folded name) goes: (DIRID, folded subdir)."""
    expand = model.strings.expand
    out: dict[str, set[tuple[int | None, str]]] = {}
    for fl in model.file_lists:
        if fl.kind is ListKind.COPY:
            for c in fl.files:
                out.setdefault(fold(expand(c.dest_name)), set()).add(
                    (fl.destination.dirid, fold(expand(fl.destination.subdir).strip("\\"))))
    return out


#: What may stand before ``system32\`` (case-folded, after expansion), by spelling class.
_ROOTS = (("%systemroot%\\", "%SystemRoot%"), ("%windir%\\", "%windir%"),
          ("\\systemroot\\", "\\SystemRoot"), ("%10%\\", "%10%"))
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


def _stale_in_value(raw: str, expanded: str, dirid: int, subdir: str,
                    name: str) -> Iterator[str]:
    """The spelling of each path to ``name`` (folded) in ``dirid``/``subdir`` in a value.

    Searched with patterns of its own, independent of :func:`infmigrate.model.find_paths`,
    so that a spelling the model does not know still fails the test."""
    text = expanded.casefold()
    folded_raw = raw.casefold().replace("%%", "%")
    rest = re.escape((subdir + "\\" if subdir else "") + name) + _END
    for m in re.finditer(rf"%{dirid}%\\" + rest, text):
        yield f"%{dirid}%" + ("" if m.group() in folded_raw else " via [Strings]")
    system32 = r"system32\\" + (r"drivers\\" if dirid == 12 else "")
    for m in re.finditer(system32 + rest, text):
        yield _spelling(text[:m.start()], raw, m.group() not in folded_raw)


def stale_references(data: bytes, name: str) -> Iterator[tuple[int, str, str]]:
    """(line, file, spelling) of every path naming a moved file at its old place, once
    ``data`` is fixed with :data:`RULES`."""
    output = fix(infmigrate.parse(data), RULES, path=name).fixed.to_bytes()
    yield from stale_in(data, output)


def stale_in(data: bytes, output: bytes) -> Iterator[tuple[int, str, str]]:
    """(line, file, spelling) of every path in ``output`` naming a file that moved (copied
    to DIRID 11/12 in ``data``, elsewhere in ``output``) at its old place."""
    if output == data:
        return
    before = build_model(infmigrate.parse(data))
    after = build_model(infmigrate.parse(output))
    old, new = _places(before), _places(after)
    moved = {n: {p for p in places if p[0] in _LEGACY} for n, places in old.items()
             if any(d in _LEGACY for d, _ in places) and new.get(n) != places}
    if not moved:
        return
    for section in after.sections:
        if section.folded.split(".")[0] in _SKIP_SECTIONS:
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
                        for cls in _stale_in_value(raw, expanded, dirid or 0, subdir,
                                                   file_name):
                            yield ref.line, file_name, cls


@needs_corpus
@pytest.mark.parametrize("name", FILES)
def test_no_moved_file_named_at_its_old_place(name: str) -> None:
    data = (Path(CORPUS) / name).read_bytes()
    stale = list(stale_references(data, name))
    assert not stale, "; ".join(f"line {line} still names {file} at its old place ({cls})"
                                for line, file, cls in stale)
