"""What HKR means where a section is reached.

The table of HKR per section in "INF AddReg Directive"
(https://learn.microsoft.com/windows-hardware/drivers/install/inf-addreg-directive).

A section's meaning depends on the path that reaches it: the same add-registry section
named from a DDInstall and from a service-install section writes to two different keys.
:class:`SectionContext` is that meaning, with its parameters (service name, event log,
interface); the reference graph's nodes are (section, context) pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from infmigrate.engine.model.sections import fold

__all__ = ["LOG_TYPES", "Context", "SectionContext"]

#: Event log types AddService accepts, in their documented spelling.
LOG_TYPES: tuple[str, ...] = ("System", "Application", "Security")


class Context(Enum):
    """The kind of key HKR stands for in a reached section."""

    #: DDInstall and DDInstall.CoInstallers: the device software ("driver") key.
    SOFTWARE_KEY = "software_key"
    #: DDInstall.HW: the device hardware key.
    HARDWARE_KEY = "hardware_key"
    #: Service-install section: the service key (``service`` is set).
    SERVICE_KEY = "service_key"
    #: Event-log-install section: the event source key (``log_type``, ``event_name``).
    EVENTLOG_KEY = "eventlog_key"
    #: Add-interface section: the interface instance key (``interface``, ``reference``).
    INTERFACE_KEY = "interface_key"
    #: ClassInstall32: the setup class key.
    CLASS_KEY = "class_key"
    #: InterfaceInstall32 install-interface section: the interface class key (``interface``).
    INTERFACE_CLASS_KEY = "interface_class_key"
    #: DefaultInstall (and DefaultUninstall): no device, HKR is not allowed.
    DEFAULT_INSTALL = "default_install"
    #: Sections with no registry meaning of their own: .Services, .Interfaces, .Wdf,
    #: .Filters, .Events, .Software, .COM, .Components, .WMI, triggers, WDF service
    #: install sections...
    OTHER = "other"


@dataclass(frozen=True, slots=True, eq=False)
class SectionContext:
    """A :class:`Context` with its parameters.

    Equality and hashing ignore case in the names (service, event and log names,
    interface GUIDs and reference strings are case-insensitive), so two AddService lines
    spelling ``cx`` and ``CX`` reach the same context.
    """

    kind: Context
    #: SERVICE_KEY: the service name, expanded.
    service: str | None = None
    #: EVENTLOG_KEY: ``System``, ``Application``, ``Security`` (or what was written).
    log_type: str | None = None
    #: EVENTLOG_KEY: the event source name, expanded.
    event_name: str | None = None
    #: INTERFACE_KEY / INTERFACE_CLASS_KEY: the interface class GUID, expanded.
    interface: str | None = None
    #: INTERFACE_KEY: the reference string, expanded ("" when none).
    reference: str | None = None
    _key: tuple[object, ...] = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = (
            self.kind.value,
            *(
                None if v is None else fold(v)
                for v in (
                    self.service,
                    self.log_type,
                    self.event_name,
                    self.interface,
                    self.reference,
                )
            ),
        )
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_hash", hash(key))

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, SectionContext) and self._key == other._key)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        params = [
            f"{n}={v!r}"
            for n, v in (
                ("service", self.service),
                ("log_type", self.log_type),
                ("event_name", self.event_name),
                ("interface", self.interface),
                ("reference", self.reference),
            )
            if v is not None
        ]
        return f"SectionContext({', '.join([self.kind.name, *params])})"

    # --- constructors --------------------------------------------------------------------

    @classmethod
    def service_key(cls, service: str) -> SectionContext:
        """The service key of ``service``."""
        return cls(Context.SERVICE_KEY, service=service)

    @classmethod
    def eventlog_key(cls, log_type: str, event_name: str) -> SectionContext:
        """The event source key ``EventLog\\<log_type>\\<event_name>``."""
        return cls(Context.EVENTLOG_KEY, log_type=log_type, event_name=event_name)

    @classmethod
    def interface_key(cls, interface: str, reference: str = "") -> SectionContext:
        """The instance key of an interface (class GUID, reference string)."""
        return cls(Context.INTERFACE_KEY, interface=interface, reference=reference)

    @classmethod
    def interface_class_key(cls, interface: str) -> SectionContext:
        """The interface class key of ``interface``."""
        return cls(Context.INTERFACE_CLASS_KEY, interface=interface)


SOFTWARE = SectionContext(Context.SOFTWARE_KEY)
HARDWARE = SectionContext(Context.HARDWARE_KEY)
CLASS = SectionContext(Context.CLASS_KEY)
DEFAULT = SectionContext(Context.DEFAULT_INSTALL)
OTHER = SectionContext(Context.OTHER)
