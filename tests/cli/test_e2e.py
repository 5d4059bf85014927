"""The installed ``infmigrate`` command, run in a subprocess on fixture trees: each mode,
each exit status, standard input, configuration discovery, suppression comments, and
diffs that ``git apply`` and ``patch -p1`` turn into exactly what ``--write`` writes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ISO015, Run, copy_tree, files_of

NET = "drivers/net/net.inf"
LEGACY = "drivers/net/legacy.INF"
WIDE = "drivers/wide/wide.inf"
MIXED = "drivers/mixed/mixed.inf"
BROKEN = "drivers/broken/broken.inf"
USB = "drivers/usb/usb.inx"


def text(data: bytes) -> str:
    return data.decode("utf-8")


# --- report mode ----------------------------------------------------------------------


def test_report_lists_findings_with_fix_markers_and_exits_1(infmigrate: Run, tree: Path) -> None:
    before = files_of(tree)
    proc = infmigrate(*ISO015, ".", cwd=tree)
    assert proc.returncode == 1, proc.stderr
    out = text(proc.stdout).splitlines()
    assert out == [
        f"{BROKEN}:1:1: ISO015 [*] [Version] has no PnpLockdown = 1 directive",
        f"{BROKEN}:5:1: INF001 section header has no closing ']'",
        f"{BROKEN}:6:8: INF003 quoted string is not closed before the end of the line",
        f"{MIXED}:5:1: ISO015 [*] [Version] has no PnpLockdown = 1 directive",
        f"{LEGACY}:4:1: ISO015 PnpLockdown is '0' instead of 1",
        f"{NET}:2:1: ISO015 [*] [Version] has no PnpLockdown = 1 directive",
        f"{WIDE}:1:1: ISO015 [*] [Version] has no PnpLockdown = 1 directive",
    ]
    err = text(proc.stderr)
    assert "Found 7 problems in 5 files (8 files checked)." in err
    assert "[*] 4 fixable with `infmigrate --write` (1 more with `--unsafe-fixes`)." in err
    assert files_of(tree) == before  # report mode writes nothing
    assert "\x1b[" not in text(proc.stdout)  # no colour into a pipe


def test_clean_file_exits_0(infmigrate: Run, tree: Path) -> None:
    proc = infmigrate(*ISO015, USB, cwd=tree)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b""
    assert "No problems found (1 file checked)." in text(proc.stderr)


def test_exit_zero_and_quiet(infmigrate: Run, tree: Path) -> None:
    proc = infmigrate(*ISO015, "--exit-zero", "--quiet", NET, cwd=tree)
    assert proc.returncode == 0
    assert text(proc.stdout).startswith(f"{NET}:2:1: ISO015 [*]")
    assert proc.stderr == b""


def test_color_always_colours_text(infmigrate: Run, tree: Path) -> None:
    proc = infmigrate(*ISO015, "--color", "always", NET, cwd=tree)
    assert "\x1b[" in text(proc.stdout)
    assert proc.returncode == 1


def test_select_ignore_and_suppression(infmigrate: Run, tree: Path) -> None:
    # Both quiet.inf (line comment) and filewide.inf (ignore-file) lack PnpLockdown.
    proc = infmigrate(*ISO015, "drivers/quiet", cwd=tree)
    assert proc.returncode == 0, text(proc.stdout + proc.stderr)
    proc = infmigrate(*ISO015, "--ignore", "INF", BROKEN, cwd=tree)
    assert text(proc.stdout).splitlines() == [
        f"{BROKEN}:1:1: ISO015 [*] [Version] has no PnpLockdown = 1 directive"
    ]
    proc = infmigrate("--select", "INF00", BROKEN, cwd=tree)
    assert [line.split()[1] for line in text(proc.stdout).splitlines()] == ["INF001", "INF003"]


def test_suppressed_findings_are_not_fixed(infmigrate: Run, tree: Path) -> None:
    before = files_of(tree / "drivers" / "quiet")
    proc = infmigrate(*ISO015, "--write", "drivers/quiet", cwd=tree)
    assert proc.returncode == 0
    assert files_of(tree / "drivers" / "quiet") == before


# --- --diff, --check, --write -----------------------------------------------------------


def test_diff_prints_git_style_diff_writes_nothing_exits_1(infmigrate: Run, tree: Path) -> None:
    before = files_of(tree)
    proc = infmigrate(*ISO015, "--diff", ".", cwd=tree)
    assert proc.returncode == 1
    assert files_of(tree) == before
    out = proc.stdout
    assert out.startswith(b"--- a/drivers/broken/broken.inf\n+++ b/drivers/broken/broken.inf\n")
    assert (
        b"--- a/drivers/net/net.inf\n+++ b/drivers/net/net.inf\n@@ -6,6 +6,7 @@\n"
        b" Provider    = %Mfg%\r\n DriverVer   = 09/13/2026,1.0.0.0\r\n"
        b" CatalogFile = net.cat   ; signed catalog\r\n+PnpLockdown = 1\r\n \r\n"
    ) in out
    assert b"-Class = System\n\\ No newline at end of file\n" in out
    assert b"# infmigrate: drivers/wide/wide.inf is UTF-16-LE" in out
    assert b"legacy" not in out  # unsafe fix not asked for
    assert "Would fix 4 problems in 4 files; 3 problems would remain" in text(proc.stderr)


def test_diff_and_check_exit_0_when_nothing_to_do(infmigrate: Run, tree: Path) -> None:
    for mode in ("--diff", "--check"):
        proc = infmigrate(*ISO015, mode, USB, "drivers/quiet", cwd=tree)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == b""


def test_check_prints_only_the_summary(infmigrate: Run, tree: Path) -> None:
    before = files_of(tree)
    proc = infmigrate(*ISO015, "--check", NET, cwd=tree)
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert text(proc.stderr).strip() == "Would fix 1 problem in 1 file (1 file checked)."
    assert files_of(tree) == before


def test_write_fixes_in_place_and_reports_what_is_left(infmigrate: Run, tree: Path) -> None:
    os.chmod(tree / NET, 0o640)
    usb_stat = (tree / USB).stat()
    proc = infmigrate(*ISO015, "--write", ".", cwd=tree)
    assert proc.returncode == 1  # INF001, INF003 and the unsafe fix remain
    err = text(proc.stderr)
    assert f"Fixed {NET} (ISO015)" in err
    assert "Fixed 4 problems in 4 files; 3 problems remain (8 files checked)." in err
    assert text(proc.stdout).splitlines() == [
        f"{BROKEN}:6:1: INF001 section header has no closing ']'",
        f"{BROKEN}:7:8: INF003 quoted string is not closed before the end of the line",
        f"{LEGACY}:4:1: ISO015 PnpLockdown is '0' instead of 1",
    ]
    net = (tree / NET).read_bytes()
    assert b"CatalogFile = net.cat   ; signed catalog\r\nPnpLockdown = 1\r\n\r\n" in net
    assert (tree / NET).stat().st_mode & 0o777 == 0o640  # permissions kept
    wide = (tree / WIDE).read_bytes()
    assert wide.startswith(b"\xff\xfe")
    assert "CatalogFile = wide.cat\r\nPnpLockdown = 1\r\n" in wide[2:].decode("utf-16-le")
    assert (tree / MIXED).read_bytes().endswith(b"Class = System\r\nPnpLockdown = 1")
    assert (tree / USB).stat().st_mtime_ns == usb_stat.st_mtime_ns  # untouched
    assert not list(tree.rglob("*.infmigrate-tmp"))
    # A second run finds nothing more to fix.
    again = infmigrate(*ISO015, "--diff", ".", cwd=tree)
    assert again.stdout == b""
    assert again.returncode == 1  # what is left still counts


def test_write_with_unsafe_fixes_leaves_only_syntax_problems(infmigrate: Run, tree: Path) -> None:
    proc = infmigrate(*ISO015, "--write", "--unsafe-fixes", "--ignore", "INF", ".", cwd=tree)
    assert proc.returncode == 0, text(proc.stdout + proc.stderr)
    assert (tree / LEGACY).read_bytes().endswith(b"PnpLockdown = 1\n")


def test_mode_flags_conflict_is_a_usage_error(infmigrate: Run, tree: Path) -> None:
    proc = infmigrate("--write", "--diff", ".", cwd=tree)
    assert proc.returncode == 2
    assert "cannot be combined" in text(proc.stderr)


# --- git apply and patch reproduce --write ----------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "core.autocrlf=false", *args], cwd=repo, check=True, capture_output=True
    )


@pytest.mark.parametrize("extra", [(), ("--unsafe-fixes",)], ids=["safe", "unsafe"])
def test_git_apply_and_patch_give_the_bytes_write_writes(
    infmigrate: Run, tmp_path: Path, extra: tuple[str, ...]
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    written = copy_tree("tree", tmp_path / "written")
    proc = infmigrate(*ISO015, *extra, "--write", ".", cwd=written)
    assert proc.returncode in (0, 1), proc.stderr

    repo = copy_tree("tree", tmp_path / "repo")
    _git(repo, "init", "-q")
    _git(repo, "config", "core.autocrlf", "false")
    original = files_of(repo)
    diff = infmigrate(*ISO015, *extra, "--diff", ".", cwd=repo)
    assert diff.returncode == 1
    applied = subprocess.run(
        ["git", "apply"], input=diff.stdout, cwd=repo, capture_output=True, check=False
    )
    assert applied.returncode == 0, applied.stderr
    expected = files_of(written)
    result = files_of(repo)
    # UTF-16 files get a GIT binary patch (the repository has no working-tree-encoding)
    assert b"diff --git a/drivers/wide/wide.inf b/drivers/wide/wide.inf\n" in diff.stdout
    assert result == expected
    assert result[NET] != original[NET] and result[MIXED] != original[MIXED]
    assert result[WIDE] != original[WIDE]
    expected.pop(WIDE)

    if shutil.which("patch") is None:
        pytest.skip("GNU patch is not installed (the git apply part passed)")
    plain = copy_tree("tree", tmp_path / "plain")
    patched = subprocess.run(
        ["patch", "-p1", "--batch", "--quiet"],
        input=diff.stdout,
        cwd=plain,
        capture_output=True,
        check=False,
    )
    # GNU patch applies the text diffs and says it cannot apply a git binary patch
    assert patched.returncode == 1, patched.stdout + patched.stderr
    assert b"drivers/wide/wide.inf: git binary diffs are not supported" in patched.stdout
    result = files_of(plain)
    assert result.pop(WIDE) == original[WIDE]
    assert result == expected


# --- standard input -------------------------------------------------------------------


def test_stdin_report_diff_and_write(infmigrate: Run, tree: Path) -> None:
    data = (tree / NET).read_bytes()
    proc = infmigrate(*ISO015, "-", "--stdin-filename", NET, cwd=tree, input=data)
    assert proc.returncode == 1
    assert text(proc.stdout).startswith(f"{NET}:2:1: ISO015 [*]")

    proc = infmigrate(*ISO015, "--diff", "--stdin-filename", NET, cwd=tree, input=data)
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"--- a/{NET}\n+++ b/{NET}\n".encode())

    proc = infmigrate(*ISO015, "--write", "-", cwd=tree, input=data)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == data.replace(
        b"signed catalog\r\n", b"signed catalog\r\nPnpLockdown = 1\r\n"
    )
    assert (tree / NET).read_bytes() == data  # nothing written to disk

    proc = infmigrate(*ISO015, "-", cwd=tree, input=(tree / USB).read_bytes())
    assert proc.returncode == 0


# --- configuration discovery ------------------------------------------------------------


def test_config_discovery_nearest_wins_and_cli_overrides(infmigrate: Run, tmp_path: Path) -> None:
    root = copy_tree("configured", tmp_path)
    proc = infmigrate(*ISO015, "-v", ".", cwd=root)
    out = text(proc.stdout).splitlines()
    # vendor/ is excluded; strict/ ignores ISO015; unsafe-fixes = true applies to
    # drivers/ and plain/ (whose pyproject.toml has no [tool.infmigrate]).
    assert out == [
        "drivers/zero.inf:3:1: ISO015 [*] PnpLockdown is '0' instead of 1",
        "plain/zero.inf:3:1: ISO015 [*] PnpLockdown is '0' instead of 1",
    ]
    assert "config: pyproject.toml" in text(proc.stderr)
    assert "config: strict/infmigrate.toml" in text(proc.stderr)

    proc = infmigrate(*ISO015, "--no-unsafe-fixes", "drivers", cwd=root)
    assert text(proc.stdout).splitlines() == [
        "drivers/zero.inf:3:1: ISO015 PnpLockdown is '0' instead of 1"
    ]

    # Named explicitly, an excluded file is checked, unless --force-exclude.
    proc = infmigrate(*ISO015, "vendor/thirdparty.inf", cwd=root)
    assert proc.returncode == 1
    proc = infmigrate(*ISO015, "--force-exclude", "vendor/thirdparty.inf", cwd=root)
    assert proc.returncode == 0 and proc.stdout == b""

    # --select replaces the configuration's selection, but its ignore still holds.
    proc = infmigrate("--select", "ISO015", "strict", cwd=root)
    assert proc.returncode == 0 and proc.stdout == b""

    # --write honours the configured unsafe-fixes.
    proc = infmigrate(*ISO015, "--write", "drivers", cwd=root)
    assert proc.returncode == 0
    assert (root / "drivers" / "zero.inf").read_bytes().endswith(b"PnpLockdown = 1\r\n")


def test_bad_configuration_exits_2_naming_the_file(infmigrate: Run, tmp_path: Path) -> None:
    root = copy_tree("badconfig", tmp_path)
    good = copy_tree("tree", tmp_path) / USB
    proc = infmigrate(*ISO015, str(root), str(good), cwd=tmp_path)
    assert proc.returncode == 2
    err = text(proc.stderr)
    assert "infmigrate.toml" in err and "'NOPE'" in err
    assert "Traceback" not in err
    assert "2 files scanned: 1 clean, 1 failed." in err


# --- errors ----------------------------------------------------------------------------


def test_unreadable_and_missing_files_exit_2_others_still_reported(
    infmigrate: Run, tree: Path
) -> None:
    (tree / "dangling.inf").symlink_to(tree / "nowhere.inf")
    proc = infmigrate(*ISO015, "missing.inf", "dangling.inf", NET, cwd=tree)
    assert proc.returncode == 2
    err = text(proc.stderr)
    assert "error: missing.inf: no such file or directory" in err
    assert "error: dangling.inf: cannot read" in err
    assert "3 files scanned: 1 with problems, 2 failed." in err
    assert text(proc.stdout).startswith(f"{NET}:2:1: ISO015")


def test_unknown_rule_and_usage_errors_exit_2(infmigrate: Run, tree: Path) -> None:
    proc = infmigrate("--select", "XYZ9", ".", cwd=tree)
    assert proc.returncode == 2
    assert "no rule matches 'XYZ9'" in text(proc.stderr)
    assert infmigrate(cwd=tree).returncode == 2  # no PATHS
    assert infmigrate("--format", "xml", ".", cwd=tree).returncode == 2
    proc = infmigrate("--diff", "--format", "json", ".", cwd=tree)
    assert proc.returncode == 2 and "--format applies to reports" in text(proc.stderr)


def test_binary_junk_gives_findings_not_a_traceback(infmigrate: Run, tmp_path: Path) -> None:
    junk = tmp_path / "junk.inf"
    junk.write_bytes(bytes(range(256)) * 64)
    proc = infmigrate("junk.inf", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Traceback" not in proc.stderr


# --- documentation -----------------------------------------------------------------------


def test_help_list_rules_explain_version(infmigrate: Run, tmp_path: Path) -> None:
    proc = infmigrate("--help", cwd=tmp_path)
    assert proc.returncode == 0
    out = text(proc.stdout)
    for option in ("--diff", "--write", "--check", "--format", "--explain", "Exit status"):
        assert option in out
    proc = infmigrate("--list-rules", cwd=tmp_path)
    assert proc.returncode == 0
    assert "ISO015  pnp-lockdown-missing" in text(proc.stdout)
    assert "INF001" in text(proc.stdout)
    proc = infmigrate("--explain", "iso015", cwd=tmp_path)
    assert proc.returncode == 0
    assert text(proc.stdout).startswith("ISO015 pnp-lockdown-missing:")
    assert "## Fix safety" in text(proc.stdout)
    proc = infmigrate("--explain", "NOPE01", cwd=tmp_path)
    assert proc.returncode == 2 and "unknown rule code" in text(proc.stderr)
    proc = infmigrate("--version", cwd=tmp_path)
    assert text(proc.stdout).startswith("infmigrate ")


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    import sys

    junk = tmp_path / "junk.inf"
    junk.write_bytes(bytes(range(256)) * 64)
    proc = subprocess.run(
        [sys.executable, "-m", "infmigrate", "--select", "ISO015", str(junk)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
