"""Concrete syntax tree nodes for INF files.

Every node is immutable and owns the exact text it was parsed from, spaces, comments and
line terminators included, and prints itself (:attr:`CSTNode.code`), so printing the root
gives back the input character for character. Edits never mutate: :meth:`CSTNode.with_changes`
returns a new node (LibCST style), and unchanged subtrees are shared between old and new.

Ownership of text, from the root down::

    InfFile     encoding, BOM, prolog lines, sections, tail (Ctrl-Z/NUL and after)
    Section     its header line and the lines up to the next header
    <line>      one logical line: SectionHeader | Entry | TriviaLine | ErrorLine, each
                owning its indentation and its final terminator ("" on a last line without)
    Entry       indent, optional Key, Fields, the comment at the end of the line
    Key         raw key text, the blanks after it, the "="
    Field       blanks before, raw value, blanks after, the "," that ends it (if any)

Raw values keep quotes, ``""`` escapes and continuation lines (backslash, comment, newline,
next line's indent). The *cooked* value (what SetupAPI sees) is computed from them on demand
by :func:`cook`. ``%strkey%`` tokens are not expanded here; that is the model's job.

Nodes are tuples underneath (a tuple subclass with named, read-only fields, like
``typing.NamedTuple``): a parse makes one node per line and per field, hundreds of
thousands for a large driver package, and a tuple node is built 3 to 4 times faster than a
frozen dataclass (0.3 us against 1.1 us, measured on CPython 3.11). Use the field names, not
indexes; equality compares the node type and content, never positions.

Line numbers are positions, not content: every line node has a ``line`` field that equality
ignores, and :class:`InfFile` renumbers its lines when built by anything but the parser, so
a tree made with ``with_changes`` reports the lines it would have if printed and parsed again.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, islice
from operator import itemgetter, sub
from typing import Any, ClassVar, Literal, Self, TypeAlias

from infmigrate.engine.syntax.decoding import encode
from infmigrate.engine.syntax.grammar import VALUE_TOKEN
from infmigrate.engine.syntax.lines import continues, count_line_breaks, line_texts

__all__ = [
    "CSTNode",
    "Entry",
    "ErrorLine",
    "Field",
    "InfFile",
    "Key",
    "Line",
    "Problem",
    "Section",
    "SectionHeader",
    "Token",
    "TriviaLine",
    "cook",
    "cook_fields",
    "cook_spans",
    "indent_length",
    "pack_offsets",
    "pack_spans",
    "tokenize_value",
]


# --- values -------------------------------------------------------------------------------

TokenKind: TypeAlias = Literal["text", "quoted", "continuation", "gap"]


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical piece of a raw key or field value."""

    #: ``text`` (unquoted characters, literal backslashes included), ``quoted`` (a quoted
    #: run with its quotes), ``continuation`` (backslashes to the next line's first
    #: non-blank) or ``gap`` (blanks between two pieces).
    kind: TokenKind
    #: The raw text of the piece.
    text: str
    #: Offset of the piece in the raw value.
    offset: int

    @property
    def closed(self) -> bool:
        """For a quoted run: whether it has its closing quote."""
        body = self.text[1:]
        # The body is made of non-quote characters and "" pairs, optionally followed by the
        # closing quote, so an odd number of trailing quotes means the run was closed.
        return (len(body) - len(body.rstrip('"'))) % 2 == 1

    @property
    def unquoted(self) -> str:
        """For a quoted run: the characters it stands for (quotes removed, ``""`` folded)."""
        body = self.text[1:-1] if self.closed else self.text[1:]
        return body.replace('""', '"')


#: Appended to a value that a ',' or '=' follows on its line, so that a backslash at its end
#: reads as literal, as it is on the line, and not as a continuation.
_FOLLOWED = ","


def tokenize_value(raw: str, final: bool = True) -> tuple[Token, ...]:
    """Split a raw key or field value into its tokens.

    ``final`` says whether the value ends its line (it is the last field, not a key): only
    then can a backslash at its very end be a continuation.
    """
    text = raw if final else raw + _FOLLOWED
    return tuple(
        # every alternative of VALUE_TOKEN is a named group of a TokenKind
        Token(m.lastgroup, m.group(), m.start())  # type: ignore[arg-type]
        for m in VALUE_TOKEN.finditer(text)
        if m.start() < len(raw)
    )


