"""The ``infmigrate`` command, behind its command line: discover files, configure each,
process them (in parallel, through the cache), write or diff, report, and choose the exit
status.

Exit status (ruff's contract):

* 0: nothing to change and nothing left to report;
* 1: with ``--diff``/``--check``, some fix is pending; in any mode, findings remain
  (``--exit-zero`` turns this into 0);
* 2: a usage or configuration error, or a file that could not be read, processed or
  written (the other files are still processed and reported), or an internal error.

Machine output goes to stdout (or ``--output-file``), as bytes; messages and the summary
go to stderr. Everything is printed once all files are done, sorted by path, so the
output is the same whatever ``--jobs`` is.

How a file goes through (:meth:`_Runner.prepare`, then :func:`infmigrate.cli.tasks.run_task`):
the parent reads it, skips it if it is an EDK II INF or a Windows 9x-only INF
(:mod:`infmigrate.workspace.win9x`), looks its hash up in the cache (which
answers ``--write`` and ``--diff`` only for files with nothing to fix: what is written or
printed always comes from this run's fixers) and, on a miss, sends the bytes to a worker
(:mod:`infmigrate.cli.pool`: the largest files first, in this process when there are few),
which processes it and, for ``--write``, writes it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import BinaryIO, TextIO

from infmigrate import __version__
from infmigrate._startup import no_collection
from infmigrate.cli import interrupt, pool
from infmigrate.cli.link import INF_LINKED, link_results, read_from
from infmigrate.cli.progress import progress
from infmigrate.cli.summary import (
    plural,
    statistics,
    statistics_json,
    statistics_table,
    summary_lines,
)
from infmigrate.cli.tasks import FileTask, run_task
from infmigrate.cli.writing import FileStamp, stamp_of, write_output
from infmigrate.diffs.gitform import GitForm, stored_as_text
from infmigrate.engine.builds import WindowsVersion
from infmigrate.engine.catalog import RuleError
from infmigrate.engine.fixer import Fixer, Settings
from infmigrate.engine.processing import FileOptions, FileResult
from infmigrate.engine.selection import Layer, resolve
from infmigrate.output import FORMATS, STREAMS, Report
from infmigrate.output.base import NEEDS_TREES
from infmigrate.sources import is_source
from infmigrate.sources.rule import is_code_rule
from infmigrate.workspace.cache import (
    CACHE_DIR_NAME,
    Cache,
    CacheUnavailable,
    digest,
    settings_key,
    source_hash,
)
from infmigrate.workspace.cachekey import CacheKeyError, load_key
from infmigrate.workspace.config import (
    DEFAULT_MAX_FILE_SIZE,
    Config,
    ConfigError,
    ConfigFinder,
    excluded,
    relative_to,
)
from infmigrate.workspace.discovery import Candidate, discover, display_path, path_key
from infmigrate.workspace.edk2 import EDK2_NOTE, is_edk2
from infmigrate.workspace.gitattributes import git_forms
from infmigrate.workspace.gitdiff import DiffFilterError, changed_lines
from infmigrate.workspace.win9x import WIN9X_NOTE, is_win9x_only

__all__ = ["Mode", "RunOptions", "UsageError", "run"]

#: Notes of one kind printed before "... and N more" (all of them with --verbose).
MAX_NOTES = 10


class Mode(Enum):
    REPORT = "report"
    DIFF = "diff"
    WRITE = "write"
    CHECK = "check"
    #: ``--add-noqa``: suppress every finding with a comment (a baseline), fix nothing.
    ADD_NOQA = "add-noqa"


class UsageError(ValueError):
    """Bad options (exit status 2)."""


@dataclass
class RunOptions:
    paths: list[str]
    mode: Mode = Mode.REPORT
    #: None: as the configuration says.
    unsafe_fixes: bool | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    output_format: str = "text"
    output_file: Path | None = None
    #: Further outputs, each a format and the file it is written to (``--format
    #: sarif:out.sarif``), besides the one on standard output.
    extra_outputs: tuple[tuple[str, Path], ...] = ()
    #: ``--fix-only``: apply the fixes (or, with ``--diff``, show them) and report nothing
    #: left; the exit status says only whether something was (or would be) changed.
    fix_only: bool = False
    #: ``--exit-non-zero-on-fix``: exit 1 when --write/--fix-only changed a file.
    exit_non_zero_on_fix: bool = False
    #: ``--add-noqa``: the reason to write after each directive ("" for none).
    add_noqa: str | None = None
    exit_zero: bool = False
    quiet: bool = False
    verbose: bool = False
    color: str = "auto"
    stdin_filename: str | None = None
    force_exclude: bool = False
    cwd: Path = field(default_factory=Path.cwd)
    #: Worker processes (None: one per core).
    jobs: int | None = None
    #: Use the results cache (``--no-cache``: False), and where (None: the project's).
    cache: bool = True
    cache_dir: Path | None = None
    #: Print the per-rule table instead of the findings.
    statistics: bool = False
    #: ``--exclude`` globs (relative to the working directory), replacing the
    #: configuration's ``exclude``; None: the configuration's apply.
    exclude: tuple[str, ...] | None = None
    #: ``--extend-exclude`` globs, in addition.
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    follow_symlinks: bool = False
    #: ``--max-file-size`` in bytes; None: the configuration's, else the default.
    max_file_size: int | None = None
    #: ``--target-windows``; None: the configuration's, else each INF's own decorations.
    target_windows: WindowsVersion | None = None
    #: ``--sources/--no-sources``: check C/C++ sources found in directories; None: the
    #: configuration's ``sources``, else yes (issue 17).
    sources: bool | None = None
    #: ``--diff-filter-base``: the review formats comment only on the lines ``git diff
    #: REF...HEAD`` changes (``--diff-filter`` says which); None: everywhere.
    diff_filter_base: str | None = None
    diff_filter: str = "diff_context"


@dataclass
class _Streams:
    stdin: BinaryIO
    stdout: BinaryIO
    stderr: TextIO


def _use_color(option: str, stream: BinaryIO | TextIO, to_file: bool) -> bool:
    if option == "always":
        return True
    if option == "never" or to_file or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def colorize_diff(data: bytes) -> bytes:
    """ANSI colours for a diff shown on a terminal (never for a pipe)."""
    out: list[bytes] = []
    for line in data.splitlines(keepends=True):
        body = line.rstrip(b"\r\n")
        end = line[len(body) :]
        if body.startswith((b"--- ", b"+++ ")):
            out.append(b"\x1b[1m" + body + b"\x1b[0m" + end)
        elif body.startswith(b"@@"):
            out.append(b"\x1b[36m" + body + b"\x1b[0m" + end)
        elif body.startswith(b"-"):
            out.append(b"\x1b[31m" + body + b"\x1b[0m" + end)
        elif body.startswith(b"+"):
            out.append(b"\x1b[32m" + body + b"\x1b[0m" + end)
        elif body.startswith(b"#"):
            out.append(b"\x1b[2m" + body + b"\x1b[0m" + end)
        else:
            out.append(line)
    return b"".join(out)


@dataclass
class _Pending:
    """What the parent keeps about a file sent to a worker (for the cache)."""

    path: Path
    content: str
    settings: str
    options: FileOptions


def _crashed(task: FileTask, exc: BaseException) -> FileResult:
    return FileResult(
        task.shown,
        error="internal error: the worker process processing this "
        f"file died ({type(exc).__name__}: killed, out of memory or a crash); "
        "please report it",
    )


class _TooLarge(Exception):
    """A file over ``max-file-size``, not read."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


