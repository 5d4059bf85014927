"""Files whose consumer looks in a fixed place stay there, on every file of the corpus.

For each real INF, after the safe fixes of the file-placement rules (the rules of
``test_corpus_migration``), every file copied to System32 or System32\\drivers (DIRID 11 or
12) that the fixed-place table recognises (a colour profile, an OEM logo, a CNG or Winsock
provider, a print monitor...) is still copied to exactly the places it was.
"""

from __future__ import annotations

import pytest

import infmigrate
from infmigrate.engine.runner import fix
from tests.corpus import CORPUS, corpus_files, needs_corpus
from tests.corpus_checks import RULES, fixed_place_moved

FILES = corpus_files()


@needs_corpus
@pytest.mark.parametrize("name", FILES)
def test_fixed_place_files_stay(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    output = fix(infmigrate.parse(data), RULES, path=name).fixed.to_bytes()
    moved = fixed_place_moved(data, output)
    assert not moved, f"moved although their consumer looks in a fixed place: {sorted(moved)}"
