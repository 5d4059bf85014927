"""Faults and abuse against ``infmigrate --write`` on a whole tree (issue 18, "Also build").

Every case runs the installed command, as a separate process, on the same *abuse tree*: real
driver INFs (the toaster samples, UTF-16 included, and fixtures with System32 copies), some
made large so that a run takes a while, under awkward names (spaces, a newline, a leading
dash, non-ASCII), next to a hard-linked pair, a FIFO and a directory named like INFs, a
symlink found in the tree that points outside it, and a file outside the tree that must
never change. A fault is then injected (a kill, a read-only file or folder, a full disk, a
file changed under the run, two runs at once, a damaged cache...). Whatever the fault:

* no traceback, and the exit status the README documents (0/1, or 2 with an ``error:``
  line naming each file that could not be written);
* every INF is byte for byte either its original or the output of an undisturbed
  ``--no-cache --write`` run (the reference), and a later run finishes the job;
* nothing else changed anywhere in the tree, or outside it: the whole tree (links, FIFO,
  folders) is snapshotted before and after, and no temporary file is left (only a killed
  process may leave one, and it is never an INF).

A CI run tries each fault once, in a few tens of seconds. ``INFMIGRATE_FAULT_RUNS=20`` runs
each fault 20 times (kill and Ctrl-C moments spread over the run) and, with ``-s``, prints
the table of outcomes used in benchmarks and closing notes.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from infmigrate.cli.writing import TEMP_SUFFIX

from .conftest import ROOT, installed_command

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX faults")

RUNS = int(os.environ.get("INFMIGRATE_FAULT_RUNS", "1"))
#: Strings appended to the large copies, so that a run lasts long enough to be hit.
PAD = b"".join(b'S%05d="some string value number %05d"\r\n' % (i, i) for i in range(4000))
EXAMPLES = ROOT / "fixtures" / "examples"
SYSTEM32 = ROOT / "fixtures" / "ISO001" / "system32_and_drivers.before.inf"
SYSTEM32_UTF16 = ROOT / "fixtures" / "ISO001" / "system32_and_drivers_utf16.before.inf"
#: The INFs of the abuse tree (relative path -> bytes).
INFS: dict[str, bytes] = {
    "toaster.inf": (EXAMPLES / "toaster.inf").read_bytes(),
    "with space/toaster utf16.inf": (EXAMPLES / "toaster_utf16.inf").read_bytes(),
    "new\nline.inf": SYSTEM32.read_bytes(),
    "-dash.inf": SYSTEM32.read_bytes(),
    "ünïcødé Ω/drv.inf": SYSTEM32_UTF16.read_bytes(),
    "hard1.inf": SYSTEM32.read_bytes(),  # hard2.inf is the same file (a hard link)
    **{f"big/b{i:02}.inf": (EXAMPLES / "toaster.inf").read_bytes() + PAD for i in range(8)},
}
HARD_LINK = "hard2.inf"


# --- the tree, its snapshot and the reference ------------------------------------------------


def build(base: Path) -> Path:
    """The abuse tree under ``base/tree`` (and the file outside it under ``base/outside``)."""
    root = base / "tree"
    root.mkdir(exist_ok=True)
    for name, data in INFS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    os.link(root / "hard1.inf", root / HARD_LINK)
    os.mkfifo(root / "pipe.inf")
    (root / "folder.inf").mkdir()
    outside = base / "outside"
    outside.mkdir()
    (outside / "target.inf").write_bytes(SYSTEM32.read_bytes())
    (root / "found link.inf").symlink_to(outside / "target.inf")
    return root


Snapshot = dict[str, tuple[str, bytes | str]]


def snapshot(*roots: Path) -> Snapshot:
    """Every entry under the roots (the cache folder left out): kind and content."""
    out: Snapshot = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != ".infmigrate_cache"]
            for name in (*dirnames, *filenames):
                path = Path(dirpath, name)
                key = str(path.relative_to(root.parent))
                st = path.lstat()
                if stat.S_ISLNK(st.st_mode):
                    out[key] = ("link", os.readlink(path))
                elif stat.S_ISDIR(st.st_mode):
                    out[key] = ("dir", "")
                elif stat.S_ISFIFO(st.st_mode):
                    out[key] = ("fifo", "")
                else:
                    out[key] = ("file", path.read_bytes())
    return out


@dataclass
class Run:
    status: int | None
    stdout: str
    stderr: str


def command(
    *args: str, cwd: Path, preexec: Callable[[], None] | None = None, timeout: float = 120
) -> Run:
    exe = installed_command()
    assert exe is not None, "the infmigrate command is not installed"
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_ACTIONS")}
    proc = subprocess.run(
        [exe, *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        env=env,
        preexec_fn=preexec,
        check=False,
    )
    return Run(
        proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
    )


_FRAME = re.compile(r'^  File "(?P<path>[^"]*)", line (?P<line>\d+)', re.MULTILINE)


#: infmigrate's files that run before Ctrl-C is made quiet, and the text of the line of
#: each that makes it so: the package's first lines (from there on, in the command's
#: process, SIGINT keeps its default action until the command has started).
_HANDLER_LINES = {
    ROOT / "infmigrate" / "__init__.py": "_signal.signal(_signal.SIGINT",
}


def interrupted_before_infmigrate(stderr: str) -> bool:
    """Whether ``stderr`` is the traceback of a Ctrl-C that came before infmigrate could
    catch it: in the interpreter's own start-up, in the console script's imports (written
    by the installer) and the standard library and import machinery they run, or in the
    first lines of :data:`_HANDLER_LINES`' files, above the line that makes Ctrl-C quiet
    (``infmigrate._startup``: SIGINT's default action). Python cannot run a handler
    before the code that sets it, so it prints a traceback there, as for any program."""
    lines = stderr.strip().splitlines()
    if lines[:1] == ["Fatal Python error: init_import_site: Failed to import the site module"]:
        # (earlier still: while the interpreter imports its site module)
        lines = lines[2:] if lines[1:2] and lines[1].startswith("Python runtime state:") else []
    if not lines or lines[0] != "Traceback (most recent call last):":
        return False
    if lines[-1] != "KeyboardInterrupt":
        return False
    exe = installed_command()
    assert exe is not None
    script = Path(exe).read_text().splitlines()
    last = {
        str(path): next(
            i for i, text in enumerate(path.read_text().splitlines(), 1) if mark in text
        )
        for path, mark in _HANDLER_LINES.items()
    }
    last[exe] = next(i for i, line in enumerate(script, 1) if "infmigrate" in line.split("#")[0])
    stdlib = sysconfig.get_paths()["stdlib"]
    frames = _FRAME.findall(stderr)
    return bool(frames) and all(
        (path in last and int(line) <= last[path])
        or path.startswith("<frozen ")
        or path.startswith(stdlib + os.sep)
        for path, line in frames
    )


def start(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    exe = installed_command()
    assert exe is not None
    return subprocess.Popen(
        [exe, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@dataclass
class Reference:
    fixed: dict[str, bytes]  # tree-relative name -> bytes after an undisturbed run
    seconds: float  # how long that run took


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    root = build(tmp_path_factory.mktemp("reference"))
    t0 = time.monotonic()
    res = command("--no-cache", "--write", "-j", "2", ".", cwd=root)
    seconds = time.monotonic() - t0
    assert res.status in (0, 1), res.stderr
    fixed = {name: (root / name).read_bytes() for name in [*INFS, HARD_LINK]}
    assert sum(fixed[n] != INFS.get(n, INFS["hard1.inf"]) for n in fixed) >= len(INFS) - 1, (
        "the reference run should migrate nearly every INF of the tree"
    )
    return Reference(fixed, seconds)


def check(
    base: Path,
    before: Snapshot,
    ref: Reference,
    res: Run,
    *,
    killed: bool = False,
    may_fail: dict[str, str] | None = None,
    interrupted: bool = False,
) -> Counter[str]:
    """The invariants of every fault (see the module docstring); counts of INFs written and
    left as they were. ``may_fail`` names files the fault may stop from being written (with
    the reason expected in their ``error:`` line)."""
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr
    if not killed:
        assert res.status in ((0, 1, 2) if may_fail is not None or interrupted else (0, 1)), (
            res.stderr
        )
    after = snapshot(base / "tree", base / "outside")
    counts: Counter[str] = Counter()
    for key, (kind, content) in after.items():
        name = key.removeprefix("tree/")
        if key.endswith(TEMP_SUFFIX):
            assert killed, f"temporary file left: {key!r}"
            counts["temp left"] += 1
            continue
        assert key in before, f"new entry {key!r}"
        if name in ref.fixed and kind == "file":
            old = before[key][1]
            assert content in (old, ref.fixed[name]), f"{name!r} is neither original nor migrated"
            counts["written" if content != old else "original"] += 1
        else:
            assert (kind, content) == before[key], f"{key!r} changed"
    assert set(before) <= set(after), f"gone: {set(before) - set(after)}"
    if res.status == 2 and not killed and not interrupted:
        errors = [line for line in res.stderr.splitlines() if line.startswith("error: ")]
        assert errors, res.stderr
        for name, reason in (may_fail or {}).items():
            if (base / "tree" / name).read_bytes() != ref.fixed[name]:
                # (a newline in a name is printed as it is: the line is cut in two)
                assert f"error: {name}: " in res.stderr and any(reason in e for e in errors), (
                    name,
                    res.stderr,
                )
    return counts


def finish(base: Path, ref: Reference) -> None:
    """A later undisturbed run finishes the job: every INF is the reference's."""
    res = command("--no-cache", "--write", ".", cwd=base / "tree")
    assert res.status in (0, 1), res.stderr
    for name, data in ref.fixed.items():
        assert (base / "tree" / name).read_bytes() == data, name


# --- the runs: each fault RUNS times, outcomes gathered for the table ----------------------

TABLE: dict[str, Counter[str]] = {}


@pytest.fixture(scope="module", autouse=True)
def _print_table() -> Iterator[None]:
    yield
    if RUNS > 1 and TABLE:
        print("\n| fault | runs | outcome |\n|---|---|---|")
        for fault, outcomes in TABLE.items():
            runs = outcomes.pop("runs")
            shown = ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()))
            print(f"| {fault} | {runs} | {shown} |")


