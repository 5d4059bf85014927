"""Applying edits to the immutable tree, and building new lines in the file's own style.

:func:`apply_edits` makes the new tree for a set of :class:`~infmigrate.engine.fixer.Edit` objects.
The helpers below make the nodes fixers insert: they copy the spacing, indentation and line
terminator of the lines around them, quote values the way SetupAPI needs ("General Syntax
Rules for INF Files", https://learn.microsoft.com/windows-hardware/drivers/install/general-syntax-rules-for-inf-files),
and never touch the text of lines they were not asked to change. New
sections get names of a safe form that the file does not use yet
(:func:`unique_section_name`). Editing the fields of an existing entry:
:mod:`infmigrate.engine.fields`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from infmigrate.engine.fields import new_fields, spacing_after_commas
from infmigrate.engine.fixer import Edit
from infmigrate.engine.syntax import Entry, Field, InfFile, Key, Section, SectionHeader, TriviaLine
from infmigrate.engine.syntax.nodes import Line, ends_in_continuation

if TYPE_CHECKING:
    from infmigrate.engine.model import InfModel

__all__ = [
    "EditConflict",
    "append_lines",
    "apply_edits",
    "ends_in_continuation",
    "equals_column",
    "make_entry",
    "make_section",
    "quote",
    "quote_field",
    "unique_section_name",
    "valid_section_name",
]


class EditConflict(ValueError):
    """Two edits touch the same line or section, or an edit's target is not in the tree."""


def apply_edits(
    tree: InfFile,
    edits: Iterable[Edit],
    *,
    renumber: bool = True,
    file_newline: Callable[[], str] | None = None,
) -> InfFile:
    """The tree with the edits made. Targets are matched by identity.

    ``renumber=False`` leaves the lines' ``line`` positions as they were (equality ignores
    positions): for a caller that prints the tree and parses it again anyway, as the
    runner does, numbering every line after an insertion would be wasted work.

    ``file_newline``: the terminator a line that needs one gets (default: the tree's most
    common one, :attr:`InfFile.newline`), for a caller that edits a part of a file as a
    tree of its own (:mod:`infmigrate.output.suggestions`).
    """
    # (keyed by id() of the target; only an inserted section may have none)
    replace: dict[int | None, tuple[Line, ...]] = {}
    after: dict[int | None, list[Line]] = {}
    sections_after: dict[int | None, list[Section]] = {}
    deleted_sections: set[int | None] = set()
    for edit in edits:
        key = id(edit.target) if edit.target is not None else None
        if edit.kind == "replace":
            if key in replace:
                raise EditConflict("two edits replace the same line")
            replace[key] = tuple(edit.new)
        elif edit.kind == "insert_after":
            after.setdefault(key, []).extend(edit.new)
        elif edit.kind == "insert_section":
            sections_after.setdefault(key, []).extend(edit.new)
        elif edit.kind == "delete_section":
            deleted_sections.add(key)
        else:  # pragma: no cover - Edit's constructors only make the kinds above
            raise ValueError(f"unknown edit kind {edit.kind!r}")
    found: set[int] = set()
    original = {id(line) for line in tree.lines()}
    last = _last_line(tree)
    # Only the file's last line can end in a dangling continuation (any other line's
    # continuation joins the next line); inserted lines are checked too.
    may_continue = {id(last)} if last is not None else set()
    for new_lines in (*replace.values(), *after.values()):
        may_continue.update(id(line) for line in new_lines)

    def edit_lines(lines: Sequence[Line]) -> tuple[Line, ...]:
        return _keep_continuations_last(_edit_lines(lines), original, may_continue)

    def _edit_lines(lines: Sequence[Line]) -> list[Line]:
        out: list[Line] = []
        for line in lines:
            key = id(line)
            if key in replace:
                found.add(key)
                out.extend(replace[key])
            else:
                out.append(line)
            if key in after:
                found.add(key)
                out.extend(after[key])
        return out

    prolog = edit_lines(tree.prolog)
    sections: list[Section] = []
    kept_comments, dropped_comments = _comments_of_deleted_sections(
        tree, deleted_sections, sections_after, set(replace) | set(after)
    )
    if dropped_comments.get(id(tree)):
        prolog = edit_lines(tree.prolog[: len(tree.prolog) - dropped_comments[id(tree)]])
    for section in tree.sections:
        key = id(section)
        if key in deleted_sections:
            found.add(key)
            if key in kept_comments:
                lead_in = edit_lines(kept_comments[key])
                if sections:
                    last_kept = sections[-1]
                    sections[-1] = Section(last_kept.header, (*last_kept.body, *lead_in))
                else:
                    prolog = (*prolog, *lead_in)
        else:
            header_lines = edit_lines((section.header,))
            body = section.body
            if key in dropped_comments:
                body = body[: len(body) - dropped_comments[key]]
            body = edit_lines(body)
            if not header_lines or type(header_lines[0]) is not SectionHeader:
                raise EditConflict("a section header can only be replaced by a header")
            # Lines that come with the header (an insertion after it) open the body.
            body = (*header_lines[1:], *body)
            if header_lines[0] is not section.header or body != section.body:
                section = Section(header_lines[0], body)
            sections.append(section)
        if key in sections_after:
            found.add(key)
            sections.extend(sections_after[key])
    sections.extend(sections_after.get(None, ()))
    wanted = (
        set(replace) | set(after) | deleted_sections | {k for k in sections_after if k is not None}
    )
    missing = wanted - found
    if missing:
        raise EditConflict(f"{len(missing)} edit target(s) are not in the tree")
    if last is not None and ends_in_continuation(last):
        _keep_dangling_section_last(prolog, sections, last)
    final_newline = last is None or bool(last.newline)
    prolog, new_sections = _terminate_lines(
        prolog, sections, final_newline, file_newline or (lambda: tree.newline)
    )
    prolog, new_sections = _keep_lone_crs_apart(prolog, new_sections, original)
    return InfFile(
        tree.encoding,
        tree.bom,
        prolog,
        new_sections,
        tree.tail,
        tree.trailing_bytes,
        numbered=not renumber,
    )


