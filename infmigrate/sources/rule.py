"""The base of the rules on C/C++ sources (``ISO1xx``, :mod:`infmigrate.rules.code`).

A :class:`CodeRule` is a :class:`~infmigrate.engine.fixer.Fixer` so that the catalog, the
selection (``--select ISO1``, ``ignore = [...]``), ``--list-rules``, ``--explain`` and the
SARIF rule list treat it like any other rule; but it reads a
:class:`~infmigrate.sources.reader.SourceUnit` instead of an INF tree. On an INF it finds
nothing (:meth:`CodeRule.check`), and on a source file only code rules run
(:func:`infmigrate.sources.processing.process_source`). Code rules are report-only: a
finding names the construct and the API to use, and never carries a fix (changing a
driver's code is a design change the author makes).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from infmigrate.engine.fixer import Diagnostic, FixAvailability, FixContext, Fixer
from infmigrate.sources.reader import SourceUnit, Span

__all__ = ["CodeRule", "is_code_rule"]


class CodeRule(Fixer):
    """Base of the rules on C/C++ sources; one subclass per module of
    ``infmigrate/rules/code/``, documented like every rule (the class docstring)."""

    availability = FixAvailability.NONE

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        """Nothing: an INF is not C code."""
        return iter(())

    def check_source(self, unit: SourceUnit) -> Iterator[Diagnostic]:
        """Yield the diagnostics for one source file."""
        raise NotImplementedError

    def finding(self, unit: SourceUnit, span: Span, message: str) -> Diagnostic:
        """A diagnostic of this rule over a span of the file (columns in characters)."""
        return Diagnostic(
            code=self.code,
            name=self.name,
            message=sys.intern(message),
            line=span.line,
            column=unit.column(span.line, span.column),
            end_line=span.end_line,
            end_column=unit.column(span.end_line, span.end_column),
        )


def is_code_rule(cls: type[Fixer]) -> bool:
    """Whether a rule reads C/C++ sources rather than INFs."""
    return issubclass(cls, CodeRule)
