"""Every real INF of ``../shared/corpus``: exact round trip and agreement with the reference reader.

The corpus lives beside the repository (never inside it). Without it these tests skip.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import infmigrate
from tests.reference_reader import read as reference_read

from ._views import first_difference, parser_view

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
MISSING = "../shared/corpus not found: corpus tests need the shared corpus beside the repo"


def _corpus_files() -> list:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return [pytest.param(None, id="no-corpus")]
    with manifest.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [pytest.param(row[0], id=row[0]) for row in rows[1:] if row and row[0]]


@pytest.mark.parametrize("rel_path", _corpus_files())
def test_corpus_file(rel_path: str | None):
    if rel_path is None:
        pytest.skip(MISSING)
    data = (CORPUS / rel_path).read_bytes()
    inf = infmigrate.parse(data)
    assert inf.to_bytes() == data, "round trip changed the bytes"

    encoding, bom, sections = reference_read(data)
    assert (inf.encoding, inf.bom) == (encoding, bom)
    actual = parser_view(inf)
    assert actual == sections, first_difference(actual, sections)
