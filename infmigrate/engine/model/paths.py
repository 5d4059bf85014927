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
``System32`` (no root at all)      rel     11 / 12 (kernel-style relative ImagePath)
=================================  ======  ==========================================

``%%SystemRoot%%`` and ``%%windir%%`` fold to ``%SystemRoot%`` / ``%windir%`` when the text
is expanded, so they are the ``env`` form. A ``rel`` path is a ``System32\\`` that starts
the value or follows a separator (``"``, ``;``, ``,``, a blank or ``=``), never one inside
another path (``%ProgramFiles%\\x\\System32\\y`` is not under the Windows directory).
How Windows resolves the forms: a service's ``ImagePath`` without a root is relative to
the Windows directory (the kernel prefixes ``\\SystemRoot\\``; inbox drivers are registered
as ``System32\\drivers\\x.sys``), and ``\\SystemRoot`` is the NT object-manager name of the
Windows directory (see "HKLM\\SYSTEM\\CurrentControlSet\\Services Registry Tree" and
"CurrentControlSet\\Services Subkey Entries" on learn.microsoft.com).

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
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal, TypeAlias

from infmigrate.engine.model.strings import Piece, StringTable

__all__ = ["PathForm", "PathRef", "find_paths", "split_root"]

PathForm: TypeAlias = Literal["dirid", "env", "abs", "nt", "rel"]

_ROOT = re.compile(
    r"%(?P<num>-?[0-9]+)%\\"
    r"|%(?P<env>systemroot|windir)%\\"
    r"|(?P<abs>[a-z]:\\windows)\\"
    r"|(?P<nt>\\systemroot)\\"
    r"|(?<![^\s\";,=])(?P<rel>)(?=system32\\)",
    re.I,
)
_TERMINATORS = frozenset(';,"')
_LITERAL = frozenset({"text", "lone"})
_STOP = re.compile(r'[;,"]|\s+')
_STOP_QUOTED = re.compile(r'[;,"]')
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
    #: ``%windir%``), ``abs`` (``C:\\Windows``), ``nt`` (``\\SystemRoot``) or ``rel``
    #: (``System32\\...`` with no root, relative to the Windows directory).
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
    return (12 if m.group(1) else 11), subpath[m.end() :]


def _path_end(text: str, start: int, quoted: bool) -> int:
    """Where the path starting at ``start`` ends (see the module docstring)."""
    n = len(text)
    if quoted:
        m = _STOP_QUOTED.search(text, start)
        return m.start() if m else n
    pos = start
    while True:
        m = _STOP.search(text, pos)
        if m is None:
            return n
        i = m.start()
        if text[i] in _TERMINATORS:
            return i
        # A blank: part of a directory name only if a "\\" follows before the next
        # terminator, the component before it has no ".", and no new path starts.
        component = text[text.rfind("\\", start, i) + 1 : i]
        j = m.end()
        stop = _STOP_QUOTED.search(text, j)
        rest = text[j : stop.start() if stop else n]
        if "." in component or "\\" not in rest or _ROOT.match(text, j):
            return i
        pos = j


def _scan(expanded: str) -> list[tuple[int, int, int, str, PathForm]]:
    """(start, end, dirid, subpath, form) of every path in an expanded text."""
    out: list[tuple[int, int, int, str, PathForm]] = []
    pos = 0
    while True:
        m = _ROOT.search(expanded, pos)
        if m is None:
            return out
        start = m.start()
        quoted = start > 0 and expanded[start - 1] == '"'
        end = _path_end(expanded, m.end(), quoted)
        subpath = expanded[m.end() : end]
        form: PathForm
        if m.group("num") is not None:
            dirid, form = int(m.group("num")), "dirid"
        else:
            dirid, subpath = split_root(subpath)
            form = (
                "env"
                if m.group("env")
                else "abs"
                if m.group("abs")
                else "nt"
                if m.group("nt")
                else "rel"
            )
        out.append((start, end, dirid, subpath, form))
        pos = max(end, m.end())


def find_paths(
    cooked: str, strings: StringTable | None = None, locale: str | None = None
) -> tuple[str, tuple[PathRef, ...]]:
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
    # Map expanded offsets back to the cooked text: a literal piece maps character by
    # character, a substituted piece (string value, %%, unresolved token) as a whole.
    offsets: list[int] = []
    at = 0
    for p in pieces:
        offsets.append(at)
        at += len(p.text)
    paths: list[PathRef] = []
    for start, end, dirid, subpath, form in found:
        if end <= start:
            continue
        first = bisect_right(offsets, start) - 1
        last = bisect_right(offsets, end - 1) - 1
        p, q = pieces[first], pieces[last]
        src_start = p.start + start - offsets[first] if p.kind in _LITERAL else p.start
        src_end = q.start + end - offsets[last] if q.kind in _LITERAL else q.end
        from_strings = any(pieces[i].kind == "string" for i in range(first, last + 1))
        paths.append(
            PathRef(
                src_start,
                src_end,
                expanded[start:end],
                dirid,
                subpath,
                subpath.rsplit("\\", 1)[-1],
                form,
                from_strings,
            )
        )
    return expanded, tuple(paths)
