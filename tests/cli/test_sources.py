"""C/C++ sources in a run (issue 17): discovery, the switch and the configuration,
suppression comments, every output format, the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infmigrate.output import FORMATS

from .conftest import SAMPLE, cli

DRIVER = (
    b"#include <ntddk.h>\n"
    b'#define KEY L"\\\\Registry\\\\Machine\\\\System\\\\CurrentControlSet\\\\Services\\\\d"\n'
    b"NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT Drv, _In_ PUNICODE_STRING RegistryPath)\n"
    b"{\n"
    b"    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, KEY, t, NULL, NULL);\n"
    b'    return RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"d", t, NULL, NULL);'
    b" // infmigrate: ignore[ISO102]\n"
    b"}\n"
)


def make_package(root: Path) -> Path:
    (root / "pkg" / "src").mkdir(parents=True)
    (root / "pkg" / "d.inf").write_bytes(SAMPLE)
    (root / "pkg" / "src" / "driver.c").write_bytes(DRIVER)
    (root / "pkg" / "src" / "notes.txt").write_bytes(b"\\SystemRoot\\x")
    (root / "pkg" / "src" / "ignored.cpp").write_bytes(DRIVER)
    (root / ".gitignore").write_bytes(b"ignored.cpp\n")
    (root / ".git").mkdir()
    return root


def codes(stdout: bytes) -> list[tuple[str, str]]:
    return [(d["path"], d["code"]) for d in json.loads(stdout)]


def test_a_directory_run_checks_sources_with_the_inf_discovery_rules(tmp_path: Path) -> None:
    make_package(tmp_path)
    r = cli("--no-cache", "--format", "json", "--select", "ISO015,ISO1", ".", cwd=tmp_path)
    assert r.status == 1
    assert codes(r.stdout) == [
        ("pkg/d.inf", "ISO015"),
        ("pkg/src/driver.c", "ISO100"),
        ("pkg/src/driver.c", "ISO102"),
    ]


def test_no_sources_switch_and_configuration(tmp_path: Path) -> None:
    make_package(tmp_path)
    r = cli("--no-cache", "--format", "json", "--no-sources", ".", cwd=tmp_path)
    assert {p for p, _ in codes(r.stdout)} == {"pkg/d.inf"}
    (tmp_path / "infmigrate.toml").write_text("sources = false\n")
    r = cli("--no-cache", "--format", "json", ".", cwd=tmp_path)
    assert {p for p, _ in codes(r.stdout)} == {"pkg/d.inf"}
    r = cli("--no-cache", "--format", "json", "--sources", ".", cwd=tmp_path)
    assert "pkg/src/driver.c" in {p for p, _ in codes(r.stdout)}
    (tmp_path / "infmigrate.toml").write_text('sources = ["elsewhere"]\n')
    r = cli("--no-cache", "--format", "json", ".", cwd=tmp_path)
    assert {p for p, _ in codes(r.stdout)} == {"pkg/d.inf"}
    (tmp_path / "infmigrate.toml").write_text('sources = ["pkg/src"]\n')
    r = cli("--no-cache", "--format", "json", ".", cwd=tmp_path)
    assert "pkg/src/driver.c" in {p for p, _ in codes(r.stdout)}
    (tmp_path / "infmigrate.toml").write_text("sources = 3\n")
    r = cli("--no-cache", ".", cwd=tmp_path)
    assert r.status == 2 and "'sources' must be" in r.stderr


def test_no_code_rule_selected_means_no_sources_scanned(tmp_path: Path) -> None:
    make_package(tmp_path)
    r = cli("--no-cache", "--select", "ISO015", ".", cwd=tmp_path)
    assert "1 file" in r.stderr and "driver.c" not in r.stderr


def test_a_source_named_explicitly_is_checked(tmp_path: Path) -> None:
    make_package(tmp_path)
    r = cli("--no-cache", "--format", "json", "pkg/src/ignored.cpp", cwd=tmp_path)
    assert codes(r.stdout) == [("pkg/src/ignored.cpp", "ISO100"), ("pkg/src/ignored.cpp", "ISO102")]


@pytest.mark.parametrize("name", ["pkg/src/driver.c", "pkg/src/DRIVER.CPP", "x.h"])
def test_stdin_filename_of_a_source_is_checked_as_code(tmp_path: Path, name: str) -> None:
    make_package(tmp_path)
    r = cli("--no-cache", "--format", "json", "--stdin-filename", name, cwd=tmp_path, input=DRIVER)
    assert r.status == 1, r.stderr
    found = json.loads(r.stdout)
    assert [(d["path"], d["code"], d["line"]) for d in found] == [
        (name, "ISO100", 2),
        (name, "ISO102", 5),
    ]  # the suppression comment of line 6 is honoured, as for a file
    # with --write, the source comes back unchanged and the findings go to stderr
    r = cli("--no-cache", "--write", "--stdin-filename", name, cwd=tmp_path, input=DRIVER)
    assert r.stdout == DRIVER and r.status == 1
    assert "ISO102" in r.stderr
    # the same bytes named as an INF are read as an INF (no code findings)
    r = cli(
        "--no-cache", "--format", "json", "--stdin-filename", "x.inf", cwd=tmp_path, input=DRIVER
    )
    assert not any(d["code"].startswith("ISO1") for d in json.loads(r.stdout))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_shows_code_findings(tmp_path: Path, fmt: str) -> None:
    make_package(tmp_path)
    r = cli("--no-cache", "--format", fmt, "--select", "ISO1", "pkg/src", cwd=tmp_path)
    assert r.status == 1, r.stderr
    assert b"ISO100" in r.stdout and b"driver.c" in r.stdout
    if fmt == "sarif":
        run = json.loads(r.stdout)["runs"][0]
        rules = {x["id"] for x in run["tool"]["driver"]["rules"]}
        assert {"ISO100", "ISO102"} <= rules
        assert {x["ruleId"] for x in run["results"]} == {"ISO100", "ISO102"}


def test_diff_and_write_leave_sources_alone(tmp_path: Path) -> None:
    make_package(tmp_path)
    r = cli("--no-cache", "--diff", "--select", "ISO1", "pkg/src", cwd=tmp_path)
    assert r.stdout == b"" and r.status == 1
    r = cli("--no-cache", "--write", "--select", "ISO1", "pkg/src", cwd=tmp_path)
    assert (tmp_path / "pkg" / "src" / "driver.c").read_bytes() == DRIVER
    assert r.status == 1


def test_the_cache_covers_sources_and_never_gives_a_stale_result(tmp_path: Path) -> None:
    make_package(tmp_path)
    args = ("--format", "json", "--select", "ISO1", "pkg/src")
    first = cli(*args, cwd=tmp_path)
    again = cli(*args, cwd=tmp_path)
    assert (first.status, first.stdout) == (again.status, again.stdout)
    assert len(codes(first.stdout)) == 2
    source = tmp_path / "pkg" / "src" / "driver.c"
    source.write_bytes(DRIVER.replace(b"RTL_REGISTRY_ABSOLUTE", b"RTL_REGISTRY_HANDLE"))
    changed = cli(*args, cwd=tmp_path)
    assert codes(changed.stdout) == [("pkg/src/driver.c", "ISO100")]
    source.write_bytes(DRIVER)
    assert cli(*args, cwd=tmp_path).stdout == first.stdout
