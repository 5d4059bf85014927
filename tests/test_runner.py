"""The fix loop: rounds, conflicts, unsafe opt-in, convergence and re-parse checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import infmigrate
from infmigrate.engine.edits import make_entry
from infmigrate.engine.fields import replace_fields
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Edit,
    Fix,
    FixContext,
    Fixer,
    Settings,
)
from infmigrate.engine.runner import (
    MAX_ROUNDS,
    FixerBug,
    _choose,
    _digest,
    _printed_again,
    check,
    fix,
    jointly_applicable,
)
from tests.calls import counted

SOURCE = b"[A]\r\nx = 1\r\ny = 1\r\n[B]\r\nz = 1\r\n"


class BumpOnes(Fixer):
    """Turns every value 1 into 2 (safe)."""

    code = "TST001"
    name = "bump-ones"
    message = "value is 1"
    fix_title = "Make it 2"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for section in ctx.tree.sections:
            for entry in section.entries:
                if entry.values == ["1"]:
                    yield self.diagnostic(
                        entry,
                        fix=self.make_fix(Edit.replace(entry, replace_fields(entry, {0: "2"}))),
                    )


class TwoToThreeUnsafe(Fixer):
    """Turns 2 into 3, as an unsafe fix."""

    code = "TST002"
    name = "two-to-three"
    message = "value is 2"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for section in ctx.tree.sections:
            for entry in section.entries:
                if entry.values == ["2"]:
                    yield self.diagnostic(
                        entry,
                        fix=self.make_fix(
                            Edit.replace(entry, replace_fields(entry, {0: "3"})),
                            applicability=Applicability.UNSAFE,
                        ),
                    )


class WholeSectionAppend(Fixer):
    """Appends a line to [A] whenever [A] has fewer than 4 entries (needs several rounds
    because it only adds one per round)."""

    code = "TST003"
    name = "grow-a"
    message = "[A] is short"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        a = ctx.tree.sections[0]
        if len(a.entries) < 4:
            last = a.entries[-1]
            new = make_entry("w", ["0"], like=last, newline="\r\n")
            yield self.diagnostic(a.header, fix=self.make_fix(Edit.insert_after(last, new)))


class FlipFlop(Fixer):
    """Never converges: swaps x between 1 and 2."""

    code = "TST004"
    name = "flip-flop"
    message = "flip"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        entry = ctx.tree.sections[0].entries[0]
        new = "2" if entry.values == ["1"] else "1"
        yield self.diagnostic(
            entry, fix=self.make_fix(Edit.replace(entry, replace_fields(entry, {0: new})))
        )


class BadReparse(Fixer):
    """Builds a line the parser would read differently (a raw comma inside a value)."""

    code = "TST005"
    name = "bad-reparse"
    message = "bad"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        entry = ctx.tree.sections[0].entries[0]
        if entry.values == ["1"]:
            yield self.diagnostic(
                entry, fix=self.make_fix(Edit.replace(entry, replace_fields(entry, {0: "a,b"})))
            )


def test_check_reports_positions_and_does_not_edit() -> None:
    tree = infmigrate.parse(SOURCE)
    diags = check(tree, [BumpOnes])
    assert [(d.code, d.line, d.column, d.end_line, d.end_column) for d in diags] == [
        ("TST001", 2, 1, 2, 6),
        ("TST001", 3, 1, 3, 6),
        ("TST001", 5, 1, 5, 6),
    ]
    assert tree.to_bytes() == SOURCE


def test_safe_fixes_apply_and_second_run_is_a_no_op() -> None:
    result = fix(infmigrate.parse(SOURCE), [BumpOnes, TwoToThreeUnsafe])
    assert result.fixed.to_bytes() == SOURCE.replace(b"= 1", b"= 2")
    assert [d.code for d in result.applied] == ["TST001"] * 3
    assert [d.code for d in result.remaining] == ["TST002"] * 3  # unsafe, not opted in
    again = fix(result.fixed, [BumpOnes, TwoToThreeUnsafe])
    assert again.fixed.to_bytes() == result.fixed.to_bytes()
    assert not again.applied


def test_fixed_bytes_are_the_last_rounds_print() -> None:
    result = fix(infmigrate.parse(SOURCE), [BumpOnes])
    assert result.fixed_bytes == result.fixed.to_bytes() == SOURCE.replace(b"= 1", b"= 2")
    # the fixed tree is the re-parsed one: its lines are numbered
    assert [e.line for s in result.fixed.sections for e in s.entries] == [2, 3, 5]
    untouched = fix(result.fixed, [BumpOnes])
    assert untouched.fixed_bytes is None and untouched.fixed is result.fixed


def test_fixed_bytes_printed_again_must_be_those_the_round_printed() -> None:
    # (issue 18) the last round's bytes are not kept through the next round's check but
    # printed again from the re-parsed tree, and checked against the round's digest
    tree = infmigrate.parse(SOURCE)
    assert _printed_again(tree, _digest(SOURCE), "x.inf") == SOURCE
    with pytest.raises(FixerBug, match=r"x\.inf: the fixed tree does not print back"):
        _printed_again(tree, _digest(SOURCE + b"z = 2\r\n"), "x.inf")


def test_unsafe_fixes_need_opt_in_and_chain_over_rounds() -> None:
    result = fix(
        infmigrate.parse(SOURCE), [BumpOnes, TwoToThreeUnsafe], Settings(unsafe_fixes=True)
    )
    assert result.fixed.to_bytes() == SOURCE.replace(b"= 1", b"= 3")
    assert result.rounds == 3  # 1 -> 2, 2 -> 3, then nothing left


def test_conflicting_fixes_wait_for_the_next_round() -> None:
    result = fix(infmigrate.parse(SOURCE), [WholeSectionAppend])
    assert result.fixed.to_bytes() == (
        b"[A]\r\nx = 1\r\ny = 1\r\nw = 0\r\nw = 0\r\n[B]\r\nz = 1\r\n"
    )
    assert result.rounds == 3
    assert [e.line for e in result.fixed.sections[1].entries] == [7]


def test_non_converging_fixes_are_a_reported_bug() -> None:
    with pytest.raises(FixerBug, match=f"did not converge after {MAX_ROUNDS} rounds"):
        fix(infmigrate.parse(SOURCE), [FlipFlop], path="x.inf")


def test_output_that_does_not_reparse_is_a_reported_bug() -> None:
    with pytest.raises(FixerBug, match=r"TST005.*does not parse back"):
        fix(infmigrate.parse(SOURCE), [BadReparse])


class DropInvalidByte(Fixer):
    """Rewrites x's value, removing the only byte that makes the file not UTF-8."""

    code = "TST006"
    name = "drop-invalid-byte"
    message = "x"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        entry = ctx.tree.sections[0].entries[0]
        if entry.values != ["1"]:
            yield self.diagnostic(
                entry, fix=self.make_fix(Edit.replace(entry, replace_fields(entry, {0: "1"})))
            )


