"""CI conventions (issue 15): several outputs in one run, ``--fix-only`` and
``--exit-non-zero-on-fix``, the ``--add-noqa`` baseline, the msbuild/junit/azure formats'
promises, GitLab paths under ``CI_PROJECT_DIR``, and the small things (a configuration
error once, a string where a list is due, a folder without INFs)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from infmigrate.cli.command import RunOptions, run
from infmigrate.engine.fixer import Diagnostic
from infmigrate.engine.suppression import add_directives
from infmigrate.engine.syntax import parse
from infmigrate.output.azure import escape_data, escape_property

from .conftest import ISO015, cli, files_of

#: legacy.INF's `PnpLockdown = 0` is fixed only with --unsafe-fixes: a finding that stays.
UNFIXABLE = b'[Version]\nSignature = "$Windows NT$"\nClass = Net\nPnpLockdown = 0\n'
FIXABLE = b'[Version]\r\nSignature="$Windows NT$"\r\nClass=Net\r\n'


def _utf16(text: str) -> bytes:
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


# --- several outputs ---------------------------------------------------------------------


def test_text_on_stdout_and_reports_in_files(tree: Path) -> None:
    alone = {
        fmt: cli(*ISO015, "--no-cache", "--format", fmt, ".", cwd=tree).stdout
        for fmt in ("text", "sarif", "junit")
    }
    (tree / "out").mkdir()
    res = cli(
        *ISO015,
        "--no-cache",
        "--format",
        "text",
        "--format",
        "sarif:out/r.sarif,junit:j.xml",
        ".",
        cwd=tree,
    )
    assert res.status == 1
    assert res.stdout == alone["text"]
    assert (tree / "out" / "r.sarif").read_bytes() == alone["sarif"]
    assert (tree / "j.xml").read_bytes() == alone["junit"]
    # no temporary file is left beside them
    assert sorted(p.name for p in (tree / "out").iterdir()) == ["r.sarif"]


def test_a_format_to_a_file_alone_keeps_text_on_stdout(tree: Path) -> None:
    res = cli(*ISO015, "--no-cache", "--format", "msbuild:vs.txt", "drivers/net", cwd=tree)
    assert res.stdout == (
        b"drivers/net/legacy.INF:4:1: ISO015 PnpLockdown is '0' instead of 1\n"
        b"drivers/net/net.inf:2:1: ISO015 [*] [Version] has no PnpLockdown = 1 directive\n"
    )
    assert (tree / "vs.txt").read_bytes() == (
        b"drivers/net/legacy.INF(4,1): error ISO015: PnpLockdown is '0' instead of 1\n"
        b"drivers/net/net.inf(2,1): error ISO015: [Version] has no PnpLockdown = 1 directive\n"
    )


def test_check_writes_the_file_outputs(tree: Path) -> None:
    res = cli(*ISO015, "--no-cache", "-q", "--check", "--format", "junit:j.xml", ".", cwd=tree)
    assert (res.status, res.stdout, res.stderr) == (1, b"", "")
    suites = ET.fromstring((tree / "j.xml").read_bytes())
    assert suites.get("failures") == "7"


@pytest.mark.parametrize(
    "args, message",
    [
        (("--format", "json,sarif"), "json and sarif cannot both go to standard output"),
        (("--format", "sarif:"), "no file after ':'"),
        (("--format", "nope:x"), "unknown format 'nope'"),
        (("--format", "sarif:a.sarif", "--format", "json:a.sarif"), "same file"),
        (("--format", "json", "-o", "a", "--format", "sarif:a"), "same file"),
    ],
)
def test_bad_outputs_are_refused(tree: Path, args: tuple[str, ...], message: str) -> None:
    res = cli(*args, ".", cwd=tree)
    assert res.status == 2
    assert message in res.stderr
    assert not (tree / "a").exists() and not (tree / "a.sarif").exists()


def test_an_output_file_that_cannot_be_written_is_an_error(tree: Path) -> None:
    res = cli(*ISO015, "--no-cache", "--format", "sarif:missing/r.sarif", ".", cwd=tree)
    assert res.status == 2
    assert "error: cannot write missing/r.sarif: No such file or directory" in res.stderr


# --- --fix-only ------------------------------------------------------------------------


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "r"
    root.mkdir()
    (root / "fix.inf").write_bytes(FIXABLE)
    (root / "left.inf").write_bytes(UNFIXABLE)
    return root


def test_fix_only_fixes_reports_nothing_left_and_exits_zero(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    first = cli(*ISO015, "--no-cache", "--fix-only", ".", cwd=root)
    assert (first.status, first.stdout) == (0, b"")
    assert first.stderr == (
        "Fixed fix.inf (ISO015)\n"
        "Fixed 1 problem in 1 file (2 files checked).\n"
        "2 files scanned: 1 changed, 1 unchanged.\n"
    )
    assert (root / "fix.inf").read_bytes() == FIXABLE + b"PnpLockdown=1\r\n"
    assert (root / "left.inf").read_bytes() == UNFIXABLE
    second = cli(*ISO015, "--no-cache", "--fix-only", ".", cwd=root)
    assert (second.status, second.stdout) == (0, b"")
    assert second.stderr == ("Nothing to fix (2 files checked).\n2 files scanned: 2 unchanged.\n")
    # --write still reports what is left, and fails on it
    write = cli(*ISO015, "--no-cache", "--write", ".", cwd=root)
    assert write.status == 1
    assert write.stdout == b"left.inf:4:1: ISO015 PnpLockdown is '0' instead of 1\n"


def test_exit_non_zero_on_fix(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    args = (*ISO015, "--no-cache", "--exit-non-zero-on-fix")
    assert cli(*args, "--fix-only", ".", cwd=root).status == 1  # changed a file
    assert cli(*args, "--fix-only", ".", cwd=root).status == 0  # nothing changed
    (root / "left.inf").unlink()
    (root / "fix.inf").write_bytes(FIXABLE)
    assert cli(*args, "--write", ".", cwd=root).status == 1  # fixed all, but changed
    assert cli(*args, "--write", ".", cwd=root).status == 0


def test_fix_only_with_diff_exits_one_only_for_changes(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    res = cli(*ISO015, "--no-cache", "--fix-only", "--diff", ".", cwd=root)
    assert res.status == 1 and res.stdout.startswith(b"--- a/fix.inf\n+++ b/fix.inf\n")
    assert res.stderr == (
        "Would fix 1 problem in 1 file (2 files checked).\n"
        "2 files scanned: 1 would change, 1 unchanged.\n"
    )
    assert (root / "fix.inf").read_bytes() == FIXABLE  # nothing written
    (root / "fix.inf").unlink()
    res = cli(*ISO015, "--no-cache", "--fix-only", "--diff", ".", cwd=root)
    assert (res.status, res.stdout) == (0, b"")  # left.inf's finding does not count


@pytest.mark.parametrize(
    "args, message",
    [
        (("--fix-only", "--check"), "--fix-only and --check cannot be combined"),
        (("--exit-non-zero-on-fix",), "--exit-non-zero-on-fix applies to --write"),
        (("--write", "--exit-zero", "--exit-non-zero-on-fix"), "cannot be combined"),
        (("--add-noqa", "--write"), "--write and --add-noqa cannot be combined"),
        (("--add-noqa-reason", "x"), "--add-noqa-reason goes with --add-noqa"),
        (("--add-noqa", "--add-noqa-reason", "a\nb"), "must be a single line"),
        (("--add-noqa", "-"), "not standard input"),
    ],
)
def test_bad_mode_combinations(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    root = _repo(tmp_path)
    res = cli(*args, ".", cwd=root)
    assert res.status == 2 and message in res.stderr
    assert files_of(root) == {"fix.inf": FIXABLE, "left.inf": UNFIXABLE}


# --- --add-noqa ------------------------------------------------------------------------

BASELINE_TEXT = (
    "[Version] ; the header\n"
    'Signature = "$Windows NT$"\n'
    "Class = Net\n"
    "PnpLockdown = 0\n"
    "\n"
    "[DefaultInstall.NT]\n"
    "CopyFiles = a.sys, \\\n"
    "    b.sys\n"
    "AddReg = x ; infmigrate: ignore[ISO020]\n"
)


def _d(code: str, line: int) -> Diagnostic:
    return Diagnostic(code, "name", "message", line)


def test_add_directives_places_each_comment_where_it_takes_effect() -> None:
    tree = parse(_utf16(BASELINE_TEXT))
    found = [_d("ISO015", 1), _d("ISO015", 4), _d("ISO001", 7), _d("ISO012", 8), _d("ISO021", 9)]
    out = add_directives(tree, found, "adopted 2026-12")
    assert out.data == _utf16(
        "[Version] ; the header ; infmigrate: ignore[ISO015] -- adopted 2026-12\n"
        'Signature = "$Windows NT$"\n'
        "Class = Net\n"
        "PnpLockdown = 0 ; infmigrate: ignore[ISO015] -- adopted 2026-12\n"
        "\n"
        "[DefaultInstall.NT]\n"
        "CopyFiles = a.sys, \\\n"
        "    b.sys ; infmigrate: ignore[ISO001, ISO012] -- adopted 2026-12\n"
        "AddReg = x ; infmigrate: ignore[ISO020, ISO021]\n"
    )
    assert (out.lines, out.left, len(out.suppressed)) == (4, [], 5)
    # again: the findings are suppressed, so nothing is added
    again = add_directives(parse(out.data), [], "adopted 2026-12")
    assert again.data == out.data and again.lines == 0


def test_add_directives_leaves_a_line_a_comment_would_change() -> None:
    # `;` after an unclosed quote is part of the value; `]` would close a broken header
    data = b'[Version]\r\n[Strings\r\nName = "open\r\n'
    out = add_directives(parse(data), [_d("INF001", 2), _d("INF003", 3), _d("ISO015", 1)])
    assert out.data == b'[Version] ; infmigrate: ignore[ISO015]\r\n[Strings\r\nName = "open\r\n'
    assert [d.code for d in out.left] == ["INF001", "INF003"]


def test_add_directives_comments_text_before_the_first_section() -> None:
    # a C-style licence block above [Version] (INF002 on each line), as in real INFs
    data = _utf16("/*\n * (c) Contoso\n */\n[Version]\n")
    out = add_directives(parse(data), [_d("INF002", 1), _d("INF002", 2), _d("INF002", 3)])
    assert out.data == _utf16(
        "/* ; infmigrate: ignore[INF002]\n"
        " * (c) Contoso ; infmigrate: ignore[INF002]\n"
        " */ ; infmigrate: ignore[INF002]\n"
        "[Version]\n"
    )
    assert out.left == []


def test_add_directives_keeps_a_dos_end_of_file_mark() -> None:
    # Windows 9x-era INFs end with Ctrl-Z, kept as the tree's tail
    data = b"[Version]\r\nSignature=$Chicago$\r\n\x1a"
    out = add_directives(parse(data), [_d("ISO015", 1)])
    assert out.data == b"[Version] ; infmigrate: ignore[ISO015]\r\nSignature=$Chicago$\r\n\x1a"
    assert out.left == []


def test_add_noqa_command_is_a_baseline(tree: Path) -> None:
    before = files_of(tree)
    res = cli(*ISO015, "--no-cache", "--add-noqa", "--add-noqa-reason", "baseline", ".", cwd=tree)
    assert res.status == 1  # two findings of broken.inf cannot take a comment
    assert res.stdout == b""
    assert res.stderr == (
        "Suppressed 1 finding in drivers/broken/broken.inf\n"
        "warning: drivers/broken/broken.inf:5:1: INF001 left: no suppression comment can go "
        "on this line\n"
        "warning: drivers/broken/broken.inf:6:8: INF003 left: no suppression comment can go "
        "on this line\n"
        "Suppressed 1 finding in drivers/mixed/mixed.inf\n"
        "Suppressed 1 finding in drivers/net/legacy.INF\n"
        "Suppressed 1 finding in drivers/net/net.inf\n"
        "Suppressed 1 finding in drivers/wide/wide.inf\n"
        "Suppressed 5 findings with comments in 5 files; 2 findings left (listed above) "
        "(8 files checked).\n"
        "8 files scanned: 5 changed, 3 unchanged.\n"
    )
    after = files_of(tree)
    # UTF-16LE with CRLF stays so, BOM and all
    wide = before["drivers/wide/wide.inf"].decode("utf-16")
    first = wide.split("\r\n", 1)[0]
    assert after["drivers/wide/wide.inf"] == b"\xff\xfe" + wide.replace(
        first, first + " ; infmigrate: ignore[ISO015] -- baseline", 1
    ).encode("utf-16-le")
    assert after["drivers/net/legacy.INF"] == before["drivers/net/legacy.INF"].replace(
        b"PnpLockdown = 0\n", b"PnpLockdown = 0 ; infmigrate: ignore[ISO015] -- baseline\n"
    )
    # only the findings that could not take a comment are reported now
    report = cli(*ISO015, "--no-cache", ".", cwd=tree)
    assert report.stdout == (
        b"drivers/broken/broken.inf:5:1: INF001 section header has no closing ']'\n"
        b"drivers/broken/broken.inf:6:8: INF003 quoted string is not closed before the end "
        b"of the line\n"
    )
    # and a second baseline changes nothing
    again = cli(*ISO015, "--no-cache", "--add-noqa", ".", cwd=tree)
    assert again.status == 1 and files_of(tree) == after


# --- the formats' promises --------------------------------------------------------------


def test_azure_escaping() -> None:
    # property values: % first, then CR, LF, ] and ; (the task library's escape)
    assert escape_property("a;b]c%d\r\ne") == "a%3Bb%5Dc%AZP25d%0D%0Ae"
    # the message: %, CR and LF only
    assert escape_data("50% ;]\r\n") == "50%AZP25 ;]%0D%0A"


def _run(root: Path, fmt: str, paths: list[str], env_dir: str = "") -> str:
    out, err = io.BytesIO(), io.StringIO()
    run(
        RunOptions(paths=paths, select=("ISO015",), output_format=fmt, cwd=root, cache=False),
        stdin=io.BytesIO(),
        stdout=out,
        stderr=err,
    )
    return out.getvalue().decode("utf-8")


def test_azure_paths_are_absolute_and_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "a;b]c"
    folder.mkdir()
    (folder / "x.inf").write_bytes(FIXABLE)
    got = _run(tmp_path, "azure", ["."])
    assert got == (
        f"##vso[task.logissue type=error;sourcepath={tmp_path}/a%3Bb%5Dc/x.inf;linenumber=1;"
        "columnnumber=1;code=ISO015;]ISO015 [Version] has no PnpLockdown = 1 directive\n"
    )


def test_msbuild_keeps_a_finding_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "x.inf").write_bytes(FIXABLE)
    got = _run(tmp_path, "msbuild", ["x.inf"])
    assert got == "x.inf(1,1): error ISO015: [Version] has no PnpLockdown = 1 directive\n"


def test_junit_counts_errors_skips_and_clean_files(tmp_path: Path) -> None:
    (tmp_path / "bad.inf").write_bytes(FIXABLE)
    (tmp_path / "clean.inf").write_bytes(FIXABLE + b"PnpLockdown=1\r\n")
    (tmp_path / "edk2.inf").write_bytes(b"[Defines]\r\n  INF_VERSION = 0x00010005\r\n")
    suites = ET.fromstring(
        _run(tmp_path, "junit", ["bad.inf", "clean.inf", "edk2.inf", "gone.inf"])
    )
    assert dict(suites.attrib) == {
        "name": "infmigrate",
        "tests": "4",
        "failures": "1",
        "errors": "1",
        "skipped": "1",
    }
    shape = {s.get("name"): [(c.get("name"), [e.tag for e in c]) for c in s] for s in suites}
    assert shape == {
        "bad.inf": [("ISO015 (line 1, column 1)", ["failure"])],
        "clean.inf": [("no findings", [])],
        "gone.inf": [("infmigrate", ["error"])],
        "edk2.inf": [("infmigrate", ["skipped"])],
    }


def test_gitlab_paths_are_relative_to_ci_project_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = tmp_path / "drivers"
    sub.mkdir()
    (sub / "x.inf").write_bytes(FIXABLE)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    plain = json.loads(_run(sub, "gitlab", ["."]))
    assert [i["location"]["path"] for i in plain] == ["x.inf"]
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path))
    issues = json.loads(_run(sub, "gitlab", ["."]))
    assert [i["location"]["path"] for i in issues] == ["drivers/x.inf"]
    # the fingerprint stays that of the path as shown (stable across the two)
    assert issues[0]["fingerprint"] == plain[0]["fingerprint"]
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path / "elsewhere"))
    assert [i["location"]["path"] for i in json.loads(_run(sub, "gitlab", ["."]))] == ["x.inf"]


# --- small things ------------------------------------------------------------------------


def test_a_configuration_error_is_printed_once(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.infmigrate]\nselect = "ISO015"\n')
    for name in ("a.inf", "b.inf", "c.inf"):
        (tmp_path / name).write_bytes(FIXABLE)
    res = cli("--no-cache", ".", cwd=tmp_path)
    assert res.status == 2
    assert res.stderr == (
        f"error: configuration error: {tmp_path / 'pyproject.toml'}:2: 'select' must be a "
        'list of strings, not a string: write select = ["ISO015"] (3 files not checked)\n'
        "No problems found (0 files checked).\n"
        "3 files scanned: 3 failed.\n"
    )


def test_a_folder_without_inf_files_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    res = cli("--no-cache", "empty", cwd=tmp_path)
    assert res.status == 0
    assert res.stderr == (
        "warning: no INF or INX files found in empty\nNo problems found (0 files checked).\n"
    )


def test_the_command_line_knows_every_format() -> None:
    from infmigrate.cli.app import FORMAT_NAMES
    from infmigrate.output import FORMATS

    assert tuple(FORMATS) == FORMAT_NAMES
