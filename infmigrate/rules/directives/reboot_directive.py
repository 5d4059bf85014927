"""ISO053 reboot-directive."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import EntryRef, LogicalSection, fold


@register
class RebootDirective(Fixer):
    """## What it does
    Points out `Reboot` directives (information only): in a DDInstall section they ask
    for a restart after every install; anywhere else they are ignored.

    ## Why is this bad?
    Nothing forbids it: `Reboot` is valid in universal INFs and for Windows Drivers. But
    SetupAPI reads it only from the DDInstall section itself, and a well-behaved PnP
    driver almost never needs the whole machine restarted: a device that can be stopped
    and restarted, or a service that reloads its settings, makes it unnecessary.

    ## Example
    ```inf
    [Cx_Inst.NTamd64]
    CopyFiles = Cx.Sys
    Reboot
    ```

    Use instead:
    ```inf
    [Cx_Inst.NTamd64]
    CopyFiles = Cx.Sys
    ```

    ## Fix safety
    There is no fix: whether the device really needs a restart is the author's call.

    ## References
    - [INF Reboot directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-reboot-directive)
    """

    code = "ISO053"
    name = "reboot-directive"
    message = "the INF asks for a restart after installing"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        roots = {
            id(i.section)
            for i in model.install_sections
            if i.kind == "ddinstall" and i.section is not None
        }
        for section in model.sections:
            if not model.roles_of(section):
                continue
            for ref in section.entries:
                if fold(ref.key or "") == "reboot" or (
                    ref.key is None
                    and len(ref.values) == 1
                    and fold(ref.values[0].strip()) == "reboot"
                ):
                    yield self._diagnostic(section, ref, roots)

    def _diagnostic(self, section: LogicalSection, ref: EntryRef, roots: set[int]) -> Diagnostic:
        if id(section) in roots:
            text = (
                f"Reboot in [{section.name}] restarts the machine after every install "
                "(information: valid, but rarely needed): drop it unless the device "
                "cannot start without a restart"
            )
        else:
            text = (
                f"Reboot in [{section.name}] is ignored: SetupAPI reads it only from the "
                "DDInstall section itself; drop it, or move it there if the device really "
                "needs a restart"
            )
        return self.diagnostic(ref, text)