def _comment_block(lines: Sequence[Line]) -> int:
    """How many comment-only lines end ``lines``, when a blank line sets them apart from
    what comes before (else 0: comments right under entries, such as a commented-out
    entry, belong to the section they end)."""
    count = 0
    for line in reversed(lines):
        if type(line) is not TriviaLine or not line.comment:
            break
        count += 1
    if count == len(lines):
        return 0
    before = lines[len(lines) - count - 1]
    return count if type(before) is TriviaLine and not before.comment else 0


def _comments_of_deleted_sections(
    tree: InfFile,
    deleted: set[int | None],
    sections_after: dict[int | None, list[Section]],
    targeted: set[int | None],
) -> tuple[dict[int, tuple[Line, ...]], dict[int, int]]:
    """The comments a section deletion keeps and takes with it.

    In the tree, the comment lines just above a header end the *previous* section's body.
    Deleting a section therefore keeps the comment block that ends its body when the next
    section stays (``;--- WDF section`` above ``[X.Wdf]`` introduces that section, not the
    deleted one), and takes the comment block just above its own header out of the kept
    section before it, or out of the lines before the first section (it introduces the
    deleted section). A block is the comment-only lines right above a header, when a blank
    line sets them apart from the lines before (see :func:`_comment_block`); a line an
    edit targets is never dropped. Returns (kept block per deleted section, lines dropped from the
    end of the body per kept section, or of the prolog keyed by the tree's id)."""
    kept: dict[int, tuple[Line, ...]] = {}
    dropped: dict[int, int] = {}
    if not deleted:
        return kept, dropped  # nearly every edit set: no pass over the sections
    sections = tree.sections
    for i, section in enumerate(sections):
        key = id(section)
        if key not in deleted:
            continue
        nxt = sections[i + 1] if i + 1 < len(sections) else None
        block = _comment_block(section.body)
        if block and nxt is not None and id(nxt) not in deleted and key not in sections_after:
            kept[key] = tuple(section.body[len(section.body) - block :])
        owner: Section | InfFile | None = tree if not i else sections[i - 1]
        if owner is not tree and id(owner) in deleted:
            owner = None
        if owner is not None:
            lines = owner.prolog if isinstance(owner, InfFile) else owner.body
            lead_in = _comment_block(lines)
            if lead_in and not any(id(line) in targeted for line in lines[-lead_in:]):
                dropped[id(owner)] = lead_in
    return kept, dropped


