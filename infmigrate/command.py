"""The ``infmigrate`` command, behind its command line: discover files, configure each,
process them, write or diff, report, and choose the exit status.

Exit status (ruff's contract):

* 0: nothing to change and nothing left to report;
* 1: with ``--diff``/``--check``, some fix is pending; in any mode, findings remain
  (``--exit-zero`` turns this into 0);
* 2: a usage or configuration error, or a file that could not be read, processed or
  written (the other files are still processed and reported), or an internal error.

Machine output goes to stdout (or ``--output-file``), as bytes; messages and the summary
go to stderr.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import BinaryIO, TextIO

from . import __version__
from .config import Config, ConfigError, ConfigFinder
from .discovery import Candidate, discover, display_path
from .fixer import Fixer, Settings
from .output import FORMATS, Report
from .processing import FileOptions, FileResult, fix_is_applied, process
from .registry import RuleError
from .selection import Layer, resolve
from .writing import write_atomic

__all__ = ["Mode", "RunOptions", "UsageError", "run"]


class Mode(Enum):
    REPORT = "report"
    DIFF = "diff"
    WRITE = "write"
    CHECK = "check"


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
    exit_zero: bool = False
    quiet: bool = False
    verbose: bool = False
    color: str = "auto"
    stdin_filename: str | None = None
    force_exclude: bool = False
    cwd: Path = field(default_factory=Path.cwd)


@dataclass
class _Streams:
    stdin: BinaryIO
    stdout: BinaryIO
    stderr: TextIO


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


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
        end = line[len(body):]
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


class _Runner:
    def __init__(self, options: RunOptions, streams: _Streams) -> None:
        self.o = options
        self.s = streams
        self.cli_layer = Layer(options.select, options.ignore, options.extend_select)
        self.finder = ConfigFinder(options.cwd)
        self._options_cache: dict[Path | None, FileOptions | str] = {}
        self.rules_seen: dict[str, type[Fixer]] = {}
        self.want_fix = options.mode is not Mode.REPORT or options.output_format == (
            "github-review")

    # --- messages -----------------------------------------------------------------------

    def error(self, message: str) -> None:
        self.s.stderr.write(f"error: {message}\n")
        self.s.stderr.flush()

    def info(self, message: str) -> None:
        if not self.o.quiet:
            self.s.stderr.write(message + "\n")

    def debug(self, message: str) -> None:
        if self.o.verbose:
            self.s.stderr.write(message + "\n")

    # --- configuration ------------------------------------------------------------------

    def config_for(self, path: Path) -> Config:
        return self.finder.for_file(path if path.is_absolute() else self.o.cwd / path)

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
            result = FileOptions(rule_set.rules, rule_set.syntax_codes,
                                 Settings(unsafe_fixes=unsafe))
            for r in rule_set.rules:
                self.rules_seen[r.code] = r
            if config.path is not None:
                self.debug(f"config: {display_path(config.path, self.o.cwd)}")
        self._options_cache[config.path] = result
        return result

    def is_excluded(self, path: Path) -> bool:
        return self.config_for(path).is_excluded(path)

    # --- inputs -------------------------------------------------------------------------

    def inputs(self) -> Iterator[Candidate | None]:
        """Files to process; None stands for standard input."""
        paths = list(self.o.paths)
        if self.o.stdin_filename is not None and "-" not in paths and not paths:
            paths = ["-"]
        named = [Path(p) for p in paths if p != "-"]
        stdin_at = paths.index("-") if "-" in paths else -1
        before = [Path(p) for p in paths[:stdin_at]] if stdin_at >= 0 else named
        after = [Path(p) for p in paths[stdin_at + 1:]] if stdin_at >= 0 else []
        yield from discover(before, self.is_excluded, force_exclude=self.o.force_exclude)
        if stdin_at >= 0:
            yield None
            yield from discover(after, self.is_excluded, force_exclude=self.o.force_exclude)

    def one(self, candidate: Candidate | None) -> FileResult:
        """Process one input; whatever goes wrong becomes the result's error."""
        try:
            return self._one(candidate)
        except Exception as exc:
            name = "-" if candidate is None else display_path(candidate.path, self.o.cwd)
            detail = f"\n{traceback.format_exc()}" if self.o.verbose else ""
            return FileResult(name, error=f"internal error: {type(exc).__name__}: {exc}; "
                              f"please report it{detail}")

    def _one(self, candidate: Candidate | None) -> FileResult:
        if candidate is None:
            name = self.o.stdin_filename
            shown = display_path(name, self.o.cwd) if name else "-"
            config_path = Path(name) if name else Path("-")
        else:
            shown = display_path(candidate.path, self.o.cwd)
            config_path = candidate.path
        if candidate is not None and candidate.missing:
            return FileResult(shown, error="no such file or directory")
        try:
            config = self.config_for(config_path)
        except ConfigError as exc:
            return FileResult(shown, error=f"configuration error: {exc}")
        options = self.options_for(config)
        if isinstance(options, str):
            return FileResult(shown, error=options)
        if candidate is None:
            data = self.s.stdin.read()
        else:
            try:
                data = candidate.path.read_bytes()
            except OSError as exc:
                return FileResult(shown, error=f"cannot read: {exc.strerror or exc}")
        result = process(data, shown, options, want_fix=self.want_fix, verbose=self.o.verbose)
        if result.error:
            return result
        if self.o.mode is Mode.WRITE and result.changed and candidate is not None:
            assert result.fixed is not None
            try:
                write_atomic(candidate.path, result.fixed)
            except OSError as exc:
                result.error = f"cannot write: {exc.strerror or exc}"
                return result
            result.written = True
        return result

    # --- the run ------------------------------------------------------------------------

    def run(self) -> int:
        try:
            resolve([self.cli_layer])
        except RuleError as exc:
            raise UsageError(str(exc).replace("command line: ", "")) from None
        results: list[FileResult] = []
        stdin_result: FileResult | None = None
        for candidate in self.inputs():
            result = self.one(candidate)
            if candidate is None:
                stdin_result = result
            if result.error:
                self.error(f"{result.path}: {result.error}")
            else:
                self.debug(f"checked {result.path} ({result.encoding}, "
                           f"{_plural(len(result.diagnostics), 'finding')})")
                if result.written:
                    self.info(f"Fixed {result.path} ({self._fixed_codes(result)})")
            results.append(result)
        self.output(results, stdin_result)
        self.summary(results)
        return self.exit_status(results)

    @staticmethod
    def _fixed_codes(result: FileResult) -> str:
        counts: dict[str, int] = {}
        for d in result.applied:
            counts[d.code] = counts.get(d.code, 0) + 1
        return ", ".join(f"{code} x{n}" if n > 1 else code for code, n in sorted(counts.items()))

    def _sink(self, data: bytes) -> None:
        if self.o.output_file is not None:
            path = self.o.output_file
            if not path.is_absolute():
                path = self.o.cwd / path
            path.write_bytes(data)
        elif data:
            self.s.stdout.write(data)
            self.s.stdout.flush()

    def output(self, results: list[FileResult], stdin_result: FileResult | None) -> None:
        to_file = self.o.output_file is not None
        color = _use_color(self.o.color, self.s.stdout, to_file)
        mode = self.o.mode
        if mode is Mode.CHECK:
            return
        if mode is Mode.DIFF:
            data = b"".join(r.diff.output for r in results if r.diff is not None)
            self._sink(colorize_diff(data) if color else data)
            return
        rules = tuple(self.rules_seen[c] for c in sorted(self.rules_seen))
        if not rules:
            rules = resolve([self.cli_layer]).rules
        report = Report(
            files=results,
            mode="write" if mode is Mode.WRITE else "report",
            rules=rules,
            color=color,
            version=__version__,
            root_uri=self.o.cwd.resolve().as_uri().rstrip("/") + "/",
        )
        text = FORMATS[self.o.output_format](report)
        if mode is Mode.WRITE and stdin_result is not None and not stdin_result.error:
            # The fixed input is the output; the findings go to stderr.
            self.s.stdout.write(stdin_result.fixed or stdin_result.original)
            self.s.stdout.flush()
            if text and not to_file:
                self.s.stderr.write(text)
                return
        self._sink(text.encode("utf-8", "replace"))

    def summary(self, results: list[FileResult]) -> None:
        if self.o.quiet:
            return
        ok = [r for r in results if not r.error]
        failed = len(results) - len(ok)
        checked = f"{_plural(len(ok), 'file')} checked"
        mode = self.o.mode
        lines: list[str] = []
        if mode is Mode.REPORT:
            found = [(r, d) for r in ok for d in r.diagnostics]
            if not found:
                lines.append(f"No problems found ({checked}).")
            else:
                files = len({id(r) for r, _ in found})
                lines.append(f"Found {_plural(len(found), 'problem')} in "
                             f"{_plural(files, 'file')} ({checked}).")
                fixable = sum(1 for r, d in found
                              if r.options and fix_is_applied(d, r.options.settings))
                hidden = sum(1 for r, d in found
                             if r.options and d.fixable
                             and not fix_is_applied(d, r.options.settings))
                if fixable or hidden:
                    extra = f" ({hidden} more with `--unsafe-fixes`)" if hidden else ""
                    if fixable:
                        lines.append(f"[*] {fixable} fixable with `infmigrate --write`"
                                     f"{extra}.")
                    else:
                        lines.append(f"{hidden} fixable with `infmigrate --write "
                                     "--unsafe-fixes`.")
        else:
            fixed = sum(len(r.applied) for r in ok)
            changed = sum(1 for r in ok if r.changed)
            left = sum(len(r.remaining) for r in ok)
            if mode is Mode.WRITE:
                head = (f"Fixed {_plural(fixed, 'problem')} in {_plural(changed, 'file')}"
                        if fixed else "Nothing to fix")
                tail = f"; {_plural(left, 'problem')} {'remains' if left == 1 else 'remain'}"
            else:
                head = (f"Would fix {_plural(fixed, 'problem')} in "
                        f"{_plural(changed, 'file')}" if fixed else "Nothing to fix")
                tail = f"; {_plural(left, 'problem')} would remain"
            lines.append(f"{head}{tail if left else ''} ({checked}).")
            if mode is Mode.DIFF and any(r.diff and r.diff.is_utf16 for r in ok):
                lines.append("UTF-16 files are shown as comments: apply them with "
                             "`infmigrate --write`.")
        if failed:
            lines.append(f"{_plural(failed, 'file')} could not be processed.")
        self.s.stderr.write("".join(line + "\n" for line in lines))
        self.s.stderr.flush()

    def exit_status(self, results: list[FileResult]) -> int:
        if any(r.error for r in results):
            return 2
        mode = self.o.mode
        if mode is Mode.REPORT:
            pending = any(r.diagnostics for r in results)
        else:
            pending = any(r.remaining for r in results) or (
                mode is not Mode.WRITE and any(r.changed for r in results))
        return 1 if pending and not self.o.exit_zero else 0


def run(options: RunOptions, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None,
        stderr: TextIO | None = None) -> int:
    """Run the command; returns the exit status. UsageError for bad options."""
    if options.output_format not in FORMATS:
        raise UsageError(f"unknown format {options.output_format!r} "
                         f"(choose from {', '.join(FORMATS)})")
    if options.mode is Mode.DIFF and options.output_format != "text":
        raise UsageError("--format applies to reports; --diff always prints a unified diff")
    if not options.paths and options.stdin_filename is None:
        raise UsageError("no PATHS given (use '.' for the current directory, '-' for "
                         "standard input)")
    streams = _Streams(stdin or sys.stdin.buffer, stdout or sys.stdout.buffer,
                       stderr or sys.stderr)
    return _Runner(options, streams).run()
