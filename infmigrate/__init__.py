"""infmigrate: migrate Windows driver INF files to driver package isolation.

Public API::

    import infmigrate
    tree = infmigrate.parse(data)          # bytes -> lossless syntax tree
    assert tree.to_bytes() == data
    for section in tree.sections:
        for entry in section.entries:
            print(entry.line, section.name, entry.key, entry.values)
"""

from infmigrate._startup import no_collection, quiet_interrupt

with quiet_interrupt(), no_collection():
    from infmigrate._dists import version
    from infmigrate.engine.syntax import (
        CSTNode,
        DecodeError,
        Entry,
        ErrorLine,
        Field,
        InfFile,
        Key,
        Problem,
        Section,
        SectionHeader,
        TriviaLine,
        parse,
    )

    # (not importlib.metadata: see infmigrate._dists)
    __version__ = version("infmigrate") or "0+unknown"

#: Raised by ``InfFile.to_bytes`` when edited text cannot be written in the file's encoding.
InfSyntaxError = DecodeError

__all__ = [
    "CSTNode",
    "DecodeError",
    "Entry",
    "ErrorLine",
    "Field",
    "InfFile",
    "InfSyntaxError",
    "Key",
    "Problem",
    "Section",
    "SectionHeader",
    "TriviaLine",
    "__version__",
    "parse",
]
