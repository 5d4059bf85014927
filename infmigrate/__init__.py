"""infmigrate: migrate Windows driver INF files to driver package isolation.

Public API::

    import infmigrate
    tree = infmigrate.parse(data)          # bytes -> lossless syntax tree
    assert tree.to_bytes() == data
    for section in tree.sections:
        for entry in section.entries:
            print(entry.line, section.name, entry.key, entry.values)
"""

# Ctrl-C while infmigrate loads exits 130 without a traceback (infmigrate._startup), from
# here on: _signal is built in and loaded at start-up, so nothing is imported (and can be
# interrupted) before the handler is set, as _startup's own import could be (issue 18's
# fault suite). A program's own handler, or a thread other than the main one, is left
# alone, and the handler found is put back once loaded.
import _signal  # type: ignore[import-not-found]  # (no stub: signal's API)


def _interrupted_while_loading(signum: int, frame: object) -> None:
    raise SystemExit(130)


_found = _signal.getsignal(_signal.SIGINT)
if _found is _signal.default_int_handler:
    try:  # noqa: SIM105 - (contextlib would be one more import to interrupt)
        _signal.signal(_signal.SIGINT, _interrupted_while_loading)
    except ValueError:  # not the main thread
        pass

from infmigrate._startup import no_collection, quiet_interrupt  # noqa: E402

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

if _signal.getsignal(_signal.SIGINT) is _interrupted_while_loading:
    _signal.signal(_signal.SIGINT, _found)
del _found, _interrupted_while_loading

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
