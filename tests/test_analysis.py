"""The typed analysis memo (``ctx.analysis``): computed once per round, dependencies
first and declared, typed as declared for mypy."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from mypy import api

import infmigrate
from infmigrate.engine.analysis import Analysis, AnalysisError
from infmigrate.engine.fixer import FixContext
from infmigrate.engine.runner import check
from infmigrate.rules.placement._copies import CopiedFiles
from infmigrate.rules.placement._driver_store import DriverStorePlans, Plans
from infmigrate.rules.registry._registry_report import ApoClsids
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites

ROOT = Path(__file__).resolve().parent.parent

#: Calls of each analysis's compute, in order (reset by each test).
CALLS: list[str] = []


class Words(Analysis[tuple[str, ...]]):
    """The keys of the file's entries."""

    @classmethod
    def compute(cls, ctx: FixContext) -> tuple[str, ...]:
        CALLS.append("Words")
        return tuple(e.key or "" for s in ctx.tree.sections for e in s.entries)


class Lengths(Analysis[dict[str, int]]):
    """The length of each key (reads Words)."""

    requires = (Words,)

    @classmethod
    def compute(cls, ctx: FixContext) -> dict[str, int]:
        CALLS.append("Lengths")
        return {w: len(w) for w in ctx.analysis(Words)}


class Longest(Analysis[str]):
    """The longest key (reads Lengths, which reads Words)."""

    requires = (Lengths, Words)

    @classmethod
    def compute(cls, ctx: FixContext) -> str:
        CALLS.append("Longest")
        lengths = ctx.analysis(Lengths)
        return max(ctx.analysis(Words), key=lengths.__getitem__, default="")


class Sneaky(Analysis[int]):
    """Reads Words without declaring it."""

    @classmethod
    def compute(cls, ctx: FixContext) -> int:
        return len(ctx.analysis(Words))


class Chicken(Analysis[int]):
    @classmethod
    def compute(cls, ctx: FixContext) -> int:
        return ctx.analysis(Egg) + 1


class Egg(Analysis[int]):
    requires = (Chicken,)

    @classmethod
    def compute(cls, ctx: FixContext) -> int:
        return ctx.analysis(Chicken) + 1


# (Chicken declared before Egg exists: declare the cycle now.)
Chicken.requires = (Egg,)


class Itself(Analysis[int]):
    @classmethod
    def compute(cls, ctx: FixContext) -> int:
        return ctx.analysis(Itself)


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    CALLS.clear()


def _ctx() -> FixContext:
    return FixContext(infmigrate.parse(b"[Version]\r\nSignature = x\r\nClass = Net\r\n"))


def test_an_analysis_is_computed_once_per_context() -> None:
    ctx = _ctx()
    first = ctx.analysis(Words)
    assert first == ("Signature", "Class")
    assert ctx.analysis(Words) is first
    assert CALLS == ["Words"]
    # A new round (a new context) computes it again, for its own tree.
    assert _ctx().analysis(Words) == first
    assert CALLS == ["Words", "Words"]


def test_dependencies_are_computed_first_and_once() -> None:
    ctx = _ctx()
    assert ctx.analysis(Longest) == "Signature"
    assert CALLS == ["Words", "Lengths", "Longest"]
    assert ctx.analysis(Lengths) == {"Signature": 9, "Class": 5}
    assert CALLS == ["Words", "Lengths", "Longest"]


def test_an_undeclared_dependency_is_refused() -> None:
    with pytest.raises(AnalysisError, match="Sneaky reads Words without declaring it"):
        _ctx().analysis(Sneaky)
    ctx = _ctx()
    ctx.analysis(Words)  # already computed: still refused
    with pytest.raises(AnalysisError, match="Sneaky reads Words"):
        ctx.analysis(Sneaky)


def test_a_cycle_is_refused() -> None:
    with pytest.raises(AnalysisError, match="require each other: Chicken -> Egg -> Chicken"):
        _ctx().analysis(Chicken)
    with pytest.raises(AnalysisError, match="Itself -> Itself"):
        _ctx().analysis(Itself)


def test_an_analysis_is_a_declaration_not_an_object() -> None:
    with pytest.raises(TypeError, match=r"use ctx.analysis\(Words\)"):
        Words()


def test_rules_share_one_result_per_round() -> None:
    """The built-in analyses: each rule of a round gets the same object, and
    ApoClsids reads RegistryWrites (declared) through the same memo."""
    tree = infmigrate.parse(
        b'[Version]\r\nSignature = "$WINDOWS NT$"\r\n[Manufacturer]\r\n%M% = M,NTamd64\r\n'
        b"[M.NTamd64]\r\n%D% = Inst, PCI\\VEN_1\r\n[Inst.NT]\r\nAddReg = Apo\r\n"
        b"[Apo]\r\nHKCR,AudioEngine\\AudioProcessingObjects\\{ABC},FriendlyName,,x\r\n"
    )
    ctx = FixContext(tree)
    writes = ctx.analysis(RegistryWrites)
    assert [w.kind for w in writes] == [Kind.APO]
    assert ctx.analysis(ApoClsids) == frozenset({"{abc}"})
    assert ctx.analysis(RegistryWrites) is writes
    assert isinstance(ctx.analysis(DriverStorePlans), Plans)
    assert ctx.analysis(CopiedFiles) == {}


def test_the_runner_makes_one_memo_per_round() -> None:
    seen: list[int] = []

    from infmigrate.engine.fixer import Diagnostic, Fixer

    class Probe(Fixer):
        code = "ISO999"
        name = "probe"
        message = "probe"

        def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
            seen.append(id(ctx.analysis(Words)))
            yield from ()

    check(_ctx().tree, [Probe(), Probe()])
    assert len(seen) == 2 and seen[0] == seen[1]
    assert CALLS == ["Words"]


def test_mypy_sees_the_declared_result_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ctx.analysis(X)`` is typed as X declares: no cast at the call site."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        textwrap.dedent(
            """
            from infmigrate.engine.fixer import FixContext
            from infmigrate.rules.placement._copies import CopiedFiles
            from infmigrate.rules.placement._driver_store import DriverStorePlans
            from infmigrate.rules.registry._registry_report import ApoClsids
            from infmigrate.rules.registry._registry_writes import RegistryWrites

            def probe(ctx: FixContext) -> None:
                reveal_type(ctx.analysis(RegistryWrites))
                reveal_type(ctx.analysis(ApoClsids))
                reveal_type(ctx.analysis(DriverStorePlans))
                reveal_type(ctx.analysis(CopiedFiles))
                wrong: int = ctx.analysis(ApoClsids)
            """
        )
    )
    # The project's settings (mypy --strict), from the root: the incremental cache of
    # tests/test_types.py serves here too.
    monkeypatch.chdir(ROOT)
    stdout, stderr, _ = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(probe)])
    revealed = [
        line.split("Revealed type is ", 1)[1] for line in stdout.splitlines() if "Revealed" in line
    ]
    assert revealed == [
        '"tuple[infmigrate.rules.registry._registry_writes.RegWrite, ...]"',
        '"frozenset[str]"',
        '"infmigrate.rules.placement._driver_store.Plans"',
        '"dict[tuple[int | str, str, str], '
        'typing.Sequence[infmigrate.rules.placement._copies.CopiedFile]]"',
    ], stdout + stderr
    assert 'Incompatible types in assignment (expression has type "frozenset[str]"' in stdout