def _read(path: Path, limit: int) -> tuple[bytes, FileStamp]:
    """The file's bytes and its stamp (taken from the open file, before reading). Opened
    without blocking, so that a FIFO named like an INF is an error, not a hang. A file
    larger than ``limit`` bytes is not read (:class:`_TooLarge`)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "is a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file")
        if st.st_size > limit:
            raise _TooLarge(st.st_size)
        data = f.read(limit + 1)
        if len(data) > limit:  # grew since the stat
            raise _TooLarge(len(data))
        return data, stamp_of(st)


def _too_large(size: int | None, limit: int) -> str:
    what = f"{size:,} bytes, " if size is not None else ""
    return (
        f"{what}over max-file-size ({limit:,} bytes): skipped "
        "(--max-file-size or the max-file-size setting raises the limit)"
    )


def _encoded(pieces: Iterable[str]) -> Iterator[bytes]:
    """A report's pieces as UTF-8 (text of undecodable bytes, lone surrogates, as ``?``:
    each on its own, so the pieces give what the whole text would)."""
    for piece in pieces:
        yield piece.encode("utf-8", "replace")


class _Runner:
    def __init__(self, options: RunOptions, streams: _Streams) -> None:
        self.o = options
        self.s = streams
        self.cli_layer = Layer(options.select, options.ignore, options.extend_select)
        self.finder = ConfigFinder(options.cwd)
        self._options_cache: dict[Path | None, FileOptions | str] = {}
        self.rules_seen: dict[str, type[Fixer]] = {}
        baseline = options.mode is Mode.ADD_NOQA
        #: Every format the run prints or writes.
        self.formats = (
            set() if baseline else {options.output_format, *(f for f, _ in options.extra_outputs)}
        )
        #: The output prints fixes: each file's fixes keep their texts (its trees are dropped).
        self.prints_fixes = bool(self.formats & NEEDS_TREES)
        # Report mode fixes too (in memory): "fixable" and ``[*]`` count the findings
        # fixing removes, the same ones --check/--write count as fixed.
        self.want_fix = not baseline
        # (github-review plans each fix on the file as it is: it needs neither the whole
        # fix nor its diff)
        self.counting_only = options.mode is Mode.REPORT
        self.want_diff = options.mode is Mode.DIFF
        #: Findings are printed (with their lines' texts), not only counted.
        self.prints_findings = bool(options.extra_outputs) or (
            not options.statistics
            and not options.fix_only
            and options.mode in (Mode.REPORT, Mode.WRITE)
        )
        #: An output file could not be written (exit status 2).
        self.output_failed = False
        self.cache: Cache | None = None
        self._settings_keys: dict[tuple[int, bool], tuple[FileOptions, str]] = {}
        self._pending: dict[int, _Pending] = {}
        #: The bytes the code/INF link reads instead of the file on disk: standard
        #: input's, and an INF's before this run wrote it (see :meth:`keep_for_link`).
        self._read_bytes: dict[str, bytes] = {}
        self._before_bytes: dict[str, bytes] = {}
        self.notes: dict[str, list[tuple[str, str]]] = {}
        #: How git reads and writes each file (``--diff``: what a UTF-16 file's diff is).
        self.git_forms: dict[Path, GitForm] = {}
        #: ``--diff-filter-base``: the lines the review formats may comment on.
        self.line_filter: dict[str, frozenset[int] | None] | None = None

    # --- messages -----------------------------------------------------------------------

    def error(self, message: str) -> None:
        self.s.stderr.write(f"error: {message}\n")

    def info(self, message: str) -> None:
        if not self.o.quiet:
            self.s.stderr.write(message + "\n")

    def debug(self, message: str) -> None:
        if self.o.verbose:
            self.s.stderr.write(message + "\n")

    def note(self, kind: str, path: Path | str, message: str) -> None:
        self.notes.setdefault(kind, []).append((display_path(path, self.o.cwd), message))

    # --- configuration ------------------------------------------------------------------

    def absolute(self, path: Path) -> Path:
        return path if path.is_absolute() else self.o.cwd / path

    def config_for(self, path: Path) -> Config:
        return self.finder.for_file(self.absolute(path))

    def options_for(self, config: Config) -> FileOptions | str:
        """The file options under a configuration, or an error message."""
        cached = self._options_cache.get(config.path)
        if cached is not None:
            return cached
        result: FileOptions | str
        try:
            rule_set = resolve([config.layer(), self.cli_layer])
        except RuleError as exc:
            result = f"configuration error: {exc}"
        else:
            unsafe = self.o.unsafe_fixes
            if unsafe is None:
                unsafe = bool(config.unsafe_fixes)
            target = self.o.target_windows or config.target_windows
            result = FileOptions(
                rule_set.rules,
                rule_set.syntax_codes,
                Settings(unsafe_fixes=unsafe, target_windows=target),
            )
            for r in rule_set.rules:
                self.rules_seen[r.code] = r
            if config.path is not None:
                self.debug(f"config: {display_path(config.path, self.o.cwd)}")
        self._options_cache[config.path] = result
        return result

    def is_excluded(self, path: Path, is_dir: bool = False) -> bool:
        """Whether the exclude globs (``--exclude``, else the configuration's, plus
        ``--extend-exclude``) name the path."""
        cli = None
        if self.o.exclude is not None or self.o.extend_exclude:
            cli = relative_to(self.absolute(path), self.o.cwd)
        if self.o.exclude is not None:
            if cli is not None and excluded(cli, self.o.exclude, is_dir=is_dir):
                return True
        elif self.config_for(path).is_excluded(self.absolute(path), is_dir):
            return True
        return cli is not None and excluded(cli, self.o.extend_exclude, is_dir=is_dir)

    # --- inputs -------------------------------------------------------------------------

    def inputs(self) -> Iterator[Candidate | None]:
        """Files to process; None stands for standard input."""
        paths = list(self.o.paths)
        if self.o.stdin_filename is not None and "-" not in paths and not paths:
            paths = ["-"]
        named = [Path(p) for p in paths if p != "-"]
        stdin_at = paths.index("-") if "-" in paths else -1
        before = [Path(p) for p in paths[:stdin_at]] if stdin_at >= 0 else named
        after = [Path(p) for p in paths[stdin_at + 1 :]] if stdin_at >= 0 else []
        yield from self._discover(before)
        if stdin_at >= 0:
            yield None
            yield from self._discover(after)

    def source_settings(self) -> tuple[bool, tuple[Path, ...]]:
        """Whether directories' C/C++ sources are checked, and below which roots (the
        command line, else the configuration of the working directory, else yes), as
        long as the rules selected there include a code rule."""
        try:
            config = self.finder.for_file(self.o.cwd / "-")
        except ConfigError:
            config = None
        roots = config.source_roots if config is not None else ()
        if self.o.sources is not None:
            wanted = self.o.sources
        elif config is not None and config.sources is not None:
            wanted = config.sources
        else:
            wanted = True
        if wanted:
            # No code rule selected (``--select ISO015``): nothing to look for in sources.
            layers = [config.layer(), self.cli_layer] if config is not None else [self.cli_layer]
            try:
                rules = resolve(layers).rules
            except RuleError:
                rules = resolve([self.cli_layer]).rules
            wanted = any(is_code_rule(r) for r in rules)
        return wanted, roots

    def _discover(self, paths: list[Path]) -> Iterator[Candidate]:
        sources, roots = self.source_settings()
        yield from discover(
            [self.absolute(p) for p in paths],
            self.is_excluded,
            force_exclude=self.o.force_exclude,
            respect_gitignore=self.o.respect_gitignore,
            follow_symlinks=self.o.follow_symlinks,
            on_note=lambda path, message: self.note("generated", path, message),
            sources=sources,
            source_roots=roots,
        )

    def shown(self, candidate: Candidate | None) -> str:
        if candidate is None:
            name = self.o.stdin_filename
            return display_path(name, self.o.cwd) if name else "-"
        return display_path(candidate.path, self.o.cwd)

    def prepare(self, index: int, candidate: Candidate | None) -> FileTask | FileResult:
        """Everything up to processing: configuration, reading, EDK II, Windows 9x, cache. A result
        when that settles it, else the task for a worker."""
        shown = self.shown(candidate)
        if candidate is not None and candidate.missing:
            return FileResult(shown, error="no such file or directory")
        config_path = (
            candidate.path if candidate is not None else Path(self.o.stdin_filename or "-")
        )
        try:
            config = self.config_for(config_path)
        except ConfigError as exc:
            return FileResult(shown, error=f"configuration error: {exc}")
        options = self.options_for(config)
        if isinstance(options, str):
            return FileResult(shown, error=options)
        stamp: FileStamp | None = None
        limit = self.o.max_file_size or config.max_file_size or DEFAULT_MAX_FILE_SIZE
        try:
            if candidate is None:
                data = self.s.stdin.read(limit + 1)
                if len(data) > limit:
                    raise _TooLarge(None)  # not read further: it may be endless
            else:
                data, stamp = _read(self.absolute(candidate.path), limit)
        except OSError as exc:
            return FileResult(shown, error=f"cannot read: {exc.strerror or exc}")
        except _TooLarge as exc:
            message = _too_large(exc.size, limit)
            self.note("large", candidate.path if candidate is not None else shown, message)
            return FileResult(shown, skipped=message)
        # C/C++ code (issue 17), also on standard input named by ``--stdin-filename x.c``:
        # neither the EDK II nor the Windows 9x INF check applies
        source = (
            is_source(candidate.path.name)
            if candidate is not None
            else self.o.stdin_filename is not None and is_source(Path(self.o.stdin_filename).name)
        )
        if not source and is_edk2(data):
            if candidate is not None:
                self.note("edk2", candidate.path, f"{EDK2_NOTE}: skipped")
            return FileResult(shown, skipped=EDK2_NOTE)
        cached = self.cache if candidate is not None else None
        # With the cache: the Windows 9x decision of these bytes, or their result, from an
        # earlier run, before deciding it here (a parse). A file with a result was not
        # skipped: the decision depends on the bytes alone (issue 16, the cached re-run).
        content = digest(data) if cached is not None else ""
        win9x = False
        if cached is not None and candidate is not None:
            path = self.absolute(candidate.path)
            win9x = not source and cached.skipped(path, content) == "win9x"
            # (a cached result keeps no fix's text: not for a format printing fixes)
            if not self.prints_fixes and not win9x:
                hit = self._lookup(cached, path, shown, content, options, source)
                if hit is not None:
                    return hit
        if not source and (win9x or is_win9x_only(data)):
            if candidate is not None:
                if cached is not None and not win9x:
                    cached.store_skip(self.absolute(candidate.path), content, "win9x")
                self.note("win9x", candidate.path, f"{WIN9X_NOTE}: skipped")
            return FileResult(shown, skipped=WIN9X_NOTE)
        write_to = (
            str(self.absolute(candidate.path))
            if self.o.mode in (Mode.WRITE, Mode.ADD_NOQA) and candidate is not None
            else None
        )
        task = FileTask(
            index,
            shown,
            data,
            options,
            want_fix=self.want_fix,
            want_diff=self.want_diff,
            counting_only=self.counting_only,
            write_to=write_to,
            stamp=stamp,
            full=candidate is None,
            fix_texts=("write" if self.o.mode is Mode.WRITE else "report")
            if self.prints_fixes
            else None,
            keep_fixed=self.cache is not None and write_to is not None,
            texts=self.cache is not None or self.prints_findings,
            verbose=self.o.verbose,
            source=source,
            add_noqa=self.o.add_noqa if self.o.mode is Mode.ADD_NOQA else None,
            git=self.git_forms.get(self.absolute(candidate.path)) if candidate else None,
        )
        if cached is None or candidate is None:
            return task
        path = self.absolute(candidate.path)
        self._pending[index] = _Pending(path, content, self._settings(options, source), options)
        return task

    def _settings(self, options: FileOptions, source: bool) -> str:
        """The cache's settings key of a file's options (the options of one configuration
        are one object, kept by :meth:`options_for`: computed once each)."""
        known = self._settings_keys.get((id(options), source))
        if known is not None and known[0] is options:
            return known[1]
        settings = settings_key(options)
        if source:
            from infmigrate.sources.reader import grammar_versions  # tree-sitter: sources only

            settings = f"{settings}:{grammar_versions()}"
        self._settings_keys[(id(options), source)] = (options, settings)
        return settings

    def _lookup(
        self,
        cache: Cache,
        path: Path,
        shown: str,
        content: str,
        options: FileOptions,
        source: bool,
    ) -> FileResult | None:
        """The file's result from the cache, or None."""
        write_to = self.o.mode in (Mode.WRITE, Mode.ADD_NOQA)
        hit = cache.lookup(
            path,
            shown,
            content,
            self._settings(options, source),
            want_fix=self.want_fix,
            want_output=self.want_diff or write_to,
        )
        if hit is not None:
            hit.options = options
        return hit

    def keep_for_link(self, task: FileTask, result: FileResult, stdin: bool) -> None:
        """Keep what the code/INF link (:mod:`infmigrate.cli.link`) cannot read from
        disk: standard input's bytes, and an INF's as they were before ``--write`` fixed
        the values it links (ISO020/ISO022 findings)."""
        if stdin:
            self._read_bytes[result.path] = task.data
            self._before_bytes[result.path] = task.data
        elif result.written and any(d.code in INF_LINKED for d in result.diagnostics):
            self._before_bytes[result.path] = task.data

    def read_for_link(self, before: bool) -> Callable[[FileResult], bytes | None]:
        """A file's bytes for the link: now (``before`` false) or before this run."""
        disk = read_from(self.o.cwd)
        kept = self._before_bytes if before else self._read_bytes

        def read(result: FileResult) -> bytes | None:
            data = kept.get(result.path)
            return data if data is not None else disk(result)

        return read

    def finish(self, task: FileTask, result: FileResult) -> FileResult:
        """A worker's result: options back on, into the cache."""
        result.options = task.options
        pending = self._pending.pop(task.index, None)
        if self.cache is not None and pending is not None:
            if result.written and result.fixed is not None:
                self.cache.store_written(pending.path, result.fixed, pending.settings, result)
            elif not result.written:
                self.cache.store(pending.path, pending.content, pending.settings, result)
        if not task.full:
            result.fixed = None  # kept for the cache only
        return result

    # --- the run ------------------------------------------------------------------------

    def open_cache(self) -> None:
        if not self.o.cache or self.o.mode is Mode.ADD_NOQA:
            return
        root = self.o.cache_dir
        if root is None:
            try:
                config = self.finder.for_file(self.o.cwd / "-")
            except ConfigError:
                config = None
            base = config.path.parent if config is not None and config.path else self.o.cwd
            root = base / CACHE_DIR_NAME
        elif not root.is_absolute():
            root = self.o.cwd / root
        rules = resolve([self.cli_layer]).rules
        try:
            self.cache = Cache(root, source_hash({r.__module__ for r in rules}), load_key())
        except (CacheKeyError, CacheUnavailable) as exc:
            if not self.o.quiet:
                self.s.stderr.write(
                    f"warning: not using the cache: {self._why(exc)} (--no-cache skips it)\n"
                )
            return
        self.debug(f"cache: {display_path(self.cache.dir, self.o.cwd)}")

    def _why(self, exc: Exception) -> str:
        if isinstance(exc, CacheUnavailable):
            return f"{display_path(exc.path, self.o.cwd)} {exc.reason}"
        return str(exc)

    def run(self) -> int:
        try:
            with no_collection():  # the rules' modules load here
                resolve([self.cli_layer])
        except RuleError as exc:
            raise UsageError(str(exc).replace("command line: ", "")) from None
        if self.o.diff_filter_base is not None:
            try:
                self.line_filter = changed_lines(
                    self.o.cwd, self.o.diff_filter_base, self.o.diff_filter
                )
            except DiffFilterError as exc:
                raise UsageError(f"--diff-filter-base: {exc}") from None
        self.open_cache()
        inputs = list(self.inputs())
        if not any(c is None or not is_source(c.path.name) for c in inputs):
            where = ", ".join(self.o.paths) or "-"
            self.info(f"warning: no INF or INX files found in {where}")
        if self.o.mode is Mode.DIFF or self.formats & {"github-review", "rdjsonl"}:
            self.git_forms = git_forms(self.absolute(c.path) for c in inputs if c is not None)
        results: list[FileResult | None] = [None] * len(inputs)
        # The largest files first, so that the pool's workers end together.
        order = sorted(
            range(len(inputs)), key=lambda i: -(c.size if (c := inputs[i]) is not None else 1 << 62)
        )
        ticker = progress(self.s.stderr, len(inputs), quiet=self.o.quiet, description="infmigrate")

        def tasks() -> Iterator[FileTask]:
            for i in order:
                interrupt.check()
                try:
                    prepared = self.prepare(i, inputs[i])
                except Exception as exc:  # one bad file must not stop the others
                    prepared = FileResult(
                        self.shown(inputs[i]),
                        error=(f"internal error: {type(exc).__name__}: {exc}; please report it"),
                    )
                if isinstance(prepared, FileResult):
                    results[i] = prepared
                    ticker.advance()
                elif inputs[i] is None:  # standard input: here, with everything kept
                    got = self.finish(prepared, run_task(prepared))
                    self.keep_for_link(prepared, got, stdin=True)
                    results[i] = got
                    ticker.advance()
                else:
                    yield prepared

        jobs = self.o.jobs or pool.default_jobs()
        # closing(): a Ctrl-C (or any error) here, between two results, stops the pool at
        # once, not whenever the garbage collector gets to the suspended generator.
        completed = pool.run(
            run_task, tasks(), jobs=jobs, weight=lambda t: len(t.data), on_crash=_crashed
        )
        try:
            with contextlib.closing(completed):
                for task, result in completed:
                    interrupt.check()
                    results[task.index] = self.finish(task, result)
                    self.keep_for_link(task, result, stdin=False)
                    ticker.advance()
        finally:
            ticker.close()
        interrupt.check()
        done = [
            r
            if r is not None
            else FileResult(self.shown(inputs[i]), error="internal error: not processed")
            for i, r in enumerate(results)
        ]
        stdin_result = next((r for r, c in zip(done, inputs, strict=True) if c is None), None)
        # Code findings and the INF lines writing the values they read, and ISO108's
        # package files (issue 17; in every mode: ISO108's findings count in --check and
        # --statistics too); after --write, from the INFs as they were.
        link_results(done, self.read_for_link(False), self.read_for_link(True))
        done.sort(key=lambda r: path_key(r.path))
        self.messages(done)
        self.output(done, stdin_result)
        self.summary(done)
        self.save_cache()
        return self.exit_status(done)

    def save_cache(self) -> None:
        if self.cache is None:
            return
        try:
            self.cache.save()
        except CacheUnavailable as exc:
            if not self.o.quiet:
                self.s.stderr.write(f"warning: not writing the cache: {self._why(exc)}\n")
        except OSError as exc:
            if not self.o.quiet:
                self.s.stderr.write(
                    f"warning: cannot write the cache in "
                    f"{display_path(self.cache.root, self.o.cwd)}: "
                    f"{exc.strerror or exc} (--no-cache skips it)\n"
                )

    def messages(self, results: list[FileResult]) -> None:
        """Per-file messages, in path order: errors, files written, notes. A configuration
        error is printed once, with the number of files it kept from being checked."""
        config_errors: dict[str, int] = {}
        for result in results:
            if result.error.startswith("configuration error: "):
                config_errors[result.error] = config_errors.get(result.error, 0) + 1
        for message, count in config_errors.items():
            self.error(f"{message} ({plural(count, 'file')} not checked)")
        for result in results:
            if result.error:
                if result.error not in config_errors:
                    self.error(f"{result.path}: {result.error}")
            elif result.skipped:
                continue
            else:
                cached = ", cached" if result.cached else ""
                self.debug(
                    f"checked {result.path} ({result.encoding}, "
                    f"{plural(len(result.diagnostics), 'finding')}{cached})"
                )
                if result.target:
                    self.debug(f"  {result.target}")
                if result.written and self.o.mode is Mode.ADD_NOQA:
                    self.info(
                        f"Suppressed {plural(len(result.applied), 'finding')} in {result.path}"
                    )
                elif result.written:
                    self.info(f"Fixed {result.path} ({self._fixed_codes(result)})")
                if self.o.mode is Mode.ADD_NOQA:
                    for d in result.remaining:
                        where = "a C/C++ source" if is_source(result.path) else "this line"
                        self.s.stderr.write(
                            f"warning: {result.path}:{d.line}:{d.column}: {d.code} left: "
                            f"no suppression comment can go on {where}\n"
                        )
        for kind in ("large", "generated", "edk2", "win9x"):
            notes = sorted(self.notes.get(kind, []), key=lambda n: path_key(n[0]))
            limit = len(notes) if self.o.verbose else MAX_NOTES
            for shown, message in notes[:limit]:
                self.info(f"note: {shown}: {message}")
            if len(notes) > limit:
                self.info(f"note: ... and {len(notes) - limit} more (--verbose lists them)")
        self.s.stderr.flush()

    @staticmethod
    def _fixed_codes(result: FileResult) -> str:
        counts: dict[str, int] = {}
        for d in (result.diagnostics[i] for i in result.resolved):
            counts[d.code] = counts.get(d.code, 0) + 1
        return ", ".join(f"{code} x{n}" if n > 1 else code for code, n in sorted(counts.items()))

    def _write_file(self, path: Path, data: bytes | Iterable[bytes]) -> None:
        """An output file, written whole or not at all (exit status 2 when it cannot be)."""
        if not path.is_absolute():
            path = self.o.cwd / path
        try:
            write_output(path, data)
        except OSError as exc:
            self.error(f"cannot write {display_path(path, self.o.cwd)}: {exc.strerror or exc}")
            self.output_failed = True

    def _sink(self, data: bytes | Iterable[bytes]) -> None:
        """The output, to ``--output-file`` or standard output: bytes, or their pieces as
        they are made."""
        if self.o.output_file is not None:
            self._write_file(self.o.output_file, data)
            return
        wrote = False
        for piece in (data,) if isinstance(data, bytes) else data:
            if piece:
                self.s.stdout.write(piece)
                wrote = True
        if wrote:
            self.s.stdout.flush()

    def report(self, results: list[FileResult], color: bool) -> Report:
        rules = tuple(self.rules_seen[c] for c in sorted(self.rules_seen))
        if not rules:
            rules = resolve([self.cli_layer]).rules
        return Report(
            files=results,
            mode="write" if self.o.mode is Mode.WRITE else "report",
            rules=rules,
            color=color,
            version=__version__,
            root_uri=self.o.cwd.resolve().as_uri().rstrip("/") + "/",
            root=str(self.o.cwd),
            ci_project_dir=os.environ.get("CI_PROJECT_DIR", ""),
            line_filter=self.line_filter,
            git_text=frozenset(
                display_path(path, self.o.cwd)
                for path, form in self.git_forms.items()
                if stored_as_text(form)
            ),
        )

    def output(self, results: list[FileResult], stdin_result: FileResult | None) -> None:
        mode = self.o.mode
        if mode is Mode.ADD_NOQA:
            return
        if self.o.extra_outputs:
            shared = self.report(results, color=False)
            for fmt, path in self.o.extra_outputs:
                self._write_file(path, _encoded(STREAMS[fmt](shared)))
        to_file = self.o.output_file is not None
        color = _use_color(self.o.color, self.s.stdout, to_file)
        if self.o.statistics:
            self.print_statistics(results)
            if mode is not Mode.DIFF:
                return
        if mode is Mode.CHECK:
            return
        if mode is Mode.DIFF:
            data = b"".join(r.diff_output for r in results if not r.error)
            self._sink(colorize_diff(data) if color else data)
            return
        report = self.report(results, color)
        # --fix-only reports nothing left (the fixed standard input is still the output).
        # The report is printed as it is made (the formats of many findings give it in
        # pieces); a format's warnings come with its first piece, and go out before it.
        pieces = iter(() if self.o.fix_only else STREAMS[self.o.output_format](report))
        first = next(pieces, "")
        for note in report.notes:
            self.s.stderr.write(f"warning: {note}\n")
        if mode is Mode.WRITE and stdin_result is not None and not stdin_result.error:
            # The fixed input is the output; the findings go to stderr.
            text = first + "".join(pieces)
            self.s.stdout.write(stdin_result.fixed or stdin_result.original)
            self.s.stdout.flush()
            if text and not to_file:
                self.s.stderr.write(text)
                return
            self._sink(text.encode("utf-8", "replace"))
            return
        self._sink(_encoded(itertools.chain((first,), pieces)))

    def print_statistics(self, results: list[FileResult]) -> None:
        """The per-rule table: instead of the findings on stdout; on stderr with --diff
        (the diff owns stdout)."""
        fixing = self.o.mode is not Mode.REPORT
        stats = statistics(results)
        if self.o.output_format == "json":
            text = statistics_json(stats, fixing)
        else:
            text = statistics_table(stats, fixing)
        if self.o.mode is Mode.DIFF:
            self.s.stderr.write(text)
        else:
            self._sink(text.encode("utf-8", "replace"))

    def summary(self, results: list[FileResult]) -> None:
        if self.o.quiet:
            return
        mode = self.o.mode.value
        if self.o.fix_only:
            mode = "fix-only" if self.o.mode is Mode.WRITE else "fix-only-diff"
        lines = summary_lines(results, mode)
        self.s.stderr.write("".join(line + "\n" for line in lines))
        self.s.stderr.flush()

    def exit_status(self, results: list[FileResult]) -> int:
        if any(r.error for r in results) or self.output_failed:
            return 2
        mode = self.o.mode
        changed = any(r.changed for r in results)
        if mode is Mode.REPORT:
            pending = any(r.diagnostics for r in results)
        elif mode is Mode.ADD_NOQA:
            pending = any(r.remaining for r in results)
        elif self.o.fix_only:
            # ruff's --fix-only: what is left is not reported and does not count
            pending = changed and (mode is Mode.DIFF or self.o.exit_non_zero_on_fix)
        elif mode is Mode.WRITE:
            pending = any(r.remaining for r in results) or (self.o.exit_non_zero_on_fix and changed)
        else:
            pending = any(r.remaining for r in results) or changed
        return 1 if pending and not self.o.exit_zero else 0


