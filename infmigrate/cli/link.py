"""Code and INF findings joined (issue 17): the driver code that reads a registry value
the INF migration moves, and the INF line that writes it.

After a report run, for each INF with ISO020 (``Services\\<svc>\\Parameters`` in HKLM) or
ISO022 (the service key outside Parameters) findings, and each C/C++ source of the same
package (in the INF's directory or below the INF's parent directory) with a finding of
ISO100-ISO103 (the service key by its absolute path): when the function of the code
finding names a value the INF line writes (same name, ignoring case) and, where the code
names its service (an ISO100 path), the same service, each finding gets the other as a
related location (SARIF ``relatedLocations``) and a sentence saying so. The files are
read again (only those candidates): the results themselves may come from the cache.
Not done after ``--write`` (the INF lines are then fixed).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from infmigrate.engine.fixer import Diagnostic, FixContext
from infmigrate.engine.processing import FileResult
from infmigrate.sources import is_source
from infmigrate.sources.reader import read_source

__all__ = ["CODE_LINKED", "INF_LINKED", "link_results"]

#: INF findings about a service's registry values.
INF_LINKED = frozenset({"ISO020", "ISO022"})
#: Code findings about the service key.
CODE_LINKED = frozenset({"ISO100", "ISO101", "ISO102", "ISO103"})


@dataclass(frozen=True, slots=True)
class _InfValue:
    path: str
    line: int
    code: str
    service: str
    value: str


@dataclass(frozen=True, slots=True)
class _CodeRead:
    path: str
    line: int
    code: str
    service: str
    values: frozenset[str]


def _inf_values(result: FileResult, data: bytes) -> list[_InfValue]:
    from infmigrate.engine.syntax import parse
    from infmigrate.rules.registry._registry_writes import Kind, RegistryWrites

    lines = {d.line: d.code for d in result.diagnostics if d.code in INF_LINKED}
    out: list[_InfValue] = []
    for write in FixContext(parse(data)).analysis(RegistryWrites):
        if write.kind not in (Kind.SERVICE_PARAMETERS, Kind.SERVICE_OTHER):
            continue
        line = write.line.ref.entry.line
        code = lines.get(line)
        if code is None or not write.value_name:
            continue
        out.append(_InfValue(result.path, line, code, write.parts.get("svc", ""), write.value_name))
    return out


def _code_reads(result: FileResult, data: bytes) -> list[_CodeRead]:
    from infmigrate.rules.code._advice import registry_target

    unit = read_source(data, result.path)
    out: list[_CodeRead] = []
    for d in result.diagnostics:
        if d.code not in CODE_LINKED:
            continue
        function, service = "", ""
        for call in unit.calls:
            if call.span.line == d.line:
                function = call.function
                for arg in call.arguments:
                    for s in arg.strings:
                        target = registry_target(s.value) or registry_target(s.value, False)
                        if target is not None and target.service:
                            service = target.service
                break
        for s in unit.strings:
            if s.span.line == d.line and not service:
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


def link_results(results: list[FileResult], read: Callable[[FileResult], bytes | None]) -> int:
    """Join the code and INF findings of a run in place (see the module docstring);
    ``read`` gives a result's file bytes (None: unreadable). Returns the links made."""
    infs = [r for r in results if any(d.code in INF_LINKED for d in r.diagnostics)]
    sources = [
        r
        for r in results
        if is_source(r.path) and any(d.code in CODE_LINKED for d in r.diagnostics)
    ]
    if not infs or not sources:
        return 0
    pairs = [(i, s) for i in infs for s in sources if _same_package(i.path, s.path)]
    if not pairs:
        return 0
    values: dict[str, list[_InfValue]] = {}
    reads: dict[str, list[_CodeRead]] = {}
    for inf, src in pairs:
        if inf.path not in values:
            data = read(inf)
            values[inf.path] = _inf_values(inf, data) if data is not None else []
        if src.path not in reads:
            data = read(src)
            reads[src.path] = _code_reads(src, data) if data is not None else []
    related: dict[tuple[str, int, str], list[tuple[str, int, str]]] = {}
    notes: dict[tuple[str, int, str], list[str]] = {}
    links = 0
    for inf, src in pairs:
        for v in values[inf.path]:
            for r in reads[src.path]:
                if v.value.lower() not in {n.lower() for n in r.values}:
                    continue
                if r.service and v.service and r.service.lower() != v.service.lower():
                    continue
                links += 1
                moved = (
                    "ISO020 moves it to HKR,Parameters"
                    if v.code == "ISO020"
                    else "ISO022: the service key outside Parameters"
                )
                key_code = (r.path, r.line, r.code)
                related.setdefault(key_code, []).append(
                    (v.path, v.line, f"the INF writes value {v.value} of service {v.service}")
                )
                notes.setdefault(key_code, []).append(
                    f"reads value {v.value}, which {v.path}:{v.line} writes ({moved})"
                )
                key_inf = (v.path, v.line, v.code)
                related.setdefault(key_inf, []).append(
                    (r.path, r.line, f"the code reads value {v.value} ({r.code})")
                )
                notes.setdefault(key_inf, []).append(f"read by {r.path}:{r.line} ({r.code})")
    if links:
        for result in {id(r): r for pair in pairs for r in pair}.values():
            result.diagnostics = [
                _linked(d, result.path, related, notes) for d in result.diagnostics
            ]
    return links


def _linked(
    d: Diagnostic,
    path: str,
    related: dict[tuple[str, int, str], list[tuple[str, int, str]]],
    notes: dict[tuple[str, int, str], list[str]],
) -> Diagnostic:
    key = (path, d.line, d.code)
    if key not in related:
        return d
    unique_notes = list(dict.fromkeys(notes[key]))
    return replace(
        d,
        message=f"{d.message}; {'; '.join(unique_notes)}",
        related=tuple(dict.fromkeys(related[key])),
    )


def read_from(root: Path) -> Callable[[FileResult], bytes | None]:
    """A ``read`` for :func:`link_results`: the shown path, relative to ``root``."""

    def read(result: FileResult) -> bytes | None:
        try:
            return (root / result.path).read_bytes()
        except OSError:
            return None

    return read
