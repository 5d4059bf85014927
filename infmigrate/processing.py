"""One file, start to finish: bytes -> tree -> diagnostics -> fixes -> diff.

:func:`process` never raises for a file's content: whatever goes wrong (a fixer bug, a
fix that cannot be written in the file's encoding, a diff that does not check out) ends
up in :attr:`FileResult.error` with a message naming the file. Reading and writing files
are the caller's business; this module does no I/O.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from .diff import DiffError, FileDiff, make_diff
from .fixer import Applicability, Diagnostic, Fixer, Settings
from .problems import syntax_diagnostics
from .runner import FixerBug, check, fix
from .suppression import Suppressions
from .syntax import DecodeError, InfFile, parse

__all__ = ["FileOptions", "FileResult", "diagnostic_key", "fix_is_applied", "process"]


@dataclass(frozen=True)
class FileOptions:
    """What to do with one file (from its configuration and the command line)."""

    rules: tuple[type[Fixer], ...]
    syntax_codes: frozenset[str]
    settings: Settings = field(default_factory=Settings)


@dataclass
class FileResult:
    """Everything the outputs need to know about one file."""

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
    diff: FileDiff | None = None
    #: Why the file could not be processed ("" when it could).
    error: str = ""
    #: Set by the caller once the file is written.
    written: bool = False

    @property
    def encoding(self) -> str:
        return self.tree.encoding if self.tree is not None else ""

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


def diagnostic_key(d: Diagnostic) -> tuple[str, int, int, str]:
    """What identifies a finding across runs of the rules on the same tree."""
    return (d.code, d.line, d.column, d.message)


def _all_diagnostics(tree: InfFile, options: FileOptions, path: str,
                     suppressions: Suppressions) -> list[Diagnostic]:
    found = check(tree, options.rules, options.settings, path)
    syntax = [d for d in syntax_diagnostics(tree) if d.code in options.syntax_codes]
    out = found + suppressions.filter(syntax)
    out.sort(key=lambda d: (d.line, d.column, d.code))
    return out


def process(data: bytes, path: str, options: FileOptions, *, want_fix: bool,
            verbose: bool = False) -> FileResult:
    """Parse, check and (``want_fix``) fix one file's bytes; see the module docstring."""
    result = FileResult(path, options, data)
    try:
        tree = parse(data)
        if tree.to_bytes() != data:  # pragma: no cover - a parser bug, reported as such
            result.error = ("internal error: the syntax tree does not print back the file's "
                            "bytes; please report this file")
            return result
        result.tree = tree
        result.diagnostics = _all_diagnostics(tree, options, path, Suppressions.of(tree))
        if not want_fix:
            return result
        fixed = fix(tree, options.rules, options.settings, path)
        result.fixed_tree = fixed.fixed
        result.fixed = fixed.fixed.to_bytes() if fixed.changed else data
        result.applied = list(fixed.applied)
        result.remaining = _all_diagnostics(fixed.fixed, options, path,
                                            Suppressions.of(fixed.fixed))
        result.diff = make_diff(data, result.fixed, tree.code, fixed.fixed.code, path,
                                tree.encoding)
    except FixerBug as exc:
        result.error = f"internal error: {_strip_path(str(exc), path)}; please report it"
    except DecodeError as exc:
        result.error = f"cannot write the fixed file in its encoding ({result.encoding}): {exc}"
    except DiffError as exc:
        result.error = f"internal error: {_strip_path(str(exc), path)}; please report it"
    except Exception as exc:  # one bad file must not stop the others
        detail = traceback.format_exc() if verbose else ""
        result.error = (f"internal error: {type(exc).__name__}: {exc}; please report it"
                        + (f"\n{detail}" if detail else ""))
    return result


def _strip_path(message: str, path: str) -> str:
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def fix_is_applied(d: Diagnostic, settings: Settings) -> bool:
    """Whether the runner applies this diagnostic's fix under these settings."""
    if d.fix is None:
        return False
    return d.fix.applicability is Applicability.SAFE or (
        d.fix.applicability is Applicability.UNSAFE and settings.unsafe_fixes)
