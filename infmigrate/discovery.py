"""From the PATHS on the command line to the INF/INX files to process.

Directories are searched recursively for ``*.inf`` and ``*.inx`` (any case), skipping
version-control and virtual-environment folders and what the applicable configuration's
``exclude`` globs name. Files named explicitly are always processed, whatever their
extension, unless ``force_exclude`` is set (for pre-commit, which names every file).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["INF_SUFFIXES", "SKIPPED_DIRS", "Candidate", "discover", "display_path"]

#: File name endings that are INF sources (compared case-insensitively).
INF_SUFFIXES = (".inf", ".inx")
#: Directories never searched.
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv",
                          "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to process (or a named path that does not exist)."""

    path: Path
    #: Named on the command line (not found in a directory).
    explicit: bool
    #: The named path does not exist.
    missing: bool = False


def display_path(path: Path | str, cwd: Path | None = None) -> str:
    """The path as shown in messages and diff headers: relative to the working directory
    when it is below it, with forward slashes and no ``./``."""
    p = Path(path)
    base = cwd or Path.cwd()
    absolute = p if p.is_absolute() else base / p
    try:
        rel = os.path.relpath(absolute, base)
    except ValueError:  # pragma: no cover - another drive on Windows
        rel = str(absolute)
    return Path(rel).as_posix()


def _walk(root: Path) -> Iterator[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        found.extend(Path(dirpath) / name for name in filenames
                     if name.lower().endswith(INF_SUFFIXES))
    yield from sorted(found)


def discover(
    paths: Sequence[Path],
    is_excluded: Callable[[Path], bool],
    *,
    force_exclude: bool = False,
) -> Iterator[Candidate]:
    """The files to process, in the order named (each directory's files sorted), each once.

    ``is_excluded`` says whether the configuration excludes a file; it may raise (a bad
    configuration), and the caller reports that for the file.
    """
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for found in _walk(path):
                key = found.absolute()
                if key in seen:
                    continue
                seen.add(key)
                try:
                    if is_excluded(found):
                        continue
                except ValueError:
                    pass  # reported when the file is processed
                yield Candidate(found, explicit=False)
        elif path.exists() or path.is_symlink():
            key = path.absolute()
            if key in seen:
                continue
            seen.add(key)
            if force_exclude:
                try:
                    if is_excluded(path):
                        continue
                except ValueError:
                    pass
            yield Candidate(path, explicit=True)
        else:
            yield Candidate(path, explicit=True, missing=True)
