"""Platform and OS decorations: TargetOSVersion, Manufacturer/Models, install sections.

Decisions (Microsoft's "Creating INF Files for Multiple Platforms and Operating Systems",
https://learn.microsoft.com/windows-hardware/drivers/install/creating-inf-files-for-multiple-platforms-and-operating-systems,
and "INF Manufacturer Section", https://learn.microsoft.com/windows-hardware/drivers/install/inf-manufacturer-section):

- A TargetOSVersion is ``NT[Arch][.Major[.Minor[.ProductType[.SuiteMask[.Build]]]]]``,
  case-insensitive. Arch is one of :data:`ARCHITECTURES`, or the INX placeholder
  ``$ARCH$`` (kept as a pseudo-architecture: stampinf substitutes it everywhere, so
  ``Inst.NT$ARCH$`` resolves like ``Inst.NTamd64`` would). Empty numeric fields are allowed
  (``10.0...16299``); ProductType and SuiteMask may be hexadecimal.
- A Models section reached without an arch (``NT``, ``NT.6.1`` or undecorated) is x86
  only on 64-bit Windows, so its *platform* is ``x86``.
- An undecorated Models section listed next to decorations is also reached (Windows falls
  back to it when no decoration matches), but only when it exists.
- A malformed decoration is kept (``valid=False``, with the Models section it names) but
  never matches: the graph does not walk its Models section, and it adds no architecture.
- Install sections resolve ``name.NT<arch>``, then ``name.NT``, then ``name``; suffix
  sections are looked up on the resolved name (``Inst.NTamd64.HW``).
- INX templates: stampinf replaces ``$ARCH$`` with the architecture given by ``-a``
  (x86, amd64, arm, arm64: :data:`STAMPINF_ARCHITECTURES`) everywhere in the file, section
  names included (WDK, "STAMPINF Command Options", ``-a``: "the $ARCH$ variable";
  https://learn.microsoft.com/windows-hardware/drivers/devtest/stampinf-command-options).
  So ``%Mfg% = Std,NT$ARCH$`` next to ``[Std.NTarm]`` (no ``[Std.NT$ARCH$]``) reaches
  ``[Std.NTarm]`` when built for arm: when the literal ``$ARCH$`` section is missing, each
  architecture whose substituted section exists is a decoration of its own. An install
  section reached on ``<arch>`` also resolves ``name.NT$ARCH$`` (after ``name.NT<arch>``),
  which is what stampinf turns into ``name.NT<arch>``. Other stampinf variables
  (``$KMDFVERSION$``, ``$UMDFVERSION$``, ``$KMDFCOINSTALLERVERSION$``...) stand for version
  numbers and never name a section or a decoration; :func:`placeholders` finds them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from infmigrate.engine.model.numbers import parse_int
from infmigrate.engine.model.sections import EntryRef, LogicalSection, fold
from infmigrate.engine.model.strings import StringTable

__all__ = [
    "ARCHITECTURES",
    "ARCH_PLACEHOLDER",
    "INSTALL_SUFFIXES",
    "NETWORK_SUFFIXES",
    "STAMPINF_ARCHITECTURES",
    "Manufacturer",
    "ModelsSection",
    "TargetOS",
    "install_candidates",
    "parse_manufacturers",
    "parse_target_os",
    "placeholders",
    "resolve_install",
    "resolve_suffixes",
    "source_candidates",
    "split_decoration",
    "stamp_arch",
]

#: Architectures of platform decorations, as written after ``NT`` (lower case).
ARCHITECTURES: tuple[str, ...] = ("x86", "amd64", "arm", "arm64", "ia64")
#: The INX template placeholder for the architecture.
ARCH_PLACEHOLDER = "$ARCH$"
#: The architectures stampinf's ``-a`` stamps ``$ARCH$`` with.
STAMPINF_ARCHITECTURES: tuple[str, ...] = ("x86", "amd64", "arm", "arm64")
#: A stampinf variable (``$ARCH$``, ``$KMDFVERSION$``): ``$`` + letters/digits/_ + ``$``.
_PLACEHOLDER = re.compile(r"\$[A-Za-z][A-Za-z0-9_]*\$")
#: Functional suffixes of a DDInstall section, in the casing the docs use.
INSTALL_SUFFIXES: tuple[str, ...] = (
    "HW",
    "Services",
    "Interfaces",
    "CoInstallers",
    "Wdf",
    "Filters",
    "Events",
    "Software",
    "Components",
    "COM",
    "WMI",
    "FactDef",
    "LogConfigOverride",
)
#: Suffixes network component INFs add (run when the component is removed).
NETWORK_SUFFIXES: tuple[str, ...] = ("Remove", "Remove.Services")
# Longest first, so that "arm64" wins over "arm".
_ARCH_MATCH = sorted((*ARCHITECTURES, ARCH_PLACEHOLDER.lower()), key=len, reverse=True)

Lookup = Callable[[str], LogicalSection | None]


@dataclass(frozen=True, slots=True)
class TargetOS:
    """A parsed TargetOSVersion decoration (``NTamd64.10.0...16299``)."""

    #: The decoration as written.
    raw: str
    #: ``x86``/``amd64``/``arm``/``arm64``/``ia64``, ``$ARCH$``, or ``None`` (plain ``NT``).
    arch: str | None = None
    major: int | None = None
    minor: int | None = None
    product_type: int | None = None
    suite_mask: int | None = None
    build: int | None = None
    #: Whether the decoration is well formed; when not, only :attr:`raw` is meaningful.
    valid: bool = True
    #: Why it is malformed (empty when valid).
    error: str = ""

    @property
    def platform(self) -> str:
        """The architecture it applies to: :attr:`arch`, or ``x86`` when none is given."""
        return self.arch or "x86"

    @property
    def min_build(self) -> int | None:
        """The build field, when given (the lowest OS build this decoration applies to)."""
        return self.build

    @property
    def has_version(self) -> bool:
        """Whether any field after the architecture is given."""
        return any(
            v is not None
            for v in (self.major, self.minor, self.product_type, self.suite_mask, self.build)
        )

    def allows_build_below(self, build: int) -> bool:
        """Whether Windows builds lower than ``build`` can match this decoration.

        True unless the major version is above 10, or it is 10.x with a build field of at
        least ``build``. (Versions 6.x and below, or no version, allow every build.)
        """
        if self.major is not None and self.major > 10:
            return False
        return not (self.major == 10 and self.build is not None and self.build >= build)

    @property
    def install_suffix(self) -> str:
        """The platform part install sections use: ``NTamd64``, ``NT$ARCH$``, or ``NT``."""
        return "NT" + (self.arch or "")

    def __str__(self) -> str:
        return self.raw


def parse_target_os(text: str) -> TargetOS:
    """Parse a TargetOSVersion decoration; malformed input gives ``valid=False``."""
    raw = text
    s = text.strip()
    if s[:2].lower() != "nt":
        return TargetOS(raw, valid=False, error="does not start with NT")
    rest = s[2:]
    head, dot, tail = rest.partition(".")
    arch: str | None = None
    if head:
        low = head.lower()
        if low not in _ARCH_MATCH:
            return TargetOS(raw, valid=False, error=f"unknown architecture {head!r}")
        arch = ARCH_PLACEHOLDER if low == ARCH_PLACEHOLDER.lower() else low
    if not dot:
        return TargetOS(raw, arch)
    parts = tail.split(".")
    if len(parts) > 5:
        return TargetOS(raw, arch, valid=False, error="more than five version fields")
    numbers: list[int | None] = []
    for i, part in enumerate(parts):
        p = part.strip()
        if not p:
            numbers.append(None)
            continue
        value = parse_int(p) if i in (2, 3) else (int(p) if p.isascii() and p.isdigit() else None)
        if value is None or value < 0:
            return TargetOS(raw, arch, valid=False, error=f"field {part!r} is not a number")
        numbers.append(value)
    numbers += [None] * (5 - len(numbers))
    major, minor, product_type, suite_mask, build = numbers
    return TargetOS(raw, arch, major, minor, product_type, suite_mask, build)


def placeholders(text: str) -> tuple[str, ...]:
    """The stampinf variables (``$ARCH$``, ``$KMDFVERSION$``...) in ``text``, in order."""
    return tuple(m.group() for m in _PLACEHOLDER.finditer(text))


def stamp_arch(text: str, arch: str) -> str:
    """``text`` with every ``$ARCH$`` (any case) replaced by ``arch``, as stampinf does."""
    return re.sub(re.escape(ARCH_PLACEHOLDER), arch, text, flags=re.IGNORECASE)


def split_decoration(name: str, base: str) -> TargetOS | Literal[False] | None:
    """For a section name ``base[.decoration]``: its decoration.

    Returns ``None`` for the bare ``base``, the :class:`TargetOS` of a valid decoration, or
    ``False`` when the name is not ``base`` plus a valid decoration (a suffix section such
    as ``DefaultInstall.Services``, another name, a malformed decoration).
    """
    folded, fbase = fold(name), fold(base)
    if folded == fbase:
        return None
    if not folded.startswith(fbase + "."):
        return False
    target = parse_target_os(name[len(base) + 1 :])
    return target if target.valid else False


# --- Manufacturer and Models --------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class ModelsSection:
    """A Models section a Manufacturer entry names, for one decoration."""

    #: The section name looked up (``Models.NTamd64.10.0...16299``), expanded.
    name: str
    #: The Models base name from the Manufacturer entry, expanded.
    models_name: str
    #: The decoration, or ``None`` for the undecorated section.
    decoration: TargetOS | None
    #: The section, or ``None`` when the file lacks it.
    section: LogicalSection | None
    #: The Manufacturer entry that names it.
    manufacturer: EntryRef
    #: Index in ``manufacturer.values`` of the decoration (``None`` when undecorated).
    index: int | None
    #: True for the undecorated section reached only as the fallback of a decorated entry.
    implicit: bool = False

    @property
    def platform(self) -> str:
        """The architecture this Models section applies to (``x86`` when undecorated)."""
        return self.decoration.platform if self.decoration is not None else "x86"

    @property
    def install_suffix(self) -> str:
        """The platform part of install section names for it (``NTamd64``, ``NTx86``)."""
        if self.decoration is not None and self.decoration.arch is not None:
            return "NT" + self.decoration.arch
        return "NTx86"


@dataclass(frozen=True, slots=True, eq=False)
class Manufacturer:
    """One ``[Manufacturer]`` entry."""

    #: The entry.
    entry: EntryRef
    #: The manufacturer key as written (``%Mfg%``), or ``None`` for the legacy form.
    key: str | None
    #: The Models base name, expanded (undecorated locale).
    models_name: str
    #: The decorations listed after the Models name, parsed (malformed ones included).
    decorations: tuple[TargetOS, ...]
    #: The Models sections this entry reaches (missing ones have ``section=None``).
    models: tuple[ModelsSection, ...]


def parse_manufacturers(
    manufacturer: LogicalSection | None, lookup: Lookup, strings: StringTable
) -> tuple[Manufacturer, ...]:
    """Read ``[Manufacturer]``: ``%Mfg% = ModelsName[,TargetOSVersion]...``.

    The legacy forms ``ModelsName`` and ``%strkey%`` alone (no ``=``) name the Models
    section by their (expanded) text, with no decoration.
    """
    if manufacturer is None:
        return ()
    out: list[Manufacturer] = []
    for ref in manufacturer.entries:
        values = ref.values
        if not values or not values[0]:
            continue
        models_name = strings.expand(values[0])
        decorations: list[tuple[int, TargetOS]] = []
        if ref.key is not None:
            for i in range(1, len(values)):
                text = strings.expand(values[i]).strip()
                if text:
                    decorations.append((i, parse_target_os(text)))
        models: list[ModelsSection] = []
        for i, deco in decorations:
            name = f"{models_name}.{deco.raw}"
            section = lookup(name)
            if section is None and deco.arch == ARCH_PLACEHOLDER:
                # An INX: stampinf makes NT$ARCH$ into NT<arch> for the build's arch.
                stamped = [
                    (stamp_arch(name, arch), parse_target_os(stamp_arch(deco.raw, arch)))
                    for arch in STAMPINF_ARCHITECTURES
                ]
                found = [(n, d, lookup(n)) for n, d in stamped]
                if any(sec is not None for _, _, sec in found):
                    models.extend(
                        ModelsSection(n, models_name, d, sec, ref, i)
                        for n, d, sec in found
                        if sec is not None
                    )
                    continue
            models.append(ModelsSection(name, models_name, deco, section, ref, i))
        bare = lookup(models_name)
        if not decorations or bare is not None:
            models.append(
                ModelsSection(
                    models_name, models_name, None, bare, ref, None, implicit=bool(decorations)
                )
            )
        out.append(
            Manufacturer(ref, ref.key, models_name, tuple(d for _, d in decorations), tuple(models))
        )
    return tuple(out)


# --- install sections ---------------------------------------------------------------------


def install_candidates(base: str, arch: str | None) -> tuple[str, ...]:
    """Names tried for an install section, in order: ``base.NT<arch>``, ``base.NT``, ``base``.

    ``arch=None`` tries ``base.NT`` and ``base`` only. For an architecture stampinf
    builds, ``base.NT$ARCH$`` (an INX template's name for ``base.NT<arch>``) comes second.
    """
    if arch in STAMPINF_ARCHITECTURES:
        return (f"{base}.NT{arch}", f"{base}.NT{ARCH_PLACEHOLDER}", f"{base}.NT", base)
    if arch:
        return (f"{base}.NT{arch}", f"{base}.NT", base)
    return (f"{base}.NT", base)


def resolve_install(
    lookup: Lookup, base: str, arch: str | None
) -> tuple[str, LogicalSection | None]:
    """The install section used for ``base`` on ``arch``: (name, section).

    When none of the candidates exists, returns the bare ``base`` and ``None`` (what
    SetupDiGetActualSectionToInstall would return).
    """
    for name in install_candidates(base, arch):
        section = lookup(name)
        if section is not None:
            return name, section
    return base, None


def resolve_suffixes(
    lookup: Lookup, name: str, suffixes: Iterable[str] = INSTALL_SUFFIXES
) -> dict[str, LogicalSection]:
    """The suffix sections (``.HW``, ``.Services``...) that exist for a resolved name."""
    out: dict[str, LogicalSection] = {}
    for suffix in suffixes:
        section = lookup(f"{name}.{suffix}")
        if section is not None:
            out[suffix] = section
    return out


def source_candidates(base: str, arch: str | None) -> tuple[str, ...]:
    """SourceDisksNames/SourceDisksFiles names tried: ``base.<arch>`` then ``base``."""
    return (f"{base}.{arch}", base) if arch else (base,)
