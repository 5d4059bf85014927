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

_MANUFACTURERS = [SimpleNamespace(), SimpleNamespace()]
_MODELS = [SimpleNamespace(manufacturer=_MANUFACTURERS[i % 2]) for i in range(3)]


def _install(kind: str, base: str, platforms: frozenset[str], models: tuple[int, ...]) -> Any:
    return SimpleNamespace(
        kind=kind, base_name=base, platforms=platforms, models=[_MODELS[m] for m in models]
    )


installs = st.builds(
    _install,
    st.sampled_from(["ddinstall", "defaultinstall"]),
    st.sampled_from(["A", "a", "B"]),
    st.frozensets(st.sampled_from(["amd64", "x86", "arm64"]), min_size=1),
    st.tuples(st.integers(0, 2)) | st.tuples(st.integers(0, 2), st.integers(0, 2)),
)


@st.composite
def writes(draw: st.DrawFn) -> list[tuple[Any, Any]]:
    pool = draw(st.lists(installs, min_size=1, max_size=4))
    sections = [
        SimpleNamespace(installs=tuple(draw(st.lists(st.sampled_from(pool), max_size=3))))
        for _ in range(draw(st.integers(1, 4)))
    ]
    out = []
    for _ in range(draw(st.integers(0, 12))):
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


@settings(max_examples=500, deadline=None)
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
    assert judged.count == 1
