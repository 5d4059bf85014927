"""infmigrate: migrate Windows driver INF files to driver package isolation.

Public API::

    import infmigrate
    tree = infmigrate.parse(data)          # bytes -> lossless syntax tree
    assert tree.to_bytes() == data
    for section in tree.sections:
        for entry in section.entries:
            print(entry.line, section.name, entry.key, entry.values)
"""

# Ctrl-C while infmigrate loads ends the process without a traceback (infmigrate._startup:
# SIGINT's default action), from here on: _signal is built in and loaded at start-up, so
# nothing is imported (and can be interrupted) before that is set, as _startup's own
# import could be (issue 18's fault suite). A program's own handler, or a thread other
# than the main one, is left alone, and the handler found is put back once loaded.
import _signal  # type: ignore[import-not-found]  # (no stub: signal's API)

_found = _signal.getsignal(_signal.SIGINT)
if _found is _signal.default_int_handler:
    try:
        _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
    except ValueError:  # not the main thread
        _found = None

from infmigrate._startup import no_collection  # noqa: E402

with no_collection():
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

if _found is _signal.default_int_handler and _signal.getsignal(_signal.SIGINT) == _signal.SIG_DFL:
    import sys as _sys

    from infmigrate._startup import hold_until_started, is_command

    if is_command(getattr(_sys, "argv", [])):
        hold_until_started()  # until the command has started (infmigrate.cli.app.main)
    else:
        _signal.signal(_signal.SIGINT, _found)
    del _sys, hold_until_started, is_command
del _found

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
