"""ISO055 default-install-misuse."""

from __future__ import annotations

from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import codes


@register
class DefaultInstallMisuse(Fixer):
    """## What it does
    Flags `[DefaultInstall]` sections without an architecture decoration
    (`DefaultInstall`, `DefaultInstall.NT`), and any `[DefaultInstall]` in an INF that also
    has a `[Manufacturer]` section.

    ## Why is this bad?
    A universal INF's DefaultInstall must say which architecture it is for (InfVerif 1421),
    and a single INF cannot be both a device INF and a primitive one (InfVerif 1212):
    Windows processes one or the other depending on how the INF is installed.

    ## Example
    ```inf
    [DefaultInstall]
    CopyFiles = Cx.Files
    ```

    Use instead:
    ```inf
    [DefaultInstall.NTamd64]
    CopyFiles = Cx.Files
    ```

    ## Fix safety
    There is no fix: renaming the section needs every architecture the package supports
    (and its `.Services` section renamed along), and an INF with both sections must be
    split in two.

    ## References
    - [INF DefaultInstall section](https://learn.microsoft.com/windows-hardware/drivers/install/inf-defaultinstall-section)
    - [Creating a primitive driver](https://learn.microsoft.com/windows-hardware/drivers/develop/creating-a-primitive-driver)
    - [InfVerif 1212, 1421](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO055"
    name = "default-install-misuse"
    message = "DefaultInstall has no architecture decoration, or sits next to [Manufacturer]"
    infverif = (1421, 1212)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        manufacturer = model.section("Manufacturer") is not None
        for install in model.install_sections:
            if install.kind != "defaultinstall" or install.section is None:
                continue
            deco = install.decorations[0] if install.decorations else None
            problems: list[str] = []
            numbers: list[int] = []
            if deco is None or deco.arch is None:
                problems.append(
                    "has no architecture decoration (name it "
                    f"[{install.base_name}.NT<arch>], e.g. "
                    f"{install.base_name}.NTamd64, with its suffix sections)"
                )
                numbers.append(1421)
            if manufacturer:
                problems.append(
                    "sits in an INF that also has [Manufacturer]: a device INF "
                    "and a primitive INF must be two files"
                )
                numbers.append(1212)
            if not problems:
                continue
            text = f"[{install.section.name}] {' and '.join(problems)} {codes(numbers)}"
            yield self.diagnostic(install.section.blocks[0].header, text, infverif=tuple(numbers))
