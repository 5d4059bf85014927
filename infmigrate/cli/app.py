"""The ``infmigrate`` command line (typer): options in, :func:`infmigrate.cli.command.run` out.

Everything the command does lives in :mod:`infmigrate.cli.command`; this module only declares
the options, prints ``--version``/``--list-rules``/``--explain``, and turns errors into
messages and exit statuses (2), never into tracebacks.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from infmigrate import __version__
from infmigrate.engine.builds import WindowsVersion

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


#: The ``--format`` names, as :data:`infmigrate.output.FORMATS` lists them (kept here
#: so that ``--help`` does not import the formats).
FORMAT_NAMES = (
    "text",
    "json",
    "sarif",
    "github",
    "rdjsonl",
    "gitlab",
    "github-review",
    "msbuild",
    "junit",
    "azure",
)


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class DiffFilter(StrEnum):
    """``--diff-filter`` (reviewdog's filter modes; see infmigrate.workspace.gitdiff)."""

    added = "added"
    diff_context = "diff_context"
    file = "file"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"infmigrate {__version__}")
        raise typer.Exit()


def _list_rules(value: bool) -> None:
    if value:
        from infmigrate.engine.ruledocs import list_rules

        typer.echo(list_rules(), nl=False)
        raise typer.Exit()


def _explain(value: str | None) -> None:
    if value is not None:
        from infmigrate.engine.catalog import RuleError
        from infmigrate.engine.ruledocs import explain

        try:
            typer.echo(explain(value), nl=False)
        except RuleError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        raise typer.Exit()


_MODES = "Modes (default: report findings)"
_RULES = "Rule selection"
_FILES = "File selection"
_RUN = "Speed"
_OUTPUT = "Output"


def _outputs(
    values: list[str] | None, output_file: Path | None
) -> tuple[str, tuple[tuple[str, Path], ...]]:
    """``--format`` values (repeated and/or comma-separated, as pylint's
    ``--output-format=json:out.json,colorized``): each ``FORMAT`` or ``FORMAT:FILE``.
    One format at most without a file: it goes to standard output (or ``--output-file``);
    default ``text``. Returns it and the (format, file) pairs."""
    primary: str | None = None
    extra: list[tuple[str, Path]] = []
    for value in values or []:
        for item in value.split(","):
            name, sep, file = item.strip().partition(":")
            name = name.strip().lower()
            if name not in FORMAT_NAMES:
                _fail(f"--format: unknown format {name!r} (choose from {', '.join(FORMAT_NAMES)})")
            if sep and not file:
                _fail(f"--format {item.strip()}: no file after ':'")
            if sep:
                extra.append((name, Path(file)))
            elif primary is not None and primary != name:
                _fail(
                    f"--format: {primary} and {name} cannot both go to standard output; "
                    f"write one to a file ({name}:FILE)"
                )
            else:
                primary = name
    return primary or "text", tuple(extra)


def _globs(values: list[str] | None) -> tuple[str, ...] | None:
    """Repeated and/or comma-separated glob options, as one tuple (None when absent)."""
    if values is None:
        return None
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())


def _size(value: str | None) -> int | None:
    """``--max-file-size``: bytes, or with KB/MB/GB."""
    if value is None:
        return None
    from infmigrate.workspace.config import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        _fail(f"--max-file-size: {exc}")


def _target(value: str | None) -> WindowsVersion | None:
    """``--target-windows``: a Windows version (:mod:`infmigrate.engine.builds`)."""
    if value is None:
        return None
    from infmigrate.engine.builds import parse_windows

    try:
        return parse_windows(value)
    except ValueError as exc:
        _fail(f"--target-windows: {exc}")