def _keep_lone_crs_apart(
    prolog: tuple[Line, ...], sections: tuple[Section, ...], original: set[int]
) -> tuple[tuple[Line, ...], tuple[Section, ...]]:
    """A line ending in a lone CR followed by an empty line ending in LF would print as one
    line ending in CRLF (files that mix terminators can bring them together after edits):
    the new line of the two takes the other's kind of terminator."""

    def fix(lines: Sequence[Line]) -> list[Line] | None:
        out: list[Line] | None = None
        for i in range(len(lines) - 1):
            a, b = (out or lines)[i], (out or lines)[i + 1]
            if a.newline != "\r" or not b.code.startswith("\n"):
                continue
            out = out or list(lines)
            if id(b) not in original:
                out[i + 1] = b.with_changes(newline="\r")
            else:
                out[i] = a.with_changes(newline="\r\n")
        return out

    if "\r" not in {line.newline for line in (*prolog, *(s.header for s in sections))} and not any(
        line.newline == "\r" for s in sections for line in s.body
    ):
        return prolog, sections  # no lone CR: nearly every file
    fixed_prolog = fix(prolog)
    new_sections: list[Section] = []
    for section in sections:
        lines = fix((section.header, *section.body))
        # (fix keeps each line's kind: lines[0] is still the SectionHeader)
        new_sections.append(section if lines is None else Section(lines[0], tuple(lines[1:])))  # type: ignore[arg-type]
    return (prolog if fixed_prolog is None else tuple(fixed_prolog)), tuple(new_sections)


def _keep_dangling_section_last(
    prolog: tuple[Line, ...], sections: list[Section], last: Line
) -> None:
    """The file's last line ends in a dangling continuation (a backslash at the very end):
    a section put after it would become part of it, so the section holding it stays last
    (the order of sections means nothing to SetupAPI). Lines before the first section
    cannot move: adding a section after them is refused."""
    for i, section in enumerate(sections):
        if section.header is last or any(line is last for line in section.body[-1:]):
            sections.append(sections.pop(i))
            return
    if any(line is last for line in prolog) and sections:
        raise EditConflict("a section cannot follow a line that ends in a continuation")


def _keep_continuations_last(
    out: list[Line], original: set[int], may_continue: set[int]
) -> tuple[Line, ...]:
    """Lines inserted right after an entry that ends in a dangling continuation go before
    it instead (only the file's last line can end so; it stays last)."""
    if not may_continue.intersection(map(id, out[:-1])):
        return tuple(out)
    i = 0
    while i < len(out) - 1:
        if id(out[i]) in may_continue and ends_in_continuation(out[i]):
            j = i + 1
            while j < len(out) and id(out[j]) not in original:
                j += 1
            if j > i + 1:
                out.insert(j - 1, out.pop(i))
                i = j - 1
        i += 1
    return tuple(out)


def _last_line(tree: InfFile) -> Line | None:
    if tree.sections:
        section = tree.sections[-1]
        return section.body[-1] if section.body else section.header
    return tree.prolog[-1] if tree.prolog else None


