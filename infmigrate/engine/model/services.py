"""Services: AddService lines of .Services sections, and WDF services of .Wdf sections.

``AddService=ServiceName,[flags],service-install-section[,event-log-install-section
[,[EventLogType][,EventName]]]`` ("INF AddService Directive",
https://learn.microsoft.com/windows-hardware/drivers/install/inf-addservice-directive):
EventLogType defaults to
``System`` and EventName to the service name. ``KmdfService``/``UmdfService =
name,wdf-service-install-section`` in .Wdf sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from infmigrate.engine.model.contexts import SectionContext
from infmigrate.engine.model.numbers import parse_int
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.sections import EntryRef, LogicalSection
from infmigrate.engine.model.strings import Expansion

__all__ = ["ServiceInstall", "WdfService"]

#: SPSVCINST_ASSOCSERVICE: the function driver of the device.
SPSVCINST_ASSOCSERVICE = 0x2


@dataclass(frozen=True, slots=True, eq=False)
class ServiceInstall:
    """One AddService line, as reached from an install section's .Services section."""

    #: The AddService entry.
    entry: EntryRef
    #: The service name, expanded with the undecorated Strings ("" for ``AddService=,2``).
    name: str
    #: The service name expanded for every locale (refuse to fix when not uniform).
    name_expansion: Expansion
    #: The flags field as written, and as a number (0 when empty; ``None`` if unparsable).
    flags_text: str
    flags: int | None
    #: The service-install section name (expanded) and section (``None`` when missing).
    section_name: str
    section: LogicalSection | None
    #: The event-log-install section name ("" when none) and section.
    eventlog_section_name: str
    eventlog_section: LogicalSection | None
    #: The event log type (``System`` when the field is empty or missing).
    log_type: str
    #: The event source name (the service name when the field is empty or missing).
    event_name: str
    #: The install sections (DDInstall, DefaultInstall...) whose .Services reach it.
    installs: tuple[InstallSection, ...]

    @property
    def install(self) -> InstallSection | None:
        """The first install section it comes from."""
        return self.installs[0] if self.installs else None

    @property
    def uniform(self) -> bool:
        """Whether the service name is the same in every locale."""
        return self.name_expansion.uniform

    @property
    def is_null(self) -> bool:
        """``AddService = ,2``: the null driver (no name, no install section)."""
        return not self.name and not self.section_name

    @property
    def associated(self) -> bool:
        """Whether the ASSOCSERVICE flag (0x2, the function driver) is set."""
        return self.flags is not None and bool(self.flags & SPSVCINST_ASSOCSERVICE)

    @property
    def context(self) -> SectionContext:
        """The context its service-install section is reached in."""
        return SectionContext.service_key(self.name)

    @property
    def eventlog_context(self) -> SectionContext:
        """The context its event-log-install section is reached in."""
        return SectionContext.eventlog_key(self.log_type, self.event_name)


def parse_flags(text: str) -> int | None:
    """A flags field: 0 when empty, ``None`` when not a number."""
    return 0 if not text.strip() else parse_int(text)


@dataclass(frozen=True, slots=True, eq=False)
class WdfService:
    """One ``KmdfService``/``UmdfService`` line of a .Wdf section."""

    entry: EntryRef
    #: ``KmdfService`` or ``UmdfService`` (the key as written).
    kind: str
    #: The service name, expanded.
    name: str
    #: The wdf-service-install section name (expanded) and section.
    section_name: str
    section: LogicalSection | None
    installs: tuple[InstallSection, ...]

    @property
    def umdf(self) -> bool:
        """Whether it is a UMDF service."""
        return self.kind.casefold() == "umdfservice"
