"""The reader's tables of places (:mod:`infmigrate.sources.ranges`, filled from one
tree-sitter query) answer what walking up the tree answers, on generated C: the function
and the call around a name, the dead branches of ``#if 0``, the literal around a place,
the concatenated string of a part, the define of a name, the call of a callee (issue 18:
the walks were quadratic in the depth, and cubic on a deep expression of many names)."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tree_sitter import Node

from infmigrate.engine.fixer import Diagnostic
from infmigrate.engine.suppression import parse_directives
from infmigrate.sources.processing import suppressed
from infmigrate.sources.ranges import DeadBranches, Innermost
from infmigrate.sources.reader import SourceUnit, _Builder

#: Pieces of C, put together at random: functions, calls, blocks, branches of ``#if 0``
#: and ``#elif 0``, strings and their concatenations, defines, comments (unbalanced too).
PIECES = [
    "void f(void) {",
    "int g(int a) {",
    "}",
    "{",
    "if (a) {",
    "ZwOpenKey(",
    "h(a, ",
    ")",
    ", ",
    ";",
    " + b",
    "x = ",
    '"\\\\SystemRoot\\\\System32\\\\x.sys"',
    'L"a" L"b" ',
    "P ",
    "\n#if 0\n",
    "\n#if FALSE\n",
    "\n#if 1\n",
    "\n#elif 0\n",
    "\n#else\n",
    "\n#endif\n",
    '\n#define P L"\\\\??\\\\C:\\\\x.log"\n',
    "/* c */",
    "// line\n",
    "\n",
]


def _nodes(root: Node) -> Iterator[Node]:
    cursor = root.walk()
    while True:
        yield cursor.node  # type: ignore[misc]
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def _up(node: Node, types: tuple[str, ...]) -> Node | None:
    n = node.parent
    while n is not None and n.type not in types:
        n = n.parent
    return n


def _walked_disabled(node: Node) -> bool:
    """What the reader asked the tree before the tables (its ``_in_disabled_code``)."""
    child, parent = node, node.parent
    while parent is not None:
        if parent.type == "comment":
            return True
        if parent.type in ("preproc_if", "preproc_elif"):
            condition = parent.child_by_field_name("condition")
            alternative = parent.child_by_field_name("alternative")
            if (
                condition is not None
                and condition.text in (b"0", b"FALSE", b"(0)")
                and child != condition
                and (alternative is None or child.start_byte < alternative.start_byte)
            ):
                return True
        child, parent = parent, parent.parent
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.booleans())
def test_the_tables_answer_what_the_walks_answer(pieces: list[str], cpp: bool) -> None:
    b = _Builder("x.cpp" if cpp else "x.c", "".join(pieces).encode(), cpp)
    for node in _nodes(b.root):
        t = node.type
        if t in ("identifier", "call_expression", "string_literal", "preproc_def"):
            assert b.disabled(node) == _walked_disabled(node), node
            if t != "preproc_def":
                assert b.function_of(node) == _up(node, ("function_definition",)), node
        if t == "identifier":
            assert b.calls.at(node.start_byte) == _up(
                node, ("call_expression", "function_definition")
            ), node
        if t == "string_literal":
            assert b.literals.at(node.start_byte) == node
            assert b.literals.at(node.end_byte - 1) == node
        parent = node.parent
        if parent is not None and parent.type == "concatenated_string":
            if t in ("string_literal", "identifier"):
                assert b.concatenated.get(node.id) == parent
        else:
            assert node.id not in b.concatenated
        if t == "preproc_def":
            name = node.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                assert b.defines_at[name.start_byte] == node
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier":
                assert b.named_calls[fn.start_byte] == node


class _Span:
    """A stand-in for a node: its bytes."""

    def __init__(self, start: int, end: int) -> None:
        self.start_byte, self.end_byte = start, end


def test_innermost_of_nested_and_adjacent_ranges() -> None:
    outer, left, right, inner = _Span(0, 100), _Span(10, 20), _Span(20, 30), _Span(12, 14)
    table = Innermost([right, inner, outer, left])  # any order
    assert [table.at(x) for x in (0, 10, 12, 13, 14, 19, 20, 29, 30, 99)] == [
        outer,
        left,
        inner,
        inner,
        left,
        left,
        right,  # a range ending where the next begins: the next one
        right,
        outer,
        outer,
    ]
    assert table.at(100) is None and table.at(-1) is None
    assert Innermost([]).at(5) is None


def test_dead_branches_merge_and_end_before_their_end() -> None:
    dead = DeadBranches([(5, 10), (8, 12), (20, 20), (30, 40)])
    assert [x in dead for x in (4, 5, 11, 12, 20, 29, 30, 39, 40)] == [
        False,
        True,
        True,
        False,
        False,
        False,
        True,
        True,
        False,
    ]


def test_the_first_branch_of_an_if_0_is_dead_and_the_others_live() -> None:
    text = b"#if 0\nint a;\n#elif FALSE\nint b;\n#elif 1\nint c;\n#else\nint d;\n#endif\n"
    b = _Builder("x.c", text, False)
    names = {n.text: n for n in _nodes(b.root) if n.type == "identifier"}
    assert {k: b.disabled(n) for k, n in names.items()} == {
        b"FALSE": False,  # the condition itself
        b"a": True,
        b"b": True,
        b"c": False,
        b"d": False,
    }
    assert all(b.disabled(n) == _walked_disabled(n) for n in names.values())


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=40), st.integers(min_value=0, max_value=45))
def test_a_column_counts_the_characters_before_it(line: bytes, byte_column: int) -> None:
    # (issue 18: counted once a line, not decoded again for each finding)
    unit = SourceUnit("x.c", line.replace(b"\n", b" ") + b"\nnext\n")
    want = len(line.replace(b"\n", b" ")[:byte_column].decode("utf-8", "replace")) + 1
    assert unit.column(1, byte_column) == want
    assert unit.column(2, 2) == 3


LINES = [
    "int a;",
    "x(); // infmigrate: ignore[ISO102]",
    "y(); // infmigrate: ignore[ISO103] infmigrate: ignore[ISO104]",
    "/* infmigrate: ignore */ z();",
    "// infmigrate: ignore-file[ISO105]",
    "w(); // infmigrate:",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(LINES), min_size=1, max_size=12),
    st.lists(
        st.tuples(
            st.integers(1, 12),
            st.integers(0, 4),
            st.sampled_from(["ISO102", "ISO103", "ISO104", "ISO105", "ISO106"]),
        ),
        max_size=8,
    ),
)
def test_suppressions_look_at_the_comments_within_a_finding(
    lines: list[str], findings: list[tuple[int, int, str]]
) -> None:
    # (issue 18: each finding looked at each line it spans, and each mark counted the
    # lines from the top; what a finding's lines suppress is unchanged)
    unit = SourceUnit("x.c", "\n".join(lines).encode() + b"\n")
    found = [Diagnostic(code, "n", "m", line, 1, line + extra, 1) for line, extra, code in findings]
    by_line: dict[int, set[str]] = {}
    whole: set[str] = set()
    for number, text in enumerate(lines, 1):
        for kind, prefixes in parse_directives(text.split("//", 1)[-1] if "//" in text else text):
            (whole if kind == "ignore-file" else by_line.setdefault(number, set())).update(prefixes)
    want = [
        d
        for d in found
        if not any(d.code.startswith(p) for p in whole)
        and not any(
            d.code.startswith(p) for n in range(d.line, d.end_line + 1) for p in by_line.get(n, ())
        )
    ]
    assert suppressed(unit, found) == want
