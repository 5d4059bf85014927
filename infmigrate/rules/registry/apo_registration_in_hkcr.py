"""ISO035 apo-registration-in-hkcr."""

from __future__ import annotations

from collections.abc import Iterator

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
from infmigrate.engine.model import Context, RegKind, fold
from infmigrate.rules.registry._registry_report import (
    ApoClsids,
    clsid_of,
    codes,
    describe,
    first_ddinstall,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites, RegWrite

_APO_CLASS = "audioprocessingobject"


@register
class ApoRegistrationInHkcr(Fixer):
    """## What it does
    Flags audio processing objects registered globally: lines under
    `HKCR\\AudioEngine\\AudioProcessingObjects\\{clsid}`, and the COM registration of those
    same CLSIDs under `HKCR\\CLSID` or `HKLM\\SOFTWARE\\Classes\\CLSID`. In an INF of the
    `AudioProcessingObject` class, reached only from DDInstall, the unsafe fix rewrites
    them relative to the component's software key.

    ## Why is this bad?
    HKCR is machine-wide: an APO registered there outlives its package and is shared by
    every device. From Windows 10 1809, an APO component INF (class
    `AudioProcessingObject`) registers the APO and its COM class under the device's own
    software key with HKR, and Windows finds them there. InfVerif rejects the global form
    for Windows Drivers (2660-2663); InfVerif /h still tolerates HKCR for now.

    ## Example
    ```inf
    [Version]
    Class     = AudioProcessingObject
    ClassGuid = {5989fce8-9cd0-467d-8a6a-5419e31529d4}
    [Apo_Reg]
    HKCR,AudioEngine\\AudioProcessingObjects\\%ApoClsid%,FriendlyName,,%ApoName%
    HKCR,CLSID\\%ApoClsid%\\InprocServer32,,0x20000,%13%\\cxapo.dll
    ```

    Use instead:
    ```inf
    [Apo_Reg]
    HKR,AudioEngine\\AudioProcessingObjects\\%ApoClsid%,FriendlyName,,%ApoName%
    HKR,Classes\\CLSID\\%ApoClsid%\\InprocServer32,,0x20000,%13%\\cxapo.dll
    ```

    ## Fix safety
    Unsafe: the rewrite (root `HKR`, subkey kept, or prefixed with `Classes\\` for the COM
    entry) is mechanical, but APOs registered under the software key are only found from
    Windows 10 1809, and only for an `AudioProcessingObject` component INF. The fix is
    offered only for such an INF, for AddReg lines reached from DDInstall alone; lines
    under `Wow6432Node`, or whose subkey is built from `%strkey%` tokens in a way that
    cannot simply be prefixed, are reported. Elsewhere (the APO registered by the audio
    device's own INF) the registration has to move to a component INF first.

    ## References
    - [Audio processing object driver requirements](https://learn.microsoft.com/windows-hardware/drivers/audio/implementing-audio-processing-objects)
    - [Using an INF file to install a component](https://learn.microsoft.com/windows-hardware/drivers/install/using-a-component-inf-file)
    - [InfVerif 2660-2663](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO035"
    name = "apo-registration-in-hkcr"
    message = "an audio processing object is registered in the global HKCR"
    fix_title = "Register the APO relative to the component's software key (HKR)"
    availability = FixAvailability.SOMETIMES
    infverif = (2660, 2661, 2662, 2663)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        writes = ctx.analysis(RegistryWrites)
        apos = ctx.analysis(ApoClsids)
        if not apos:
            return
        apo_class = _inf_class(ctx) == _APO_CLASS
        for write in writes:
            if write.kind is Kind.COM and clsid_of(write) in apos:
                com = True
            elif write.kind is Kind.APO:
                com = False
            else:
                continue
            new_subkey, reason = _rewrite(write, com, apo_class)
            if new_subkey is None:
                fix = None
                target = (
                    "HKR,Classes\\CLSID\\..."
                    if com
                    else "HKR,AudioEngine\\AudioProcessingObjects\\..."
                )
                if apo_class:
                    instead = (
                        f"write it as {target} in the component's DDInstall; not fixed: {reason}"
                    )
                else:
                    instead = (
                        f"write it as {target} in an AudioProcessingObject component "
                        f"INF (reached from [{first_ddinstall(write)}.Components] "
                        f"AddComponent); {reason}"
                    )
            else:
                entry = write.line.ref.entry
                fix = self.make_fix(
                    Edit.replace(entry, replace_fields(entry, {0: "HKR", 1: new_subkey})),
                    applicability=Applicability.UNSAFE,
                )
                instead = (
                    f"write it as HKR,{new_subkey.strip(chr(34))} in the "
                    "component's DDInstall "
                    "(Windows 10 1809 and later)"
                )
            what = "the COM class of an APO" if com else "an audio processing object"
            text = (
                f"{describe(ctx, write)}, which registers {what} machine-wide "
                f"{codes(['2660-2663'], True)}: {instead}"
            )
            yield self.diagnostic(write.line.ref, text, fix, infverif=self.infverif)


def _inf_class(ctx: FixContext) -> str:
    version = ctx.model.section("Version")
    ref = version.first("Class") if version is not None else None
    if ref is None or not ref.values:
        return ""
    return fold(ctx.model.expand(ref.values[0]).strip())


def _rewrite(write: RegWrite, com: bool, apo_class: bool) -> tuple[str | None, str]:
    """The new raw subkey field, or None and why not."""
    if not apo_class:
        return None, "this INF is not of the AudioProcessingObject class"
    if write.section.kind is not RegKind.ADD:
        return None, "a DelReg or BitReg line is not rewritten"
    if write.refusal:
        return None, write.refusal
    contexts = write.section.contexts
    if not contexts or any(c.kind is not Context.SOFTWARE_KEY for c in contexts):
        return None, "its section is reached from elsewhere than DDInstall"
    folded = write.subkey.casefold()
    if "wow6432node" in folded.split("\\"):
        return None, "a Wow6432Node path is not rewritten"
    raw = write.line.ref.entry.fields[1].value
    cooked = write.line.subkey
    if not com:
        return raw, ""
    if write.root == "HKCR":
        if cooked.lstrip().startswith("\\") or not raw.strip():
            return None, "its subkey does not start with CLSID"
        if raw.startswith('"'):
            return '"Classes\\' + raw[1:], ""
        return "Classes\\" + raw, ""
    if "%" in cooked or not folded.startswith("software\\classes\\"):
        return None, "its subkey is built from %strkey% tokens"
    return quote(write.subkey[len("software\\") :]), ""
