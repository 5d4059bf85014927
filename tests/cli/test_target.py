"""--target-windows and target-windows: the target in ISO011's message, --verbose, the
cache key, errors."""

from __future__ import annotations

from pathlib import Path

from .conftest import cli

#: A Models section for every Windows version whose DDInstall runs a file from the
#: driver store (ISO011 reports it).
INF = (
    b'[Version]\r\nSignature="$Windows NT$"\r\nClass=System\r\nProvider=%M%\r\n'
    b"CatalogFile=x.cat\r\nPnpLockdown=1\r\n\r\n[Manufacturer]\r\n%M%=Cx,NTamd64.6.1\r\n\r\n"
    b"[Cx.NTamd64.6.1]\r\n%D%=Cx_Inst,ROOT\\CX\r\n\r\n[Cx_Inst]\r\nCopyFiles=Cx.Sys\r\n\r\n"
    b"[Cx_Inst.Services]\r\nAddService=cx,2,Cx_Svc\r\n\r\n[Cx_Svc]\r\nServiceType=1\r\n"
    b"StartType=3\r\nErrorControl=1\r\nServiceBinary=%13%\\cx.sys\r\n\r\n"
    b"[DestinationDirs]\r\nCx.Sys=13\r\n\r\n[Cx.Sys]\r\ncx.sys\r\n\r\n"
    b"[SourceDisksNames]\r\n1=%D%\r\n\r\n[SourceDisksFiles]\r\ncx.sys=1\r\n\r\n"
    b'[Strings]\r\nM="Contoso"\r\nD="Cx"\r\n'
)


def _tree(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / "cx.inf").write_bytes(INF)
    if config:
        (tmp_path / "infmigrate.toml").write_text(config, encoding="utf-8")
    return tmp_path


def test_default_target_is_what_the_decorations_allow(tmp_path: Path) -> None:
    res = cli("--select", "ISO011", "-v", "cx.inf", cwd=_tree(tmp_path))
    assert res.status == 1
    out = res.stdout.decode()
    assert "(it is selected on 6.1 and later)" in out
    assert "which needs build 16299 (Windows 10 1709, the floor of DIRID 13; InfVerif 1199;" in out
    assert "target: 6.1 (Windows 7 / Windows Server 2008 R2), as the INF's own decorations" in out
    assert "checked cx.inf (cp1252, 1 finding)\n  target: 6.1 (Windows 7" in res.stderr


def test_command_line_target_wins_and_keys_the_cache(tmp_path: Path) -> None:
    tree = _tree(tmp_path, 'target-windows = "server2016"\n')
    by_config = cli("--select", "ISO011", "cx.inf", cwd=tree)
    assert (
        "target: 10.0.14393 (Windows 10 1607 / Windows Server 2016))" in by_config.stdout.decode()
    )
    by_option = cli("--select", "ISO011", "-v", "--target-windows", "1809", "cx.inf", cwd=tree)
    assert (
        "target: 10.0.17763 (Windows 10 1809 / Windows Server 2019))" in by_option.stdout.decode()
    )
    assert ", cached)" not in by_option.stderr  # another target: another cache entry
    again = cli("--select", "ISO011", "-v", "--target-windows", "10.0.17763", "cx.inf", cwd=tree)
    assert again.stdout == by_option.stdout and ", cached)" in again.stderr
    assert "  target: 10.0.17763 (Windows 10 1809 / Windows Server 2019)\n" in again.stderr


def test_bad_targets_are_usage_or_configuration_errors(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    res = cli("--target-windows", "22H2", "cx.inf", cwd=tree)
    assert res.status == 2
    assert "--target-windows: '22H2' is ambiguous: write win10-22H2" in res.stderr
    (tree / "infmigrate.toml").write_text('target-windows = "vista"\n', encoding="utf-8")
    res = cli("cx.inf", cwd=tree)
    assert res.status == 2
    assert f"{tree / 'infmigrate.toml'}:1: 'target-windows' must be a Windows version" in (
        res.stderr
    )


def test_explain_floors_and_builds(tmp_path: Path) -> None:
    floors = cli("--explain", "floors", cwd=tmp_path)
    assert floors.status == 0
    assert "dirid-13: 10.0.16299 (Windows 10 1709)" in floors.stdout.decode()
    assert "minifilter: 10.0.25952" in floors.stdout.decode()
    builds = cli("--explain", "builds", cwd=tmp_path)
    assert builds.status == 0 and "win11-21h2" in builds.stdout.decode()
