"""ISO013 conflicting-file-copies."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import InfModel
from infmigrate.engine.model.sections import fold
from infmigrate.rules.placement._copies import (
    CopiedFile,
    CopiedFiles,
    dest_name,
    list_label,
    norm_dir,
    place_text,
    source_name,
)


@register
class ConflictingFileCopies(Fixer):
    """## What it does
    Flags two different source files that the INF copies to the same file name in the same
    directory on the same architecture, typically from two DDInstall sections that each
    ship their own build of a driver under one name, or from two `[SourceDisksFiles]`
    subdirectories.

    ## Why is this bad?
    Whichever copy runs last wins, for every device that uses the file, so installing one
    device silently changes the binary another device runs. InfVerif reports conflicting
    copies (1330). In the driver store (DIRID 13) a file keeps its source name and
    subdirectory, so such conflicts cannot happen there.

    ## Example
    ```inf
    [Cx_A.Sys]
    cx.sys, cx_a.sys
    [Cx_B.Sys]
    cx.sys, cx_b.sys
    [DestinationDirs]
    Cx_A.Sys = 12
    Cx_B.Sys = 12
    ```

    Use instead:
    ```inf
    [Cx_A.Sys]
    cx_a.sys
    [Cx_B.Sys]
    cx_b.sys
    [DestinationDirs]
    Cx_A.Sys = 13
    Cx_B.Sys = 13
    ```
    with distinct service names (one service per binary) or, for a file loaded by another
    component, a per-device HKR value holding each device's full path.

    ## Fix safety
    There is no fix: which binary each device should run is the author's decision.

    ## References
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    - [INF SourceDisksFiles section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-sourcedisksfiles-section)
    - [InfVerif 1330](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO013"
    name = "conflicting-file-copies"
    message = "two different source files are copied to the same destination file"
    infverif = (1330,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        arches: list[str | None] = [*sorted(model.architectures)] or [None]
        reported: set[tuple[int, int]] = set()
        for copies in ctx.analysis(CopiedFiles).values():
            if len(copies) < 2:
                continue
            for arch in arches:
                # Source identity on this architecture -> the first copy of it.
                first: dict[tuple[str, str | None], CopiedFile] = {}
                for copied in copies:
                    if not _used_on(copied, arch):
                        continue
                    name = source_name(model, copied.copy)
                    source = model.sources.find(name, arch)
                    identity = (fold(name), None if source is None else norm_dir(source.subdir))
                    first.setdefault(identity, copied)
                if len(first) < 2:
                    continue
                kept, *others = first.values()
                for other in others:
                    a, b = kept.entry, other.entry
                    if a is None or b is None or (id(a), id(b)) in reported:
                        continue
                    reported.add((id(a), id(b)))
                    name = dest_name(model, other.copy)
                    where = place_text(other.dirid, other.subdir, other.file_list.destination.raw)
                    on = f" on {arch}" if arch is not None and len(arches) > 1 else ""
                    yield self.diagnostic(
                        b,
                        f"{list_label(other.file_list)} copies {_source(model, other, arch)} as "
                        f"{name} to {where}{on}, where {list_label(kept.file_list)} (line "
                        f"{a.line}) copies {_source(model, kept, arch)}: one overwrites the other "
                        "for every device (InfVerif 1330); give each file its own name in "
                        "the driver store (DIRID 13), with one service name per binary, or "
                        "publish each device's file as a full path in an HKR value",
                    )


def _used_on(copied: CopiedFile, arch: str | None) -> bool:
    """Whether the list is installed on ``arch`` (lists no install names count everywhere)."""
    if arch is None:
        return True
    platforms = {p for install in copied.file_list.installs for p in install.platforms}
    return not platforms or arch in platforms or "$ARCH$" in platforms


def _source(model: InfModel, copied: CopiedFile, arch: str | None) -> str:
    name = source_name(model, copied.copy)
    source = model.sources.find(name, arch)
    subdir = "" if source is None else source.subdir.strip().strip("\\")
    return f"{subdir}\\{name}" if subdir else name
