"""Ctrl-C during the command's first imports exits 130 quietly (infmigrate._startup)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from infmigrate._startup import quiet_interrupt


def test_sigint_during_the_block_exits_130_and_the_handler_comes_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    assert before is signal.default_int_handler
    with pytest.raises(SystemExit) as exc, quiet_interrupt():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # the handler runs between bytecodes, before this ends
    assert exc.value.code == 130
    assert signal.getsignal(signal.SIGINT) is before


def test_a_program_with_its_own_handler_keeps_it() -> None:
    def mine(signum: int, frame: object) -> None:
        pass

    previous = signal.signal(signal.SIGINT, mine)
    try:
        with quiet_interrupt():
            assert signal.getsignal(signal.SIGINT) is mine
        assert signal.getsignal(signal.SIGINT) is mine
    finally:
        signal.signal(signal.SIGINT, previous)


def test_no_collection_pauses_the_collector_and_puts_its_state_back() -> None:
    import gc

    from infmigrate._startup import no_collection

    assert gc.isenabled()
    with no_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with no_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a program that runs without it keeps it off
    finally:
        gc.enable()
    with pytest.raises(ValueError), no_collection():
        raise ValueError
    assert gc.isenabled()


def test_sigint_while_typer_builds_the_command_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18's fault suite: a Ctrl-C in the first moments of a run on a loaded machine
    landed in typer's ``get_command`` (after the imports) and printed a traceback."""
    import typer.main

    from infmigrate.cli.app import main

    def interrupted(app: object) -> object:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # the handler runs between bytecodes, before this ends
        raise AssertionError("not interrupted")

    monkeypatch.setattr(typer.main, "get_command", interrupted)
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 130
    assert signal.getsignal(signal.SIGINT) is before


def test_importing_infmigrate_leaves_the_programs_handler_as_it_was() -> None:
    """The package's first line makes Ctrl-C quiet while it loads (before importing
    anything), and puts the handler it found back: the default one, or a program's own."""
    import subprocess
    import sys

    script = (
        "import signal, sys\n"
        "mine = sys.argv[1] == 'own'\n"
        "if mine: signal.signal(signal.SIGINT, lambda s, f: None)\n"
        "before = signal.getsignal(signal.SIGINT)\n"
        "import infmigrate\n"
        "assert signal.getsignal(signal.SIGINT) is before, signal.getsignal(signal.SIGINT)\n"
        "assert not hasattr(infmigrate, '_found')\n"
        "print('kept')\n"
    )
    for case in ("default", "own"):
        res = subprocess.run(
            [sys.executable, "-c", script, case], capture_output=True, text=True, check=False
        )
        assert res.returncode == 0 and res.stdout == "kept\n", res.stderr
