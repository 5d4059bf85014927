"""Consumers of the fix formats, written from their specifications, for the tests that
apply every fix format to real trees and compare the files with ``--write``.

* :func:`apply_sarif`: SARIF 2.1.0 fixes (§3.55 fix, §3.56 artifactChange, §3.57
  replacement): every ``deletedRegion`` refers to the artifact as it was before any
  replacement; a text region is located by lines and columns over the text decoded with
  the artifact's ``encoding`` (lines split by ``run.newlineSequences``, default
  ``["\\r\\n", "\\n"]``; columns counted in ``run.columnKind`` units), a binary region by
  ``byteOffset``/``byteLength``; ``insertedContent.text`` is encoded in the artifact's
  encoding, ``insertedContent.binary`` is base 64 of the bytes to insert. Fixes of one file
  whose regions overlap cannot be applied together: the later one waits for the next
  round.
* :func:`apply_suggestions`: GitHub suggested changes (and reviewdog's suggestions): the
  lines ``start_line..line`` of the file are replaced by the suggestion's lines, each
  ended with the file's line end (the one of the last replaced line, as GitHub keeps
  the file's), the last one too unless the replaced range ended the file without one.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_IANA = {"UTF-16LE": "utf-16-le", "UTF-16BE": "utf-16-be", "UTF-8": "utf-8"}
_BOMS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8": b"\xef\xbb\xbf"}


def _codec(iana: str) -> str:
    return _IANA.get(iana, "cp1252" if iana == "windows-1252" else iana)


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    data: bytes


class _Text:
    """An artifact's text, to turn text regions into byte offsets."""

    def __init__(self, data: bytes, codec: str, newlines: list[str]) -> None:
        self.codec = codec
        bom = _BOMS.get(codec, b"")
        self.bom = len(bom) if bom and data.startswith(bom) else 0
        self.text = data[self.bom :].decode(codec, "surrogateescape")
        pattern = "|".join(re.escape(n) for n in sorted(newlines, key=len, reverse=True))
        starts = [0]
        for m in re.finditer(pattern, self.text):
            starts.append(m.end())
        self.starts = starts

    def encode(self, text: str) -> bytes:
        return text.encode(self.codec, "surrogateescape")

    def offset(self, line: int, column: int) -> int:
        char = self.starts[line - 1] + column - 1 if line - 1 < len(self.starts) else len(self.text)
        return self.bom + len(self.encode(self.text[:char]))


def _splices(change: dict[str, Any], data: bytes, codec: str, newlines: list[str]) -> list[_Splice]:
    text: _Text | None = None
    out: list[_Splice] = []
    for r in change["replacements"]:
        region = r["deletedRegion"]
        content = r.get("insertedContent", {})
        if "byteOffset" in region:
            start = region["byteOffset"]
            end = start + region.get("byteLength", 0)
        else:
            text = text or _Text(data, codec, newlines)
            start = text.offset(region["startLine"], region.get("startColumn", 1))
            end = text.offset(region.get("endLine", region["startLine"]), region["endColumn"])
        if "binary" in content:
            inserted = base64.b64decode(content["binary"])
        else:
            inserted = content.get("text", "").encode(codec, "surrogateescape")
        out.append(_Splice(start, end, inserted))
    return out


def _overlaps(a: list[_Splice], b: list[_Splice]) -> bool:
    return any((x.start < y.end and y.start < x.end) or x.start == y.start for x in a for y in b)


def _spliced(data: bytes, splices: list[_Splice]) -> bytes:
    out = bytearray()
    pos = 0
    for s in sorted(splices, key=lambda s: (s.start, s.end)):
        out += data[pos : s.start] + s.data
        pos = s.end
    return bytes(out + data[pos:])


def apply_sarif(
    log: dict[str, Any], files: dict[str, bytes], applicability: Iterable[str] = ("safe",)
) -> tuple[dict[str, bytes], int]:
    """The files after applying the fixes of the results whose
    ``properties.fixApplicability`` is in ``applicability`` (first come, first applied;
    overlapping ones left for the next round), and how many fixes were applied."""
    wanted = set(applicability)
    run = log["runs"][0]
    newlines = run.get("newlineSequences", ["\r\n", "\n"])
    assert run.get("columnKind") == "unicodeCodePoints"
    encodings = {
        a["location"]["uri"]: _codec(a.get("encoding", "UTF-8")) for a in run.get("artifacts", [])
    }
    chosen: dict[str, list[_Splice]] = {}
    applied = 0
    for result in run["results"]:
        if result.get("properties", {}).get("fixApplicability") not in wanted:
            continue
        for fix in result.get("fixes", [])[:1]:
            (change,) = fix["artifactChanges"]
            uri = change["artifactLocation"]["uri"]
            path = _unquote(uri)
            data = files[path]
            splices = _splices(change, data, encodings.get(uri, "utf-8"), newlines)
            if _overlaps(splices, chosen.get(path, [])):
                continue
            chosen.setdefault(path, []).extend(splices)
            applied += 1
    out = dict(files)
    for path, splices in chosen.items():
        out[path] = _spliced(files[path], splices)
    return out, applied


def _unquote(uri: str) -> str:
    from urllib.parse import unquote

    return unquote(uri)


@dataclass(frozen=True)
class Suggested:
    """A suggested change: lines ``start..end`` (1-based, inclusive) become ``text``."""

    path: str
    start: int
    end: int
    text: str


def _eol(line: bytes) -> bytes:
    return line[len(line.rstrip(b"\r\n")) :]


def apply_suggestions(data: bytes, suggestions: list[Suggested], codec: str) -> bytes:
    """An ANSI or UTF-8 file after applying suggestions that do not overlap (as GitHub
    applies a batch of them), keeping the file's line ends: each new line ends as the last
    replaced line did (the file's first line end if that one had none, except for the
    last new line, which then has none either)."""
    lines = data.splitlines(keepends=True)
    file_eol = next((_eol(x) for x in lines if _eol(x)), b"\n")
    out = list(lines)
    for s in sorted(suggestions, key=lambda s: s.start, reverse=True):
        eol = _eol(lines[s.end - 1])
        errors = "surrogatepass" if codec == "utf-8" else "surrogateescape"
        new = [t.encode(codec, errors) for t in s.text.split("\n")] if s.text else []
        joined = [t + (eol or file_eol) for t in new]
        if new and not eol:
            joined[-1] = new[-1]
        out[s.start - 1 : s.end] = joined
    return b"".join(out)


def apply_suggestions_utf16(data: bytes, suggestions: list[Suggested], codec: str) -> bytes:
    """A UTF-16 file git stores as UTF-8 (``working-tree-encoding``) after GitHub applies
    suggestions to what it stores, and git writes it back in the file's encoding."""
    bom = _BOMS[codec] if data.startswith(_BOMS[codec]) else b""
    stored = data[len(bom) :].decode(codec, "surrogatepass").encode("utf-8", "surrogatepass")
    new = apply_suggestions(stored, suggestions, "utf-8")
    return bom + new.decode("utf-8", "surrogatepass").encode(codec, "surrogatepass")
