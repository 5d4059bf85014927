"""One file, start to finish: bytes -> tree -> diagnostics -> fixes -> diff.

:func:`process` never raises for a file's content: whatever goes wrong (a fixer bug, a
fix that cannot be written in the file's encoding, a diff that does not check out) ends
up in :attr:`FileResult.error` with a message naming the file. Reading and writing files
are the caller's business; this module does no I/O.
"""

from __future__ import annotations

import operator
import traceback
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from infmigrate.diffs.linediff import text_opcodes
from infmigrate.diffs.unified import UTF16, DiffError, FileDiff, GitForm, make_diff
from infmigrate.engine.fixer import Diagnostic, Fix, FixContext, Fixer, Settings
from infmigrate.engine.model import InfModel
from infmigrate.engine.model.ranges import BuildRanges, build_ranges, target_in_force
from infmigrate.engine.perf import gc_paused
from infmigrate.engine.problems import syntax_diagnostics
from infmigrate.engine.runner import FixerBug, check, fix
from infmigrate.engine.suppression import Suppressions
from infmigrate.engine.syntax import DecodeError, InfFile, decode, parse
from infmigrate.engine.syntax.lines import line_texts
from infmigrate.engine.syntax.notinf import not_an_inf

__all__ = [
    "FileOptions",
    "FileResult",
    "diagnostic_key",
    "lighten",
    "process",
    "resolved_by_fixing",
    "strip_edits",
]

#: The order of findings: position, then code (a C-level key: a file may have
#: hundreds of thousands).
_POSITION = operator.attrgetter("line", "column", "code")


@dataclass(frozen=True)
class FileOptions:
    """What to do with one file (from its configuration and the command line)."""

    rules: tuple[type[Fixer], ...]
    syntax_codes: frozenset[str]
    settings: Settings = field(default_factory=Settings)


@dataclass
class FileResult:
    """Everything the outputs need to know about one file.

    A *light* result (:func:`lighten`: what a worker process sends back and what the
    cache gives) has no trees, no original bytes and fixes without edits; it keeps the
    text of the lines its diagnostics point at (:attr:`line_texts`), which is all the
    ``text``, ``github`` and ``gitlab`` formats need.
    """

    #: The path as shown (relative to the working directory, forward slashes).
    path: str
    options: FileOptions | None = None
    original: bytes = b""
    tree: InfFile | None = None
    #: Diagnostics of the original file (suppressed and unselected ones left out).
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: After fixing (when fixing was asked for): the new bytes and tree.
    fixed: bytes | None = None
    fixed_tree: InfFile | None = None
    #: Diagnostics whose fixes were applied, and those of the fixed file.
    applied: list[Diagnostic] = field(default_factory=list)
    remaining: list[Diagnostic] = field(default_factory=list)
    #: Indices into :attr:`diagnostics` of the findings fixing removes (see
    #: :func:`resolved_by_fixing`): what ``[*]``, "fixable" and "fixed" count.
    resolved: list[int] = field(default_factory=list)
    #: The checked diff of the fix (its output; the parsed form is not kept: ``patch`` is
    #: None, issue 18).
    diff: FileDiff | None = None
    #: Why the file could not be processed ("" when it could).
    error: str = ""
    #: Set by the caller once the file is written.
    written: bool = False
    #: The file's encoding (``utf-16-le``, ``cp1252``...), once decoded.
    encoding: str = ""
    #: Fixing changed the bytes.
    changed: bool = False
    #: Fixing was done (``applied``/``remaining``/``changed`` are meaningful).
    fix_done: bool = False
    #: Why the file was left alone on purpose (not an INF to migrate); "" otherwise.
    skipped: str = ""
    #: Physical line texts (terminator removed) at the diagnostics' lines, of the original
    #: file and of the fixed one (kept by light results, which have no trees).
    line_texts: dict[int, str] = field(default_factory=dict)
    fixed_line_texts: dict[int, str] = field(default_factory=dict)
    #: Taken from the cache instead of processed.
    cached: bool = False
    #: What the diff printed (the ``--diff`` output), and whether it is shown as comments
    #: only (a UTF-16 file ``git apply`` cannot patch exactly); set with :attr:`diff` and
    #: kept by light results.
    diff_output: bytes = b""
    diff_commented: bool = False
    #: The target Windows version the file was checked against and where it comes from
    #: (``target: 10.0.17763 ...``), and the fixed file's (``--verbose`` prints it).
    target: str = ""
    fixed_target: str = ""
    #: The file's text has a lone CR (one not before an LF), which ends a line for the
    #: parser: SARIF says so. Set with the fixes' texts (see :attr:`Fix.text
    #: <infmigrate.engine.fixer.Fix.text>`), for the formats that print fixes.
    lone_cr: bool = False


