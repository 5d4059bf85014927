"""The fixes of one file as text, worked out while its trees are at hand, then dropped.

The formats that print fixes (:data:`~infmigrate.output.base.NEEDS_TREES`) used to keep
every file's syntax trees until the report was printed, since a fix is a set of edits on
nodes: the corpus in ``sarif`` held 430 MB where ``text`` held 160 MB, and a run over
many files grew by 40-60 KB a file (issue 18). :func:`render_fixes` works out, for each
fix of the findings the report shows, what those formats print of it
(:class:`~infmigrate.diffs.fixtext.FixText`: replacements, byte regions, the whole-line
suggestion, the diff block, whether it is offered with the file's other fixes), keeps it
on the fix and returns the light result (:func:`~infmigrate.engine.processing.lighten`),
without the trees. A worker does it before sending the result back, so results cross
between processes as light ones do, and the report keeps no tree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from infmigrate.diffs.fixtext import Replacement
from infmigrate.diffs.unified import UTF16
from infmigrate.engine.fixer import Diagnostic, Fix
from infmigrate.engine.processing import FileResult, lighten
from infmigrate.engine.runner import jointly_applicable
from infmigrate.engine.syntax.decoding import encode
from infmigrate.output.suggestions import fix_text, tree_lines

__all__ = ["has_lone_cr", "render_fixes"]


#: An undecodable byte, kept by the lossless decoder as a lone surrogate.
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_cr(code: str) -> bool:
    """Whether the text has a CR not followed by an LF (a line end for the parser)."""
    return "\r" in code and code.count("\r") != code.count("\r\n")


class _Bytes:
    """Where each physical line of a file starts in its bytes, for the replacements SARIF
    gives in bytes: worked out once per file, and only for one that needs it."""

    def __init__(self, lines: list[str], encoding: str, bom: bool) -> None:
        self.lines = lines
        self.encoding = encoding
        self.bom = bom
        self.utf16 = encoding in UTF16
        self._starts: list[int] | None = None

    def encode(self, text: str) -> bytes:
        return encode(text, self.encoding, False)

    def offset(self, line: int, column: int) -> int:
        """The byte offset of a 1-based (line, code-point column) position."""
        if self._starts is None:
            starts = [len(encode("", self.encoding, self.bom))]
            for text in self.lines:
                starts.append(starts[-1] + len(self.encode(text)))
            self._starts = starts
        start = self._starts[line - 1]
        if column == 1:
            return start
        return start + len(self.encode(self.lines[line - 1][: column - 1]))

    def regions(self, replacements: Sequence[Replacement]) -> tuple[tuple[int, int], ...] | None:
        """``(byte offset, byte length)`` of each replacement, when SARIF gives them in
        bytes: a UTF-16 file, or a replacement whose text is not what the file holds."""
        if not self.utf16 and not any(_SURROGATE.search(r.content) for r in replacements):
            return None
        out: list[tuple[int, int]] = []
        for r in replacements:
            start = self.offset(r.start_line, r.start_column)
            out.append((start, self.offset(r.end_line, r.end_column) - start))
        return tuple(out)


def render_fixes(result: FileResult, *, write: bool, keep_fixed: bool = False) -> FileResult:
    """The light result of a processed file (:func:`~infmigrate.engine.processing.lighten`,
    ``keep_fixed`` as there), whose shown findings' fixes keep their text (:attr:`Fix.text
    <infmigrate.engine.fixer.Fix.text>`): those of the file as it is (report mode), or,
    with ``write``, those left in the fixed file. A result without the tree those
    findings are on (not parsed, a C/C++ source, already light) is only made light."""
    tree = result.fixed_tree if write else result.tree
    if tree is None:
        return lighten(result, keep_fixed=keep_fixed)
    diagnostics = result.remaining if write else result.diagnostics
    together: set[int] | None = None
    where: _Bytes | None = None
    rendered: dict[int, Fix] = {}
    shown: list[Diagnostic] = []
    for d in diagnostics:
        fix = d.fix
        if fix is not None and fix.edits:
            done = rendered.get(id(fix))
            if done is None:
                if together is None:
                    together = jointly_applicable(diagnostics)
                    # (the lines the fixes are diffed against, split once)
                    where = _Bytes(tree_lines(tree), tree.encoding, tree.bom)
                assert where is not None
                text = fix_text(tree, fix, together=id(d) in together, byte_regions=where.regions)
                done = rendered[id(fix)] = Fix(fix.title, (), fix.applicability, text)
            d = replace(d, fix=done)
        shown.append(d)
    lone_cr = has_lone_cr(tree.code)
    if not rendered:
        light = replace(result, lone_cr=lone_cr)
    elif write:
        light = replace(result, remaining=shown, lone_cr=lone_cr)
    else:
        light = replace(result, diagnostics=shown, lone_cr=lone_cr)
    return lighten(light, keep_fixed=keep_fixed)
