"""Files whose consumer looks in a fixed place stay there, on every file of the corpus.

For each real INF, after the safe fixes of the file-placement rules (the rules of
``test_corpus_migration``), every file copied to System32 or System32\\drivers (DIRID 11 or
12) that the fixed-place table recognises (a colour profile, an OEM logo, a CNG or Winsock
provider, a print monitor...) is still copied to exactly the places it was.
"""

from __future__ import annotations

import pytest

import infmigrate
from fixers._fixed_place import recognize
from infmigrate.model import InfModel, ListKind, build_model, fold
from infmigrate.runner import fix
from tests.corpus import CORPUS, corpus_files, needs_corpus
from tests.fixers.test_corpus_migration import RULES

FILES = corpus_files()


def _places(model: InfModel) -> dict[str, set[tuple[int | None, str]]]:
    out: dict[str, set[tuple[int | None, str]]] = {}
    for fl in model.file_lists:
        if fl.kind is ListKind.COPY:
            for c in fl.files:
                out.setdefault(fold(c.dest_name), set()).add(
                    (fl.destination.dirid, fl.destination.subdir.strip("\\").casefold()))
    return out


def _fixed_place_files(model: InfModel) -> dict[str, str]:
    """Folded name -> consumer class of every file in DIRID 11/12 the table recognises."""
    found = recognize(model)
    expand = model.strings.expand
    out: dict[str, str] = {}
    for fl in model.file_lists:
        dest = fl.destination
        if fl.kind is not ListKind.COPY or dest.dirid not in (11, 12):
            continue
        for c in fl.files:
            consumer = found.consumer(expand(c.dest_name), dest.dirid, expand(dest.subdir))
            if consumer is not None:
                out[fold(c.dest_name)] = consumer.plural
    return out


@needs_corpus
@pytest.mark.parametrize("name", FILES)
def test_fixed_place_files_stay(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    tree = infmigrate.parse(data)
    before = build_model(tree)
    stay = _fixed_place_files(before)
    if not stay:
        return
    output = fix(tree, RULES, path=name).fixed.to_bytes()
    old, new = _places(before), _places(build_model(infmigrate.parse(output)))
    moved = {f"{file_name} ({what})" for file_name, what in stay.items()
             if new.get(file_name) != old[file_name]}
    assert not moved, f"moved although their consumer looks in a fixed place: {sorted(moved)}"
