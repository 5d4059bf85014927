"""Reading and (re)writing the results cache's shards in tests, as a planted cache would:
with the real key (to reach the checks behind the HMAC) or with any other."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from infmigrate import __version__
from infmigrate.workspace.cache import CACHE_DIR_NAME, FORMAT
from infmigrate.workspace.cachekey import load_key

MAGIC = b"infmigrate-cache-hmac-sha256 "


def shards(tree: Path) -> list[Path]:
    return sorted((tree / CACHE_DIR_NAME).rglob("results-*.json"))


def payload_of(shard: Path) -> bytes:
    header, _, payload = shard.read_bytes().partition(b"\n")
    assert header.startswith(MAGIC)
    return payload


def read_shard(shard: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(payload_of(shard))
    return data


def entries(tree: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for shard in shards(tree):
        out.update(read_shard(shard)["entries"])
    return out


def sign(shard: Path, payload: bytes, key: bytes | None = None) -> bytes:
    """The shard file's bytes for this payload, signed as infmigrate signs (with the
    user's key unless another is given)."""
    source, name = shard.parent.name, shard.name[len("results-") : -len(".json")]
    mac = hmac.new(load_key() if key is None else key, digestmod=hashlib.sha256)
    mac.update(f"{FORMAT}\0{__version__}\0{source}\0{name}\0".encode())
    mac.update(payload)
    return MAGIC + mac.hexdigest().encode() + b"\n" + payload


def write_shard(shard: Path, data: dict[str, Any] | bytes, key: bytes | None = None) -> None:
    payload = data if isinstance(data, bytes) else json.dumps(data).encode()
    shard.write_bytes(sign(shard, payload, key))
