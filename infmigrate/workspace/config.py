"""Configuration files: ``[tool.infmigrate]`` in ``pyproject.toml``, or ``infmigrate.toml``.

For each file, the nearest configuration found going up from its directory applies (the
closest wins; files are not merged, as in ruff). In each directory ``infmigrate.toml`` and
``.infmigrate.toml`` (keys at the top level) come before ``pyproject.toml``, which counts
only when it has a ``[tool.infmigrate]`` table. Keys::

    select = ["ISO"]          # code prefixes; default: every rule
    ignore = ["ISO020"]
    extend-select = ["ISO1"]
    unsafe-fixes = false
    exclude = ["vendor", "legacy/**/*.inf"]   # globs, relative to the file's directory
    max-file-size = "64MB"    # larger files are skipped (bytes, or with KB/MB/GB)
    target-windows = "10.0.17763"   # the oldest Windows to install on (engine/builds.py)
    sources = true            # also check C/C++ sources (default); or a list of folders
                              # (relative to the file's directory) whose sources to check

Command-line flags override them (see :mod:`infmigrate.engine.selection`).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infmigrate.engine.builds import WindowsVersion, parse_windows
from infmigrate.engine.selection import Layer

if TYPE_CHECKING:  # pathspec is imported when a glob is matched (issue 16, start-up)
    import pathspec

__all__ = [
    "CONFIG_NAMES",
    "DEFAULT_MAX_FILE_SIZE",
    "Config",
    "ConfigError",
    "ConfigFinder",
    "load_config",
    "parse_size",
]

#: Looked for in each directory, in this order.
CONFIG_NAMES = ("infmigrate.toml", ".infmigrate.toml", "pyproject.toml")
_KEYS = (
    "select",
    "ignore",
    "extend-select",
    "unsafe-fixes",
    "exclude",
    "max-file-size",
    "target-windows",
    "sources",
)

#: Files larger than this are skipped, with a message, unless ``max-file-size`` says
#: otherwise: the largest real INF of the corpus is about 1 MB, and the whole pipeline
#: needs up to about 100 times a hostile file's size in memory (``bench/scaling.py``).
DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024

_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


class ConfigError(ValueError):
    """A configuration file that cannot be read or says something invalid."""


@dataclass(frozen=True)
class Config:
    """One configuration file's settings (or the defaults, with ``path`` None)."""

    #: The file, or None for the built-in defaults.
    path: Path | None
    #: The directory ``exclude`` globs are relative to.
    root: Path
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    unsafe_fixes: bool | None = None
    exclude: tuple[str, ...] = field(default=())
    #: Larger files are skipped (bytes); None: the default.
    max_file_size: int | None = None
    #: The oldest Windows the packages must install on; None: each INF's own decorations.
    target_windows: WindowsVersion | None = None
    #: ``sources``: check C/C++ sources found in directories (None: the default, yes).
    sources: bool | None = None
    #: ``sources = [...]``: only below these directories (absolute; empty: anywhere).
    source_roots: tuple[Path, ...] = ()

    def layer(self) -> Layer:
        """This file's rule selection, as a layer under the command line's."""
        return Layer(
            self.select,
            self.ignore,
            self.extend_select,
            origin=str(self.path) if self.path else "defaults",
        )

    def is_excluded(self, path: Path, is_dir: bool = False) -> bool:
        """Whether an ``exclude`` glob matches the path (relative to :attr:`root`)."""
        if not self.exclude:
            return False
        rel = relative_to(path, self.root)
        return rel is not None and excluded(rel, self.exclude, is_dir=is_dir)


