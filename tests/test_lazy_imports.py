"""A run imports only what it needs (issue 16, start-up): an INF run without colour never
imports tree-sitter (C/C++ sources only) nor rich (coloured text, progress bar), nor a
format it does not print. Counted in modules, never timed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.text import Text

from infmigrate.output.text import _STRIPPED

ROOT = Path(__file__).resolve().parents[1]
TOASTER = ROOT / "fixtures" / "examples" / "toaster.inf"

PROBE = """
import sys
from infmigrate.cli import main
sys.argv = ["infmigrate", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
import json
tops = {m.split(".")[0] for m in sys.modules}
formats = {m for m in sys.modules if m.startswith("infmigrate.output.")}
print("@@MODULES@@", json.dumps(sorted(tops | formats)))
"""


def _modules(*args: str) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "FORCE_COLOR"} | {"NO_COLOR": "1"},
    )
    line = next(x for x in proc.stdout.splitlines() if x.startswith("@@MODULES@@ "))
    found: list[str] = json.loads(line.split(" ", 1)[1])
    return found


@pytest.mark.parametrize("mode", [["--check"], [], ["--diff"], ["--format", "json"]])
def test_an_inf_run_imports_neither_tree_sitter_nor_rich(mode: list[str]) -> None:
    found = _modules(*mode, "--no-cache", str(TOASTER))
    assert "infmigrate" in found
    assert "tree_sitter" not in found
    assert "rich" not in found
    # typer's option values without pydantic (infmigrate.cli.coercion); one small file
    # runs in this process: no pool; no .gitignore nor glob to match: no pathspec
    assert "pydantic" not in found
    assert "multiprocessing" not in found
    assert "pathspec" not in found
    formats = {m for m in found if m.startswith("infmigrate.output.")}
    printed = "json" if "json" in mode else "text"
    assert f"infmigrate.output.{printed}" in formats
    assert not formats & {"infmigrate.output.sarif", "infmigrate.output.junit"}


def test_the_plain_text_strips_what_rich_strips() -> None:
    sample = "".join(chr(c) for c in range(0x20)) + "a\tb\x7f\u2028\ufffd end"
    text = Text()
    text.append(sample)
    assert sample.translate(_STRIPPED) == text.plain
