"""One file's processing: errors name the file, never escape as exceptions."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from infmigrate.cli import command, tasks
from infmigrate.cli.command import RunOptions
from infmigrate.engine.edits import make_entry
from infmigrate.engine.fixer import Diagnostic, Edit, FixContext, Fixer
from infmigrate.engine.processing import FileOptions, FileResult, process


class Flapping(Fixer):
    """Adds a line every round: never converges (a bug the runner reports)."""

    code = "TST901"
    name = "flapping"
    message = "always something"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        header = ctx.tree.sections[0].header
        yield self.diagnostic(
            header, fix=self.make_fix(Edit.insert_after(header, make_entry("X", ["1"])))
        )


class NonAnsi(Fixer):
    """Inserts a character cp1252 cannot write."""

    code = "TST902"
    name = "non-ansi"
    message = "needs a snowman"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        entry = ctx.tree.sections[0].entries[0]
        if "\u2603" not in ctx.tree.code:
            yield self.diagnostic(
                entry, fix=self.make_fix(Edit.insert_after(entry, make_entry("X", ["\u2603"])))
            )


def test_fixer_bug_becomes_an_error_naming_the_rule() -> None:
    result = process(b"[A]\r\n", "a.inf", FileOptions((Flapping,), frozenset()), want_fix=True)
    assert result.error.startswith("internal error: ")
    assert "TST901" in result.error and result.error.endswith("please report it")


def test_unencodable_fix_is_an_error() -> None:
    result = process(
        b"[A]\r\nx = 1\r\n", "a.inf", FileOptions((NonAnsi,), frozenset()), want_fix=True
    )
    assert result.error.startswith("cannot write the fixed file in its encoding (cp1252)")


def test_internal_error_exits_2_names_the_file_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.inf", "b.inf"):
        (tmp_path / name).write_bytes(b'[Version]\r\nSignature="$Windows NT$"\r\n')
    real = tasks.process

    def flaky(data: bytes, path: str, *args: object, **kwargs: object) -> FileResult:
        if path == "a.inf":
            raise RuntimeError("boom")
        return real(data, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "process", flaky)
    monkeypatch.chdir(tmp_path)
    out, err = io.BytesIO(), io.StringIO()
    status = command.run(
        RunOptions(paths=["."], select=("ISO015",), cwd=tmp_path),
        stdin=io.BytesIO(),
        stdout=out,
        stderr=err,
    )
    assert status == 2
    assert "error: a.inf: internal error: RuntimeError: boom; please report it" in (err.getvalue())
    assert out.getvalue().decode().startswith("b.inf:1:1: ISO015 [*]")
    assert "2 files scanned: 1 with problems, 1 failed." in err.getvalue()


def _toaster_result(*, want_fix: bool) -> FileResult:
    from infmigrate.engine.catalog import all_rules
    from infmigrate.engine.problems import SYNTAX_CODES

    data = (
        Path(__file__).resolve().parents[2] / "fixtures" / "examples" / "toaster.inf"
    ).read_bytes()
    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    return process(data, "toaster.inf", options, want_fix=want_fix, want_diff=False)


def test_light_result_survives_pickling_between_processes() -> None:
    import pickle

    from infmigrate.engine.processing import lighten

    full = _toaster_result(want_fix=True)
    assert full.changed and full.diagnostics and full.remaining
    light = lighten(full)
    back = pickle.loads(pickle.dumps(light, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == light
    assert back.diagnostics == light.diagnostics
    for d in back.diagnostics + back.remaining:
        assert type(d) is Diagnostic
        with pytest.raises(AttributeError):
            d.line = 0  # type: ignore[misc]  # still frozen after loading
    # texts of the original lines for the findings (the lines they start and end on), of
    # the fixed lines for what remains
    lines = full.original.decode("utf-8", "replace").splitlines()
    assert {n: lines[n - 1] for n in light.line_texts} == light.line_texts
    assert set(light.line_texts) == {n for d in full.diagnostics for n in (d.line, d.end_line) if n}
    fixed_lines = full.fixed.decode("utf-8", "replace").splitlines()  # type: ignore[union-attr]
    assert {n: fixed_lines[n - 1] for n in light.fixed_line_texts} == light.fixed_line_texts
    assert set(light.fixed_line_texts) == {
        n for d in full.remaining for n in (d.line, d.end_line) if n
    }


def test_light_result_of_unchanged_file_reuses_its_line_texts() -> None:
    from infmigrate.engine.processing import lighten

    full = _toaster_result(want_fix=False)
    full.fix_done, full.remaining, full.fixed = True, list(full.diagnostics), full.original
    light = lighten(full)
    assert light.line_texts and light.fixed_line_texts == light.line_texts


def test_light_result_without_texts_when_nothing_prints_them() -> None:
    from infmigrate.engine.processing import lighten

    full = _toaster_result(want_fix=True)
    light = lighten(full, texts=False)
    assert light.line_texts == {} and light.fixed_line_texts == {}
    assert light.diagnostics == lighten(full).diagnostics
    assert light.tree is None and light.original == b""


def test_check_without_cache_sends_no_line_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = Path(__file__).resolve().parents[2] / "fixtures" / "examples" / "toaster.inf"
    (tmp_path / "toaster.inf").write_bytes(src.read_bytes())
    seen: list[tasks.FileTask] = []
    real = tasks.run_task

    def spy(task: tasks.FileTask) -> FileResult:
        seen.append(task)
        return real(task)

    monkeypatch.setattr(command, "run_task", spy)
    for mode, cache, want in (
        (command.Mode.CHECK, False, False),
        (command.Mode.CHECK, True, True),
        (command.Mode.REPORT, False, True),
    ):
        seen.clear()
        command.run(
            RunOptions(paths=["."], mode=mode, cwd=tmp_path, jobs=1, cache=cache),
            stdin=io.BytesIO(),
            stdout=io.BytesIO(),
            stderr=io.StringIO(),
        )
        assert [t.texts for t in seen] == [want], (mode, cache)