def _terminate_lines(
    prolog: tuple[Line, ...],
    sections: list[Section],
    final_newline: bool,
    file_newline: Callable[[], str],
) -> tuple[tuple[Line, ...], tuple[Section, ...]]:
    """Keep the file's line terminators consistent after edits: only the last line may
    lack one, and it does exactly when the original file's last line did (a file without
    a final newline keeps that shape wherever the edits put its end)."""
    newline = ""

    def fix(lines: Sequence[Line], is_last_group: bool) -> tuple[Line, ...]:
        nonlocal newline
        out = list(lines)
        for i, line in enumerate(out):
            last = is_last_group and i == len(out) - 1
            if not line.newline and not last:
                newline = newline or file_newline()  # the file's usual terminator
                out[i] = line.with_changes(newline=newline)
            elif last and line.newline and not final_newline:
                out[i] = line.with_changes(newline="")
        # an empty line with no terminator at the very end prints nothing: drop it
        if is_last_group and out and not out[-1].newline and not out[-1].code:
            out.pop()
        return tuple(out)

    new_sections: list[Section] = []
    for i, section in enumerate(sections):
        last_group = i == len(sections) - 1
        if section.body:
            header = fix((section.header,), False)[0]
            body = fix(section.body, last_group)
        else:
            header = fix((section.header,), last_group)[0]
            body = ()
        if header is not section.header or body != section.body:
            # (fix keeps each line's kind: the header is still a SectionHeader)
            section = Section(header, body)  # type: ignore[arg-type]
        new_sections.append(section)
    return fix(prolog, not sections), tuple(new_sections)


# --- quoting --------------------------------------------------------------------------------

_NEEDS_QUOTES = re.compile(r'[,;"]|^[ \t]|[ \t]$|\\$')
#: What else a value needs quotes for where it starts the line (a key, or the first field
#: of an entry without one): an ``=`` would make it a key, a leading ``[`` a section header.
_NEEDS_QUOTES_FIRST = re.compile(r"=|^\[")


def quote(value: str, *, first_field: bool = False) -> str:
    """The raw text for a cooked value: quoted when SetupAPI needs it (reference 1.6).

    Quotes when the value has leading or trailing blanks, contains ``,``, ``;`` or ``"``
    (doubled inside the quotes), ends with ``\\``, or (for a key or the first field of an
    entry without a key, ``first_field``) contains ``=`` or starts with ``[``; an empty
    value stays empty. Use :func:`quote_field` for a field of an existing entry: it knows
    whether the field starts the line.
    """
    if _NEEDS_QUOTES.search(value) or (first_field and _NEEDS_QUOTES_FIRST.search(value)):
        return '"' + value.replace('"', '""') + '"'
    return value


def quote_field(entry: Entry, index: int, value: str) -> str:
    """The raw text for cooked ``value`` as field ``index`` of ``entry``: text that parses
    back to ``value`` in that place. The first field of an entry without a key starts the
    line (an ``=`` or a leading ``[`` there needs quotes), and an empty lone field of such an
    entry is written ``""`` (left empty, the line would read as a blank line)."""
    starts_line = index == 0 and not entry.has_key
    if starts_line and not value and len(entry.fields) <= 1:
        return '""'
    return quote(value, first_field=starts_line)


# --- style ---------------------------------------------------------------------------------


def _style_of(like: Entry | None, newline: str) -> tuple[str, str, str, str]:
    """(indent, blanks before '=', blanks after '=', blanks after ',') of a model entry."""
    if like is None:
        return "", " ", " ", ""
    before_eq = like.key_node.whitespace_after if like.key_node is not None else " "
    after_eq = like.fields[0].whitespace_before if like.key_node is not None else " "
    return like.indent, before_eq, after_eq, spacing_after_commas(like)


def equals_column(entries: Iterable[Entry]) -> int | None:
    """The column of ``=`` when keyed entries align it (two or more share the column and
    pad with spaces), else ``None``."""
    keys = [(e.indent, e.key_node) for e in entries if e.key_node is not None]
    columns = [
        len(indent) + len(k.value) + len(k.whitespace_after)
        for indent, k in keys
        if set(k.whitespace_after) <= {" "}
    ]
    if (
        len(columns) >= 2
        and len(set(columns)) == 1
        and len(columns) == len(keys)
        and any(len(k.whitespace_after) > 1 for _, k in keys)
    ):
        return columns[0]
    return None


def make_entry(
    key: str | None,
    values: Sequence[str],
    *,
    like: Entry | None = None,
    newline: str = "\r\n",
    raw: bool = False,
    column: int | None = None,
) -> Entry:
    """A new entry in the style of ``like`` (indent, spacing around ``=`` and ``,``).

    ``values`` are cooked and get quoted as needed, unless ``raw`` says they are raw text
    already (for example fields copied byte for byte from another line). ``column``, when
    given (see :func:`equals_column`), aligns the ``=`` with the section's.
    """
    indent, before_eq, after_eq, after_comma = _style_of(like, newline)
    texts = (
        list(values)
        if raw
        else [quote(v, first_field=key is None and i == 0) for i, v in enumerate(values)]
    )
    if not raw and key is None and texts == [""]:
        texts = ['""']  # a lone empty field would read as a blank line
    first = after_eq if key is not None else ""
    fields = new_fields(texts, first=first, after_comma=after_comma) or [Field("", first)]
    key_text = None if key is None else quote(key, first_field=True)
    if key_text is not None and column is not None:
        before_eq = " " * max(1, column - len(indent) - len(key_text))
    elif (
        key_text is not None
        and like is not None
        and like.key_node is not None
        and len(before_eq) > 1
        and set(before_eq) == {" "}
    ):
        # The model line aligns its '=' in a column: keep the new one in that column.
        column = len(like.key_node.value) + len(before_eq)
        before_eq = " " * max(1, column - len(key_text))
    key_node = None if key_text is None else Key(key_text, before_eq)
    return Entry(tuple(fields), key_node, indent, "", newline)


_VALID_SECTION_NAME = re.compile(r"(?:[A-Za-z0-9_.\-]|\$ARCH\$)+", re.IGNORECASE)


def valid_section_name(name: str) -> bool:
    """Whether a generated section name is of the safe form ``[A-Za-z0-9_.-]+`` (with
    stampinf's ``$ARCH$`` in an INX, which stampinf replaces by an architecture)."""
    return _VALID_SECTION_NAME.fullmatch(name) is not None and len(name) <= 255


def unique_section_name(model: InfModel, wanted: str, taken: set[str]) -> str:
    """A name for a new section, made from ``wanted``: of the safe form (each run of other
    characters becomes ``_``), used neither in the file nor in ``taken``, the names one
    fix has already given out (folded; the new name is added to it). ``wanted`` itself
    when it is free, else ``wanted_2``, ``wanted_3``..."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", wanted).strip("_") or "Section"
    name, n = base, 2
    while model.section(name) is not None or name.casefold() in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name.casefold())
    return name


def make_section(
    name: str, lines: Iterable[Line], *, newline: str = "\r\n", blank_before: bool = True
) -> Section:
    """A new section; with ``blank_before``, its header is preceded by a blank line, which
    the caller places at the end of the previous section (see :func:`section_gap`)."""
    if not valid_section_name(name):
        raise ValueError(f"not a valid generated section name: {name!r}")
    return Section(SectionHeader(name, newline=newline), tuple(lines))


def append_lines(section: Section, lines: Sequence[Line]) -> Edit:
    """An edit that adds lines at the end of a section's content, before its trailing blank
    and comment lines (which usually separate it from the next section)."""
    body = section.body
    anchor: Line = section.header
    for line in body:
        if type(line) is not TriviaLine:
            anchor = line
    # An insertion, never a rewrite of the anchor, so that other fixes can add lines after
    # it too; if it is the file's last line without a terminator, apply_edits gives it one
    # and takes it from the new last line.
    return Edit.insert_after(anchor, *lines)
