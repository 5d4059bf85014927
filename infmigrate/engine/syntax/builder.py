"""Turns logical lines into CST node prototypes: lex, parse the shape, build.

For a logical line, :func:`build_line` lexes it (:func:`~infmigrate.engine.syntax.grammar.lex`),
parses its shape with the grammar, and cuts the line's text into the parts of its node. The
parse of a shape does not depend on the text, so :class:`PlanBuilder` turns it once into a
*plan*, the token ranges of each part, kept in a memo keyed on the shape. A line's result is
a *prototype*: the node class and its arguments short of the two that differ between
occurrences of the same text, its terminator and its line number. The first node made of a
line's text is kept in a process-wide memo keyed on that text: driver INFs repeat lines a
lot (file lists, registry blocks, strings, comments), and nodes are immutable, so a later
occurrence of the same text shares the first one's fields (only its terminator and line
number are its own). The memo keeps the node itself, not a prototype, so that a line seen
once (most lines of a large file) costs no tuple besides its node (issue 18: a prototype and
its arguments were two tuples, 120 bytes a distinct line).

The memo also makes the re-parse of a fixed file (each round of fixes) share every line the
fixes left alone with the first tree: bounding it per parse (tried for issue 18) saved its
entries after the first parse but cost a second copy of the tree in the fix stage. Lines of
one parse that differ share equal spans and values (:class:`ParseState`).
"""

from __future__ import annotations

import re
from array import array
from typing import Any, TypeAlias, cast

from parsimonious.exceptions import ParseError
from parsimonious.expressions import Regex
from parsimonious.nodes import Node, RegexNode

from infmigrate.engine.syntax.grammar import (
    _CONTINUATION_TOKEN,
    _ENTRY_TOKEN,
    _KIND_BY_FIRST,
    GRAMMAR,
    lex,
    offsets,
)
from infmigrate.engine.syntax.nodes import (
    MESSAGE_MISSING_BRACKET,
    MESSAGE_UNPARSABLE,
    Entry,
    ErrorLine,
    Line,
    SectionHeader,
    TriviaLine,
    cook,
    cook_spans,
    pack_offsets,
)

__all__ = [
    "LINES",
    "LINE_CLASSES",
    "ParseState",
    "PlanBuilder",
    "Prototype",
    "build_line",
    "clear_memo",
    "renew",
]

#: A line node's kind (an index into :data:`LINE_CLASSES`) and its leading fields (all but
#: ``newline`` and ``line``). Kinds are ints, not classes, so that a prototype holds only
#: atomic values and nested tuples: Python's cyclic collector stops tracking such tuples,
#: and a memo of them costs nothing at each later collection.
Prototype: TypeAlias = tuple[int, tuple[Any, ...]]
#: Token range [start, end) of one part of a line.
Span: TypeAlias = tuple[int, int]
#: Token boundaries of a field: blanks before [a, b), value [b, c), blanks after [c, d),
#: and the comma that follows it ("," or "").
FieldPlan: TypeAlias = tuple[int, int, int, int, str]
#: What the parse of a shape says about any line of that shape.
Plan: TypeAlias = tuple[Any, ...]

#: How many distinct line texts the memo keeps before it starts afresh (bounds memory).
MEMO_LIMIT = 200_000
#: Line text -> the first node made of it (see the module's docstring).
_LINES: dict[str, Line] = {}
#: Read-only access for the parser's hot loop.
LINES = _LINES

ENTRY, TRIVIA, HEADER, ERROR = range(4)
#: Line node class of each kind.
LINE_CLASSES: tuple[type, ...] = (Entry, TriviaLine, SectionHeader, ErrorLine)
_PLANS: dict[str, Plan] = {}


def clear_memo() -> None:
    """Forget every memoized line and shape (for benchmarks and tests)."""
    _LINES.clear()
    _PLANS.clear()


