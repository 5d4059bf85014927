"""The shared corpus for the report scripts: where it is and which files it lists."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: ``../shared/corpus`` beside the repository.
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_names(corpus: Path) -> list[str]:
    """Paths listed in the corpus's ``MANIFEST.tsv``, relative to ``corpus``."""
    rows = (corpus / "MANIFEST.tsv").read_text("utf-8").splitlines()[1:]
    return [row.split("\t", 1)[0] for row in rows if row]
