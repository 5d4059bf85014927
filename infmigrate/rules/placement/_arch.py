"""Where a file sits in the driver package, per architecture: the folder that the driver
store keeps, and so the ``13,<folder>`` a CopyFiles list of it must have.

* **Which architectures.** A list is installed on the architectures of the install
  sections that reach it (decorated Models sections -> DDInstall, ``$ARCH$`` of an INX
  stamped for x86, amd64, arm and arm64: see :mod:`infmigrate.engine.model.decorations`),
  not on every architecture of the INF: a list reached only from ``[Inst.NTarm64]`` is
  installed from arm64's sources only.
* **Which source entry.** On an architecture, SetupAPI uses the
  ``[SourceDisksFiles.<arch>]`` entry of a file when that section has one, else the
  undecorated ``[SourceDisksFiles]``; the same for the disk in
  ``[SourceDisksNames.<arch>]`` / ``[SourceDisksNames]`` ("Authoring an INF File": "If the
  setup functions find platform-specific SourceDisksNames and SourceDisksFiles sections
  matching the user's platform, the functions use the platform-specific sections.
  Otherwise the setup functions use the non-suffixed SourceDisksNames and
  SourceDisksFiles sections";
  https://learn.microsoft.com/windows/win32/setupapi/authoring-an-inf-file).
* **Which folder.** The SourceDisksFiles *subdir* is "relative to the path value of the
  SourceDisksNames section, if any" ("INF SourceDisksFiles section",
  https://learn.microsoft.com/windows-hardware/drivers/install/inf-sourcedisksfiles-section),
  and that path is relative to the installation root, the INF's folder ("INF
  SourceDisksNames section"). The driver store keeps the package's layout, so the file
  runs from ``<store folder>\\<path>\\<subdir>``; a DIRID 13 destination must be exactly
  that folder (InfVerif 1100; "Run From Driver Store",
  https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store).
  A disk path that leaves the package (a drive, a UNC path, ``..``) has no such folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from infmigrate.engine.model import InfModel
from infmigrate.engine.model.files import FileCopy
from infmigrate.engine.model.reach import InstallSection

__all__ = ["Folder", "norm_folder", "package_folder", "reaching_architectures"]


def norm_folder(path: str) -> str:
    """A folder for comparisons: ``\\`` separators, no ``.`` parts, no leading or trailing
    separators or blanks, case folded."""
    parts = [p.strip() for p in path.replace("/", "\\").split("\\")]
    return "\\".join(p for p in parts if p and p != ".").casefold()


def _clean(path: str) -> str:
    parts = [p.strip() for p in path.replace("/", "\\").split("\\")]
    return "\\".join(p for p in parts if p and p != ".")


@dataclass(frozen=True, slots=True)
class Folder:
    """A file's folder in the package on one architecture."""

    #: The folder as written (disk path and subdir joined, ``%strkey%`` tokens kept), or
    #: "" for the package root.
    text: str
    #: :func:`norm_folder` of the expanded text.
    key: str
    #: Why the file has no folder inside the package ("" when it has one).
    problem: str = ""


def reaching_architectures(model: InfModel, installs: Iterable[InstallSection]) -> list[str]:
    """The architectures (lower case, sorted) the install sections are used on; those of
    the INF when none says."""
    archs = sorted({a.casefold() for i in installs for a in i.platforms})
    return archs or sorted(a.casefold() for a in model.architectures if a)


def package_folder(model: InfModel, copy: FileCopy, arch: str | None) -> Folder | None:
    """The folder the file comes from on ``arch`` (``None``: no SourceDisksFiles entry)."""
    source = copy.source_for(arch)
    if source is None:
        return None
    disk = model.sources.disk(source.disk_id, arch) if arch is not None else source.disk
    if disk is None:
        disk = source.disk
    expand = model.strings.expand
    path = disk.path if disk is not None else ""
    expanded_path = expand(path).strip()
    if _outside(expanded_path):
        return Folder(
            "",
            "",
            f"the disk of {copy.source_name} has the path {path!r}, which is not inside "
            "the driver package",
        )
    text = "\\".join(p for p in (_clean(path), _clean(source.subdir)) if p)
    if _outside(expand(text)):
        return Folder(
            "",
            "",
            f"{copy.source_name} comes from {text!r}, which is not inside the driver package",
        )
    return Folder(text, norm_folder(expand(text)))


def _outside(path: str) -> bool:
    """Whether a source path leaves the package: a drive, a UNC path or a ``..`` part."""
    parts = [p.strip() for p in path.replace("/", "\\").split("\\")]
    return ":" in path or path.startswith(("\\\\", "//")) or ".." in parts
