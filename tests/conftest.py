"""Session-wide test settings."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_cache_key_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The results cache's key (infmigrate.workspace.cachekey) goes to a folder of this session, not
    the user's cache directory (``XDG_CACHE_HOME`` on Linux, ``LOCALAPPDATA`` on Windows;
    commands started as processes inherit it)."""
    folder = str(tmp_path_factory.mktemp("user-cache"))
    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "LOCALAPPDATA")}
    os.environ.update(XDG_CACHE_HOME=folder, LOCALAPPDATA=folder)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
