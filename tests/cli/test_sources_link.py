"""Code and INF findings joined (issue 17): ``fixtures/cli/linked_package`` has an INF
writing ``SampleRate`` and ``Unrelated`` under HKLM\\...\\Services\\contoso\\Parameters
(ISO020) and a driver reading ``SampleRate`` with RtlQueryRegistryValues on
``<RegistryPath>\\Parameters`` (ISO102)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from infmigrate.cli.link import _package_pairs, _same_package
from infmigrate.engine.processing import FileResult

from .conftest import cli, copy_tree

INF = "linked_package/contoso.inf"
SOURCE = "linked_package/driver/registry.c"


def findings(tmp_path: Path, *args: str) -> dict[tuple[str, int], dict[str, object]]:
    r = cli("--no-cache", "--format", "json", *args, "linked_package", cwd=tmp_path)
    assert r.status == 1, r.stderr
    return {(d["path"], d["line"]): d for d in json.loads(r.stdout)}


def test_both_findings_name_each_other(tmp_path: Path) -> None:
    copy_tree("linked_package", tmp_path)
    found = findings(tmp_path)
    code = found[(SOURCE, 15)]
    assert code["code"] == "ISO102"
    assert str(code["message"]).endswith(
        f"; reads value SampleRate, which {INF}:42 writes (ISO020 moves it to HKR,Parameters)"
    )
    assert str(found[(INF, 42)]["message"]).endswith(f"; read by {SOURCE}:15 (ISO102)")
    assert "read by" not in str(found[(INF, 43)]["message"])  # a value the code never names


def test_sarif_related_locations(tmp_path: Path) -> None:
    copy_tree("linked_package", tmp_path)
    r = cli("--no-cache", "--format", "sarif", "linked_package", cwd=tmp_path)
    results = json.loads(r.stdout)["runs"][0]["results"]
    related = {
        (x["ruleId"], x["locations"][0]["physicalLocation"]["region"]["startLine"]): [
            (
                y["physicalLocation"]["artifactLocation"]["uri"],
                y["physicalLocation"]["region"]["startLine"],
            )
            for y in x.get("relatedLocations", [])
        ]
        for x in results
    }
    assert related[("ISO102", 15)] == [(INF, 42)]
    assert related[("ISO020", 42)] == [(SOURCE, 15)]
    assert related[("ISO020", 43)] == []


def test_no_link_for_another_value_or_another_package(tmp_path: Path) -> None:
    root = copy_tree("linked_package", tmp_path)
    source = root / "driver" / "registry.c"
    source.write_bytes(source.read_bytes().replace(b'L"SampleRate"', b'L"OtherValue"'))
    found = findings(tmp_path)
    assert "reads value" not in str(found[(SOURCE, 15)]["message"])
    assert "read by" not in str(found[(INF, 42)]["message"])


def test_no_link_without_sources(tmp_path: Path) -> None:
    copy_tree("linked_package", tmp_path)
    found = findings(tmp_path, "--no-sources")
    assert "read by" not in str(found[(INF, 42)]["message"])


def test_same_package() -> None:
    from infmigrate.cli.link import _same_package

    assert _same_package("pkg/x.inf", "pkg/sys/driver.c")
    assert _same_package("pkg/inf/x.inf", "pkg/sys/driver.c")
    assert not _same_package("a/inf/x.inf", "b/sys/driver.c")
    assert not _same_package("x.inf", "../elsewhere/driver.c")
    assert _same_package("x.inf", "sys/driver.c")
    assert not _same_package("a/x.inf", "b/driver.c")


def test_link_after_write_points_at_the_fixed_line_and_names_the_fix(tmp_path: Path) -> None:
    root = copy_tree("linked_package", tmp_path)
    r = cli("--no-cache", "--write", "--format", "json", "linked_package", cwd=tmp_path)
    assert r.status == 1, r.stderr
    fixed = (root / "contoso.inf").read_bytes().decode()
    line = next(
        n
        for n, text in enumerate(fixed.splitlines(), 1)
        if text.startswith("HKR,Parameters,Sample")
    )
    found = {(d["path"], d["line"]): d for d in json.loads(r.stdout)}
    assert str(found[(SOURCE, 15)]["message"]).endswith(
        f"; reads value SampleRate, which {INF}:{line} writes "
        "(ISO020 moved it to HKR,Parameters in this run)"
    )
    assert not any(p == INF for p, _ in found)  # the INF findings were fixed
    # SARIF of the same run (on a fresh copy) carries the fixed line as related location
    copy_tree("linked_package", tmp_path / "again")
    r = cli("--no-cache", "--write", "--format", "sarif", "linked_package", cwd=tmp_path / "again")
    result = json.loads(r.stdout)["runs"][0]["results"][0]
    assert [
        (
            y["physicalLocation"]["artifactLocation"]["uri"],
            y["physicalLocation"]["region"]["startLine"],
        )
        for y in result["relatedLocations"]
    ] == [(INF, line)]


BARE = "bare_name_package"


def bare_findings(tmp_path: Path, *args: str) -> list[tuple[str, int]]:
    r = cli("--no-cache", "--format", "json", *args, cwd=tmp_path)
    return [(d["path"], d["line"]) for d in json.loads(r.stdout) if d["code"] == "ISO108"]


def test_bare_name_loads_of_package_files(tmp_path: Path) -> None:
    copy_tree(BARE, tmp_path)
    assert bare_findings(tmp_path, BARE) == [
        (f"{BARE}/driver/loads.cpp", 9),
        (f"{BARE}/driver/loads.cpp", 10),
        (f"{BARE}/driver/loads.cpp", 11),
        (f"{BARE}/driver/loads.cpp", 12),
        (f"{BARE}/driver/loads.cpp", 14),
        (f"{BARE}/tools/tool.c", 7),
    ]
    r = cli("--no-cache", "--format", "sarif", BARE, cwd=tmp_path)
    results = json.loads(r.stdout)["runs"][0]["results"]
    first = next(x for x in results if x["ruleId"] == "ISO108")
    assert [
        (
            y["physicalLocation"]["artifactLocation"]["uri"],
            y["physicalLocation"]["region"]["startLine"],
        )
        for y in first["relatedLocations"]
    ] == [(f"{BARE}/contoso.inf", 37)]


def test_bare_name_loads_need_the_package_inf_and_the_rule(tmp_path: Path) -> None:
    copy_tree(BARE, tmp_path)
    assert bare_findings(tmp_path, f"{BARE}/driver") == []  # no INF in the run
    assert bare_findings(tmp_path, "--select", "ISO106", BARE) == []
    assert bare_findings(tmp_path, "--ignore", "ISO108", BARE) == []
    # the package's INF no longer copies the helper: its loads are Windows's business
    inf = tmp_path / BARE / "contoso.inf"
    inf.write_bytes(inf.read_bytes().replace(b"contoso_helper.dll\n", b""))
    assert bare_findings(tmp_path, BARE) == [
        (f"{BARE}/driver/loads.cpp", 11),
        (f"{BARE}/driver/loads.cpp", 14),
    ]


def test_bare_name_loads_after_write(tmp_path: Path) -> None:
    copy_tree(BARE, tmp_path)
    r = cli("--no-cache", "--write", "--format", "json", BARE, cwd=tmp_path)
    assert b"Legacy_Files=13" in (tmp_path / BARE / "contoso.inf").read_bytes()
    found = {
        d["line"]: d["message"]
        for d in json.loads(r.stdout)
        if d["code"] == "ISO108" and d["path"].endswith("loads.cpp")
    }
    assert sorted(found) == [9, 10, 11, 12, 14]
    assert "runs from the driver store" in found[11]  # moved by this run


SERVICE_KEY_READER = b"""#include <fltKernel.h>
DECLARE_CONST_UNICODE_STRING(g_level, L"DebugLevel");