class PlanBuilder:
    """Turns the parse tree of a shape into a plan (``visit_<rule>`` per node rule).

    The positions of parse nodes are token indexes, since every shape letter is a token.
    """

    def build(self, tree: Node) -> Plan:
        node = tree.children[0]  # `line` is a choice of exactly one alternative
        # dispatch by rule name: every visit_<rule> returns a Plan
        return getattr(self, "visit_" + node.expr_name)(node)  # type: ignore[no-any-return]

    def visit_section_header(self, node: Node) -> Plan:
        blank, _, name, _, trailer, _ = node.children
        return ("header", _span(blank), _span(name), _span(trailer))

    def visit_broken_header(self, node: Node) -> Plan:
        return ("broken", node.children[0].end)

    def visit_trivia(self, node: Node) -> Plan:
        blank, comment, _ = node.children
        return ("trivia", _span(blank), _span(comment))

    def visit_entry(self, node: Node) -> Plan:
        key, first, more, comment, _ = node.children
        # the grammar's `field` and `key` rules are regexes: their nodes are RegexNodes
        fields = [
            self.visit_field(cast(RegexNode, first)),
            *(self.visit_field(cast(RegexNode, n.children[1])) for n in more.children),
        ]
        plans: list[FieldPlan] = [(*f, ",") for f in fields[:-1]]
        plans.append((*fields[-1], ""))
        if key.children:
            indent, key_plan = self.visit_key(cast(RegexNode, key.children[0]))
        else:
            # Without a key, the blanks before the first field are the line's indent.
            a, b, c, d, comma = plans[0]
            indent, key_plan = (a, b), None
            plans[0] = (b, b, c, d, comma)
        return ("entry", indent, key_plan, tuple(plans), _span(comment))

    def visit_key(self, node: RegexNode) -> tuple[Span, tuple[int, int, int]]:
        m = node.match
        return m.span("indent"), (m.start("value"), m.end("value"), node.end - 1)

    def visit_field(self, node: RegexNode) -> tuple[int, int, int, int]:
        m = node.match
        return m.start("before"), m.start("value"), m.end("value"), m.end("after")


def _span(node: Node) -> Span:
    return node.start, node.end


_PLAN_BUILDER = PlanBuilder()


#: Shapes at least this long that can only be entries are read by :func:`_entry_plan`.
LONG_SHAPE = 256
# the grammar's `key` and `field` rules are regexes (parsimonious Regex expressions)
_KEY_RE = cast(Regex, GRAMMAR["key"]).re
_FIELD_RE = cast(Regex, GRAMMAR["field"]).re
_TRIVIA_SHAPES = frozenset(("", "s", ";", "s;"))
#: A token kind no field is made of (fields are value tokens and blanks, between commas;
#: see the grammar's `field`).
_NOT_FIELD_KIND = re.compile(r"[^tqc=s,]")


def _plan(shape: str) -> Plan:
    plan = _PLANS.get(shape)
    if plan is None:
        if len(shape) >= LONG_SHAPE and "[" not in shape:
            # Not memoized: a long shape is seldom seen twice (its line, which the line memo
            # keeps, may be), and its plan is a tuple per field (on a line naming thousands
            # of lists, as much memory as the line's fields themselves).
            return _entry_plan(shape)
        else:
            try:
                plan = _PLAN_BUILDER.build(GRAMMAR.parse(shape))
            except ParseError:  # an 'x' token (a character no rule allows)
                plan = ("unparsable",)
        _PLANS[shape] = plan
    return plan


def _entry_plan(shape: str) -> Plan:
    """The plan of a shape without ``[`` (no header), read as the grammar's ``entry`` rule
    reads it (its own ``key`` regex, then each comma-separated field as its ``field`` regex
    splits it): the same plan as :class:`PlanBuilder` on ``GRAMMAR.parse(shape)``, without
    a parse node (or a regex match) per field.

    A line naming thousands of lists (``CopyFiles = L1,L2,...``) has a shape of a token per
    name and comma, all its own: parsimonious cost a few microseconds a token there.
    """
    if shape in _TRIVIA_SHAPES:  # `trivia` comes before `entry` in `line`
        return _PLAN_BUILDER.build(GRAMMAR.parse(shape))
    end = len(shape)
    key_match = _KEY_RE.match(shape)
    key_plan: tuple[int, int, int] | None = None
    pos = 0
    if key_match is not None:
        key_plan = (key_match.start("value"), key_match.end("value"), key_match.end() - 1)
        pos = key_match.end()
    fields: list[tuple[int, int, int, int]] = []
    body_end = end - 1 if shape.endswith(";") else end
    body = shape[pos:body_end]
    if _NOT_FIELD_KIND.search(body):
        return ("unparsable",)  # an 'x' token, or a ';' before the end: no rule allows it
    # Fields are the comma-separated pieces, each of value tokens and blanks: its leading
    # blanks, its value (up to its last non-blank token) and its trailing blanks, as the
    # grammar's `field` regex reads them (blanks between two value tokens are the value's).
    for piece in body.split(","):
        size = len(piece)
        if piece == "t":  # one text token: most fields of a long line
            fields.append((pos, pos, pos + 1, pos + 1))
        elif "ss" not in (value := piece.strip("s")):
            # (all blanks: the field's own, before an empty value)
            start = pos + size - len(piece.lstrip("s"))
            fields.append((pos, start, start + len(value), pos + size))
        else:  # two blank tokens in a row end the value: the regex says where
            m = _FIELD_RE.match(shape, pos)
            assert m is not None  # every part of a field is optional: it always matches
            if m.end() != pos + size:
                return ("unparsable",)  # what follows the field is not a comma
            fields.append((pos, m.start("value"), m.end("value"), pos + size))
        pos += size + 1
    pos -= 1
    comment = (pos, pos + 1) if pos < end else (pos, pos)
    plans: list[FieldPlan] = [(*f, ",") for f in fields[:-1]]
    plans.append((*fields[-1], ""))
    if key_match is not None:
        indent = key_match.span("indent")
    else:
        a, b, c, d, comma = plans[0]
        indent = (a, b)
        plans[0] = (b, b, c, d, comma)
    return ("entry", indent, key_plan, tuple(plans), comment)


