"""Every ``--format``: a golden file per format on the fixture tree, plus the promises of
each (SARIF validates against the 2.1.0 schema, suggestions match the diff, UTF-16 files
get no suggestions). ``INFMIGRATE_UPDATE_GOLDEN=1`` rewrites the golden files (review
the diff like code)."""

from __future__ import annotations

import base64
import io
import json
import os
from pathlib import Path

import jsonschema
import pytest

from infmigrate import __version__
from infmigrate.cli.command import Mode, RunOptions, run

from .conftest import CLI_FIXTURES, copy_tree

GOLDEN = CLI_FIXTURES / "golden"
SCHEMA = CLI_FIXTURES / "schema" / "sarif-schema-2.1.0.json"
UPDATE = os.environ.get("INFMIGRATE_UPDATE_GOLDEN") == "1"
FORMATS = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "github": "txt",
    "rdjsonl": "jsonl",
    "gitlab": "json",
    "github-review": "json",
    "msbuild": "txt",
    "junit": "xml",
    "azure": "txt",
}


def run_format(
    root: Path, fmt: str, mode: Mode = Mode.REPORT, *paths: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    out, err = io.BytesIO(), io.StringIO()
    status = run(
        RunOptions(
            paths=list(paths or ["."]),
            mode=mode,
            select=("ISO015",),
            output_format=fmt,
            color="never",
            cwd=root,
        ),
        stdin=io.BytesIO(),
        stdout=out,
        stderr=err,
    )
    return status, out.getvalue().decode("utf-8"), err.getvalue()


def normalized(text: str, root: Path) -> str:
    return (
        text.replace(root.resolve().as_uri() + "/", "file:///ROOT/")
        .replace(f'"{__version__}"', '"VERSION"')
        .replace(f"sourcepath={root}{os.sep}", "sourcepath=/ROOT/")
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_tree("tree", tmp_path)
    status, out, _ = run_format(root, fmt, monkeypatch=monkeypatch)
    assert status == 1
    got = normalized(out, root)
    golden = GOLDEN / f"tree.{fmt}.{FORMATS[fmt]}"
    if UPDATE:
        golden.write_text(got, encoding="utf-8", newline="\n")
    assert got == golden.read_text(encoding="utf-8")


def test_sarif_validates_against_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_tree("tree", tmp_path)
    _, out, _ = run_format(root, "sarif", monkeypatch=monkeypatch)
    log = json.loads(out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    run_ = log["runs"][0]
    assert [r["id"] for r in run_["tool"]["driver"]["rules"]][:1] == ["ISO015"]
    iso015 = run_["tool"]["driver"]["rules"][0]
    assert iso015["properties"]["infverif"] == [1324]
    assert "## Fix safety" in iso015["help"]["markdown"]
    by_path = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
        for r in run_["results"]
        if r["ruleId"] == "ISO015"
    }
    net = by_path["drivers/net/net.inf"]
    assert net["fixes"][0]["artifactChanges"][0]["replacements"] == [
        {
            "deletedRegion": {"startLine": 9, "startColumn": 1, "endLine": 9, "endColumn": 1},
            "insertedContent": {"text": "PnpLockdown = 1\r\n"},
        }
    ]
    # UTF-16: a binary region of the file's bytes and the bytes to put there
    wide = root / "drivers" / "wide" / "wide.inf"
    data = wide.read_bytes()
    (change,) = by_path["drivers/wide/wide.inf"]["fixes"][0]["artifactChanges"]
    (r,) = change["replacements"]
    at = r["deletedRegion"]["byteOffset"]
    assert r["deletedRegion"]["byteLength"] == 0
    inserted = base64.b64decode(r["insertedContent"]["binary"])
    assert inserted == "PnpLockdown = 1\r\n".encode("utf-16-le")
    assert data[:at].endswith("CatalogFile = wide.cat\r\n".encode("utf-16-le"))


def test_sarif_with_errors_is_still_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_tree("tree", tmp_path)
    status, out, _ = run_format(
        root, "sarif", Mode.REPORT, "missing.inf", "drivers/net/net.inf", monkeypatch=monkeypatch
    )
    assert status == 2
    log = json.loads(out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "missing.inf" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_rdjsonl_suggestions_are_whole_lines_and_skip_utf16(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_tree("tree", tmp_path)
    _, out, _ = run_format(root, "rdjsonl", monkeypatch=monkeypatch)
    diags = [json.loads(line) for line in out.splitlines()]
    by_path = {d["location"]["path"]: d for d in diags if d["code"]["value"] == "ISO015"}
    assert by_path["drivers/net/net.inf"]["suggestions"] == [
        {
            "range": {"start": {"line": 8}, "end": {"line": 8}},
            "text": "CatalogFile = net.cat   ; signed catalog\nPnpLockdown = 1",
        }
    ]
    assert "suggestions" not in by_path["drivers/wide/wide.inf"]
    assert "suggestions" not in by_path["drivers/net/legacy.INF"]  # unsafe, not enabled


def test_github_review_matches_the_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_tree("tree", tmp_path)
    _, out, _ = run_format(root, "github-review", monkeypatch=monkeypatch)
    comments = json.loads(out)
    for c in comments:
        assert c["side"] == "RIGHT"
        assert c.get("start_line", c["line"]) <= c["line"]
    net = [c for c in comments if c["path"] == "drivers/net/net.inf"]
    assert len(net) == 1
    assert net[0]["line"] == 8 and "start_line" not in net[0]
    assert (
        "```suggestion\nCatalogFile = net.cat   ; signed catalog\nPnpLockdown = 1\n```"
        in net[0]["body"]
    )
    wide = [c for c in comments if c["path"] == "drivers/wide/wide.inf"]
    assert len(wide) == 1
    assert "```suggestion" not in wide[0]["body"]
    assert "\n CatalogFile = wide.cat\n+PnpLockdown = 1\n \n" in wide[0]["body"]
    assert "GitHub shows as binary" in wide[0]["body"]
    legacy = [c for c in comments if c["path"] == "drivers/net/legacy.INF"]
    assert "--unsafe-fixes" in legacy[0]["body"] and "```" not in legacy[0]["body"]


def test_write_mode_reports_what_remains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_tree("tree", tmp_path)
    status, out, _ = run_format(root, "json", Mode.WRITE, monkeypatch=monkeypatch)
    assert status == 1
    remaining = json.loads(out)
    assert sorted(d["code"] for d in remaining) == [
        "INF001",
        "INF003",
        "INF005",
        "INF005",
        "ISO015",
    ]
    legacy = next(d for d in remaining if d["code"] == "ISO015")
    assert legacy["fix"]["applicability"] == "unsafe" and legacy["fix"]["enabled"] is False
    assert legacy["fix"]["edits"] == [
        {
            "content": "PnpLockdown = 1\n",
            "location": {"line": 4, "column": 1},
            "end_location": {"line": 5, "column": 1},
        }
    ]


def test_output_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_tree("tree", tmp_path)
    monkeypatch.chdir(root)
    out = io.BytesIO()
    status = run(
        RunOptions(
            paths=["drivers/net"],
            select=("ISO015",),
            output_format="gitlab",
            output_file=Path("report.json"),
            cwd=root,
        ),
        stdin=io.BytesIO(),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert status == 1
    assert out.getvalue() == b""
    issues = json.loads((root / "report.json").read_text(encoding="utf-8"))
    assert {i["location"]["path"] for i in issues} == {
        "drivers/net/net.inf",
        "drivers/net/legacy.INF",
    }
    assert len({i["fingerprint"] for i in issues}) == 2
