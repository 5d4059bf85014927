"""``infmigrate --diff . | git apply`` gives what ``--write`` writes, UTF-16 files included,
with the real git, in temporary repositories with and without ``working-tree-encoding``
attributes (and over the shared corpus: tests/cli/test_git_apply_corpus.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from infmigrate.diffs.gitbinary import binary_patch, blob_id, parse_literals
from infmigrate.diffs.gitform import GitForm, applies_exactly, text_form

from .conftest import CLI_FIXTURES, cli, files_of

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

#: A driver INF with a fix in two places (ISO020: HKLM values moved under the service's
#: HKR Parameters key) and non-ASCII text.
BODY = (CLI_FIXTURES.parent / "ISO020" / "reference_example.before.inf").read_text("ascii")
BODY = BODY.replace('Mfg="Contoso"', 'Mfg="Contoso Ä€ 漢字"')
CRLF = BODY.replace("\n", "\r\n")
LE, BE = b"\xff\xfe", b"\xfe\xff"

#: name -> (bytes, working-tree-encoding a repository would give it).
FILES: dict[str, tuple[bytes, str]] = {
    "le_bom_crlf.inf": (LE + CRLF.encode("utf-16-le"), "UTF-16LE-BOM"),
    # git cannot read UTF-16BE-BOM (no iconv name): a repository leaves it binary
    "be_bom_crlf.inf": (BE + CRLF.encode("utf-16-be"), ""),
    "le_no_bom.inf": (CRLF.encode("utf-16-le"), "UTF-16LE"),
    "le_bom_lf.inf": (LE + BODY.encode("utf-16-le"), "UTF-16LE-BOM"),
    "le_bom_mixed.inf": (
        LE
        + CRLF.replace("[Cx.Sys]\r\n", "[Cx.Sys]\n")
        .replace("; tuning", "\r; tuning")
        .encode("utf-16-le"),
        "UTF-16LE-BOM",
    ),
    "le_no_final_newline.inf": (LE + CRLF.rstrip("\r\n").encode("utf-16-le"), "UTF-16LE-BOM"),
    "le_double_bom.inf": (LE + ("\ufeff" + CRLF).encode("utf-16-le"), "UTF-16LE-BOM"),
    "dir with blank/le.inf": (LE + CRLF.encode("utf-16-le"), "UTF-16LE-BOM"),
    "ansi_crlf.inf": (CRLF.replace("Ä€ 漢字", "\xe9").encode("cp1252"), ""),
    "utf8_bom_crlf.inf": (b"\xef\xbb\xbf" + CRLF.encode("utf-8"), ""),
}
UTF16 = [n for n in FILES if not n.startswith(("ansi", "utf8"))]


def _pattern(name: str) -> str:
    return '"' + name + '"' if " " in name else name


def _attributes(variant: str) -> str:
    """A ``.gitattributes`` as a repository would have it: each UTF-16 file gets its
    encoding; ``eol=crlf`` only where git's own checkout could have written the file (no
    lone LF)."""
    lines = ["* text=auto\n"] if variant == "text-auto" else []
    for name, (data, encoding) in FILES.items():
        if not encoding:
            continue
        attrs = f"working-tree-encoding={encoding}"
        codec = "utf-16-be" if encoding.startswith("UTF-16BE") else "utf-16-le"
        text = data[2:].decode(codec) if data[:2] in (LE, BE) else data.decode(codec)
        if variant == "eol-crlf" and text.count("\n") == text.count("\r\n"):
            attrs = f"text eol=crlf {attrs}"
        lines.append(f"{_pattern(name)} {attrs}\n")
    return "".join(lines)


def _repo(root: Path, variant: str) -> Path:
    root.mkdir()
    for name, (data, _) in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    if variant != "none":
        (root / ".gitattributes").write_text(_attributes(variant), encoding="ascii")
    return root


def _written(root: Path, tmp_path: Path) -> dict[str, bytes]:
    copy = tmp_path / "written"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git"))
    res = cli("--no-cache", "--write", ".", cwd=copy)
    assert res.status in (0, 1), res.stderr
    return files_of(copy)


@pytest.mark.parametrize("variant", ["none", "eol-crlf", "encoding-only", "text-auto"])
def test_diff_through_git_apply_gives_what_write_writes(variant: str, tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", variant)
    expected = _written(root, tmp_path)
    before = files_of(root)
    res = cli("--no-cache", "--diff", ".", cwd=root)
    assert res.status == 1, res.stderr
    assert "shown as comments only" not in res.stderr
    out = res.stdout.decode("utf-8")
    binary = UTF16 if variant == "none" else [n for n in UTF16 if not FILES[n][1]]
    assert out.count("\nGIT binary patch\n") == len(binary)
    for name in binary:
        assert f"diff --git a/{name} b/{name}\n" in out
    if variant != "none":  # the others: text diffs of the UTF-8 git stores
        assert out.count("\n+HKR,Parameters,Mode,0x00010001,2") == len(FILES) - len(binary)
    subprocess.run(["git", "apply"], cwd=root, input=res.stdout, check=True)
    got = files_of(root)
    changed = [n for n in FILES if expected[n] != before[n]]
    assert len(changed) == len(FILES)
    assert {n: got[n] for n in FILES} == {n: expected[n] for n in FILES}
    # and back again
    subprocess.run(["git", "apply", "-R"], cwd=root, input=res.stdout, check=True)
    assert {n: (root / n).read_bytes() for n in FILES} == {n: before[n] for n in FILES}


def test_ansi_and_utf8_diffs_stay_plain_unified_diffs(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", "none")
    res = cli("--no-cache", "--diff", "ansi_crlf.inf", "utf8_bom_crlf.inf", cwd=root)
    assert res.stdout.startswith(b"--- a/ansi_crlf.inf\n+++ b/ansi_crlf.inf\n@@ ")
    assert b"diff --git" not in res.stdout and b"\r\n" in res.stdout


def test_a_change_git_cannot_write_back_is_shown_as_comments(tmp_path: Path) -> None:
    """``eol=crlf`` on a file with lone LFs: git would write them as CRLF, so no diff can
    give the fixed bytes back through git apply: comments, and the summary says so."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".gitattributes").write_text(
        "*.inf text eol=crlf working-tree-encoding=UTF-16LE-BOM\n", encoding="ascii"
    )
    data = FILES["le_bom_mixed.inf"][0]
    (root / "m.inf").write_bytes(data)
    res = cli("--no-cache", "--diff", ".", cwd=root)
    assert res.status == 1
    lines = res.stdout.decode("utf-8").split("\n")[:-1]  # a lone CR stays inside its line
    assert lines and all(line.startswith("#") for line in lines)
    assert "infmigrate --write m.inf" in res.stdout.decode("utf-8")
    assert "1 UTF-16 file shown as comments only" in res.stderr
    apply = subprocess.run(["git", "apply"], cwd=root, input=res.stdout, capture_output=True)
    assert b"No valid patches" in apply.stderr
    assert (root / "m.inf").read_bytes() == data


