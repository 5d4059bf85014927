"""ISO033 media-categories-in-hklm."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.builds import WindowsVersion
from infmigrate.engine.catalog import register
from infmigrate.engine.edits import quote
from infmigrate.engine.fields import replace_fields
from infmigrate.engine.fixer import (
    Applicability,
    Diagnostic,
    Edit,
    FixAvailability,
    FixContext,
    Fixer,
)
from infmigrate.engine.floors import floor
from infmigrate.engine.model import Context, InfModel, RegKind
from infmigrate.rules.placement._floors import InstallBuilds
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites

#: Windows 10 1809: the first build where HKR,MediaCategories in a DDInstall works.
MIN_BUILD = floor("media-categories").build


def _min_build_ok(model: InfModel) -> bool:
    """Whether every Models decoration the INF installs through requires 1809 or later."""
    decorations = [m.decoration for mf in model.manufacturers for m in mf.models]
    return bool(decorations) and all(
        d is not None and not d.allows_build_below(MIN_BUILD) for d in decorations
    )


@register
class MediaCategoriesInHklm(Fixer):
    """## What it does
    Flags writes to `HKLM\\SYSTEM\\CurrentControlSet\\Control\\MediaCategories\\{guid}`: the
    `Name` value is rewritten as `HKR,MediaCategories\\{guid},Name,...` in place (its
    AddReg section is reached from DDInstall, so HKR is the device's software key);
    the `Display` value, which nothing reads, is reported for deletion.

    ## Why is this bad?
    The MediaCategories key is global: a name written there is shared by every package and
    outlives the driver. From Windows 10 1809, audio drivers set the friendly names of their
    pin categories in the device's own software key instead, which the package owns.
    InfVerif rejects the global write for Windows Drivers (1320/1321).

    ## Example
    ```inf
    [Mic_AddReg]
    HKLM,SYSTEM\\CurrentControlSet\\Control\\MediaCategories\\%MicGuid%,Name,,%MicName%
    ```

    Use instead:
    ```inf
    [Mic_AddReg]
    HKR,MediaCategories\\%MicGuid%,Name,,%MicName%
    ```

    ## Fix safety
    Safe when every Models decoration of the INF already requires Windows 10 1809 (build
    17763) or later; otherwise the fix is unsafe, because older Windows versions do not read
    the HKR location. Only lines whose AddReg section is reached solely from DDInstall
    sections (the software key) are rewritten; value name, flags and data stay as written.

    ## References
    - [Media categories and friendly names (audio)](https://learn.microsoft.com/windows-hardware/drivers/audio/friendly-names-for-audio-endpoint-devices)
    - [InfVerif 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO033"
    name = "media-categories-in-hklm"
    message = "MediaCategories value is written to the global HKLM key"
    fix_title = "Write it as HKR,MediaCategories\\{guid} in the DDInstall's AddReg"
    availability = FixAvailability.SOMETIMES
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        builds = ctx.analysis(InstallBuilds)
        target_text = builds.target_text
        safe = _min_build_ok(model) or builds.target >= WindowsVersion(10, 0, MIN_BUILD)
        applicability = Applicability.SAFE if safe else Applicability.UNSAFE
        for write in ctx.analysis(RegistryWrites):
            if write.kind is not Kind.MEDIA_CATEGORIES or write.section.kind is not RegKind.ADD:
                continue  # a DelReg or BitReg line is ISO039's, never converted
            value = write.value_name.casefold()
            if value == "display":
                yield self.diagnostic(
                    write.line.ref,
                    f"MediaCategories\\{write.parts['guid']} value Display is "
                    "not used by Windows: delete the line (InfVerif 1321)",
                )
                continue
            target = f"HKR,MediaCategories\\{write.parts['guid']},{write.value_name}"
            contexts = {c.kind for c in write.section.contexts}
            if value != "name":
                yield self.diagnostic(
                    write.line.ref,
                    f"MediaCategories value {write.value_name} is written to "
                    f"HKLM (InfVerif 1321); write it as {target} in the DDInstall's AddReg",
                )
                continue
            if write.refusal:
                yield self.diagnostic(
                    write.line.ref,
                    "MediaCategories Name is written to HKLM (InfVerif 1321):"
                    f" write it as {target} in the DDInstall's AddReg; not fixed: "
                    f"{write.refusal}",
                )
                continue
            if contexts != {Context.SOFTWARE_KEY}:
                yield self.diagnostic(
                    write.line.ref,
                    "MediaCategories Name is written to HKLM (InfVerif 1321);"
                    f" write it as {target} in an AddReg reached from DDInstall (this "
                    f"section [{write.section.name}] is not only reached from DDInstall)",
                )
                continue
            entry = write.line.ref.entry
            # Keep the GUID as written (often a %strkey%) when it is the last component.
            guid = write.line.subkey.strip().rstrip("\\").rsplit("\\", 1)[-1]
            if model.strings.expand(guid).casefold() != write.parts["guid"].casefold():
                guid = write.parts["guid"]
            moved = replace_fields(entry, {0: "HKR", 1: quote(f"MediaCategories\\{guid}")})
            fix = self.make_fix(
                Edit.replace(entry, moved),
                applicability=applicability,
            )
            note = (
                f" (read from Windows 10 1809, build {MIN_BUILD}, its floor; {target_text})"
                if applicability is Applicability.SAFE
                else (
                    f" (needs Windows 10 1809, build {MIN_BUILD}, its floor: the fix is unsafe "
                    f"while the INF installs on older builds; {target_text})"
                )
            )
            yield self.diagnostic(
                write.line.ref,
                "MediaCategories Name is written to HKLM (InfVerif 1321): "
                f"write it as {target} in the DDInstall's AddReg{note}",
                fix,
            )
