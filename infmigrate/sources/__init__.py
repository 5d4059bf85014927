"""Reading C/C++ driver sources (issue 17): :mod:`.reader` (tree-sitter, strings,
defines, calls), :mod:`.rule` (the base of the code rules), :mod:`.processing` (one file
to a result). This module itself imports nothing heavy: discovery uses its suffixes."""

from __future__ import annotations

__all__ = ["SOURCE_SUFFIXES", "is_source"]

#: File name endings of C and C++ sources and headers (compared case-insensitively).
SOURCE_SUFFIXES = (".c", ".cpp", ".cc", ".cxx", ".h", ".hpp")


def is_source(name: str) -> bool:
    """Whether a file name is a C/C++ source or header."""
    return name.lower().endswith(SOURCE_SUFFIXES)
