"""ISO040 hkr-in-default-install."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Deferred, Diagnostic, FixContext, Fixer
from infmigrate.engine.model import Context
from infmigrate.rules.registry._registry_report import (
    SERVICE_STATE_API,
    describe_text,
    what_is_done,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites


def _message(done: int, name: str, subkey: str, section: str) -> str:
    """The finding's text (deferred: a file may have thousands of such lines)."""
    path = "HKR\\" + subkey if subkey else "HKR"
    return (
        f"{describe_text(done, name, path)} in [{section}], reached only from "
        "DefaultInstall, which installs no device and has no key for HKR to stand "
        "for (invalid): write a service's settings "
        "as HKR,Parameters in its service-install section (AddService in "
        f"DefaultInstall.Services), read with {SERVICE_STATE_API}, and device "
        "settings with HKR in a device INF's DDInstall"
    )


@register
class HkrInDefaultInstall(Fixer):
    """## What it does
    Flags HKR lines in registry sections reached only from `[DefaultInstall]` (or
    `[DefaultUninstall]`) itself.

    ## Why is this bad?
    HKR means the key of the device, service or interface being installed; a
    DefaultInstall section installs no device, so HKR there has no key to stand for and
    the line is invalid. (HKR in a service-install section reached through
    `DefaultInstall.Services` is fine: it is the service's key.)

    ## Example
    ```inf
    [DefaultInstall.NTamd64]
    AddReg = Cx_Reg
    [Cx_Reg]
    HKR,,Mode,0x10001,1
    ```

    Use instead: for a service, `HKR,Parameters` in an AddReg of its service-install
    section (`AddService` in `[DefaultInstall.NTamd64.Services]`); for device settings, a
    device INF whose DDInstall writes HKR.
    ```inf
    [DefaultInstall.NTamd64.Services]
    AddService = cx,,Cx_Svc
    [Cx_Svc]
    AddReg = Cx_Reg
    [Cx_Reg]
    HKR,Parameters,Mode,0x10001,1
    ```

    ## Fix safety
    There is no fix: which key the author meant is not in the INF.

    ## References
    - [INF DefaultInstall section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-defaultinstall-section)
    - [INF AddReg directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addreg-directive)
    """

    code = "ISO040"
    name = "hkr-in-default-install"
    message = "HKR is used in a section reached only from DefaultInstall"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in ctx.analysis(RegistryWrites):
            if write.kind is not Kind.HKR:
                continue
            contexts = write.section.contexts
            if not contexts or any(c.kind is not Context.DEFAULT_INSTALL for c in contexts):
                continue
            text = Deferred(
                (_message, what_is_done(write), write.value_name, write.subkey, write.section.name)
            )
            yield self.diagnostic(write.line.ref, text)
