"""Numbers as INF files write them: decimal, or hexadecimal with a ``0x`` prefix."""

from __future__ import annotations

__all__ = ["parse_int"]

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def parse_int(text: str) -> int | None:
    """The integer a numeric INF field stands for, or ``None`` when it is not a number.

    Accepts optional blanks around the number, an optional sign, decimal digits or a
    ``0x``/``0X`` prefix with hexadecimal digits (``0x00010001``). Anything else, including
    an empty string, a ``%token%`` or trailing text, gives ``None``.
    """
    s = text.strip()
    if s.isdigit() and s.isascii():  # the common case: a plain decimal number
        return int(s)
    if not s:
        return None
    sign = 1
    if s[0] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s[:2] in ("0x", "0X"):
        digits = s[2:]
        if not digits or not _HEX_DIGITS.issuperset(digits):
            return None
        return sign * int(digits, 16)
    if not s.isascii() or not s.isdigit():
        return None
    return sign * int(s)
