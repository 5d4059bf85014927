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

from collections.abc import Iterator
from pathlib import Path

import pytest

import infmigrate
from infmigrate.engine.runner import fix
from tests.corpus import CORPUS, corpus_files, needs_corpus
from tests.corpus_checks import RULES, stale_in

FILES = corpus_files()


def stale_references(data: bytes, name: str) -> Iterator[tuple[int, str, str]]:
    """(line, file, spelling) of every path naming a moved file at its old place, once
    ``data`` is fixed with :data:`RULES` (see :func:`tests.corpus_checks.stale_in`)."""
    output = fix(infmigrate.parse(data), RULES, path=name).fixed.to_bytes()
    yield from stale_in(data, output)


@needs_corpus
@pytest.mark.parametrize("name", FILES)
def test_no_moved_file_named_at_its_old_place(name: str) -> None:
    data = (Path(CORPUS) / name).read_bytes()
    stale = list(stale_references(data, name))
    assert not stale, "; ".join(
        f"line {line} still names {file} at its old place ({cls})" for line, file, cls in stale
    )
