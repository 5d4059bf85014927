"""Figures about the shared corpus that later fixers care about.

Run ``python -m tests.model.corpus_report`` from the repository root (needs
``../shared/corpus``); ``tests/model/test_corpus.py`` prints the same report.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import infmigrate
from infmigrate.engine.model import FileRefKind, InfModel, ListKind, build_model

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
_KNOWN_DIRS = {"system32", "drivers", "umdf", "syswow64"}


def corpus_files() -> list[str]:
    """Relative paths listed in ``MANIFEST.tsv`` (empty when the corpus is absent)."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row[0] for row in rows[1:] if row and row[0]]


def models(paths: Iterable[str]) -> Iterator[tuple[str, InfModel]]:
    """(path, model) for every corpus file."""
    for rel in paths:
        yield rel, build_model(infmigrate.parse((CORPUS / rel).read_bytes()))


def service_binary_form(raw: str, expanded: str, paths: tuple) -> str:  # type: ignore[type-arg]
    """A ServiceBinary value reduced to its shape: ``%12%\\f``, ``%12%\\UMDF\\f``..."""
    if not paths:
        if "%" in expanded and re.search(r"%[^%]+%", expanded):
            return "undefined token"
        return "bare name" if "\\" not in expanded else "other path"
    p = paths[0]
    parts = p.subpath.split("\\")[:-1]
    dirs = "".join((d if d.lower() in _KNOWN_DIRS else "sub") + "\\" for d in parts)
    if p.form == "dirid":
        root = f"%{p.dirid}%"
    else:
        root = {
            "env": "%SystemRoot%/%windir%",
            "abs": "C:\\Windows",
            "nt": "\\SystemRoot",
            "rel": "",
        }[p.form] + {10: "", 11: "\\System32", 12: "\\System32\\drivers"}.get(p.dirid, "")
    return f"{root}\\{dirs}f" + (" (via %strkey%)" if p.from_strings else "")


@dataclass
class Figures:
    """Counters over the corpus."""

    infs: int = 0
    infs_copy_to_11_12: int = 0
    copy_lists_by_class: Counter[str] = field(default_factory=Counter)
    lists_by_kind_origin: Counter[str] = field(default_factory=Counter)
    service_binary_forms: Counter[str] = field(default_factory=Counter)
    registry_value_paths: Counter[str] = field(default_factory=Counter)
    infs_with_shared_reg_sections: int = 0
    nonuniform_service_names: int = 0
    unreachable_sections: int = 0
    missing_references: Counter[str] = field(default_factory=Counter)

    def add(self, model: InfModel) -> None:
        """Count one model."""
        self.infs += 1
        copies = [fl for fl in model.file_lists if fl.kind is ListKind.COPY]
        if any(fl.destination.dirid in (11, 12) for fl in copies):
            self.infs_copy_to_11_12 += 1
        for fl in model.file_lists:
            cls = fl.destination.dirid_class
            if fl.kind is ListKind.COPY:
                self.copy_lists_by_class[cls.value if cls else "not a number"] += 1
            self.lists_by_kind_origin[f"{fl.kind.value} {fl.destination.origin}"] += 1
        for ref in model.file_references:
            if ref.kind is FileRefKind.SERVICE_BINARY:
                form = service_binary_form(ref.raw, ref.expanded, ref.paths)
                self.service_binary_forms[form] += 1
            elif ref.kind is FileRefKind.REGISTRY_VALUE:
                for p in ref.paths:
                    self.registry_value_paths[f"DIRID {p.normalized[0]} ({p.form})"] += 1
        if any(reg.shared for reg in model.reg_sections):
            self.infs_with_shared_reg_sections += 1
        self.nonuniform_service_names += sum(not s.uniform for s in model.services)
        self.unreachable_sections += len(model.unreachable)
        for ref in model.references:
            if ref.missing:
                self.missing_references[
                    f"{ref.directive.lower()}{' (external)' if ref.external else ''}"
                ] += 1

    def report(self) -> str:
        """The figures as text."""

        def block(title: str, counter: Counter[str]) -> list[str]:
            return [title, *(f"  {n:6d}  {k}" for k, n in counter.most_common())]

        lines = [
            f"INFs: {self.infs}",
            f"INFs with a CopyFiles destination of DIRID 11 or 12: {self.infs_copy_to_11_12}",
            f"INFs with a registry section reached in two contexts: "
            f"{self.infs_with_shared_reg_sections}",
            f"AddService names that differ between locales: {self.nonuniform_service_names}",
            f"unreachable sections: {self.unreachable_sections}",
            *block("CopyFiles lists by destination class:", self.copy_lists_by_class),
            *block("file lists by directive and destination origin:", self.lists_by_kind_origin),
            *block("ServiceBinary forms:", self.service_binary_forms),
            *block("paths in AddReg string values:", self.registry_value_paths),
            *block("references to missing sections:", self.missing_references),
        ]
        return "\n".join(lines)


def main() -> None:
    """Print the report."""
    figures = Figures()
    for _, model in models(corpus_files()):
        figures.add(model)
    print(figures.report())


if __name__ == "__main__":
    main()
