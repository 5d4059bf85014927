"""A fix shared by several findings (one joint change) in the formats that carry fixes
(issue 18): given once, worked out once, whatever the number of its findings.

``fixtures/cli/shared_fix/joint.inf``: two ``CopyFiles`` lines whose lists have no
``[DestinationDirs]``; ISO012 moves both in one fix (a branch for builds 16299 and later),
shared by its two findings. Before stop 29, ``json`` and ``sarif`` printed that fix's
edits once per finding (an output quadratic in the findings of a joint fix) and every
format carrying fixes worked its text out once per finding."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infmigrate.cli.command import Mode, RunOptions, run
from infmigrate.diffs.linediff import changes
from infmigrate.engine.fixer import Diagnostic, Fix
from infmigrate.engine.syntax import InfFile
from infmigrate.output import suggestions
from infmigrate.output.suggestions import Proposal, TextChanges, plan

from .conftest import copy_tree
from .test_formats import FORMATS, GOLDEN, normalized

UPDATE = os.environ.get("INFMIGRATE_UPDATE_GOLDEN") == "1"


def _run(root: Path, fmt: str) -> str:
    out, err = io.BytesIO(), io.StringIO()
    status = run(
        RunOptions(
            paths=["."],
            mode=Mode.REPORT,
            select=("ISO012",),
            output_format=fmt,
            color="never",
            cwd=root,
            cache=False,
            jobs=1,
        ),
        stdin=io.BytesIO(),
        stdout=out,
        stderr=err,
    )
    assert status == 1, err.getvalue()
    return out.getvalue().decode("utf-8")


@pytest.fixture
def joint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_tree("shared_fix", tmp_path)
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("fmt", ["json", "sarif", "rdjsonl", "github-review"])
def test_golden_shared_fix(fmt: str, joint: Path) -> None:
    got = normalized(_run(joint, fmt), joint)
    golden = GOLDEN / f"shared_fix.{fmt}.{FORMATS[fmt]}"
    if UPDATE:
        golden.write_text(got, encoding="utf-8", newline="\n")
    assert got == golden.read_text(encoding="utf-8")


def test_json_gives_a_shared_fix_once(joint: Path) -> None:
    first, second = json.loads(_run(joint, "json"))
    assert first["fix"]["title"] == second["fix"]["title"]
    assert len(first["fix"]["edits"]) == 4 and first["fix"]["same_fix_as"] is None
    assert second["fix"]["edits"] == [] and second["fix"]["same_fix_as"] == 0


def test_sarif_gives_a_shared_fix_once(joint: Path) -> None:
    (run_,) = json.loads(_run(joint, "sarif"))["runs"]
    first, second = run_["results"]
    (fix,) = first["fixes"]
    assert len(fix["artifactChanges"][0]["replacements"]) == 4
    assert "sameFixAs" not in first["properties"]
    assert "fixes" not in second and second["properties"]["sameFixAs"] == 0


def _joint_inf(n: int) -> bytes:
    """``n`` lists like joint.inf's, each on a CopyFiles line of its own: one fix, ``n``
    findings."""
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    lines = "".join(f"CopyFiles = L{i}\r\n" for i in range(n))
    lists = "".join(f"[L{i}]\r\nf{i}.sys\r\n\r\n" for i in range(n))
    return (
        '[Version]\r\nSignature = "$WINDOWS NT$"\r\nClass = Sample\r\n'
        "ClassGuid = {78A1C341-4539-11d3-B88D-00C04FAD5171}\r\nProvider = %Mfg%\r\n"
        'DriverVer = 01/01/2026,1.0.0.0\r\nPnpLockdown = 1\r\n\r\n[SourceDisksNames]\r\n1 = "Disk"'
        f"\r\n\r\n[SourceDisksFiles]\r\n{disk}\r\n[DefaultInstall.NTamd64]\r\n{lines}\r\n"
        f'{lists}[Strings]\r\nMfg = "Sample"\r\n'
    ).encode("ascii")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Fix]]:
    """The fixes whose text each format works out, one entry per time."""
    calls: list[Fix] = []
    real = suggestions.fix_text_changes

    def counting(tree: InfFile, fix: Fix) -> TextChanges:
        calls.append(fix)
        return real(tree, fix)

    monkeypatch.setattr(suggestions, "fix_text_changes", counting)
    yield calls


@pytest.mark.parametrize("fmt", ["json", "sarif", "rdjsonl", "github-review"])
def test_a_shared_fix_is_worked_out_once(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: list[Fix]
) -> None:
    (tmp_path / "many.inf").write_bytes(_joint_inf(12))
    monkeypatch.chdir(tmp_path)
    text = _run(tmp_path, fmt)
    assert len(counted) == 1, [f.title for f in counted]
    if fmt == "json":
        found = json.loads(text)
        assert len(found) == 12
        assert [bool(f["fix"]["edits"]) for f in found] == [True] + [False] * 11
        assert {f["fix"]["same_fix_as"] for f in found[1:]} == {0}
    if fmt == "sarif":
        results = json.loads(text)["runs"][0]["results"]
        assert ["fixes" in r for r in results] == [True] + [False] * 11


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_output_of_a_shared_fix_is_linear_in_its_findings(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Doubling the findings of one fix (and the fix) doubles the output, give or take
    the fixed part: before, each finding repeated the whole fix (4x a doubling)."""
    sizes = []
    for n in (20, 40, 80):
        root = tmp_path / str(n)
        root.mkdir()
        (root / "many.inf").write_bytes(_joint_inf(n))
        monkeypatch.chdir(root)
        sizes.append(len(_run(root, fmt)))
    assert sizes[2] - sizes[1] < 2.2 * (sizes[1] - sizes[0])


