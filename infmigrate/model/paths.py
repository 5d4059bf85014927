"""File paths inside INF values: ``%12%\\x.sys``, ``%SystemRoot%\\System32\\x.dll``...

The text is expanded first (``%strkey%`` values substituted, ``%%`` folded), then scanned
for paths rooted at a DIRID or at the Windows directory. Each path found is mapped back to
its span in the *cooked* text, so a fixer can rewrite exactly that part of the field.

Roots recognised (case-insensitive), each followed by ``\\``:

=================================  ======  ==========================================
root                               form    DIRID
=================================  ======  ==========================================
``%<number>%``                     dirid   the number
``%SystemRoot%``                   env     10, or 11 / 12 with ``System32[\\drivers]``
``%windir%``                       env     same as ``%SystemRoot%``
``C:\\Windows`` (any drive letter)  abs     same
``\\SystemRoot``                    nt      same (kernel-style ImagePath)
=================================  ======  ==========================================

For the spelled-out roots the DIRID is normalised (``%SystemRoot%\\System32\\drivers\\x.sys``
is DIRID 12, subpath ``x.sys``); a ``%10%\\System32\\x`` path keeps DIRID 10 as written
(see :attr:`PathRef.normalized`).

Where a path ends: at ``;``, ``,``, ``"`` or the end of the text. A blank ends it too,
unless the path started right after a ``"`` (the triple-quote form of a path with
spaces), or the blank sits inside a directory name (the text after it, up to the next
terminator, holds another ``\\`` and is not a new path, and the component before it has
no ``.``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, TypeAlias

from .strings import Piece, StringTable

__all__ = ["PathForm", "PathRef", "find_paths", "split_root"]

PathForm: TypeAlias = Literal["dirid", "env", "abs", "nt"]

_ROOT = re.compile(
    r"%(?P<num>-?[0-9]+)%\\"
    r"|%(?P<env>systemroot|windir)%\\"
    r"|(?P<abs>[a-z]:\\windows)\\"
    r"|(?P<nt>\\systemroot)\\",
    re.I,
)
_TERMINATORS = frozenset(';,"')
_SYSTEM32 = re.compile(r"system32(?:\\(drivers)(?:\\|$)|\\|$)", re.I)


@dataclass(frozen=True, slots=True)
class PathRef:
    """One path found in a value."""

    #: Span of the path in the cooked text (covers whole ``%strkey%`` tokens).
    start: int
    end: int
    #: The path, expanded (``%SystemRoot%\\System32\\IoLogMsg.dll``).
    text: str
    #: The DIRID the path is under (see the module docstring).
    dirid: int
    #: The part after the DIRID root, without the leading ``\\`` (``UMDF\\x.dll``).
    subpath: str
    #: The last path component (``x.dll``); empty when the path ends with ``\\``.
    file_name: str
    #: How the root is written: ``dirid`` (``%12%``), ``env`` (``%SystemRoot%``,
    #: ``%windir%``), ``abs`` (``C:\\Windows``) or ``nt`` (``\\SystemRoot``).
    form: PathForm
    #: Whether some of the path comes from a ``%strkey%`` value (then the span covers the
    #: token, and rewriting the path means editing the Strings value or the token).
    from_strings: bool = False

    @property
    def normalized(self) -> tuple[int, str]:
        """(DIRID, subpath) with ``10\\System32[\\drivers]`` folded to 11 / 12."""
        if self.dirid == 10:
            return split_root(self.subpath)
        return self.dirid, self.subpath


def split_root(subpath: str) -> tuple[int, str]:
    """A path under the Windows directory as (10, 11 or 12, the rest)."""
    m = _SYSTEM32.match(subpath)
    if not m:
        return 10, subpath
    return (12 if m.group(1) else 11), subpath[m.end():]


def _path_end(text: str, start: int, quoted: bool) -> int:
    """Where the path starting at ``start`` ends (see the module docstring)."""
    n = len(text)
    i = start
    while i < n:
        c = text[i]
        if c in _TERMINATORS:
            return i
        if c.isspace() and not quoted:
            component = text[text.rfind("\\", start, i) + 1:i]
            j = i
            while j < n and text[j].isspace():
                j += 1
            k = j
            while k < n and text[k] not in _TERMINATORS:
                k += 1
            rest = text[j:k]
            if "." in component or "\\" not in rest or _ROOT.match(text, j):
                return i
            # a directory name with a blank: keep going
        i += 1
    return n


def _scan(expanded: str) -> list[tuple[int, int, int, str, str]]:
    """(start, end, dirid, subpath, form) of every path in an expanded text."""
    out: list[tuple[int, int, int, str, str]] = []
    pos = 0
    while True:
        m = _ROOT.search(expanded, pos)
        if m is None:
            return out
        start = m.start()
        quoted = start > 0 and expanded[start - 1] == '"'
        end = _path_end(expanded, m.end(), quoted)
        subpath = expanded[m.end():end]
        if m.group("num") is not None:
            dirid, form = int(m.group("num")), "dirid"
        else:
            dirid, subpath = split_root(subpath)
            form = "env" if m.group("env") else ("abs" if m.group("abs") else "nt")
        out.append((start, end, dirid, subpath, form))
        pos = max(end, m.end())


def find_paths(cooked: str, strings: StringTable | None = None,
               locale: str | None = None) -> tuple[str, tuple[PathRef, ...]]:
    """Expand ``cooked`` for ``locale`` and return (expanded text, paths found in it)."""
    if strings is None:
        strings = StringTable(())
    if "%" in cooked:
        pieces = strings.pieces(cooked, locale)
    else:
        pieces = [Piece("text", cooked, 0, len(cooked))]
    expanded = "".join(p.text for p in pieces)
    if "\\" not in expanded:
        return expanded, ()
    found = _scan(expanded)
    if not found:
        return expanded, ()
    # Map every expanded character back to the span of the cooked text it comes from.
    src_start: list[int] = []
    src_end: list[int] = []
    from_string: list[bool] = []
    for p in pieces:
        if p.kind == "text" or p.kind == "lone":
            src_start.extend(range(p.start, p.end))
            src_end.extend(range(p.start + 1, p.end + 1))
            from_string.extend([False] * len(p.text))
        else:
            size = len(p.text)
            src_start.extend([p.start] * size)
            src_end.extend([p.end] * size)
            from_string.extend([p.kind == "string"] * size)
    paths: list[PathRef] = []
    for start, end, dirid, subpath, form in found:
        if end <= start:
            continue
        file_name = subpath.rsplit("\\", 1)[-1]
        paths.append(PathRef(
            src_start[start], src_end[end - 1], expanded[start:end], dirid, subpath,
            file_name, form, any(from_string[start:end])))  # type: ignore[arg-type]
    return expanded, tuple(paths)
