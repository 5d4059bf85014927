"""Project-level promises: README set-up commands, CI script, layout, changelog."""

from __future__ import annotations

import importlib
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", setup, re.S)


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    install, test = commands
    assert "fixtures/" in install and "infmigrate" in install
    assert "pytest" in test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands()[1] in ci.splitlines()


def test_readme_example_exists() -> None:
    install = _readme_commands()[0]
    example = re.search(r"(fixtures/\S+\.inf)", install)
    assert example and (ROOT / example.group(1)).is_file()


def test_wheel_ships_one_package_and_the_entry_point() -> None:
    """The built-in rules are inside the package (no generic top-level ``fixers``
    distribution package); the console script's target is importable."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["infmigrate"]
    assert project["project"]["scripts"]["infmigrate"] == "infmigrate.cli:main"
    module, _, attr = project["project"]["scripts"]["infmigrate"].partition(":")
    assert callable(getattr(importlib.import_module(module), attr))
    assert importlib.util.find_spec("fixers") is None


def test_wininfparser_is_not_a_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    optional = project["project"]["optional-dependencies"].values()
    deps = [*project["project"]["dependencies"], *(d for group in optional for d in group)]
    assert not any("wininfparser" in d for d in deps)


def test_changelog_follows_keep_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "## [Unreleased]" in text
    sections = re.findall(r"^### (\w+)", text, re.M)
    assert set(sections) <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def _ruff() -> str:
    """The ruff installed with the test dependencies, next to this interpreter."""
    beside = Path(sys.executable).with_name("ruff")
    return str(beside) if beside.exists() else shutil.which("ruff") or "ruff"


def test_ruff_clean() -> None:
    """The code base stays ruff-clean (the configuration is in pyproject.toml)."""
    proc = subprocess.run(
        [_ruff(), "check", "--no-cache", str(ROOT)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_applied() -> None:
    """Every Python file is as ``ruff format`` writes it (run ``ruff format .`` to fix).

    The ruff version is pinned to one minor in pyproject.toml: the formatter's style
    changes between minors, so raising it is a deliberate change (re-run the formatter).
    """
    proc = subprocess.run(
        [_ruff(), "format", "--check", "--no-cache", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, "ruff format would change:\n" + proc.stdout + proc.stderr


#: The documents that describe the code to users and rule authors.
DOCUMENTS = ("README.md", "CONTRIBUTING.md")


def _documents() -> list[tuple[str, str]]:
    return [(name, (ROOT / name).read_text(encoding="utf-8")) for name in DOCUMENTS]


def test_paths_the_documents_name_exist() -> None:
    """Every repository path written in backquotes in the README and the guide exists
    (placeholders such as ``fixtures/<CODE>/`` and ``{a,b}`` lists aside)."""
    pattern = re.compile(r"`((?:infmigrate|tests|fixtures|bench|fuzz)/[^`\s]*)`")
    missing = [
        (name, path)
        for name, text in _documents()
        for path in pattern.findall(text)
        if not re.search(r"[<{*]", path) and not (ROOT / path).exists()
    ]
    assert not missing


def test_imports_the_documents_show_work() -> None:
    """Every ``from infmigrate... import ...`` line of the README's and the guide's code
    blocks imports (third-party examples, which import their own package, aside)."""
    pattern = re.compile(r"^\s*from (infmigrate[\w.]*) import ([\w, ]+)$", re.M)
    checked = 0
    for name, text in _documents():
        for module, names in pattern.findall(text):
            imported = importlib.import_module(module)
            for attr in names.split(","):
                assert hasattr(imported, attr.strip()), (name, module, attr)
            checked += 1
    assert checked >= 5
