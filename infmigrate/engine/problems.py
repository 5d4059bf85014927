"""Syntax and encoding problems (``InfFile.problems``: INF000..INF005) as diagnostics, and
INF006 for a file that is not an INF at all (:mod:`infmigrate.engine.syntax.notinf`).

The parser is total, so a malformed line never stops the tool: it becomes an error node,
reported here with its code like a rule's finding. These codes have no fixes and are not
fixers; they are always reported unless ignored (``--ignore INF003``) or suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass

from infmigrate.engine.fixer import Diagnostic
from infmigrate.engine.syntax import InfFile
from infmigrate.engine.syntax.lines import line_texts
from infmigrate.engine.syntax.notinf import NotInf, not_an_inf

__all__ = ["SYNTAX_CODES", "SyntaxCode", "not_inf_diagnostic", "severity_of", "syntax_diagnostics"]


@dataclass(frozen=True, slots=True)
class SyntaxCode:
    """What ``--list-rules`` and ``--explain`` say about a syntax problem."""

    code: str
    name: str
    severity: str
    summary: str
    docs: str


SYNTAX_CODES: dict[str, SyntaxCode] = {
    s.code: s
    for s in (
        SyntaxCode(
            "INF000",
            "unparsable-line",
            "error",
            "line could not be parsed",
            "## What it does\nFlags a line that is neither a section header, an entry nor a "
            "comment.\n\n## Why is this bad?\nSetupAPI skips or misreads such lines; what "
            "the author meant is lost.\n\n## Fix safety\nNo fix: only the author knows what "
            "the line should say. The line is kept byte for byte.",
        ),
        SyntaxCode(
            "INF001",
            "section-header-unclosed",
            "error",
            "section header has no closing ']'",
            "## What it does\nFlags a line that starts with `[` but has no closing `]`.\n\n"
            "## Why is this bad?\nSetupAPI does not start a new section there: the lines "
            "below it are read as part of the previous section.\n\n## Example\n```inf\n"
            "[Strings\n```\n\nUse instead:\n```inf\n[Strings]\n```\n\n## Fix safety\n"
            "No fix: the line is kept byte for byte.",
        ),
        SyntaxCode(
            "INF002",
            "text-before-first-section",
            "error",
            "text before the first section header is not allowed",
            "## What it does\nFlags an entry above the first section header.\n\n"
            "## Why is this bad?\nSetupAPI ignores it (or rejects the file): every entry "
            "belongs to a section.\n\n## Fix safety\nNo fix: move the line into the section "
            "it belongs to, or make it a `;` comment.",
        ),
        SyntaxCode(
            "INF003",
            "unclosed-quote",
            "warning",
            "quoted string is not closed before the end of the line",
            '## What it does\nFlags a `"` that the end of its line closes.\n\n'
            "## Why is this bad?\nSetupAPI ends the string at the end of the line, so a "
            "`;` or `,` after the quote is part of the value, which is rarely what was "
            "meant.\n\n## Fix safety\nNo fix: add the closing quote where the string ends.",
        ),
        SyntaxCode(
            "INF004",
            "utf16-odd-byte-count",
            "error",
            "UTF-16 file has an odd number of bytes (truncated)",
            "## What it does\nFlags a UTF-16 file (with a byte order mark) whose byte count "
            "is odd: its last byte is half a character.\n\n## Why is this bad?\nA UTF-16 "
            "file is made of 2-byte units; a stray final byte means the file was cut short "
            "(an interrupted copy or download, a bad merge), and whatever followed is "
            "lost. The byte is kept, so the file still reads back identically, but "
            "migrating a damaged file would hide the damage.\n\n## Fix safety\nNo fix, "
            "and no other fix either: `--diff` and `--write` leave the file alone and exit "
            "with status 2 (the other files are still processed). Restore the complete "
            "file.\n\n## References\n- [General guidelines for INF files: file encodings]"
            "(https://learn.microsoft.com/windows-hardware/drivers/install/"
            "general-guidelines-for-inf-files)",
        ),
        SyntaxCode(
            "INF005",
            "utf8-non-ascii",
            "warning",
            "UTF-8 file with non-ASCII text (InfVerif accepts only ANSI or UTF-16LE)",
            "## What it does\nFlags a UTF-8 file, with or without a byte order mark, that "
            "holds non-ASCII text; the finding points at the first such character. A "
            "UTF-8 file of ASCII text only is the same bytes as ANSI and is not flagged."
            "\n\n## Why is this bad?\nWindows reads an INF as ANSI (the system code page) "
            "or UTF-16LE. Microsoft's guidelines say an INF with non-ASCII characters must "
            "be saved as UTF-16LE, and InfVerif rejects other encodings with error 1003 "
            '("INF has invalid or unknown file encoding, must be ANSI or UTF-16 LE"), '
            "an error in every mode. Read as ANSI, each UTF-8 sequence becomes two or "
            "three wrong characters in a device description or a path.\n\n## Example\n"
            'A `[Strings]` value `Desc = "Gerät"` saved as UTF-8.\n\nUse instead: the '
            "same file saved as UTF-16LE (with its BOM).\n\n## Fix safety\nNo fix: "
            "infmigrate keeps each file's encoding; re-save the file as UTF-16LE.\n\n"
            "## References\n- [INF validation errors and warnings: 1003](https://"
            "learn.microsoft.com/windows-hardware/drivers/devtest/"
            "inf-validation-errors-and-warnings)\n- [General guidelines for INF files: "
            "editing INF files and file encodings](https://learn.microsoft.com/"
            "windows-hardware/drivers/install/general-guidelines-for-inf-files)",
        ),
        SyntaxCode(
            "INF006",
            "not-an-inf-file",
            "error",
            "the file is not an INF (no [Version] section; its text is not in sections)",
            "## What it does\nFlags a file named `.inf` (or `.inx`) that is not an INF at "
            "all: C source, an HTML page or notes saved under an INF name. It replaces "
            "the INF002 finding each of its lines would get, and the rules do not run: "
            "the file gets this one finding, at its first line of text.\n\nThe test "
            "looks at structure only, and is conservative. A file with a `[Version]` "
            "section header is always taken for an INF. Otherwise the file is not an INF "
            "when it has text before its first section header and either has no section "
            "header at all (no `[name]` line, and no line starting with `[` that lacks "
            "its `]`, which is a damaged INF), or that text is at least 10 lines and at "
            "least half of the file's lines that are neither blank nor `;` comments. "
            "A real INF with a few stray lines (a `/* ... */` licence block above "
            "`[Version]`) still gets one INF002 per stray line. The message says what the "
            "text looks like (C source, HTML or XML, binary data) as a hint only.\n\n"
            "## Why is this bad?\nAn INF is a text file organized into named sections, "
            "and Windows first looks for its `[Version]` section to verify that it is a "
            "valid INF; SetupAPI requires a `[Version]` section in every INF file. Such a "
            "file is not installable, and there is nothing to migrate in it: it is most "
            "likely misnamed, or the wrong file was committed under the INF's name.\n\n"
            "## Example\n```c\n#include <ntddk.h>\n\nNTSTATUS DriverEntry(PDRIVER_OBJECT "
            "DriverObject, PUNICODE_STRING RegistryPath)\n```\nsaved as `mydriver.inf`."
            "\n\nUse instead: rename the file (`.c`), or restore the INF that belongs "
            "there.\n\n## Fix safety\nNo fix: `--diff` and `--write` leave the file "
            "alone; the finding remains, so the exit status is 1 as for any remaining "
            "finding (not 2 as for a truncated file, INF004: nothing is refused, there is "
            "just nothing to migrate). `--ignore INF006` or an `ignore-file[INF006]` "
            "comment silences it; the file is still not checked.\n\n## References\n"
            "- [General Syntax Rules for INF Files](https://learn.microsoft.com/"
            "windows-hardware/drivers/install/general-syntax-rules-for-inf-files)\n"
            "- [Authoring an INF File](https://learn.microsoft.com/windows/win32/"
            "setupapi/authoring-an-inf-file)\n- [INF Version Section](https://"
            "learn.microsoft.com/windows-hardware/drivers/install/inf-version-section)",
        ),
    )
}


def not_inf_diagnostic(tree: InfFile, why: NotInf) -> Diagnostic:
    """The one INF006 finding of a file that is not an INF, at its first line of text."""
    lines = line_texts(tree.code, maxsplit=why.line)
    text = lines[why.line - 1] if 0 < why.line <= len(lines) else ""
    return Diagnostic(
        code="INF006",
        name=SYNTAX_CODES["INF006"].name,
        message=why.message,
        line=why.line,
        column=why.column,
        end_line=why.line,
        end_column=max(len(text) + 1, why.column),
    )


def syntax_diagnostics(tree: InfFile) -> list[Diagnostic]:
    """The tree's syntax problems as diagnostics, in file order (end: the end of the line);
    for a file that is not an INF, its one INF006 finding instead."""
    why = not_an_inf(tree)
    if why is not None:
        return [not_inf_diagnostic(tree, why)]
    problems = tree.problems
    if not problems:
        return []
    lines = line_texts(tree.code)
    out: list[Diagnostic] = []
    for p in problems:
        meta = SYNTAX_CODES.get(p.code)
        text = lines[p.line - 1] if 0 < p.line <= len(lines) else ""
        out.append(
            Diagnostic(
                code=p.code,
                name=meta.name if meta else "syntax-error",
                message=p.message,
                line=p.line,
                column=p.column,
                end_line=p.line,
                end_column=max(len(text) + 1, p.column),
            )
        )
    return out


def severity_of(code: str) -> str:
    """``error`` or ``warning``: a syntax problem's own severity; rules are errors (InfVerif
    reports what they find as errors for Windows Drivers)."""
    meta = SYNTAX_CODES.get(code)
    return meta.severity if meta is not None else "error"
