"""Unified diffs of a file before and after fixing, that ``git apply`` and ``patch -p1``
apply to the very same bytes ``--write`` writes.

* git-style headers ``--- a/<path>`` / ``+++ b/<path>``;
* lines are split on ``\\n`` only, as git and patch do, and keep their terminators, so
  CRLF, LF and mixed files (a lone CR stays inside its line) come back exactly;
* ``\\ No newline at end of file`` after a last line without a terminator;
* minimal hunks with 3 lines of context (:mod:`infmigrate.diffs.linediff`);
* ANSI and UTF-8 files are diffed as bytes (a BOM is part of the first line);
* a UTF-16 file is diffed as decoded text (the hunks the review formats show), and what is
  printed for it is what ``git apply`` applies (``patch`` cannot apply any of these):

  - in a work tree whose ``.gitattributes`` give it a UTF-16 ``working-tree-encoding``
    (git stores it as UTF-8), the diff of its text in that form, when ``git apply``
    gives back exactly the fixed file (:mod:`infmigrate.diffs.gitform`);
  - otherwise, git treating it as binary, a ``GIT binary patch``
    (:mod:`infmigrate.diffs.gitbinary`) after a ``#`` comment block with the decoded diff
    for reading (:func:`commented`: ``git apply`` skips such lines);
  - a file git converts in a way that cannot give the fixed bytes back gets the comment
    block alone (apply it with ``infmigrate --write``).

Every diff is parsed back with unidiff and checked against both versions before it is
used (:func:`verify`); its hunks feed the code-review formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from unidiff import PatchedFile, PatchSet
from unidiff.errors import UnidiffParseError
from unidiff.patch import Hunk
from unidiff.patch import Line as HunkLine

from infmigrate.diffs.gitbinary import BinaryPatchError, binary_patch
from infmigrate.diffs.gitform import GitForm, applies_exactly, text_form
from infmigrate.diffs.linediff import Opcode, grouped, opcodes, text_opcodes

__all__ = [
    "UTF16",
    "DiffError",
    "FileDiff",
    "GitForm",
    "TextLines",
    "commented",
    "header",
    "make_diff",
    "split_lines",
    "unified_diff",
    "verify",
]

NO_NEWLINE = "\\ No newline at end of file\n"
#: The encodings whose diff is made from the decoded text (:func:`make_diff`).
UTF16 = ("utf-16-le", "utf-16-be")


class DiffError(RuntimeError):
    """A diff that does not parse back or does not turn the old text into the new (a bug)."""


def split_lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only, each keeping its terminator."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def _range(start: int, stop: int) -> str:
    """A hunk range, as diff and git write it (``3``, ``3,2``, ``2,0``)."""
    length = stop - start
    begin = start + 1
    if length == 1:
        return str(begin)
    if not length:
        begin -= 1
    return f"{begin},{length}"


def _emit(out: list[str], mark: str, line: str) -> None:
    out.append(mark + line)
    if not line.endswith("\n"):
        out.append("\n" + NO_NEWLINE)


_C_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def _needs_quotes(path: str) -> bool:
    return any(c < " " or c in '"\\\x7f' for c in path)


def _c_quoted(name: str) -> str:
    """``name`` in double quotes with C escapes, as git writes a name holding a control
    character, a quote or a backslash (other control characters in octal)."""
    body = "".join(
        _C_ESCAPES.get(c) or (f"\\{ord(c):03o}" if c < " " or c == "\x7f" else c) for c in name
    )
    return f'"{body}"'


def header(path: str) -> str:
    """The ``---``/``+++`` lines (a tab after a name with blanks, as git writes it; a name
    with a control character, a quote or a backslash C-quoted, as git does, so that a
    newline in a file name cannot end the header line)."""
    if _needs_quotes(path):
        return f"--- {_c_quoted('a/' + path)}\n+++ {_c_quoted('b/' + path)}\n"
    tab = "\t" if " " in path else ""
    return f"--- a/{path}{tab}\n+++ b/{path}{tab}\n"


def unified_diff(old: Sequence[str], new: Sequence[str], path: str, context: int = 3) -> str:
    """The unified diff of two lists of lines ("" when equal)."""
    return _unified(opcodes(old, new), old, new, path, context)


def _unified(
    codes: list[Opcode], old: Sequence[str], new: Sequence[str], path: str, context: int = 3
) -> str:
    """The unified diff of the opcodes turning the lines ``old`` into ``new``."""
    out: list[str] = []
    for group in grouped(codes, context):
        if not out:
            out.append(header(path))
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@\n")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                for line in old[a1:a2]:
                    _emit(out, " ", line)
                continue
            for line in old[a1:a2]:
                _emit(out, "-", line)
            for line in new[b1:b2]:
                _emit(out, "+", line)
    return "".join(out)


class _Newlines:
    """Lines split on ``\\n`` only, terminators kept (:func:`split_lines`), for
    :func:`~infmigrate.diffs.linediff.text_opcodes`."""

    def lines(self, text: str, start: int, end: int, last: bool) -> list[str]:
        return split_lines(text[start:end])

    def count(self, text: str, start: int, end: int, last: bool) -> int:
        partial = last and end > start and text[end - 1] != "\n"
        return text.count("\n", start, end) + partial


#: Characters looked at a time when skipping lines or comparing spans of text.
_BLOCK = 1 << 16
#: Lines up to which :meth:`TextLines.offset` steps a line at a time, not a block.
_FEW = 64


class TextLines(Sequence[str]):
    """The lines of a text (:func:`split_lines`) as a sequence that makes only the lines
    asked for: a diff reads its hunks' lines, and checks the rest of the file as spans of
    the text (issue 18: the lists of every line of both versions cost several times the
    file's size). Reading forward is linear; reading backward starts again at the top."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._count = _Newlines().count(text, 0, len(text), True)
        self._line = 0  # a line number and where it starts
        self._at = 0

    def __len__(self) -> int:
        return self._count

    def offset(self, line: int) -> int:
        """Where line ``line`` starts (``len(text)`` for the line after the last)."""
        if line >= self._count:
            return len(self.text)
        if line < self._line:
            self._line, self._at = 0, 0
        text, at, left = self.text, self._at, line - self._line
        # far lines are skipped a block at a time, near ones a line at a time (a block's
        # count for the next line made reading a diff's lines in order cost a block each:
        # issue 18, thousands of hunks)
        while left > _FEW:
            end = min(at + _BLOCK, len(text))
            breaks = text.count("\n", at, end)
            if breaks >= left:
                break
            left -= breaks
            at = end
        while left:
            at = text.index("\n", at) + 1
            left -= 1
        self._line, self._at = line, at
        return at

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step != 1 or stop <= start:
                return [self[i] for i in range(start, stop, step)]
            first = self.offset(start)
            return split_lines(self.text[first : self.offset(stop)])
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self[index : index + 1][0]


def _same(old: Sequence[str], i1: int, i2: int, new: Sequence[str], j1: int, j2: int) -> bool:
    """Whether lines ``old[i1:i2]`` are ``new[j1:j2]`` (compared as spans of text for
    :class:`TextLines`)."""
    if i2 - i1 != j2 - j1 or i2 > len(old) or j2 > len(new):
        return False
    if not (isinstance(old, TextLines) and isinstance(new, TextLines)):
        return list(old[i1:i2]) == list(new[j1:j2])
    a1, a2 = old.offset(i1), old.offset(i2)
    b1, b2 = new.offset(j1), new.offset(j2)
    if a2 - a1 != b2 - b1:
        return False
    for k in range(0, a2 - a1, _BLOCK):
        if (
            old.text[a1 + k : min(a1 + k + _BLOCK, a2)]
            != new.text[b1 + k : min(b1 + k + _BLOCK, b2)]
        ):
            return False
    return True


def _value(lines: list[HunkLine], index: int) -> str:
    """A hunk line's text, without the ``\\n`` unidiff adds before a no-newline marker."""
    value: str = lines[index].value
    if index + 1 < len(lines) and lines[index + 1].line_type == "\\":
        value = value[:-1] if value.endswith("\n") else value
    return value


def verify(diff: str, old: Sequence[str], new: Sequence[str], path: str) -> PatchedFile:
    """Parse a diff with unidiff and check that its hunks turn ``old`` into ``new``."""
    try:
        patch = PatchSet(diff)
    except UnidiffParseError as exc:
        raise DiffError(f"{path}: the diff does not parse: {exc}") from None
    named = _c_quoted(path) if _needs_quotes(path) else path  # how unidiff reports it
    if len(patch) != 1 or patch[0].path != named:
        raise DiffError(f"{path}: the diff names {[f.path for f in patch]}")
    # The hunks applied to ``old`` must give ``new``: each hunk's old lines are where
    # it says, and (checked after) the lines between hunks and each hunk's new lines
    # are where they land in ``new``, as one pass over both (no copy of every line).
    spans: list[tuple[int, int, int]] = []  # (start in old, old lines, new lines)
    pos = 0
    for hunk in patch[0]:
        if not hunk.is_valid():
            raise DiffError(f"{path}: hunk {hunk.source_start} has wrong lengths")
        source, _ = _sides(hunk)
        start = hunk.source_start - (1 if hunk.source_length else 0)
        if start < pos or list(old[start : start + len(source)]) != source:
            raise DiffError(f"{path}: hunk {hunk.source_start} does not match the file")
        spans.append((start, len(source), 0))
        pos = start + len(source)
    pos = at = 0
    for hunk, (start, old_count, _) in zip(patch[0], spans, strict=True):
        _, target = _sides(hunk)
        gap = max(0, min(start, len(old)) - pos)  # the lines kept before the hunk
        if not _same(old, pos, pos + gap, new, at, at + gap):
            raise DiffError(f"{path}: the diff does not give the fixed file")
        at += gap
        if list(new[at : at + len(target)]) != target:
            raise DiffError(f"{path}: the diff does not give the fixed file")
        at += len(target)
        pos = start + old_count
    if not _same(old, min(pos, len(old)), len(old), new, at, len(new)):
        raise DiffError(f"{path}: the diff does not give the fixed file")
    return patch[0]


def _sides(hunk: Hunk) -> tuple[list[str], list[str]]:
    """A hunk's old lines (context and removed) and new ones (context and added)."""
    lines = list(hunk)
    source = [_value(lines, i) for i, ln in enumerate(lines) if ln.line_type in " -"]
    target = [_value(lines, i) for i, ln in enumerate(lines) if ln.line_type in " +"]
    return source, target


@dataclass(frozen=True)
class FileDiff:
    """The diff of one file, checked, with its parsed hunks."""

    path: str
    #: What goes to stdout: the diff, or for UTF-16 the commented block.
    output: bytes
    #: The parsed diff (of the bytes read as latin-1, or of the decoded UTF-16 text);
    #: None when :func:`make_diff` was asked not to keep it (``keep_patch``).
    patch: PatchedFile | None
    #: The file's encoding (to show hunk lines as text).
    encoding: str
    #: ``git apply`` of :attr:`output` gives the fixed file (``patch`` too for ANSI and
    #: UTF-8 files); false for a UTF-16 file shown as comments only.
    applies: bool = True

    @property
    def is_utf16(self) -> bool:
        return self.encoding in UTF16

    def text(self, value: str) -> str:
        """A hunk line's value as readable text, terminator removed."""
        if not self.is_utf16:
            value = value.encode("latin-1").decode(
                "utf-8" if self.encoding == "utf-8" else "cp1252", "replace"
            )
            value = value.lstrip("\ufeff")
        return value.rstrip("\r\n")


def _names(path: str) -> str:
    """``a/<path> b/<path>`` as git writes them after ``diff --git``."""
    if _needs_quotes(path):
        return f"{_c_quoted('a/' + path)} {_c_quoted('b/' + path)}"
    return f"a/{path} b/{path}"


def commented(diff: str, path: str, encoding: str, how: str) -> str:
    """A UTF-16 file's diff as a ``#`` block that git apply and patch skip; ``how`` says
    how to apply the change."""
    name = encoding.upper()
    head = f"# infmigrate: {path} is {name}: the diff of its decoded text, for reading\n{how}"
    body = "".join(f"# {line.rstrip(chr(13) + chr(10))}\n" for line in split_lines(diff))
    return head + body


def _preimage_crlf(patch: PatchedFile) -> bool:
    """Whether a context or removed line of the diff ends in CRLF (git apply then keeps
    the file's CRLFs as they are: ``crlf_in_old``)."""
    return any(
        line.line_type in " -" and line.value.endswith("\r\n") for hunk in patch for line in hunk
    )


def _utf16_output(
    old: bytes, new: bytes, diff: str, path: str, encoding: str, git: GitForm | None
) -> tuple[bytes, bool]:
    """What ``--diff`` prints for a UTF-16 file, and whether git apply applies it."""
    if git is not None and git.encoding:
        old_git, new_git = text_form(old, git), text_form(new, git)
        if old_git is not None and new_git is not None:
            text, parsed = _checked_diff(old_git, new_git, path)
            if applies_exactly(old, new, old_git, new_git, _preimage_crlf(parsed), git):
                return text.encode("utf-8", "surrogatepass"), True
        how = (
            f"# Its working-tree-encoding ({git.encoding}) or line ends do not let git apply\n"
            f"# give the fixed bytes back: apply it with: infmigrate --write {path}\n"
        )
        return commented(diff, path, encoding, how).encode("utf-8", "replace"), False
    how = "# git treats it as binary: the GIT binary patch below applies with git apply.\n"
    block = commented(diff, path, encoding, how).encode("utf-8", "replace")
    fmt = git.object_format if git is not None else "sha1"
    try:
        binary = binary_patch(old, new, _names(path), fmt)
    except BinaryPatchError as exc:  # pragma: no cover - a bug in the writer
        raise DiffError(f"{path}: {exc}") from None
    return block + binary.encode("utf-8"), True


def _checked_diff(old: str, new: str, path: str) -> tuple[str, PatchedFile]:
    """The unified diff of two texts (:func:`unified_diff` of their :func:`split_lines`)
    and its parsed, checked form (:func:`verify`), making only the lines around the
    changes."""
    a, b = TextLines(old), TextLines(new)
    diff = _unified(text_opcodes(old, new, _Newlines()), a, b, path)
    return diff, verify(diff, a, b, path)


def make_diff(
    old: bytes,
    new: bytes,
    old_text: str,
    new_text: str,
    path: str,
    encoding: str,
    git: GitForm | None = None,
    *,
    keep_patch: bool = True,
) -> FileDiff | None:
    """The checked diff of a file (None when unchanged). ``old_text``/``new_text`` are the
    decoded texts, used for UTF-16 files; ``git`` is how git reads and writes the file
    (None: not in a work tree, or unknown). ``keep_patch``: keep the parsed diff
    (:attr:`FileDiff.patch`; one object per line of the diff) once it is checked, for a
    caller that reads it; without it, the diff is checked the same way and only its
    output kept (issue 18: the parsed lines cost several times the diff's size)."""
    if old == new:
        return None
    patch: PatchedFile | None
    if encoding in UTF16:
        diff, patch = _checked_diff(old_text, new_text, path)
        if not keep_patch:
            patch = None
        out, applies = _utf16_output(old, new, diff, path, encoding, git)
        return FileDiff(path, out, patch, encoding, applies)
    diff, patch = _checked_diff(old.decode("latin-1"), new.decode("latin-1"), path)
    if not keep_patch:
        patch = None
    # latin-1 maps every byte to one character and back; the path is text, in UTF-8.
    head = header(path)
    return FileDiff(
        path, head.encode("utf-8") + diff[len(head) :].encode("latin-1"), patch, encoding
    )