def diagnostic_key(d: Diagnostic) -> tuple[str, int, int, str]:
    """What identifies a finding across runs of the rules on the same tree."""
    return (d.code, d.line, d.column, d.message)


def _syntax_diagnostics(
    tree: InfFile, options: FileOptions, suppressions: Suppressions
) -> list[Diagnostic]:
    return suppressions.filter(
        [d for d in syntax_diagnostics(tree) if d.code in options.syntax_codes]
    )


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    diagnostics.sort(key=_POSITION)
    return diagnostics


def process(
    data: bytes,
    path: str,
    options: FileOptions,
    *,
    want_fix: bool,
    want_diff: bool = True,
    verbose: bool = False,
    counting_only: bool = False,
    git: GitForm | None = None,
) -> FileResult:
    """Parse, check and (``want_fix``) fix one file's bytes; see the module docstring.

    ``want_diff``: also make the (checked) diff of the fix, which only ``--diff`` and the
    review formats need. The rules run once on the original tree and once on each tree a
    round of fixes makes: the first fixing round reuses the report's diagnostics, and what
    remains is the last round's.

    ``counting_only``: the fix is made only to count which findings it resolves (report
    mode); a file that must not be fixed (a truncated UTF-16 file) is then simply not
    fixed, rather than failed.
    """
    # A file's trees, models and plans live until the file is done: collections in the
    # middle of it would traverse them for nothing (see infmigrate.engine.perf).
    with gc_paused():
        return _process(
            data,
            path,
            options,
            want_fix=want_fix,
            want_diff=want_diff,
            verbose=verbose,
            counting_only=counting_only,
            git=git,
        )


def _process(
    data: bytes,
    path: str,
    options: FileOptions,
    *,
    want_fix: bool,
    want_diff: bool,
    verbose: bool,
    counting_only: bool,
    git: GitForm | None,
) -> FileResult:
    result = FileResult(path, options, data)
    try:
        tree = parse(data)
        result.tree = tree
        result.encoding = tree.encoding
        if not_an_inf(tree) is not None:
            # Not an INF at all (INF006): its one finding and no rules; nothing to fix, so
            # --diff and --write leave it alone and the finding remains (status 1).
            result.diagnostics = _syntax_diagnostics(tree, options, Suppressions.of(tree))
            if want_fix:
                result.fix_done = True
                result.fixed = data
                result.remaining = list(result.diagnostics)
            return result
        ctx = FixContext(tree, options.settings, path)
        target = _watch_target(ctx, options.settings)
        found = check(tree, options.rules, options.settings, path, context=ctx)
        result.target = result.fixed_target = _target(ctx, options.settings, target)
        syntax = _syntax_diagnostics(tree, options, Suppressions.of(tree))
        result.diagnostics = _sorted(found + syntax)
        if not want_fix:
            return result
        if tree.trailing_bytes:
            if counting_only:
                return result
            # A truncated UTF-16 file (INF004) reads back identically, but migrating it would
            # hide the damage: no fix is made or written, and the run fails (status 2).
            result.error = (
                "not fixed: the UTF-16 file has an odd number of bytes and looks "
                "truncated (INF004); restore the complete file"
            )
            return result
        # the last round's context and where its target is read (see _watch_target)
        last: list[tuple[FixContext, list[str]]] = []

        def watch(round_ctx: FixContext) -> None:
            last[:] = [(round_ctx, _watch_target(round_ctx, options.settings))]

        fixed = fix(tree, options.rules, options.settings, path, first=found, on_context=watch)
        result.fixed_tree = fixed.fixed
        result.applied = list(fixed.applied)
        result.fix_done = True
        if (
            fixed.fixed_bytes is None
            or fixed.fixed_bytes == data
            # The fixes would tip the not-an-INF test (INF006: removing lines raises the
            # share of stray text before the first section): a run on the written file
            # would check nothing and report that one finding, hiding the others, and a
            # cached run would disagree with a fresh one (issue 18, found by atheris). The
            # file is left as it is, with its findings.
            or not_an_inf(fixed.fixed) is not None
        ):
            if fixed.fixed_bytes is not None and fixed.fixed_bytes != data:
                result.applied = []  # (the INF006 case: nothing is applied)
            result.fixed = data
            result.remaining = list(result.diagnostics)
            return result
        # What is written (or diffed) is the fixed tree's bytes: before trusting them, the
        # original tree must print back the file exactly (the parser's promise; checked
        # here, where it matters, rather than for every file read).
        if tree.to_bytes() != data:  # pragma: no cover - a parser bug, reported as such
            result.error = (
                "internal error: the syntax tree does not print back the file's "
                "bytes; please report this file"
            )
            return result
        result.fixed = fixed.fixed_bytes
        result.changed = True
        if fixed.context is not None and last and last[0][0] is fixed.context:
            fixed_ctx, target = last[0]
        else:
            fixed_ctx, target = FixContext(fixed.fixed, options.settings, path), []
        del last[:]
        result.fixed_target = _target(fixed_ctx, options.settings, target)
        result.remaining = _sorted(
            list(fixed.remaining)
            + _syntax_diagnostics(fixed.fixed, options, Suppressions.of(fixed.fixed))
        )
        # both texts printed once, for both (issue 18: each is the file's size)
        before, after = tree.code, fixed.fixed.code
        result.resolved = resolved_by_fixing(before, result.diagnostics, after, result.remaining)
        if want_diff:
            if tree.encoding not in UTF16:
                before = after = ""  # the diff of such a file is made from its bytes
            # (only the diff's output is read from a result: its parsed form is not kept)
            result.diff = make_diff(
                data, result.fixed, before, after, path, tree.encoding, git, keep_patch=False
            )
            if result.diff is not None:
                result.diff_output = result.diff.output
                result.diff_commented = not result.diff.applies
        del before, after
    except FixerBug as exc:
        result.error = f"internal error: {_strip_path(str(exc), path)}; please report it"
    except DecodeError as exc:
        result.error = f"cannot write the fixed file in its encoding ({result.encoding}): {exc}"
    except DiffError as exc:
        result.error = f"internal error: {_strip_path(str(exc), path)}; please report it"
    except Exception as exc:  # one bad file must not stop the others
        detail = traceback.format_exc() if verbose else ""
        result.error = f"internal error: {type(exc).__name__}: {exc}; please report it" + (
            f"\n{detail}" if detail else ""
        )
    return result


