"""Cloning sections and install trees: the edit primitive behind per-architecture splits.

A fix that must make one architecture install something else than another, where both
share one install section today, gives that architecture a copy of the install tree under
its own platform decoration: ``X_Device.NT`` (reached from ``[Std.NTarm]`` and
``[Std.NTarm64]``) gets ``X_Device.NTarm64`` with ``X_Device.NTarm64.HW``,
``.Services``, ... SetupAPI picks the decorated section first on that architecture and
looks every suffix section up from the name it picked ("Combining Platform Extensions with
Other Section Name Extensions": "When using platform extensions on a INF DDInstall
Section, all related DDInstall sections, such as DDInstall.Services, DDInstall.HW, and
DDInstall.Interfaces sections, must use the same platform extension";
https://learn.microsoft.com/windows-hardware/drivers/install/combining-platform-extensions-with-other-section-name-extensions;
``SetupDiGetActualSectionToInstall`` tries ``.NT<arch>``, then ``.NT``, then the bare
name). So every suffix section that exists for the shared name is copied, or the
architecture would lose it.

Everything here only *builds* edits: the caller decides what differs (``rewrite``: the new
entry for an original entry, by identity, used in the copy only) and which sections get a
copy; the original sections are never changed by these helpers. Copies:

* get unique names that are valid generated section names (``[A-Za-z0-9_.-]``; a number
  is added when the name is taken);
* copy the original's lines (entries and the comments between them; trailing blank and
  comment lines, which usually introduce the next section, are not copied) and its header's
  line terminator, and go right after the original's last block, with a blank line between;
* take the decoration's spelling from the Models decoration as written (``NTARM64``
  from ``[Std.NTARM64.10.0...16299]``).

A Models entry that names the install section with its ``.NT`` already
(``%Dev% = X_Device.NT, ...``) would make SetupAPI look for ``X_Device.NT.NTarm64``:
when each Models section naming it serves one architecture, the entries of the cloned
architecture are rewired to the undecorated base (``X_Device``), which resolves to the
copy ``X_Device.NTarm64``; otherwise the copy is named ``X_Device.NT.NTarm64``, the name
SetupAPI looks up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from infmigrate.engine.edits import quote, quote_field, valid_section_name
from infmigrate.engine.fixer import Edit
from infmigrate.engine.model import InfModel
from infmigrate.engine.model.reach import InstallSection
from infmigrate.engine.model.sections import EntryRef, LogicalSection, fold
from infmigrate.engine.syntax import Entry, Section, SectionHeader, TriviaLine
from infmigrate.engine.syntax.nodes import Line

__all__ = [
    "Cloner",
    "InstallClone",
    "NameAllocator",
    "decoration_for",
    "name_suffix",
    "replace_entries",
    "rewrite_fields",
    "with_field",
]

_NT_TAIL = re.compile(r"\.nt$", re.IGNORECASE)


class NameAllocator:
    """Unique section names: every name of the model plus the ones handed out."""

    def __init__(self, model: InfModel) -> None:
        self._taken = {s.folded for s in model.sections}
        #: The next suffix to try for a name wanted before (folded): thousands of claims
        #: of one name tried every suffix from 2 each (issue 18).
        self._next: dict[str, int] = {}

    def taken(self, name: str) -> bool:
        return fold(name) in self._taken

    def claim(self, wanted: str) -> str:
        """``wanted``, or ``wanted_2``, ``wanted_3``... when taken; recorded as taken."""
        name = wanted
        key = fold(wanted)
        n = self._next.get(key, 2)
        while fold(name) in self._taken:
            name = f"{wanted}_{n}"
            n += 1
        self._next[key] = n
        if not valid_section_name(name):
            raise ValueError(f"not a valid generated section name: {name!r}")
        self._taken.add(fold(name))
        return name


def name_suffix(text: str) -> str:
    """``text`` as a section-name part: runs of other characters than ``[A-Za-z0-9_.-]``
    become ``_`` (``drivers\\arm64`` -> ``drivers_arm64``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.") or "x"


def with_field(entry: Entry, index: int, cooked: str) -> Entry:
    """``entry`` with field ``index`` set to the cooked text: quoted like the original when
    it was one quoted value, else as its place on the line needs; spacing kept."""
    return with_fields(entry, {index: cooked})


def with_fields(entry: Entry, cooked: Mapping[int, str]) -> Entry:
    """``entry`` with each field ``index`` of ``cooked`` set to its text, as
    :func:`with_field` sets one (how a field is quoted does not depend on the others'
    values)."""
    fields = list(entry.fields)
    for index, text in cooked.items():
        raw = fields[index].value
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            new_raw = '"' + text.replace('"', '""') + '"'
        elif index == 0:
            new_raw = quote_field(entry, index, text)
        else:
            # (what quote_field gives past the first field, without reading the line's
            # key and fields again for each: issue 18, a line of thousands of lists)
            new_raw = quote(text)
        fields[index] = fields[index].with_changes(value=new_raw)
    return entry.with_changes(fields=tuple(fields))


def _copy_line(line: Line) -> Line:
    # A new node (edits address lines by identity: a copy must not be the original).
    return line.with_changes()


def _blank(newline: str) -> TriviaLine:
    return TriviaLine("", "", newline)


def decoration_for(install: InstallSection, arch: str) -> str:
    """The platform extension for ``arch`` spelled as the Models decoration that reaches
    ``install`` on it (``NTARM64``), else as the install section's own ``.NT`` (``NTarm64``)."""
    for deco in install.decorations:
        if deco is not None and deco.arch is not None and fold(deco.arch) == fold(arch):
            return deco.raw[: 2 + len(deco.arch)]
    nt = "NT"
    tail = install.name[len(install.base_name) :]
    if tail[1:3] and tail[1:3].upper() == "NT":
        nt = tail[1:3]
    return f"{nt}{arch}"


@dataclass
class InstallClone:
    """The copy of an install tree for one architecture."""

    install: InstallSection
    arch: str
    #: The new name of the install section (``X_Device.NTarm64``).
    name: str
    #: Original section (folded name) -> the name of its copy (root and suffix sections).
    names: dict[str, str] = field(default_factory=dict)


def _models_by_section(install: InstallSection) -> dict[str, set[str]]:
    """The platforms each Models section (folded name) naming ``install`` serves."""
    out: dict[str, set[str]] = {}
    for models in install.models:
        if models.section is not None:
            out.setdefault(models.section.folded, set()).add(fold(models.platform))
    return out


class Cloner:
    """Collects the copies one fix makes, then gives the edits that add them.

    Each copy goes right after the last block of its original (several copies of one
    section in the order they were asked for), separated by blank lines. Comment lines at
    the end of the original (which usually introduce the next section) move after the
    last copy, so that they still come right before the section they describe.
    """

    def __init__(self, model: InfModel, names: NameAllocator | None = None) -> None:
        self.model = model
        self.names = names if names is not None else NameAllocator(model)
        self._copies: dict[int, tuple[LogicalSection, list[Section]]] = {}
        self._edits: list[Edit] = []

    def section(
        self, section: LogicalSection, name: str, *, rewrite: Mapping[int, Entry] | None = None
    ) -> None:
        """Copy ``section`` as ``name`` (a name from :attr:`names`), with the entries that
        ``rewrite`` maps (``id()`` of an original CST entry -> its replacement) replaced in
        the copy only."""
        if not valid_section_name(name):
            raise ValueError(f"not a valid generated section name: {name!r}")
        rewrite = rewrite or {}
        lines: list[Line] = []
        for block in section.blocks:
            for line in block.body:
                lines.append(rewrite.get(id(line)) or _copy_line(line))
        while lines and type(lines[-1]) is TriviaLine:
            lines.pop()
        last = section.blocks[-1]
        header = SectionHeader(name, newline=last.header.newline or self.model.tree.newline)
        slot = self._copies.setdefault(id(last), (section, []))
        slot[1].append(Section(header, tuple(lines)))

    def install(
        self, install: InstallSection, arch: str, *, rewrite: Mapping[int, Entry] | None = None
    ) -> InstallClone:
        """Copy ``install`` (a DDInstall reached on several architectures) and every suffix
        section that exists for it under the platform extension of ``arch``, with
        ``rewrite`` applied to the copies (names and Models rewiring: module docstring).

        Raises ``ValueError`` when it cannot be cloned for ``arch``: not a DDInstall of the
        file, not reached on ``arch``, or the decorated name is taken.
        """
        if install.kind != "ddinstall" or install.section is None:
            raise ValueError(f"[{install.name}] is not a DDInstall section of the file")
        if fold(arch) not in {fold(p) for p in install.platforms}:
            raise ValueError(f"[{install.name}] is not reached on {arch}")
        deco = decoration_for(install, arch)
        base = install.base_name
        stem = _NT_TAIL.sub("", base)
        by_section = _models_by_section(install)
        rewire_models = stem != base and all(len(p) == 1 for p in by_section.values())
        if not rewire_models:
            stem = base
        new_root = f"{stem}.{deco}"
        if fold(new_root) == install.section.folded or self.names.taken(new_root):
            raise ValueError(f"[{new_root}] already exists")
        clone = InstallClone(install, arch, self.names.claim(new_root))
        clone.names[install.section.folded] = clone.name
        self.section(install.section, clone.name, rewrite=rewrite)
        for section in install.suffixes.values():
            tail = section.name[len(install.name) :]  # ".HW", as written
            suffix_name = self.names.claim(clone.name + tail)
            clone.names[section.folded] = suffix_name
            self.section(section, suffix_name, rewrite=rewrite)
        if rewire_models:
            for ref in install.models_entries:
                if by_section.get(ref.section.folded) == {fold(arch)}:
                    self._edits.append(Edit.replace(ref.entry, with_field(ref.entry, 0, stem)))
        return clone

    def edits(self) -> list[Edit]:
        """The edits that add every copy asked for (and rewire the Models entries)."""
        edits = list(self._edits)
        for section, copies in self._copies.values():
            last = section.blocks[-1]
            nl = last.header.newline or self.model.tree.newline
            body = last.body
            end = len(body)
            while end and type(body[end - 1]) is TriviaLine:
                end -= 1
            first_comment = next(
                (i for i in range(end, len(body)) if getattr(body[i], "comment", "")), None
            )
            moved: list[Line] = []
            kept = len(body)
            if first_comment is not None:
                moved = [_copy_line(line) for line in body[first_comment:]]
                edits += [Edit.delete(line) for line in body[first_comment:]]
                kept = first_comment
            if kept == end:  # the original's content would run straight into the copies
                anchor = body[end - 1] if end else last.header
                edits.append(Edit.insert_after(anchor, _blank(nl)))
            out = []
            for i, copy in enumerate(copies):
                tail = [_blank(nl), *(moved if i == len(copies) - 1 else ())]
                out.append(copy.with_changes(body=(*copy.body, *tail)))
            edits.append(Edit.insert_section(last, *out))
        return edits


def rewrite_fields(
    spans: Iterable[tuple[EntryRef, int, int, int, str]],
) -> dict[int, Entry]:
    """New entries for cooked-text replacements ``(entry, field, start, end, new)``: one
    entry per line, whatever the number of replacements in it (by ``id()`` of the
    original CST entry)."""
    by_entry: dict[int, tuple[EntryRef, dict[int, list[tuple[int, int, str]]]]] = {}
    for ref, index, start, end, new in spans:
        slot = by_entry.setdefault(id(ref.entry), (ref, {}))
        slot[1].setdefault(index, []).append((start, end, new))
    out: dict[int, Entry] = {}
    for key, (ref, fields) in by_entry.items():
        texts: dict[int, str] = {}
        for index, parts in fields.items():
            text = ref.values[index]
            for start, end, new in sorted(set(parts), reverse=True):
                text = text[:start] + new + text[end:]
            texts[index] = text
        # the line made once for all its fields (issue 18: a field at a time remade the
        # whole line for each, quadratic on a line of thousands of lists)
        out[key] = with_fields(ref.entry, texts)
    return out


def replace_entries(refs: Sequence[EntryRef], new: Mapping[int, Entry]) -> list[Edit]:
    """Replace edits for the entries of ``refs`` that ``new`` rewrites."""
    return [Edit.replace(r.entry, new[id(r.entry)]) for r in refs if id(r.entry) in new]