def record(fault: str, counts: Counter[str], outcome: str) -> None:
    table = TABLE.setdefault(fault, Counter())
    table["runs"] += 1
    table[outcome] += 1
    for what in ("temp left",):
        table[what] += counts[what]


def _fresh(tmp_path: Path, i: int) -> tuple[Path, Snapshot]:
    base = tmp_path / f"run{i}"
    base.mkdir()
    build(base)
    return base, snapshot(base / "tree", base / "outside")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "sigint"])
def test_killed_or_interrupted_at_several_moments(
    tmp_path: Path, reference: Reference, sig: signal.Signals
) -> None:
    """A kill -9 (the command and its workers, as the OOM killer does) or a Ctrl-C at
    moments spread from the start to the end of a multi-file run."""
    moments = max(RUNS, 2)
    for i in range(moments):
        base, before = _fresh(tmp_path, i)
        delay = (0.3 + reference.seconds) * (i + 0.5) / moments
        proc = start("--no-cache", "--write", "-j", "2", ".", cwd=base / "tree")
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        out, err = proc.communicate(timeout=60)
        res = Run(proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"))
        before_start = sig == signal.SIGINT and interrupted_before_infmigrate(res.stderr)
        if before_start:
            # Python's own traceback: the Ctrl-C came before the first line of infmigrate
            # ran (only with hundreds of moments: the first is a few ms after the start)
            res = Run(2, res.stdout, "")
        elif sig == signal.SIGINT and res.status in (130, -signal.SIGINT):
            # Ctrl-C while the command starts (SIGINT's default action: killed by the
            # signal), while the options are still being read (typer's own exit, 130), or
            # while the interpreter shuts down after the run (killed by the signal).
            assert "Traceback" not in res.stderr, res.stderr
            res.status = 2
        elif sig == signal.SIGINT:
            assert res.status in (0, 1, 2), res.stderr
            if res.status == 2:
                assert "infmigrate: interrupted" in res.stderr
        counts = check(
            base,
            before,
            reference,
            res,
            killed=sig == signal.SIGKILL,
            interrupted=sig == signal.SIGINT,
        )
        if sig == signal.SIGINT:
            assert not counts["temp left"]
        written = counts["written"]
        outcome = (
            "Ctrl-C before infmigrate started (Python's traceback)"
            if before_start
            else "no INF written"
            if not written
            else "all written"
            if not counts["original"]
            else "some written"
        )
        record("kill -9" if sig == signal.SIGKILL else "SIGINT", counts, outcome)
        finish(base, reference)
        shutil.rmtree(base)


def _chattr(flag: str, *paths: Path) -> bool:
    chattr = shutil.which("chattr")
    if chattr is None:
        return False
    return (
        subprocess.run(
            [chattr, flag, *map(str, paths)], capture_output=True, check=False
        ).returncode
        == 0
    )


@pytest.mark.parametrize("what", ["file", "directory"])
def test_read_only_file_or_directory(tmp_path: Path, reference: Reference, what: str) -> None:
    """An immutable file, or folder (``chattr +i``: permission bits do not stop root, the
    usual user of CI containers): the others are written, these are named with the reason."""
    for i in range(RUNS):
        base, before = _fresh(tmp_path, i)
        root = base / "tree"
        locked = [root / "toaster.inf"] if what == "file" else [root / "with space"]
        if not _chattr("+i", *locked):
            pytest.skip("chattr +i is not available on this file system")
        try:
            res = command("--no-cache", "--write", ".", cwd=root)
        finally:
            _chattr("-i", *locked)
        failing = "toaster.inf" if what == "file" else "with space/toaster utf16.inf"
        assert res.status == 2, res.stderr
        counts = check(
            base,
            before,
            reference,
            res,
            may_fail={failing: "cannot write: Operation not permitted"},
        )
        assert (root / failing).read_bytes() == INFS[failing]
        assert counts["written"] == len(reference.fixed) - 1  # all but it
        record(f"read-only {what}", counts, "named, exit 2, others written")
        finish(base, reference)
        shutil.rmtree(base)


def test_read_only_file_system(tmp_path: Path, reference: Reference) -> None:
    """The whole tree on a read-only mount: every file named, nothing written."""
    for i in range(RUNS):
        base, before = _fresh(tmp_path, i)
        root = base / "tree"
        if subprocess.run(
            ["mount", "--bind", str(root), str(root)], capture_output=True, check=False
        ).returncode:
            pytest.skip("bind mounts are not permitted here")
        try:
            if subprocess.run(
                ["mount", "-o", "remount,ro,bind", str(root)], capture_output=True, check=False
            ).returncode:
                pytest.skip("read-only remounts are not permitted here")
            res = command("--no-cache", "--write", ".", cwd=root)
        finally:
            subprocess.run(["umount", str(root)], capture_output=True, check=False)
        assert res.status == 2, res.stderr
        counts = check(
            base,
            before,
            reference,
            res,
            may_fail={n: "cannot write: Read-only file system" for n in INFS if n != "hard1.inf"},
        )
        assert counts["written"] == 0
        record("read-only file system", counts, "all named, exit 2, none written")
        shutil.rmtree(base)


def _file_size_limit(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit: EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_full_disk_by_file_size_limit(tmp_path: Path, reference: Reference) -> None:
    """RLIMIT_FSIZE below the size of the large INFs: each is named, the rest written."""
    limit = len(reference.fixed["big/b00.inf"]) - 1  # the new bytes do not fit
    for i in range(RUNS):
        base, before = _fresh(tmp_path, i)
        res = command(
            "--no-cache",
            "--write",
            "-j",
            "2",
            ".",
            cwd=base / "tree",
            preexec=_file_size_limit(limit),
        )
        assert res.status == 2, res.stderr
        big = {n: "cannot write: File too large" for n in INFS if n.startswith("big/")}
        counts = check(base, before, reference, res, may_fail=big)
        for name in big:
            assert (base / "tree" / name).read_bytes() == INFS[name]
        assert counts["written"] == len(reference.fixed) - len(big)
        record("full disk (RLIMIT_FSIZE)", counts, "large ones named, exit 2, others written")
        finish(base, reference)
        shutil.rmtree(base)


def test_full_disk_on_a_small_file_system(tmp_path: Path, reference: Reference) -> None:
    """The tree on a tmpfs with room for a few new files only (ENOSPC part way)."""
    for i in range(RUNS):
        base = tmp_path / f"run{i}"
        base.mkdir()
        disk = base / "tree"
        disk.mkdir()
        # Room for the tree and 64 KiB more: the small INFs may be written, the large
        # ones (165 KB) cannot have their new copy made beside the old one.
        size = sum(-(-len(d) // 4096) * 4096 for d in INFS.values()) + 64 * 1024
        if subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)],
            capture_output=True,
            check=False,
        ).returncode:
            pytest.skip("mounting a tmpfs is not permitted here")
        try:
            tree = build(base)
            before = snapshot(tree, base / "outside")
            res = command("--no-cache", "--write", "-j", "2", ".", cwd=tree)
            counts = check(
                base, before, reference, res, may_fail={n: "No space left on device" for n in INFS}
            )
            assert res.status == 2 and "No space left on device" in res.stderr, res.stderr
            record(
                "full disk (small tmpfs)",
                counts,
                f"{counts['written']} written, the rest named, exit 2",
            )
        finally:
            subprocess.run(["umount", str(disk)], capture_output=True, check=False)
        shutil.rmtree(base)


def test_files_changed_or_deleted_during_the_run(tmp_path: Path, reference: Reference) -> None:
    """Another program keeps editing, deleting and recreating INFs while the run goes: an
    edited file is never overwritten, a deleted one never recreated; each is named."""
    for i in range(RUNS):
        base, before = _fresh(tmp_path, i)
        root = base / "tree"
        proc = start("--no-cache", "--write", "-j", "2", ".", cwd=root)
        edited, deleted = root / "big/b03.inf", root / "big/b06.inf"
        stop = threading.Event()

        def meddle(
            edited: Path = edited, deleted: Path = deleted, stop: threading.Event = stop
        ) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                edited.write_bytes(INFS["big/b03.inf"] + b"; edit %d\r\n" % n)
                with contextlib.suppress(FileNotFoundError):
                    deleted.unlink()
                time.sleep(0.01)

        worker = threading.Thread(target=meddle)
        worker.start()
        out, err = proc.communicate(timeout=120)
        stop.set()
        worker.join()
        res = Run(proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"))
        assert "Traceback" not in res.stderr, res.stderr
        assert not deleted.exists(), "a deleted INF was recreated"
        text = edited.read_bytes()
        assert text.startswith(INFS["big/b03.inf"]) and b"; edit " in text, "edit overwritten"
        # The rest is as always.
        before.pop("tree/big/b06.inf")
        before["tree/big/b03.inf"] = ("file", text)
        counts = check(base, before, reference, res, may_fail={})
        outcome = "meddled files named, exit 2" if res.status == 2 else "meddled before read"
        record("files changed/deleted during the run", counts, outcome)
        shutil.rmtree(base)


def test_two_runs_at_once_on_the_same_tree_and_cache(tmp_path: Path, reference: Reference) -> None:
    """Two ``--write`` runs started together, sharing the tree and the cache: each file is
    written by one of them or reported changed by the other; the end result is the
    reference, and the shared cache then answers as a fresh run does."""
    for i in range(RUNS):
        base, before = _fresh(tmp_path, i)
        root = base / "tree"
        procs = [start("--write", "-j", "2", ".", cwd=root) for _ in range(2)]
        outcomes = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            res = Run(proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"))
            check(
                base,
                before,
                reference,
                res,
                may_fail={n: "changed on disk during the run" for n in INFS},
            )
            outcomes.append(res.status)
        for name, data in reference.fixed.items():
            assert (root / name).read_bytes() == data, name
        cached = command("--check", ".", cwd=root)
        fresh = command("--check", "--no-cache", ".", cwd=root)
        assert (cached.status, cached.stdout) == (fresh.status, fresh.stdout)
        record(
            "two --write runs at once",
            Counter(),
            "exit " + "+".join(map(str, sorted(outcomes))) + ", reference reached",
        )
        shutil.rmtree(base)


def _damage(cache: Path, how: str, rng_seed: int) -> int:
    """Damage every file of the cache folder; returns how many."""
    files = [p for p in cache.rglob("*") if p.is_file()]
    for n, path in enumerate(files):
        data = path.read_bytes()
        if how == "truncated":
            path.write_bytes(data[: (rng_seed + n) % max(len(data), 1)])
        elif how == "corrupted":
            pos = (rng_seed * 7919 + n) % max(len(data), 1)
            path.write_bytes(
                data[:pos] + bytes([(data[pos : pos + 1] or b"\0")[0] ^ 0xFF]) + data[pos + 1 :]
            )
        else:  # garbage
            path.write_bytes(os.urandom(64))
    return len(files)


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache a ``--diff`` run leaves for the abuse tree."""
    root = build(tmp_path_factory.mktemp("warm"))
    assert command("--diff", ".", cwd=root).status == 1
    assert (root / ".infmigrate_cache").is_dir()
    return root / ".infmigrate_cache"


@pytest.mark.parametrize("how", ["truncated", "corrupted", "garbage"])
def test_damaged_cache(tmp_path: Path, reference: Reference, warm_cache: Path, how: str) -> None:
    """A cache cut short or with bytes flipped is at worst a miss: ``--write`` writes the
    reference's bytes, and says nothing it should not."""
    for i in range(RUNS):
        base, before = _fresh(tmp_path, i)
        root = base / "tree"
        cache = root / ".infmigrate_cache"
        shutil.copytree(warm_cache, cache)
        damaged = _damage(cache, how, i)
        res = command("--write", ".", cwd=root)
        counts = check(base, before, reference, res)
        for name, data in reference.fixed.items():
            assert (root / name).read_bytes() == data, name
        record(f"{how} cache", counts, f"reference written ({damaged} cache files damaged)")
        shutil.rmtree(base)


def test_named_special_files(tmp_path: Path, reference: Reference) -> None:
    """Named on the command line: a symlink (followed: its target is written, the link
    stays), a FIFO (refused without hanging), a folder named like an INF (searched), a name
    with a leading dash (after ``--``) and one with a newline."""
    for i in range(RUNS):
        base, before = _fresh(tmp_path, i)
        root = base / "tree"
        link = root / "named link.inf"
        link.symlink_to("toaster.inf")
        before["tree/named link.inf"] = ("link", "toaster.inf")
        res = command(
            "--no-cache",
            "--write",
            "--",
            "named link.inf",
            "pipe.inf",
            "folder.inf",
            "-dash.inf",
            "new\nline.inf",
            cwd=root,
            timeout=60,
        )
        assert res.status in (0, 1, 2), res.stderr
        assert "Traceback" not in res.stderr, res.stderr
        if res.status == 2:
            assert "error: pipe.inf: cannot read: not a regular file" in res.stderr, res.stderr
        counts = check(base, before, reference, res, may_fail={})
        assert (root / "toaster.inf").read_bytes() == reference.fixed["toaster.inf"]
        assert (root / "-dash.inf").read_bytes() == reference.fixed["-dash.inf"]
        assert (root / "new\nline.inf").read_bytes() == reference.fixed["new\nline.inf"]
        record(
            "named symlink, FIFO, folder, -dash, newline",
            counts,
            f"exit {res.status}, named files written",
        )
        shutil.rmtree(base)


def test_only_pythons_own_start_up_traceback_is_excused() -> None:
    """The SIGINT runs excuse a traceback only when no infmigrate frame is in it."""
    exe = installed_command()
    assert exe is not None
    stdlib = sysconfig.get_paths()["stdlib"]
    head = "Traceback (most recent call last):\n"
    early = (
        f'{head}  File "{exe}", line 3, in <module>\n    import re\n'
        f'  File "{stdlib}/re/__init__.py", line 124, in <module>\n    import enum\n'
        '  File "<frozen importlib._bootstrap>", line 1176, in _find_and_load\n'
        "KeyboardInterrupt\n"
    )
    assert interrupted_before_infmigrate(early)
    site = (
        "Fatal Python error: init_import_site: Failed to import the site module\n"
        "Python runtime state: initialized\n"
        + head
        + '  File "<frozen site>", line 73, in <module>\nKeyboardInterrupt\n'
    )
    assert interrupted_before_infmigrate(site)
    assert not interrupted_before_infmigrate("Fatal Python error: init_import_site: x\n" + early)
    init = ROOT / "infmigrate" / "__init__.py"
    handler = next(
        i for i, text in enumerate(init.read_text().splitlines(), 1) if "_signal.signal(" in text
    )

    def inside(path: Path, line: int) -> str:
        frame = f'  File "{path}", line {line}, in <module>\n'
        return early.replace("KeyboardInterrupt\n", frame + "KeyboardInterrupt\n")

    assert interrupted_before_infmigrate(inside(init, handler - 2))
    assert not interrupted_before_infmigrate(inside(init, handler + 1))
    assert not interrupted_before_infmigrate(inside(ROOT / "infmigrate" / "_startup.py", 3))
    past_script = early.replace("line 3, in", "line 6, in")  # below its `from infmigrate`
    assert not interrupted_before_infmigrate(past_script)
    assert not interrupted_before_infmigrate(early.replace("KeyboardInterrupt", "OSError: x"))
    assert not interrupted_before_infmigrate("infmigrate: interrupted\n")
