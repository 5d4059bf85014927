"""Code and INF findings joined (issue 17): the driver code that reads a registry value
the INF migration moves, and the INF line that writes it.

After a report (or ``--write``) run, for each INF with ISO020
(``Services\\<svc>\\Parameters`` in HKLM) or ISO022 (the service key outside Parameters,
HKLM or HKR) findings, and each C/C++ source of the same
package (in the INF's directory or below the INF's parent directory) with a finding of
ISO100-ISO103 (the service key by its absolute path): when the function of the code
finding names a value the INF line writes (same name, ignoring case) and, where the code
names its service (an ISO100 path), the same service, each finding gets the other as a
related location (SARIF ``relatedLocations``) and a sentence saying so: at most
:data:`MAX_NAMED` of them, the others counted (reads are grouped by function and service,
so that N reads of one function naming N values make N links' worth of work, not N x N).
The files are read again (only those candidates): the results themselves may come from
the cache.

What "names a value" means (:meth:`infmigrate.sources.reader._Builder.value_names`): a
string literal of the function, or a name in it that stands for one string (a
``#define``; a variable of the file such as ``DECLARE_CONST_UNICODE_STRING(n, L"x")``
or ``UNICODE_STRING n = RTL_CONSTANT_STRING(L"x")``, that no function writes). It is an
over-approximation of the values the function reads (any such string counts, not only
one that reaches a query table's ``Name`` or ``ZwQueryValueKey``), limited to the
function of the finding (a helper that opens the key and a caller that reads the value
are not joined).

After ``--write`` (the INF fixed in the same run), the values are read from the INF as
it was before the fix (the run keeps those bytes) and the code finding points at the line
of the fixed INF that writes the value now (``HKR,Parameters,...``), naming the fix that
moved it; an INF finding the run did not fix is joined on the fixed file, as shown.

The same packages give ISO108 its facts (:mod:`infmigrate.rules.code.library_loaded_by_bare_name`):
the files each INF runs from the driver store, which a source of the package must not
load by a bare name. Its findings are added here, suppressions of the source applied.
"""

from __future__ import annotations

import heapq
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from infmigrate.engine.fixer import Diagnostic, FixContext
from infmigrate.engine.processing import FileResult
from infmigrate.sources import is_source

__all__ = ["CODE_LINKED", "INF_LINKED", "link_results"]

#: INF findings about a service's registry values.
INF_LINKED = frozenset({"ISO020", "ISO022"})
#: Code findings about the service key.
CODE_LINKED = frozenset({"ISO100", "ISO101", "ISO102", "ISO103"})


@dataclass(frozen=True, slots=True)
class _InfValue:
    path: str
    #: The line that writes the value, in the file as it is now (after ``--write``: the
    #: fixed file).
    line: int
    code: str
    service: str
    value: str
    #: The INF finding was fixed by this run (``--write``): it is no longer shown.
    fixed: bool = False


@dataclass(frozen=True, slots=True)
class _CodeRead:
    path: str
    line: int
    code: str
    service: str
    values: frozenset[str]


def _service_writes(data: bytes) -> list[tuple[int, str, str]]:
    r"""(line, service, value name) of each registry write of a service's value: under
    ``HKLM\...\Services\<svc>`` or under HKR in the service's install section."""
    from infmigrate.engine.model import Context
    from infmigrate.engine.syntax import parse
    from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites

    out: list[tuple[int, str, str]] = []
    for write in FixContext(parse(data)).analysis(RegistryWrites):
        if not write.value_name:
            continue
        line = write.line.ref.entry.line
        if write.kind in (Kind.SERVICE_PARAMETERS, Kind.SERVICE_OTHER):
            out.append((line, write.parts.get("svc", ""), write.value_name))
        elif write.kind is Kind.HKR:
            for context in write.section.contexts:
                if context.kind is Context.SERVICE_KEY and context.service:
                    out.append((line, context.service, write.value_name))
    return out


