"""How git reads and writes one file of a work tree, and what ``git apply`` then does to a
text diff: the model :func:`~infmigrate.diffs.unified.make_diff` uses to choose, for a
UTF-16 file, between a text diff in the repository's encoding and a ``GIT binary patch``.

A file whose ``.gitattributes`` set ``working-tree-encoding`` (gitattributes(5)) is stored
in git as UTF-8, without BOM, and converted back when written to the work tree. ``git
apply`` does the same conversions on the file it patches (``apply.c`` ``read_old_data``
calls ``convert_to_git``; the result goes through ``convert_to_working_tree``), so for such
a file the diff must be the diff of the UTF-8 text: :func:`text_form`. End-of-line
conversion may apply too; ``git apply`` leaves a file's CRLFs alone when the preimage
lines of the patch end in CRLF (``crlf_in_old``, git 2.19), and on writing turns lone LFs
into CRLF when the file's ``eol``/``text`` attributes and ``core.autocrlf``/``core.eol``
say so (``convert.c`` ``crlf_to_worktree``; with ``text=auto`` only in a file with no CR).
:func:`applies_exactly` follows these steps and says whether the result is byte for byte
the fixed file; when not, the diff is not offered for ``git apply``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

__all__ = ["GitForm", "applies_exactly", "stored_as_text", "text_form"]

#: ``working-tree-encoding`` values (upper case, without ``-``/``_``) -> (Python codec,
#: BOM the work-tree file starts with). git reads ``UTF-16LE-BOM`` itself (``utf8.c``) and
#: hands the others to iconv: ``UTF-16BE-BOM`` is no iconv name (git fails to read such a
#: file), and what iconv writes for plain ``UTF-16`` (byte order, BOM) depends on the
#: platform, so neither is promised.
_ENCODINGS = {
    "UTF16LEBOM": ("utf-16-le", codecs.BOM_UTF16_LE),
    "UTF16LE": ("utf-16-le", b""),
    "UTF16BE": ("utf-16-be", b""),
}


@dataclass(frozen=True, slots=True)
class GitForm:
    """What git does with one file (from ``git check-attr`` and ``git config``)."""

    #: The ``working-tree-encoding`` attribute ("" when unset).
    encoding: str = ""
    #: End-of-line conversion when git reads the file: ``always`` (``text`` or ``eol``
    #: set), ``auto`` (``text=auto``, or ``core.autocrlf`` with ``text`` unspecified) or
    #: ``never``.
    eol_read: str = "never"
    #: Lone LFs become CRLF when git writes the file (``eol=crlf``, ``core.autocrlf=true``,
    #: ``core.eol=crlf``, or ``native`` on Windows, for a file git converts).
    crlf_on_write: bool = False
    #: The repository's object format (``sha1`` or ``sha256``): the ids of a binary patch.
    object_format: str = "sha1"

    def key(self) -> str:
        """What of it changes a diff (for the results cache)."""
        return f"{self.encoding}:{self.eol_read}:{int(self.crlf_on_write)}:{self.object_format}"


def _codec(form: GitForm) -> tuple[str, bytes] | None:
    name = form.encoding.upper().replace("-", "").replace("_", "")
    return _ENCODINGS.get(name)


def stored_as_text(form: GitForm) -> bool:
    """Whether git stores a UTF-16 file with this form as UTF-8 text (a UTF-16
    ``working-tree-encoding`` it reads), so that GitHub shows its lines."""
    return _codec(form) is not None


def text_form(data: bytes, form: GitForm) -> str | None:
    """The file as git stores it (UTF-8 text, as a str), when its ``working-tree-encoding``
    is one of the UTF-16 forms and the bytes are in it; else None."""
    codec = _codec(form)
    if codec is None:
        return None
    name, bom = codec
    other = codecs.BOM_UTF16_BE if bom == codecs.BOM_UTF16_LE else codecs.BOM_UTF16_LE
    if bom and not data.startswith(bom):
        return None
    if not bom and (data.startswith(codecs.BOM_UTF16_LE) or data.startswith(other)):
        return None  # git refuses a BOM in UTF-16LE/UTF-16BE
    try:
        text = data[len(bom) :].decode(name)
    except UnicodeDecodeError:
        return None
    return text  # a second BOM stays, as U+FEFF (git keeps it too)


def _is_binary(text: str) -> bool:
    """git's ``convert_is_binary`` for ``text=auto``: a lone CR, a NUL, or over 1 in 128
    bytes that are control characters."""
    data = text.encode("utf-8")
    if b"\0" in data or data.replace(b"\r\n", b"").count(b"\r"):
        return True
    control = sum(1 for b in data if (b < 32 and b not in b"\b\t\x1b\x0c\r\n") or b == 127)
    return (len(data) - control) >> 7 < control


def _lone_lf(text: str) -> bool:
    return text.count("\n") != text.count("\r\n")


def applies_exactly(
    old: bytes, new: bytes, old_text: str, new_text: str, preimage_crlf: bool, form: GitForm
) -> bool:
    """Whether ``git apply`` of the diff of ``old_text`` -> ``new_text`` (:func:`text_form`
    of ``old``/``new``; ``preimage_crlf``: a preimage line of the diff ends in CRLF) turns
    the file ``old`` into exactly ``new``."""
    codec = _codec(form)
    if codec is None:
        return False
    name, bom = codec
    converts = form.eol_read == "always" or (form.eol_read == "auto" and not _is_binary(old_text))
    if converts and not preimage_crlf and "\r\n" in old_text:
        return False  # git would read the file with its CRLFs made LF: the hunks may not match
    written = new_text
    converted = form.eol_read == "always" or (
        form.eol_read == "auto" and "\r" not in written and not _is_binary(written)
    )
    if form.crlf_on_write and converted and _lone_lf(written):
        written = written.replace("\r\n", "\n").replace("\n", "\r\n")
    try:
        back = bom + written.encode(name)
    except UnicodeEncodeError:
        return False
    return back == new and bom + old_text.encode(name) == old
