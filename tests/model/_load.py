"""Helpers: build models from the hand-written fixtures of ``fixtures/model/`` or from text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import infmigrate
from infmigrate.model import InfModel, build_model

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "model"


@cache
def fixture(name: str) -> InfModel:
    """The model of ``fixtures/model/<name>.inf`` (cached: models are immutable)."""
    return build_model(infmigrate.parse((FIXTURES / f"{name}.inf").read_bytes()))


def model(text: str) -> InfModel:
    """The model of an INF given as text (LF line ends, encoded as ANSI)."""
    return build_model(infmigrate.parse(text.encode("cp1252")))
