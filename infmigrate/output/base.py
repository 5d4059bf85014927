"""What every output format receives, and the helpers they share."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from infmigrate.diffs.unified import UTF16
from infmigrate.engine.fixer import Applicability, Diagnostic, Fixer
from infmigrate.engine.problems import severity_of
from infmigrate.engine.processing import FileResult
from infmigrate.output.fixtexts import render_fixes

__all__ = ["NEEDS_TREES", "Report", "Shown", "clean", "fix_offered"]

#: Formats that print what fixes do to the text (edits, suggestions, diff blocks): each
#: file's fixes are worked out on its trees before they are dropped
#: (:func:`~infmigrate.output.fixtexts.render_fixes`); the other formats work from light
#: results (see :func:`infmigrate.engine.processing.lighten`).
NEEDS_TREES = frozenset({"json", "sarif", "rdjsonl", "github-review"})

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text safe to encode as UTF-8: undecodable bytes (kept as lone surrogates by the
    lossless decoder) become U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def fix_offered(d: Diagnostic, file: FileResult) -> bool:
    """Whether a review format offers this diagnostic's fix as a suggestion: fixes the
    run would apply, and display-only ones (which exist to be shown)."""
    if d.fix is None or file.options is None:
        return False
    return file.options.settings.applies(d.fix) or d.fix.applicability is Applicability.DISPLAY_ONLY


@dataclass(frozen=True)
class Shown:
    """One diagnostic to print, with its file and position details."""

    file: FileResult
    diag: Diagnostic
    fingerprint: str
    #: Marked ``[*]`` in text: a finding of the file as it is that fixing with the run's
    #: settings removes (what the summary counts as fixable, and fixed).
    resolved: bool = False

    @property
    def severity(self) -> str:
        return severity_of(self.diag.code)

    @property
    def end(self) -> tuple[int, int]:
        """(end line, end column), never before the start."""
        d = self.diag
        end_line = max(d.end_line, d.line)
        end_column = d.end_column if d.end_column else d.column
        if end_line == d.line:
            end_column = max(end_column, d.column)
        return end_line, end_column

    @property
    def fixable(self) -> bool:
        """Marked ``[*]``: the run applies this fix."""
        return self.file.options is not None and self.file.options.settings.applies(self.diag.fix)


@dataclass
class Report:
    """The results of a run, as the formats see them: light results (see
    :func:`~infmigrate.engine.processing.lighten`), whose shown fixes carry their text
    (:func:`~infmigrate.output.fixtexts.render_fixes`, which a result still holding its
    trees goes through here)."""

    files: list[FileResult]
    #: ``report`` (diagnostics of the files as they are) or ``write`` (what is left after
    #: writing the fixes).
    mode: str = "report"
    #: Every rule that ran on some file (SARIF lists them).
    rules: tuple[type[Fixer], ...] = ()
    color: bool = False
    version: str = "0"
    #: Working directory as a ``file://`` URI ending in ``/`` (SARIF's %SRCROOT%).
    root_uri: str = ""
    #: The working directory (absolute), which the shown paths are relative to.
    root: str = ""
    #: GitLab CI's ``CI_PROJECT_DIR`` ("" outside GitLab CI): ``gitlab`` paths are
    #: relative to it.
    ci_project_dir: str = ""
    #: Warnings a format has for the user (printed on stderr), such as results left out.
    notes: list[str] = field(default_factory=list)
    #: ``--diff-filter-base``: the lines of each file the review formats may comment on
    #: (path as shown -> its lines, or None for the whole file); a file not in it gets
    #: nothing. None: no filter.
    line_filter: dict[str, frozenset[int] | None] | None = None
    #: Paths (as shown) of UTF-16 files git stores as UTF-8 text (their
    #: ``working-tree-encoding``): GitHub shows their lines, so suggestions apply to them.
    git_text: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        write = self.mode == "write"
        self.files = [
            _light(f, write) if f.tree is not None or f.fixed_tree is not None else f
            for f in self.files
        ]

    def offered_together(self, file: FileResult, d: Diagnostic) -> bool:
        """Whether the formats that carry fixes (SARIF fixes, review suggestions) offer this
        diagnostic's fix in this report: the fixes of a file they offer can all be applied
        together (:func:`~infmigrate.engine.runner.jointly_applicable`, worked out with the
        fixes' texts); one that would not compose with an earlier one is offered by the
        next run. A fix that changes no text is offered by none."""
        return d.fix is not None and d.fix.text is not None and d.fix.text.together

    def shown_as_binary(self, file: FileResult) -> bool:
        """Whether GitHub shows the file as binary (UTF-16, unless git stores it as text)."""
        return file.encoding in UTF16 and file.path not in self.git_text

    def keeps(self, path: str, start: int, end: int) -> bool:
        """Whether the line filter lets a comment on lines ``start..end`` of a file be."""
        if self.line_filter is None:
            return True
        if path not in self.line_filter:
            return False
        lines = self.line_filter[path]
        return lines is None or all(n in lines for n in range(start, end + 1))

    def diagnostics_of(self, file: FileResult) -> list[Diagnostic]:
        return file.remaining if self.mode == "write" else file.diagnostics

    def line_text_of(self, file: FileResult, line: int) -> str:
        """A line of the file as reported (kept by the light result: those the findings
        start and end on)."""
        texts = file.fixed_line_texts if self.mode == "write" else file.line_texts
        return texts.get(line, "")

    @cached_property
    def shown(self) -> list[Shown]:
        """Every diagnostic to print, file by file, in file order."""
        return [s for shown in self._shown_by_file.values() for s in shown]

    def shown_in(self, file: FileResult) -> list[Shown]:
        """The diagnostics of one file to print, in order."""
        return self._shown_by_file.get(id(file), [])

    @cached_property
    def _shown_by_file(self) -> dict[int, list[Shown]]:
        """:attr:`shown`, by the id of each file (of :attr:`files`, which keeps them) that
        has some: a format working file by file finds a file's without going through
        every other file's (issue 18: thousands of files)."""
        by_file: dict[int, list[Shown]] = {}
        for file in self.files:
            # A file is reported once parsed (and, for --write, fixed), even if a later
            # step failed.
            parsed = file.fix_done if self.mode == "write" else bool(file.encoding)
            if file.skipped or not parsed:
                continue
            # the findings that fixing removes, by identity (a set, not a search of the
            # list per finding: issue 18, thousands of findings)
            all_diagnostics = file.diagnostics
            resolved = {id(all_diagnostics[i]) for i in file.resolved if i < len(all_diagnostics)}
            out = by_file.setdefault(id(file), [])
            seen: Counter[tuple[str, str]] = Counter()
            # per line and per (rule, line), not per finding: thousands of findings on
            # one long line would each normalize and hash the whole line again
            anchors: dict[int, str] = {}
            hashers: dict[tuple[str, int], _Hasher] = {}
            for d in self.diagnostics_of(file):
                anchor = anchors.get(d.line)
                if anchor is None:
                    anchor = anchors[d.line] = " ".join(self.line_text_of(file, d.line).split())
                seen[(d.code, anchor)] += 1
                hasher = hashers.get((d.code, d.line))
                if hasher is None:
                    hasher = hashers[(d.code, d.line)] = _fingerprint_prefix(
                        d.code, file.path, anchor
                    )
                fingerprint = _fingerprint_of(hasher, seen[(d.code, anchor)])
                out.append(Shown(file, d, fingerprint, id(d) in resolved))
            if not out:
                del by_file[id(file)]
        return by_file


def _light(file: FileResult, write: bool) -> FileResult:
    """A result still holding its trees, as the formats see results: light, its fixes with
    their texts, its options kept (what the run applies)."""
    light = render_fixes(file, write=write)
    light.options = file.options
    return light


class _Hasher(Protocol):
    """What the fingerprint uses of a :mod:`hashlib` object."""

    def copy(self) -> _Hasher: ...
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


def _fingerprint_prefix(code: str, path: str, anchor: str) -> _Hasher:
    """A finding's fingerprint, stable across runs and line moves, hashes the rule, the
    file, the text of the line (blanks normalized) and which occurrence of that pair it
    is: this is the hash fed with all but the occurrence (shared by a line's findings)."""
    text = f"{code}\0{path}\0{anchor}\0"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass"))


def _fingerprint_of(prefix: _Hasher, occurrence: int) -> str:
    hasher = prefix.copy()
    hasher.update(str(occurrence).encode("ascii"))
    return hasher.hexdigest()[:32]