def test_reparse_keeps_the_files_encoding() -> None:
    # cp1252 only because of \xff; once it is gone the rest (\xc3\xa9) is valid UTF-8, and
    # sniffing again would read "é" as one character instead of two.
    data = b"[A]\r\nx = \xff\r\ny = \xc3\xa9\r\n"
    tree = infmigrate.parse(data)
    assert tree.encoding == "cp1252"
    result = fix(tree, [DropInvalidByte])
    assert result.fixed.encoding == "cp1252"
    assert result.fixed.to_bytes() == b"[A]\r\nx = 1\r\ny = \xc3\xa9\r\n"
    assert result.fixed.sections[0].entries[1].values == ["\u00c3\u00a9"]


def test_fixes_offered_together_never_overlap_and_safe_ones_come_first() -> None:
    tree = infmigrate.parse(b"[A]\nx\ny\n")
    x, y = tree.sections[0].body

    def diag(line: int, applicability: Applicability, *targets: object) -> Diagnostic:
        edits = tuple(Edit.delete(t) for t in targets)  # type: ignore[arg-type]
        return Diagnostic("ISO999", "t", "m", line, fix=Fix("t", edits, applicability))

    unsafe_x = diag(2, Applicability.UNSAFE, x)
    safe_xy = diag(3, Applicability.SAFE, x, y)
    safe_y = diag(3, Applicability.SAFE, y)
    unfixed = Diagnostic("ISO999", "t", "m", 2)
    chosen = jointly_applicable([unsafe_x, safe_xy, safe_y, unfixed])
    # the safe fix is kept over the earlier unsafe one that touches the same line; the
    # second safe fix touching y waits for the next run
    assert chosen == {id(safe_xy)}
    assert jointly_applicable([unsafe_x, safe_y]) == {id(unsafe_x), id(safe_y)}
    # findings that share one fix are all offered it
    twin = Diagnostic("ISO999", "t", "m", 3, fix=safe_xy.fix)
    assert jointly_applicable([safe_xy, twin, safe_y]) == {id(safe_xy), id(twin)}


def test_the_findings_of_one_shared_fix_are_weighed_once() -> None:
    # Issue 18: N findings sharing one fix of N edits (a joint split of N lists) gathered
    # its N targets for each finding: N x N. The fix is chosen once, with its first
    # finding (the others are resolved by the next round's check), as before.
    tree = infmigrate.parse(b"[A]\n" + b"".join(b"x%d\n" % i for i in range(50)))
    lines = tree.sections[0].body
    shared = Fix("t", tuple(Edit.delete(line) for line in lines[:-1]))
    findings = [Diagnostic("ISO999", "t", "m", i + 2, fix=shared) for i in range(49)]
    last = Diagnostic("ISO999", "t", "m", 51, fix=Fix("u", (Edit.delete(lines[-1]),)))
    with counted(Fix, "targets") as calls:
        assert _choose([*findings, last], Settings()) == [findings[0], last]
    assert calls.count == 2
