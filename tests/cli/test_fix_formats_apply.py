"""Every fix format applied to the fixtures as its consumer applies it (SARIF fixes by the
SARIF spec, ``github-review`` suggestions as GitHub applies them, ``rdjsonl``
suggestions), round after round, gives what ``--write`` writes, or shows the fix as a
whole-fix diff block that is not a suggestion. The corpus version is
tests/cli/test_corpus_fix_formats.py. Also: the suggestions are safe to apply one at a
time, SARIF's lone-CR lines and result cap, and ``--diff-filter-base``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from infmigrate.engine.fixer import Diagnostic
from infmigrate.output import sarif
from infmigrate.output import suggestions as planning
from infmigrate.output.suggestions import TextChanges, plan

from ..fix_appliers import Suggested, apply_sarif, apply_suggestions
from .conftest import CLI_FIXTURES, cli, copy_tree, files_of
from .fix_rounds import STEPS, Processor, converge
from .test_git_apply import FILES as UTF16_FILES

FIXTURES = CLI_FIXTURES.parent
TOASTER = FIXTURES / "ISO020" / "reference_example.before.inf"


def _fixture_files(root: Path) -> None:
    """The CLI tree, every rule fixture's ``before`` file, and the UTF-16 variants."""
    shutil.copytree(CLI_FIXTURES / "tree", root / "tree")
    for before in sorted(FIXTURES.glob("ISO*/*.before.inf")):
        target = root / "rules" / before.parent.name / before.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(before, target)
    for name, (data, _) in UTF16_FILES.items():
        target = root / "utf16" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(the fixture files, the same after ``infmigrate --write .``)."""
    root = tmp_path_factory.mktemp("fixtures")
    _fixture_files(root)
    before = files_of(root)
    res = cli("--no-cache", "--write", ".", cwd=root)
    assert res.status in (0, 1), res.stderr
    return before, files_of(root)


@pytest.mark.parametrize("git_text", [False, True], ids=["", "working-tree-encoding"])
@pytest.mark.parametrize("fmt", sorted(STEPS))
def test_fix_formats_applied_give_what_write_writes(
    fmt: str, git_text: bool, trees: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    before, written = trees
    outcome = converge(fmt, before, Processor(), git_text=git_text)
    changed = [p for p in before if before[p] != written[p]]
    differ = sorted(p for p in before if outcome.files[p] != written[p])
    same = [p for p in changed if outcome.files[p] == written[p]]
    print(
        f"\n{fmt}: {len(changed)} files changed by --write, {len(same)} identical, "
        f"{outcome.applied} applied, {outcome.blocks} blocks in {len(outcome.blocked)} files"
    )
    assert [p for p in differ if p not in outcome.blocked] == []
    if fmt == "sarif":  # every fix, UTF-16 files included
        assert differ == [] and outcome.applied > 80
    else:
        assert outcome.applied > 5 and outcome.blocks > 20 and len(same) > 5
        # UTF-16 files get suggestions when git stores them as text
        utf16 = [p for p in same if before[p].startswith(b"\xff\xfe")]
        assert len(utf16) >= 3 if git_text else utf16 == []


def _review(root: Path, fmt: str, *args: str) -> str:
    res = cli("--no-cache", "--format", fmt, *args, ".", cwd=root)
    assert res.status in (0, 1), res.stderr
    return res.stdout.decode("utf-8")


def test_a_fix_in_two_places_is_one_diff_block_not_two_suggestions(tmp_path: Path) -> None:
    """The toaster case: ISO020 deletes the HKLM values in one section and adds them as
    HKR in another; applying the deletion alone would lose them."""
    shutil.copyfile(TOASTER, tmp_path / "cx.inf")
    comments = json.loads(_review(tmp_path, "github-review"))
    # the two findings (values Mode and Depth) share one fix: one comment
    iso020 = [c for c in comments if "**ISO020**" in c["body"]]
    assert len(iso020) == 1
    body = iso020[0]["body"]
    assert body.count("**ISO020**") == 2
    assert "```suggestion" not in body
    assert "-HKLM,%CxParm%\\Tuning,Depth,0x00010001,8    ; tuning depth" in body
    assert "+HKR,Parameters\\Tuning,Depth,0x00010001,8    ; tuning depth" in body
    assert "The 2 parts of this fix go together" in body
    found = [json.loads(line) for line in _review(tmp_path, "rdjsonl").splitlines()]
    first, second = [d for d in found if d["code"]["value"] == "ISO020"]
    assert "suggestions" not in first and "suggestions" not in second
    assert "```diff\n" in first["message"] and "go together" in first["message"]
    assert second["message"].endswith("the one offered with the ISO020 finding on line 30.")


def test_plan_keeps_suggestions_apart_and_small_gaps_in_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One suggestion for a fix whose parts are close; an overlapping one becomes a diff
    block; the same change of two findings is one suggestion."""
    old = [f"line{i}\r\n" for i in range(1, 21)]

    def changes_of(new: list[str]) -> TextChanges:
        from infmigrate.diffs.linediff import changes

        return TextChanges(old, new, changes(old, new))

    close = [*old[:2], "NEW2\r\n", *old[3:5], "NEW5\r\n", *old[6:]]  # lines 3 and 6
    far = [*old[:1], "NEW1\r\n", *old[2:15], "NEW15\r\n", *old[16:]]
    overlapping = [*old[:4], "OTHER\r\n", *old[5:]]  # line 5, inside 3..6
    effects = {"close": close, "far": far, "overlap": overlapping, "same": close}

    class _Fix:
        def __init__(self, title: str) -> None:
            self.title = title
            self.text = planning.text_of(changes_of(effects[title]))

    diags = [Diagnostic.__new__(Diagnostic) for _ in effects]  # plan reads only .fix.text
    for d, title in zip(diags, effects, strict=True):
        object.__setattr__(d, "fix", _Fix(title))
    proposals = plan(diags)
    by = {p.diags[0].fix.title: p for p in proposals}  # type: ignore[union-attr]
    assert by["close"].suggestion is not None
    assert (by["close"].suggestion.start_line, by["close"].suggestion.end_line) == (3, 6)
    assert by["close"].suggestion.lines == ("NEW2", "line4", "line5", "NEW5")
    assert by["close"].diags == diags[:1] + diags[3:]  # "same": one suggestion
    assert by["far"].suggestion is None and by["far"].why == "parts"
    assert "-line2" in by["far"].diff and "+NEW15" in by["far"].diff
    assert by["overlap"].suggestion is None and by["overlap"].why == "overlap"
    # each suggestion applied alone keeps the file's line ends
    s = by["close"].suggestion
    data = "".join(old).encode()
    got = apply_suggestions(
        data, [Suggested("f", s.start_line, s.end_line, "\n".join(s.lines))], "cp1252"
    )
    assert got == "".join(close).encode()