def cook(raw: str, final: bool = True) -> str:
    """The value SetupAPI sees for a raw key or field value (``final``: see tokenize_value).

    Quotes are removed and ``""`` inside them folded; continuations are dropped with the
    blanks before them; blanks between pieces are kept. Leading and trailing blanks are not
    part of a raw value (the Field or Key owns them), so they never reach the result.
    """
    if '"' not in raw:
        # Plain text (inner blanks and literal backslashes included): a continuation needs a
        # newline inside the value, or a backslash in the last field of the file's last line.
        if "\n" not in raw and "\r" not in raw and not (final and "\\" in raw):
            return raw
    elif (
        raw[0] == '"'
        and raw[-1] == '"'
        and len(raw) > 1
        and '"' not in raw[1:-1]
        and "\n" not in raw
        and "\r" not in raw
    ):
        return raw[1:-1]  # one quoted run, no escaped quote
    out: list[str] = []
    gap = ""
    for token in tokenize_value(raw, final):
        kind = token.kind
        if kind == "gap":
            gap = token.text
        elif kind == "continuation":
            gap = ""
        else:
            if gap:
                out.append(gap)
                gap = ""
            out.append(token.unquoted if kind == "quoted" else token.text)
    return "".join(out)


# --- base ---------------------------------------------------------------------------------


def _field(index: int, doc: str) -> Any:
    """A read-only named field stored at ``index`` of the node tuple."""
    return property(itemgetter(index), doc=doc)


class CSTNode(tuple[Any, ...]):
    """Base of all nodes: an immutable tuple of named fields.

    Subclasses list their fields in ``_fields`` in storage order and define ``__new__`` with
    a parameter of the same name for each, so that :meth:`with_changes` can rebuild them.
    """

    __slots__ = ()

    #: Field names in storage order.
    _fields: ClassVar[tuple[str, ...]] = ()
    #: Fields holding child nodes, in lexical order.
    _child_fields: ClassVar[tuple[str, ...]] = ()
    #: How many trailing fields are positions (ignored by equality and hashing).
    _positions: ClassVar[int] = 0

    def _content(self) -> tuple[Any, ...]:
        return tuple.__getitem__(self, slice(0, len(self) - self._positions))

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._content() == other._content()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._content()))

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({args})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle (process pools) through the keyword constructor, whatever the field order.
        return (_rebuild, (type(self), {name: getattr(self, name) for name in self._fields}))

    def _codegen(self, out: list[str]) -> None:
        raise NotImplementedError

    @property
    def code(self) -> str:
        """The exact source text of this node."""
        out: list[str] = []
        self._codegen(out)
        return "".join(out)

    def with_changes(self, **changes: Any) -> Self:
        """A copy of this node with some fields replaced."""
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        return type(self)(**{**{name: getattr(self, name) for name in self._fields}, **changes})

    @property
    def children(self) -> tuple[CSTNode, ...]:
        """Child nodes in lexical order."""
        out: list[CSTNode] = []
        for name in self._child_fields:
            value = getattr(self, name)
            if isinstance(value, CSTNode):
                out.append(value)
            elif isinstance(value, tuple):
                out.extend(v for v in value if isinstance(v, CSTNode))
        return tuple(out)

    def deep_equals(self, other: object) -> bool:
        """Structural equality, positions ignored (the same as ``==``)."""
        return self == other


def _rebuild(cls: type[CSTNode], fields: dict[str, Any]) -> CSTNode:
    return cls(**fields)


_new = tuple.__new__