NTSTATUS
ReadDriverParameters(_In_ PUNICODE_STRING RegistryPath)
{
    OBJECT_ATTRIBUTES attributes;
    HANDLE key;
    UCHAR buffer[64];
    ULONG length;
    InitializeObjectAttributes(&attributes, RegistryPath, OBJ_KERNEL_HANDLE, NULL, NULL);
    ZwOpenKey(&key, KEY_READ, &attributes);
    return ZwQueryValueKey(key, (PUNICODE_STRING)&g_level, KeyValuePartialInformation,
                           buffer, sizeof(buffer), &length);
}
"""


def test_iso022_on_an_hkr_line_links_to_code_reading_the_value_through_a_constant(
    tmp_path: Path,
) -> None:
    root = copy_tree("linked_package", tmp_path)
    inf = root / "contoso.inf"
    inf.write_bytes(
        inf.read_bytes().replace(
            b"HKLM,System\\CurrentControlSet\\Services\\contoso\\Parameters,Unrelated",
            b"HKR,,DebugLevel,0x00010001,1\nHKR,,Unrelated",
        )
    )
    (root / "driver" / "registry.c").write_bytes(SERVICE_KEY_READER)
    found = findings(tmp_path)
    code = found[(SOURCE, 12)]
    assert code["code"] == "ISO103"
    assert f"reads value DebugLevel, which {INF}:43 writes (ISO022" in str(code["message"])
    assert str(found[(INF, 43)]["message"]).endswith(f"; read by {SOURCE}:12 (ISO103)")


def test_bare_name_loads_count_in_check_and_statistics(tmp_path: Path) -> None:
    copy_tree(BARE, tmp_path)
    r = cli("--no-cache", "--check", "--select", "ISO108", BARE, cwd=tmp_path)
    assert r.status == 1
    r = cli("--no-cache", "--check", "--select", "ISO108", f"{BARE}/driver", cwd=tmp_path)
    assert r.status == 0
    r = cli("--no-cache", "--statistics", "--format", "json", BARE, cwd=tmp_path)
    stats = {row["code"]: row for row in json.loads(r.stdout)}
    assert stats["ISO108"]["count"] == 6


def test_bare_name_loads_in_a_utf16_source(tmp_path: Path) -> None:
    copy_tree(BARE, tmp_path)
    source = tmp_path / BARE / "driver" / "loads.cpp"
    text = source.read_bytes().decode().replace("\n", "\r\n")
    source.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert [line for path, line in bare_findings(tmp_path, BARE) if "loads" in path] == [
        9,
        10,
        11,
        12,
        14,
    ]


def test_the_benchmark_package_links_every_value(tmp_path: Path) -> None:
    """``bench/linked.py``'s shape (issue 18): N values and N functions reading them, each
    code finding joined with its INF line, and nothing else."""
    from tests.bench_modules import load_bench

    load_bench("linked").make_package(7, tmp_path / "pkg")
    r = cli("--no-cache", "--format", "json", "pkg", cwd=tmp_path)
    found = json.loads(r.stdout)
    code = [d for d in found if d["code"] == "ISO102"]
    inf = [d for d in found if d["code"] == "ISO020" and "value Value" in d["message"]]
    assert len(code) == len(inf) == 7
    (unrelated,) = [d for d in found if "value Unrelated" in d["message"]]
    assert "read by" not in unrelated["message"]
    for i, d in enumerate(code):
        assert f"reads value Value{i}, which pkg/contoso.inf:" in d["message"]
        assert d["message"].count("reads value") == 1
    assert all(d["message"].count("read by pkg/driver/registry.c:") == 1 for d in inf)


_part = st.sampled_from(["a", "b", "inf", "sys", "..", "."])
_path = st.lists(_part, max_size=4).map(lambda parts: "/".join([*parts, "f"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_path, max_size=6), st.lists(_path, max_size=6))
def test_package_pairs_are_the_pairs_of_the_same_package(infs: list[str], srcs: list[str]) -> None:
    """The index of the sources by directory (issue 18) pairs exactly what comparing every
    INF with every source does, in the same order."""
    inf_results = [cast(FileResult, SimpleNamespace(path=p + ".inf")) for p in infs]
    src_results = [cast(FileResult, SimpleNamespace(path=p + ".c")) for p in srcs]
    want = [
        (i.path, s.path) for i in inf_results for s in src_results if _same_package(i.path, s.path)
    ]
    got = [(i.path, s.path) for i, s in _package_pairs(inf_results, src_results)]
    assert got == want


def test_one_function_reading_many_values_names_ten_and_counts_the_rest(tmp_path: Path) -> None:
    """``bench/linked.py --shape one-function`` (issue 18): N values read in one function
    by N queries and N key opens. Every read names all N values (the function's strings),
    so each finding would list N places; it names ten and counts the others, and the
    output grows with N, not N x N."""
    from tests.bench_modules import load_bench

    sizes = []
    for n in (15, 30):
        load_bench("linked").make_one_function(n, tmp_path / f"p{n}")
        r = cli("--no-cache", "--format", "json", f"p{n}", cwd=tmp_path)
        sizes.append(len(r.stdout))
        found = json.loads(r.stdout)
        code = [d for d in found if d["code"] in ("ISO102", "ISO103")]
        inf = [d for d in found if d["code"] == "ISO020" and "value Value" in d["message"]]
        assert len(code) == 2 * n and len(inf) == n
        for d in code:
            assert d["message"].count("reads value Value") == 10
            assert d["message"].endswith(f"; and {n - 10} more values")
        for d in inf:
            assert d["message"].count(f"read by p{n}/driver/registry.c:") == 10
            assert d["message"].endswith(f"; and {2 * n - 10} more reads")
    assert sizes[1] < 2.3 * sizes[0]
