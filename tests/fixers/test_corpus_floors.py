"""Issue 13 on every file of the shared corpus: a fix never lets a Windows build below a
floor select an install section it put a driver-store construct in.

For each real INF, with the default target (what the INF's own Models decorations allow),
the safe fixes of the file-placement rules are applied (:data:`tests.corpus_checks.RULES`);
then the build ranges are computed from the *output* (:mod:`infmigrate.engine.model.ranges`)
and every DDInstall that uses DIRID 13 (a list copied there) must be selected only on its
floor and later (DIRID 13 16299, UMDF 17134, NetCfg 25319, notify objects 25341,
minifilters 25952: :mod:`infmigrate.engine.floors`). Install sections that already broke
the rule in the input (the INF's own DIRID 13 below the floor, ISO011's report) are not
counted against the fix. The old branch a downlevel branch keeps is checked byte for byte
by ``test_corpus_migration`` (every entry kept, copies read as their originals), and a
second run changing nothing too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import infmigrate
from infmigrate.engine.runner import fix
from tests.corpus import CORPUS, corpus_files, needs_corpus
from tests.corpus_checks import RULES, below_floor_selectable

FILES = corpus_files()


@needs_corpus
@pytest.mark.parametrize("name", FILES, ids=FILES)
def test_no_install_selected_below_the_floor_of_what_the_fix_put_in_it(name: str) -> None:
    data = (Path(CORPUS) / name).read_bytes()
    output = fix(infmigrate.parse(data), RULES, path=name).fixed.to_bytes()
    if output == data:
        return
    before = {name for name, _ in below_floor_selectable(data)}
    after = [text for name, text in below_floor_selectable(output) if name not in before]
    assert not after, "; ".join(after)
