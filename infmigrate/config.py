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

Command-line flags override them (see :mod:`infmigrate.selection`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from .selection import Layer

__all__ = ["CONFIG_NAMES", "Config", "ConfigError", "ConfigFinder", "load_config"]

#: Looked for in each directory, in this order.
CONFIG_NAMES = ("infmigrate.toml", ".infmigrate.toml", "pyproject.toml")
_KEYS = ("select", "ignore", "extend-select", "unsafe-fixes", "exclude")


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

    def layer(self) -> Layer:
        """This file's rule selection, as a layer under the command line's."""
        return Layer(self.select, self.ignore, self.extend_select,
                     origin=str(self.path) if self.path else "defaults")

    def is_excluded(self, path: Path) -> bool:
        """Whether an ``exclude`` glob matches the path (relative to :attr:`root`)."""
        if not self.exclude:
            return False
        try:
            rel = path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return False
        return excluded(rel, self.exclude)


def excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    """Gitignore-like matching of a relative POSIX path.

    A pattern without ``/`` matches any one component (``vendor``, ``*.inx``); a pattern
    with ``/`` matches the path or one of its leading directories (``drivers/old``,
    ``legacy/**/*.inf``); ``**/`` at the start also matches at the top.
    """
    parts = rel.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for raw in patterns:
        pattern = raw.strip().strip("/") if raw.strip() != "/" else ""
        if pattern.startswith("./"):
            pattern = pattern[2:]
        if not pattern:
            continue
        if "/" not in pattern:
            if any(fnmatchcase(part, pattern) for part in parts):
                return True
            continue
        variants = [pattern]
        if pattern.startswith("**/"):
            variants.append(pattern[3:])
        if any(fnmatchcase(p, v) for p in prefixes for v in variants):
            return True
    return False


def _strings(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
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
        raise ConfigError(f"{path}: unknown key '{unknown[0]}' (known keys: "
                          f"{', '.join(_KEYS)})")
    unsafe = table.get("unsafe-fixes")
    if unsafe is not None and not isinstance(unsafe, bool):
        raise ConfigError(f"{path}: 'unsafe-fixes' must be true or false")
    select = table.get("select")
    return Config(
        path=path,
        root=path.parent,
        select=None if select is None else _strings(select, "select", path),
        ignore=_strings(table.get("ignore", []), "ignore", path),
        extend_select=_strings(table.get("extend-select", []), "extend-select", path),
        unsafe_fixes=unsafe,
        exclude=_strings(table.get("exclude", []), "exclude", path),
    )


class ConfigFinder:
    """Finds (and caches) the configuration that applies to each file."""

    def __init__(self, default_root: Path | None = None) -> None:
        self._by_dir: dict[Path, Config | ConfigError] = {}
        self._default_root = default_root or Path.cwd()

    def for_file(self, path: Path) -> Config:
        """The nearest configuration above ``path`` (a file); ConfigError if it is bad."""
        found = self._for_dir(path.absolute().parent)
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
            result = (Config(None, self._default_root) if parent == directory
                      else self._for_dir(parent))
        self._by_dir[directory] = result
        return result