class Key(CSTNode):
    """The key of an entry: ``value`` ``whitespace_after`` ``=``."""

    __slots__ = ()
    _fields = ("value", "whitespace_after", "equals")

    def __new__(cls, value: str, whitespace_after: str = "", equals: str = "=") -> Key:
        return _new(cls, (value, whitespace_after, equals))

    value: str = _field(0, "Raw key text, from its first non-blank character to its last.")
    whitespace_after: str = _field(1, "Blanks between the key and the '='.")
    equals: str = _field(2, "The equals sign.")

    def _codegen(self, out: list[str]) -> None:
        out.extend(self)

    @property
    def cooked(self) -> str:
        """The key as SetupAPI sees it."""
        return cook(self[0], final=False)

    @property
    def tokens(self) -> tuple[Token, ...]:
        return tokenize_value(self[0], final=False)


class Field(CSTNode):
    """One comma-separated field: ``whitespace_before`` ``value`` ``whitespace_after`` ``,``."""

    __slots__ = ()
    _fields = ("whitespace_before", "value", "whitespace_after", "comma")

    def __new__(
        cls, value: str, whitespace_before: str = "", whitespace_after: str = "", comma: str = ""
    ) -> Field:
        return _new(cls, (whitespace_before, value, whitespace_after, comma))

    whitespace_before: str = _field(
        0,
        "Blanks before the value (for the first field of an entry without key, the "
        "entry's indent owns them instead).",
    )
    value: str = _field(
        1, "Raw value: quoted runs, text, literal backslashes, continuations, inner blanks."
    )
    whitespace_after: str = _field(
        2, "Blanks after the value, up to the ',', the comment or the end of the line."
    )
    comma: str = _field(3, "',' when another field follows, else ''.")

    def _codegen(self, out: list[str]) -> None:
        out.extend(self)

    @property
    def cooked(self) -> str:
        """The field as SetupAPI sees it."""
        return cook(self[1], final=not self[3])

    @property
    def tokens(self) -> tuple[Token, ...]:
        return tokenize_value(self[1], final=not self[3])


# --- lines ---------------------------------------------------------------------------------

# Every line node stores ``newline`` and ``line`` as its last two fields.

_LINE_DOC = "1-based physical line where this logical line starts (a position, not content)."
_NEWLINE_DOC = "The line terminator: '\\r\\n', '\\n', '\\r', or '' at the end of the file."


class TriviaLine(CSTNode):
    """A blank or comment-only line."""

    __slots__ = ()
    _fields = ("indent", "comment", "newline", "line")
    _positions = 1

    def __new__(
        cls, indent: str = "", comment: str = "", newline: str = "", line: int = 0
    ) -> TriviaLine:
        return _new(cls, (indent, comment, newline, line))

    indent: str = _field(0, "Leading blanks (for a blank line: all of its blanks).")
    comment: str = _field(1, "';' and the rest of the line, or ''.")
    newline: str = _field(2, _NEWLINE_DOC)
    line: int = _field(3, _LINE_DOC)

    def _codegen(self, out: list[str]) -> None:
        out += (self[0], self[1], self[2])


class SectionHeader(CSTNode):
    """``[name]`` with what surrounds it on its line.

    A plain ``[name]`` line (no indent, nothing after the ``]``: nearly every header) is
    stored without its two empty fields, as ``(name, newline, line)`` (issue 18: 16 bytes
    a section on a file of many small sections); any other as ``(name, indent, trailer,
    newline, line)``. Every way of making one picks the form, so that equal headers have
    the same form (equality compares the stored fields); read the fields by name.
    """

    __slots__ = ()
    _fields = ("name", "indent", "trailer", "newline", "line")
    _positions = 1

    def __new__(
        cls, name: str, indent: str = "", trailer: str = "", newline: str = "", line: int = 0
    ) -> SectionHeader:
        if indent or trailer:
            return _new(cls, (name, indent, trailer, newline, line))
        return _new(cls, (name, newline, line))

    name: str = _field(0, "The section name exactly as written between '[' and the first ']'.")
    newline: str = _field(-2, _NEWLINE_DOC)
    line: int = _field(-1, _LINE_DOC)

    @property
    def indent(self) -> str:
        """Blanks before the '['."""
        return self[1] if len(self) == 5 else ""

    @property
    def trailer(self) -> str:
        """Everything after the ']' (blanks, a comment, ignored text)."""
        return self[2] if len(self) == 5 else ""

    def _codegen(self, out: list[str]) -> None:
        if len(self) == 5:
            out += (self[1], "[", self[0], "]", self[2], self[3])
        else:
            out += ("[", self[0], "]", self[1])


