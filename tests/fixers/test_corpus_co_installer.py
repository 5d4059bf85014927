"""Issue 14's fixes on the corpus: framework co-installers removed (ISO029) and the UMDF
reflector referenced through WudfRd.inf (ISO057), run with the file-placement rules in
one fix loop, with and without unsafe fixes (and, for the reflector, with a Windows 11
target, the only one under which it is fixed).

For every real INF that registers a co-installer or adds the reflector:

* the output re-parses to the same tree, in the same encoding, and a second run changes
  nothing;
* the corpus checks of the migration hold (``tests.corpus_checks``: destinations, stale
  paths, layout, fixed-place files);
* every section the run deleted is one the fixes may delete (a ``.CoInstallers`` section,
  an AddReg section of nothing but ``CoInstallers32`` lines, a list of co-installer DLLs,
  the package's reflector service-install section), every ``[SourceDisksFiles]`` entry it
  deleted is a co-installer DLL's, and every file it stopped copying is a co-installer;
* every section a directive named before (AddReg, CopyFiles, AddService's
  service-install section...) that still exists is still named the same way, and every
  name a directive still uses resolves as before: nothing is left dangling;
* every ``KmdfService``/``UmdfService`` line is kept.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

import infmigrate
from infmigrate.engine.builds import parse_windows
from infmigrate.engine.catalog import rule
from infmigrate.engine.fixer import Settings
from infmigrate.engine.model import InfModel, ListKind, build_model, fold
from infmigrate.engine.runner import fix
from infmigrate.engine.syntax.decoding import decode
from infmigrate.rules.registry._frameworks import classify_dll
from tests.corpus import CORPUS, corpus_files, needs_corpus
from tests.corpus_checks import (
    RULES,
    arch_layout,
    examine_output,
    fixed_place_moved,
    is_win9x_only,
    origin_name,
    stale_in,
)

ISSUE_14 = [*RULES, rule("ISO029"), rule("ISO057")]
SETTINGS = {
    "safe": Settings(unsafe_fixes=False),
    "unsafe": Settings(unsafe_fixes=True),
    "unsafe-win11": Settings(unsafe_fixes=True, target_windows=parse_windows("win11-21H2")),
}
_MARK = re.compile(r"coinstallers|addservice\s*=\s*\"?wudfrd", re.IGNORECASE)


def _relevant() -> list[str]:
    out = []
    for name in corpus_files():
        data = (CORPUS / name).read_bytes()
        try:
            text = decode(data).text
        except ValueError:
            continue
        if _MARK.search(text) and not is_win9x_only(data):
            out.append(name)
    return out


FILES = _relevant()


def _sections(model: InfModel) -> dict[str, list[tuple[str | None, tuple[str, ...]]]]:
    return {
        s.folded: [(fold(e.key) if e.key else None, tuple(e.values)) for e in s.entries]
        for s in model.sections
    }


def _copied(model: InfModel) -> Counter[str]:
    expand = model.strings.expand
    return Counter(
        fold(expand(c.source_name).strip())
        for fl in model.file_lists
        if fl.kind is ListKind.COPY
        for c in fl.files
    )


def _deletable(folded: str, entries: list[tuple[str | None, tuple[str, ...]]]) -> bool:
    """Whether a section the run deleted is one of issue 14's fixes may delete."""
    if folded.endswith(".coinstallers"):
        return True
    if not entries:
        return True  # an empty co-installer AddReg section or list
    if all(
        key is None and len(values) > 2 and fold(values[2]) == "coinstallers32"
        for key, values in entries
    ):
        return True
    if all(
        key is None and classify_dll(values[0] if values else "") is not None
        for key, values in entries
    ):
        return True
    keys = {key for key, _ in entries}
    binaries = [fold(v[0]) for k, v in entries if k == "servicebinary" and v]
    return "servicebinary" in keys and binaries == ["%12%\\wudfrd.sys"]


@needs_corpus
@pytest.mark.parametrize("mode", sorted(SETTINGS))
@pytest.mark.parametrize("name", FILES)
def test_issue_14_fixes(name: str, mode: str) -> None:
    settings = SETTINGS[mode]
    data = (CORPUS / name).read_bytes()
    tree = infmigrate.parse(data)
    result = fix(tree, ISSUE_14, settings, path=name)
    output = result.fixed.to_bytes()
    if output == data:
        return
    again = infmigrate.parse(output)
    assert again == result.fixed
    assert (again.encoding, again.bom) == (tree.encoding, tree.bom)
    assert fix(again, ISSUE_14, settings, path=name).fixed.to_bytes() == output

    found = examine_output(data, output)
    assert not found.unmoved_changed and not found.flags_1103
    assert not found.stale_references and not found.default_changed_with_unmoved
    assert list(stale_in(data, output)) == []
    assert arch_layout(data, output) == []
    assert fixed_place_moved(data, output) == set()

    before, after = build_model(tree), build_model(again)
    old, new = _sections(before), _sections(after)
    # A Models section decorated for a build floor (issue 13) is renamed, not deleted.
    renamed = {origin_name(name, set(old)) for name in new.keys() - old.keys()}
    for folded in old.keys() - new.keys() - renamed:
        assert _deletable(folded, old[folded]), f"[{folded}] deleted"
    for folded in ("sourcedisksfiles",):
        for key, _ in set(old.get(folded, [])) - set(new.get(folded, [])):
            assert key is not None and classify_dll(key) is not None, key
    lost = _copied(before) - _copied(after)
    assert all(classify_dll(n) is not None for n in lost), lost
    # Nothing dangling: a name a directive uses resolves after if it did before.
    for section in after.sections:
        for ref in section.entries:
            key = fold(ref.key or "")
            if key not in ("addreg", "copyfiles", "delreg", "addservice"):
                continue
            index = 2 if key == "addservice" else None
            values = [ref.values[index]] if index is not None and len(ref.values) > 2 else []
            if index is None:
                values = [v for v in ref.values if not v.strip().startswith("@")]
            for value in values:
                target = fold(after.strings.expand(value).strip())
                if target and before.section(target) is not None:
                    assert after.section(target) is not None, f"{ref.key} = {value} dangles"
    kept = {(fold(w.kind), fold(w.name), fold(w.section_name)) for w in before.wdf_services}
    assert kept <= {(fold(w.kind), fold(w.name), fold(w.section_name)) for w in after.wdf_services}
