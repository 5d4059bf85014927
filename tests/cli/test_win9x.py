"""Windows 9x-only INFs are skipped with a note (issue 10, defect 6); a ``$Chicago$``
INF with ``.NT`` install sections is a real NT package and is migrated."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from infmigrate.cli.command import Mode, RunOptions, run
from infmigrate.engine.syntax import decode
from infmigrate.workspace.win9x import WIN9X_NOTE, is_win9x_only

from ..corpus import CORPUS, corpus_files, needs_corpus
from .conftest import CLI_FIXTURES, cli

WIN9X = CLI_FIXTURES / "win9x"
NOTE = f"{WIN9X_NOTE}: skipped"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "win9x"
    shutil.copytree(WIN9X, target)
    return target


def test_win9x_only_infs_are_skipped_and_counted_dual_ones_migrated(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    before = {p.name: p.read_bytes() for p in root.iterdir()}
    res = cli("--no-cache", "--write", ".", cwd=root)
    assert f"note: vxd_only.inf: {NOTE}" in res.stderr
    assert f"note: vxd_only_utf16.inf: {NOTE}" in res.stderr
    assert "dual_nt" not in "".join(
        line for line in res.stderr.splitlines() if line.startswith("note:")
    )
    assert "4 files scanned: 2 changed, 2 skipped." in res.stderr
    after = {p.name: p.read_bytes() for p in root.iterdir()}
    assert after["vxd_only.inf"] == before["vxd_only.inf"]
    assert after["vxd_only_utf16.inf"] == before["vxd_only_utf16.inf"]
    assert after["dual_nt.inf"] != before["dual_nt.inf"]
    assert b"ServiceBinary = %13%\\cardnt.sys" in after["dual_nt.inf"]
    assert after["dual_nt_utf16.inf"] != before["dual_nt_utf16.inf"]


@pytest.mark.parametrize("mode", ["", "--check", "--diff"])
def test_a_win9x_only_inf_named_on_the_command_line_is_skipped_too(mode: str) -> None:
    # As the EDK II skip: the file is not a Windows 10 driver package, however named.
    args = [a for a in ("--no-cache", mode, "vxd_only.inf") if a]
    res = cli(*args, cwd=WIN9X)
    assert res.status == 0, res.stderr
    assert res.stdout == b""
    assert f"note: vxd_only.inf: {NOTE}" in res.stderr
    assert "1 file scanned: 1 skipped." in res.stderr


def _inf(version: str, body: str) -> bytes:
    return (f"[Version]\r\n{version}\r\n\r\n[Manufacturer]\r\n%M% = M{body}").encode()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            _inf(
                "Signature = $Chicago$",
                "\r\n\r\n[M]\r\n%D% = D, X\\1\r\n\r\n[D]\r\nCopyFiles = L\r\n\r\n[L]\r\nx.vxd\r\n",
            ),
            True,
        ),
        # $Windows 95$ and a broken "$CHICAGO" are Windows 9x signatures too.
        (
            _inf(
                'Signature = "$Windows 95$"',
                "\r\n\r\n[M]\r\n%D% = D, X\\1\r\n\r\n[D]\r\n"
                "AddReg = R\r\n\r\n[R]\r\nHKR,,DevLoader,,*ntkern\r\n",
            ),
            True,
        ),
        (
            _inf(
                'Signature = "$CHICAGO"',
                "\r\n\r\n[M]\r\n%D% = D, X\\1\r\n\r\n[D]\r\nCopyFiles = L\r\n\r\n[L]\r\nx.mpd\r\n",
            ),
            True,
        ),
        # An NT signature, an NT models decoration, an NT install section: NT packages.
        (
            _inf(
                "Signature = $Windows NT$",
                "\r\n\r\n[M]\r\n%D% = D, X\\1\r\n\r\n[D]\r\nCopyFiles = L\r\n\r\n[L]\r\nx.vxd\r\n",
            ),
            False,
        ),
        (
            _inf(
                "Signature = $Chicago$",
                ",NTamd64\r\n\r\n[M.NTamd64]\r\n%D% = D, X\\1\r\n\r\n"
                "[D]\r\nCopyFiles = L\r\n\r\n[L]\r\nx.vxd\r\n",
            ),
            False,
        ),
        (
            _inf(
                "Signature = $Chicago$",
                "\r\n\r\n[M]\r\n%D% = D, X\\1\r\n\r\n[D]\r\n"
                "CopyFiles = L\r\n\r\n[D.NTx86.Services]\r\nAddService = s,2,S\r\n\r\n[L]\r\n"
                "x.vxd\r\n",
            ),
            False,
        ),
        # An AddReg section merely named "....NT.reg" is not an NT install section.
        (
            _inf(
                "Signature = $Chicago$",
                "\r\n\r\n[M]\r\n%D% = D, X\\1\r\n\r\n[D]\r\n"
                "AddReg = D.NT.reg\r\n\r\n[D.NT.reg]\r\nHKR,,DeviceVxDs,,x.sys\r\n",
            ),
            True,
        ),
        # No Windows 9x payload: nothing says it is not for NT-based Windows.
        (
            _inf(
                "Signature = $Chicago$",
                "\r\n\r\n[M]\r\n%D% = D, X\\1\r\n\r\n[D]\r\nCopyFiles = L\r\n\r\n[L]\r\nx.sys\r\n",
            ),
            False,
        ),
    ],
)
def test_is_win9x_only(data: bytes, expected: bool) -> None:
    assert is_win9x_only(data) is expected
    assert is_win9x_only(b"\xff\xfe" + data.decode().encode("utf-16-le")) is expected


_SIGNATURE = re.compile(r"^[ \t]*Signature[ \t]*=[ \t]*\"?\$(chicago|windows ?95)", re.I | re.M)
_NT_SECTION = re.compile(r"^[ \t]*\[[^\]\r\n]*\.nt(x86|amd64|ia64|arm64|arm)?[\].]", re.I | re.M)
_NT_MODELS = re.compile(r"^[ \t]*[^;\r\n=]*=[^;\r\n]*,[ \t]*nt", re.I | re.M)


@needs_corpus
def test_no_win9x_only_corpus_inf_is_edited_by_write(tmp_path: Path) -> None:
    """--write over copies of every corpus INF with a Windows 9x signature, through the
    command: an edited file must have an NT install section or NT models (a check
    independent of :mod:`infmigrate.workspace.win9x`), and every file it skips is unchanged."""
    chosen = [
        rel for rel in corpus_files() if _SIGNATURE.search(decode((CORPUS / rel).read_bytes()).text)
    ]
    assert chosen
    for rel in chosen:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, tmp_path / rel)
    status = run(
        RunOptions([str(tmp_path)], mode=Mode.WRITE, cache=False, jobs=1, quiet=True, cwd=tmp_path),
        stdout=_Sink(),
        stderr=_Text(),
    )
    assert status in (0, 1)
    skipped = edited = 0
    for rel in chosen:
        original = (CORPUS / rel).read_bytes()
        now = (tmp_path / rel).read_bytes()
        if is_win9x_only(original):
            skipped += 1
            assert now == original, rel
        elif now != original:
            edited += 1
            text = decode(original).text
            assert _NT_SECTION.search(text) or _NT_MODELS.search(text), rel
    assert skipped and edited


class _Sink:
    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Text(_Sink):
    def write(self, data: str) -> int:  # type: ignore[override]
        return len(data)


def test_the_cache_remembers_a_win9x_skip_and_a_result_needs_no_win9x_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16 (the cached re-run): a warm cache decides neither a skipped Windows 9x INF
    nor a file it has the result of by parsing it again; the output is the same."""
    from infmigrate.cli import command
    from infmigrate.workspace.cache import CACHE_DIR_NAME

    from .cachefiles import entries

    root = _copy(tmp_path)
    fresh = cli("--no-cache", ".", cwd=root)
    first = cli(".", cwd=root)
    skips = {k: v for k, v in entries(root).items() if k.startswith("skip:")}
    assert sorted(Path(k).name for k in skips) == ["vxd_only.inf", "vxd_only_utf16.inf"]
    assert {v["k"] for v in skips.values()} == {"win9x"}
    decided: list[int] = []

    def counting(data: bytes) -> bool:
        decided.append(len(data))
        return is_win9x_only(data)

    monkeypatch.setattr(command, "is_win9x_only", counting)
    second = cli(".", cwd=root)
    assert decided == []
    assert (fresh.status, fresh.stdout, fresh.stderr) == (first.status, first.stdout, first.stderr)
    assert (second.status, second.stdout, second.stderr) == (
        fresh.status,
        fresh.stdout,
        fresh.stderr,
    )
    assert f"note: vxd_only.inf: {NOTE}" in second.stderr
    # New bytes are decided again: the remembered skip was for the old ones.
    (root / "vxd_only.inf").write_bytes((WIN9X / "dual_nt.inf").read_bytes())
    third = cli(".", cwd=root)
    assert len(decided) == 1
    assert "note: vxd_only.inf:" not in third.stderr
    assert (root / CACHE_DIR_NAME).is_dir()
