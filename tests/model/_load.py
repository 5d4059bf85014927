"""Helpers: build models from the hand-written fixtures of ``fixtures/model/`` or from text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import infmigrate
from infmigrate.engine.model import InfModel, ListKind, LogicalSection, build_model, fold

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "model"


@cache
def fixture(name: str) -> InfModel:
    """The model of ``fixtures/model/<name>.inf`` (cached: models are immutable)."""
    return build_model(infmigrate.parse((FIXTURES / f"{name}.inf").read_bytes()))


def model(text: str) -> InfModel:
    """The model of an INF given as text (LF line ends, encoded as ANSI)."""
    return build_model(infmigrate.parse(text.encode("cp1252")))


def invariants(model: InfModel) -> list[str]:
    """Consistency problems of a model (empty when it holds together)."""
    problems: list[str] = []
    for section in model.sections:
        assert model.section(section.name) is section
        for ref in section.entries:
            if not any(line is ref.entry for line in ref.block.body):
                problems.append(f"line {ref.line}: EntryRef.entry is not in its block")
            if ref.section is not section or model.entry_ref(ref.entry) is not ref:
                problems.append(f"line {ref.line}: EntryRef not linked to its section")
    for fl in model.file_lists:
        if fl.kind is ListKind.COPY and fl.destination is None:
            problems.append(f"CopyFiles list {fl.name!r} has no destination")
    for ref in model.references:
        target = ref.target
        if target is not None and (
            not isinstance(target, LogicalSection)
            or fold(target.name) != fold(ref.name)
            or model.section(ref.name) is not target
        ):
            problems.append(f"line {ref.entry.line}: reference to {ref.name!r} reaches {target!r}")
        if model.entry_ref(ref.entry.entry) is not ref.entry:
            problems.append(f"line {ref.entry.line}: reference entry is not the model's")
    for item in (*model.services, *model.file_references, *model.wdf_services):
        if model.entry_ref(item.entry.entry) is not item.entry:
            problems.append(f"line {item.entry.line}: {type(item).__name__} entry is foreign")
    return problems
