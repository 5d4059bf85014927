"""Build ranges of Models sections and install sections (engine/model/ranges.py)."""

from __future__ import annotations

import pytest

from infmigrate.engine.builds import ANY_WINDOWS, WindowsVersion
from infmigrate.engine.model import InfModel
from infmigrate.engine.model.decorations import parse_target_os
from infmigrate.engine.model.ranges import (
    FIRST_BUILD_DECORATION,
    BuildRange,
    build_ranges,
    decoration_floor,
)

from ._load import model

W = WindowsVersion


def _v(build: int) -> WindowsVersion:
    return W(10, 0, build)


def _install_range(m: InfModel, name: str) -> BuildRange:
    ranges = build_ranges(m.manufacturers, m.install_sections)
    found = [i for i in m.install_sections if i.name.lower() == name.lower()]
    assert len(found) == 1, [i.name for i in m.install_sections]
    return ranges.of_install(found[0])


_HEAD = "[Version]\nSignature=$Windows NT$\n"


@pytest.mark.parametrize(
    ("text", "floor"),
    [
        ("NTamd64", ANY_WINDOWS),
        ("NTamd64.6.1", W(6, 1, 0)),
        ("NTamd64.10.0", W(10, 0, 0)),
        ("NTamd64.10.0...16299", _v(16299)),
        ("NTamd64.10.0.1..17763", _v(17763)),
        # a build number before 14310 is never parsed: the decoration starts at 14310
        ("NTamd64.10.0...10240", FIRST_BUILD_DECORATION),
        ("NT$ARCH$.10.0...25952", _v(25952)),
    ],
)
def test_decoration_floor(text, floor):
    assert decoration_floor(parse_target_os(text)) == floor


def test_single_decoration_starts_at_its_build():
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NTamd64.10.0...16299\n"
        "[Std.NTamd64.10.0...16299]\n%D%=Inst,HW\n[Inst]\n"
    )
    r = _install_range(m, "Inst")
    assert r.lowest == _v(16299) and r.intervals == ((_v(16299), None),)
    assert not r.allows_below(_v(16299)) and r.allows_below(_v(16300))
    assert _v(15063) not in r and _v(26100) in r


def test_two_decorations_split_the_versions():
    # Windows 7 to build 16298 installs Old, 16299 and later New (the most specific wins).
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NTamd64.6.1,NTamd64.10.0...16299\n"
        "[Std.NTamd64.6.1]\n%D%=Old,HW\n"
        "[Std.NTamd64.10.0...16299]\n%D%=New,HW\n[Old]\n[New]\n"
    )
    assert _install_range(m, "Old").intervals == ((W(6, 1), _v(16299)),)
    assert _install_range(m, "New").intervals == ((_v(16299), None),)
    assert _install_range(m, "Old").entirely_below(_v(16299))
    assert not _install_range(m, "New").entirely_below(_v(16299))


def test_undecorated_fallback_ends_at_the_lowest_x86_decoration():
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NTx86.10.0...17134\n"
        "[Std]\n%D%=Old,HW\n[Std.NTx86.10.0...17134]\n%D%=New,HW\n[Old]\n[New]\n"
    )
    assert _install_range(m, "Old").intervals == ((ANY_WINDOWS, _v(17134)),)
    assert _install_range(m, "New").lowest == _v(17134)


def test_product_type_does_not_end_a_range():
    # NTamd64...1 (workstations) is chosen on workstations only: servers keep NTamd64.
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NTamd64,NTamd64.10.0.1..17763\n"
        "[Std.NTamd64]\n%D%=Any,HW\n[Std.NTamd64.10.0.1..17763]\n%D%=Ws,HW\n[Any]\n[Ws]\n"
    )
    assert _install_range(m, "Any").intervals == ((ANY_WINDOWS, None),)
    assert _install_range(m, "Ws").intervals == ((_v(17763), None),)


def test_lines_do_not_compete_and_ranges_union():
    # Two Manufacturer lines: each has its own choice; Inst is named by both.
    m = model(
        _HEAD + "[Manufacturer]\n%M%=A,NTamd64.10.0...22000\n%N%=B,NTamd64.10.0...17134\n"
        "[A.NTamd64.10.0...22000]\n%D%=Inst,HW\n"
        "[B.NTamd64.10.0...17134]\n%D%=Inst,HW2\n[Inst]\n"
    )
    r = _install_range(m, "Inst")
    assert r.intervals == ((_v(17134), None),)


def test_architectures_are_separate():
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NTx86,NTamd64.10.0...16299\n"
        "[Std.NTx86]\n%D%=Inst,HW\n[Std.NTamd64.10.0...16299]\n%D%=Inst,HW\n"
        "[Inst.NTx86]\n[Inst.NTamd64]\n"
    )
    assert _install_range(m, "Inst.NTx86").lowest == ANY_WINDOWS
    assert _install_range(m, "Inst.NTamd64").lowest == _v(16299)