def _plain_values(path: str, diagnostics: list[Diagnostic], data: bytes) -> list[_InfValue]:
    """The values written by the lines of the ISO020/ISO022 findings."""
    lines = {d.line: d.code for d in diagnostics if d.code in INF_LINKED}
    if not lines:
        return []
    out: list[_InfValue] = []
    for line, service, value in _service_writes(data):
        code = lines.get(line)
        if code is not None:
            out.append(_InfValue(path, line, code, service, value))
    return out


def _inf_values(result: FileResult, before: bytes, after: bytes | None) -> list[_InfValue]:
    """The values of an INF's ISO020/ISO022 findings. ``after``: the file as this run
    wrote it (None when it did not): the fixed findings then point at the line that
    writes the value in the fixed file, the others are read there."""
    if not result.written or after is None:
        return _plain_values(result.path, result.diagnostics, before)
    fixed = {(result.diagnostics[i].line, result.diagnostics[i].code) for i in result.resolved}
    now: dict[tuple[str, str], int] = {}
    for line, service, value in _service_writes(after):
        now.setdefault((service.lower(), value.lower()), line)
    out = [
        _InfValue(
            v.path,
            now.get((v.service.lower(), v.value.lower()), v.line),
            v.code,
            v.service,
            v.value,
            fixed=True,
        )
        for v in _plain_values(result.path, result.diagnostics, before)
        if (v.line, v.code) in fixed
    ]
    return out + _plain_values(result.path, result.remaining, after)


def _code_reads(result: FileResult, data: bytes) -> list[_CodeRead]:
    from infmigrate.rules.code._advice import registry_target
    from infmigrate.sources.reader import Call, StringValue, read_source

    unit = read_source(data, result.path)
    # the first call and the strings of each line, found once (issue 18: each finding
    # went through every call and string of the file)
    first_call: dict[int, Call] = {}
    for call in unit.calls:
        first_call.setdefault(call.span.line, call)
    strings_at: dict[int, list[StringValue]] = {}
    for literal in unit.strings:
        strings_at.setdefault(literal.span.line, []).append(literal)
    out: list[_CodeRead] = []
    for d in result.diagnostics:
        if d.code not in CODE_LINKED:
            continue
        function, service = "", ""
        found = first_call.get(d.line)
        if found is not None:
            function = found.function
            for arg in found.arguments:
                for s in arg.strings:
                    target = registry_target(s.value) or registry_target(s.value, False)
                    if target is not None and target.service:
                        service = target.service
        for s in strings_at.get(d.line, ()):
            if not service:
                target = registry_target(s.value) or registry_target(s.value, False)
                if target is not None:
                    service = target.service
        values = unit.function_strings.get(function, frozenset()) if function else frozenset()
        if values:
            out.append(_CodeRead(result.path, d.line, d.code, service, values))
    return out


def _below(directory: str, path: str) -> bool:
    """Whether a (normalized, shown) path is inside a directory (``.``: the working one)."""
    if directory == ".":
        return path != ".." and not path.startswith("../")
    return path.startswith(directory + "/")


def _same_package(inf: str, source: str) -> bool:
    """Whether a source belongs with an INF: in the INF's directory or below it, or below
    the directory above it (``pkg/inf/x.inf`` and ``pkg/sys/driver.c``) when that is not
    the working directory."""
    directory = posixpath.dirname(posixpath.normpath(inf)) or "."
    parent = posixpath.dirname(directory) or "."
    src = posixpath.normpath(source)
    if _below(directory, src):
        return True
    # the directory above, unless that is the working directory (a whole repository)
    return parent not in (directory, ".") and not parent.startswith("..") and _below(parent, src)


def _ancestors(path: str) -> list[str]:
    """The directories a (normalized, shown) path is below, as :func:`_below` sees them:
    each of its parent directories, and ``.`` when it is inside the working directory."""
    parts = path.split("/")[:-1]
    out = ["/".join(parts[: k + 1]) for k in range(len(parts))]
    if _below(".", path):
        out.append(".")
    return out


