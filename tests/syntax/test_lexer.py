"""The lexer and the grammar over shapes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from infmigrate.engine.syntax.builder import _plan
from infmigrate.engine.syntax.grammar import GRAMMAR, lex

INF_ALPHABET = st.sampled_from([*'[]=,;"\\% \tabcXYZ019$.', "\r\n", "\n", "\r", "é"])


@settings(max_examples=400, deadline=None)
@given(st.lists(INF_ALPHABET, max_size=40).map("".join))
def test_tokens_cover_the_line_and_match_the_shape(line: str) -> None:
    tokens, shape = lex(line)
    assert "".join(tokens) == line
    assert len(tokens) == len(shape)
    assert all(tokens)


@settings(max_examples=400, deadline=None)
@given(st.lists(INF_ALPHABET.filter(lambda c: c not in "\r\n"), max_size=40).map("".join))
def test_every_single_physical_line_has_a_plan(line: str) -> None:
    _, shape = lex(line)
    assert _plan(shape)[0] in {"entry", "trivia", "header", "broken"}


def test_shapes() -> None:
    assert lex('HKR, ,"Foo",0x10001') == (
        ["HKR", ",", " ", ",", '"Foo"', ",", "0x10001"],
        "t,s,q,t",
    )
    assert lex("  [Strings] ; x")[1] == "s[n]r"
    assert lex("[Strings")[1] == "[n"
    assert lex("a = b ; c")[1] == "ts=sts;"
    assert lex("a, \\ ; note\r\n   b")[1] == "t,sct"
    assert lex("x = %12%\\drv.sys")[1] == "ts=st"
    assert lex("\\=v")[1] == "t=t"  # a lone literal backslash before '='
    assert lex("v=\\")[1] == "t=c"  # a continuation on the last line of a file


def test_grammar_parses_shapes_into_line_kinds() -> None:
    kinds = {
        shape: GRAMMAR.parse(shape).children[0].expr_name
        for shape in [
            "[n]",
            "s[n]r",
            "[n",
            "[]",
            "",
            "s",
            ";",
            "s;",
            "t",
            "t=t",
            "s,s",
            "t,t,t;",
            "ts=st,q",
            "=",
            "c",
        ]
    }
    assert kinds == {
        "[n]": "section_header",
        "s[n]r": "section_header",
        "[]": "section_header",
        "[n": "broken_header",
        "": "trivia",
        "s": "trivia",
        ";": "trivia",
        "s;": "trivia",
        "t": "entry",
        "t=t": "entry",
        "s,s": "entry",
        "t,t,t;": "entry",
        "ts=st,q": "entry",
        "=": "entry",
        "c": "entry",
    }


def _grammar_plan(shape: str) -> tuple[object, ...]:
    """The plan the grammar itself gives (what :func:`_plan` does for short shapes)."""
    from parsimonious.exceptions import ParseError

    from infmigrate.engine.syntax.builder import PlanBuilder

    try:
        return PlanBuilder().build(GRAMMAR.parse(shape))
    except ParseError:
        return ("unparsable",)


#: Token kinds of a line that is not a header.
_ENTRY_KINDS = "tsqc=,;x"


def test_long_shapes_read_without_the_grammar_give_the_grammar_s_plan() -> None:
    """Issue 18: a shape of at least LONG_SHAPE tokens (a line naming thousands of lists)
    is read by ``_entry_plan``, which must agree with the grammar on every shape: all
    shapes of up to four tokens, and long ones made of the same pieces."""
    import itertools
    import random

    from infmigrate.engine.syntax.builder import _entry_plan

    for size in range(5):
        for kinds in itertools.product(_ENTRY_KINDS, repeat=size):
            shape = "".join(kinds)
            assert _entry_plan(shape) == _grammar_plan(shape), shape
    rnd = random.Random(18)
    pieces = ["t", "t", "t,", ",", "s", "q", "c", "=", "ts=s", ";", "x", "s,s", ",,"]
    for _ in range(300):
        shape = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 200)))
        assert _entry_plan(shape) == _grammar_plan(shape), shape


def test_a_long_entry_is_not_parsed_by_parsimonious() -> None:
    """The parse of a long shape costs no parse node per field (issue 18)."""
    from unittest import mock

    from infmigrate.engine.syntax import builder

    shape = "ts=s" + ",".join(["t"] * 5000)
    builder.clear_memo()
    with mock.patch.object(builder.GRAMMAR, "parse", side_effect=AssertionError("parsed")):
        plan = builder._plan(shape)
    assert plan == _grammar_plan(shape)
    assert len(plan[3]) == 5000
