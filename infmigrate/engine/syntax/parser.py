"""``parse(bytes) -> InfFile``: decoding, line splitting and tree assembly."""

from __future__ import annotations

from infmigrate.engine.perf import gc_paused
from infmigrate.engine.syntax.builder import (
    LINES,
    ParseState,
    build_line,
    clear_memo,
)
from infmigrate.engine.syntax.decoding import decode
from infmigrate.engine.syntax.lines import logical_lines, split_eof
from infmigrate.engine.syntax.nodes import (
    MESSAGE_BEFORE_FIRST_SECTION,
    Entry,
    ErrorLine,
    InfFile,
    Line,
    Section,
    SectionHeader,
    indent_length,
)

_new = tuple.__new__

__all__ = ["clear_memo", "parse", "parse_text"]


def parse(data: bytes, encoding: str | None = None) -> InfFile:
    """Parse the bytes of an INF or INX file into a lossless syntax tree.

    Total: every input gives a tree, and ``parse(data).to_bytes() == data``. Malformed lines
    become :class:`~infmigrate.engine.syntax.nodes.ErrorLine` nodes, listed with their positions in
    ``InfFile.problems``. ``encoding`` (a codec name) skips the encoding detection.
    """
    decoded = decode(data, encoding)
    return parse_text(decoded.text, decoded.encoding, decoded.bom, decoded.trailing_bytes)


def parse_text(
    text: str, encoding: str = "utf-16-le", bom: bool = True, trailing_bytes: bytes = b""
) -> InfFile:
    """Parse already decoded text; ``encoding``/``bom`` say how ``to_bytes`` writes it."""
    with gc_paused():  # many small acyclic objects: the cyclic collector only costs time
        return _assemble(text, encoding, bom, trailing_bytes)


def _assemble(text: str, encoding: str, bom: bool, trailing_bytes: bytes) -> InfFile:
    content, tail = split_eof(text)
    prolog: list[Line] = []
    sections: list[Section] = []
    header: SectionHeader | None = None
    body: list[Line] = prolog
    append = body.append
    memo = LINES.get
    state = ParseState()
    for line_text, newline, lineno in logical_lines(content):
        # Nodes are tuples: the fields of the line's text, then its terminator and number.
        node = memo(line_text)
        if node is None:
            node = build_line(line_text, newline, lineno, state)
            cls = type(node)
        elif (cls := type(node)) is Entry:  # a line seen before: its fields are shared
            node = _new(Entry, (node[0], node[1], node[2], newline, lineno))
        else:
            node = _new(cls, (*node[:-2], newline, lineno))
        if cls is SectionHeader:
            if header is not None:
                sections.append(_new(Section, (header, *body)))
            header = node  # type: ignore[assignment]  # (cls is SectionHeader)
            body = []
            append = body.append
        elif cls is Entry and header is None:
            append(
                _new(
                    ErrorLine,
                    (
                        line_text,
                        MESSAGE_BEFORE_FIRST_SECTION,
                        indent_length(node) + 1,
                        newline,
                        lineno,
                    ),
                )
            )
        else:
            append(node)
    if header is not None:
        sections.append(_new(Section, (header, *body)))
    return InfFile(
        encoding, bom, tuple(prolog), tuple(sections), tail, trailing_bytes, numbered=True
    )
