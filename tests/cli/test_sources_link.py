"""Code and INF findings joined (issue 17): ``fixtures/cli/linked_package`` has an INF
writing ``SampleRate`` and ``Unrelated`` under HKLM\\...\\Services\\contoso\\Parameters
(ISO020) and a driver reading ``SampleRate`` with RtlQueryRegistryValues on
``<RegistryPath>\\Parameters`` (ISO102)."""

from __future__ import annotations

import json
from pathlib import Path

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