def test_sarif_declares_a_lone_cr_and_caps_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_tree("tree", tmp_path)
    log = json.loads(_review(root, "sarif"))
    assert "newlineSequences" not in log["runs"][0]
    (root / "lone.inf").write_bytes(
        b'[Version]\r\nSignature="$Windows NT$"\r; old\r\nClass=Net\r\nCatalogFile=l.cat\r\n'
    )
    log = json.loads(_review(root, "sarif"))
    assert log["runs"][0]["newlineSequences"] == ["\r\n", "\n", "\r"]
    lone = [
        r
        for r in log["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "lone.inf"
        and r["ruleId"] == "ISO015"
    ]
    # the fix lands after line 5 (CatalogFile): a lone CR ends line 2
    region = lone[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
    assert region["startLine"] == 6
    fixed, _ = apply_sarif(log, files_of(root))
    assert fixed["lone.inf"].endswith(b"CatalogFile=l.cat\r\nPnpLockdown=1\r\n")

    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    res = cli("--no-cache", "--format", "sarif", ".", cwd=root)
    capped = json.loads(res.stdout)["runs"][0]
    assert len(capped["results"]) == 3
    assert all(r["level"] == "error" for r in capped["results"])
    (note,) = capped["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "results left out" in note["message"]["text"]
    assert "warning: sarif: " in res.stderr and "more than 3 results" in res.stderr


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_filter_base_keeps_the_lines_the_pull_request_changes(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    text = TOASTER.read_text("ascii").replace("\n", "\r\n")
    (root / "cx.inf").write_bytes(text.replace("PnpLockdown = 1\r\n", "").encode())
    (root / "other.inf").write_bytes(text.replace("PnpLockdown = 1\r\n", "").encode())
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "base")
    _git(root, "branch", "base")
    # the pull request changes line 27 of cx.inf only, next to the HKLM values (29, 30)
    (root / "cx.inf").write_bytes(
        text.replace("PnpLockdown = 1\r\n", "").replace('"cx"', '"cx2"').encode()
    )
    _git(root, "commit", "-qam", "change")
    everything = json.loads(_review(root, "github-review", "--exit-zero"))
    assert {c["path"] for c in everything} == {"cx.inf", "other.inf"}
    kept = json.loads(_review(root, "github-review", "--diff-filter-base", "base"))
    assert kept and {c["path"] for c in kept} == {"cx.inf"}
    assert all(24 <= c.get("start_line", c["line"]) <= c["line"] <= 30 for c in kept)
    files = json.loads(
        _review(root, "github-review", "--diff-filter-base", "base", "--diff-filter", "file")
    )
    assert {c["path"] for c in files} == {"cx.inf"} and len(files) > len(kept)
    lines = _review(root, "rdjsonl", "--diff-filter-base", "base", "--diff-filter", "added")
    for line in lines.splitlines():
        d = json.loads(line)
        assert d["location"]["path"] == "cx.inf"
    bad = cli("--no-cache", "--format", "rdjsonl", "--diff-filter-base", "nope", ".", cwd=root)
    assert bad.status == 2 and "--diff-filter-base" in bad.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_utf16_files_git_stores_as_text_get_suggestions(tmp_path: Path) -> None:
    """With ``working-tree-encoding`` GitHub shows a UTF-16 file's lines (git stores it as
    UTF-8), so its fixes are suggestions; without, a diff block."""
    root = tmp_path / "repo"
    root.mkdir()
    data = b"\xff\xfe" + (
        '[Version]\r\nSignature="$Windows NT$"\r\nClass=Net\r\nCatalogFile=w.cat\r\n'
    ).encode("utf-16-le")
    (root / "w.inf").write_bytes(data)
    _git(root, "init", "-q")
    (comment,) = json.loads(_review(root, "github-review"))
    assert "```suggestion" not in comment["body"] and "shows as binary" in comment["body"]
    (root / ".gitattributes").write_text("*.inf working-tree-encoding=UTF-16LE-BOM\n")
    (comment,) = json.loads(_review(root, "github-review"))
    assert "```suggestion\nCatalogFile=w.cat\nPnpLockdown=1\n```" in comment["body"]
    (d,) = [json.loads(x) for x in _review(root, "rdjsonl").splitlines()]
    assert d["suggestions"][0]["text"] == "CatalogFile=w.cat\nPnpLockdown=1"
