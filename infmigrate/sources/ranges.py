"""Where a place of a C file is: the innermost function or call around a byte offset, and
whether it is in the dead branch of an ``#if 0``, each answered by bisection.

tree-sitter's ``Node.parent`` walks down from the root each time it is asked (its nodes
keep no parent pointer), so going up from a node to its function is quadratic in the
depth, and doing it for each of the names of a deep expression (``a + b + c + ...``, a
long chain of flags) was cubic: 4,000 terms in one call's argument took 214 s (issue 18,
found by fuzzing the source reader). The reader gathers the few kinds of node it looks
up (functions, calls, ``#if`` branches) in one query run by tree-sitter, and asks these
tables instead.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar

__all__ = ["DeadBranches", "Innermost", "Ranged"]


class Ranged(Protocol):
    """What the tables read of a node: its bytes."""

    @property
    def start_byte(self) -> int: ...

    @property
    def end_byte(self) -> int: ...


N = TypeVar("N", bound=Ranged)


class Innermost(Generic[N]):
    """The innermost of some nodes of one tree around a byte offset.

    The nodes of a tree nest or are apart, never overlap: their ends and starts cut the
    file into stretches that each have one innermost node (or none), found by bisection.
    """

    def __init__(self, nodes: Iterable[N]) -> None:
        # Outer nodes before the nodes they hold (the query gives them in the tree's
        # order, which the sort keeps for two nodes of the same bytes: the ancestor first).
        ordered = sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte))
        self._points: list[int] = []
        self._owners: list[N | None] = []
        open_: list[N] = []
        for node in ordered:
            start = node.start_byte
            while open_ and open_[-1].end_byte <= start:
                self._close(open_)
            open_.append(node)
            self._mark(start, node)
        while open_:
            self._close(open_)

    def _close(self, open_: list[N]) -> None:
        done = open_.pop()
        self._mark(done.end_byte, open_[-1] if open_ else None)

    def _mark(self, point: int, owner: N | None) -> None:
        """From ``point`` on, ``owner`` is the innermost node (a later mark at the same
        point wins: a node ending where the next begins)."""
        if self._points and self._points[-1] == point:
            self._owners[-1] = owner
        else:
            self._points.append(point)
            self._owners.append(owner)

    def at(self, offset: int) -> N | None:
        """The innermost node whose bytes hold ``offset`` (None: none does)."""
        i = bisect_right(self._points, offset) - 1
        return self._owners[i] if i >= 0 else None


class DeadBranches:
    """The bytes of the first branch of each ``#if 0`` (``#if FALSE``, ``#if (0)``; an
    ``#elif 0`` too): from after the condition to the next ``#elif``/``#else``, or the
    ``#endif``. The condition itself and the other branches are live."""

    def __init__(self, branches: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(branches):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            elif start < end:
                merged.append([start, end])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self._ends[i]
