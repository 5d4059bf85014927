"""Which floor a driver-store fix must respect, per install section, and on which side of
it each install section's build range lies (ISO001 and the rules that follow its plan,
ISO011).

A file list moved to DIRID 13 runs from the driver store on every Windows build that can
select an install section reaching it. The first build that supports that depends on
the stack (:mod:`infmigrate.engine.floors`, ``infmigrate --explain floors``):

* DIRID 13 in general: 16299 (Windows 10 1709; InfVerif 1199);
* a UMDF driver (a ``UmdfService`` line in the install section's ``.Wdf`` section): 17134;
* a network component installed through NetCfg (``Class = NetService``, ``NetTrans`` or
  ``NetClient`` in ``[Version]``): 25319, and 25341 when it has a notify object
  (``HKR, Ndi, ClsID`` or ``ComponentDll``, "Notify objects for network components");
* a file system minifilter (a service of type 2, ``SERVICE_FILE_SYSTEM_DRIVER``, in an
  ``FSFilter`` load order group): 25952, as Microsoft's minifilter samples gate it.

An install section is on one side of the floor or both (:func:`sides`): *old* when every
build that can select it is below the floor, or when every Models section naming it ends
where a newer decoration of its ``[Manufacturer]`` line starts (a branch the INF keeps for
older Windows, left as it is), *new* when no build below the floor selects it, both when
its range straddles the floor (a fix must then either
decorate its Models sections up to the floor, when the target is at or above it, or give
it a branch for the floor and later: :mod:`._branch`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from infmigrate.engine.analysis import Analysis
from infmigrate.engine.builds import WindowsVersion
from infmigrate.engine.fixer import FixContext
from infmigrate.engine.floors import Floor, floor
from infmigrate.engine.model import InfModel
from infmigrate.engine.model.numbers import parse_int
from infmigrate.engine.model.ranges import BuildRanges, build_ranges, target_in_force
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.registry import RegSection
from infmigrate.engine.model.sections import fold
from infmigrate.engine.model.services import ServiceInstall

__all__ = ["NEW", "OLD", "Builds", "InstallBuilds", "floor_text", "install_floor", "sides"]

#: How messages name the construct of a floor.
_CONSTRUCT = {
    "dirid-13": "DIRID 13",
    "umdf": "a UMDF driver run from the driver store",
    "netcfg": "a NetCfg network component (NetService, NetTrans, NetClient) run from the "
    "driver store",
    "notify-object": "a network notify object run from the driver store",
    "minifilter": "a file system minifilter run from the driver store",
}


def floor_text(f: Floor) -> str:
    """``build 16299 (Windows 10 1709, the floor of DIRID 13)``, for messages."""
    return f"build {f.build} ({f.release}, the floor of {_CONSTRUCT.get(f.key, f.construct)})"


#: The two sides of a floor.
OLD = 0
NEW = 1

_NETCFG_CLASSES = {"netservice", "nettrans", "netclient"}
#: ``HKR, Ndi, <value>`` of a notify object.
_NOTIFY_VALUES = {"clsid", "componentdll"}

_T = TypeVar("_T")
SERVICE_FILE_SYSTEM_DRIVER = 2


@dataclass(frozen=True, slots=True)
class Builds:
    """The round's build ranges and the target in force."""

    ranges: BuildRanges
    #: The target (``--target-windows``, else the lowest build the INF's decorations allow).
    target: WindowsVersion
    #: ``target: 10.0.17763 (Windows 10 1809 / ...)``, for messages.
    target_text: str
    #: The floor of each install section, by identity.
    floors: dict[int, Floor]

    def floor_of(self, install: InstallSection) -> Floor:
        return self.floors.get(id(install), floor("dirid-13"))

    def sides(self, install: InstallSection, at: WindowsVersion) -> set[int]:
        """:func:`sides` of an install section against the version ``at``."""
        return sides(self.ranges, install, at)


