"""Writing a fixed file in place, atomically.

The new bytes go to a temporary file in the same directory (``.<name>.<random>.infmigrate-
tmp``), which is written, flushed, synced to disk, given the original's permission bits
(and owner, when running as another user who may set it) and renamed over it
(``os.replace``, atomic on POSIX and Windows), then the directory is synced. So a crash, a
full disk, Ctrl-C or a killed process never leaves a half-written INF: the target holds
either its old bytes or its new ones. Any exception, KeyboardInterrupt included, removes
the temporary file; only a process killed outright between creating and renaming it can
leave one behind (never a damaged target).

A symbolic link is followed: the file it points to is replaced and the link stays.

``expect``: the file's :class:`FileStamp` when it was read. If the file changed since
(edited, or replaced by another tool, during the run), it is not overwritten:
:class:`ChangedOnDisk` is raised instead, so that nobody's edit is lost.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "TEMP_SUFFIX",
    "ChangedOnDisk",
    "FileStamp",
    "stamp_of",
    "write_atomic",
    "write_output",
]

#: Temporary files end with this (never an INF suffix, so searches never pick them up).
TEMP_SUFFIX = ".infmigrate-tmp"


class FileStamp(NamedTuple):
    """What identifies a file's content cheaply: its size and modification time."""

    size: int
    mtime_ns: int


def stamp_of(st: os.stat_result) -> FileStamp:
    return FileStamp(st.st_size, st.st_mtime_ns)


class ChangedOnDisk(OSError):
    """The file changed after it was read: it is left as it is."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} changed on disk during the run; not overwritten")
        self.strerror = "changed on disk during the run; not overwritten (run again)"


def write_atomic(path: Path, data: bytes, *, expect: FileStamp | None = None) -> None:
    """Replace the file's content with ``data`` (OSError when that cannot be done)."""
    target = Path(os.path.realpath(path))
    st = target.stat()
    if expect is not None and stamp_of(st) != expect:
        raise ChangedOnDisk(path)
    mode = stat.S_IMODE(st.st_mode)
    tmp = _synced_temp(target, data)
    try:
        os.chmod(tmp, mode)
        if hasattr(os, "chown") and (st.st_uid, st.st_gid) != _owner(tmp):
            with contextlib.suppress(OSError):  # only root may give files away
                os.chown(tmp, st.st_uid, st.st_gid)
                os.chmod(tmp, mode)  # chown may clear set-id bits
        if expect is not None and stamp_of(target.stat()) != expect:
            raise ChangedOnDisk(path)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename durable too (POSIX)
        with contextlib.suppress(OSError):
            dir_fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def write_output(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write a report file (``--output-file``, ``--format sarif:FILE``), new or replaced,
    whole or not at all: a temporary file beside it, synced, then renamed over it.
    ``data``: the bytes, or their pieces as they are made (an error making one leaves the
    file as it was)."""
    target = Path(os.path.realpath(path))
    tmp = _synced_temp(target, data)
    try:
        # mkstemp makes it 0600: give it the permissions a new file gets (umask)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _synced_temp(target: Path, data: bytes | Iterable[bytes]) -> str:
    """A new temporary file beside ``target`` holding ``data`` (the bytes or their
    pieces), synced to disk (removed again if that fails): what :func:`write_atomic` and
    :func:`write_output` rename over their target."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            for piece in (data,) if isinstance(data, bytes) else data:
                f.write(piece)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _owner(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid
