"""ISO014 uncopied-file-reference."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model.references import FileReference, FileRefKind
from infmigrate.engine.model.sections import fold
from infmigrate.rules.placement._arch import norm_folder, package_folder, reaching_architectures
from infmigrate.rules.placement._copies import (
    CopiedFile,
    CopiedFiles,
    installs_of,
    place_key,
    place_text,
)

#: Service-like references: InfVerif wants each to name a file the INF copies.
_SERVICE = frozenset({FileRefKind.SERVICE_BINARY})


def _path_text(dirid: int, subdir: str, name: str) -> str:
    sub = subdir.strip().strip("\\")
    return f"%{dirid}%\\{sub}\\{name}" if sub else f"%{dirid}%\\{name}"


def _package_places(
    ctx: FixContext,
    fr: FileReference,
    copied: dict[tuple[int | str, str, str], Sequence[CopiedFile]],
    file_name: str,
) -> list[tuple[int | str, str]]:
    """Where a file that a DIRID 13 list copies really is in the driver store: its folder
    in the package on each architecture that reaches the reference."""
    name = fold(file_name.strip())
    model = ctx.model
    reaching = {a.casefold() for i in installs_of(ctx, fr.entry.section) for a in i.platforms}
    out: dict[str, tuple[int | str, str]] = {}
    for (dirid, _, copied_name), copies in copied.items():
        if dirid != 13 or copied_name != name:
            continue
        for cf in copies:
            for arch in reaching_architectures(model, cf.file_list.installs):
                if reaching and arch not in reaching:
                    continue
                place = package_folder(model, cf.copy, arch)
                if place is not None and not place.problem:
                    out.setdefault(place.key, (13, place.text))
    return list(out.values())


def _in_package_folder(
    ctx: FixContext,
    fr: FileReference,
    copied: dict[tuple[int | str, str, str], Sequence[CopiedFile]],
    folder: str,
    file_name: str,
) -> bool:
    """Whether a DIRID 13 list copies the file, and the path names the folder the file
    comes from in the package on an architecture that reaches the reference: the right
    place (the driver store keeps the package's layout), whatever the list's
    ``[DestinationDirs]`` entry says (ISO006 reports and fixes that entry)."""
    name = fold(file_name.strip())
    want = norm_folder(folder)
    model = ctx.model
    reaching = {a.casefold() for i in installs_of(ctx, fr.entry.section) for a in i.platforms}
    for (dirid, _, copied_name), copies in copied.items():
        if dirid != 13 or copied_name != name:
            continue
        for cf in copies:
            arches = reaching_architectures(model, cf.file_list.installs)
            for arch in (a for a in arches if not reaching or a in reaching):
                place = package_folder(model, cf.copy, arch)
                if place is not None and not place.problem and place.key == want:
                    return True
    return False


@register
class UncopiedFileReference(Fixer):
    """## What it does
    Flags a `ServiceBinary` (of a service-install or WDF service-install section), or
    another file reference (`SoftwareBinary`, `ServerBinary`, `ResourceFile`,
    `MessageFile`, a registry value naming a file under DIRID 13), that points to a file no
    CopyFiles list of the INF puts at that place. The comparison is case-insensitive on the
    DIRID, the subdirectory and the file name.

    ## Why is this bad?
    The reference points to nothing the package installs: a typo in the name or the
    subdirectory, a path with blanks written without the triple quotes, or an inbox binary
    named directly instead of through the inbox INF that installs it. A service whose
    binary is missing fails to start, and InfVerif rejects a ServiceBinary that is not a
    CopyFiles destination (2084) and inbox binaries not pulled in with Include/Needs
    (2650/2651).

    ## Example
    ```inf
    [DestinationDirs]
    Cx.Sys = 13,amd64
    [Cx_Svc]
    ServiceBinary = %13%\\cx.sys
    [WudfRd_Svc]
    ServiceBinary = %12%\\WUDFRd.sys
    ```

    Use instead:
    ```inf
    [Cx_Svc]
    ServiceBinary = %13%\\amd64\\cx.sys
    [Cx_Inst.NT.Services]
    Include = WUDFRD.inf
    Needs   = WUDFRD.NT.Services
    ```

    A path into the driver store that names the folder the file comes from in the
    package on an architecture that reaches the reference (`%13%\\arm64\\x.sys` with
    `x.sys = 1,arm64` in `[SourceDisksFiles.arm64]`) is the right place, even when the
    list's `[DestinationDirs]` entry says another folder: ISO006 reports that entry.

    ## Fix safety
    There is no fix: whether the path or the list is wrong, or whether the file is an
    inbox binary, is for the author to say. A reference reached from an install section
    that already has an `Include` is only reported when it points into the driver store,
    since the included INF may copy the file.

    ## References
    - [INF AddService directive: ServiceBinary](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addservice-directive)
    - [INF Include and Needs directives](https://learn.microsoft.com/windows-hardware/drivers/install/inf-ddinstall-section)
    - [InfVerif 2084, 2085, 2650, 2651](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO014"
    name = "uncopied-file-reference"
    message = "a file reference names a file no CopyFiles list installs there"
    infverif = (2084, 2085, 2650, 2651)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        copied = ctx.analysis(CopiedFiles)
        by_name: dict[str, list[tuple[int | str, str]]] = {}
        for (dirid, _, name), copies in copied.items():
            by_name.setdefault(name, []).append((dirid, copies[0].subdir))
        including = {id(i) for inc in model.includes for i in inc.installs}
        for fr in model.file_references:
            registry = fr.kind is FileRefKind.REGISTRY_VALUE
            # A DIRID-less "System32\\x.sys" is a path only in a value read the kernel's
            # way (a registry ImagePath); in a ServiceBinary it is the InfVerif 2085 case.
            paths = fr.paths if registry else tuple(p for p in fr.paths if p.form != "rel")
            if not paths:
                if registry or not fr.expanded.strip() or model.expand_all(fr.raw).undefined:
                    continue  # empty, or an INX placeholder filled in at build time
                if fr.kind in _SERVICE:
                    value = fr.expanded.strip()
                    name = value.replace("/", "\\").rsplit("\\", 1)[-1]
                    known = by_name.get(fold(name))
                    suggested = (
                        _path_text(known[0][0], known[0][1], name)
                        if known and isinstance(known[0][0], int)
                        else f"%13%\\{name}"
                    )
                    yield self.diagnostic(
                        fr.entry,
                        f"{fr.entry.key} {value} in [{fr.entry.section.name}] is not a path "
                        "under a DIRID, so it cannot be matched to a CopyFiles destination "
                        f"(InfVerif 2085): write it {suggested}",
                        infverif=(2085,),
                    )
                continue
            for path in paths:
                dirid, subpath = path.normalized
                folder, _, file_name = subpath.rpartition("\\")
                if not file_name or (registry and dirid != 13):
                    continue  # registry values also name inbox files (IoLogMsg.dll)
                if place_key(dirid, folder, file_name) in copied:
                    continue
                if dirid == 13 and _in_package_folder(ctx, fr, copied, folder, file_name):
                    continue  # the list's destination is what is wrong (ISO006)
                if dirid != 13 and self._may_come_from_include(ctx, fr, including):
                    continue
                elsewhere = by_name.get(fold(file_name.strip()), [])
                if dirid == 13:
                    elsewhere = _package_places(ctx, fr, copied, file_name) or elsewhere
                yield self._report(fr, path.text, dirid, file_name, elsewhere)

    @staticmethod
    def _may_come_from_include(ctx: FixContext, fr: FileReference, including: set[int]) -> bool:
        if not including:
            return False
        return any(id(i) in including for i in installs_of(ctx, fr.entry.section))

    def _report(
        self,
        fr: FileReference,
        text: str,
        dirid: int,
        file_name: str,
        elsewhere: list[tuple[int | str, str]],
    ) -> Diagnostic:
        what = (
            fr.entry.key
            if fr.kind is not FileRefKind.REGISTRY_VALUE
            else ("registry value " + ",".join(fr.entry.values[:3]))
        )
        head = (
            f"{what} in [{fr.entry.section.name}] names {text}, which no CopyFiles list "
            f"copies to {place_text(dirid)}"
        )
        if elsewhere:
            places = ", ".join(
                place_text(d, s) if isinstance(d, int) else f"the destination {d!r}"
                for d, s in elsewhere[:3]
            )
            return self.diagnostic(
                fr.entry,
                f"{head}; {file_name} is copied to {places}: point the reference "
                "there, or fix the list's [DestinationDirs] entry",
            )
        rest = fr.expanded[max(fr.expanded.find(text), 0) :].strip()
        if "." not in file_name and " " in rest:
            return self.diagnostic(
                fr.entry,
                f"{head}; a path with blanks ends at the first blank unless it is "
                f'written in triple quotes: """{rest}"""',
            )
        if dirid == 13:
            return self.diagnostic(
                fr.entry,
                f"{head}, where no inbox file lives: fix the name or the path, or "
                "copy the file there with CopyFiles",
            )
        if fold(file_name.strip()) == "svchost.exe":
            return self.diagnostic(
                fr.entry,
                f"{head}: a driver package cannot add a service to svchost; ship "
                "the service as its own executable in the driver store "
                "(ServiceBinary = %13%\\<service>.exe)",
            )
        return self.diagnostic(
            fr.entry,
            f"{head}: fix a typo in the name or the path, or, for an inbox binary, "
            "pull in the inbox INF that installs it with Include and Needs instead of naming "
            "it here (InfVerif 2650/2651)",
        )
