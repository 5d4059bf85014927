"""ISO052 include-needs-misuse."""

from __future__ import annotations

import os
from collections.abc import Iterator

from infmigrate.engine.catalog import register
from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.engine.model import INSTALL_SUFFIXES, InfModel, LogicalSection, fold
from infmigrate.rules.registry._registry_report import codes

_SUFFIXES = {fold(s): s for s in INSTALL_SUFFIXES}
#: The modem pattern the documentation prescribes (CopyFiles of a section of mdmcpq.inf).
_DOCUMENTED = frozenset({"fakemodemcopyfilesection"})


@register
class IncludeNeedsMisuse(Fixer):
    """## What it does
    Flags misuses of `Include` and `Needs`: an `Include` of an INF that the package itself
    ships (only system-supplied INFs may be included), a `Needs` whose section is neither
    in this INF nor brought by an `Include` of the same section, a `Needs` whose section
    has another suffix than the one it sits in (`[X.Services]` needing `Y.HW`), and a
    directive other than `Needs` that names a section which only an included INF can
    provide.

    ## Why is this bad?
    `Needs` pastes the named section in place, so it must be the same kind of section
    (InfVerif 1310-1312) and its INF must be included right there (1313/1314); an included
    INF must be inbox (1202), and its sections must be reached through `Needs` (1220).
    Anything else is processed differently, or not at all, depending on what is installed.

    ## Example
    ```inf
    [Cx_Inst.NTamd64.Services]
    Needs = WUDFRD.NT.Services
    ```

    Use instead:
    ```inf
    [Cx_Inst.NTamd64.Services]
    Include = wudfrd.inf
    Needs   = WUDFRD.NT.Services
    ```

    ## Fix safety
    There is no fix: the right INF or section is the author's to name. Whether a section
    also exists in an included INF (InfVerif 2008) cannot be checked without that INF.

    ## References
    - [INF Include directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-include-directive)
    - [INF Needs directive](https://learn.microsoft.com/windows-hardware/drivers/install/inf-needs-directive)
    - [InfVerif 1202, 1220, 1310-1314](https://learn.microsoft.com/windows-hardware/drivers/devtest/inf-validation-errors-and-warnings)
    """

    code = "ISO052"
    name = "include-needs-misuse"
    message = "Include or Needs is used in a way InfVerif rejects"
    infverif = (1202, 1220, 1310, 1311, 1312, 1313, 1314)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        model = ctx.model
        own = fold(os.path.basename(ctx.path)) if ctx.path not in ("", "-") else ""
        for inc in model.includes:
            for name in inc.files:
                folded = fold(name.strip())
                shipped = folded == own or bool(model.sources.lookup(name.strip()))
                if not shipped:
                    continue
                text = (
                    f"Include = {name} names an INF this package ships, not a "
                    f"system-supplied one {codes([1202])}: merge the sections you need "
                    "into this INF and reach them with Needs (no Include)"
                )
                yield self.diagnostic(inc.entry, text)
        seen: set[tuple[int, int]] = set()
        # (a plain field of a file-list line is a missing target, external when its line
        # is: only those lines' are read)
        for ref in model.references.without_plain(lambda line: line.external):
            # only Needs and missing targets an Include may bring are checked below (what
            # decides it is the same in every context a field is reached in)
            if ref.kind != "needs" and (ref.target is not None or not ref.external):
                continue
            key = (id(ref.entry), ref.index)
            if key in seen:
                continue  # the same field, reached in another context
            seen.add(key)
            holder = ref.entry.section
            if ref.kind == "needs":
                if ref.target is None and not ref.external:
                    text = (
                        f"Needs = {ref.raw_name} in [{holder.name}] names a section that "
                        "is neither in this INF nor brought by an Include of the same "
                        f"section {codes(['1313/1314'])}: add Include = <inbox INF> to "
                        f"[{holder.name}]"
                    )
                    yield self.diagnostic(ref.entry, text)
                    continue
                if "install" not in model.roles_of(holder):
                    continue
                mine, theirs = _suffix(holder.name), _suffix(ref.name)
                if mine != theirs and (theirs or _is_install(model, ref.target)):
                    text = (
                        f"Needs = {ref.raw_name} in [{holder.name}] pastes a "
                        f"{_kind(theirs)} into a {_kind(mine)} {codes(['1310-1312'])}: "
                        f"name the {_kind(mine)} of the needed install section "
                        f"({_with_suffix(ref.name, mine)})"
                    )
                    yield self.diagnostic(ref.entry, text)
            elif (
                ref.missing
                and ref.external
                and ref.kind != "copy_file"
                and fold(ref.name) not in _DOCUMENTED
            ):
                text = (
                    f"{ref.directive} = {ref.raw_name} in [{holder.name}] names a section "
                    f"only an included INF can provide {codes([1220])}: reach the "
                    "included INF's install section with Needs instead"
                )
                yield self.diagnostic(ref.entry, text)


def _is_install(model: InfModel, section: LogicalSection | None) -> bool:
    """Whether a local section is a DDInstall-like root (so its lack of suffix means one)."""
    return section is not None and any(i.section is section for i in model.install_sections)


def _suffix(name: str) -> str:
    last = fold(name.rsplit(".", 1)[-1]) if "." in name else ""
    return _SUFFIXES.get(last, "")


def _kind(suffix: str) -> str:
    return f".{suffix} section" if suffix else "DDInstall section"


def _with_suffix(name: str, suffix: str) -> str:
    base = name
    if _suffix(name):
        base = name.rsplit(".", 1)[0]
    return f"{base}.{suffix}" if suffix else base