@app.command()
def run(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATHS",
            show_default=False,
            help="INF/INX files, or directories to search (recursively) for *.inf and "
            "*.inx in any case; '-' reads standard input.",
        ),
    ] = None,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            rich_help_panel=_MODES,
            help="Print a unified diff of the fixes (git style: `infmigrate --diff . | git "
            "apply` applies it); write nothing.",
        ),
    ] = False,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            "-w",
            rich_help_panel=_MODES,
            help="Apply the fixes to the files in place (atomically); report what is left.",
        ),
    ] = False,
    fix_only: Annotated[
        bool,
        typer.Option(
            "--fix-only",
            rich_help_panel=_MODES,
            help="Apply the fixes (as --write; with --diff, show them) and report nothing "
            "that is left: exit 0 unless a file could not be processed (as ruff's "
            "--fix-only; for the pre-commit hook that fixes).",
        ),
    ] = False,
    exit_non_zero_on_fix: Annotated[
        bool,
        typer.Option(
            "--exit-non-zero-on-fix",
            rich_help_panel=_MODES,
            help="With --write or --fix-only: exit 1 when a file was changed, even if "
            "nothing is left to report.",
        ),
    ] = False,
    add_noqa: Annotated[
        bool,
        typer.Option(
            "--add-noqa",
            rich_help_panel=_MODES,
            help="Baseline: add a `; infmigrate: ignore[CODE]` comment for every current "
            "finding (in place, atomically; C/C++ sources are left alone); fix nothing. "
            "Running it again adds nothing.",
        ),
    ] = False,
    add_noqa_reason: Annotated[
        str | None,
        typer.Option(
            "--add-noqa-reason",
            metavar="TEXT",
            rich_help_panel=_MODES,
            show_default=False,
            help="With --add-noqa: written after each new directive (`-- TEXT`).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            rich_help_panel=_MODES,
            help="Print only the summary; the exit status says whether anything would "
            "change or remains.",
        ),
    ] = False,
    unsafe_fixes: Annotated[
        bool | None,
        typer.Option(
            "--unsafe-fixes/--no-unsafe-fixes",
            show_default=False,
            rich_help_panel=_MODES,
            help="Also apply fixes that change what the package does (default: from the "
            "configuration, else no).",
        ),
    ] = None,
    target_windows: Annotated[
        str | None,
        typer.Option(
            "--target-windows",
            metavar="VERSION",
            show_default=False,
            rich_help_panel=_MODES,
            help="The oldest Windows the packages must still install on: 10.0.17763, 17763, "
            "or a release name such as 1809, win11-22H2, server2019 (`--explain builds` "
            "lists them); default: the configuration's `target-windows`, else what each "
            "INF's own Models decorations allow.",
        ),
    ] = None,
    select: Annotated[
        str | None,
        typer.Option(
            "--select",
            metavar="CODES",
            rich_help_panel=_RULES,
            help="Comma-separated rule codes or prefixes to run (e.g. ISO02,ISO015; ALL); "
            "replaces the configuration's selection.",
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option(
            "--ignore",
            metavar="CODES",
            rich_help_panel=_RULES,
            help="Codes or prefixes not to report or fix (syntax problems too, e.g. INF003).",
        ),
    ] = None,
    extend_select: Annotated[
        str | None,
        typer.Option(
            "--extend-select",
            metavar="CODES",
            rich_help_panel=_RULES,
            help="Codes or prefixes to run in addition to the selection.",
        ),
    ] = None,
    list_rules: Annotated[
        bool,
        typer.Option(
            "--list-rules",
            callback=_list_rules,
            is_eager=True,
            rich_help_panel=_RULES,
            help="List the rules and exit.",
        ),
    ] = False,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="CODE",
            callback=_explain,
            is_eager=True,
            rich_help_panel=_RULES,
            help="Print a rule's documentation and exit (`floors`: the floor table; `builds`: "
            "the Windows versions --target-windows takes).",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            metavar="GLOBS",
            rich_help_panel=_FILES,
            show_default=False,
            help="Gitignore-style globs (comma-separated or repeated, relative to the working "
            "directory) of files and folders to skip; replaces the configuration's "
            "`exclude`.",
        ),
    ] = None,
    extend_exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--extend-exclude",
            metavar="GLOBS",
            rich_help_panel=_FILES,
            show_default=False,
            help="Like --exclude, but in addition to the configuration's `exclude`.",
        ),
    ] = None,
    force_exclude: Annotated[
        bool,
        typer.Option(
            "--force-exclude",
            rich_help_panel=_FILES,
            help="Apply the exclude globs to files named on the command line too (for pre-commit).",
        ),
    ] = False,
    sources: Annotated[
        bool | None,
        typer.Option(
            "--sources/--no-sources",
            rich_help_panel=_FILES,
            show_default=False,
            help="Also check the C/C++ sources (.c .cpp .cc .cxx .h .hpp) found in the "
            "folders searched, for code that breaks isolation (rules ISO100-ISO119); "
            "default: the configuration's `sources`, else yes.",
        ),
    ] = None,
    respect_gitignore: Annotated[
        bool,
        typer.Option(
            "--respect-gitignore/--no-respect-gitignore",
            rich_help_panel=_FILES,
            help="Skip what git ignores (.gitignore files, .git/info/exclude) when searching "
            "directories inside a git work tree.",
        ),
    ] = True,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks",
            rich_help_panel=_FILES,
            help="Follow symbolic links to files and directories met while searching "
            "(default: skip them; links named on the command line are always "
            "followed).",
        ),
    ] = False,
    max_file_size: Annotated[
        str | None,
        typer.Option(
            "--max-file-size",
            metavar="SIZE",
            rich_help_panel=_FILES,
            show_default=False,
            help="Skip (with a note) files larger than SIZE: bytes, or with KB/MB/GB (default: "
            "the configuration's `max-file-size`, else 64MB).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            min=1,
            rich_help_panel=_RUN,
            show_default=False,
            help="Worker processes (default: one per core). Output is the same whatever N is.",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            envvar="INFMIGRATE_NO_CACHE",
            rich_help_panel=_RUN,
            help="Neither read nor write the results cache.",
        ),
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="DIR",
            envvar="INFMIGRATE_CACHE_DIR",
            rich_help_panel=_RUN,
            show_default=False,
            help="Where the results cache lives (default: .infmigrate_cache in the project root).",
        ),
    ] = None,
    statistics: Annotated[
        bool,
        typer.Option(
            "--statistics",
            rich_help_panel=_OUTPUT,
            help="Print a table of the findings per rule (found, fixed, left when fixing) "
            "instead of each finding.",
        ),
    ] = False,
    output_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            metavar="FORMAT[:FILE]",
            rich_help_panel=_OUTPUT,
            show_default=False,
            help="How to print findings: text (default), json, sarif (code scanning), "
            "github (Actions annotations), rdjsonl (reviewdog), gitlab (Code Quality), "
            "github-review (PR review comments with suggestions), msbuild (Visual Studio "
            "Error List), junit (JUnit XML), azure (Azure Pipelines). FORMAT:FILE writes "
            "that format to FILE besides the output on standard output; repeat it or "
            "separate with commas (e.g. --format text --format sarif:infmigrate.sarif).",
        ),
    ] = None,
    output_file: Annotated[
        Path | None,
        typer.Option(
            "--output-file",
            "-o",
            metavar="FILE",
            rich_help_panel=_OUTPUT,
            help="Write the findings (or the diff) to FILE instead of standard output.",
        ),
    ] = None,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero",
            rich_help_panel=_OUTPUT,
            help="Exit 0 even when findings remain or fixes are pending (errors still exit 2).",
        ),
    ] = False,
    diff_filter_base: Annotated[
        str | None,
        typer.Option(
            "--diff-filter-base",
            metavar="REF",
            rich_help_panel=_OUTPUT,
            help="Review formats (github-review, rdjsonl): comment only on the lines a pull "
            "request changes, `git diff REF...HEAD` (e.g. origin/main).",
        ),
    ] = None,
    diff_filter: Annotated[
        DiffFilter,
        typer.Option(
            "--diff-filter",
            rich_help_panel=_OUTPUT,
            case_sensitive=False,
            help="With --diff-filter-base: keep findings on added lines, on the diff's "
            "hunks with their context lines (what GitHub accepts), or in changed files.",
        ),
    ] = DiffFilter.diff_context,
    stdin_filename: Annotated[
        str | None,
        typer.Option(
            "--stdin-filename",
            metavar="NAME",
            rich_help_panel=_OUTPUT,
            help="Name to show (and to find the configuration from) for standard input; "
            "implies '-' when no PATHS are given.",
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            rich_help_panel=_OUTPUT,
            help="Print findings and errors only, no summary.",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            rich_help_panel=_OUTPUT,
            help="Also print the configuration used and each file checked.",
        ),
    ] = False,
    color: Annotated[
        Color,
        typer.Option(
            "--color",
            rich_help_panel=_OUTPUT,
            case_sensitive=False,
            help="Colour the text output and diffs.",
        ),
    ] = Color.auto,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Migrate Windows driver INF files to driver package isolation.

    Without a mode option, report what the rules find, one line per finding
    (path:line:col: CODE message, [*] when --diff/--write would fix it), and a summary
    on standard error. Settings come from [tool.infmigrate] in the nearest pyproject.toml
    (or infmigrate.toml) above each file; options override them. A trailing comment
    `; infmigrate: ignore[CODE]` silences a rule on its line, `; infmigrate:
    ignore-file[CODE]` in the whole file.

    Exit status: 0 nothing to change and nothing to report; 1 findings remain, or fixes
    are pending (--diff, --check); 2 usage or configuration error, a file that could not
    be read or written, or an internal error.
    """
    from infmigrate._startup import no_collection

    with no_collection():
        from infmigrate.cli.command import Mode, RunOptions, UsageError
        from infmigrate.cli.command import run as run_command
        from infmigrate.engine.selection import parse_codes

    modes = [
        name
        for name, on in (
            ("--diff", diff),
            ("--write", write),
            ("--check", check),
            ("--add-noqa", add_noqa),
        )
        if on
    ]
    if ("--write" in modes or "--add-noqa" in modes) and len(modes) > 1:
        _fail(f"{' and '.join(modes)} cannot be combined")
    if fix_only and (check or add_noqa):
        _fail(f"--fix-only and {'--check' if check else '--add-noqa'} cannot be combined")
    if add_noqa_reason is not None and not add_noqa:
        _fail("--add-noqa-reason goes with --add-noqa")
    mode = (
        Mode.ADD_NOQA
        if add_noqa
        else Mode.WRITE
        if write or (fix_only and not diff)
        else Mode.DIFF
        if diff
        else Mode.CHECK
        if check
        else Mode.REPORT
    )
    primary, extra_outputs = _outputs(output_format, output_file)
    if quiet and verbose:
        _fail("--quiet and --verbose cannot be combined")
    options = RunOptions(
        paths=list(paths or []),
        mode=mode,
        unsafe_fixes=unsafe_fixes,
        select=parse_codes(select),
        ignore=parse_codes(ignore) or (),
        extend_select=parse_codes(extend_select) or (),
        output_format=primary,
        output_file=output_file,
        extra_outputs=extra_outputs,
        fix_only=fix_only,
        exit_non_zero_on_fix=exit_non_zero_on_fix,
        add_noqa=(add_noqa_reason or "") if add_noqa else None,
        exit_zero=exit_zero,
        quiet=quiet,
        verbose=verbose,
        color=color.value,
        stdin_filename=stdin_filename,
        diff_filter_base=diff_filter_base,
        diff_filter=diff_filter.value,
        force_exclude=force_exclude,
        jobs=jobs,
        cache=not no_cache,
        cache_dir=cache_dir,
        statistics=statistics,
        exclude=_globs(exclude),
        extend_exclude=_globs(extend_exclude) or (),
        respect_gitignore=respect_gitignore,
        follow_symlinks=follow_symlinks,
        max_file_size=_size(max_file_size),
        target_windows=_target(target_windows),
        sources=sources,
    )
    try:
        status = run_command(options)
    except UsageError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        typer.echo("infmigrate: interrupted", err=True)
        raise typer.Exit(2) from None
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): say nothing more, and keep Python's exit
        # from failing to flush into the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(2) from None
    except Exception as exc:
        typer.echo(
            f"infmigrate: internal error: {type(exc).__name__}: {exc}; please report "
            "it (run with --verbose for details)",
            err=True,
        )
        if verbose:
            import traceback

            traceback.print_exc()
        raise typer.Exit(2) from None
    raise typer.Exit(status)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    typer.echo("Try 'infmigrate --help' for help.", err=True)
    raise typer.Exit(2)


def main() -> None:
    """Console-script entry point: typer's command, its option values converted without
    pydantic where nothing needs validating (:mod:`infmigrate.cli.coercion`)."""
    from typer.main import get_command

    from infmigrate._startup import no_collection, quiet_interrupt, started
    from infmigrate.cli.coercion import fast_values

    # (Ctrl-C while typer builds the command, as while the modules load: the process ends,
    # nothing printed; found by the fault suite of issue 18 on a loaded machine)
    with quiet_interrupt(), no_collection():
        command = get_command(app)
        fast_values(command)
    started()
    command()
