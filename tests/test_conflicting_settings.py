"""ISO041's search for conflicting writes of one value (issue 18: it compared each write
with every earlier one)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from infmigrate.rules.registry import conflicting_settings
from infmigrate.rules.registry.conflicting_settings import _coexist, _conflicts
from tests.calls import counted

_MANUFACTURERS = [SimpleNamespace(), SimpleNamespace(), SimpleNamespace()]
_MODELS = [SimpleNamespace(manufacturer=_MANUFACTURERS[i % 3]) for i in range(5)]


def _install(kind: str, base: str, platforms: frozenset[str], models: tuple[int, ...]) -> Any:
    return SimpleNamespace(
        kind=kind, base_name=base, platforms=platforms, models=[_MODELS[m] for m in models]
    )


installs = st.builds(
    _install,
    st.sampled_from(["ddinstall", "ddinstall", "defaultinstall", "classinstall"]),
    st.sampled_from(["A", "a", "B"]),
    st.frozensets(st.sampled_from(["amd64", "x86", "arm64"]), min_size=1),
    st.tuples(st.integers(0, 4)) | st.tuples(st.integers(0, 4), st.integers(0, 4)),
)


@st.composite
def writes(draw: st.DrawFn) -> list[tuple[Any, Any]]:
    pool = draw(st.lists(installs, min_size=1, max_size=6))
    sections = [
        SimpleNamespace(installs=tuple(draw(st.lists(st.sampled_from(pool), max_size=3))))
        for _ in range(draw(st.integers(1, 4)))
    ]
    out = []
    for _ in range(draw(st.integers(0, 16))):
        section = draw(st.sampled_from(sections))
        out.append((SimpleNamespace(section=section), ("dword", draw(st.integers(0, 2)))))
    return out


def _reference(lines: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """The search as it was: every earlier write, in order."""
    out = []
    for i, (write, value) in enumerate(lines):
        other = next(
            (
                w
                for w, v in lines[:i]
                if v != value and _coexist(w.section.installs, write.section.installs)
            ),
            None,
        )
        if other is not None:
            out.append((write, other))
    return out


@settings(max_examples=1000, deadline=None)
@given(writes())
def test_conflicts_are_those_of_comparing_every_earlier_write(lines: list[Any]) -> None:
    found = [(id(a), id(b)) for a, b in _conflicts((w, w.section.installs, v) for w, v in lines)]
    assert found == [(id(a), id(b)) for a, b in _reference(lines)]


def test_writes_of_one_install_are_judged_once() -> None:
    # 5,000 writes of one value from one install, each with other data: never a conflict
    # (one install runs them all), and no pair of writes compared.
    install = _install("defaultinstall", "DefaultInstall", frozenset({"amd64"}), (0,))
    section = SimpleNamespace(installs=(install,))
    lines = [(SimpleNamespace(section=section), ("dword", i)) for i in range(5000)]
    with counted(conflicting_settings, "_coexist") as judged:
        assert list(_conflicts((w, w.section.installs, v) for w, v in lines)) == []
    assert judged.count == 0  # (an install never runs with itself: not even looked at)


def _each_in_its_own_install(installs: list[Any]) -> list[tuple[Any, Any]]:
    return [
        (SimpleNamespace(section=SimpleNamespace(installs=(install,))), ("dword", i))
        for i, install in enumerate(installs)
    ]


def test_installs_none_of_which_coexist_are_not_compared() -> None:
    """Issue 18: one value set differently by 3,000 DDInstalls, each from a Models section
    of its own Windows version of one Manufacturer entry (Windows picks one of them), or by
    3,000 decorations of DefaultInstall: no conflict, and no pair of installs compared (each
    write was compared with every earlier one, 4.5 million comparisons)."""
    maker = SimpleNamespace()
    models = [SimpleNamespace(manufacturer=maker) for _ in range(3000)]
    platforms = frozenset({"amd64"})
    for installs in (
        [
            SimpleNamespace(kind="ddinstall", base_name=f"I{i}", platforms=platforms, models=[m])
            for i, m in enumerate(models)
        ],
        [
            SimpleNamespace(
                kind="defaultinstall", base_name="DefaultInstall", platforms=platforms, models=[]
            )
            for _ in range(3000)
        ],
    ):
        lines = _each_in_its_own_install(installs)
        with counted(conflicting_settings, "_coexist") as judged:
            assert list(_conflicts((w, w.section.installs, v) for w, v in lines)) == []
        assert judged.count == 0


def test_installs_that_all_coexist_stop_at_the_first() -> None:
    """3,000 DDInstalls of 3,000 Manufacturer entries (any two can run together), each
    setting the value differently: each write conflicts with the first, found by reading
    the first list of the Manufacturer entries' index (not every list, nor every group)."""
    platforms = frozenset({"amd64"})
    installs = [
        SimpleNamespace(
            kind="ddinstall",
            base_name=f"I{i}",
            platforms=platforms,
            models=[SimpleNamespace(manufacturer=SimpleNamespace())],
        )
        for i in range(3000)
    ]
    lines = _each_in_its_own_install(installs)
    with counted(conflicting_settings, "_coexist") as judged:
        found = list(_conflicts((w, w.section.installs, v) for w, v in lines))
    assert [(id(a), id(b)) for a, b in found] == [(id(w), id(lines[0][0])) for w, _ in lines[1:]]
    assert judged.count == len(lines) - 1
