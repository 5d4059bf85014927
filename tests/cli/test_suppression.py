"""``; infmigrate: ignore[...]`` and ``ignore-file[...]``, honoured by the runner."""

from __future__ import annotations

import infmigrate
from infmigrate.engine.catalog import rule
from infmigrate.engine.runner import check, fix
from infmigrate.engine.suppression import Suppressions, parse_directives

ISO015 = [rule("ISO015")]
MISSING = b'[Version]\r\nSignature = "$Windows NT$"\r\nCatalogFile = a.cat\r\n'


def test_parse_directives() -> None:
    assert parse_directives("; infmigrate: ignore[ISO020, iso021]") == [
        ("ignore", frozenset({"ISO020", "ISO021"}))
    ]
    assert parse_directives(";infmigrate:ignore-file[ISO]") == [("ignore-file", frozenset({"ISO"}))]
    assert parse_directives("; infmigrate: ignore") == [("ignore", frozenset({""}))]
    assert parse_directives("; infmigrate: ignore[]") == []
    assert parse_directives("; a comment about infmigrate") == []


def test_line_directive_on_the_header_suppresses_report_and_fix() -> None:
    data = MISSING.replace(b"[Version]", b"[Version] ; infmigrate: ignore[ISO015]")
    tree = infmigrate.parse(data)
    assert check(tree, ISO015) == []
    assert fix(tree, ISO015).fixed.to_bytes() == data
    # Library users can still ask for everything.
    assert [d.code for d in check(tree, ISO015, suppress=False)] == ["ISO015"]


def test_directive_for_another_code_or_line_does_not_suppress() -> None:
    for data in (
        MISSING.replace(b"[Version]", b"[Version] ; infmigrate: ignore[ISO020]"),
        MISSING.replace(b"a.cat", b"a.cat ; infmigrate: ignore[ISO015]"),
    ):
        assert [d.code for d in check(infmigrate.parse(data), ISO015)] == ["ISO015"]


def test_file_directive_anywhere_and_blanket_line_directive() -> None:
    for data in (
        b"; infmigrate: ignore-file[ISO01]\r\n" + MISSING,
        MISSING + b"; infmigrate: ignore-file\r\n",
        MISSING.replace(b"[Version]", b"[Version] ; INFMIGRATE: ignore"),
    ):
        tree = infmigrate.parse(data)
        assert check(tree, ISO015) == []
        assert not fix(tree, ISO015).changed


def test_directive_on_a_continued_entry_covers_all_its_lines() -> None:
    tree = infmigrate.parse(b"[A]\r\nx = 1,\\\r\n  2 ; infmigrate: ignore[TST]\r\n")
    found = Suppressions.of(tree)
    assert found.by_line == {2: {"TST"}, 3: {"TST"}}


def test_directives_are_read_per_tree() -> None:
    with_directive = infmigrate.parse(b"[A]\r\nx = 1 ; InfMigrate: ignore[TST]\r\n")
    without = infmigrate.parse(b"[A]\r\nx = 1 ; a comment naming nothing\r\n")
    first = Suppressions.of(with_directive)
    assert first.by_line == {2: {"TST"}}
    assert Suppressions.of(with_directive) is first  # asked again for the same tree
    assert not Suppressions.of(without)
    assert Suppressions.of(with_directive).by_line == {2: {"TST"}}
    # a directive in a header's trailer is found too
    header = infmigrate.parse(b"[A] ; infmigrate: ignore-file[TST]\r\nx = 1\r\n")
    assert Suppressions.of(header).file_wide == {"TST"}
