"""Build ranges: on which Windows versions each Models section and install section can be
selected.

How Windows chooses ("INF Manufacturer section", Remarks, and "Combining platform
extensions with operating system versions", "How TargetOsVersion decorations are
resolved"; https://learn.microsoft.com/windows-hardware/drivers/install/inf-manufacturer-section):

- The choice is made per ``[Manufacturer]`` line: "for a given OS version, each line may
  have up to one applicable section". Lines do not compete with each other.
- A decoration applies to an OS of its architecture whose version is at least the
  decoration's ``major.minor``; its *BuildNumber* is compared only when the major/minor
  are equal ("If the current OS version is greater than the OS version specified by the
  TargetOSVersion decoration, the section is considered applicable regardless of the
  build number"), which is the order of ``(major, minor, build)`` tuples
  (:class:`~infmigrate.engine.builds.WindowsVersion`).
- A decoration with a build number is never valid before Windows 10 build 14310: "Earlier
  versions of the operating system [...] will not parse unknown decorations".
- Of the decorations that apply, "Windows uses the section with the highest version
  numbers that are not higher than the operating system version"; at one version, a
  decoration with a ProductType or SuiteMask is chosen over one without when the OS
  matches it ("selects the section that most closely matches"). So a decoration's range
  ends where a higher decoration of the same line and architecture without ProductType
  and SuiteMask starts; one with them (which some editions of Windows do not match) ends
  nothing.
- The undecorated Models section is used when no decoration applies ("If none of the
  INF Models sections have a TargetOS decoration that matches [...], Windows selects the
  Models section that has [...] no platform extension"); as in the rest of the model
  (:mod:`.decorations`), it and plain ``NT`` decorations are for x86.
- INX templates: the model resolves ``NT$ARCH$`` (:func:`.decorations.parse_manufacturers`);
  a literal ``$ARCH$`` decoration is a pseudo-architecture of its own, as stampinf
  stamps every ``$ARCH$`` of a file with one architecture.

``DefaultInstall``, ``DefaultUninstall`` and ``ClassInstall32`` sections are chosen the
same way among their own decorated forms (the samples' minifilter INFs list
``[DefaultInstall.NT$ARCH$]`` for older Windows and
``[DefaultInstall.NT$ARCH$.10.0...25952]`` for newer).

A range is a set of half-open intervals ``[low, high)`` of versions (``high`` None: no
end). A DDInstall's range is the union of those of the Models sections that name it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from infmigrate.engine.builds import ANY_WINDOWS, WindowsVersion, describe
from infmigrate.engine.model.decorations import Manufacturer, ModelsSection, TargetOS
from infmigrate.engine.model.reach import InstallSection

__all__ = [
    "FIRST_BUILD_DECORATION",
    "BuildRange",
    "BuildRanges",
    "build_ranges",
    "decoration_floor",
    "target_in_force",
]

#: The first build that parses a BuildNumber in a decoration (Windows 10 build 14310).
FIRST_BUILD_DECORATION = WindowsVersion(10, 0, 14310)

Interval = tuple[WindowsVersion, WindowsVersion | None]


@dataclass(frozen=True, slots=True)
class BuildRange:
    """A set of Windows versions: sorted, disjoint, non-empty intervals."""

    intervals: tuple[Interval, ...] = ()

    @classmethod
    def of(cls, low: WindowsVersion, high: WindowsVersion | None = None) -> BuildRange:
        """``[low, high)`` (empty when ``high <= low``)."""
        if high is not None and high <= low:
            return cls()
        return cls(((low, high),))

    @classmethod
    def union(cls, ranges: Iterable[BuildRange]) -> BuildRange:
        spans = sorted(
            (i for r in ranges for i in r.intervals),
            key=lambda i: i[0],
        )
        merged: list[Interval] = []
        for low, high in spans:
            if merged:
                plow, phigh = merged[-1]
                if phigh is None or low <= phigh:
                    end = None if phigh is None or high is None else max(phigh, high)
                    merged[-1] = (plow, end)
                    continue
            merged.append((low, high))
        return cls(tuple(merged))

    @property
    def empty(self) -> bool:
        return not self.intervals

    @property
    def lowest(self) -> WindowsVersion | None:
        """The lowest version in the range (None when it is empty)."""
        return self.intervals[0][0] if self.intervals else None

    def allows_below(self, version: WindowsVersion) -> bool:
        """Whether some version lower than ``version`` is in the range."""
        return bool(self.intervals) and self.intervals[0][0] < version

    def entirely_below(self, version: WindowsVersion) -> bool:
        """Whether the range is not empty and every version in it is below ``version``."""
        if not self.intervals:
            return False
        high = self.intervals[-1][1]
        return high is not None and high <= version

    def __contains__(self, version: object) -> bool:
        if not isinstance(version, WindowsVersion):
            return False
        return any(
            low <= version and (high is None or version < high) for low, high in self.intervals
        )

    def __str__(self) -> str:
        if not self.intervals:
            return "no Windows version"
        parts = []
        for low, high in self.intervals:
            if low == ANY_WINDOWS:
                parts.append("any Windows version" if high is None else f"versions before {high}")
            else:
                parts.append(
                    f"{low} and later" if high is None else f"{low} up to {high} (excluded)"
                )
        return ", ".join(parts)


EVERY_VERSION = BuildRange.of(ANY_WINDOWS)


def decoration_floor(deco: TargetOS | None) -> WindowsVersion:
    """The lowest version a decoration can apply to (``ANY_WINDOWS`` for none)."""
    if deco is None or deco.major is None:
        return ANY_WINDOWS
    version = WindowsVersion(deco.major, deco.minor or 0, deco.build or 0)
    if deco.build is not None:
        return max(version, FIRST_BUILD_DECORATION)
    return version


def _conditional(deco: TargetOS) -> bool:
    """Whether some editions of Windows do not match it (ProductType or SuiteMask)."""
    return deco.product_type is not None or deco.suite_mask is not None


def _written(deco: TargetOS) -> WindowsVersion:
    """The version a decoration is written for (its BuildNumber included, below 14310 too)."""
    if deco.major is None:
        return ANY_WINDOWS
    return WindowsVersion(deco.major, deco.minor or 0, deco.build or 0)


def _chosen(decorations: list[TargetOS]) -> dict[int, BuildRange]:
    """The range of each decoration of one line and architecture, by identity.

    A decoration applies from its floor and is chosen until a decoration every edition
    matches, written for a higher version, applies too: Windows takes "the highest version
    numbers that are not higher than the operating system version". Its range ends at the
    floor of the first such decoration in the order of the versions written, not at the
    first floor above its own: decorations with build numbers below 14310 all apply from
    14310 on, where only the highest is chosen (``NTamd64.10.0...10240`` and
    ``NTamd64.10.0...10586``: the first is never chosen; issue 18, stop 28, found by a
    line of thousands that each got a twin section). Floors never decrease in that order,
    so that first one's floor is the lowest of them."""
    floors = [decoration_floor(d) for d in decorations]
    ends = sorted(
        (_written(d), f) for d, f in zip(decorations, floors, strict=True) if not _conditional(d)
    )
    written = [w for w, _ in ends]
    out: dict[int, BuildRange] = {}
    for deco, low in zip(decorations, floors, strict=True):
        # the first decoration written higher (a search, not a walk of every one: issue
        # 18, a line of thousands of decorations was quadratic)
        at = bisect_right(written, _written(deco))
        out[id(deco)] = BuildRange.of(low, ends[at][1] if at < len(ends) else None)
    return out