def test_inx_arch_decorations():
    # The network INF docs' example: NT$ARCH$ below 25319, NT$ARCH$.10.0...25319 from it.
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NT$ARCH$,NT$ARCH$.10.0...25319\n"
        "[Std.NT$ARCH$.10.0...25319]\n%D%=InstallA,HW\n"
        "[Std.NT$ARCH$]\n%D%=InstallB,HW\n[InstallA]\n[InstallB]\n"
    )
    assert _install_range(m, "InstallA").intervals == ((_v(25319), None),)
    assert _install_range(m, "InstallB").intervals == ((ANY_WINDOWS, _v(25319)),)


def test_inx_arch_resolved_per_architecture():
    # No literal [Std.NT$ARCH$...]: each stamped architecture's section is its own.
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NT$ARCH$.10.0...16299\n"
        "[Std.NTamd64.10.0...16299]\n%D%=Inst,HW\n[Inst]\n"
    )
    assert _install_range(m, "Inst").lowest == _v(16299)


def test_default_install_downlevel_branch():
    # The minifilter samples' shape.
    m = model(
        _HEAD + "[DefaultInstall.NT$ARCH$.10.0...25952]\nCopyFiles=New\n"
        "[DefaultInstall.NT$ARCH$]\nCopyFiles=Old\n[New]\na.sys\n[Old]\na.sys\n"
    )
    ranges = build_ranges(m.manufacturers, m.install_sections)
    by_name = {i.name: ranges.of_install(i) for i in m.install_sections}
    assert by_name["DefaultInstall.NT$ARCH$.10.0...25952"].intervals == ((_v(25952), None),)
    assert by_name["DefaultInstall.NT$ARCH$"].intervals == ((ANY_WINDOWS, _v(25952)),)
    assert ranges.lowest == ANY_WINDOWS


def test_empty_models_section_excludes_and_default_target():
    # An empty decorated section stops the older one; the default target is the lowest
    # version any install section can be selected on.
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NTamd64.10.0...17134,NTamd64.10.0...17763\n"
        "[Std.NTamd64.10.0...17134]\n%D%=Inst,HW\n[Std.NTamd64.10.0...17763]\n[Inst]\n"
    )
    ranges = build_ranges(m.manufacturers, m.install_sections)
    assert _install_range(m, "Inst").intervals == ((_v(17134), _v(17763)),)
    assert ranges.lowest == _v(17134)


def test_malformed_decoration_is_never_chosen():
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NTamd64.ten\n[Std.NTamd64.ten]\n%D%=Inst,HW\n[Inst]\n"
    )
    ranges = build_ranges(m.manufacturers, m.install_sections)
    assert all(r.empty for r in ranges.models.values())


def test_union_and_text():
    a = BuildRange.of(W(6, 1), _v(16299))
    b = BuildRange.of(_v(16299))
    c = BuildRange.of(_v(22000), _v(22000))
    assert c.empty and c.lowest is None and not c.allows_below(_v(30000))
    u = BuildRange.union([b, a, c])
    assert u.intervals == ((W(6, 1), None),)
    gap = BuildRange.union([BuildRange.of(W(6, 1), _v(10240)), BuildRange.of(_v(22000))])
    assert len(gap.intervals) == 2 and _v(19041) not in gap
    assert str(b) == "10.0.16299 and later"
    assert str(a) == "6.1 up to 10.0.16299 (excluded)"
    assert str(BuildRange.of(ANY_WINDOWS, _v(17134))) == "versions before 10.0.17134"
    assert str(gap) == "6.1 up to 10.0.10240 (excluded), 10.0.22000 and later"
    assert str(c) == "no Windows version"
    assert str(BuildRange.of(ANY_WINDOWS)) == "any Windows version"


def test_build_numbers_below_14310_leave_the_lower_one_never_chosen():
    """Both apply from 14310 (earlier builds do not parse build numbers), where Windows takes
    the highest version written: 10240 is never chosen, 10586 from 14310 on, and 16299 (a
    floor of its own) ends 10586 (issue 18, stop 28: each got a twin section)."""
    m = model(
        _HEAD + "[Manufacturer]\n%M%=Std,NTamd64.10.0...10240,NTamd64.10.0...10586,"
        "NTamd64.10.0...16299\n"
        "[Std.NTamd64.10.0...10240]\n%D%=A,HW\n[Std.NTamd64.10.0...10586]\n%D%=B,HW\n"
        "[Std.NTamd64.10.0...16299]\n%D%=C,HW\n[A]\n[B]\n[C]\n"
    )
    assert _install_range(m, "A").intervals == ()
    assert _install_range(m, "B").intervals == ((FIRST_BUILD_DECORATION, _v(16299)),)
    assert _install_range(m, "C").intervals == ((_v(16299), None),)