def _watch_target(ctx: FixContext, settings: Settings) -> list[str]:
    """Where the target of the context's tree (see :func:`_target`) is put, read from the
    model the rules build when they release it."""
    target: list[str] = []
    if settings.target_windows is None:
        ctx.when_released(lambda model: target.append(_model_target(model)))
    return target


def _target(ctx: FixContext, settings: Settings, target: list[str]) -> str:
    """The target in force for the context's tree (the setting, else the lowest version
    its own decorations allow: from the model the rules built), for ``--verbose``. Read
    when the rules released their model (:func:`_watch_target`); a model is built here,
    and released, only when no rule built one."""
    if settings.target_windows is not None:
        return target_in_force(settings.target_windows, _NO_RANGES)[1]
    if target:
        return target[0]
    model = ctx.model
    text = _model_target(model)
    ctx.release()
    return text


def _model_target(model: InfModel) -> str:
    return target_in_force(None, build_ranges(model.manufacturers, model.install_sections))[1]


_NO_RANGES = BuildRanges({}, {})


class _PhysicalLines:
    """Physical lines as :func:`~infmigrate.engine.syntax.lines.line_texts` gives them
    (terminators removed), for :func:`~infmigrate.diffs.linediff.text_opcodes`."""

    def lines(self, text: str, start: int, end: int, last: bool) -> list[str]:
        out = line_texts(text[start:end])
        if not last:
            out.pop()  # the "" after the part's last terminator: not a line of the text
        return out

    def count(self, text: str, start: int, end: int, last: bool) -> int:
        breaks = text.count("\n", start, end) + text.count("\r", start, end)
        return breaks - text.count("\r\n", start, end) + (1 if last else 0)


def _line_map(before: str, after: str, wanted: Iterable[int]) -> dict[int, int]:
    """Line numbers (1-based) of the text before fixing to those after, for the
    ``wanted`` lines kept or changed in place (a block of changed lines maps line by
    line onto its replacement, as far as it goes); deleted lines are left out. Only the
    lines between the texts' common start and end are compared (issue 18: memory)."""
    codes = [op for op in text_opcodes(before, after, _PhysicalLines()) if op[1] < op[2]]
    starts = [op[1] for op in codes]
    out: dict[int, int] = {}
    for line in wanted:
        at = bisect_right(starts, line - 1) - 1
        if at < 0:
            continue
        tag, i1, i2, j1, j2 = codes[at]
        k = line - 1 - i1
        if tag in ("equal", "replace") and k < min(i2 - i1, j2 - j1):
            out[line] = j1 + k + 1
    return out


