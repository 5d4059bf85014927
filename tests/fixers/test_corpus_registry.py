"""The registry fixers (ISO020, ISO024, ISO033) on every file of the shared corpus.

After applying their safe fixes:

* the output re-parses to the same tree, a second run changes nothing, the encoding and
  BOM are kept;
* no HKLM ``Services\\<svc>\\Parameters`` write remains for a service the INF installs
  unless an ISO020 diagnostic on it says why it was not fixed;
* every value that was removed reappears with identical flags and data under
  ``HKR,Parameters[\\...]`` in an AddReg section reached from that service's
  service-install section(s);
* no unrelated entry changed (cooked entries compared, leaving out the moved lines, the
  sections the fix created or emptied, and the AddReg/AddService directive lines).
"""

from __future__ import annotations

from collections import Counter

import pytest

import infmigrate
from infmigrate.engine.catalog import rule
from infmigrate.engine.fixer import FixContext, Settings
from infmigrate.engine.model import Context, InfModel, build_model, fold
from infmigrate.engine.runner import check, fix
from infmigrate.engine.syntax import InfFile
from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites, RegWrite
from tests.corpus import CORPUS, corpus_files, needs_corpus

RULES = [rule(code) for code in ("ISO020", "ISO024", "ISO033")]
MOVED_KINDS = (Kind.SERVICE_PARAMETERS, Kind.EVENTLOG, Kind.MEDIA_CATEGORIES)


FILES = corpus_files()


def _writes(tree: InfFile) -> tuple[RegWrite, ...]:
    return FixContext(tree).analysis(RegistryWrites)


def _entries(model: InfModel, skip_lines: set[int], skip_sections: set[str]) -> Counter[object]:
    out: Counter[object] = Counter()
    for section in model.sections:
        if section.folded in skip_sections:
            continue
        for ref in section.entries:
            key = fold(ref.key) if ref.key is not None else None
            if id(ref.entry) in skip_lines or key in ("addreg", "addservice"):
                continue
            out[(section.folded, key, ref.values)] += 1
    return out


@needs_corpus
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("name", FILES)
def test_registry_migration(name: str, unsafe: bool) -> None:
    data = (CORPUS / name).read_bytes()
    tree = infmigrate.parse(data)
    before_writes = [w for w in _writes(tree) if w.root == "HKLM" and w.kind in MOVED_KINDS]
    if not before_writes:
        return
    settings = Settings(unsafe_fixes=unsafe)
    result = fix(tree, RULES, settings, path=name)
    output = result.fixed.to_bytes()
    again = infmigrate.parse(output)
    assert again == result.fixed
    assert fix(again, RULES, settings, path=name).fixed.to_bytes() == output
    assert (again.encoding, again.bom) == (tree.encoding, tree.bom)

    after_model = build_model(again)
    after_writes = _writes(again)
    remaining = [w for w in after_writes if w.root == "HKLM" and w.kind in MOVED_KINDS]
    explained = {
        d.line for d in check(again, RULES, settings, path=name) if "not fixed:" in d.message
    }
    for w in remaining:
        if w.kind is Kind.SERVICE_PARAMETERS:
            assert w.line.ref.line in explained, f"line {w.line.ref.line} left unexplained"

    # Every removed Parameters value reappears under HKR,Parameters for its service.
    left = {(fold(w.subkey), fold(w.value_name)) for w in remaining}
    hkr = [w for w in after_writes if w.kind is Kind.HKR]
    for w in before_writes:
        if w.kind is not Kind.SERVICE_PARAMETERS or (fold(w.subkey), fold(w.value_name)) in left:
            continue
        svc = fold(w.parts["svc"])
        rest = w.parts.get("rest") or ""
        wanted = fold("Parameters" + (f"\\{rest}" if rest else ""))
        matches = [
            h
            for h in hkr
            if fold(h.subkey) == wanted
            and fold(h.value_name) == fold(w.value_name)
            and h.line.flags_text == w.line.flags_text
            and h.line.data == w.line.data
            and any(
                c.kind is Context.SERVICE_KEY and fold(c.service or "") == svc
                for c in h.section.contexts
            )
        ]  # type: ignore[attr-defined]
        assert matches, f"{w.value_name} of {svc} did not reappear under HKR,{wanted}"

    # Nothing else changed: the same entries, once the lines the rules move (in both
    # their HKLM and their HKR forms) and the sections they create or empty are left out.
    before_model = build_model(tree)
    before_names = {s.folded for s in before_model.sections}
    after_names = {s.folded for s in after_model.sections}

    def moved(writes: list[RegWrite]) -> set[int]:
        return {
            id(w.line.ref.entry)
            for w in writes
            if (w.root == "HKLM" and w.kind in MOVED_KINDS)
            or (w.kind is Kind.HKR and fold(w.subkey).startswith("mediacategories\\"))
        }

    assert _entries(after_model, moved(after_writes), after_names - before_names) == _entries(
        before_model, moved(_writes(tree)), before_names - after_names
    )
