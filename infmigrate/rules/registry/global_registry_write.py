"""ISO037 global-registry-write."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Deferred, Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import (
    DEVICE_SOFTWARE_API,
    SERVICE_STATE_API,
    codes,
    describe_text,
    h_tolerated,
    isolation_code,
    what_is_done,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites

#: The end of each distinct message (why, the InfVerif codes, what to do instead): a few
#: texts shared by every finding.
_TAILS: dict[str, str] = {}


def _message(done: int, name: str, root: str, subkey: str, tail: str) -> str:
    """The finding's text (deferred: a file may have thousands of such lines)."""
    path = root + "\\" + subkey if subkey else root
    return f"{describe_text(done, name, path)}, {tail}"


#: Distinct messages one check keeps to share (see :meth:`GlobalRegistryWrite.check`);
#: past it the table starts again, so what it holds stays small whatever the file.
_SHARED_MESSAGES = 4096

#: Keys other rules report (ISO029: class co-installers).
_CLAIMED = ("system\\currentcontrolset\\control\\codeviceinstallers",)


@register
class GlobalRegistryWrite(Fixer):
    """## What it does
    Flags every other registry line that writes (or deletes) outside the keys HKR stands
    for: any `HKLM` path no more specific rule covers (`SOFTWARE\\<vendor>`,
    `SYSTEM\\CurrentControlSet\\Control\\...`, a fixed `ControlSet001`), `HKCU`, `HKU`, the
    rest of `HKCR`, and non-HKR paths whose subkey differs between `[Strings]` locales.

    ## Why is this bad?
    Driver package isolation keeps a package's state in keys the package owns (HKR), so
    that it is removed with the package and two packages cannot collide. A global write
    fails `/w` (InfVerif 1320/1321) and `/u` (1304); `HKLM\\SYSTEM` outside
    `CurrentControlSet` is InfVerif 1222. Per-user hives (`HKCU`, `HKU`) are not even
    loaded for the users who log on later. InfVerif /h still tolerates some locations
    (its April 2024 exception list, see References); the message says so when it does.

    ## Example
    ```inf
    [Cx_Reg]
    HKLM,SOFTWARE\\Contoso\\Cx,Mode,0x10001,1
    ```

    Use instead: the device's software key (or `HKR,Parameters` in the service-install
    section for the service's own settings):
    ```inf
    [Cx_Reg]
    HKR,,Mode,0x10001,1
    ```

    ## Fix safety
    There is no fix: whoever reads the value looks for it at the global path, and has to
    be changed to open the device or service key (`IoOpenDeviceRegistryKey`,
    `CM_Open_DevNode_Key`, `IoOpenDriverRegistryKey`, `GetServiceRegistryStateKey`).

    ## References
    - [Driver package isolation: registry state](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [InfVerif /h exceptions](https://learn.microsoft.com/windows-hardware/drivers/devtest/infverif_h)
    - [InfVerif 1222, 1304, 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO037"
    name = "global-registry-write"
    message = "a registry line writes a global location instead of HKR"
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        # Findings with the same text share one message: lines writing the same value
        # to the same key (from several sections, or one value set again and again) give
        # the same text, and a message of its own per line was about a third of what
        # such a finding holds (issue 18).
        shared: dict[Deferred, Deferred] = {}
        for write in ctx.analysis(RegistryWrites):
            if write.kind is Kind.NON_UNIFORM:
                if write.root == "HKR":
                    continue
            elif write.kind is not Kind.OTHER_GLOBAL:
                continue
            folded = write.subkey.casefold()
            if write.root == "HKLM" and any(
                folded == c or folded.startswith(c + "\\") for c in _CLAIMED
            ):
                continue
            number = isolation_code(ctx, write)
            numbers: list[int] = [number]
            if write.kind is Kind.NON_UNIFORM:
                why = "its subkey differs between [Strings] locales, and it is outside HKR"
                tolerated = False
            elif write.root in ("HKCU", "HKU"):
                why = (
                    "a per-user hive: a driver package cannot set it for the users who log "
                    "on later, and it is not removed with the package"
                )
                tolerated = False
            else:
                why = "a global location no package owns"
                tolerated = h_tolerated(write.root, write.subkey)
                if (
                    write.root == "HKLM"
                    and folded.startswith("system\\")
                    and not folded.startswith("system\\currentcontrolset")
                ):
                    why = "a fixed control set, not CurrentControlSet"
                    numbers.append(1222)
            if write.root in ("HKCU", "HKU"):
                instead = (
                    "let the user-mode component create per-user settings at run time, "
                    "with defaults read from the device or service key"
                )
            else:
                instead = (
                    f"write device settings with HKR in DDInstall (read with "
                    f"{DEVICE_SOFTWARE_API}) and the service's own with "
                    f"HKR,Parameters in its service-install section (read with "
                    f"{SERVICE_STATE_API})"
                )
            tail = f"{why} {codes(numbers, tolerated)}: {instead}"
            text = Deferred(
                (
                    _message,
                    what_is_done(write),
                    write.value_name,
                    write.root,
                    write.subkey,
                    _TAILS.setdefault(tail, tail),
                )
            )
            if len(shared) >= _SHARED_MESSAGES:
                shared.clear()
            text = shared.setdefault(text, text)
            yield self.diagnostic(write.line.ref, text, infverif=tuple(numbers))
