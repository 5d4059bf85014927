"""Hostile C shapes: the source reader and every code rule on one C file at 1x/2x/4x.

    python bench/csweep.py [--count N] [--shape S ...]      (bench/run.sh csweep)

A driver package's C and C++ files come from the repository like its INFs (issue 18:
"trust nothing from the repository"). Each shape makes a C file of N items (1x is
``--count``, default 2,000), then 2N and 4N; the file is read and checked as a run reads a
source (``process_source``: tree-sitter, the reader's tables, every code rule), timed
(CPU seconds, the least of two) in this process, and printed as ``bench/sweep.py`` prints
its INFs (``bench/_series.py``): the seconds, the growth per doubling of the file's bytes
and the size at 4x; a growth over 3x on the last doubling (above 0.2 s), or a file the
reader fails on, is flagged (exit 1).

The shapes are those found while fuzzing the reader (``tests/sources/test_fuzz_sources.py``)
and their neighbours: long expressions of names (a cubic walk up the tree for each name
before stop 32), API calls nested in one another (each read all those below it), deep
blocks and branches, many defines, functions and calls.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
for path in (str(BENCH_DIR), str(BENCH_DIR.parent)):
    if path not in sys.path:
        sys.path.insert(0, path)

from _series import run_series  # noqa: E402

_PATH = "\\\\SystemRoot\\\\System32\\\\drivers\\\\x{i}.sys"


def names_in_one_argument(n: int) -> str:
    """One key open whose argument adds ``n`` names (``v0 + v1 + ...``)."""
    terms = " + ".join(f"v{i}" for i in range(n))
    return f"void f(void) {{ ZwOpenKey(&h, KEY_READ, {terms}); }}\n"


def file_variables_in_one_argument(n: int) -> str:
    """``n`` variables of the file, each one registry path, added in one argument."""
    decl = "".join(f'PCWSTR v{i} = L"\\\\Registry\\\\Machine\\\\k{i}";\n' for i in range(n))
    terms = " + ".join(f"v{i}" for i in range(n))
    return decl + f"void f(void) {{ ZwOpenKey(&h, KEY_READ, {terms}); }}\n"


def define_in_one_argument(n: int) -> str:
    """One define of a file path used ``n`` times in one argument."""
    d = f'#define P L"{_PATH.format(i=0)}"\n'
    return (
        d
        + "void f(void) { RtlInitUnicodeString(&u, "
        + " + ".join("P" for _ in range(n))
        + "); }\n"
    )


def many_defines(n: int) -> str:
    """``n`` defines of file paths, each given to a call."""
    d = "".join(f'#define P{i} L"{_PATH.format(i=i)}"\n' for i in range(n))
    body = "".join(f"  RtlInitUnicodeString(&u, P{i});\n" for i in range(n))
    return d + "void f(void) {\n" + body + "}\n"


def nested_blocks(n: int) -> str:
    """``n`` blocks one inside the other, then ``n`` calls with a file path."""
    calls = "".join(f'RtlInitUnicodeString(&u{i}, L"{_PATH.format(i=i)}");' for i in range(n))
    return "void f(void) {" + "{" * n + calls + "}" * n + "}\n"


def nested_ifs(n: int) -> str:
    """``n`` ifs one inside the other, then ``n`` calls with a file path."""
    calls = "".join(f'RtlInitUnicodeString(&u{i}, L"{_PATH.format(i=i)}");' for i in range(n))
    return "void f(int a) {" + "if (a) {" * n + calls + "}" * n + "}\n"


def nested_if0(n: int) -> str:
    """``n`` ``#if 0`` one inside the other around a file path."""
    inner = f'PCWSTR p = L"{_PATH.format(i=0)}";\n'
    return "#if 0\n" * n + inner + "#endif\n" * n + "void f(void) { ZwOpenKey(&h, 0, &a); }\n"


def many_functions(n: int) -> str:
    """``n`` functions, each reading a value by an absolute path."""
    return "".join(
        f"void f{i}(PUNICODE_STRING RegistryPath) {{ RtlQueryRegistryValues("
        f'RTL_REGISTRY_ABSOLUTE, L"\\\\Registry\\\\Machine\\\\System\\\\x{i}", t, 0, 0); }}\n'
        for i in range(n)
    )


def nested_api_calls(n: int) -> str:
    """``n`` registry reads, each the argument of the one before."""
    call = "RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, "
    path = '"\\\\Registry\\\\Machine\\\\System\\\\x"'
    return "void f(void) { " + call * n + "L" + path + ", t, 0, 0)" * n + "; }\n"


def nested_folder_lookups(n: int) -> str:
    """``n`` folder lookups, each the argument of the one before, a line each: each
    finding spans the lines of all those inside it."""
    call = "SHGetFolderPathW(NULL, CSIDL_SYSTEM,\n"
    return "void f(void) {\n" + call * n + "0" + ", 0, p)\n" * n + "; }\n"


def suppression_marks(n: int) -> str:
    """``n`` lines, each with a finding and a comment of ``infmigrate:`` marks."""
    line = 'LoadLibraryW(L"C:\\\\Windows\\\\System32\\\\x.dll"); '
    marks = "// infmigrate: ignore[ISO999] infmigrate: ignore[ISO998]\n"
    return "void f(void) {\n" + (line + marks) * n + "}\n"


def nested_parentheses(n: int) -> str:
    """One argument in ``n`` parentheses."""
    return "void f(void) { ZwOpenKey(&h, KEY_READ, " + "(" * n + "v" + ")" * n + "); }\n"


#: name -> the C file of n items.
SHAPES: dict[str, Callable[[int], str]] = {
    "names-in-one-argument": names_in_one_argument,
    "file-variables-in-one-argument": file_variables_in_one_argument,
    "define-in-one-argument": define_in_one_argument,
    "many-defines": many_defines,
    "nested-blocks": nested_blocks,
    "nested-ifs": nested_ifs,
    "nested-if0": nested_if0,
    "many-functions": many_functions,
    "nested-api-calls": nested_api_calls,
    "nested-folder-lookups": nested_folder_lookups,
    "suppression-marks": suppression_marks,
    "nested-parentheses": nested_parentheses,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--count", type=int, default=2000, help="items at 1x (default 2,000)")
    ap.add_argument("--shape", action="append", choices=sorted(SHAPES), help="only this shape")
    args = ap.parse_args(argv)

    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.problems import SYNTAX_CODES
    from infmigrate.engine.processing import FileOptions
    from infmigrate.sources.processing import process_source

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))

    def run(name: str, data: bytes) -> tuple[float, str | None]:
        """CPU seconds of reading and checking the file, the least of two."""
        best, error = float("inf"), None
        for _ in range(2):
            start = time.process_time()
            result = process_source(data, f"{name}.c", options)
            best = min(best, time.process_time() - start)
            error = result.error
        return best, error

    run("warm-up", b"void f(void) { ZwOpenKey(&h, 0, &a); }\n")  # the parsers, the rules
    shapes = [(name, SHAPES[name], args.count) for name in args.shape or SHAPES]
    flagged = run_series(shapes, run)
    for line in flagged:
        print(line)
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