def _fallback(decorations: list[TargetOS]) -> BuildRange:
    """Where no decoration applies: below the lowest one that every edition matches."""
    floors = [decoration_floor(d) for d in decorations if not _conditional(d)]
    return BuildRange.of(ANY_WINDOWS, min(floors)) if floors else EVERY_VERSION


def _line_ranges(mfr: Manufacturer) -> dict[int, BuildRange]:
    """The range of each Models section of one ``[Manufacturer]`` line, by identity."""
    by_platform: dict[str, list[ModelsSection]] = {}
    for models in mfr.models:
        by_platform.setdefault(models.platform, []).append(models)
    out: dict[int, BuildRange] = {}
    for group in by_platform.values():
        decorated = [m.decoration for m in group if m.decoration is not None and m.decoration.valid]
        chosen = _chosen(decorated)
        for models in group:
            deco = models.decoration
            if deco is None:
                out[id(models)] = _fallback(decorated) if models.implicit else EVERY_VERSION
            else:
                out[id(models)] = chosen.get(id(deco), BuildRange())
    return out


@dataclass(frozen=True, slots=True)
class BuildRanges:
    """The build ranges of one INF's Models sections and install sections."""

    #: By identity of a :class:`ModelsSection`.
    models: dict[int, BuildRange]
    #: By identity of an :class:`InstallSection`.
    installs: dict[int, BuildRange]

    def of_models(self, models: ModelsSection) -> BuildRange:
        return self.models.get(id(models), BuildRange())

    def of_install(self, install: InstallSection) -> BuildRange:
        return self.installs.get(id(install), BuildRange())

    @property
    def lowest(self) -> WindowsVersion:
        """The lowest version any install section can be selected on: the default target
        (``ANY_WINDOWS`` when the INF has no install section or no decoration limits it)."""
        lows = [r.lowest for r in self.installs.values() if r.lowest is not None]
        return min(lows) if lows else ANY_WINDOWS


def build_ranges(
    manufacturers: Iterable[Manufacturer], install_sections: Iterable[InstallSection]
) -> BuildRanges:
    """The ranges of an INF (``model.manufacturers``, ``model.install_sections``)."""
    models: dict[int, BuildRange] = {}
    for mfr in manufacturers:
        models.update(_line_ranges(mfr))
    installs: dict[int, BuildRange] = {}
    # DefaultInstall & co.: chosen among the decorated forms of one base, per platform.
    others: dict[tuple[str, str, str], list[tuple[InstallSection, TargetOS | None]]] = {}
    for install in install_sections:
        if install.kind == "ddinstall":
            installs[id(install)] = BuildRange.union(
                models.get(id(m), BuildRange()) for m in install.models
            )
            continue
        deco = install.decorations[0] if install.decorations else None
        platform = deco.arch if deco is not None and deco.arch else "*"
        others.setdefault((install.kind, install.base_name.lower(), platform), []).append(
            (install, deco)
        )
    for group in others.values():
        decorated = [d for _, d in group if d is not None and d.major is not None]
        chosen = _chosen(decorated)
        for install, deco in group:
            if deco is None or deco.major is None:
                installs[id(install)] = _fallback(decorated) if decorated else EVERY_VERSION
            else:
                installs[id(install)] = chosen[id(deco)]
    return BuildRanges(models, installs)


def target_in_force(
    setting: WindowsVersion | None, ranges: BuildRanges
) -> tuple[WindowsVersion, str]:
    """The target Windows version for a file and where it comes from, for messages: the
    setting (``--target-windows`` / ``target-windows``) when given, else the lowest version
    the INF's own decorations let it install on."""
    if setting is not None:
        return setting, f"target: {describe(setting)}"
    own = ranges.lowest
    return own, f"target: {describe(own)}, as the INF's own decorations allow"
