"""The INF grammar: a regex lexer and a parsimonious grammar over token kinds.

An INF is parsed one *logical line* at a time (:mod:`infmigrate.engine.syntax.lines` cuts the text
into physical lines and joins continuation lines), in two classic steps:

1. **Lexing** (:func:`lex`): one regular expression cuts the line into tokens, each with a
   one-letter *kind*, and the kinds spell the line's *shape*. ``HKR, ,"Foo",0x10001`` lexes
   to ``HKR`` ``,`` `` `` ``,`` ``"Foo"`` ``,`` ``0x10001`` and has the shape ``t,s,q,t``.
   The lexer knows only what is decided character by character: where a quoted run ends,
   that ``;`` outside quotes starts a comment, which backslashes continue the line.
2. **Parsing** (:data:`GRAMMAR`): a parsimonious PEG grammar over the shape decides the
   structure: header, trivia or entry; whether there is a key (an unquoted ``=`` before any
   unquoted ``,``); the fields; which blanks are a field's own and which are the line's.

Driver INFs have few shapes (1,127 for the 72,000 distinct lines of the shared corpus), so
the builder parses each shape once and reuses the result; the grammar stays a real PEG over
the whole line while the per-line cost is that of one regex scan.

Syntax rules implemented (Microsoft's "General Syntax Rules for INF Files",
https://learn.microsoft.com/windows-hardware/drivers/install/general-syntax-rules-for-inf-files,
and "INF Strings Section" for quoting):

* A ``;`` outside double quotes starts a comment that runs to the end of the physical line.
* A header is ``[`` at the first non-blank position; its name is the raw text up to the first
  ``]``; whatever follows the ``]`` is kept as trivia. A header with no ``]`` is an error.
* An entry has a key only when an unquoted ``=`` comes before any unquoted ``,``.
* Fields are separated by unquoted commas; empty fields count.
* A ``"`` opens a quoted run that ends at the next lone ``"``; ``""`` inside is a literal
  quote; an unclosed run ends at the end of its physical line. Quoted runs and unquoted text
  join into one field.
* An unquoted ``\\`` followed only by backslashes, blanks and a comment continues the entry on
  the next physical line; any other ``\\`` is literal text.
* ``%strkey%`` and ``%%`` are ordinary text here: expansion is a semantic step.
"""

from __future__ import annotations

import re
from itertools import accumulate, repeat
from operator import itemgetter

from parsimonious.grammar import Grammar

__all__ = [
    "CONTINUATION_AT_END",
    "CONTINUATION_TAIL",
    "GRAMMAR",
    "VALUE_TOKEN",
    "lex",
]

# --- Token regexes ------------------------------------------------------------------------
# Possessive quantifiers (*+, ++) never give back what they matched: every token has one
# reading only, and backtracking into them could only cost time.

#: Blanks are spaces and tabs; nothing else is whitespace in an INF line.
BLANK = r"[ \t]"
#: A physical line terminator inside a logical line (only ever within a continuation).
NEWLINE = r"(?:\r\n|\n|\r)"
#: What may follow a continuation backslash on its line: backslashes, blanks, a comment.
CONTINUATION_TAIL = r"[\\ \t]*+(?:;[^\r\n]*+)?"
#: A continuation: the backslash, the rest of its line, the newline and the next line's
#: leading blanks; or, on the last line of the file, the backslash run up to the end.
CONTINUATION = rf"\\{CONTINUATION_TAIL}(?:{NEWLINE}{BLANK}*+|\Z)"
#: A backslash that does not continue the line is literal text (``%12%\foo.sys``).
LITERAL_BACKSLASH = rf"\\(?!{CONTINUATION_TAIL}(?:[\r\n]|\Z))"
#: A quoted run; ``""`` inside is an escaped quote; unclosed, it ends at the end of the line.
QUOTED = r'"(?:[^"\r\n]++|"")*+"?'
#: A run of ordinary characters, literal backslashes included.
TEXT = rf'(?:[^,;="\\ \t\r\n]++|{LITERAL_BACKSLASH})++'
#: A comment, to the end of the physical line.
COMMENT = r";[^\r\n]*+"

#: The tokens of a line that is not a header, in the order they are tried. The last
#: alternative only catches what no rule allows (a CR or LF outside a continuation cannot
#: occur in a logical line), so that no character is ever skipped.
_ENTRY_TOKEN = re.compile(rf"{TEXT}|{BLANK}++|{QUOTED}|{CONTINUATION}|=|,|{COMMENT}|[\s\S]")
#: A header line: indent, '[', name (raw, up to the first ']'), ']', trailer.
_HEADER = re.compile(r"([ \t]*+)(\[)([^\]\r\n]*+)(\])?+([\s\S]*+)")
_CONTINUATION_TOKEN = re.compile(CONTINUATION)

#: Token kind by the first character of an entry token; ``b`` (a backslash) is resolved to
#: ``c`` or ``t`` by a second look.
_KIND_BY_FIRST = {
    " ": "s",
    "\t": "s",
    '"': "q",
    "=": "=",
    ",": ",",
    ";": ";",
    "\\": "b",
    "\r": "x",
    "\n": "x",
}
#: Kinds of a header line's groups.
_HEADER_KINDS = ("s", "[", "n", "]", "r")
_first_char = itemgetter(0)


