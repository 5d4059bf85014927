"""The lines a pull request changes, for ``--diff-filter-base REF``: the review formats
then comment only there, as reviewdog's filter modes do
(https://github.com/reviewdog/reviewdog#filter-mode) and as GitHub requires of review
comments, which must point at lines of the pull request's diff.

The pull request's diff is ``git diff REF...HEAD`` (from the merge base of ``REF`` and
``HEAD`` to ``HEAD``, as GitHub shows it), run in the working directory with
``--relative``, so its paths are the ones infmigrate shows. Modes:

* ``added``: the added or changed lines only;
* ``diff_context`` (the default): the lines of the diff's hunks, with git's 3 lines of
  context (the lines GitHub accepts review comments on);
* ``file``: every line of the files the pull request changes.

A file git shows as binary (UTF-16 without ``working-tree-encoding``) has no lines in the
diff: only ``file`` keeps its findings.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

__all__ = ["FILTER_MODES", "DiffFilterError", "changed_lines"]

FILTER_MODES = ("added", "diff_context", "file")


class DiffFilterError(Exception):
    """git could not give the diff (no repository, unknown REF...)."""


def changed_lines(cwd: Path, base: str, mode: str) -> dict[str, frozenset[int] | None]:
    """Path (relative to ``cwd``, forward slashes) -> the lines to keep (None: all)."""
    if base.startswith("-"):
        raise DiffFilterError(f"{base!r} is not a git revision")
    args = [
        "git",
        "-c",
        "core.quotePath=false",
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        "--relative",
        f"--unified={0 if mode == 'added' else 3}",
        f"{base}...HEAD",
        "--",
    ]
    try:
        done = subprocess.run(args, cwd=cwd, capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        raise DiffFilterError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffFilterError(f"git diff {base}...HEAD failed: {' '.join(message[:2])}")
    try:
        patch = PatchSet(done.stdout.decode("utf-8", "surrogateescape"))
    except UnidiffParseError as exc:
        raise DiffFilterError(f"cannot read git's diff: {exc}") from None
    out: dict[str, frozenset[int] | None] = {}
    for pf in patch:
        if pf.is_removed_file:
            continue
        path = pf.path
        if mode == "file":
            out[path] = None
            continue
        lines: set[int] = set()
        for hunk in pf:
            for line in hunk:
                if line.target_line_no is None:
                    continue
                if mode == "diff_context" or line.is_added:
                    lines.add(line.target_line_no)
        out[path] = frozenset(lines)
    return out
