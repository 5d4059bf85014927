"""JSON printed piece by piece: the same text as :func:`json.dumps` with ``indent=2``, but
one array's items made and printed one at a time.

The ``json`` and ``sarif`` reports of a large run hold tens of thousands of findings: as
one document they were a tree of dictionaries, then one string, then its bytes, together
about six times the output (issue 18: 260 MB for the 43 MB SARIF log of the corpus, over
the 130 MB of the results themselves). Printed in pieces, one finding's objects exist at
a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["ITEMS", "streamed"]

_INDENT = "  "


class _Items:
    """Marks where, in the document given to :func:`streamed`, the array goes."""

    def __repr__(self) -> str:
        return "ITEMS"


#: Put in the document where the array of items goes (once).
ITEMS: Any = _Items()
#: What :data:`ITEMS` stands as while the rest of the document is printed.
_MARK = "\x00infmigrate-items\x00"


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def streamed(document: Any, items: Iterable[Any]) -> Iterator[str]:
    """The pieces of ``json.dumps(document, indent=2, ensure_ascii=False)`` where the one
    :data:`ITEMS` in ``document`` (a value of a dictionary or an item of a list, at any
    depth, or the document itself) is the list of ``items``, which are made one at a time
    as the pieces are printed."""
    text = _dumps(_marked(document))
    mark = _dumps(_MARK)
    at = text.index(mark)
    assert text.find(mark, at + 1) < 0, "ITEMS more than once"
    line_start = text.rfind("\n", 0, at) + 1
    indent = text[line_start : len(text) - len(text[line_start:].lstrip(" "))]
    inner = indent + _INDENT
    yield text[:at]
    first = True
    for item in items:
        piece = _dumps(item).replace("\n", "\n" + inner)
        yield ("[\n" if first else ",\n") + inner + piece
        first = False
    yield "[]" if first else "\n" + indent + "]"
    yield text[at + len(mark) :]


def _marked(value: Any) -> Any:
    """The document with :data:`ITEMS` replaced by a string that cannot be anything else."""
    if value is ITEMS:
        return _MARK
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v) for v in value]
    return value
