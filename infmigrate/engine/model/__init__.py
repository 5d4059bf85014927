"""Read-only semantic model of an INF, rebuilt from the syntax tree after every fix round.

::

    from infmigrate.engine.model import build_model
    model = build_model(infmigrate.parse(data))
    model.section("version")                  # LogicalSection, case-insensitive, merged
    model.expand_all("%ServiceName%").uniform  # the same in every [Strings.LLLL]?
    for fl in model.file_lists:               # CopyFiles/DelFiles/RenFiles targets
        print(fl.name, fl.destination.dirid, [f.dest_name for f in fl.files])
    for svc in model.services:                # AddService lines reached
        print(svc.name, svc.section_name, svc.log_type, svc.event_name)
    for reg in model.reg_sections:            # AddReg/DelReg/BitReg targets and contexts
        print(reg.name, sorted(c.kind.name for c in reg.contexts))

Modules: ``sections`` (merged sections, EntryRef), ``strings`` (Strings tables and
expansion), ``decorations`` (TargetOSVersion, Manufacturer/Models, install section
resolution), ``dirids`` (DIRID table and classes), ``contexts`` (what HKR means),
``paths`` (file paths in values), ``reach`` (install sections and references: how a
section is reached), ``files`` (file lists, destinations, sources),
``registry`` (registry sections and lines), ``services`` (AddService, WDF services),
``references`` (the reference graph), ``build`` (InfModel, build_model).
"""

from infmigrate.engine.model.build import InfModel, build_model, release_model
from infmigrate.engine.model.contexts import Context, SectionContext
from infmigrate.engine.model.decorations import (
    ARCHITECTURES,
    INSTALL_SUFFIXES,
    Manufacturer,
    ModelsSection,
    TargetOS,
    parse_target_os,
)
from infmigrate.engine.model.dirids import DIRIDS, Dirid, DiridClass, classify, parse_dirid
from infmigrate.engine.model.files import (
    Destination,
    DestinationDirs,
    FileCopy,
    FileList,
    ListKind,
    SourceDisk,
    SourceFile,
    SourceIndex,
)
from infmigrate.engine.model.paths import PathRef, find_paths
from infmigrate.engine.model.reach import InstallSection, Reference
from infmigrate.engine.model.references import FileReference, FileRefKind, IncludeDirective
from infmigrate.engine.model.registry import RegKind, RegLine, RegSection
from infmigrate.engine.model.sections import EntryRef, LogicalSection, fold
from infmigrate.engine.model.services import ServiceInstall, WdfService
from infmigrate.engine.model.strings import Expansion, StringTable

__all__ = [
    "ARCHITECTURES",
    "DIRIDS",
    "INSTALL_SUFFIXES",
    "Context",
    "Destination",
    "DestinationDirs",
    "Dirid",
    "DiridClass",
    "EntryRef",
    "Expansion",
    "FileCopy",
    "FileList",
    "FileRefKind",
    "FileReference",
    "IncludeDirective",
    "InfModel",
    "InstallSection",
    "ListKind",
    "LogicalSection",
    "Manufacturer",
    "ModelsSection",
    "PathRef",
    "Reference",
    "RegKind",
    "RegLine",
    "RegSection",
    "SectionContext",
    "ServiceInstall",
    "SourceDisk",
    "SourceFile",
    "SourceIndex",
    "StringTable",
    "TargetOS",
    "WdfService",
    "build_model",
    "classify",
    "find_paths",
    "fold",
    "parse_dirid",
    "parse_target_os",
    "release_model",
]