def test_binary_patch_reads_back_and_names_the_blobs() -> None:
    old, new = b"\xff\xfea\x00" * 40, b"\xff\xfeb\x00" * 41
    patch = binary_patch(old, new, "a/x.inf b/x.inf")
    assert patch.startswith(f"diff --git a/x.inf b/x.inf\nindex {blob_id(old)}..{blob_id(new)}\n")
    assert parse_literals(patch)[2:] == (new, old)
    assert len(blob_id(b"", "sha256")) == 64
    for data in (b"", old):
        git = subprocess.run(["git", "hash-object", "--stdin"], input=data, capture_output=True)
        assert blob_id(data) == git.stdout.decode().strip()


def test_the_model_refuses_what_git_would_not_give_back() -> None:
    form = GitForm("UTF-16LE-BOM", "always", True)
    old = LE + "a\r\nb\r\n".encode("utf-16-le")
    new = LE + "a\r\nb\r\nc\n".encode("utf-16-le")  # a lone LF git would write as CRLF
    old_text, new_text = text_form(old, form), text_form(new, form)
    assert old_text == "a\r\nb\r\n" and new_text is not None
    assert not applies_exactly(old, new, old_text, new_text, True, form)
    assert applies_exactly(old, new, old_text, new_text, True, GitForm("UTF-16LE-BOM"))
    assert text_form(old, GitForm("UTF-16LE")) is None  # git refuses a BOM there
    assert text_form(old, GitForm("UTF-16")) is None  # not one we can promise
