"""Editing the comma-separated field list of an entry, with the commas made automatically.

Every :class:`~infmigrate.engine.syntax.Field` but the last of an entry is followed by a
comma, the last one by none (the parser's invariant). The functions here take or build the
fields a fix wants, in order, and :func:`with_fields` puts the commas where they belong, so
no fix writes a dangling or missing comma. They also keep the line's look:

* the first field keeps the blanks the entry had before its first value (after ``=``);
* the last field gets the blanks the entry had at its end, before a comment or the line
  end (with ``keep_comment_column``, as many as keep a trailing comment in its column);
* a field a fix adds, or an empty field it fills, gets the spacing after commas of the
  entry's other fields (:func:`spacing_after_commas`);
* every other field keeps its text byte for byte.

Values are raw text: quote cooked values first (:func:`infmigrate.engine.edits.quote`,
:func:`~infmigrate.engine.edits.quote_field`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from infmigrate.engine.syntax import Entry, Field

__all__ = [
    "insert_fields",
    "insert_fields_at",
    "new_fields",
    "remove_fields",
    "replace_fields",
    "spacing_after_commas",
    "with_fields",
]


def spacing_after_commas(entry: Entry, default: str = "") -> str:
    """The blanks after a comma in ``entry`` (those before its second field), or
    ``default`` when it has one field."""
    return next((f.whitespace_before for f in entry.fields[1:]), default)


def new_fields(texts: Sequence[str], *, first: str, after_comma: str) -> list[Field]:
    """Fields for raw ``texts``, with ``first`` blanks before the first and
    ``after_comma`` before each other one, and their commas."""
    last = len(texts) - 1
    return [
        Field(text, after_comma if i else first, "", "," if i < last else "")
        for i, text in enumerate(texts)
    ]


def with_fields(
    entry: Entry, fields: Sequence[Field], *, keep_comment_column: bool = False
) -> Entry:
    """The entry with this field list (at least one field), commas set by position: the
    first field gets the blanks before the entry's first value, the last one the blanks at
    its end (``keep_comment_column``: as many as keep a trailing comment in its column,
    one at least), each field but the last a comma; nothing else changes (a field that
    was last and is not any more keeps the blanks after it: clear them, as
    :func:`replace_fields` does)."""
    if not fields:
        raise ValueError("an entry keeps at least one field")
    old = entry.fields
    tail = old[-1].whitespace_after
    out = [f if f.comma == "," else f.with_changes(comma=",") for f in fields[:-1]]
    last = fields[-1].with_changes(comma="", whitespace_after=tail)
    out.append(last)
    if out[0].whitespace_before != old[0].whitespace_before:
        out[0] = out[0].with_changes(whitespace_before=old[0].whitespace_before)
    if keep_comment_column and entry.comment and tail:
        width = sum(len(f.code) for f in out)
        old_width = sum(len(f.code) for f in old)
        out[-1] = out[-1].with_changes(whitespace_after=" " * max(1, len(tail) + old_width - width))
    return entry.with_changes(fields=tuple(out))


def replace_fields(
    entry: Entry, values: Mapping[int, str], *, keep_comment_column: bool = False
) -> Entry:
    """The entry with the raw ``values`` put in the fields at their indexes. An index past
    the end adds fields (empty ones in between); an added field, or an empty one that gets
    a value, has the entry's spacing after commas before it."""
    fields = list(entry.fields)
    after_comma = spacing_after_commas(entry)
    end = max(values, default=-1)
    if end >= len(fields):
        fields[-1] = fields[-1].with_changes(whitespace_after="")
        fields += [Field("", after_comma) for _ in range(end + 1 - len(fields))]
    for index, raw in values.items():
        f = fields[index]
        before = f.whitespace_before
        if index and not before and not f.value:
            before = after_comma
        fields[index] = f.with_changes(value=raw, whitespace_before=before)
    return with_fields(entry, fields, keep_comment_column=keep_comment_column)


def remove_fields(
    entry: Entry, indexes: Collection[int], *, keep_comment_column: bool = False
) -> Entry | None:
    """The entry without the fields at ``indexes``, or ``None`` when none is left (delete
    the line, then)."""
    kept = [f for i, f in enumerate(entry.fields) if i not in indexes]
    if not kept:
        return None
    return with_fields(entry, kept, keep_comment_column=keep_comment_column)


def insert_fields(entry: Entry, after: Collection[int], texts: Sequence[str]) -> Entry:
    """The entry with raw ``texts`` added after each field at the indexes ``after``: the
    new fields have the entry's spacing after commas (one blank when it has none to copy),
    and the blanks that stood after the field, before its comma or the comment, move
    after the last new one."""
    return insert_fields_at(entry, dict.fromkeys(after, texts))


def insert_fields_at(entry: Entry, texts: Mapping[int, Sequence[str]]) -> Entry:
    """:func:`insert_fields` with texts of their own after each index (``texts``: raw
    texts by the index of the field they follow)."""
    after_comma = spacing_after_commas(entry, " ")
    out: list[Field] = []
    for i, f in enumerate(entry.fields):
        new = texts.get(i)
        if not new:
            out.append(f)
            continue
        out.append(f.with_changes(whitespace_after=""))
        out += [Field(text, after_comma) for text in new]
        out[-1] = out[-1].with_changes(whitespace_after=f.whitespace_after)
    return with_fields(entry, out)
