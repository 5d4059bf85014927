"""Text <-> tree: decoding, the parsimonious grammar, CST nodes. No INF semantics here."""

from infmigrate.engine.syntax.decoding import Decoded, DecodeError, decode, encode
from infmigrate.engine.syntax.nodes import (
    CSTNode,
    Entry,
    ErrorLine,
    Field,
    InfFile,
    Key,
    Line,
    Problem,
    Section,
    SectionHeader,
    Token,
    TriviaLine,
    cook,
    tokenize_value,
)
from infmigrate.engine.syntax.parser import clear_memo, parse, parse_text

__all__ = [
    "CSTNode",
    "DecodeError",
    "Decoded",
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
    "clear_memo",
    "cook",
    "decode",
    "encode",
    "parse",
    "parse_text",
    "tokenize_value",
]
