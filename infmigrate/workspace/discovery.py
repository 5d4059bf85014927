"""From the PATHS on the command line to the INF/INX files to process.

Directories are searched recursively for ``*.inf`` and ``*.inx`` (any case), skipping
version-control and virtual-environment folders, what the exclude globs name
(``is_excluded``, from the configuration or ``--exclude``) and, by default, what git
ignores (``.gitignore``, ``.git/info/exclude``). Symbolic links met in a search are not
followed unless ``follow_symlinks`` (and then each real file or directory is visited once,
so loops end). When a directory holds both ``foo.inx`` and ``foo.inf`` (the INF
``stampinf`` generates from it), the ``.inx`` is the source: the ``.inf`` is left out with
a note.

With ``sources`` (issue 17), C and C++ sources and headers (``.c .cpp .cc .cxx .h .hpp``,
:data:`infmigrate.sources.SOURCE_SUFFIXES`) are found the same way, with the same rules;
``source_roots`` limits them to those directories.

Files named explicitly are always processed, whatever their extension and whether git
ignores them, unless ``force_exclude`` is set (for pre-commit, which names every file):
then the exclude globs apply to them too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from infmigrate.sources import is_source
from infmigrate.workspace.gitignore import GitIgnore

__all__ = ["INF_SUFFIXES", "SKIPPED_DIRS", "Candidate", "discover", "display_path", "path_key"]

#: File name endings that are INF sources (compared case-insensitively).
INF_SUFFIXES = (".inf", ".inx")
#: Directories never searched.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".infmigrate_cache",
    }
)

#: ``is_excluded(path, is_dir)``: whether the exclude globs name it (may raise ValueError
#: for a bad configuration, which is reported when the file is processed).
Excluder = Callable[[Path, bool], bool]
#: ``on_note(path, message)``: a file left out on purpose, and why.
Notes = Callable[[Path, str], None]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to process (or a named path that does not exist)."""

    path: Path
    #: Named on the command line (not found in a directory).
    explicit: bool
    #: The named path does not exist.
    missing: bool = False
    #: Size in bytes when found (to schedule the largest files first).
    size: int = 0


def _clean(text: str) -> bool:
    """Whether ``str(Path(text)) == text`` for an absolute POSIX path (nothing for
    pathlib to normalize: no empty or ``.`` component, no trailing slash)."""
    return (
        text.startswith("/")
        and not text.startswith("//")
        and "//" not in text
        and "/./" not in text
        and not text.endswith(("/", "/."))
    )


def display_path(path: Path | str, cwd: Path | None = None) -> str:
    """The path as shown in messages and diff headers: relative to the working directory
    when it is below it, with forward slashes and no ``./``."""
    if os.sep == "/" and cwd is not None:
        # The common cases without pathlib, one call per file and message (issue 16, the
        # cached re-run): absolute paths with nothing for pathlib to normalize.
        raw, root = os.fspath(path), os.fspath(cwd)
        if _clean(raw) and _clean(root) and ".." not in raw and ".." not in root:
            if raw.startswith(root) and raw[len(root) : len(root) + 1] == "/":
                return raw[len(root) + 1 :]  # below the working directory
            if not (root + "/").startswith(raw + "/"):  # (not an ancestor of it)
                # elsewhere (``../corpus/...``): one relpath per folder
                head, tail = os.path.split(raw)
                folder = _relpath(head, root)
                return tail if folder == "." else f"{folder}/{tail}"
    p = Path(path)
    base = cwd or Path.cwd()
    absolute = p if p.is_absolute() else base / p
    text, prefix = str(absolute), os.path.join(str(base), "")
    if text.startswith(prefix) and ".." not in text:  # the common case, without relpath
        return Path(text[len(prefix) :]).as_posix()
    try:
        rel = os.path.relpath(absolute, base)
    except ValueError:  # pragma: no cover - another drive on Windows
        rel = str(absolute)
    return Path(rel).as_posix()


#: ``os.path.relpath`` of absolute paths (which does not depend on the working directory).
_relpath = lru_cache(maxsize=4096)(os.path.relpath)


def path_key(shown: str) -> tuple[str, ...]:
    """Sort key of a shown path: component by component (as ruff sorts files), so that
    ``a/b.inf`` comes before ``a-b/c.inf``."""
    return tuple(shown.split("/"))


def _is_inf(name: str) -> bool:
    return name.lower().endswith(INF_SUFFIXES)