class Entry(CSTNode):
    """A logical line with content: ``[key =] field, field, ... [; comment]``.

    Compact storage (issue 18: a node per line and per field made a large file's tree 30
    times its size, and a tuple of four strings per field kept it at 20 times): the node
    keeps the line's text (indent, key, fields and comment, terminator excluded: the same
    string object as the parser's memo key) and where its parts end, packed in a
    ``bytes`` (see :func:`pack_spans`); the key and the fields are handed out as
    :class:`Key` and :class:`Field` nodes, cut from the text, on access. The cooked
    fields are computed once, when the line is built, and stored with it (cut from the
    text on each read instead, they cost time, and the model's references keep the strings
    of the read they come from: a second copy at the peak on a line naming thousands of
    file lists). Identical lines share all three through the parser's memo; CPython does
    not track tuples of strings and bytes in its cyclic garbage collector (it does track
    tuple subclasses): hundreds of thousands of them would otherwise be rescanned at every
    full collection.
    """

    __slots__ = ()
    _fields = ("fields", "key_node", "indent", "comment", "newline", "line")
    _child_fields = ("key_node", "fields")
    _positions = 1

    def __new__(
        cls,
        fields: Sequence[Field | tuple[str, str, str, str]],
        key_node: Key | tuple[str, str, str] | None = None,
        indent: str = "",
        comment: str = "",
        newline: str = "",
        line: int = 0,
    ) -> Entry:
        data = tuple([part for f in fields for part in f])
        key = None if key_node is None else tuple(key_node)
        text, spans = pack_spans(indent, key, data, comment)
        return _new(cls, (text, spans, cook_fields(data), newline, line))

    @property
    def fields(self) -> tuple[Field, ...]:
        """The fields; at least one, possibly empty."""
        text = self[0]
        o = _unpack(text, self[1])
        start = 5 if o[0] else 2
        prev = o[start - 1]
        out: list[Field] = []
        for i in range(start, len(o), 4):
            b, c, d, e = o[i], o[i + 1], o[i + 2], o[i + 3]
            out.append(_new(Field, (text[prev:b], text[b:c], text[c:d], text[d:e])))
            prev = e
        return tuple(out)

    @property
    def key_node(self) -> Key | None:
        """The key, when an unquoted '=' precedes any unquoted ','."""
        o = _unpack(self[0], self[1])
        if not o[0]:
            return None
        text = self[0]
        a, b, c, d = o[1], o[2], o[3], o[4]
        return _new(Key, (text[a:b], text[b:c], text[c:d]))

    @property
    def has_key(self) -> bool:
        """Whether the entry has a key (:attr:`key_node` is not ``None``), read from the
        spans' flag alone: :attr:`key_node` unpacks every span, which is the whole line's
        work on a line of thousands of fields (issue 18)."""
        text, spans = self[0], self[1]
        if len(text) < 256 or spans[0] & 2:  # one byte an offset, or lengths: the flag first
            return bool(spans[0] & 1)
        size = 2 if len(text) < 65536 else 4
        return bool(int.from_bytes(spans[:size], sys.byteorder) & 1)

    @property
    def indent(self) -> str:
        """Blanks at the start of the line."""
        return self[0][: _unpack(self[0], self[1])[1]]  # type: ignore[no-any-return]

    @property
    def comment(self) -> str:
        """';' and the rest of the last physical line, or ''."""
        return self[0][_unpack(self[0], self[1])[-1] :]  # type: ignore[no-any-return]

    newline: str = _field(3, _NEWLINE_DOC)
    line: int = _field(4, _LINE_DOC)

    def with_changes(self, **changes: Any) -> Self:
        """A copy of this entry with some fields replaced (its cooked values are shared
        when neither the fields nor the key change; its text and spans too when only the
        terminator or the line number does)."""
        if "fields" in changes or "key_node" in changes:
            return super().with_changes(**changes)
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"Entry has no field {sorted(unknown)[0]!r}")
        text, spans, cooked, newline, line = self
        if "indent" in changes or "comment" in changes:
            o = list(_unpack(text, spans))
            indent = changes.get("indent", text[: o[1]])
            comment = changes.get("comment", text[o[-1] :])
            delta = len(indent) - o[1]
            middle = text[o[1] : o[-1]]
            text = indent + middle + comment
            o[1:] = [x + delta for x in o[1:]]
            spans = pack_offsets(o, len(text))
        return _new(
            type(self),
            (text, spans, cooked, changes.get("newline", newline), changes.get("line", line)),
        )

    def _codegen(self, out: list[str]) -> None:
        out += (self[0], self[3])

    @property
    def key(self) -> str | None:
        """The cooked key, or ``None`` for an entry without one."""
        text = self[0]
        o = _unpack(text, self[1])
        return cook(text[o[1] : o[2]], final=False) if o[0] else None

    @property
    def has_unclosed_quote(self) -> bool:
        """Whether a quoted string of this entry runs to the end of its line (INF003)."""
        return _may_have_problems(self) and next(_unclosed_quotes(self), None) is not None

    @property
    def values(self) -> list[str]:
        """The cooked fields."""
        return list(self[2])

    @property
    def cooked_values(self) -> tuple[str, ...]:
        """The cooked fields as a tuple, stored with the entry and shared with every entry
        of the same line (the model keeps it per entry: no copy is made for each)."""
        return self[2]  # type: ignore[no-any-return]  # the stored tuple of str


