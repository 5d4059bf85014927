"""The command line: options (:mod:`.app`), the run over files (:mod:`.command`), the
workers (:mod:`.pool`, :mod:`.tasks`), progress, atomic writes (:mod:`.writing`) and the
summary."""

from infmigrate._startup import no_collection, quiet_interrupt

with quiet_interrupt(), no_collection():  # Ctrl-C while typer, rich... load: exit 130, no traceback
    from infmigrate.cli.app import main

__all__ = ["main"]