def _package_pairs(
    infs: list[FileResult], sources: list[FileResult]
) -> list[tuple[FileResult, FileResult]]:
    """Each (INF, source) of the same package (:func:`_same_package`), INF by INF and, for
    each, in the order of ``sources``. The sources are indexed by the directories they are
    below, so that an INF finds its own without going through every source of the run
    (issue 18: thousands of packages)."""
    below: dict[str, list[int]] = {}
    for k, src in enumerate(sources):
        for directory in _ancestors(posixpath.normpath(src.path)):
            below.setdefault(directory, []).append(k)
    pairs: list[tuple[FileResult, FileResult]] = []
    for inf in infs:
        directory = posixpath.dirname(posixpath.normpath(inf.path)) or "."
        parent = posixpath.dirname(directory) or "."
        found = set(below.get(directory, ()))
        if parent not in (directory, ".") and not parent.startswith(".."):
            found.update(below.get(parent, ()))
        pairs.extend((inf, sources[k]) for k in sorted(found))
    return pairs


def link_results(
    results: list[FileResult],
    read: Callable[[FileResult], bytes | None],
    before: Callable[[FileResult], bytes | None] | None = None,
) -> int:
    """Join the code and INF findings of a run in place (see the module docstring);
    ``read`` gives a result's file bytes as they are now (None: unreadable), ``before``
    those an INF had before this run wrote it (when it did). Returns the links made
    (ISO108's findings included)."""
    links = _link_values(results, read, before or read)
    return links + _bare_name_loads(results, read)


def _link_values(
    results: list[FileResult],
    read: Callable[[FileResult], bytes | None],
    before: Callable[[FileResult], bytes | None],
) -> int:
    infs = [r for r in results if any(d.code in INF_LINKED for d in r.diagnostics)]
    sources = [
        r
        for r in results
        if is_source(r.path) and any(d.code in CODE_LINKED for d in r.diagnostics)
    ]
    if not infs or not sources:
        return 0
    pairs = _package_pairs(infs, sources)
    if not pairs:
        return 0
    values: dict[str, list[_InfValue]] = {}
    reads: dict[str, list[_CodeRead]] = {}
    for inf, src in pairs:
        if inf.path not in values:
            original = before(inf)
            now = read(inf) if inf.written else None
            values[inf.path] = _inf_values(inf, original, now) if original is not None else []
        if src.path not in reads:
            data = read(src)
            reads[src.path] = _code_reads(src, data) if data is not None else []
    # Each source's reads grouped by what decides a link: the values their function
    # names (one set per function) and the service they name; the groups indexed by the
    # values (lowercase). A value finds the groups naming it, and a link is worked out
    # per group, not per read (issue 18: a function of N reads naming N values made N x N
    # links, each a sentence: 12 GB for 2,000).
    by_value: dict[str, dict[str, list[_Group]]] = {}
    for path, found in reads.items():
        groups: dict[tuple[int, str], _Group] = {}
        for seq, r in enumerate(found):
            group = groups.get((id(r.values), r.service))
            if group is None:
                group = groups[(id(r.values), r.service)] = _Group(r.service)
            group.reads.append((seq, r))
        index: dict[str, list[_Group]] = {}
        for group in groups.values():
            for name in {n.lower() for n in group.reads[0][1].values}:
                index.setdefault(name, []).append(group)
        by_value[path] = index
    # each INF finding's reads: for each source, the groups reading its value
    read_by: dict[tuple[str, int, str], list[tuple[_InfValue, list[_Group]]]] = {}
    linked: list[_Group] = []
    links = 0
    for inf, src in pairs:
        index = by_value[src.path]
        for v in values[inf.path]:
            batch: list[_Group] = []
            for group in index.get(v.value.lower(), ()):
                if group.service and v.service and group.service.lower() != v.service.lower():
                    continue
                links += len(group.reads)
                if not group.values:
                    linked.append(group)
                group.values.append(v)
                batch.append(group)
            if batch and not v.fixed:  # (a fixed INF finding is gone)
                read_by.setdefault((v.path, v.line, v.code), []).append((v, batch))
    if not links:
        return 0
    said: dict[tuple[str, int, str], _Notes] = {}
    for group in linked:
        notes = _reads_values(group.values)
        for _, r in group.reads:
            key = (r.path, r.line, r.code)
            said[key] = notes if key not in said else said[key].merged(notes)
    for key, batches in read_by.items():
        said[key] = _read_by(batches)
    for result in {id(r): r for pair in pairs for r in pair}.values():
        # After --write an INF shows what remains, in the fixed file's lines; a
        # source's remaining findings are its findings.
        if not result.written:
            result.diagnostics = [_linked(d, result.path, said) for d in result.diagnostics]
        if result.written or is_source(result.path):
            result.remaining = [_linked(d, result.path, said) for d in result.remaining]
    return links


