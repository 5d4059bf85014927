"""Configuration files: discovery, keys, errors, exclude globs."""

from __future__ import annotations

from pathlib import Path

import pytest

from infmigrate.workspace.config import ConfigError, ConfigFinder, excluded, load_config


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_nearest_configuration_wins(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.infmigrate]\nignore = ["ISO015"]\n')
    write(tmp_path / "a" / "infmigrate.toml", "unsafe-fixes = true\n")
    write(tmp_path / "a" / "b" / "pyproject.toml", '[project]\nname = "x"\n')
    finder = ConfigFinder(tmp_path)
    deep = finder.for_file(tmp_path / "a" / "b" / "c.inf")
    assert deep.path == tmp_path / "a" / "infmigrate.toml"
    assert deep.unsafe_fixes is True and deep.ignore == ()
    top = finder.for_file(tmp_path / "x.inf")
    assert top.path == tmp_path / "pyproject.toml" and top.ignore == ("ISO015",)


def test_infmigrate_toml_comes_before_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.infmigrate]\nselect = ["ISO"]\n')
    write(tmp_path / "infmigrate.toml", 'select = ["INF"]\n')
    assert ConfigFinder(tmp_path).for_file(tmp_path / "f.inf").select == ("INF",)


@pytest.mark.parametrize(
    "text, message",
    [
        ("select = [", "invalid TOML"),
        ('colour = "red"\n', "unknown key 'colour'"),
        ('unsafe-fixes = "yes"\n', "'unsafe-fixes' must be true or false"),
        ("ignore = [1]\n", "'ignore' must be a list of strings"),
        ('select = "ISO015"\n', r"toml:1: 'select' must be a list of strings, not a string"),
        ('exclude = "vendor"\n', r"'exclude' must be a list of strings, not a string"),
    ],
)
def test_invalid_configuration(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "infmigrate.toml", text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)
    with pytest.raises(ConfigError, match=message):
        ConfigFinder(tmp_path).for_file(tmp_path / "sub" / "f.inf")


def test_exclude_globs() -> None:
    patterns = ("vendor", "*.inx", "legacy/**/*.inf", "drivers/old", "**/gen/*.inf")
    assert excluded("vendor/x.inf", patterns)
    assert excluded("a/vendor/b/x.inf", patterns)
    assert excluded("a/b.inx", patterns)
    assert excluded("legacy/a/b/c.inf", patterns)
    assert excluded("drivers/old/x.inf", patterns)
    assert excluded("gen/x.inf", patterns) and excluded("a/gen/x.inf", patterns)
    assert not excluded("drivers/new/x.inf", patterns)
    assert not excluded("vendors/x.inf", patterns)


def test_exclude_is_relative_to_the_config_file(tmp_path: Path) -> None:
    write(tmp_path / "pkg" / "infmigrate.toml", 'exclude = ["old/*.inf"]\n')
    config = ConfigFinder(tmp_path).for_file(tmp_path / "pkg" / "old" / "x.inf")
    assert config.is_excluded(tmp_path / "pkg" / "old" / "x.inf")
    assert not config.is_excluded(tmp_path / "pkg" / "new" / "x.inf")


@pytest.mark.parametrize(
    "value, size",
    [
        ('"16MB"', 16 * 1024**2),
        ('"512 kb"', 512 * 1024),
        ("1000", 1000),
        ('"2GB"', 2 * 1024**3),
    ],
)
def test_max_file_size(tmp_path: Path, value: str, size: int) -> None:
    path = write(tmp_path / "infmigrate.toml", f"max-file-size = {value}\n")
    config = load_config(path)
    assert config is not None and config.max_file_size == size


@pytest.mark.parametrize("value", ['"big"', "0", "true", '"1TB"'])
def test_invalid_max_file_size(tmp_path: Path, value: str) -> None:
    path = write(tmp_path / "infmigrate.toml", f"max-file-size = {value}\n")
    with pytest.raises(ConfigError, match="'max-file-size' must be a size"):
        load_config(path)


@pytest.mark.parametrize(
    ("value", "version"),
    [('"10.0.17763"', (10, 0, 17763)), ("17763", (10, 0, 17763)), ('"win11-21H2"', (10, 0, 22000))],
)
def test_target_windows(tmp_path: Path, value: str, version: tuple[int, int, int]) -> None:
    path = write(tmp_path / "infmigrate.toml", f"target-windows = {value}\n")
    config = load_config(path)
    assert config is not None and config.target_windows == version
    unset = load_config(write(tmp_path / "x" / "infmigrate.toml", ""))
    assert unset is not None and unset.target_windows is None


@pytest.mark.parametrize(
    ("name", "text", "line", "why"),
    [
        ("infmigrate.toml", 'select = ["ISO"]\n\ntarget-windows = "21H2"\n', 3, "ambiguous"),
        ("infmigrate.toml", "target-windows = 7601\n", 1, "not a Windows 10 or 11 build"),
        ("infmigrate.toml", "target-windows = true\n", 1, "not a string"),
        (
            "pyproject.toml",
            '[project]\ntarget-windows = 1\n[tool.infmigrate] # x\ntarget-windows = "XP"\n',
            4,
            "not a Windows version",
        ),
    ],
)
def test_invalid_target_windows_names_the_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, why: str
) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: 'target-windows' must be a Windows version")
    assert why in message
