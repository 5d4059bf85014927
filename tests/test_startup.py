"""Ctrl-C during the command's start-up ends it quietly (infmigrate._startup)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from infmigrate._startup import quiet_interrupt


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )


def test_sigint_during_the_block_ends_the_process_quietly() -> None:
    """SIGINT's default action: the process ends at once (killed by SIGINT, status 130 in
    a shell), nothing printed, and nothing after the block runs."""
    res = _run(
        "import os, signal, time\n"
        "from infmigrate._startup import quiet_interrupt\n"
        "with quiet_interrupt():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "print('went on')\n"
    )
    assert res.returncode == -signal.SIGINT
    assert res.stdout == "" and res.stderr == ""


def test_the_handler_comes_back_after_the_block() -> None:
    before = signal.getsignal(signal.SIGINT)
    assert before is signal.default_int_handler
    with quiet_interrupt():
        assert signal.getsignal(signal.SIGINT) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(ValueError), quiet_interrupt():
        raise ValueError
    assert signal.getsignal(signal.SIGINT) is before


def test_a_ctrl_c_cannot_be_lost_in_a_finalizer_while_loading() -> None:
    """Issue 18's fault suite: a handler that raised (SystemExit) ran inside a ``__del__``
    run by the collector, where Python prints the exception and goes on: the command went
    on to write every file. With no handler, the signal ends the process wherever it is."""
    res = _run(
        "import gc, os, signal, time\n"
        "from infmigrate._startup import quiet_interrupt\n"
        "class Finalized:\n"
        "    def __del__(self):\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        time.sleep(5)\n"
        "with quiet_interrupt():\n"
        "    Finalized()\n"
        "    gc.collect()\n"
        "print('went on')\n"
    )
    assert res.returncode == -signal.SIGINT
    assert res.stdout == "" and res.stderr == ""


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


def test_sigint_while_typer_builds_the_command_ends_the_process_quietly() -> None:
    """Issue 18's fault suite: a Ctrl-C in the first moments of a run on a loaded machine
    landed in typer's ``get_command`` (after the imports) and printed a traceback."""
    res = _run(
        "import os, signal, sys, time\n"
        "import typer.main\n"
        "from infmigrate.cli.app import main\n"
        "def interrupted(app):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "    raise AssertionError('not interrupted')\n"
        "typer.main.get_command = interrupted\n"
        "sys.argv = ['infmigrate', '--version']\n"
        "main()\n"
    )
    assert res.returncode == -signal.SIGINT
    assert res.stdout == "" and res.stderr == ""


def test_the_command_is_told_from_a_program_importing_infmigrate() -> None:
    from infmigrate._startup import is_command

    for argv in (["/x/.venv/bin/infmigrate"], ["C:\\x\\Scripts\\infmigrate.exe", "."], ["-m"]):
        assert is_command(argv), argv
    for argv in ([], ["-c"], ["/x/bin/pytest"], ["/x/infmigrate.py"], ["/x/my-infmigrate"]):
        assert not is_command(argv), argv


def test_in_the_command_ctrl_c_stays_quiet_from_the_package_until_the_command_starts(
    tmp_path: Path,
) -> None:
    """Issue 18's fault suite: a Ctrl-C between the package's import and ``main``'s quiet
    block (an import in ``app.main``) printed a traceback. In the command's process SIGINT
    keeps its default action from the package's first line until the command has started."""
    script = tmp_path / "infmigrate"  # (named as the console script)
    script.write_text(
        "import os, signal, sys, time\n"
        "import infmigrate, infmigrate.cli\n"
        "assert signal.getsignal(signal.SIGINT) == signal.SIG_DFL, 'not held'\n"
        "if sys.argv[1] == 'started':\n"
        "    from infmigrate._startup import started\n"
        "    started()\n"
        "    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler\n"
        "    print('handler back')\n"
        "else:\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "    print('went on')\n"
    )
    res = subprocess.run(
        [sys.executable, str(script), "interrupt"], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == -signal.SIGINT and res.stdout == "" and res.stderr == ""
    res = subprocess.run(
        [sys.executable, str(script), "started"], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0 and res.stdout == "handler back\n", res.stderr


def test_python_m_infmigrate_runs_with_the_handler_back() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "infmigrate", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0 and res.stdout.startswith("infmigrate"), res.stderr
