"""``GIT binary patch``: a change of a file git treats as binary, as ``git diff --binary``
writes it and ``git apply`` applies it (GNU ``patch`` does not).

The format (git's ``Documentation/gitformat-diff`` "binary patch" and ``apply.c``
``parse_binary_hunk``/``apply_binary``, ``diff.c`` ``emit_binary_diff_body``)::

    diff --git a/<path> b/<path>
    index <old blob id>..<new blob id>
    GIT binary patch
    literal <size of the new content>
    <lines>
    <empty line>
    literal <size of the old content>      (the reverse hunk, for ``git apply -R``)
    <lines>
    <empty line>

Each hunk is the zlib-deflated content, cut in pieces of at most 52 bytes; a line is one
length character (``A``-``Z`` for 1-26 bytes, ``a``-``z`` for 27-52) and the piece in
git's base-85 (``base85.c``: big-endian groups of 4 bytes, zero-padded, as 5 characters of
the alphabet ``0-9A-Za-z!#$%&()*+-;<=>?@^_`{|}~``, which is RFC 1924's and the one of
:func:`base64.b85encode`). Only the ``literal`` form (the whole new content) is written:
``delta`` hunks are smaller but git accepts either.

``git apply`` refuses a binary patch without the full blob ids of both sides, and checks
that the file it patches hashes to the old one (so a patch never lands on other content)
and the result to the new one; the ids are the blob hashes of the contents as git reads
them (no ``working-tree-encoding`` or end-of-line conversion applies to a file git sees as
binary). The mode is left out of the ``index`` line, so the file keeps its own.

:func:`binary_patch` parses its output back (:func:`parse_literals`) and checks it gives
the new content before it is used, as :func:`~infmigrate.diffs.unified.verify` does for
text diffs.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator

__all__ = ["BinaryPatchError", "binary_patch", "blob_id", "parse_literals"]

#: Bytes of deflated data per line, as git writes them.
_LINE_BYTES = 52


class BinaryPatchError(RuntimeError):
    """A binary patch that does not read back as written (a bug)."""


def blob_id(data: bytes, object_format: str = "sha1") -> str:
    """The id git gives a blob with this content (``git hash-object``)."""
    h = hashlib.new("sha256" if object_format == "sha256" else "sha1")
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def _length_char(n: int) -> str:
    return chr(ord("A") + n - 1) if n <= 26 else chr(ord("a") + n - 27)


def _hunk(data: bytes) -> str:
    deflated = zlib.compress(data, 9)
    lines = [f"literal {len(data)}\n"]
    for at in range(0, len(deflated), _LINE_BYTES):
        piece = deflated[at : at + _LINE_BYTES]
        lines.append(_length_char(len(piece)) + base64.b85encode(piece, pad=True).decode() + "\n")
    lines.append("\n")
    return "".join(lines)


def _decode_hunk(lines: list[str], at: int) -> tuple[bytes, int]:
    """The content of the ``literal`` hunk starting at ``lines[at]``, and the index after
    its closing empty line."""
    head = lines[at]
    if not head.startswith("literal "):
        raise BinaryPatchError(f"expected a literal hunk, got {head!r}")
    size = int(head[len("literal ") :])
    deflated = bytearray()
    at += 1
    while lines[at]:
        line = lines[at]
        c = line[0]
        n = ord(c) - ord("A") + 1 if "A" <= c <= "Z" else ord(c) - ord("a") + 27
        if not 1 <= n <= _LINE_BYTES or (len(line) - 1) != (n + 3) // 4 * 5:
            raise BinaryPatchError(f"bad binary patch line {line!r}")
        deflated += base64.b85decode(line[1:])[:n]
        at += 1
    # An output buffer of the size the hunk gives: one allocation (zlib's default grows
    # block by block and joins them, about 4x the content at its peak; issue 18: the
    # fixed text of a large UTF-16 file, read back here, was the diff's peak).
    data = zlib.decompress(deflated, bufsize=max(size, 1))
    if len(data) != size:
        raise BinaryPatchError(f"literal {size} inflates to {len(data)} bytes")
    return data, at + 1


def _literals(patch: str) -> tuple[str, str, Iterator[bytes]]:
    """(old id, new id, the contents of the new and then the old hunk, each decoded when
    the one before it is done with)."""
    lines = patch.split("\n")
    index = next(line for line in lines if line.startswith("index "))
    old_id, new_id = index[len("index ") :].split("..")

    def contents() -> Iterator[bytes]:
        new, after = _decode_hunk(lines, lines.index("GIT binary patch") + 1)
        yield new
        del new
        yield _decode_hunk(lines, after)[0]

    return old_id, new_id, contents()


def parse_literals(patch: str) -> tuple[str, str, bytes, bytes]:
    """(old id, new id, new content, old content) of a patch :func:`binary_patch` wrote."""
    old_id, new_id, contents = _literals(patch)
    new, old = contents
    return old_id, new_id, new, old


def binary_patch(old: bytes, new: bytes, names: str, object_format: str = "sha1") -> str:
    """The checked binary patch turning ``old`` into ``new``; ``names`` is what follows
    ``diff --git`` (``a/<path> b/<path>``, quoted as git quotes them)."""
    old_id, new_id = blob_id(old, object_format), blob_id(new, object_format)
    patch = (
        f"diff --git {names}\nindex {old_id}..{new_id}\nGIT binary patch\n"
        + _hunk(new)
        + _hunk(old)
    )
    # Checked one content at a time (each is the file's size; a fixed file may be
    # several times the original).
    read_old, read_new, contents = _literals(patch)
    if (read_old, read_new) != (old_id, new_id) or next(contents) != new or next(contents) != old:
        raise BinaryPatchError("the binary patch does not read back")
    return patch