def pack_spans(
    indent: str, key: tuple[str, ...] | None, data: tuple[str, ...], comment: str
) -> tuple[str, bytes]:
    """An entry's text and spans from its parts: ``key`` in the layout of :class:`Key`,
    ``data`` the fields flat, four strings each in the layout of :class:`Field`.

    The spans are the offsets in the text where parts end: a flag (1 with a key), the
    indent's end, with a key the ends of its value, its blanks and its ``=``, then for
    each field the ends of its blanks before, its value, its blanks after and its comma;
    the comment runs from the last offset to the end. They are packed one byte each for
    a text shorter than 256 characters, two below 65,536, else four (native order: the
    node is rebuilt from its parts when pickled); but on a text of at least
    :data:`RELATIVE_FROM` characters whose parts are all shorter than 256 (a long line of
    many short fields), one byte each as lengths: the flag plus 2, the indent's length,
    then each part's length (issue 18: four bytes an offset on a line naming thousands of
    file lists were 2.6 times the line).
    """
    parts = [indent]
    pos = len(indent)
    offsets = [0 if key is None else 1, pos]
    if key is not None:
        for part in key:
            parts.append(part)
            pos += len(part)
            offsets.append(pos)
    for part in data:
        parts.append(part)
        pos += len(part)
        offsets.append(pos)
    parts.append(comment)
    text = "".join(parts)
    return text, pack_offsets(offsets, len(text))


#: Texts at least this long have their spans packed as lengths when they fit a byte each.
RELATIVE_FROM = 8192


def pack_offsets(offsets: Sequence[int], length: int) -> bytes:
    """Offsets packed as :func:`pack_spans` says, for a text of ``length`` characters."""
    if length < 256:
        return bytes(offsets)
    if length >= RELATIVE_FROM:
        try:
            deltas = map(sub, islice(offsets, 2, None), islice(offsets, 1, None))
            return bytes(chain((offsets[0] | 2, offsets[1]), deltas))
        except ValueError:  # a part of 256 characters or more
            pass
    return array("H" if length < 65536 else "I", offsets).tobytes()


def _unpack(text: str, spans: bytes) -> Sequence[int]:
    """The offsets packed by :func:`pack_offsets` for a text of that length."""
    if len(text) < 256:
        return spans
    if spans[0] & 2:  # lengths: one byte each
        out = array("I", (spans[0] & 1,))
        out.extend(accumulate(memoryview(spans)[1:]))
        return out
    return memoryview(spans).cast("H" if len(text) < 65536 else "I")


