"""Rules nobody registers by hand (CONTRIBUTING.md, "Where a new rule goes" and
"Third-party rule packs").

* A module dropped into a family folder of a copy of the package is a rule, with no list
  to edit anywhere else.
* The rule pack example of CONTRIBUTING.md, taken from the guide as written, installed as a
  distribution with an entry point in the ``infmigrate.fixers`` group, is listed, explained,
  selected by its prefix and reports its finding.

Both run the command in a child process whose ``PYTHONPATH`` puts the copies first, so this
process's imported rules are left alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "CONTRIBUTING.md"

#: A rule as a newcomer writes it, for the directives family.
NEW_RULE = '''\
"""ISO069 class-name-missing."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer


@register
class ClassNameMissing(Fixer):
    """## What it does
    Flags a `[Version]` section without `Class`.

    ## Why is this bad?
    A test rule.

    ## Example
    ```inf
    [Version]
    ```

    Use instead:
    ```inf
    [Version]
    Class = Net
    ```

    ## Fix safety
    There is no fix.

    ## References
    - [INF Version section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-version-section)
    """

    code = "ISO069"
    name = "class-name-missing"
    message = "[Version] has no Class directive"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for section in ctx.tree.sections:
            if section.name.casefold() == "version" and not any(
                (entry.key or "").casefold() == "class" for entry in section.entries
            ):
                yield self.diagnostic(section.header)
'''

INF = b'[Version]\r\nSignature = "$Windows NT$"\r\nPnpLockdown = 1\r\n'


def _infmigrate(args: list[str], pythonpath: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "INFMIGRATE_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "infmigrate", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_module_in_a_family_folder_is_a_rule(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(
        ROOT / "infmigrate", site / "infmigrate", ignore=shutil.ignore_patterns("__pycache__")
    )
    (site / "infmigrate" / "rules" / "directives" / "class_name_missing.py").write_text(
        NEW_RULE, encoding="utf-8"
    )
    (tmp_path / "x.inf").write_bytes(INF)

    listed = _infmigrate(["--list-rules"], site, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"^ISO069\s+class-name-missing\s", listed.stdout, re.M), listed.stdout

    found = _infmigrate(["--select", "ISO069", "x.inf"], site, tmp_path)
    assert found.returncode == 1, found.stderr
    assert "x.inf:1:1: ISO069 [Version] has no Class directive" in found.stdout

    # Without the module the copy knows no ISO069: the finding came from the new file.
    (site / "infmigrate" / "rules" / "directives" / "class_name_missing.py").unlink()
    gone = _infmigrate(["--select", "ISO069", "x.inf"], site, tmp_path)
    assert gone.returncode == 2 and "ISO069" in gone.stderr


def _guide_block(language: str, after: str) -> str:
    """The first ```language block of CONTRIBUTING.md after the text ``after``."""
    guide = GUIDE.read_text(encoding="utf-8")
    start = guide.index(after)
    match = re.compile(rf"^```{language}\n(.*?)^```$", re.M | re.S).search(guide, start)
    assert match, f"no {language} block after {after!r} in CONTRIBUTING.md"
    return match.group(1)


def test_the_guides_rule_pack_example_works(tmp_path: Path) -> None:
    pyproject = tomllib.loads(_guide_block("toml", "In the pack's `pyproject.toml`"))
    group = pyproject["project"]["entry-points"]["infmigrate.fixers"]
    ((entry, package),) = group.items()
    module = re.search(r"`infmigrate_contoso/(\w+\.py)`:", GUIDE.read_text(encoding="utf-8"))
    assert module
    source = _guide_block("python", module.group(0))

    site = tmp_path / "site"
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text("", encoding="utf-8")
    (site / package / module.group(1)).write_text(source, encoding="utf-8")
    info = site / "infmigrate_contoso-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: infmigrate-contoso\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[infmigrate.fixers]\n{entry} = {package}\n", encoding="utf-8"
    )
    (tmp_path / "x.inf").write_bytes(INF)

    listed = _infmigrate(["--list-rules"], site, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"^CTS001\s+provider-missing\s", listed.stdout, re.M), listed.stdout
    assert re.search(r"^ISO015\s", listed.stdout, re.M)  # the built-in rules are still there

    explained = _infmigrate(["--explain", "CTS001"], site, tmp_path)
    assert explained.returncode == 0, explained.stderr
    assert "Use instead:" in explained.stdout

    found = _infmigrate(["--select", "CTS", "x.inf"], site, tmp_path)
    assert found.returncode == 1, found.stderr
    assert "x.inf:1:1: CTS001 [Version] has no Provider directive" in found.stdout
    assert "ISO" not in found.stdout

    (tmp_path / "x.inf").write_bytes(INF + b"Provider = %Contoso%\r\n")
    clean = _infmigrate(["--select", "CTS", "x.inf"], site, tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
