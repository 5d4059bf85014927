"""Atomic in-place writes."""

from __future__ import annotations

import os
from pathlib import Path

from infmigrate.cli.writing import write_atomic


def test_write_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    f = tmp_path / "a.inf"
    f.write_bytes(b"old")
    os.chmod(f, 0o604)
    write_atomic(f, b"new\r\n")
    assert f.read_bytes() == b"new\r\n"
    assert f.stat().st_mode & 0o777 == 0o604
    assert [p.name for p in tmp_path.iterdir()] == ["a.inf"]


def test_write_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.inf"
    real.write_bytes(b"old")
    link = tmp_path / "link.inf"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
