"""One file's work as a picklable task, the same in this process and in a worker.

The parent reads the file (it needs the bytes for the cache key anyway) and sends a
:class:`FileTask`; :func:`run_task` processes it, writes the fixed file in place for
``--write`` (in the worker, so that writes run in parallel too), and returns the result,
light (see :func:`infmigrate.engine.processing.lighten`; when the output prints fixes, with
their texts worked out first: :func:`infmigrate.output.fixtexts.render_fixes`), or whole
for standard input, which this process handles.
It never raises: whatever goes wrong is the result's error.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from infmigrate.cli.writing import FileStamp, write_atomic
from infmigrate.diffs.gitform import GitForm
from infmigrate.engine.processing import FileOptions, FileResult, lighten, process
from infmigrate.engine.suppression import add_directives
from infmigrate.output.fixtexts import render_fixes

__all__ = ["FileTask", "run_task", "write_fixed"]


@dataclass(frozen=True, slots=True)
class FileTask:
    """Everything a worker needs to process one file."""

    #: Position in the run (results are put back in order by it).
    index: int
    #: The path as shown.
    shown: str
    data: bytes
    options: FileOptions
    want_fix: bool
    want_diff: bool = False
    #: The fix only counts what it resolves (report mode): see :func:`process`.
    counting_only: bool = False
    #: ``--write``: where to write the fixed bytes (None: do not write).
    write_to: str | None = None
    #: The file's stamp when it was read: it is not overwritten if it changed since.
    stamp: FileStamp | None = None
    #: Keep everything (standard input, processed in the main process); else a light
    #: result.
    full: bool = False
    #: The output prints fixes (:data:`~infmigrate.output.base.NEEDS_TREES`): the light
    #: result's fixes keep their texts, worked out on the trees of the report's mode
    #: (``report``: the file as it is; ``write``: the fixed file) before they are dropped
    #: (:func:`~infmigrate.output.fixtexts.render_fixes`). None: not asked.
    fix_texts: Literal["report", "write"] | None = None
    #: Send the fixed bytes back (``--write`` with the cache: the written content's result
    #: is cached under their hash).
    keep_fixed: bool = False
    #: Send the texts of the diagnostics' lines back (to print findings, or cache them).
    texts: bool = True
    verbose: bool = False
    #: A C/C++ source (issue 17): checked by the code rules, never fixed.
    source: bool = False
    #: ``--add-noqa``: write a suppression comment for every finding (with this reason,
    #: "" for none) to ``write_to`` instead of fixing; None: not asked.
    add_noqa: str | None = None
    #: How git reads and writes the file (``--diff`` of a UTF-16 file; None: not in a
    #: work tree).
    git: GitForm | None = None


def write_fixed(task: FileTask, result: FileResult) -> None:
    """Write the result's fixed bytes over ``task.write_to`` (atomically, unless the file
    changed since it was read); the result records that it was written, or why not."""
    assert task.write_to is not None and result.fixed is not None
    try:
        write_atomic(Path(task.write_to), result.fixed, expect=task.stamp)
    except OSError as exc:
        result.error = f"cannot write: {exc.strerror or exc}"
    else:
        result.written = True


def _add_noqa(task: FileTask) -> FileResult:
    """``--add-noqa``: the file's findings, each suppressed by a comment where one can go
    (see :func:`infmigrate.engine.suppression.add_directives`), written in place. The
    suppressed findings are the result's ``applied``, the others its ``remaining``."""
    assert task.add_noqa is not None
    result = process(task.data, task.shown, task.options, want_fix=False, want_diff=False)
    result.fix_done = True
    result.remaining = list(result.diagnostics)
    if result.error or result.tree is None or not result.diagnostics:
        return result
    if any(d.code == "INF006" for d in result.diagnostics):
        return result  # not an INF: nothing is ever written to it
    baseline = add_directives(result.tree, result.diagnostics, task.add_noqa)
    result.applied, result.remaining = baseline.suppressed, baseline.left
    if baseline.lines and task.write_to is not None:
        result.fixed = baseline.data
        result.changed = True
        write_fixed(task, result)
    return result


def _returned(task: FileTask, result: FileResult) -> FileResult:
    """What a processed file's task gives back: everything, or a light result (whose
    fixes keep their texts when the output prints them)."""
    if task.full:
        return result
    if task.fix_texts is not None:
        write = task.fix_texts == "write"
        return render_fixes(result, write=write, keep_fixed=task.keep_fixed)
    return lighten(result, keep_fixed=task.keep_fixed, texts=task.texts)


def run_task(task: FileTask) -> FileResult:
    """Process (and maybe write) one file; see the module docstring."""
    try:
        if task.source:
            from infmigrate.sources.processing import process_source  # tree-sitter

            result = process_source(task.data, task.shown, task.options, task.verbose)
            if task.add_noqa is not None:  # no comment is added to C/C++ sources
                result.remaining = list(result.diagnostics)
            return _returned(task, result)
        if task.add_noqa is not None:
            return lighten(_add_noqa(task), texts=task.texts)
        result = process(
            task.data,
            task.shown,
            task.options,
            want_fix=task.want_fix,
            want_diff=task.want_diff,
            verbose=task.verbose,
            counting_only=task.counting_only,
            git=task.git,
        )
        if not result.error and task.write_to is not None and result.changed:
            write_fixed(task, result)
        return _returned(task, result)
    except Exception as exc:  # never raise: one bad file must not stop the others
        detail = f"\n{traceback.format_exc()}" if task.verbose else ""
        return FileResult(
            task.shown,
            error=f"internal error: {type(exc).__name__}: {exc}; please report it{detail}",
        )