def indent_length(args: tuple[Any, ...]) -> int:
    """The length of the indent of an entry stored as ``args`` (its leading fields)."""
    return _unpack(args[0], args[1])[1]


def cook_spans(text: str, spans: bytes) -> tuple[str, ...]:
    """The cooked values of the fields of an entry stored as ``text`` and ``spans``."""
    o = _unpack(text, spans)
    start = 5 if o[0] else 2
    if '"' not in text and "\\" not in text:  # every value is its own cooked form
        return tuple([text[o[i] : o[i + 1]] for i in range(start, len(o), 4)])
    return tuple(
        [cook(text[o[i] : o[i + 1]], final=o[i + 2] == o[i + 3]) for i in range(start, len(o), 4)]
    )


def cook_fields(data: tuple[str, ...]) -> tuple[str, ...]:
    """The cooked values of an entry's fields given flat, four strings each in the layout
    of :class:`Field`; a field without a comma after it ends its line."""
    return tuple([cook(data[i], final=not data[i + 2]) for i in range(1, len(data), 4)])


class ErrorLine(CSTNode):
    """A line the INF syntax does not allow; kept verbatim so that nothing is lost."""

    __slots__ = ()
    _fields = ("text", "message", "column", "newline", "line")
    _positions = 1

    def __new__(
        cls, text: str, message: str, column: int = 1, newline: str = "", line: int = 0
    ) -> ErrorLine:
        return _new(cls, (text, message, column, newline, line))

    text: str = _field(0, "The text of the line, terminator excluded.")
    message: str = _field(1, "What is wrong, for the user.")
    column: int = _field(2, "1-based column the message points at.")
    newline: str = _field(3, _NEWLINE_DOC)
    line: int = _field(4, _LINE_DOC)

    def _codegen(self, out: list[str]) -> None:
        out += (self[0], self[3])


Line: TypeAlias = TriviaLine | SectionHeader | Entry | ErrorLine


# --- sections and file --------------------------------------------------------------------