def resolved_by_fixing(
    before: str, diagnostics: list[Diagnostic], after: str, remaining: list[Diagnostic]
) -> list[int]:
    """Indices of the findings of the text ``before`` fixing that are gone from the
    fixed text ``after``: a finding stays when the fixed file reports the same code at
    its line (followed through the line diff); any other is resolved, whether by its own
    fix, by an identical one another finding carries, or as a side effect of another
    fix (one ISO001 fix moving a list also settles the ISO002 finding of the service
    binary in it). ruff counts each such finding as fixed (``apply_fixes`` in
    ``crates/ruff_linter/src/fix/mod.rs`` counts a fix whose edits were all applied
    already); so do "fixable" in report mode, ``[*]``, --check, --write, --statistics
    and the summary, so that they all give the same numbers for the same file.
    """
    if not diagnostics:
        return []
    if before == after:
        return []
    left: dict[tuple[str, int], int] = {}
    for d in remaining:
        key = (d.code, d.line)
        left[key] = left.get(key, 0) + 1
    lines = _line_map(before, after, {d.line for d in diagnostics})
    out: list[int] = []
    for i, d in enumerate(diagnostics):
        key = (d.code, lines.get(d.line, -1))
        if left.get(key, 0) > 0:
            left[key] -= 1
        else:
            out.append(i)
    return out


def _strip_path(message: str, path: str) -> str:
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def strip_edits(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics with their fixes' edits dropped (title and applicability kept):
    edits point into a tree, which light results do not carry."""
    out: list[Diagnostic] = []
    # a fix several findings share stays one object (the formats give it once)
    stripped: dict[int, Fix] = {}
    for d in diagnostics:
        if d.fix is not None and d.fix.edits:
            fix = stripped.get(id(d.fix))
            if fix is None:
                fix = stripped[id(d.fix)] = Fix(d.fix.title, (), d.fix.applicability, d.fix.text)
            d = replace(d, fix=fix)
        out.append(d)
    return out


def _texts_at(data: bytes | None, diagnostics: list[Diagnostic]) -> dict[int, str]:
    """The physical lines (as the parser counts them, terminators removed) at the
    diagnostics' lines, decoded from the bytes (cheaper than printing the tree)."""
    if data is None or not diagnostics:
        return {}
    # the lines a finding starts and ends on (rdjsonl gives both columns in bytes)
    wanted = {n for d in diagnostics for n in (d.line, d.end_line) if n > 0}
    if not wanted:
        return {}
    lines = line_texts(decode(data).text, maxsplit=max(wanted))
    return {n: lines[n - 1] for n in wanted if n <= len(lines)}


def _texts(result: FileResult) -> tuple[dict[int, str], dict[int, str]]:
    """The lines at the diagnostics, of the original file and at the remaining ones of the
    fixed file (the same lines, decoded once, when fixing changed nothing)."""
    original = result.line_texts or _texts_at(
        result.original if result.encoding else None, result.diagnostics
    )
    if result.fixed_line_texts or not result.fix_done:
        return original, result.fixed_line_texts
    if not result.changed and result.remaining == result.diagnostics:
        return original, original
    return original, _texts_at(result.fixed, result.remaining)


def lighten(result: FileResult, *, keep_fixed: bool = False, texts: bool = True) -> FileResult:
    """The result without what only the review formats need (trees, original bytes, fix
    edits, the parsed diff): cheap to send between processes and to cache. The fixed
    bytes are kept when ``keep_fixed`` (for the cache) and the file changed; the texts of
    the diagnostics' lines unless ``texts`` is false (nothing will print them)."""
    line_texts, fixed_line_texts = _texts(result) if texts else ({}, {})
    return replace(
        result,
        options=None,
        original=b"",
        tree=None,
        fixed_tree=None,
        fixed=result.fixed if keep_fixed and result.changed else None,
        diagnostics=strip_edits(result.diagnostics),
        applied=strip_edits(result.applied),
        remaining=strip_edits(result.remaining),
        diff=None,
        line_texts=line_texts,
        fixed_line_texts=fixed_line_texts,
    )
