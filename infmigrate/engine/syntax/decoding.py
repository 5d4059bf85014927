"""Bytes <-> text for INF files, losslessly.

An INF is ANSI (the system code page, read here as cp1252) or UTF-16LE with a BOM; in the
wild there are also UTF-16BE, UTF-8 with and without a BOM, and UTF-16 without a BOM. This
module decides which, decodes the bytes to text, and remembers everything needed to give
the very same bytes back:

* the BOM, if any;
* undecodable bytes: cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined, and an ANSI
  file may hold anything, so ANSI text is decoded with ``surrogateescape`` (each such byte
  becomes a lone surrogate U+DC80..U+DCFF and is written back as the same byte);
* unpaired UTF-16 surrogates, kept with ``surrogatepass``;
* a stray final byte of a UTF-16 file with an odd byte count, kept as opaque
  ``trailing_bytes``.

Line terminators, a Ctrl-Z tail and a missing final newline are text, and so belong to the
syntax tree, not to this layer.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

__all__ = ["DecodeError", "Decoded", "decode", "encode"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_FOR = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
}
_UTF16 = ("utf-16-le", "utf-16-be")
#: How many leading code units are looked at to recognise UTF-16 without a BOM.
_SNIFF_UNITS = 256


class DecodeError(ValueError):
    """The bytes cannot be turned into text and back without loss."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        #: Byte offset of the problem in the input.
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text of an INF file and what is needed to encode it back to the same bytes."""

    #: The decoded text, BOM excluded.
    text: str
    #: Python codec name: ``utf-16-le``, ``utf-16-be``, ``utf-8`` or ``cp1252``.
    encoding: str
    #: Whether the file starts with a byte order mark.
    bom: bool
    #: Bytes after the last whole code unit (the odd final byte of a UTF-16 file).
    trailing_bytes: bytes = b""


def _error_handler(encoding: str) -> str:
    return "surrogatepass" if encoding in _UTF16 else "surrogateescape"


def _sniff_bomless_utf16(data: bytes) -> str | None:
    """Recognise UTF-16 text without a BOM by its pattern of NUL bytes.

    ASCII-range text in UTF-16LE has a NUL in every odd byte and (almost) none in the even
    ones; BE the other way round. A handful of exceptions is tolerated (a real NUL, a CJK
    character), a binary file is not mistaken for text, and the first character must be
    ASCII (INFs start with a bracket, a comment, a blank or a letter).
    """
    units = min(len(data) // 2, _SNIFF_UNITS)
    if units < 2 or len(data) % 2:  # without a BOM, an odd length is not taken for UTF-16
        return None
    head = data[: units * 2]
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    # The file must also *start* with an ASCII character in that byte order: an 8-bit file
    # with binary junk after an end-of-file NUL can otherwise look like UTF-16.
    if odd_nuls >= 0.9 * units and even_nuls <= 0.1 * units and data[1] == 0 and 0 < data[0] < 0x80:
        return "utf-16-le"
    if even_nuls >= 0.9 * units and odd_nuls <= 0.1 * units and data[0] == 0 and 0 < data[1] < 0x80:
        return "utf-16-be"
    return None


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode INF bytes to text, remembering the encoding and BOM.

    Total and lossless: every input decodes, and ``encode(...)`` of the result gives
    ``data`` back byte for byte. ``encoding`` skips the detection: the bytes are read in
    that encoding (with its BOM, when they start with one). Re-reading a file one has just
    edited in its own encoding needs it: an ANSI file whose only non-UTF-8 bytes an edit
    removed would otherwise be taken for UTF-8.
    """
    if encoding is not None:
        bom_bytes = _BOM_FOR.get(encoding, b"")
        has_bom = bool(bom_bytes) and data.startswith(bom_bytes)
        return _decode_as(data[len(bom_bytes) :] if has_bom else data, encoding, bom=has_bom)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], encoding, bom=True)
    bomless = _sniff_bomless_utf16(data)
    if bomless is not None:
        return _decode_as(data, bomless, bom=False)
    if data.isascii():
        return Decoded(data.decode("ascii"), "cp1252", False)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        return Decoded(data.decode("cp1252", "surrogateescape"), "cp1252", False)


def _decode_as(body: bytes, encoding: str, *, bom: bool) -> Decoded:
    trailing = b""
    if encoding in _UTF16 and len(body) % 2:
        body, trailing = body[:-1], body[-1:]
    # surrogatepass decodes any even number of UTF-16 bytes (unpaired surrogates included)
    # and surrogateescape any UTF-8 byte sequence, so this cannot fail.
    return Decoded(body.decode(encoding, _error_handler(encoding)), encoding, bom, trailing)


def encode(text: str, encoding: str, bom: bool, trailing_bytes: bytes = b"") -> bytes:
    """Encode text back to bytes exactly as :func:`decode` read them.

    Raises :class:`DecodeError` (a ``ValueError``) when ``text`` holds a character that the
    encoding cannot represent, such as non-ANSI text inserted into an ANSI file.
    """
    try:
        body = text.encode(encoding, _error_handler(encoding))
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        raise DecodeError(
            f"character {char!r} (U+{ord(char):04X}) cannot be written in {encoding}",
            exc.start,
        ) from None
    return (_BOM_FOR[encoding] if bom else b"") + body + trailing_bytes