def run(
    options: RunOptions,
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command; returns the exit status. UsageError for bad options."""
    if options.output_format not in FORMATS:
        raise UsageError(
            f"unknown format {options.output_format!r} (choose from {', '.join(FORMATS)})"
        )
    for fmt, _ in options.extra_outputs:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if options.mode is Mode.DIFF and options.output_format != "text":
        raise UsageError(
            "--format applies to reports; --diff always prints a unified diff "
            "(FORMAT:FILE outputs are written besides it)"
        )
    if options.statistics and options.output_format not in ("text", "json"):
        raise UsageError("--statistics prints a table (text) or JSON (--format json)")
    files = [options.output_file, *(p for _, p in options.extra_outputs)]
    named = [str(options.cwd / p) for p in files if p is not None]
    if len(set(named)) < len(named):
        raise UsageError("two outputs name the same file")
    if options.fix_only and options.mode not in (Mode.WRITE, Mode.DIFF):
        raise UsageError("--fix-only applies the fixes (or shows them with --diff)")
    if options.exit_non_zero_on_fix and options.mode is not Mode.WRITE:
        raise UsageError("--exit-non-zero-on-fix applies to --write and --fix-only")
    if options.exit_non_zero_on_fix and options.exit_zero:
        raise UsageError("--exit-zero and --exit-non-zero-on-fix cannot be combined")
    if options.mode is Mode.ADD_NOQA:
        reason = options.add_noqa or ""
        if "\n" in reason or "\r" in reason:
            raise UsageError("--add-noqa-reason must be a single line")
        if options.output_file is not None or options.extra_outputs or options.statistics:
            raise UsageError("--add-noqa writes suppression comments and prints no report")
        if "-" in options.paths or options.stdin_filename is not None:
            raise UsageError("--add-noqa edits files in place, not standard input")
    if options.jobs is not None and options.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if not options.paths and options.stdin_filename is None:
        raise UsageError(
            "no PATHS given (use '.' for the current directory, '-' for standard input)"
        )
    streams = _Streams(stdin or sys.stdin.buffer, stdout or sys.stdout.buffer, stderr or sys.stderr)
    with interrupt.noticing():
        return _Runner(options, streams).run()
