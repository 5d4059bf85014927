"""The shared corpus of real INF files (``../shared/corpus``), for the corpus tests.

It sits beside the repository on the developers' and CI machines, not on a user's clone:
tests that need it skip with :data:`SKIP_REASON` when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MANIFEST = CORPUS / "MANIFEST.tsv"
SKIP_REASON = "../shared/corpus not found: corpus tests need the shared corpus beside the repo"


def corpus_files() -> list[str]:
    """Paths listed in ``MANIFEST.tsv``, relative to :data:`CORPUS` (empty when absent)."""
    if not MANIFEST.is_file():
        return []
    rows = MANIFEST.read_text(encoding="utf-8").splitlines()[1:]
    return [row.split("\t", 1)[0] for row in rows if row.strip()]


#: Mark for a test parametrized over :func:`corpus_files`.
needs_corpus = pytest.mark.skipif(not MANIFEST.is_file(), reason=SKIP_REASON)
