"""Parse -> model -> fixers -> apply -> repeat until nothing changes.

:func:`check` reports what the rules find in a tree. :func:`fix` applies their fixes:
each round runs every selected rule on the current tree, applies the fixes the settings
allow that do not touch the same lines, prints and re-parses the result (which must give
the same tree back: a fixer that builds a tree the parser would read differently is a bug),
and goes again, until a round has nothing left to apply. More rounds than
:data:`MAX_ROUNDS` means two fixes undo each other: a bug, reported as such.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from infmigrate.engine.edits import EditConflict, apply_edits
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Fix,
    FixContext,
    Fixer,
    Settings,
)
from infmigrate.engine.suppression import Suppressions
from infmigrate.engine.syntax import InfFile, parse

__all__ = ["MAX_ROUNDS", "FixResult", "FixerBug", "check", "fix"]

#: The order of findings: position, then code (a C-level key: a file may have
#: hundreds of thousands).
_POSITION = operator.attrgetter("line", "column", "code")

#: Rounds of fixing before the runner gives up and reports a bug.
MAX_ROUNDS = 12


class FixerBug(RuntimeError):
    """A fixer broke a promise: its output does not re-parse to itself, or fixes never
    converge. The message names the rule."""


@dataclass
class FixResult:
    """What fixing one file did."""

    original: InfFile
    fixed: InfFile
    #: Diagnostics whose fixes were applied, in the order they were applied.
    applied: list[Diagnostic] = field(default_factory=list)
    #: Diagnostics of the fixed tree (what is left to do by hand or with other settings).
    remaining: list[Diagnostic] = field(default_factory=list)
    rounds: int = 0
    #: The fixed tree's bytes, printed by the last round that applied fixes (None when
    #: no round did: the file is unchanged).
    fixed_bytes: bytes | None = None
    #: The rules' context of the last round's check, on :attr:`fixed` (its model built
    #: if a rule used it); None when the caller's ``first`` diagnostics were the last.
    context: FixContext | None = None

    @property
    def changed(self) -> bool:
        return self.fixed is not self.original and self.fixed.code != self.original.code


def check(
    tree: InfFile,
    rules: Sequence[type[Fixer]] | Sequence[Fixer],
    settings: Settings | None = None,
    path: str = "-",
    *,
    suppress: bool = True,
    context: FixContext | None = None,
) -> list[Diagnostic]:
    """Every diagnostic the rules find in the tree, sorted by position and code.

    Diagnostics silenced by the file's ``; infmigrate: ignore[...]`` comments are left out
    (see :mod:`infmigrate.engine.suppression`) unless ``suppress`` is false. ``context``:
    the rules' context to use (a caller that wants the model they built afterwards),
    made for ``tree`` with ``settings`` and ``path``.
    """
    ctx = context or FixContext(tree, settings or Settings(), path)
    out: list[Diagnostic] = []
    for r in rules:
        fixer = r() if isinstance(r, type) else r
        out.extend(fixer.check(ctx))
    ctx.release()
    if suppress:
        out = Suppressions.of(tree).filter(out)
    out.sort(key=_POSITION)
    return out


def _choose(diagnostics: Iterable[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """The fixes to apply this round: allowed, and touching lines no earlier one touches."""
    taken: set[int] = set()
    chosen: list[Diagnostic] = []
    # Fixes already weighed that touch something: the same fix again (one fix shared by
    # the findings of a joint edit) touches what it touched, so it is not taken twice;
    # its targets are not gathered again for each of its findings (issue 18: N findings
    # of one fix of N edits were N x N).
    weighed: set[int] = set()
    for diag in diagnostics:
        if diag.fix is None or id(diag.fix) in weighed or not settings.applies(diag.fix):
            continue
        targets = diag.fix.targets()
        if targets:
            weighed.add(id(diag.fix))
        if targets & taken:
            continue
        taken |= targets
        chosen.append(diag)
    return chosen


def jointly_applicable(diagnostics: Iterable[Diagnostic]) -> set[int]:
    """Identities of the diagnostics whose fixes a consumer of one report may apply
    together (SARIF fixes, review suggestions): safe fixes first, then unsafe, then
    display-only ones, each in order, skipping a fix that touches what an earlier one
    does (unless it is that same fix, shared by several findings), as :func:`fix` defers
    it to its next round. Such a fix was computed on the file as it is and would not
    compose with the earlier one (two downlevel branches of the same install would each
    add the same decorated section): it is offered by the next run, on the file with the
    earlier fix applied."""
    taken: set[int] = set()
    chosen: set[int] = set()
    # The fixes chosen (equal fixes are the same change), and the ids of the fix objects
    # already judged, with the verdict: the findings of one fix object are judged once and
    # a fix is hashed once, not compared with every fix chosen (issue 18: thousands of
    # findings of one fix, thousands of fixes of one title).
    shared: set[Fix] = set()
    judged: dict[int, bool] = {}
    with_fix = [d for d in diagnostics if d.fix is not None]
    for level in (Applicability.SAFE, Applicability.UNSAFE, Applicability.DISPLAY_ONLY):
        for diag in with_fix:
            fix = diag.fix
            assert fix is not None
            if fix.applicability is not level:
                continue
            verdict = judged.get(id(fix))
            if verdict is None:
                if fix in shared:
                    verdict = True  # the same change as a fix chosen
                else:
                    targets = fix.targets()
                    verdict = not targets & taken
                    if verdict:
                        taken |= targets
                        shared.add(fix)
                judged[id(fix)] = verdict
            if verdict:
                chosen.add(id(diag))
    return chosen


def fix(
    tree: InfFile,
    rules: Sequence[type[Fixer]] | Sequence[Fixer],
    settings: Settings | None = None,
    path: str = "-",
    *,
    suppress: bool = True,
    first: Sequence[Diagnostic] | None = None,
    on_context: Callable[[FixContext], None] | None = None,
) -> FixResult:
    """Apply fixes until none is left to apply; see the module docstring. Suppressed
    diagnostics (``suppress``, as in :func:`check`) are not fixed.

    ``first``: the tree's diagnostics when the caller already has them (exactly what
    :func:`check` gives for the same arguments), to spare the first round's check.
    ``on_context``: called with each round's context before its rules run.
    """
    settings = settings or Settings()
    result = FixResult(tree, tree)
    current = tree
    # The digest of the last printed bytes: the bytes themselves (the file's size, twice
    # that for UTF-16) are printed again from the final tree once the last round's check
    # is done, rather than kept through it (issue 18: peak memory).
    digest: bytes | None = None
    for round_no in range(1, MAX_ROUNDS + 1):
        if round_no == 1 and first is not None:
            diagnostics = list(first)
        else:
            result.context = FixContext(current, settings, path)
            if on_context is not None:
                on_context(result.context)
            diagnostics = check(
                current, rules, settings, path, suppress=suppress, context=result.context
            )
        chosen = _choose(diagnostics, settings)
        result.rounds = round_no
        if not chosen:
            result.fixed, result.remaining = current, diagnostics
            if digest is not None:
                result.fixed_bytes = _printed_again(current, digest, path)
            return result
        edits = [e for d in chosen if d.fix is not None for e in d.fix.edits]  # (all have)
        try:
            # Not renumbered: the re-parse below numbers the lines (equality ignores them).
            edited = apply_edits(current, edits, renumber=False)
        except EditConflict as exc:
            codes = ", ".join(sorted({d.code for d in chosen}))
            raise FixerBug(f"{path}: fixes of {codes} made conflicting edits: {exc}") from exc
        printed = edited.to_bytes()
        reparsed = parse(printed, edited.encoding)
        if reparsed != edited:
            codes = ", ".join(sorted({d.code for d in chosen}))
            raise FixerBug(
                f"{path}: the output of {codes} does not parse back to the tree the fixer built"
            )
        result.applied.extend(chosen)
        current, digest = reparsed, _digest(printed)
        # Nothing of this round but the applied findings outlives it: its edited tree,
        # edit list and findings would otherwise stay alive through the next round's
        # check, on top of that round's own model (issue 18: peak memory).
        del edited, reparsed, printed, edits, chosen, diagnostics
    codes = ", ".join(sorted({d.code for d in result.applied[-5:]}))
    raise FixerBug(f"{path}: fixes did not converge after {MAX_ROUNDS} rounds (last: {codes})")


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _printed_again(tree: InfFile, digest: bytes, path: str) -> bytes:
    """The bytes of the last round's re-parsed tree: those the round printed (a parsed
    tree prints back its input; checked against the digest of what was printed)."""
    data = tree.to_bytes()
    if _digest(data) != digest:  # a parser bug, reported as such
        raise FixerBug(f"{path}: the fixed tree does not print back the bytes it was read from")
    return data