class _Walker:
    def __init__(
        self,
        is_excluded: Excluder,
        gitignore: GitIgnore | None,
        follow_symlinks: bool,
        on_note: Notes | None,
        sources: bool = False,
        source_roots: tuple[Path, ...] = (),
    ) -> None:
        self.sources = sources
        self.source_roots = source_roots
        self.is_excluded = is_excluded
        self.gitignore = gitignore
        self.follow = follow_symlinks
        self.on_note = on_note
        self.visited_dirs: set[tuple[int, int]] = set()

    def _skip(self, path: Path, is_dir: bool) -> bool:
        try:
            if self.is_excluded(path, is_dir):
                return True
        except ValueError:
            pass  # a bad configuration: reported when the file is processed
        return self.gitignore is not None and self.gitignore.ignored(path, is_dir)

    def _is_wanted_source(self, path: Path) -> bool:
        if not self.sources or not is_source(path.name):
            return False
        return not self.source_roots or any(path.is_relative_to(r) for r in self.source_roots)

    def walk(self, root: Path) -> Iterator[Candidate]:
        """INF/INX files below ``root``, sorted by path."""
        found: list[Candidate] = []
        self._walk(root, found)
        found.sort(key=lambda c: c.path.parts)
        return iter(found)

    def _walk(self, directory: Path, found: list[Candidate]) -> None:
        try:
            st = directory.stat()
            ident = (st.st_dev, st.st_ino)
            if ident in self.visited_dirs:
                return  # a symbolic link loop, or the same directory twice
            self.visited_dirs.add(ident)
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError:
            return  # unreadable directories are skipped, as git and ruff do
        files: dict[str, Candidate] = {}
        subdirs: list[Path] = []
        for entry in entries:
            path = directory / entry.name
            try:
                is_link = entry.is_symlink()
                if is_link and not self.follow:
                    continue
                if entry.is_dir():
                    if entry.name not in SKIPPED_DIRS and not self._skip(path, True):
                        subdirs.append(path)
                    continue
                if not _is_inf(entry.name) and not self._is_wanted_source(path):
                    continue
                info = entry.stat()
            except OSError:
                continue  # vanished, or a dangling link
            if not stat.S_ISREG(info.st_mode) or self._skip(path, False):
                continue
            files[entry.name] = Candidate(path, explicit=False, size=info.st_size)
        inx = {name[:-4].lower(): name for name in files if name.lower().endswith(".inx")}
        for name, candidate in sorted(files.items()):
            source = inx.get(name[:-4].lower()) if name.lower().endswith(".inf") else None
            if source is not None:
                if self.on_note is not None:
                    self.on_note(
                        candidate.path, f"generated from {source}: migrating {source} instead"
                    )
                continue
            found.append(candidate)
        for sub in subdirs:
            self._walk(sub, found)


def discover(
    paths: Sequence[Path],
    is_excluded: Excluder,
    *,
    force_exclude: bool = False,
    respect_gitignore: bool = True,
    follow_symlinks: bool = False,
    on_note: Notes | None = None,
    sources: bool = False,
    source_roots: tuple[Path, ...] = (),
) -> Iterator[Candidate]:
    """The files to process, in the order named (each directory's files sorted), each once;
    C/C++ sources too in directories when ``sources`` (below ``source_roots`` if given).

    ``is_excluded(path, is_dir)`` says whether the exclude globs name a path; it may raise
    ValueError (a bad configuration), and the caller reports that for the file.
    """
    gitignore = GitIgnore() if respect_gitignore else None
    walker = _Walker(is_excluded, gitignore, follow_symlinks, on_note, sources, source_roots)
    # A directory named on the command line that git ignores is searched, without the
    # git rules (asked for by name, as ripgrep does).
    bare = _Walker(is_excluded, None, follow_symlinks, on_note, sources, source_roots)
    seen: set[Path | tuple[int, int]] = set()
    real_dirs: dict[str, str] = {}

    def real_path(path: Path) -> str:
        """``os.path.realpath(path)``, the real path of each directory found once: a file
        that is not a symbolic link is its directory's real path and its name."""
        if os.path.islink(path):
            return os.path.realpath(path)
        parent, name = os.path.split(os.fspath(path))
        real = real_dirs.get(parent)
        if real is None:
            real = real_dirs[parent] = os.path.realpath(parent)
        return os.path.join(real, name)

    def first_time(path: Path, size_from: os.stat_result | None) -> bool:
        # Identify files by their real path when they exist: two names of one file through
        # a symbolic link are one file (writing it twice would be wrong). Hard links are
        # not: a write replaces the name it writes (atomically, by a rename), which breaks
        # the link, so each name is a file of its own and is migrated as such.
        key = Path(real_path(path)) if size_from is not None else path.absolute()
        if key in seen:
            return False
        seen.add(key)
        return True

    for path in paths:
        if path.is_dir():
            ignored = gitignore is not None and gitignore.ignored(path, True)
            chosen = bare if ignored else walker
            chosen.visited_dirs = walker.visited_dirs
            for found in chosen.walk(path):
                try:
                    info: os.stat_result | None = found.path.stat()
                except OSError:
                    info = None
                if first_time(found.path, info):
                    yield found
        elif path.exists() or path.is_symlink():
            try:
                info = path.stat()
            except OSError:
                info = None
            if not first_time(path, info):
                continue
            if force_exclude:
                try:
                    if is_excluded(path, False):
                        continue
                except ValueError:
                    pass
            yield Candidate(path, explicit=True, size=info.st_size if info else 0)
        else:
            yield Candidate(path, explicit=True, missing=True)
