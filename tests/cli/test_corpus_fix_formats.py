"""Over a temporary git repository built from the shared corpus: ``--diff . | git apply``
gives what ``--write`` writes for every file, with and without ``working-tree-encoding``
attributes; and every fix format (SARIF fixes, ``github-review`` suggestions, ``rdjsonl``
suggestions) applied to the files gives the same bytes, or shows the fix as a whole-fix
diff block that is not a suggestion.

One ``--write`` of the corpus is shared by the tests of this module (about a minute in
all, most of it the runs of infmigrate).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

import infmigrate
from infmigrate.output import sarif
from infmigrate.output.base import Report

from ..corpus import CORPUS, corpus_files, needs_corpus
from .conftest import cli, files_of
from .fix_rounds import RULES, Processor, converge, discovered, utf16_paths
from .test_formats import SCHEMA

pytestmark = needs_corpus


def _copy(dest: Path) -> Path:
    for rel in corpus_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, target)
    return dest


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every corpus file after ``infmigrate --write .``."""
    root = _copy(tmp_path_factory.mktemp("written"))
    res = cli("--no-cache", "--write", ".", cwd=root)
    assert res.status in (0, 1), res.stderr
    return files_of(root)


def _quoted(rel: str) -> str:
    """A gitattributes pattern naming exactly this path."""
    pattern = re.sub(r"([\[\]*?\\!#])", r"\\\1", rel)
    return '"' + pattern.replace('"', '\\"') + '"' if " " in pattern or '"' in pattern else pattern


def _attributes(root: Path) -> tuple[str, int]:
    """A ``.gitattributes`` as a driver repository would set it (Windows-driver-samples'
    ``* text=auto``, and each UTF-16LE file's encoding, with ``eol=crlf`` where git's own
    checkout could have written the file: no lone LF); and how many files it names."""
    lines = ["* text=auto\n"]
    for rel in corpus_files():
        data = (root / rel).read_bytes()
        tree = infmigrate.parse(data)
        if tree.encoding != "utf-16-le":
            continue  # git cannot read UTF-16BE-BOM: such files stay binary
        encoding = "UTF-16LE-BOM" if tree.bom else "UTF-16LE"
        text = tree.code
        eol = "text eol=crlf " if text.count("\n") == text.count("\r\n") else ""
        lines.append(f"{_quoted(rel)} {eol}working-tree-encoding={encoding}\n")
    return "".join(lines), len(lines) - 1


@pytest.mark.parametrize("attributes", [False, True], ids=["binary", "working-tree-encoding"])
def test_corpus_diff_through_git_apply_gives_what_write_writes(
    attributes: bool, written: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(tmp_path / "repo")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    named = 0
    if attributes:
        text, named = _attributes(root)
        (root / ".gitattributes").write_text(text, encoding="utf-8")
    res = cli("--no-cache", "--diff", ".", cwd=root)
    assert res.status == 1, res.stderr
    assert "shown as comments only" not in res.stderr
    binary = res.stdout.count(b"\nGIT binary patch\n")
    if attributes:
        assert named > 500 and binary < 100  # the UTF-16BE files
    else:
        assert binary > 500
    subprocess.run(["git", "apply"], cwd=root, input=res.stdout, check=True, capture_output=True)
    got = files_of(root)
    got.pop(".gitattributes", None)
    differ = sorted(rel for rel in written if got[rel] != written[rel])
    assert differ == []


@pytest.fixture(scope="module")
def processor() -> Processor:
    return Processor()


FORMATS = [
    ("sarif", False),
    ("github-review", False),
    ("github-review", True),
    ("rdjsonl", False),
    ("rdjsonl", True),
]


@pytest.mark.parametrize(
    ("fmt", "git_text"),
    FORMATS,
    ids=[f"{f}{'-working-tree-encoding' if t else ''}" for f, t in FORMATS],
)
def test_corpus_fix_formats_give_what_write_writes(
    fmt: str, git_text: bool, written: dict[str, bytes], processor: Processor
) -> None:
    """Every file comes out byte-identical to ``--write``, or one of its fixes was shown as
    a whole-fix diff block (suggestion formats; with ``git_text``, as in a repository whose
    UTF-16LE files have a ``working-tree-encoding``, which GitHub then shows as text)."""
    files = {rel: (CORPUS / rel).read_bytes() for rel in corpus_files()}
    outcome = converge(fmt, files, processor, git_text=git_text)
    differ = sorted(p for p in files if outcome.files[p] != written[p])
    unexplained = [p for p in differ if p not in outcome.blocked]
    utf16 = utf16_paths(files, processor)
    same = sum(1 for p in files if files[p] != written[p] and outcome.files[p] == written[p])
    print(
        f"\n{fmt}{' (git text)' if git_text else ''}: {outcome.applied} fixes applied in "
        f"{outcome.rounds} rounds; "
        f"{same} changed files identical to --write "
        f"({sum(1 for p in utf16 if files[p] != written[p] and outcome.files[p] == written[p])}"
        f" UTF-16); {len(differ)} differ, {len(outcome.blocked)} files with "
        f"{outcome.blocks} whole-fix diff blocks"
    )
    assert unexplained == []
    if fmt == "sarif":  # every fix is offered: UTF-16 files included
        assert differ == []
    if git_text:  # UTF-16LE files get suggestions too
        assert any(p in utf16 and outcome.files[p] != files[p] for p in files)


def test_corpus_sarif_validates_against_the_schema(processor: Processor) -> None:
    """The SARIF of the whole corpus (capped at GitHub's 25,000 results, UTF-16 fixes as
    byte regions) is valid SARIF 2.1.0."""
    files = {rel: (CORPUS / rel).read_bytes() for rel in corpus_files()}
    results = [r for p in discovered(sorted(files)) if (r := processor.result(p, files[p]))]
    report = Report(files=results, mode="report", rules=RULES.rules)
    log = sarif.to_log(report)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    run = log["runs"][0]
    found = len(report.shown)
    assert found > sarif.MAX_RESULTS
    assert len(run["results"]) == sarif.MAX_RESULTS
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert f"{found - sarif.MAX_RESULTS} of {found} results left out" in note["message"]["text"]
    binary = [
        r
        for result in run["results"]
        for fix in result.get("fixes", [])
        for r in fix["artifactChanges"][0]["replacements"]
        if "binary" in r["insertedContent"]
    ]
    assert len(binary) > 500
    assert "newlineSequences" not in run  # no lone CR in the corpus