class InstallBuilds(Analysis[Builds]):
    """Build ranges, target and per-install floors, once per round."""

    @classmethod
    def compute(cls, ctx: FixContext) -> Builds:
        model = ctx.model
        ranges = build_ranges(model.manufacturers, model.install_sections)
        target, text = target_in_force(ctx.settings.target_windows, ranges)
        floors = install_floors(model)
        return Builds(ranges, target, text, floors)


def sides(ranges: BuildRanges, install: InstallSection, at: WindowsVersion) -> set[int]:
    """``{NEW}`` when no build below ``at`` selects ``install`` (or nothing selects it),
    ``{OLD}`` when its range ends (below ``at``, or where a newer decoration of the INF
    takes over), ``{OLD, NEW}`` when it is selected below ``at`` and on every build from
    some point on."""
    r = ranges.of_install(install)
    if r.empty or not r.allows_below(at):
        return {NEW}
    if r.intervals[-1][1] is not None:
        # Every Models section naming it ends where a newer decoration of its line
        # starts: the INF already gives newer Windows a branch of its own, and keeps this
        # one for older Windows (Windows-driver-samples' mux_mp.inf keeps DIRID 12 below
        # 25341 on purpose): left as it is, even when the newer branch starts above ``at``.
        return {OLD}
    return {OLD, NEW}


def install_floor(model: InfModel, install: InstallSection) -> Floor:
    """The highest floor among the constructs the install section's stack has (module
    docstring)."""
    return _install_floor(model, install, _Uses(model))


def install_floors(model: InfModel) -> dict[int, Floor]:
    """:func:`install_floor` of every install section, by identity."""
    uses = _Uses(model)
    return {id(i): _install_floor(model, i, uses) for i in model.install_sections}


class _Uses:
    """What an install's floor reads of the model, by install (identity): read once for
    every install (issue 18: each install scanned every service, WDF service and registry
    section, quadratic in thousands of devices each with a service)."""

    def __init__(self, model: InfModel) -> None:
        self.umdf = {id(i) for wdf in model.wdf_services if wdf.umdf for i in wdf.installs}
        self.services: dict[int, list[ServiceInstall]] = {}
        for svc in model.services:
            if svc.section is not None:
                _add(self.services, svc.installs, svc)
        version = model.section("Version")
        cls = version.first("Class") if version is not None else None
        self.netcfg = (
            cls is not None
            and bool(cls.values)
            and fold(model.strings.expand(cls.values[0])) in _NETCFG_CLASSES
        )
        # (read only for a network component's notify object)
        self.regs: dict[int, list[RegSection]] = {}
        if self.netcfg:
            for reg in model.reg_sections:
                _add(self.regs, reg.installs, reg)


def _add(index: dict[int, list[_T]], installs: Iterable[InstallSection], item: _T) -> None:
    """``item`` in the list of each of ``installs`` (once, in the order of the items)."""
    for install in installs:
        found = index.setdefault(id(install), [])
        if not found or found[-1] is not item:
            found.append(item)


def _install_floor(model: InfModel, install: InstallSection, uses: _Uses) -> Floor:
    best = floor("dirid-13")

    def take(key: str) -> None:
        nonlocal best
        f = floor(key)
        if f.version is not None and best.version is not None and f.version > best.version:
            best = f

    if id(install) in uses.umdf:
        take("umdf")
    if uses.netcfg:
        take("netcfg")
        if _has_notify_object(uses.regs.get(id(install), ())):
            take("notify-object")
    for svc in uses.services.get(id(install), ()):
        assert svc.section is not None
        stype = svc.section.first("ServiceType")
        group = svc.section.first("LoadOrderGroup")
        if (
            stype is not None
            and stype.values
            and parse_int(model.strings.expand(stype.values[0])) == SERVICE_FILE_SYSTEM_DRIVER
            and group is not None
            and group.values
            and fold(model.strings.expand(group.values[0])).startswith("fsfilter")
        ):
            take("minifilter")
    return best


def _has_notify_object(regs: Iterable[RegSection]) -> bool:
    for reg in regs:
        for line in reg.lines:
            if (
                fold(line.root) == "hkr"
                and fold(line.subkey.strip("\\")) == "ndi"
                and fold(line.value_name) in _NOTIFY_VALUES
            ):
                return True
    return False
