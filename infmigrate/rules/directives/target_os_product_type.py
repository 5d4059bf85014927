"""ISO056 target-os-product-type."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer


@register
class TargetOsProductType(Fixer):
    """## What it does
    Flags `[Manufacturer]` decorations whose TargetOSVersion uses the ProductType or
    SuiteMask field (`NTamd64.10.0.1`, `NTamd64.10.0.3.0x110`).

    ## Why is this bad?
    A universal INF may not select on the product type (workstation, server, domain
    controller) or the suite mask: the same package must install the same way on every
    edition.

    ## Example
    ```inf
    [Manufacturer]
    %Mfg% = Cx, NTamd64.10.0.1
    ```

    Use instead: no ProductType or SuiteMask (and a decision at run time, if a difference
    is really needed):
    ```inf
    [Manufacturer]
    %Mfg% = Cx, NTamd64.10.0
    ```

    ## Fix safety
    There is no fix: dropping the field makes the Models section apply to editions it
    did not before.

    ## References
    - [INF Manufacturer section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-manufacturer-section)
    - [Using a universal INF file](https://learn.microsoft.com/windows-hardware/drivers/install/using-a-universal-inf-file)
    """

    code = "ISO056"
    name = "target-os-product-type"
    message = "a Manufacturer decoration selects on ProductType or SuiteMask"

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for mfr in ctx.model.manufacturers:
            for deco in mfr.decorations:
                if not deco.valid:
                    continue
                fields = [
                    name
                    for name, value in (
                        ("ProductType", deco.product_type),
                        ("SuiteMask", deco.suite_mask),
                    )
                    if value is not None
                ]
                if not fields:
                    continue
                text = (
                    f"decoration {deco.raw.strip()} selects on {' and '.join(fields)}, "
                    "which a universal INF may not: drop the field, so that the package "
                    "installs the same way on every edition"
                )
                yield self.diagnostic(mfr.entry, text)
