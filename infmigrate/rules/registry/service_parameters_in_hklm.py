"""ISO020 service-parameters-in-hklm."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, Edit, FixAvailability, FixContext, Fixer
from infmigrate.engine.model import LogicalSection, RegKind, fold
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites, RegWrite
from infmigrate.rules.registry._service_moves import move_edits, refusal


@register
class ServiceParametersInHklm(Fixer):
    """## What it does
    Flags `HKLM` writes under `SYSTEM\\CurrentControlSet\\Services\\<svc>\\Parameters` for a
    service this INF installs, and moves them to `HKR,Parameters...` lines of an AddReg
    section referenced from every service-install section of that service.

    ## Why is this bad?
    An absolute path into the service's key is global state that no package owns: it is
    written whenever one particular DDInstall runs, is not removed with the package, and
    InfVerif rejects it for Windows Drivers (1320/1321). In a service-install section, HKR
    *is* the service's key, so the same values can be written relative to it, and the
    driver reads them with `IoOpenDriverRegistryKey(DriverRegKeyParameters)`,
    `WdfDriverOpenParametersRegistryKey` or
    `GetServiceRegistryStateKey(ServiceRegistryStateParameters)`.

    ## Example
    ```inf
    [Cx_Global]
    HKLM,"SYSTEM\\CurrentControlSet\\Services\\cx\\Parameters",Mode,0x00010001,2
    [Cx_Svc]
    ServiceBinary=%13%\\cx.sys
    ```

    Use instead:
    ```inf
    [Cx_Svc]
    ServiceBinary=%13%\\cx.sys
    AddReg=cx_Params_AddReg
    [cx_Params_AddReg]
    HKR,Parameters,Mode,0x00010001,2
    ```

    ## Fix safety
    Safe: the same keys and values end up in the registry; they are written whenever the
    service is installed rather than when one DDInstall runs. Value names, flags and data
    are copied byte for byte (quoting, hex lists, continuation lines); the subkey may come
    through `%strkey%` tokens when every locale agrees. A new `AddReg=` line is appended
    to each service-install section of the service (never an existing one edited), and an
    add-registry section left empty is removed with its references. The fix is refused,
    with the reason, when the service name or the path differs between locales, when
    different install paths set different values (ISO041), when a `.security` section is
    attached to the source section, or when a service-install section serves another
    service too.

    ## References
    - [Driver package isolation: registry state](https://learn.microsoft.com/windows-hardware/drivers/develop/driver-isolation)
    - [INF AddService directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addservice-directive)
    - [InfVerif 1320, 1321](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO020"
    name = "service-parameters-in-hklm"
    message = "service parameters are written to an absolute HKLM path"
    fix_title = "Write them as HKR,Parameters in an AddReg of the service-install sections"
    availability = FixAvailability.SOMETIMES
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        plan = _plan(ctx)
        fix = self.make_fix(*plan.edits) if plan.edits else None
        for write in plan.writes:
            svc = write.parts["svc"]
            rest = write.parts.get("rest") or ""
            target = "HKR,Parameters" + (f"\\{rest}" if rest else "")
            refused = plan.kept.get(id(write)) or plan.refused.get(fold(svc), "")
            yield self.diagnostic(
                write.line.ref,
                f"value {write.value_name or '(default)'} is written to HKLM\\{write.subkey} "
                f"(InfVerif 1320): write it as {target} in service {svc}'s install section"
                + (f"; not fixed: {refused}" if refused else ""),
                None if refused else fix,
            )


@dataclass
class _Plan:
    writes: list[RegWrite] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    #: Lines that may not move (by ``id`` of the write), with the reason.
    kept: dict[int, str] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)


def _plan(ctx: FixContext) -> _Plan:
    plan = _Plan()
    model = ctx.model
    by_svc: dict[str, list[RegWrite]] = {}
    for write in ctx.analysis(RegistryWrites):
        if (
            write.kind is Kind.SERVICE_PARAMETERS
            and write.root == "HKLM"
            and write.section.kind is RegKind.ADD
        ):  # DelReg/BitReg lines are ISO039's
            plan.writes.append(write)
            if write.refusal:  # kept where it is, reported; the others still move
                plan.kept[id(write)] = write.refusal
                continue
            by_svc.setdefault(fold(write.parts["svc"]), []).append(write)
    moving: list[tuple[str, list[RegWrite], list[LogicalSection]]] = []
    for svc, writes in by_svc.items():
        services = [s for s in model.services if fold(s.name) == svc]
        reason = refusal(svc, writes, services, model)
        if reason:
            plan.refused[svc] = reason
            continue
        # (every service has a section: _refusal refuses otherwise)
        sections = list(
            {id(s.section): s.section for s in services if s.section is not None}.values()
        )
        moving.append((writes[0].parts["svc"], writes, sections))
    if moving:
        plan.edits = move_edits(ctx, moving, _parameters)
    return plan


def _parameters(write: RegWrite) -> str:
    rest = write.parts.get("rest") or ""
    return "Parameters" + (f"\\{rest}" if rest else "")