def lex(line: str) -> tuple[list[str], str]:
    """Tokens of a logical line (terminator excluded) and its shape, one letter a token.

    Kinds: ``t`` text, ``s`` blanks, ``q`` quoted run, ``c`` continuation, ``=``, ``,``,
    ``;`` comment; in a header line ``s`` ``[`` ``n`` (name) ``]`` ``r`` (trailer); ``x`` a
    character no rule allows. The tokens always add up to the whole line.
    """
    if line.lstrip(" \t")[:1] == "[":
        # (_HEADER matches any line starting with "[": fullmatch never returns None)
        groups = _HEADER.fullmatch(line).groups()  # type: ignore[union-attr]
        tokens = [g for g in groups if g]
        kinds = "".join(k for g, k in zip(groups, _HEADER_KINDS, strict=True) if g)
        return tokens, kinds
    tokens = _ENTRY_TOKEN.findall(line)
    kinds = "".join(map(_KIND_BY_FIRST.get, map(_first_char, tokens), repeat("t")))
    if "b" in kinds:
        kinds = _resolve_backslashes(tokens, kinds)
    return tokens, kinds


def _resolve_backslashes(tokens: list[str], kinds: str) -> str:
    """A token that starts with a backslash is a continuation or a text run that starts with
    a literal backslash. A continuation holds a newline, or ends the line (on the last line
    of the file); a lone literal backslash before '=' or ',' looks like the latter."""
    out = list(kinds)
    last = len(tokens) - 1
    i = kinds.find("b")
    while i >= 0:
        tok = tokens[i]
        out[i] = (
            "c"
            if (_CONTINUATION_TOKEN.fullmatch(tok) and (i == last or "\n" in tok or "\r" in tok))
            else "t"
        )
        i = kinds.find("b", i + 1)
    return "".join(out)


def offsets(tokens: list[str]) -> list[int]:
    """Start offset of each token, plus the end of the line."""
    return [0, *accumulate(map(len, tokens))]


#: Splits a raw key or field value back into its tokens, by group name. A value never holds
#: an unquoted ',' or ';' (they end it), which lets a ',' stand after it as a sentinel.
VALUE_TOKEN = re.compile(
    rf"(?P<quoted>{QUOTED})|(?P<continuation>{CONTINUATION})|(?P<gap>{BLANK}++)"
    rf"|(?P<text>(?:[^\",;\\ \t\r\n]++|{LITERAL_BACKSLASH})++)"
)
#: Does a physical line end in a continuation, if this backslash is outside quotes and
#: comments? (:mod:`infmigrate.engine.syntax.lines` checks that part.)
CONTINUATION_AT_END = re.compile(rf"\\{CONTINUATION_TAIL}\Z")


# --- The grammar over shapes --------------------------------------------------------------
# Each character of a shape is one token. Rule names are snake_case, and the builder has a
# ``visit_<rule>`` for each rule that makes a node. Alternatives are tried in order.
# A field is one regex terminal over the shape: a rule per token made parsimonious cost 6 us
# per token, and this one call per field about a tenth of that.

#: Token kinds a value is made of ('=' is ordinary text in a value, not in a key).
_VALUE_PIECE = "[tqc=]"
_KEY_PIECE = "[tqc]"
#: Blanks (s) before, the value, blanks after. Blanks between two pieces belong to the value.
_FIELD_SHAPE = rf"(?P<before>s*+)(?P<value>(?:{_VALUE_PIECE}|s(?={_VALUE_PIECE}))*+)(?P<after>s*+)"
_KEY_SHAPE = rf"(?P<indent>s*+)(?P<value>(?:{_KEY_PIECE}|s(?={_KEY_PIECE}))*+)(?P<after>s*+)="

GRAMMAR_TEXT = rf"""
    # A logical line is exactly one of these.
    line            = section_header / broken_header / trivia / entry

    # [name]trailer -- the name is raw (no trimming, quotes or %% handling); the trailer
    # (blanks, a comment, or text SetupAPI ignores) is kept verbatim.
    section_header  = blank? "[" name? "]" trailer? end
    # A '[' line without ']' (a syntax error for SetupAPI): kept as an error node.
    broken_header   = blank? "[" name? end

    # A blank or comment-only line.
    trivia          = blank? comment? end

    # [key =] field, field, ...  [; comment]
    entry           = key? field next_field* comment? end
    # The line's indent, then the key: the text (t), quoted runs (q) and continuations (c)
    # before the first '=', when no ',' comes first; blanks (s) between them are part of
    # the key, blanks before the '=' are not.
    key             = ~"{_KEY_SHAPE}"
    # A field: its own leading blanks (the line's indent for a first field without key),
    # the value, its trailing blanks. A value may be empty: 'a,,b' has three fields.
    field           = ~"{_FIELD_SHAPE}"
    next_field      = "," field

    comment         = ";"
    blank           = "s"
    name            = "n"
    trailer         = "r"
    end             = !~"."s
"""

#: The compiled grammar; ``GRAMMAR.parse(shape)``.
GRAMMAR = Grammar(GRAMMAR_TEXT)
