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

import pytest

import infmigrate
from infmigrate.engine.runner import fix
from tests.corpus import CORPUS, corpus_files, needs_corpus
from tests.corpus_checks import RULES, Findings, examine_output

FILES = corpus_files()


def examine(data: bytes) -> tuple[bytes, Findings]:
    """Fix ``data`` with the file-placement rules; what the result gets wrong (see
    :func:`tests.corpus_checks.examine_output`)."""
    output = fix(infmigrate.parse(data), RULES).fixed.to_bytes()
    return output, examine_output(data, output)


@needs_corpus
@pytest.mark.parametrize("name", FILES)
def test_destinations(name: str) -> None:
    _, found = examine((CORPUS / name).read_bytes())
    assert not found.default_changed_with_unmoved, (
        "DefaultDestDir changed while a list relying on it did not move"
    )
    assert not found.unmoved_changed
    assert not found.flags_1103
    assert not found.stale_references