def relative_to(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` as a POSIX string, or None when it is not below it
    (compared as written, then with symbolic links resolved)."""
    try:
        return (
            Path(os.path.normpath(path.absolute()))
            .relative_to(os.path.normpath(root.absolute()))
            .as_posix()
        )
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return None


@lru_cache(maxsize=256)
def compile_globs(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """Gitignore-style patterns (``./`` prefixes and blanks dropped) as a path spec."""
    import pathspec

    lines = []
    for raw in patterns:
        pattern = raw.strip()
        while pattern.startswith("./"):
            pattern = pattern[2:]
        if pattern and pattern != "/":
            lines.append(pattern)
    return pathspec.GitIgnoreSpec.from_lines(lines)


def excluded(rel: str, patterns: tuple[str, ...], *, is_dir: bool = False) -> bool:
    """Gitignore matching (pathspec) of a relative POSIX path.

    A pattern without ``/`` matches any one component (``vendor``, ``*.inx``); a pattern
    with ``/`` matches the path or one of its leading directories (``drivers/old``,
    ``legacy/**/*.inf``); ``**/`` at the start also matches at the top; a trailing ``/``
    matches directories only; ``!pattern`` re-includes.
    """
    if not rel or rel == ".":
        return False
    return compile_globs(tuple(patterns)).match_file(rel + "/" if is_dir else rel)


def parse_size(value: object) -> int:
    """A size in bytes from an integer or a string such as ``"16MB"`` (KB, MB and GB are
    powers of 1024); ValueError if it is not one."""
    if isinstance(value, bool):
        raise ValueError("not a size")
    if isinstance(value, int):
        number, unit = value, ""
    elif isinstance(value, str):
        text = value.strip().upper().replace(" ", "")
        digits = text.rstrip("KMGB")
        unit = text[len(digits) :]
        if not digits.isdigit() or unit not in _UNITS:
            raise ValueError(f"not a size: {value!r} (e.g. 16MB, 512KB, 1048576)")
        number = int(digits)
    else:
        raise ValueError("not a size")
    if number < 1:
        raise ValueError(f"not a size: {value!r} (must be at least 1 byte)")
    return number * _UNITS[unit]


def _strings(value: Any, key: str, path: Path) -> tuple[str, ...]:
    """A list of strings; a lone string (``select = "ISO015"``) is refused, as ruff does,
    with the line it is on and the list to write instead."""
    if isinstance(value, str):
        line = _key_line(path, key)
        where = f"{path}:{line}" if line else str(path)
        raise ConfigError(
            f"{where}: '{key}' must be a list of strings, not a string: write "
            f"{key} = [{json.dumps(value)}]"
        )
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: '{key}' must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def load_config(path: Path) -> Config | None:
    """Read one configuration file; None for a ``pyproject.toml`` without our table."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("infmigrate")
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.infmigrate] must be a table")
    else:
        table = data
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key '{unknown[0]}' (known keys: {', '.join(_KEYS)})")
    unsafe = table.get("unsafe-fixes")
    if unsafe is not None and not isinstance(unsafe, bool):
        raise ConfigError(f"{path}: 'unsafe-fixes' must be true or false")
    select = table.get("select")
    max_size = table.get("max-file-size")
    if max_size is not None:
        try:
            max_size = parse_size(max_size)
        except ValueError:
            raise ConfigError(
                f"{path}: 'max-file-size' must be a size in bytes or a string such as \"16MB\""
            ) from None
    target = table.get("target-windows")
    if target is not None:
        target = _target(target, path)
    sources = table.get("sources")
    roots: tuple[Path, ...] = ()
    if isinstance(sources, list):
        roots = tuple(path.parent / p for p in _strings(sources, "sources", path))
        sources = True
    elif sources is not None and not isinstance(sources, bool):
        raise ConfigError(f"{path}: 'sources' must be true, false or a list of folders")
    return Config(
        path=path,
        root=path.parent,
        select=None if select is None else _strings(select, "select", path),
        ignore=_strings(table.get("ignore", []), "ignore", path),
        extend_select=_strings(table.get("extend-select", []), "extend-select", path),
        unsafe_fixes=unsafe,
        exclude=_strings(table.get("exclude", []), "exclude", path),
        max_file_size=max_size,
        target_windows=target,
        sources=sources,
        source_roots=roots,
    )


def _target(value: object, path: Path) -> WindowsVersion:
    """``target-windows``: a string, or an integer (a build, or a release name such as
    1809); ConfigError naming the file and the line otherwise."""
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError("not a string")
        return parse_windows(str(value))
    except ValueError as exc:
        line = _key_line(path, "target-windows")
        where = f"{path}:{line}" if line else str(path)
        raise ConfigError(
            f"{where}: 'target-windows' must be a Windows version such as \"10.0.17763\", "
            f'"17763" or "1809" ({exc})'
        ) from None


_KEY_LINE = r'^\s*(?:tool\.infmigrate\.)?["\']?{key}["\']?\s*='


def _key_line(path: Path, key: str) -> int:
    """The line (1-based) where ``key`` is set in a TOML file, 0 when it cannot be found
    (tomllib gives no positions): in ``pyproject.toml``, after ``[tool.infmigrate]``."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 0
    pattern = re.compile(_KEY_LINE.format(key=re.escape(key)))
    in_table = path.name != "pyproject.toml"
    for number, line in enumerate(lines, 1):
        header = line.strip()
        if header.startswith("[") and path.name == "pyproject.toml":
            in_table = header.split("#")[0].replace(" ", "") == "[tool.infmigrate]"
            continue
        if pattern.match(line) and (in_table or "tool.infmigrate." in line):
            return number
    return 0


class ConfigFinder:
    """Finds (and caches) the configuration that applies to each file."""

    def __init__(self, default_root: Path | None = None) -> None:
        self._by_dir: dict[Path, Config | ConfigError] = {}
        #: By the folder's text, for absolute paths: a run asks several times per file.
        self._by_folder: dict[str, Config | ConfigError] = {}
        self._default_root = default_root or Path.cwd()

    def for_file(self, path: Path) -> Config:
        """The nearest configuration above ``path`` (a file); ConfigError if it is bad."""
        folder = os.path.dirname(str(path)) if path.is_absolute() else None
        found = self._by_folder.get(folder) if folder is not None else None
        if found is None:
            found = self._for_dir(path.absolute().parent)
            if folder is not None:
                self._by_folder[folder] = found
        if isinstance(found, ConfigError):
            raise found
        return found

    def _for_dir(self, directory: Path) -> Config | ConfigError:
        cached = self._by_dir.get(directory)
        if cached is not None:
            return cached
        result: Config | ConfigError | None = None
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                try:
                    result = load_config(candidate)
                except ConfigError as exc:
                    result = exc
                if result is not None:
                    break
        if result is None:
            parent = directory.parent
            result = (
                Config(None, self._default_root) if parent == directory else self._for_dir(parent)
            )
        self._by_dir[directory] = result
        return result