class Section(CSTNode):
    """A physical section: its header and the lines up to the next header.

    Stored flat, the header then the body's lines (a tuple for the body of each section
    cost as much as a short section's entry), and the body handed out as a tuple on access.
    """

    __slots__ = ()
    _fields = ("header", "body")
    _child_fields = ("header", "body")

    def __new__(cls, header: SectionHeader, body: Sequence[Line] = ()) -> Section:
        return _new(cls, (header, *body))

    header: SectionHeader = _field(0, "The header line.")

    @property
    def body(self) -> tuple[Line, ...]:
        """Lines after the header: entries, trivia, errors."""
        return _slice(self, _BODY)

    def _codegen(self, out: list[str]) -> None:
        for line in self:
            line._codegen(out)

    @property
    def name(self) -> str:
        """The raw section name."""
        return self[0][0]  # type: ignore[no-any-return]  # the header's name field: a str

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The entries of this section, in order (trivia and error lines left out)."""
        return tuple([line for line in self if type(line) is Entry])


_slice = tuple.__getitem__
_BODY = slice(1, None)


@dataclass(frozen=True, slots=True)
class Problem:
    """A syntax problem found while parsing, with its position."""

    line: int
    column: int
    severity: Literal["error", "warning"]
    message: str
    #: Short rule-like code (``INF001``...) so tools can filter them.
    code: str


class InfFile(CSTNode):
    """The root: a whole INF file."""

    __slots__ = ()
    _fields = ("encoding", "bom", "prolog", "sections", "tail", "trailing_bytes")
    _child_fields = ("prolog", "sections")

    def __new__(
        cls,
        encoding: str,
        bom: bool = False,
        prolog: tuple[Line, ...] = (),
        sections: tuple[Section, ...] = (),
        tail: str = "",
        trailing_bytes: bytes = b"",
        *,
        numbered: bool = False,
    ) -> InfFile:
        prolog, sections = tuple(prolog), tuple(sections)
        if not numbered:  # the parser's numbers are right by construction
            prolog, sections = _renumber(prolog, sections)
        return _new(cls, (encoding, bom, prolog, sections, tail, trailing_bytes))

    encoding: str = _field(0, "Python codec name: 'utf-16-le', 'utf-16-be', 'utf-8' or 'cp1252'.")
    bom: bool = _field(1, "Whether the file starts with a byte order mark.")
    prolog: tuple[Line, ...] = _field(2, "Lines before the first section header.")
    sections: tuple[Section, ...] = _field(3, "Physical sections, in file order.")
    tail: str = _field(
        4, "The end-of-file marker (Ctrl-Z or NUL) and everything after it, unparsed."
    )
    trailing_bytes: bytes = _field(
        5, "Bytes after the last whole UTF-16 code unit (an odd final byte), kept opaque."
    )

    def _codegen(self, out: list[str]) -> None:
        for line in self[2]:
            line._codegen(out)
        for section in self[3]:
            section._codegen(out)
        out.append(self[4])

    def to_bytes(self) -> bytes:
        """The file's bytes: for a parsed, unedited tree, exactly the input."""
        return encode(self.code, self[0], self[1], self[5])

    def lines(self) -> Iterator[Line]:
        """Every logical line in file order, headers included."""
        yield from self[2]
        for section in self[3]:
            yield from section  # the header, then the body

    @property
    def newline(self) -> str:
        """The most common line terminator (``\\r\\n`` when the file has none)."""
        counts: dict[str, int] = {}
        for line in self.lines():
            nl = line.newline
            if nl:
                counts[nl] = counts.get(nl, 0) + 1
        return max(counts, key=counts.__getitem__) if counts else "\r\n"

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Syntax errors and warnings, in file order."""
        out: list[Problem] = []
        for line in self.lines():
            if type(line) is ErrorLine:
                out.append(
                    Problem(
                        line.line,
                        line.column,
                        "error",
                        line.message,
                        _CODES.get(line.message, "INF000"),
                    )
                )
            elif type(line) is Entry and _may_have_problems(line):
                out.extend(_unclosed_quotes(line))
        encoding = self[0]
        if encoding == "utf-8" or self[5]:
            out.extend(_encoding_problems(self.code, encoding, self[5]))
            out.sort(key=lambda p: (p.line, p.column))
        return tuple(out)


# --- helpers ------------------------------------------------------------------------------

MESSAGE_MISSING_BRACKET = "section header has no closing ']'"
MESSAGE_BEFORE_FIRST_SECTION = "text before the first section header is not allowed"
MESSAGE_UNPARSABLE = "line could not be parsed"
#: Codes of the syntax problems (the messages are fixed strings set by the parser).
_CODES = {
    MESSAGE_UNPARSABLE: "INF000",
    MESSAGE_MISSING_BRACKET: "INF001",
    MESSAGE_BEFORE_FIRST_SECTION: "INF002",
}
MESSAGE_UNCLOSED_QUOTE = "quoted string is not closed before the end of the line"


MESSAGE_ODD_UTF16 = (
    "UTF-16 file has an odd number of bytes: its last byte (0x{:02X}) is half a "
    "character, so the file looks truncated; restore it before migrating"
)
MESSAGE_UTF8 = (
    "UTF-8 file with non-ASCII text ({!r}): InfVerif accepts only ANSI or "
    "UTF-16LE (InfVerif 1003); save it as UTF-16LE"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _encoding_problems(text: str, encoding: str, trailing: bytes) -> Iterator[Problem]:
    """INF004 for a UTF-16 file with a stray final byte (at the end of the file), INF005 for
    a UTF-8 file (BOM or not) with non-ASCII text (at its first non-ASCII character)."""
    if encoding == "utf-8":
        m = _NON_ASCII.search(text)
        if m is not None:
            yield Problem(
                *_position(text, m.start()), "warning", MESSAGE_UTF8.format(m.group()), "INF005"
            )
    if trailing:
        end = len(text)
        if text.endswith(("\n", "\r")) and end > 0:
            end -= 2 if text.endswith("\r\n") else 1  # the last line, not the one after
        yield Problem(
            *_position(text, end), "error", MESSAGE_ODD_UTF16.format(trailing[0]), "INF004"
        )


def _position(text: str, pos: int) -> tuple[int, int]:
    """(line, column) of an offset in the file's text, both from 1."""
    before = text[:pos]
    return (count_line_breaks(before) + 1, pos - max(before.rfind("\n"), before.rfind("\r")))


def _may_have_unclosed_quote(raw: str) -> bool:
    """Whether a raw value can hold an unclosed quoted run. Within one physical line a closed
    run holds an even number of quotes and an unclosed one, always the last, an odd number:
    a value without newlines and with an even count has none."""
    return '"' in raw and (raw.count('"') % 2 == 1 or "\n" in raw or "\r" in raw)


def _may_have_problems(entry: Entry) -> bool:
    """Whether :func:`_unclosed_quotes` can find anything in the entry (cheap)."""
    text = entry[0]
    if '"' not in text:
        return False
    o = _unpack(text, entry[1])
    if o[0] and _may_have_unclosed_quote(text[o[1] : o[2]]):
        return True
    for i in range(5 if o[0] else 2, len(o), 4):
        if _may_have_unclosed_quote(text[o[i] : o[i + 1]]):
            return True
    return False


def _unclosed_quotes(entry: Entry) -> Iterator[Problem]:
    """Warn about quoted runs that the end of their line closes."""
    if not _may_have_problems(entry):
        return
    text = entry.code
    offset = len(entry.indent)
    parts: list[tuple[int, str, bool]] = []
    if entry.key_node is not None:
        parts.append((offset, entry.key_node.value, False))
        offset += len(entry.key_node.code)
    for f in entry.fields:
        parts.append((offset + len(f.whitespace_before), f.value, not f.comma))
        offset += len(f.code)
    for start, raw, final in parts:
        for token in tokenize_value(raw, final):
            if token.kind == "quoted" and not token.closed:
                pos = start + token.offset
                before = text[:pos]
                line = entry.line + count_line_breaks(before)
                col = pos - max(before.rfind("\n"), before.rfind("\r"))
                yield Problem(line, col, "warning", MESSAGE_UNCLOSED_QUOTE, "INF003")


def _spans(line: Line) -> int:
    """Physical lines a logical line covers (its own terminator ends the last one)."""
    if type(line) is Entry:
        # (only values and the key hold line breaks: continuations)
        return 1 + count_line_breaks(line[0])
    return 1


def _renumber(
    prolog: tuple[Line, ...], sections: tuple[Section, ...]
) -> tuple[tuple[Line, ...], tuple[Section, ...]]:
    """Give every line the ``line`` its position says; cheap when nothing moved."""
    lineno = 1

    def fix(lines: tuple[Line, ...]) -> tuple[Line, ...]:
        nonlocal lineno
        out: list[Line] | None = None
        for i, line in enumerate(lines):
            if line.line != lineno:
                if out is None:
                    out = list(lines[:i])
                line = line.with_changes(line=lineno)
            if out is not None:
                out.append(line)
            lineno += _spans(line)
        return lines if out is None else tuple(out)

    prolog = fix(prolog)
    new_sections: list[Section] = []
    for section in sections:
        (header,) = fix((section.header,))
        old_body = section.body
        body = fix(old_body)
        if header is not section.header or body is not old_body:
            # (fix keeps each line's kind: the header is still a SectionHeader)
            section = Section(header, body)  # type: ignore[arg-type]
        new_sections.append(section)
    return prolog, tuple(new_sections)


def ends_in_continuation(line: Line) -> bool:
    """Whether a line node ends in a dangling continuation (a backslash at the very end,
    nothing joined to it: only the file's last line can): any line put after it would
    become part of it (a header never continues)."""
    if type(line) is SectionHeader:
        return False
    code = line.code
    if "\\" not in code:
        return False
    text = code[: len(code) - len(line.newline)]
    return continues(line_texts(text)[-1])
