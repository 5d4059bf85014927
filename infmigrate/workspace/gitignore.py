"""Which paths a git work tree ignores: ``.gitignore`` files and ``.git/info/exclude``.

As git (and ruff, through ripgrep's rules) does it: only inside a work tree (a directory
with a ``.git`` folder or file, found going up); the ``.gitignore`` of a path's own
directory wins over its parents', which win over ``info/exclude``; within a file the last
matching pattern wins and ``!`` re-includes. Matching is pathspec's gitignore flavour. The
global ``core.excludesFile`` is not read (it is personal, not the project's).

A directory the rules ignore is not searched at all, so, as in git, nothing below it can
be re-included.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from infmigrate.workspace.gitattributes import work_tree_of

if TYPE_CHECKING:  # pathspec is imported when a .gitignore is read (issue 16, start-up)
    import pathspec

__all__ = ["GitIgnore"]


def _read_spec(path: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    return spec if len(spec) else None


class GitIgnore:
    """The ignore rules of the work trees the searched paths are in (read once each)."""

    def __init__(self) -> None:
        #: Directory -> its ``.gitignore`` (None when it has none).
        self._specs: dict[str, pathspec.GitIgnoreSpec | None] = {}
        #: Directory -> the top of its work tree (None: not in one).
        self._roots: dict[str, str | None] = {}

    def _root_of(self, directory: str) -> str | None:
        return work_tree_of(directory, self._roots)

    def _spec(self, directory: str) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            self._specs[directory] = _read_spec(Path(directory) / ".gitignore")
        return self._specs[directory]

    def _exclude_spec(self, root: str) -> pathspec.GitIgnoreSpec | None:
        key = os.path.join(root, ".git", "info", "exclude")
        if key not in self._specs:
            self._specs[key] = _read_spec(Path(key))
        return self._specs[key]

    def ignored(self, path: Path | str, is_dir: bool = False) -> bool:
        """Whether git ignores the path (an absolute or working-directory-relative path)."""
        absolute = os.path.normpath(os.path.abspath(path))
        parent = os.path.dirname(absolute)
        root = self._root_of(parent)
        if root is None or absolute == root:
            return False
        suffix = "/" if is_dir else ""
        directory = parent
        while True:
            spec = self._spec(directory)
            if spec is not None:
                rel = os.path.relpath(absolute, directory).replace(os.sep, "/") + suffix
                include = spec.check_file(rel).include
                if include is not None:
                    return include
            if directory == root:
                break
            directory = os.path.dirname(directory)
        spec = self._exclude_spec(root)
        if spec is not None:
            rel = os.path.relpath(absolute, root).replace(os.sep, "/") + suffix
            return bool(spec.match_file(rel))
        return False
