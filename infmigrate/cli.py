"""The ``infmigrate`` command line (typer).

For now the command parses INF/INX files and reports their syntax problems; the migration
modes (``--diff``, ``--write``...) arrive with the fixers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import __version__
from .syntax import parse

__all__ = ["app", "main"]

app = typer.Typer(add_completion=False, rich_markup_mode=None)

#: File name endings that are INF sources (compared case-insensitively).
INF_SUFFIXES = (".inf", ".inx")


def iter_inf_files(paths: list[Path]) -> Iterator[Path]:
    """The files named, and the INF/INX files under the directories named, sorted."""
    for path in paths:
        if path.is_dir():
            found = [
                Path(root) / name
                for root, _dirs, names in os.walk(path)
                for name in names
                if name.lower().endswith(INF_SUFFIXES)
            ]
            yield from sorted(found)
        else:
            yield path


def _version(value: bool) -> None:
    if value:
        typer.echo(f"infmigrate {__version__}")
        raise typer.Exit()


@app.command()
def run(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATHS...",
                       help="INF/INX files, or directories to search for them."),
    ],
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """Parse INF and INX files and report their syntax problems.

    Each file is parsed into a lossless syntax tree and printed back, which must give the
    same bytes. Exit status: 0 when every file parses cleanly, 1 when some file has syntax
    problems, 2 when a file cannot be read or does not round-trip.
    """
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    files = problems = failed = 0
    for path in iter_inf_files(paths):
        files += 1
        try:
            data = path.read_bytes()
        except OSError as exc:
            err.print(f"{path}: error: cannot read file: {exc.strerror or exc}")
            failed += 1
            continue
        tree = parse(data)
        if tree.to_bytes() != data:  # pragma: no cover - a parser bug, reported as such
            err.print(f"{path}: internal error: the syntax tree does not print back the "
                      "file's bytes; please report this file")
            failed += 1
            continue
        for p in tree.problems:
            out.print(f"{path}:{p.line}:{p.column}: {p.code} {p.severity}: {p.message}")
            problems += 1
    err.print(f"{files} file{'s' * (files != 1)} checked, {problems} syntax "
              f"problem{'s' * (problems != 1)}, {failed} failed")
    raise typer.Exit(2 if failed else 1 if problems else 0)


def main() -> None:
    """Console-script entry point."""
    app()
