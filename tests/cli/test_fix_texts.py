"""The formats that print fixes work from light results whose fixes keep their text, and
print their output in pieces (issue 18: every file's trees were kept until the report was
printed, and the report was then built whole)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infmigrate.cli.command import Mode, RunOptions, run
from infmigrate.cli.tasks import FileTask, run_task
from infmigrate.engine.catalog import all_rules
from infmigrate.engine.fixer import Diagnostic
from infmigrate.engine.problems import SYNTAX_CODES
from infmigrate.engine.processing import FileOptions, FileResult, process
from infmigrate.output import FORMATS, STREAMS, sarif
from infmigrate.output import json as json_format
from infmigrate.output.base import Report
from infmigrate.output.fixtexts import render_fixes
from infmigrate.output.jsonstream import ITEMS, streamed

from .conftest import copy_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PRINTING_FIXES = ("json", "sarif", "rdjsonl", "github-review")
RULES = tuple(all_rules())
OPTIONS = FileOptions(RULES, frozenset(SYNTAX_CODES))


# ------------------------------------------------------------------ JSON in pieces

_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=6)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


def _place(document: Any, path: list[int]) -> Any:
    """The document with ITEMS put in place of one of its values (or of the document),
    chosen by ``path``."""
    if not path or not isinstance(document, (list, dict)) or not document:
        return ITEMS
    step, rest = path[0], path[1:]
    if isinstance(document, list):
        k = step % len(document)
        return [_place(v, rest) if i == k else v for i, v in enumerate(document)]
    keys = list(document)
    key = keys[step % len(keys)]
    return {k: _place(v, rest) if k == key else v for k, v in document.items()}


def _filled(document: Any, items: list[Any]) -> Any:
    if document is ITEMS:
        return items
    if isinstance(document, dict):
        return {k: _filled(v, items) for k, v in document.items()}
    if isinstance(document, list):
        return [_filled(v, items) for v in document]
    return document


@settings(max_examples=300, deadline=None)
@given(_json, st.lists(st.integers(0, 5), max_size=4), st.lists(_json, max_size=4))
def test_json_in_pieces_is_json_dumps(document: Any, path: list[int], items: list[Any]) -> None:
    placed = _place(document, path)
    got = "".join(streamed(placed, iter(items)))
    assert got == json.dumps(_filled(placed, items), indent=2, ensure_ascii=False)


def test_the_items_are_made_as_the_pieces_are_printed() -> None:
    made: list[int] = []

    def items() -> Iterator[dict[str, int]]:
        for i in range(3):
            made.append(i)
            yield {"n": i}

    pieces = streamed({"a": [1], "b": ITEMS, "c": "d"}, items())
    assert next(pieces) == '{\n  "a": [\n    1\n  ],\n  "b": '
    assert made == []
    assert next(pieces) == '[\n    {\n      "n": 0\n    }'
    assert made == [0]


# ---------------------------------------------------------- light results with fix texts


def _toaster() -> FileResult:
    data = (FIXTURES / "examples" / "toaster.inf").read_bytes()
    return process(data, "toaster.inf", OPTIONS, want_fix=True, want_diff=False)


def test_a_worker_sends_fix_texts_and_no_tree() -> None:
    data = (FIXTURES / "examples" / "toaster.inf").read_bytes()
    task = FileTask(0, "toaster.inf", data, OPTIONS, want_fix=True, fix_texts="report")
    light = run_task(task)
    assert light.tree is None and light.fixed_tree is None and light.original == b""
    full = _toaster()
    assert [d.code for d in light.diagnostics] == [d.code for d in full.diagnostics]
    fixed = [d for d in light.diagnostics if d.fix is not None]
    assert fixed and all(d.fix is not None and d.fix.text is not None for d in fixed)
    assert all(not d.fix.edits for d in fixed if d.fix is not None)

    # a fix several findings share stays one object, as in the full result
    def sharing(ds: list[Diagnostic]) -> list[int]:
        first: dict[int, int] = {}
        return [first.setdefault(id(d.fix), i) for i, d in enumerate(ds) if d.fix is not None]

    assert sharing(light.diagnostics) == sharing(full.diagnostics)


@pytest.mark.parametrize("fmt", PRINTING_FIXES)
@pytest.mark.parametrize("mode", ["report", "write"])
def test_the_formats_print_the_same_from_fix_texts_as_from_trees(fmt: str, mode: str) -> None:
    """A report of full results (the trees go through render_fixes in the report) and one
    of the light results a worker sends give the same output, in both modes."""
    paths = sorted((FIXTURES / "cli" / "tree").rglob("*.[iI][nN][fFxX]"))
    paths.append(FIXTURES / "cli" / "shared_fix" / "joint.inf")
    full = [process(p.read_bytes(), p.name, OPTIONS, want_fix=True, want_diff=False) for p in paths]
    light = [render_fixes(r, write=mode == "write") for r in full]
    for r in light:
        r.options = OPTIONS
    assert all(r.tree is None for r in light)
    from_trees = FORMATS[fmt](Report(files=full, mode=mode, rules=RULES))
    from_texts = FORMATS[fmt](Report(files=light, mode=mode, rules=RULES))
    assert from_texts == from_trees
    assert "".join(STREAMS[fmt](Report(files=light, mode=mode, rules=RULES))) == from_texts


def test_sarif_and_json_make_their_findings_one_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[str] = []
    for module, name in ((sarif, "_result"), (json_format, "_object")):
        real = getattr(module, name)

        def counting(*args: Any, _real: Any = real, _name: str = name) -> Any:
            made.append(_name)
            return _real(*args)

        monkeypatch.setattr(module, name, counting)
    report = Report(files=[_toaster()], rules=RULES)
    assert len(report.shown) > 3
    for fmt, name in (("sarif", "_result"), ("json", "_object")):
        pieces = iter(STREAMS[fmt](report))
        next(pieces)  # everything before the first finding
        next(pieces)  # the first finding
        assert made.count(name) == 1
        rest = list(pieces)
        assert made.count(name) == len(report.shown)
        assert rest


# ------------------------------------------------------------------------ the command


def _run(root: Path, fmt: str, jobs: int, mode: Mode = Mode.REPORT, **extra: Any) -> bytes:
    out, err = io.BytesIO(), io.StringIO()
    run(
        RunOptions(
            paths=["."],
            mode=mode,
            output_format=fmt,
            color="never",
            cwd=root,
            cache=False,
            jobs=jobs,
            **extra,
        ),
        stdin=io.BytesIO(),
        stdout=out,
        stderr=err,
    )
    assert "Traceback" not in err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize("fmt", PRINTING_FIXES)
def test_workers_give_what_one_process_gives(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The formats printing fixes run in parallel now that results cross as light ones."""
    root = copy_tree("tree", tmp_path)
    monkeypatch.chdir(root)
    one = _run(root, fmt, jobs=1)
    assert one and _run(root, fmt, jobs=2) == one


