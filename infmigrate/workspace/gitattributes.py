"""How git reads and writes each file to diff: its ``working-tree-encoding``, ``text`` and
``eol`` attributes and the ``core.autocrlf``/``core.eol`` settings of its work tree, asked
of git itself (``git check-attr``, ``git config``), which knows every place attributes come
from (``.gitattributes`` at each level, ``.git/info/attributes``, ``core.attributesFile``,
macros such as ``binary``). One ``git check-attr --stdin`` per work tree, for all its
files.

The answer (:class:`~infmigrate.diffs.gitform.GitForm`) decides what ``--diff`` prints for
a UTF-16 file (:func:`infmigrate.diffs.unified.make_diff`). A file outside any work tree,
or when git cannot be run, has none: it gets a ``GIT binary patch`` with SHA-1 ids, which
``git apply`` applies anywhere but in a SHA-256 repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from infmigrate.diffs.gitform import GitForm

__all__ = ["git_forms", "work_tree_of"]

_ATTRIBUTES = ("working-tree-encoding", "text", "eol")
_TIMEOUT = 60


def work_tree_of(directory: str, cache: dict[str, str | None]) -> str | None:
    """The top of the work tree holding ``directory`` (a ``.git`` folder or file found
    going up; :mod:`infmigrate.workspace.gitignore` finds it so too), or None."""
    found = cache.get(directory, "")
    if found != "":
        return found
    parent = os.path.dirname(directory)
    if os.path.lexists(os.path.join(directory, ".git")):
        root: str | None = directory
    elif parent == directory:
        root = None
    else:
        root = work_tree_of(parent, cache)
    cache[directory] = root
    return root


def _git(root: str, *args: str, data: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", root, *args],
            input=data,
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _config(root: str) -> dict[str, str]:
    out = _git(root, "config", "-z", "--get-regexp", r"^core\.(autocrlf|eol)$") or b""
    values: dict[str, str] = {}
    for item in out.split(b"\0"):
        key, _, value = item.decode("utf-8", "replace").partition("\n")
        if key:
            values[key.lower()] = value.strip().lower()
    return values


def _autocrlf(value: str) -> str:
    if value in ("true", "yes", "on", "1"):
        return "true"
    return "input" if value == "input" else "false"


def _form(attrs: dict[str, str], autocrlf: str, core_eol: str, object_format: str) -> GitForm:
    """``convert.c``'s choice (``convert_attrs``, ``output_eol``) for one file."""
    text, eol = attrs.get("text", "unspecified"), attrs.get("eol", "unspecified")
    if eol not in ("crlf", "lf"):
        eol = "unspecified"
    if text == "unset":
        eol_read = "never"
    elif text == "auto":
        eol_read = "auto"
    elif text == "set" or eol != "unspecified":
        eol_read = "always"
    else:
        eol_read = "auto" if autocrlf in ("true", "input") else "never"
    if eol_read == "never":
        crlf = False
    elif eol != "unspecified":
        crlf = eol == "crlf"
    elif autocrlf != "false":
        crlf = autocrlf == "true"
    elif core_eol in ("crlf", "lf"):
        crlf = core_eol == "crlf"
    else:  # core.eol unset or native
        crlf = sys.platform == "win32"
    encoding = attrs.get("working-tree-encoding", "unspecified")
    if encoding in ("unspecified", "unset", "set"):
        encoding = ""
    return GitForm(encoding, eol_read, crlf, object_format)


def _forms_in(root: str, files: list[Path]) -> dict[Path, GitForm]:
    names = [os.path.relpath(f, root) for f in files]
    query = b"".join(os.fsencode(n) + b"\0" for n in names)
    out = _git(root, "check-attr", "-z", "--stdin", *_ATTRIBUTES, data=query)
    if out is None:
        return {}
    fields = out.split(b"\0")
    attrs: dict[str, dict[str, str]] = {}
    for k in range(0, len(fields) - 2, 3):
        name = os.fsdecode(fields[k])
        attrs.setdefault(name, {})[fields[k + 1].decode()] = fields[k + 2].decode(
            "utf-8", "replace"
        )
    config = _config(root)
    autocrlf = _autocrlf(config.get("core.autocrlf", "false"))
    core_eol = config.get("core.eol", "native")
    shown = (_git(root, "rev-parse", "--show-object-format") or b"").decode().strip()
    object_format = shown if shown in ("sha1", "sha256") else "sha1"
    return {
        f: _form(attrs.get(n, {}), autocrlf, core_eol, object_format)
        for f, n in zip(files, names, strict=True)
    }


def git_forms(paths: Iterable[Path]) -> dict[Path, GitForm]:
    """How git reads and writes each of these (absolute) paths that is in a work tree."""
    roots: dict[str, str | None] = {}
    by_root: dict[str, list[Path]] = {}
    for path in paths:
        root = work_tree_of(os.path.dirname(os.path.abspath(path)), roots)
        if root is not None:
            by_root.setdefault(root, []).append(path)
    forms: dict[Path, GitForm] = {}
    for root, files in by_root.items():
        forms.update(_forms_in(root, files))
    return forms
