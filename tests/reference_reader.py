"""An independent reference reader for INF files, used only by the tests.

It implements the syntax rules of Microsoft's "General Syntax Rules for INF Files"
(https://learn.microsoft.com/windows-hardware/drivers/install/general-syntax-rules-for-inf-files),
as pinned down for infmigrate, with a plain character-by-character state machine, in the
spirit of Wine's ``dlls/setupapi/parser.c``. It deliberately shares no code and
no design with ``infmigrate``: it keeps no trivia and cannot write anything back,
it only answers "which sections, keys and values would SetupAPI see?".

``read(data)`` returns ``(encoding, bom, sections)`` where ``sections`` is a list
of ``(name, [(line, key, values), ...])`` in file order.
"""

from __future__ import annotations

BLANKS = " \t"
EOF_MARKS = "\x1a\x00"  # Ctrl-Z and NUL end the parsed content

Entry = tuple[int, "str | None", list[str]]
Section = tuple[str, list[Entry]]


# --------------------------------------------------------------------------- decoding


def _looks_utf16(data: bytes, zero_at: int) -> bool:
    """BOM-less UTF-16: NULs at one byte position of (nearly) every code unit."""
    units = min(256, len(data) // 2)
    if units < 2 or len(data) % 2:  # one code unit is no evidence
        return False
    zeros = sum(1 for i in range(units) if data[2 * i + zero_at] == 0)
    others = sum(1 for i in range(units) if data[2 * i + 1 - zero_at] != 0)
    return zeros >= 0.9 * units and others >= 0.5 * units


def decode(data: bytes) -> tuple[str, bool, str]:
    """Return (codec name, has BOM, decoded text) for raw INF bytes."""
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le", True, _utf16(data[2:], "utf-16-le")
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be", True, _utf16(data[2:], "utf-16-be")
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8", True, data[3:].decode("utf-8", "surrogateescape")
    if _looks_utf16(data, zero_at=1):
        return "utf-16-le", False, _utf16(data, "utf-16-le")
    if _looks_utf16(data, zero_at=0):
        return "utf-16-be", False, _utf16(data, "utf-16-be")
    if max(data, default=0) >= 0x80:
        try:
            return "utf-8", False, data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return "cp1252", False, data.decode("cp1252", "surrogateescape")


def _utf16(body: bytes, codec: str) -> str:
    # An odd final byte is opaque trailing junk, not text.
    return body[: len(body) & ~1].decode(codec, "surrogatepass")


def physical_lines(text: str) -> list[str]:
    """Split on CRLF, LF or a lone CR (never on U+0085, U+2028, form feed, ...)."""
    lines: list[str] = []
    start = i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\n" or ch == "\r":
            lines.append(text[start:i])
            if ch == "\r" and text[i + 1 : i + 2] == "\n":
                i += 1
            start = i + 1
        i += 1
    if start < len(text):
        lines.append(text[start:])
    return lines


# --------------------------------------------------------------------------- lines


def _is_continuation(line: str, pos: int) -> bool:
    """True if the unquoted backslash at ``pos`` continues the logical line."""
    i = pos
    while i < len(line) and line[i] in "\\" + BLANKS:
        i += 1
    return i == len(line) or line[i] == ";"


def _read_logical_line(lines: list[str], index: int):
    """Cook the logical line that starts at physical line ``index``.

    Returns ``(key, values, next_index, is_entry)``; ``is_entry`` is False for a
    line holding nothing but blanks and a comment.
    """
    fields: list[str] = []
    key: str | None = None
    key_allowed = True  # no unquoted ',' or '=' seen yet
    buf: list[str] = []  # cooked text of the current field
    pending: list[str] = []  # unquoted blanks that are inner only if more text follows
    started = False  # current field has content, so blanks are no longer leading
    is_entry = False

    line, pos = lines[index], 0
    while pos < len(line):
        ch = line[pos]
        if ch == '"':
            buf += pending
            pending = []
            started = is_entry = True
            pos += 1
            while pos < len(line):
                if line[pos] == '"':
                    if line[pos + 1 : pos + 2] != '"':
                        break
                    pos += 1  # '""' inside quotes is one literal quote
                buf.append(line[pos])
                pos += 1
            pos += 1  # past the closing quote (or past the end: unclosed quote)
            continue
        if ch in BLANKS:
            if started:
                pending.append(ch)
        elif ch == ";":
            break  # comment to the end of the physical line
        elif ch == "\\" and _is_continuation(line, pos):
            # A continuation makes an entry even if nothing else follows (as in Wine):
            # "\" + blank line is one empty field, not trivia.
            is_entry = True
            pending = []  # blanks before the backslash go with the continuation
            index += 1
            if index == len(lines):
                break
            line, pos = lines[index], 0
            while pos < len(line) and line[pos] in BLANKS:
                pos += 1
            continue
        elif ch == "," or (ch == "=" and key_allowed):
            is_entry = True
            if ch == "=":
                key = "".join(buf)
            else:
                fields.append("".join(buf))
            key_allowed = False
            buf, pending, started = [], [], False
        else:
            buf += pending
            buf.append(ch)
            pending = []
            started = is_entry = True
        pos += 1

    fields.append("".join(buf))
    return key, fields, index + 1, is_entry


def read(data: bytes) -> tuple[str, bool, list[Section]]:
    """Read INF bytes the way SetupAPI would; see the module docstring."""
    encoding, bom, text = decode(data)
    cut = min((i for i in map(text.find, EOF_MARKS) if i >= 0), default=len(text))
    lines = physical_lines(text[:cut])

    sections: list[Section] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.lstrip(BLANKS)
        if stripped.startswith("["):
            close = stripped.find("]")
            if close >= 0:  # a header without ']' is an error line, not a section
                sections.append((stripped[1:close], []))
            index += 1
            continue
        key, values, next_index, is_entry = _read_logical_line(lines, index)
        if is_entry and sections:  # entries before the first section are errors
            sections[-1][1].append((index + 1, key, values))
        index = next_index
    return encoding, bom, sections
