"""The secret key that authenticates the results cache, kept outside every repository.

The cache (:mod:`infmigrate.workspace.cache`) usually lives inside the project, where a pull
request or anything else that writes the checkout can plant files. Each of its files
carries an HMAC-SHA256 made with this key; a file whose HMAC does not check out is
ignored. The key is 32 random bytes (:func:`secrets.token_bytes`) in ``cache-key`` under
the user's cache directory, the place platformdirs' ``user_cache_dir`` would give:

* Linux and other Unix: ``$XDG_CACHE_HOME/infmigrate`` (an absolute ``XDG_CACHE_HOME``
  only, as the XDG Base Directory Specification says), else ``~/.cache/infmigrate``;
* macOS: ``~/Library/Caches/infmigrate``;
* Windows: ``%LOCALAPPDATA%\\infmigrate``.

It is made on first use: the folder with mode 0700, the file with mode 0600, written
whole under a temporary name and then linked into place, so that two first runs at once
both end up using one complete key. It is used only if it is a regular file (not a
symbolic link) of exactly 32 bytes, and, on POSIX systems, owned by the user running
infmigrate and neither readable nor writable by anyone else; otherwise :class:`CacheKeyError`
says why and the command runs without the cache. Deleting the file makes a new key (every
cached entry then misses once).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
import tempfile
from pathlib import Path

__all__ = ["KEY_BYTES", "KEY_NAME", "CacheKeyError", "key_dir", "load_key"]

KEY_NAME = "cache-key"
KEY_BYTES = 32

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_READ_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class CacheKeyError(Exception):
    """The key cannot be made or is not safe to use (the message says which and why)."""


def key_dir() -> Path:
    """The user's cache directory for infmigrate (see the module docstring)."""
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA")
            return (Path(base) if base else Path.home() / "AppData" / "Local") / "infmigrate"
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "infmigrate"
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base_dir = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
        return base_dir / "infmigrate"
    except RuntimeError as exc:  # no home directory to be found
        raise CacheKeyError(f"no user cache directory for the cache key ({exc})") from None


def load_key(directory: Path | None = None) -> bytes:
    """The key in ``directory`` (default :func:`key_dir`), made if there is none."""
    path = (directory or key_dir()) / KEY_NAME
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    _create(path)
    try:
        return _read(path)
    except FileNotFoundError:
        raise CacheKeyError(f"{path} vanished right after it was made") from None


def _read(path: Path) -> bytes:
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if path.is_symlink():
            raise CacheKeyError(f"{path} is a symbolic link; delete it") from None
        raise CacheKeyError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise CacheKeyError(f"{path} is not a regular file; delete it")
        if os.name == "posix":
            if st.st_uid != os.geteuid():
                raise CacheKeyError(f"{path} belongs to another user; delete it")
            if st.st_mode & 0o077:
                raise CacheKeyError(
                    f"{path} can be read or written by other users "
                    f"(mode {stat.S_IMODE(st.st_mode):04o}); delete it"
                )
        data = os.read(fd, KEY_BYTES + 1)
    except OSError as exc:
        raise CacheKeyError(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) != KEY_BYTES:
        raise CacheKeyError(f"{path} is not a key of {KEY_BYTES} bytes; delete it")
    return data


def _create(path: Path) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_NAME}.", suffix=".tmp")
    except OSError as exc:
        raise CacheKeyError(f"cannot make {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:  # mkstemp: mode 0600
            f.write(secrets.token_bytes(KEY_BYTES))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # never replaces a key another run has just made
        except FileExistsError:
            pass
        except OSError:  # no hard links on this file system: the last one made wins
            os.replace(tmp, path)
    except OSError as exc:
        raise CacheKeyError(f"cannot make {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