class ParseState:
    """What the lines of one parse share: a table of the span strings and the cooked
    values its entries have built, so that equal ones are one object (lines of the same
    layout, ``HKR,,V1,,%S1%`` and ``HKR,,V2,,%S2%``, have the same spans; ``HKR``,
    ``0x00010001`` and ``%12%`` repeat from line to line). Sharing the values saves 1 to
    1.5 times the file on files of many distinct lines, for a lookup per field (a few
    percent of the time that building the distinct lines takes; issue 18)."""

    __slots__ = ("shared",)

    def __init__(self) -> None:
        self.shared: dict[Any, Any] = {}


def build_line(
    text: str, newline: str = "", line: int = 0, state: ParseState | None = None
) -> Line:
    """The node of one logical line (``text``, terminator excluded), with its terminator
    and line number; never raises. A text seen before gives a node sharing the fields of
    the first one (see the module's docstring); a new one is memoized."""
    node = _LINES.get(text)
    if node is not None:
        return renew(node, newline, line)
    if text[:1] == "[" and text.find("]") == len(text) - 1:
        # A plain ``[name]`` header: as cheap to build as to look up, and not memoized:
        # section names seldom repeat, and the memo would keep each one's line text
        # (on a file of many small sections, a sixth of the memory of the parse).
        return _new(SectionHeader, (text[1:-1], newline, line))  # (its compact form)
    if state is None:
        state = ParseState()
    kind, args = (len(text) >= LONG_TEXT and _build_long(text)) or _build(text, state.shared)
    node = _new(LINE_CLASSES[kind], (*args, newline, line))
    if len(_LINES) >= MEMO_LIMIT:
        _LINES.clear()
    _LINES[text] = node
    return node


_new = tuple.__new__


def renew(node: Line, newline: str, line: int) -> Line:
    """A line node with the fields of ``node`` (a line of the same text) but ``newline``
    and ``line``."""
    cls = type(node)
    if cls is Entry:
        return _new(Entry, (node[0], node[1], node[2], newline, line))
    return _new(cls, (*node[:-2], newline, line))


def _build(text: str, shared: dict[Any, Any] | None = None) -> Prototype:
    tokens, shape = lex(text)
    plan = _plan(shape)
    o = offsets(tokens)
    kind = plan[0]
    if kind == "entry":
        _, (_ia, ib), key_plan, field_plans, _comment = plan
        # The node keeps the line's text and where its parts end (see Entry): the
        # indent, the key's value, blanks and '=', each field's blanks before, value,
        # blanks after and comma; the comment runs to the end of the text.
        if key_plan is None:
            spans = [0, o[ib]]
        else:
            _ka, kb, kc = key_plan
            spans = [1, o[ib], o[kb], o[kc], o[kc] + 1]
        # Without quotes or backslashes (most lines) every value is its own cooked form.
        plain = '"' not in text and "\\" not in text
        values: list[str] = []
        if shared is None:
            shared = {}
        # values and spans equal to ones built earlier in the same parse are that object
        share = shared.setdefault
        for _a, b, c, d, comma in field_plans:
            vb, vc, vd = o[b], o[c], o[d]
            value = text[vb:vc]
            spans += (vb, vc, vd, vd + len(comma))
            if not plain:
                value = cook(value, final=not comma)
            values.append(share(value, value))
        packed = pack_offsets(spans, len(text))
        return ENTRY, (text, share(packed, packed), tuple(values))
    if kind == "trivia":
        _, (ia, ib), (ca, cb) = plan
        return TRIVIA, (text[o[ia] : o[ib]], text[o[ca] : o[cb]])
    if kind == "header":
        _, (ia, ib), (na, nb), (ta, tb) = plan
        indent, trailer = text[o[ia] : o[ib]], text[o[ta] : o[tb]]
        if not indent and not trailer:  # SectionHeader's compact form
            return HEADER, (text[o[na] : o[nb]],)
        return HEADER, (text[o[na] : o[nb]], indent, trailer)
    if kind == "broken":
        return ERROR, (text, MESSAGE_MISSING_BRACKET, o[plan[1]] + 1)
    return ERROR, (text, MESSAGE_UNPARSABLE, 1)


