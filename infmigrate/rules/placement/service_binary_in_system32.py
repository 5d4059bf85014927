"""ISO002 service-binary-in-system32."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixAvailability, FixContext, Fixer
from infmigrate.rules.placement._driver_store import DriverStorePlans, SharedFixes
from infmigrate.rules.placement._messages import blocked, place, unsafe


@register
class ServiceBinaryInSystem32(Fixer):
    """## What it does
    Flags a `ServiceBinary` (of a service-install or a WDF service-install section) written
    as a path into System32 or System32\\drivers (`%12%\\f`, `%11%\\f`, `%12%\\UMDF\\f`,
    `%10%\\System32\\drivers\\f`...) for a file this INF copies there, and points it into the
    driver store together with the file (ISO001).

    ## Why is this bad?
    Once the file runs from the driver store, a service that still points into System32
    starts a stale copy or nothing at all. InfVerif reports a ServiceBinary that is not a
    CopyFiles destination (2084).

    ## Example
    ```inf
    [Cx_Svc]
    ServiceBinary = %12%\\cx.sys
    ```

    Use instead:
    ```inf
    [Cx_Svc]
    ServiceBinary = %13%\\cx.sys
    ```

    ## Fix safety
    Safe: it is the same fix as ISO001's for the file's list, which moves the file and
    rewrites every reference at once. When the list cannot move, the diagnostic says why and
    there is no fix. A ServiceBinary naming a file the INF does not copy (an inbox driver)
    is not this rule's concern (see ISO014).

    ## References
    - [Service install section: ServiceBinary](https://learn.microsoft.com/windows-hardware/drivers/install/inf-addservice-directive)
    - [Run from Driver Store](https://learn.microsoft.com/windows-hardware/drivers/develop/run-from-driver-store)
    """

    code = "ISO002"
    name = "service-binary-in-system32"
    message = "ServiceBinary points into System32 instead of the driver store"
    fix_title = "Point ServiceBinary into the driver store (%13%) and move the file"
    availability = FixAvailability.SOMETIMES
    infverif = (2084,)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        # (the lists moved together share their edits, so the findings share one fix:
        # issue 18, a fix each was quadratic in the services of one list)
        fixes = SharedFixes(self)
        for plan in ctx.analysis(DriverStorePlans).legacy_full:  # (a MissingPlan: no uses)
            seen: set[int] = set()
            for use in plan.uses:
                if (use.ref.key or "").casefold() != "servicebinary" or id(use.ref) in seen:
                    continue
                seen.add(id(use.ref))
                dest = plan.destination
                fix = fixes.of(plan) if plan.movable and plan.edits else None
                yield self.diagnostic(
                    use.ref,
                    f"ServiceBinary points to {use.copy.dest_name} in "
                    f"{place(dest.dirid, dest.subdir)} instead of the driver store"
                    f"{blocked(plan.reason())}"
                    f"{plan.build_note if plan.movable and plan.edits else ''}"
                    f"{unsafe(plan.unsafe if fix else [])}",
                    fix,
                )
