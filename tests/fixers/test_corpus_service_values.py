"""ISO022's unsafe fix (issue 14) on every file of the shared corpus: service values outside
``Parameters`` move under ``HKR,Parameters``.

After applying its unsafe fixes:

* the output re-parses to the same tree, a second run changes nothing, the encoding and
  BOM are kept;
* every line that moved reappears, value name, flags and data unchanged, as an HKR line
  under ``Parameters\\<its old subkey>`` of an AddReg that only service-install sections of
  the same service reach;
* no value or subkey that Windows reads in the service's key moved (the service control
  manager's values, ``TriggerInfo``, ``Security``, ``Enum``, ``Performance``, and a
  minifilter's ``Instances`` and ``SupportedFeatures`` below build 25952);
* nothing else changed: the same cooked entries once the moved lines (in both forms), the
  AddReg directive lines and the sections the fix created or emptied are left out.
"""

from __future__ import annotations

from collections import Counter

import pytest

import infmigrate
from infmigrate.engine.catalog import rule
from infmigrate.engine.fixer import FixContext, Settings
from infmigrate.engine.model import Context, InfModel, build_model, fold
from infmigrate.engine.runner import fix
from infmigrate.engine.syntax import InfFile
from infmigrate.rules.registry._registry_writes import (
    SCM_VALUES,
    Kind,
    RegistryWrites,
    RegWrite,
)
from tests.corpus import CORPUS, corpus_files, needs_corpus

RULES = [rule("ISO022")]
SETTINGS = Settings(unsafe_fixes=True)
FILES = corpus_files()
_OS_KEYS = ("triggerinfo", "security", "enum", "performance", "instances")


def _writes(tree: InfFile) -> tuple[RegWrite, ...]:
    return FixContext(tree).analysis(RegistryWrites)


def _outside(write: RegWrite) -> tuple[str, str, str, str] | None:
    """(service, subkey below the service key, value name, flags + data) of a line ISO022
    reports, else None."""
    if write.kind is Kind.SERVICE_OTHER:
        svc, sub = write.parts.get("svc", ""), write.parts.get("rest") or ""
    elif write.kind is Kind.HKR and not fold(write.subkey).startswith("parameters"):
        services = {fold(c.service or "") for c in write.contexts if c.kind is Context.SERVICE_KEY}
        if not services or any(c.kind is not Context.SERVICE_KEY for c in write.contexts):
            return None
        svc, sub = ",".join(sorted(services)), write.subkey
    else:
        return None
    data = write.line.flags_text.strip() + "|" + ",".join(write.line.data)
    return fold(svc or ""), fold(sub), fold(write.value_name), data


def _entries(model: InfModel, skip_lines: set[int], skip_sections: set[str]) -> Counter[object]:
    out: Counter[object] = Counter()
    for section in model.sections:
        if section.folded in skip_sections:
            continue
        for ref in section.entries:
            key = fold(ref.key) if ref.key is not None else None
            if id(ref.entry) in skip_lines or key == "addreg":
                continue
            out[(section.folded, key, ref.values)] += 1
    return out


@needs_corpus
@pytest.mark.parametrize("name", FILES)
def test_service_values_move_under_parameters(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    lowered = data.lower()
    if b"service" not in lowered and "service".encode("utf-16-le") not in lowered:
        return  # no service
    tree = infmigrate.parse(data)
    before = [(w, _outside(w)) for w in _writes(tree)]
    if not any(o for _, o in before):
        return
    result = fix(tree, RULES, SETTINGS, path=name)
    output = result.fixed.to_bytes()
    if output == data:
        return
    again = infmigrate.parse(output)
    assert again == result.fixed
    assert fix(again, RULES, SETTINGS, path=name).fixed.to_bytes() == output
    assert (again.encoding, again.bom) == (tree.encoding, tree.bom)

    after = _writes(again)
    left = Counter(o for o in (_outside(w) for w in after) if o)
    under: Counter[tuple[str, str, str, str]] = Counter()
    for w in after:
        if w.kind is not Kind.HKR or not fold(w.subkey).startswith("parameters"):
            continue
        services = {fold(c.service or "") for c in w.contexts if c.kind is Context.SERVICE_KEY}
        if not services or any(c.kind is not Context.SERVICE_KEY for c in w.contexts):
            continue
        sub = fold(w.subkey)[len("parameters") :].lstrip("\\")
        data_text = w.line.flags_text.strip() + "|" + ",".join(w.line.data)
        under[(",".join(sorted(services)), sub, fold(w.value_name), data_text)] += 1
    moved = Counter(o for _, o in before if o) - left
    for svc, sub, value, data_text in moved:
        first = sub.split("\\")[0]
        assert first not in _OS_KEYS[:4], f"{sub} of {svc} moved"
        assert sub or value not in SCM_VALUES, f"{value} of {svc} moved"
        assert under[(svc, sub, value, data_text)], (
            f"{value or '(key)'} of {svc} at {sub or '(root)'} did not reappear under Parameters"
        )

    before_model, after_model = build_model(tree), build_model(again)
    before_names = {s.folded for s in before_model.sections}
    after_names = {s.folded for s in after_model.sections}
    moved_before = {id(w.line.ref.entry) for w, o in before if o and o in moved}
    moved_after = {
        id(w.line.ref.entry)
        for w in after
        if w.kind is Kind.HKR and fold(w.subkey).startswith("parameters")
    }
    moved_after |= {
        id(w.line.ref.entry)
        for w in _writes(tree)
        if w.kind is Kind.HKR and fold(w.subkey).startswith("parameters")
    }
    assert _entries(after_model, moved_after, after_names - before_names) == _entries(
        before_model, moved_before | moved_after, before_names - after_names
    )
