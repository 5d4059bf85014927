"""The base of the report-only rules that each flag one kind of global registry location.

Such a rule (ISO023, ISO025-ISO027, ISO030-ISO032, ISO034) is mostly declarations: its
code, name, message and docstring, the kinds of write it reports (the location patterns
of :class:`~infmigrate.rules.registry._registry_writes.Kind`, matched once per round by
:func:`~infmigrate.rules.registry._registry_writes.registry_writes`), what the location
is and what to use instead. Every registry line of those kinds gets one finding, worded
as every report of the registry table is (:mod:`._registry_report`)::

    value Mode is written to HKLM\\SYSTEM\\...\\Enum\\ROOT\\CX\\0000, <location>
    (InfVerif 1321; fails /w; tolerated by /h for now): <instead>

with InfVerif 1320 for a line that creates or deletes a key, 1321 for one that sets or
deletes a value, and the /h note when InfVerif /h still tolerates the location. A rule
whose wording depends on the line overrides :meth:`LocationRule.location_of` or
:meth:`LocationRule.instead_of`; one that reports only some lines of its kinds,
:meth:`LocationRule.applies`; one whose advice draws on several lines (ISO032: a
session's Guid value) overrides ``check`` and words each finding with
:meth:`LocationRule.report`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from infmigrate.engine.fixer import Diagnostic, FixContext, Fixer
from infmigrate.rules.registry._registry_report import (
    codes,
    describe,
    first_ddinstall,
    h_tolerated,
    isolation_code,
)
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites, RegWrite

__all__ = ["DDINSTALL", "LocationRule"]

#: In :attr:`LocationRule.instead`: the first DDInstall that reaches the line.
DDINSTALL = "{ddinstall}"


class LocationRule(Fixer):
    """A report-only rule: registry lines that land in :attr:`kinds` of location."""

    #: The kinds of location reported, as classified by ``registry_writes``.
    kinds: ClassVar[tuple[Kind, ...]]
    #: What the location is, after what the line does ("in the Plug and Play tree of
    #: device instances").
    location: ClassVar[str] = ""
    #: What to use instead, after the InfVerif codes; :data:`DDINSTALL` in it stands for
    #: the first DDInstall that reaches the line.
    instead: ClassVar[str] = ""
    #: Every finding is one of the two (:func:`._registry_report.isolation_code`).
    infverif = (1320, 1321)

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        for write in self.writes(ctx):
            yield self.report(ctx, write)

    def writes(self, ctx: FixContext) -> Iterator[RegWrite]:
        """The lines to report, in file order."""
        kinds = self.kinds
        for write in ctx.analysis(RegistryWrites):
            if write.kind in kinds and self.applies(write):
                yield write

    def applies(self, write: RegWrite) -> bool:
        """Whether a line of one of :attr:`kinds` is this rule's to report."""
        return True

    def location_of(self, write: RegWrite) -> str:
        """What the line's location is (:attr:`location`)."""
        return self.location

    def instead_of(self, write: RegWrite) -> str:
        """What the line should be instead (:attr:`instead`, its DDInstall filled in)."""
        instead = self.instead
        if DDINSTALL in instead:
            instead = instead.replace(DDINSTALL, first_ddinstall(write))
        return instead

    def report(self, ctx: FixContext, write: RegWrite, instead: str | None = None) -> Diagnostic:
        """The finding for one line (``instead``: its advice, if not :meth:`instead_of`)."""
        number = isolation_code(ctx, write)
        text = (
            f"{describe(ctx, write)}, {self.location_of(write)} "
            f"{codes([number], h_tolerated(write.root, write.subkey))}: "
            f"{self.instead_of(write) if instead is None else instead}"
        )
        return self.diagnostic(write.line.ref, text, infverif=(number,))