#: Places a finding's sentence names (and SARIF ``relatedLocations`` gives), the others
#: counted: a function naming thousands of values, or a value read by thousands of calls,
#: would otherwise make each of thousands of findings as long as all of them together.
MAX_NAMED = 10


@dataclass
class _Group:
    """The reads of one source naming the same values (those of one function) and the
    same service, each with its position among the source's reads."""

    service: str
    reads: list[tuple[int, _CodeRead]] = field(default_factory=list)
    #: The INF values they read, in the order linked.
    values: list[_InfValue] = field(default_factory=list)
    #: The reads with distinct "read by" sentences (two calls of one line have one), in
    #: order, each with its position and sentence: made once.
    _distinct: list[tuple[int, str, _CodeRead]] | None = None

    def distinct(self) -> list[tuple[int, str, _CodeRead]]:
        if self._distinct is None:
            found: dict[str, tuple[int, str, _CodeRead]] = {}
            for seq, r in self.reads:
                note = f"read by {r.path}:{r.line} ({r.code})"
                found.setdefault(note, (seq, note, r))
            self._distinct = list(found.values())
        return self._distinct


@dataclass(frozen=True, slots=True)
class _Notes:
    """What a linked finding gets: its first :data:`MAX_NAMED` sentences and related
    places (distinct, in order), how many distinct sentences it has in all, and what
    they count (``values``, ``reads``) for the rest."""

    notes: tuple[str, ...]
    related: tuple[tuple[str, int, str], ...]
    total: int
    unit: str

    def merged(self, other: _Notes) -> _Notes:
        """Both (two reads on one line, naming different services): the first of each,
        counted together (as distinct only among those named)."""
        notes = tuple(dict.fromkeys(self.notes + other.notes))
        related = tuple(dict.fromkeys(self.related + other.related))
        both = len(self.notes) + len(other.notes) - len(notes)
        return _Notes(
            notes[:MAX_NAMED], related[:MAX_NAMED], self.total + other.total - both, self.unit
        )

    def sentence(self) -> str:
        more = self.total - len(self.notes)
        return "; ".join([*self.notes, *([f"and {more:,} more {self.unit}"] if more > 0 else [])])


def _moved(v: _InfValue) -> str:
    if v.fixed:
        return (
            "ISO020 moved it to HKR,Parameters in this run"
            if v.code == "ISO020"
            else f"{v.code}, fixed in this run"
        )
    return (
        "ISO020 moves it to HKR,Parameters"
        if v.code == "ISO020"
        else "ISO022: the service key outside Parameters"
    )


def _reads_values(values: list[_InfValue]) -> _Notes:
    """What each read of a group gets: the values of the INFs it reads (once per group)."""
    notes = dict.fromkeys(
        f"reads value {v.value}, which {v.path}:{v.line} writes ({_moved(v)})" for v in values
    )
    related = dict.fromkeys(
        (v.path, v.line, f"the INF writes value {v.value} of service {v.service}") for v in values
    )
    return _Notes(tuple(notes)[:MAX_NAMED], tuple(related)[:MAX_NAMED], len(notes), "values")