#: Lines at least this long that are not headers are read a field at a time
#: (:func:`_build_long`).
LONG_TEXT = 8192
#: Kinds of the tokens a field is made of (see the grammar's `field`).
_FIELD_KINDS = frozenset("tqc=s")


def _build_long(text: str, min_tokens: int = LONG_SHAPE) -> Prototype | None:
    """The prototype of a long entry line, read a field at a time: the same as
    :func:`_build` (which reads a shape of at least ``min_tokens`` tokens with
    :func:`_entry_plan`) without a list of the line's tokens, its shape, the token
    offsets or a plan tuple per field (issue 18: on a line naming 13,000 lists, 60 times
    the line's size at once). ``None`` for what is not such an entry (a header, fewer
    tokens, trivia, a line no rule allows, a field whose value holds two blank tokens in
    a row): :func:`_build` reads those.
    """
    if text.lstrip(" \t")[:1] == "[":
        return None
    end = len(text)
    spans = array("B" if end < 256 else "H" if end < 65536 else "I", (0, 0))
    kinds: list[str] = []  # the kinds of the tokens of the field being read
    starts: list[int] = []  # and where each starts
    head = True  # reading the first field (which may hold the key)
    comment = -1  # where the comment starts, if any
    count = 0
    kind_by_first = _KIND_BY_FIRST.get
    field_kinds = _FIELD_KINDS
    for m in _ENTRY_TOKEN.finditer(text):
        count += 1
        start, stop = m.span()
        kind = kind_by_first(text[start], "t")
        if kind == ",":
            if head:
                _read_key(kinds, starts, start, spans)
                head = False
            if kinds == ["t"]:  # (most fields: one token, no blanks; as _read_field reads it)
                spans.extend((starts[0], start, start, start + 1))
            elif not _read_field(kinds, starts, start, 1, spans):
                return None
            kinds.clear()
            starts.clear()
            continue
        if kind == "b":  # as lex() resolves it
            tok = m.group()
            kind = (
                "c"
                if _CONTINUATION_TOKEN.fullmatch(tok)
                and (stop == end or "\n" in tok or "\r" in tok)
                else "t"
            )
        elif kind not in field_kinds:
            if kind == ";" and stop == end:
                comment = start
                continue
            return None  # a ';' before the end, or an 'x'
        kinds.append(kind)
        starts.append(start)
    if count < min_tokens or (head and count <= 2 and not "".join(kinds).strip("s")):
        return None  # (blanks and a comment: trivia)
    body_end = end if comment < 0 else comment
    if head:
        _read_key(kinds, starts, body_end, spans)
    if not _read_field(kinds, starts, body_end, 0, spans):
        return None
    # (Not shared with other lines' (ParseState): a long line's spans are its own.)
    # (the array dropped once packed: the offsets of a line of thousands of fields are
    # held once and one copy, not all twice)
    packed = pack_offsets(spans, end)
    del spans
    return ENTRY, (text, packed, cook_spans(text, packed))


def _read_key(kinds: list[str], starts: list[int], end: int, spans: array[int]) -> None:
    """Sets the line's first offsets (see :func:`pack_spans`) from its first field's
    tokens, which ``end`` ends; takes a key's tokens out of them."""
    shape = "".join(kinds)
    m = _KEY_RE.match(shape) if "=" in shape else None
    if m is None:  # the first field's blanks are the line's indent
        spans[1] = starts[len(shape) - len(shape.lstrip("s"))] if shape.strip("s") else end
        return
    at = starts.__getitem__
    equals = m.end() - 1
    spans[0] = 1
    spans[1] = at(m.end("indent")) if m.end("indent") < len(shape) else end
    spans.extend((at(m.end("value")), at(equals), at(equals) + 1))
    del kinds[: m.end()]
    del starts[: m.end()]


def _read_field(
    kinds: list[str], starts: list[int], end: int, comma: int, spans: array[int]
) -> bool:
    """Adds a field's offsets, as :func:`_entry_plan` and :func:`_build` read it; ``False``
    when the field is one :func:`_build` must read."""
    piece = "".join(kinds)
    size = len(piece)
    value = piece.strip("s")
    if "ss" in value:
        return False
    lead = size - len(piece.lstrip("s"))
    b = starts[lead] if lead < size else end
    c = lead + len(value)
    vc = starts[c] if c < size else end
    spans.extend((b, vc, end, end + comma))
    return True
