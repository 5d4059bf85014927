"""Analyses that several rules of a round share: declared once, typed, computed once.

Some work serves several rules: the driver-store migration plan (ISO001, ISO002, ISO003,
ISO006, ISO012 report on it), every registry write classified by where it lands (the
registry rules), the files each CopyFiles list puts somewhere. Such work is an *analysis*,
declared as a subclass of :class:`Analysis` with its result type, the analyses it reads,
and how to compute it from a :class:`~infmigrate.engine.fixer.FixContext` (LibCST's
metadata providers are the model: ``BaseMetadataProvider[T]`` with its
``METADATA_DEPENDENCIES``)::

    class ApoClsids(Analysis[frozenset[str]]):
        \"\"\"The CLSIDs the INF registers as audio processing objects.\"\"\"

        requires = (RegistryWrites,)

        @classmethod
        def compute(cls, ctx: FixContext) -> frozenset[str]:
            writes = ctx.analysis(RegistryWrites)
            return frozenset(...)

A rule (or another analysis) asks for it with ``ctx.analysis(ApoClsids)``, which mypy
types as the declared result (here ``frozenset[str]``): no string key, no cast. What
:meth:`FixContext.analysis <infmigrate.engine.fixer.FixContext.analysis>` guarantees:

* **Once per round.** The result is kept in the context, which the runner makes anew for
  every round of fixes (each round sees a new tree): the first rule to ask computes it,
  the others get the same object. Results are shared, so they are read, never changed.
* **Dependencies first.** Before ``compute`` runs, every analysis in ``requires`` is
  computed (each once), in the order given; a cycle is an :class:`AnalysisError`.
* **Only what is declared.** While an analysis computes, it may ask only for the analyses
  it declares (asking for another one is an :class:`AnalysisError`), so ``requires`` is
  the true list of what it reads, as LibCST checks a provider's dependencies. Rules may ask
  for any analysis.

An analysis class is a declaration: it is never instantiated, and holds no state (the
context holds the results). The model (``ctx.model``) is not an analysis: every analysis
may read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar, cast

if TYPE_CHECKING:
    from infmigrate.engine.fixer import FixContext

__all__ = ["Analyses", "Analysis", "AnalysisError"]

_T_co = TypeVar("_T_co", covariant=True)
_T = TypeVar("_T")


class AnalysisError(RuntimeError):
    """An analysis asks for one it does not declare, or analyses require each other."""


class Analysis(Generic[_T_co]):
    """The declaration of an analysis whose result is a ``_T_co`` (see the module
    docstring). Subclasses set :attr:`requires` and define :meth:`compute`."""

    #: The analyses :meth:`compute` reads (through ``ctx.analysis``), computed before it.
    requires: ClassVar[tuple[type[Analysis[object]], ...]] = ()

    def __new__(cls) -> Analysis[_T_co]:
        raise TypeError(f"{cls.__name__} is a declaration: use ctx.analysis({cls.__name__})")

    @classmethod
    def compute(cls, ctx: FixContext) -> _T_co:
        """The result for the context's tree (called once per round, dependencies first)."""
        raise NotImplementedError(f"{cls.__name__}.compute")


class Analyses:
    """The results of one round's analyses (what ``FixContext.analysis`` keeps)."""

    __slots__ = ("_computing", "_results")

    def __init__(self) -> None:
        self._results: dict[type[Analysis[object]], object] = {}
        #: The analyses being computed, outermost first (for the declaration check).
        self._computing: list[type[Analysis[object]]] = []

    def get(self, provider: type[Analysis[_T]], ctx: FixContext) -> _T:
        """The result of ``provider`` for this round, computed on first use."""
        results = self._results
        if provider in results:
            if self._computing:
                self._check_declared(provider)
            # The key is the provider and the value what its compute returned: a _T.
            return cast(_T, results[provider])
        if self._computing:
            self._check_declared(provider)
        if provider in self._computing:
            chain = " -> ".join(p.__name__ for p in (*self._computing, provider))
            raise AnalysisError(f"analyses require each other: {chain}")
        self._computing.append(provider)
        try:
            for dependency in provider.requires:
                self.get(dependency, ctx)
            result = provider.compute(ctx)
        finally:
            self._computing.pop()
        results[provider] = result
        return result

    def _check_declared(self, provider: type[Analysis[object]]) -> None:
        current = self._computing[-1]
        if provider is not current and provider not in current.requires:
            raise AnalysisError(
                f"{current.__name__} reads {provider.__name__} without declaring it in "
                f"{current.__name__}.requires"
            )
