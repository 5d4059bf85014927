"""Cutting INF text into physical lines and joining them into logical lines.

A physical line ends at ``\\r\\n``, ``\\n`` or a lone ``\\r``. A logical line is a physical line
plus the lines that its continuation backslashes join to it: an unquoted ``\\`` followed only
by backslashes, blanks and an optional comment continues the entry on the next physical line,
whatever that line holds. A section header line never continues. Quotes never span lines.

Every part of infmigrate that numbers lines counts them as this module does: the parser,
positions in findings (:func:`line_texts`, :func:`count_line_breaks`), the line maps and
suggested changes of the output formats (:func:`physical_lines`). (A diff splits on
``\\n`` only, as git and patch do: see :mod:`infmigrate.diffs.unified`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain, count, repeat

from infmigrate.engine.syntax.grammar import CONTINUATION_AT_END, CONTINUATION_TAIL

__all__ = [
    "LogicalLine",
    "continues",
    "count_line_breaks",
    "line_texts",
    "logical_lines",
    "physical_lines",
    "split_eof",
]

#: (text without its final terminator, the terminator, 1-based number of its first line)
LogicalLine = tuple[str, str, int]

_TERMINATOR = re.compile(r"(\r\n|\n|\r)")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
#: A physical line with its terminator, or a last line without one.
_PHYSICAL = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z")
#: Ctrl-Z or NUL: SetupAPI stops reading there; the rest is kept as an opaque tail.
_EOF_MARK = re.compile(r"[\x00\x1a]")
#: Reads a physical line up to its first unquoted ';' or continuation backslash: text,
#: quoted runs (to the closing quote or the end of the line), literal backslashes.
_UP_TO_COMMENT_OR_CONTINUATION = re.compile(
    rf'(?:[^"\\;]++|"[^"]*+"?|\\(?!{CONTINUATION_TAIL}\Z))*+'
)


#: Could some line of a text end in a continuation? (A quick test over the whole text.)
_MAYBE_CONTINUED = re.compile(rf"\\{CONTINUATION_TAIL}(?:[\r\n]|\Z)")


def line_texts(text: str, maxsplit: int = 0) -> list[str]:
    """The physical lines of ``text`` without their terminators, so that line ``n`` is
    ``[n - 1]``; a text that ends with a terminator gives a last ``""`` (as
    :func:`re.split` does). ``maxsplit`` > 0 stops after that many lines: the rest of
    the text is the last item."""
    if "\r" not in text:  # LF only (or one line): a plain split is the same, and faster
        return text.split("\n", maxsplit if maxsplit > 0 else -1)
    return _LINE_BREAK.split(text, maxsplit)


def physical_lines(text: str) -> list[str]:
    """The physical lines of ``text``, each with its terminator (the last one may have
    none); ``"".join`` of them is the text."""
    return _PHYSICAL.findall(text)


def count_line_breaks(text: str) -> int:
    """How many line terminators ``text`` holds (``\\r\\n`` counts once)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def split_eof(text: str) -> tuple[str, str]:
    """Split text at the first end-of-file marker: (content, tail)."""
    m = _EOF_MARK.search(text)
    return (text, "") if m is None else (text[: m.start()], text[m.start() :])


def continues(line: str) -> bool:
    """Does this physical line (terminator excluded) continue on the next one?"""
    if "\\" not in line or CONTINUATION_AT_END.search(line) is None:
        return False
    # (the pattern matches the empty string: match() never returns None)
    end = _UP_TO_COMMENT_OR_CONTINUATION.match(line).end()  # type: ignore[union-attr]
    return end < len(line) and line[end] == "\\"


def _is_header(line: str) -> bool:
    return line.lstrip(" \t")[:1] == "["


def _split_physical(text: str) -> tuple[list[str], list[str]]:
    """Physical lines (terminators excluded) and their terminators ("" for a last line
    without one)."""
    crlf = text.count("\r\n")
    lf = text.count("\n")
    cr = text.count("\r")
    if crlf == lf == cr or crlf == cr == 0 or crlf == lf == 0:
        # One kind of terminator throughout (nearly every file): a plain split is exact.
        newline = "\r\n" if crlf else ("\n" if lf else "\r")
        physical = text.split(newline)
        terminators = [newline] * len(physical)
    else:
        parts = _TERMINATOR.split(text)
        physical = parts[0::2]
        terminators = parts[1::2]
        terminators.append("")
    if physical[-1] == "":
        # The text ends with a terminator (or is empty): there is no last, open line.
        physical.pop()
        terminators.pop()
    else:
        terminators[-1] = ""
    return physical, terminators


def logical_lines(text: str) -> Iterator[LogicalLine]:
    """The logical lines of ``text`` (which must hold no end-of-file marker), one at a
    time: a list of them would hold a tuple per line for the whole parse."""
    if _MAYBE_CONTINUED.search(text) is None:
        # No line ends in a backslash run (most files): every physical line is logical.
        newline = _single_terminator(text)
        if newline is not None:
            return _split_in_chunks(text, newline)
        physical, terminators = _split_physical(text)
        # (zip reuses its result tuple when the caller unpacks it: no tuple per line)
        return zip(physical, terminators, range(1, len(physical) + 1), strict=True)
    physical, terminators = _split_physical(text)
    return _joined(physical, terminators)


#: How many characters of text :func:`_split_in_chunks` splits at a time.
CHUNK = 1 << 16


def _single_terminator(text: str) -> str | None:
    """The one kind of line terminator of ``text`` (``\n`` when it has none), or ``None``
    when it mixes them."""
    crlf = text.count("\r\n")
    lf = text.count("\n")
    cr = text.count("\r")
    if crlf == lf == cr or crlf == cr == 0 or crlf == lf == 0:
        return "\r\n" if crlf else ("\n" if lf else "\r")
    return None


def _split_in_chunks(text: str, newline: str) -> Iterator[LogicalLine]:
    """The lines of a text with one kind of terminator, split :data:`CHUNK` characters at a
    time (issue 18: a list of every line of a large file, held to the end of its parse,
    cost 10 times the file)."""
    return chain.from_iterable(_chunks(text, newline))


def _chunks(text: str, newline: str) -> Iterator[Iterator[LogicalLine]]:
    size = len(text)
    lineno = 1
    pos = 0
    while pos < size:
        end = text.find(newline, pos + CHUNK)
        lines = text[pos:].split(newline) if end < 0 else text[pos:end].split(newline)
        last = lines.pop() if end < 0 else ""
        # (zip reuses its result tuple when the caller unpacks it: no tuple per line)
        yield zip(lines, repeat(newline), count(lineno))
        lineno += len(lines)
        if end < 0:
            if last:  # a last line without terminator
                yield iter(((last, "", lineno),))
            return
        pos = end + len(newline)


def _joined(physical: list[str], terminators: list[str]) -> Iterator[LogicalLine]:
    """The logical lines of a text that may have continued lines."""
    count = len(physical)
    i = 0
    while i < count:
        line = physical[i]
        start = i
        if "\\" in line and i + 1 < count and not _is_header(line) and continues(line):
            pieces = [line]
            while i + 1 < count and continues(line):
                pieces.append(terminators[i])
                i += 1
                line = physical[i]
                pieces.append(line)
            line = "".join(pieces)
        yield line, terminators[i], start + 1
        i += 1