def test_an_output_file_is_left_whole_when_a_format_fails_midway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_tree("tree", tmp_path)
    monkeypatch.chdir(root)
    target = root / "report.sarif"
    target.write_bytes(b"earlier report\n")
    real = sarif._result
    calls: list[int] = []

    def failing(*args: Any) -> Any:
        calls.append(1)
        if len(calls) > 2:
            raise RuntimeError("boom")
        return real(*args)

    monkeypatch.setattr(sarif, "_result", failing)
    with pytest.raises(RuntimeError, match="boom"):
        _run(root, "sarif", jobs=1, output_file=target)
    assert target.read_bytes() == b"earlier report\n"
    assert [p.name for p in root.iterdir() if p.name.startswith(".report.sarif")] == []


def test_a_fix_that_waits_for_the_next_run_is_not_offered(tmp_path: Path) -> None:
    """ISO001's fix moves the list and rewrites ServiceBinary; ISO002's (ServiceBinary
    alone) touches the same line: offered by the next run, not with ISO001's (whether a
    fix goes with the others is worked out with its text, before the tree is dropped)."""
    data = (FIXTURES / "ISO001" / "lf_no_final_newline.before.inf").read_bytes()
    (tmp_path / "cx.inf").write_bytes(data)
    log = json.loads(_run(tmp_path, "sarif", jobs=2))
    fixes = {r["ruleId"]: "fixes" in r for r in log["runs"][0]["results"]}
    assert fixes["ISO001"] and not fixes["ISO002"]
    comments = json.loads(_run(tmp_path, "github-review", jobs=2))
    offered = {c["body"].split("**")[1]: "```" in c["body"] for c in comments}
    assert offered == {"ISO001": True, "ISO002": False}


@pytest.mark.parametrize("fmt", [*PRINTING_FIXES, "gitlab", "junit"])
def test_the_long_formats_come_in_pieces_that_make_their_whole(fmt: str) -> None:
    paths = sorted((FIXTURES / "cli" / "tree").rglob("*.[iI][nN][fFxX]"))
    full = [process(p.read_bytes(), p.name, OPTIONS, want_fix=True, want_diff=False) for p in paths]
    report = Report(files=full, rules=RULES)
    pieces = list(STREAMS[fmt](report))
    # a piece a finding (a file's findings at a time for github-review, a file at a time
    # for junit), not one text
    least = len(report.files) if fmt == "junit" else len({id(s.file) for s in report.shown})
    assert len(pieces) > least > 1
    assert "".join(pieces) == FORMATS[fmt](Report(files=full, rules=RULES))
