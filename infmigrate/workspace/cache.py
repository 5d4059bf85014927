"""A content-hash cache of findings, like ruff's: a second run over an unchanged tree
reads the files, hashes them, and parses nothing.

Where: ``.infmigrate_cache/`` in the project root (the directory of the configuration file
that applies to the working directory, else the working directory), or ``--cache-dir`` /
``INFMIGRATE_CACHE_DIR``. The directory holds a ``.gitignore`` of ``*`` (git never sees
it) and a ``CACHEDIR.TAG`` (backup tools skip it); ``rm -rf .infmigrate_cache`` clears it.

What: ``<version>/<source hash>/results-<0..f>.json`` (16 shards, by path) map (settings,
absolute path) to the last result for that file: the SHA-256 of its bytes, the path as
shown, the diagnostics (rule, position, message, fix title and applicability; not the
fix's edits, which only the review formats print and which point into a tree), what
fixing applied and left, whether it changed the file, and the text of the lines the
diagnostics point at. An entry is used only if the file's hash, the path shown and the
settings that matter (rules, syntax codes, unsafe fixes) are the same; the source hash
covers infmigrate's code and every rule package's, so any change of the tool starts a new
cache. Only the shards that changed are rewritten.

Trust: the cache sits in the checkout, where a pull request (or anything else that writes
the checkout) can plant files, so whatever it holds must at worst be a miss:

* It never holds fixed bytes or diffs. ``--write`` and ``--diff`` take a file from the
  cache only when fixing leaves it unchanged; a file with a fix to apply is processed
  again and what is written or printed comes from the fixers of this run. This is ruff's
  rule too: in its fix and diff modes a cached result is used only for a file with
  nothing to fix (``crates/ruff/src/diagnostics.rs``, ``lint_path``).
* Every shard starts with an HMAC-SHA256 of its content, made with a secret key kept
  outside every repository (:mod:`infmigrate.workspace.cachekey`: the user's cache directory, mode
  0600) and bound to the format, the version, the source hash and the shard's name. The
  HMAC is checked on the raw bytes, before anything is parsed; a shard that fails is
  ignored (and rewritten when this run has new entries for it). So the findings a
  ``--check`` or a report takes from the cache are ones this user's infmigrate computed.
* Only JSON is ever read (never pickle). Shards are opened without following symbolic
  links or blocking (a FIFO planted under a shard's name is skipped), and one larger than
  :data:`MAX_SHARD_BYTES` is ignored unread.
* The cache's own directories (the cache root, ``<version>``, ``<source hash>``) must be
  real directories, not symbolic links: otherwise :class:`CacheUnavailable` and the run
  goes on without the cache, so that nothing is written, or removed by the clean-up of
  stale builds, outside it.

Never fatal: an unreadable, corrupt or unauthenticated cache file or entry is a miss.
Writes are atomic (a temporary file renamed over the old one); two runs at once at worst
lose each other's new entries.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from infmigrate import __version__
from infmigrate.engine.fixer import Applicability, Diagnostic, Fix, _new_diagnostic
from infmigrate.engine.processing import FileOptions, FileResult

__all__ = ["CACHE_DIR_NAME", "Cache", "CacheUnavailable", "digest", "settings_key", "source_hash"]

CACHE_DIR_NAME = ".infmigrate_cache"
#: Bumped when the layout of the results files changes.
FORMAT = 3
#: A shard larger than this is ignored unread (a planted one must not cost the memory;
#: the corpus's 1,443 files make shards of 0.1 to 1.5 MB).
MAX_SHARD_BYTES = 64 << 20
#: What a shard starts with, before the hex HMAC and a newline.
_MAGIC = b"infmigrate-cache-hmac-sha256 "
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by infmigrate.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
#: Entries not used for this long are dropped when the cache is saved.
MAX_AGE_DAYS = 30
#: Why a file's bytes may be remembered as skipped (:meth:`Cache.skipped`): a Windows 9x-only
#: INF (deciding it parses the file).
SKIP_KINDS = frozenset({"win9x"})
#: Caches of other builds of the same version (other source hashes) untouched for this
#: long are removed when the cache is saved.
STALE_SIBLING_S = 3600


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_hash(modules: Iterable[str]) -> str:
    """SHA-256 of the source files of infmigrate and of the given top-level packages (the
    rule packages), names and contents."""
    roots: set[Path] = set()
    for name in {"infmigrate", *modules}:
        module = sys.modules.get(name.split(".")[0])
        file = getattr(module, "__file__", None)
        if file:
            roots.add(Path(file).resolve().parent)
    h = hashlib.sha256(__version__.encode())
    for root in sorted(roots):
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root.parent)).encode("utf-8", "surrogateescape"))
            with contextlib.suppress(OSError):
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def settings_key(options: FileOptions) -> str:
    """What of a file's options changes its result."""
    text = json.dumps(
        [
            [r.code for r in options.rules],
            sorted(options.syntax_codes),
            options.settings.unsafe_fixes,
            None
            if options.settings.target_windows is None
            else list(options.settings.target_windows),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:20]


# --- (de)serialization -------------------------------------------------------------------
# A diagnostic is a row of ints into its entry's string table ``S`` (messages are long,
# and those left after fixing are mostly those found before):
# [code, name, message, line, column, end line, end column, fix title or -1,
#  applicability index or -1, [InfVerif codes]].

_APPLICABILITY = tuple(Applicability)


class _Strings:
    def __init__(self) -> None:
        self.table: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        i = self._index.get(text)
        if i is None:
            i = self._index[text] = len(self.table)
            self.table.append(text)
        return i


def _dump_diags(diagnostics: Sequence[Diagnostic], strings: _Strings) -> list[list[Any]]:
    return [
        [
            strings(d.code),
            strings(d.name),
            strings(d.message),
            d.line,
            d.column,
            d.end_line,
            d.end_column,
            strings(d.fix.title) if d.fix else -1,
            _APPLICABILITY.index(d.fix.applicability) if d.fix else -1,
            list(d.infverif),
        ]
        for d in diagnostics
    ]


def _load_diags(rows: Any, table: list[str]) -> list[Diagnostic]:
    """The diagnostics of an entry (ValueError, TypeError or IndexError when damaged).
    ``table``: the entry's strings, every one checked by :func:`_checked_table`."""
    out: list[Diagnostic] = []
    fixes: dict[tuple[int, int], Fix] = {}
    for code, name, message, line, column, end_line, end_column, title, app, infverif in rows:
        if not (
            type(code) is type(name) is type(message) is int
            and code >= 0
            and name >= 0
            and message >= 0
            and type(line) is type(column) is type(end_line) is type(end_column) is int
            and type(infverif) is list
            and all(type(n) is int for n in infverif)
        ):
            raise ValueError("bad diagnostic")
        fix = None
        if title != -1:
            fix = fixes.get((title, app))
            if fix is None:
                fix = fixes[(title, app)] = Fix(_at(table, title), (), _APPLICABILITY[_index(app)])
        out.append(
            _new_diagnostic(
                table[code],
                table[name],
                table[message],
                line,
                column,
                end_line,
                end_column,
                fix,
                tuple(infverif),
            )
        )
    return out


def _checked_table(table: Any) -> list[str]:
    """An entry's string table, once checked (a list of strings), else ValueError."""
    if type(table) is not list or not all(type(s) is str for s in table):
        raise ValueError("bad strings")
    return table


def _index(i: Any) -> int:
    if type(i) is not int or i < 0:
        raise ValueError("bad index")
    return i


def _at(table: list[str], i: Any) -> str:
    return _str(table[_index(i)])


def _str(value: Any) -> str:
    if type(value) is not str:
        raise ValueError("bad string")
    return value


def _load_indices(raw: object, size: int) -> list[int]:
    """Indices into the diagnostics, checked (a damaged entry is a miss)."""
    if type(raw) is not list or not all(type(i) is int and 0 <= i < size for i in raw):
        raise ValueError("bad indices")
    return list(raw)


def _load_lines(obj: Any) -> dict[int, str]:
    if not isinstance(obj, dict):
        raise ValueError("bad lines")
    return {int(k): _str(v) for k, v in obj.items()}


# --- the cache ---------------------------------------------------------------------------


class CacheUnavailable(Exception):
    """The cache's directory cannot be trusted (a symbolic link, not a directory)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} {reason}")
        self.path = path
        self.reason = reason


class Cache:
    """The results cache of one build of infmigrate in one project.

    ``key``: the secret that authenticates the shards
    (:func:`infmigrate.workspace.cachekey.load_key`).
    """

    def __init__(self, root: Path, source: str, key: bytes) -> None:
        #: ``.infmigrate_cache``.
        self.root = root
        self.source = source[:20]
        self.dir = root / __version__ / self.source
        self._secret = key
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
        self._today = int(time.time() // 86400)
        self._check_dirs()
        self.load()

    def _check_dirs(self) -> None:
        """CacheUnavailable unless the cache's own directories, where they exist, are real
        directories (not symbolic links, which would send reads, writes and the clean-up of
        stale builds elsewhere)."""
        for path in (self.root, self.dir.parent, self.dir):
            try:
                mode = path.lstat().st_mode
            except (FileNotFoundError, NotADirectoryError):
                return  # nothing there yet (saving makes it, or says why it cannot)
            except OSError as exc:
                raise CacheUnavailable(path, f"cannot be used: {exc.strerror or exc}") from None
            if stat.S_ISLNK(mode):
                raise CacheUnavailable(path, "is a symbolic link")
            if not stat.S_ISDIR(mode):
                raise CacheUnavailable(path, "is not a directory")

    @staticmethod
    def _shard(key: str) -> str:
        return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[0]

    def _shard_file(self, shard: str) -> Path:
        return self.dir / f"results-{shard}.json"

    def _mac(self, shard: str, payload: bytes) -> bytes:
        """The hex HMAC of a shard's payload, bound to where and for what it was made."""
        mac = hmac.new(self._secret, digestmod=hashlib.sha256)
        mac.update(f"{FORMAT}\0{__version__}\0{self.source}\0{shard}\0".encode())
        mac.update(payload)
        return mac.hexdigest().encode("ascii")

    def _read_shard(self, shard: str) -> bytes | None:
        """The authenticated payload of a shard, or None (missing, not a regular file, too
        large, or its HMAC does not check out)."""
        try:
            fd = os.open(self._shard_file(shard), _OPEN_FLAGS)
        except OSError:
            return None
        with open(fd, "rb") as f:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SHARD_BYTES:
                return None
            data = f.read(MAX_SHARD_BYTES + 1)
        if len(data) > MAX_SHARD_BYTES:
            return None
        header, newline, payload = data.partition(b"\n")
        if not newline or not header.startswith(_MAGIC):
            return None
        if not hmac.compare_digest(header[len(_MAGIC) :], self._mac(shard, payload)):
            return None
        return payload

    def load(self) -> None:
        """Read every shard; a missing, corrupt or unauthenticated one is simply empty."""
        self._entries = {}
        for shard in "0123456789abcdef":
            try:
                payload = self._read_shard(shard)
                if payload is None:
                    continue
                data = json.loads(payload)
                if data.get("format") != FORMAT or not isinstance(data.get("entries"), dict):
                    continue
                self._entries.update(data["entries"])
            except (OSError, ValueError, AttributeError, TypeError, RecursionError):
                continue

    @staticmethod
    def _key(path: Path, settings: str) -> str:
        return f"{settings}:{os.path.normpath(path.absolute())}"

    def lookup(
        self,
        path: Path,
        shown: str,
        content: str,
        settings: str,
        *,
        want_fix: bool,
        want_output: bool,
    ) -> FileResult | None:
        """The cached (light) result, or None. ``want_output``: the run writes or prints
        what fixing produces (``--write``, ``--diff``), which is never cached, so a file
        that fixing changes is a miss."""
        key = self._key(path, settings)
        entry = self._entries.get(key)
        if not isinstance(entry, dict) or entry.get("h") != content or entry.get("s") != shown:
            return None
        try:
            table = _checked_table(entry["S"])
            result = FileResult(
                shown,
                encoding=_str(entry["e"]),
                cached=True,
                diagnostics=_load_diags(entry["d"], table),
                line_texts=_load_lines(entry["l"]),
                target=_str(entry["w"]),
            )
            if want_fix:
                if entry["f"] is not True or type(entry["c"]) is not bool:
                    return None
                result.changed = entry["c"]
                if result.changed and want_output:
                    return None
                result.fix_done = True
                result.applied = _load_diags(entry["a"], table)
                result.resolved = _load_indices(entry["g"], len(result.diagnostics))
                result.remaining = (
                    list(result.diagnostics)
                    if entry["r"] is None
                    else _load_diags(entry["r"], table)
                )
                result.fixed_line_texts = (
                    dict(result.line_texts) if entry["m"] is None else _load_lines(entry["m"])
                )
        except (KeyError, ValueError, TypeError, AttributeError, IndexError):
            return None
        if entry.get("t") != self._today:
            entry["t"] = self._today
            self._dirty.add(self._shard(key))
        return result

    @staticmethod
    def _skip_key(path: Path) -> str:
        return f"skip:{os.path.normpath(path.absolute())}"

    def skipped(self, path: Path, content: str) -> str | None:
        """The reason an earlier run skipped these bytes at this path (only ``win9x``, a
        decision that depends on the bytes alone and costs a parse), or None."""
        key = self._skip_key(path)
        entry = self._entries.get(key)
        if not isinstance(entry, dict) or entry.get("h") != content:
            return None
        kind = entry.get("k")
        if kind not in SKIP_KINDS:
            return None
        if entry.get("t") != self._today:
            entry["t"] = self._today
            self._dirty.add(self._shard(key))
        return str(kind)

    def store_skip(self, path: Path, content: str, kind: str) -> None:
        """Remember that these bytes are skipped (``kind``: one of :data:`SKIP_KINDS`)."""
        key = self._skip_key(path)
        old = self._entries.get(key)
        if isinstance(old, dict) and old.get("h") == content and old.get("k") == kind:
            return
        self._entries[key] = {"h": content, "k": kind, "t": self._today}
        self._dirty.add(self._shard(key))

    def store(self, path: Path, content: str, settings: str, result: FileResult) -> None:
        """Remember a result (not an error or a skipped file) for the file's bytes."""
        if result.error or result.skipped:
            return
        key = self._key(path, settings)
        old = self._entries.get(key)
        if (
            not result.fix_done
            and isinstance(old, dict)
            and old.get("h") == content
            and old.get("f") is True
        ):
            return  # a report-only result adds nothing to one with the fixes
        strings = _Strings()
        entry: dict[str, Any] = {
            "h": content,
            "s": result.path,
            "e": result.encoding,
            "t": self._today,
            "d": _dump_diags(result.diagnostics, strings),
            "l": {str(k): v for k, v in result.line_texts.items()},
            "f": result.fix_done,
            "w": result.target,
        }
        if result.fix_done:
            same = result.remaining == result.diagnostics
            entry.update(
                a=_dump_diags(result.applied, strings),
                g=list(result.resolved),
                r=None if same else _dump_diags(result.remaining, strings),
                m=(
                    None
                    if result.fixed_line_texts == result.line_texts
                    else {str(k): v for k, v in result.fixed_line_texts.items()}
                ),
                c=result.changed,
            )
        entry["S"] = strings.table
        self._entries[key] = entry
        self._dirty.add(self._shard(key))

    def store_written(self, path: Path, fixed: bytes, settings: str, result: FileResult) -> None:
        """After ``--write``: the new content's result is what was left (nothing to fix)."""
        if result.error or not result.fix_done:
            return
        after = FileResult(
            result.path,
            encoding=result.encoding,
            diagnostics=result.remaining,
            line_texts=result.fixed_line_texts,
            fix_done=True,
            remaining=result.remaining,
            fixed_line_texts=result.fixed_line_texts,
            target=result.fixed_target,
        )
        self.store(path, digest(fixed), settings, after)

    def save(self) -> None:
        """Write the shards that changed (atomically). OSError when it cannot,
        CacheUnavailable when its directories became untrustworthy since it was opened."""
        if not self._dirty:
            return
        self._check_dirs()
        self._prepare_root()
        self.dir.mkdir(parents=True, exist_ok=True)
        self._check_dirs()
        cutoff = self._today - MAX_AGE_DAYS
        self._entries = {
            k: v
            for k, v in self._entries.items()
            if isinstance(v, dict) and isinstance(v.get("t"), int) and v["t"] >= cutoff
        }
        shards: dict[str, dict[str, Any]] = {shard: {} for shard in self._dirty}
        for key, entry in self._entries.items():
            shard = self._shard(key)
            if shard in shards:
                shards[shard][key] = entry
        for shard, entries in shards.items():
            # ASCII with escapes: lone surrogates (undecodable bytes of ANSI files) survive.
            payload = json.dumps(
                {"format": FORMAT, "version": __version__, "entries": entries},
                ensure_ascii=True,
                separators=(",", ":"),
            ).encode("ascii")
            _atomic(self._shard_file(shard), _MAGIC + self._mac(shard, payload) + b"\n" + payload)
        self._dirty.clear()
        self._collect()

    def _prepare_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for name, text in (
            (".gitignore", "# Created by infmigrate automatically.\n*\n"),
            ("CACHEDIR.TAG", _TAG),
        ):
            path = self.root / name
            if not path.exists():
                _atomic(path, text.encode())

    def _collect(self) -> None:
        """Remove stale caches of other builds of this version: real directories named
        like a source hash (never a symbolic link, nor anything else put there)."""
        now = time.time()
        with contextlib.suppress(OSError):
            for sibling in self.dir.parent.iterdir():
                if sibling.name == self.source or not _is_build_name(sibling.name):
                    continue
                try:
                    st = sibling.lstat()
                except OSError:
                    continue
                if stat.S_ISDIR(st.st_mode) and now - st.st_mtime >= STALE_SIBLING_S:
                    _remove_tree(sibling)


def _is_build_name(name: str) -> bool:
    return len(name) == 20 and all(c in "0123456789abcdef" for c in name)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()


def _atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _MODE)  # as a plain open() would (mkstemp makes it private)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