# ---------------------------------------------------------------- plan, by bisection


def _reference_plan(diags: list[Diagnostic], effects: dict[str, list[str]]) -> list[Any]:
    """plan() as it was before stop 29 (each finding's fix worked out, each suggestion
    compared with every one taken), for fixes of single-part changes: what the
    bisection must give."""
    out: list[Proposal] = []
    taken: list[tuple[int, int, Proposal]] = []
    blocks: dict[tuple[str, ...], Proposal] = {}
    for d in diags:
        assert d.fix is not None
        tc = _changes_of(effects[d.fix.title])
        s = tc.suggestion()
        if s is None:
            continue
        same = next((p for lo, hi, p in taken if (lo, hi) == (s.start_line, s.end_line)), None)
        if same is not None and same.suggestion == s:
            same.diags.append(d)
            continue
        if any(lo <= s.end_line and s.start_line <= hi for lo, hi, _ in taken):
            diff = suggestions.fix_diff(tc)
            block = blocks.get(tuple(diff))
            if block is not None:
                block.diags.append(d)
                continue
            blocks[tuple(diff)] = block = Proposal([d], None, diff, "overlap", 1)
            out.append(block)
            continue
        proposal = Proposal([d], s, [], "", 1)
        taken.append((s.start_line, s.end_line, proposal))
        out.append(proposal)
    return out


OLD = [f"line{i}\r\n" for i in range(1, 41)]


def _changes_of(new: list[str]) -> TextChanges:
    return TextChanges(OLD, new, changes(OLD, new))


def _effect(start: int, length: int, text: str) -> list[str]:
    """Lines ``start..start+length-1`` (1-based) of OLD replaced by one line."""
    return [*OLD[: start - 1], f"{text}\r\n", *OLD[start - 1 + length :]]


class _Fix:
    def __init__(self, title: str, new: list[str]) -> None:
        self.title = title
        self.text = suggestions.text_of(_changes_of(new))


_change = st.tuples(st.integers(1, 36), st.integers(1, 4), st.sampled_from(["A", "B"]))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_change, min_size=1, max_size=14),
    st.lists(st.integers(0, 13), max_size=10),
)
def test_plan_by_bisection_matches_the_pairwise_check(
    made: list[tuple[int, int, str]], repeats: list[int]
) -> None:
    """Random fixes of one change each (some the same change, some overlapping, some
    fix objects shared by several findings): the same proposals, with the same findings,
    as comparing each suggestion with every one taken."""
    effects = {f"{i}": _effect(*change) for i, change in enumerate(made)}
    fixes = [_Fix(title, new) for title, new in effects.items()]
    order = fixes + [fixes[r % len(fixes)] for r in repeats]  # shared fix objects
    diags = []
    for fix in order:
        d = Diagnostic.__new__(Diagnostic)
        object.__setattr__(d, "fix", fix)
        diags.append(d)
    got = plan(diags)
    want = _reference_plan(diags, effects)
    assert [(p.suggestion, p.diff, p.why, p.diags) for p in got] == [
        (p.suggestion, p.diff, p.why, p.diags) for p in want
    ]