def _read_by(batches: list[tuple[_InfValue, list[_Group]]]) -> _Notes:
    """What an INF finding gets: the reads of its value, source by source (a source's
    groups merged in the order of its reads); the first :data:`MAX_NAMED` made, the
    others counted."""
    notes: dict[str, None] = {}
    related: dict[tuple[str, int, str], None] = {}
    total = 0
    seen: set[int] = set()  # groups counted (a line read again for another value)
    for v, batch in batches:
        groups = [g for g in batch if id(g) not in seen]
        seen.update(id(g) for g in groups)
        if not groups:
            continue
        if len(groups) == 1:
            total += len(groups[0].distinct())
        else:  # (a source's functions naming the value, or its services: few)
            total += len({note for g in groups for _, note, _ in g.distinct()})
        for _, note, r in heapq.merge(*(g.distinct()[:MAX_NAMED] for g in groups), key=_seq):
            if len(notes) >= MAX_NAMED:
                break
            if note not in notes:
                notes[note] = None
                related[(r.path, r.line, f"the code reads value {v.value} ({r.code})")] = None
    return _Notes(tuple(notes)[:MAX_NAMED], tuple(related)[:MAX_NAMED], total, "reads")


def _seq(item: tuple[int, str, _CodeRead]) -> int:
    return item[0]


def _bare_name_loads(results: list[FileResult], read: Callable[[FileResult], bytes | None]) -> int:
    """ISO108 (see the module docstring): added to the package's sources' findings."""
    from infmigrate.rules.code.library_loaded_by_bare_name import (
        LibraryLoadedByBareName,
        PackagePlaces,
        package_places,
    )
    from infmigrate.sources.processing import suppressed
    from infmigrate.sources.reader import read_source

    sources = [
        r
        for r in results
        if is_source(r.path)
        and not r.error
        and not r.skipped
        and r.options is not None
        and LibraryLoadedByBareName in r.options.rules
    ]
    if not sources:
        return 0
    infs = [
        r for r in results if not is_source(r.path) and not r.error and not r.skipped and r.encoding
    ]
    places: dict[str, PackagePlaces | None] = {}
    added = 0
    rule = LibraryLoadedByBareName()
    # each source's INFs, in the order of infs (found by directory, not by comparing
    # every source with every INF of the run: issue 18)
    package_of: dict[int, list[FileResult]] = {}
    for inf, src in _package_pairs(infs, sources):
        package_of.setdefault(id(src), []).append(inf)
    for src in sources:
        package = package_of.get(id(src), [])
        if not package:
            continue
        data = read(src)
        if data is None or (
            b"loadlibrary" not in data.lower() and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
        ):
            continue  # (a UTF-16 file is read to know)
        merged = PackagePlaces()
        for inf in package:
            if inf.path not in places:
                inf_data = read(inf)
                places[inf.path] = (
                    package_places(inf_data, inf.path) if inf_data is not None else None
                )
            got = places[inf.path]
            if got is not None:
                merged.merge(got)
        if not merged.files:
            continue
        unit = read_source(data, src.path)
        found = suppressed(unit, list(rule.check_package(unit, merged)))
        if not found:
            continue
        added += len(found)
        for d in found:
            src.line_texts.setdefault(d.line, unit.line_text(d.line))
            src.fixed_line_texts.setdefault(d.line, unit.line_text(d.line))
        key = lambda d: (d.line, d.column, d.code)  # noqa: E731
        src.diagnostics = sorted([*src.diagnostics, *found], key=key)
        src.remaining = sorted([*src.remaining, *found], key=key)
    return added


def _linked(d: Diagnostic, path: str, linked: dict[tuple[str, int, str], _Notes]) -> Diagnostic:
    said = linked.get((path, d.line, d.code))
    if said is None:
        return d
    return replace(d, message=f"{d.message}; {said.sentence()}", related=said.related)


def read_from(root: Path) -> Callable[[FileResult], bytes | None]:
    """A ``read`` for :func:`link_results`: the shown path, relative to ``root``."""

    def read(result: FileResult) -> bytes | None:
        try:
            return (root / result.path).read_bytes()
        except OSError:
            return None

    return read
