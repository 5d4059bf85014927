"""The line edits the hypothesis fuzz tests make to their seeds (INF text, C bytes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T", str, bytes)
P = TypeVar("P")


def mutate_lines(
    text: T, ops: Sequence[tuple[int, int, int, P]], within: Callable[[T, int, int, P], T]
) -> T:
    """``text`` after ``ops``, each ``(op, a, b, piece)``: 0 deletes line ``a``, 1 puts a
    copy of line ``a`` before line ``b``, 2 swaps lines ``a`` and ``b`` (line numbers taken
    modulo the lines), any other op is ``within(line a, op, b, piece)``, the test's own
    edit inside the line."""
    empty = text[:0]
    lines = text.splitlines(keepends=True) or [empty]
    for op, a, b, piece in ops:
        if not lines:
            lines = [empty]
        i, j = a % len(lines), b % len(lines)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(j, lines[i])
        elif op == 2:
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = within(lines[i], op, b, piece)
    return empty.join(lines)
