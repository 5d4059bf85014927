"""Reading one C or C++ source file: bytes -> tree-sitter tree -> what the code rules use.

The grammars are tree-sitter's C and C++ ones (PyPI ``tree-sitter-c``, ``tree-sitter-cpp``),
which parse driver code without the WDK headers. SAL annotations (``_In_``,
``_Use_decl_annotations_``), unknown macros and WDK types become ``ERROR`` nodes in places;
everything around them is still parsed, and this reader never needs a clean tree: it looks
each place of interest up (its function, its call, its string, whether it is in an ``#if
0``) in tables that one tree-sitter query fills (:mod:`infmigrate.sources.ranges`), and an
error node in between does not matter.

Only what a rule may look at is collected, found by a fast scan of the bytes first
(:data:`PATH_HINTS`, :data:`API_STEMS`): a file with none of those words is not parsed at
all. What is collected:

* :class:`StringValue`: a string expression's value, escapes decoded, adjacent literals
  concatenated (``L"\\\\Registry" L"\\\\Machine"``, a ``#define`` between them resolved);
* :class:`Define`: ``#define NAME <strings>`` whose strings make a value;
* :class:`Call`: a call of a known API with its arguments (their text, their strings,
  the identifiers in them). An argument's strings include those its names stand for: a
  ``#define`` of strings, and a variable that holds one string (the function's, else the
  file's: ``p = L"x"``, ``RtlInitUnicodeString(&u, L"x")``,
  ``DECLARE_CONST_UNICODE_STRING(u, L"x")``, ``RTL_CONSTANT_STRING(L"x")``), when
  nothing else in the scope assigns it or gives it to a call that may write it
  (:class:`_Scope`: one string on every path, or no value; no pointers followed, no
  calls across functions);
* the file's mode hints (:class:`Mode`): headers and entry points of kernel-mode, KMDF,
  UMDF or user-mode code.

Comments are never read, and code in ``#if 0`` (up to its ``#else``) neither.
"""

from __future__ import annotations

import codecs
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # tree-sitter is imported when a source is read (an INF-only run never)
    from tree_sitter import Node, Parser, Query

from infmigrate.sources import SOURCE_SUFFIXES, is_source
from infmigrate.sources.ranges import DeadBranches, Innermost

__all__ = [
    "FOLDER_CALLS",
    "KEY_OPENS",
    "PATH_BUILDERS",
    "SOURCE_SUFFIXES",
    "Call",
    "Define",
    "Mode",
    "SourceUnit",
    "Span",
    "StringValue",
    "decode_escapes",
    "grammar_versions",
    "is_source",
    "read_source",
]

#: Of the source suffixes, the ones parsed with the C grammar (the rest with C++'s).
_C_SUFFIXES = (".c",)


@lru_cache(maxsize=1)
def grammar_versions() -> str:
    """The versions of tree-sitter and its grammars (part of a cached result's key: a new
    grammar may read a file differently)."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("tree-sitter", "tree-sitter-c", "tree-sitter-cpp"):
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:  # pragma: no cover - installed with infmigrate
            out.append(f"{name}=?")
    return ",".join(out)


@lru_cache(maxsize=2)
def _parser(cpp: bool) -> Parser:
    import tree_sitter_c
    import tree_sitter_cpp
    from tree_sitter import Language, Parser

    language = Language(tree_sitter_cpp.language() if cpp else tree_sitter_c.language())
    return Parser(language)


#: What the reader looks up around a place (see :mod:`infmigrate.sources.ranges`):
#: functions, calls with their callees, the ``#if``/``#elif`` with their conditions, the
#: parts of concatenated strings and the names of defines.
_PLACES = """
(function_definition) @function
(call_expression function: (_) @callee) @call
(preproc_if condition: (_) @condition) @if
(preproc_elif condition: (_) @condition) @if
(concatenated_string [(string_literal) (identifier)] @part) @concatenated
(preproc_def name: (identifier) @name) @define
"""
#: The string literals, asked for only by a file with a path hint (raw strings are C++'s:
#: the C grammar has no such node).
_LITERALS = ("(string_literal) @literal", "(string_literal) @literal (raw_string_literal) @literal")
#: ``#if`` conditions whose first branch is dead code.
_FALSE_CONDITIONS = (b"0", b"FALSE", b"(0)")


@lru_cache(maxsize=4)
def _query(cpp: bool, source: str) -> Query:
    from tree_sitter import Query

    language = _parser(cpp).language
    assert language is not None  # (made with one)
    return Query(language, source)


#: Kernel calls that open or create a registry key by an OBJECT_ATTRIBUTES path.
KEY_OPENS = frozenset(
    {
        "ZwOpenKey",
        "ZwOpenKeyEx",
        "ZwCreateKey",
        "ZwCreateKeyTransacted",
        "ZwOpenKeyTransacted",
        "NtOpenKey",
        "NtCreateKey",
    }
)
#: Kernel calls that build a path string from another (the string built is the first
#: argument; a copy counts as building: ``RtlCopyUnicodeString(&path, RegistryPath)``).
PATH_BUILDERS = frozenset(
    {
        "RtlCopyUnicodeString",
        "RtlStringCbCopyUnicodeString",
        "RtlStringCchCopyUnicodeString",
        "RtlUnicodeStringCopyString",
        "RtlUnicodeStringPrintf",
        "RtlAppendUnicodeToString",
        "RtlAppendUnicodeStringToString",
        "RtlUnicodeStringCopy",
        "RtlUnicodeStringCat",
        "RtlUnicodeStringCatString",
        "RtlStringCchCatW",
        "RtlStringCbCatW",
        "RtlStringCchCopyW",
        "RtlStringCbCopyW",
        "RtlStringCchPrintfW",
        "RtlStringCbPrintfW",
    }
)
#: Shell calls that return a known folder's path.
FOLDER_CALLS = frozenset(
    {
        "SHGetFolderPath",
        "SHGetFolderPathA",
        "SHGetFolderPathW",
        "SHGetSpecialFolderPath",
        "SHGetSpecialFolderPathA",
        "SHGetSpecialFolderPathW",
        "SHGetKnownFolderPath",
    }
)
#: The API names a rule looks at (calls of anything else are not collected).
API_NAMES = (
    KEY_OPENS
    | PATH_BUILDERS
    | FOLDER_CALLS
    | frozenset(
        {
            # kernel registry
            "InitializeObjectAttributes",
            "RtlInitUnicodeString",
            "RtlQueryRegistryValues",
            "RtlQueryRegistryValuesEx",
            "RtlWriteRegistryValue",
            "RtlCheckRegistryKey",
            "RtlCreateRegistryKey",
            "RtlDeleteRegistryValue",
            "WdfRegistryOpenKey",
            "WdfRegistryCreateKey",
            # user-mode registry
            "RegOpenKeyEx",
            "RegOpenKeyExA",
            "RegOpenKeyExW",
            "RegOpenKey",
            "RegOpenKeyA",
            "RegOpenKeyW",
            "RegCreateKeyEx",
            "RegCreateKeyExA",
            "RegCreateKeyExW",
            "RegCreateKey",
            "RegCreateKeyA",
            "RegCreateKeyW",
            "RegGetValue",
            "RegGetValueA",
            "RegGetValueW",
            "RegSetKeyValue",
            "RegSetKeyValueA",
            "RegSetKeyValueW",
            "RegDeleteKeyValue",
            "RegDeleteKeyValueA",
            "RegDeleteKeyValueW",
            "RegDeleteTree",
            "RegDeleteTreeA",
            "RegDeleteTreeW",
            "SHGetValue",
            "SHGetValueA",
            "SHGetValueW",
            "SHSetValue",
            "SHSetValueA",
            "SHSetValueW",
            "SHRegGetValue",
            # system directories
            "GetSystemDirectory",
            "GetSystemDirectoryA",
            "GetSystemDirectoryW",
            "GetWindowsDirectory",
            "GetWindowsDirectoryA",
            "GetWindowsDirectoryW",
            "GetSystemWindowsDirectory",
            "GetSystemWindowsDirectoryA",
            "GetSystemWindowsDirectoryW",
            # device interfaces
            "IoGetDeviceInterfaces",
            "CM_Get_Device_Interface_List",
            "CM_Get_Device_Interface_ListA",
            "CM_Get_Device_Interface_ListW",
            "CM_Get_Device_Interface_List_Size",
            "CM_Get_Device_Interface_List_SizeA",
            "CM_Get_Device_Interface_List_SizeW",
            "IoRegisterPlugPlayNotification",
            "CM_Register_Notification",
            "RegisterDeviceNotification",
            "RegisterDeviceNotificationA",
            "RegisterDeviceNotificationW",
            # files
            "ZwCreateFile",
            "ZwOpenFile",
            "NtCreateFile",
            "CreateFile",
            "CreateFileA",
            "CreateFileW",
            "CreateFile2",
            "ExpandEnvironmentStrings",
            "ExpandEnvironmentStringsA",
            "ExpandEnvironmentStringsW",
            "LoadLibrary",
            "LoadLibraryA",
            "LoadLibraryW",
            "LoadLibraryEx",
            "LoadLibraryExA",
            "LoadLibraryExW",
        }
    )
)

#: Lower-case words of the API names above (and of the flags the rules look for): a file
#: without one of these, and without a :data:`PATH_HINTS` word, is not parsed.
API_STEMS = (
    b"zwopenkey",
    b"zwcreatekey",
    b"ntopenkey",
    b"ntcreatekey",
    b"rtl_registry_",
    b"rtlqueryregistryvalues",
    b"rtlwriteregistryvalue",
    b"rtlcheckregistrykey",
    b"rtlcreateregistrykey",
    b"rtldeleteregistryvalue",
    b"regopenkey",
    b"regcreatekey",
    b"reggetvalue",
    b"regsetkeyvalue",
    b"regdeletekeyvalue",
    b"regdeletetree",
    b"shgetvalue",
    b"shsetvalue",
    b"shregget",
    b"getsystemdirectory",
    b"getwindowsdirectory",
    b"getsystemwindowsdirectory",
    b"shgetfolderpath",
    b"shgetspecialfolderpath",
    b"shgetknownfolderpath",
    b"iogetdeviceinterfaces",
    b"cm_get_device_interface_list",
    b"loadlibrary",
    b"expandenvironmentstrings",
)
#: Lower-case fragments of the raw bytes of a string literal that may make it a path a
#: rule reports (a backslash is written twice in a C string).
PATH_HINTS = (
    b"registry\\\\machine",
    b"hkey_local_machine",
    b"currentcontrolset",
    b"systemroot",
    b"dosdevices",
    b"\\\\??\\\\",
    b"windir",
    b":\\\\",
    b"\\\\system32",
    b'.dll"',
)

#: Where a call may start: a name with the prefix of an API, then its parenthesis (the
#: name is then looked up in :data:`API_NAMES`).
_CALL_NAME = re.compile(
    rb"(?:Zw|Nt|Rtl|Reg|SH|Get|Io|CM_|Create|Expand|Load|Initialize|Wdf)\w+(?=\s*\()"
)


#: :data:`PATH_HINTS` as they read in a string's value.
_VALUE_HINTS = tuple(h.decode().replace("\\\\", "\\") for h in PATH_HINTS)


def _has_hint(value: str) -> bool:
    low = value.lower()
    return any(h in low for h in _VALUE_HINTS)


#: Calls that open, read or write registry keys or values (their function's strings are
#: kept as possible value names: :attr:`SourceUnit.function_strings`).
_REGISTRY_CALLS = frozenset(
    {
        b"ZwOpenKey",
        b"ZwOpenKeyEx",
        b"ZwCreateKey",
        b"RtlQueryRegistryValues",
        b"RtlQueryRegistryValuesEx",
        b"RtlWriteRegistryValue",
        b"RtlDeleteRegistryValue",
        b"WdfRegistryOpenKey",
        b"RegOpenKeyEx",
        b"RegOpenKeyExA",
        b"RegOpenKeyExW",
        b"RegGetValue",
        b"RegGetValueA",
        b"RegGetValueW",
        b"RegSetKeyValue",
        b"RegSetKeyValueA",
        b"RegSetKeyValueW",
    }
)
_VALUE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_ .-]{0,63}")


def _find_all(low: bytes, words: tuple[bytes, ...]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of the words in the lower-cased bytes."""
    out: list[tuple[int, int]] = []
    for w in words:
        i = low.find(w)
        while i >= 0:
            out.append((i, i + len(w)))
            i = low.find(w, i + 1)
    out.sort()
    return out


_STRING_LITERAL = re.compile(r'(?:L|u8|u|U)?"((?:[^"\\\n]|\\.)*)"|\b([A-Za-z_]\w*)\b')
_INCLUDE = re.compile(rb'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\r\n]+)[>"]', re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Span:
    """A place in the file: 1-based lines, 0-based byte columns (of the parsed bytes)."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def of(cls, node: Node) -> Span:
        start, end = node.start_point, node.end_point
        return cls(start.row + 1, start.column, end.row + 1, end.column)


@dataclass(frozen=True, slots=True)
class StringValue:
    """A string expression (or a ``#define``'s strings) and its value."""

    value: str
    span: Span
    #: ``L"..."`` (or another prefix).
    wide: bool = False
    #: The macro the value comes from, when it does (the use names it).
    macro: str = ""
    #: Defined in a ``#define`` (the span is the define's line).
    in_define: bool = False
    #: The variable the value reached the call through ("" when written in the call):
    #: see :meth:`_Builder.binding`.
    via: str = ""


@dataclass(frozen=True, slots=True)
class Define:
    """``#define NAME value`` whose value holds strings."""

    name: str
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of a call."""

    #: The argument's text, blanks collapsed (its first 256 bytes, then " ...").
    text: str
    span: Span
    #: The strings it names (literals, and ``#define``s of strings used in it).
    strings: tuple[StringValue, ...] = ()
    #: Every identifier in it (for flags such as ``RTL_REGISTRY_ABSOLUTE``).
    identifiers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Call:
    """A call of one of :data:`API_NAMES`."""

    name: str
    span: Span
    arguments: tuple[Argument, ...]
    #: The function the call is in ("" at file level).
    function: str = ""


@dataclass(frozen=True, slots=True)
class Mode:
    """What the file says about where it runs (headers it includes, entry points)."""

    kernel: bool = False
    kmdf: bool = False
    umdf: bool = False
    user: bool = False
    service: bool = False
    #: Defines ``main``, ``wmain``, ``_tmain``, ``WinMain`` or ``wWinMain``: a program run
    #: by hand (a test or set-up tool), not a component that runs for the device's life.
    app: bool = False

    @property
    def label(self) -> str:
        if self.kernel:
            return "KMDF driver" if self.kmdf else "kernel-mode driver"
        if self.umdf:
            return "UMDF driver"
        if self.service:
            return "Win32 service"
        if self.user:
            return "user-mode code"
        return "code"


@dataclass
class SourceUnit:
    """What the rules see of one source file."""

    path: str
    #: The parsed bytes (UTF-16 files are re-encoded as UTF-8 first).
    data: bytes
    defines: dict[str, Define] = field(default_factory=dict)
    #: String expressions holding a path hint, in file order (those in ``#define``s too).
    strings: list[StringValue] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    #: Uses of the defines in :attr:`defines` outside them: (name, span, call name).
    define_uses: list[tuple[str, Span, str]] = field(default_factory=list)
    mode: Mode = field(default_factory=Mode)
    #: Per function that calls a registry routine, the strings in it that may be value
    #: names (to link a code finding to the INF line writing the same value).
    function_strings: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Names of DriverEntry's RegistryPath parameter (and copies named like it).
    registry_path_names: frozenset[str] = frozenset()
    #: The file was parsed (it has words of interest).
    parsed: bool = False
    _lines: list[bytes] | None = None
    #: Per line asked about, its character counts (see :func:`_character_counts`).
    _columns: dict[int, array[int] | int] = field(default_factory=dict, repr=False, compare=False)
    _by_function: dict[str, list[Call]] | None = field(default=None, repr=False, compare=False)
    _by_first_argument: dict[tuple[str, str], list[int]] | None = field(
        default=None, repr=False, compare=False
    )
    #: Indexes the code rules build over the unit once, each under a key of its own.
    memo: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

    def calls_in(self, function: str) -> list[Call]:
        """The calls made in a function (``""``: outside any), in the order of
        :attr:`calls`: indexed on first use, once the unit is read (issue 18: a rule
        looking, for each call, at the calls of its function went through every call of
        the file)."""
        if self._by_function is None:
            index: dict[str, list[Call]] = {}
            for call in self.calls:
                index.setdefault(call.function, []).append(call)
            self._by_function = index
        return self._by_function.get(function, [])

    def calls_on(self, function: str, names: frozenset[str]) -> list[Call]:
        """The calls made in a function whose first argument names one of ``names`` (an
        identifier of it), in the order of :attr:`calls`: indexed on first use (issue 18:
        ISO102 and ISO103, looking for each call at the calls of its function that set up
        its argument, were quadratic in the calls of one long function)."""
        if self._by_first_argument is None:
            index: dict[tuple[str, str], list[int]] = {}
            for i, call in enumerate(self.calls):
                if call.arguments:
                    for name in call.arguments[0].identifiers:
                        index.setdefault((call.function, name), []).append(i)
            self._by_first_argument = index
        found = [self._by_first_argument.get((function, name), []) for name in names]
        found = [positions for positions in found if positions]
        if not found:
            return []
        if len(found) == 1:
            return [self.calls[i] for i in found[0]]
        return [self.calls[i] for i in sorted(set().union(*found))]

    def line_bytes(self, line: int) -> bytes:
        if self._lines is None:
            self._lines = self.data.split(b"\n")
        return self._lines[line - 1] if 0 < line <= len(self._lines) else b""

    def line_text(self, line: int) -> str:
        return self.line_bytes(line).rstrip(b"\r").decode("utf-8", "replace")

    def column(self, line: int, byte_column: int) -> int:
        """The 1-based character column of a byte column: the characters the line's bytes
        before it decode to (invalid UTF-8 replaced), counted once a line (issue 18:
        decoding the line for each finding was quadratic on one long line)."""
        if line not in self._columns:
            self._columns[line] = _character_counts(self.line_bytes(line))
        counts = self._columns[line]
        if isinstance(counts, int):  # ASCII: a character a byte, this many
            return max(0, min(byte_column, counts)) + 1
        return counts[max(0, min(byte_column, len(counts) - 1))] + 1

    def calls_named(self, *names: str) -> Iterator[Call]:
        wanted = set(names)
        return (c for c in self.calls if c.name in wanted)


def _character_counts(line: bytes) -> array[int] | int:
    """For each byte offset of the line (and its end), the characters its bytes before
    that offset decode to (``len(line[:i].decode("utf-8", "replace"))``); for an ASCII
    line, its length. An incremental decoder holds back the bytes of an unfinished sequence (at
    most three), which the decode of the prefix alone replaces as it decodes them alone."""
    if line.isascii():
        return len(line)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    counts = array("L", [0])
    made = 0
    for i in range(len(line)):
        made += len(decoder.decode(line[i : i + 1]))
        held = decoder.getstate()[0]
        counts.append(made + (len(held.decode("utf-8", "replace")) if held else 0))
    return counts


_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "?": "?",
}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)


def decode_escapes(body: str) -> str:
    """A C string literal's body with its escapes decoded (an unknown escape keeps its
    character, as compilers do with a warning)."""
    if "\\" not in body:
        return body

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] in "xuU" and len(e) > 1:
            try:
                return chr(int(e[1:], 16))
            except (ValueError, OverflowError):
                return ""
        if e[0] in "01234567":
            return chr(int(e, 8))
        return _SIMPLE_ESCAPES.get(e, e)

    return _ESCAPE.sub(one, body)


def _decode(data: bytes) -> bytes:
    """The bytes to parse: UTF-16 (with its byte order mark) re-encoded as UTF-8; a UTF-8
    byte order mark dropped; anything else as it is (tree-sitter reads any bytes)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be"
        return data[2:].decode(codec, "replace").encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        return b"   " + data[3:]  # same byte columns, no mark
    return data


def _literal_value(node: Node) -> tuple[str, bool]:
    """A ``string_literal`` node's value and whether it is wide."""
    text = node.text or b""
    raw = text.decode("utf-8", "replace")
    quote = raw.find('"')
    prefix = raw[:quote] if quote > 0 else ""
    if raw.startswith(('R"', 'LR"', 'uR"', 'UR"', 'u8R"')):  # C++ raw string
        body = raw[raw.find("(") + 1 : raw.rfind(")")]
        return body, prefix.startswith("L")
    body = raw[quote + 1 : -1] if raw.endswith('"') else raw[quote + 1 :]
    return decode_escapes(body), prefix in ("L", "u", "U")


def _value_of_define_text(
    text: str, defines: dict[str, Define], depth: int = 0
) -> tuple[str, bool] | None:
    """The concatenated strings of a ``#define``'s text (other defines of strings
    resolved), or None when it holds no string literal."""
    parts: list[str] = []
    found = False
    wide = False
    for m in _STRING_LITERAL.finditer(text):
        if m.group(2) is not None:
            d = defines.get(m.group(2))
            if d is not None and depth < 8:
                parts.append(d.value)
                found = True
            continue
        found = True
        wide = wide or m.group(0)[0] in "LuU"
        parts.append(decode_escapes(m.group(1)))
    return ("".join(parts), wide) if found else None


#: Calls that may write into a variable given to them (its address, or an array): the
#: variable then holds more than its initial string.
_WRITES = re.compile(
    r"(?i)cat|cpy|copy|printf|append|format|move|fill|zero|memset|query|read|expand"
    r"|get\w*(?:path|directory|name|string)"
)
#: Of the calls :data:`_WRITES` matches, those that only read some arguments (by index):
#: the key and the value name of a registry query.
_READ_ARGUMENTS: dict[bytes, frozenset[int]] = {
    **{
        name: frozenset({0, 1})
        for name in (
            b"ZwQueryValueKey",
            b"NtQueryValueKey",
            b"RegQueryValueExA",
            b"RegQueryValueExW",
            b"RegQueryValueEx",
            b"RtlQueryRegistryValues",
            b"RtlQueryRegistryValuesEx",
            b"WdfRegistryQueryULong",
            b"WdfRegistryQueryValue",
            b"WdfRegistryQueryUnicodeString",
            b"WdfRegistryQueryString",
            b"WdfRegistryQueryMultiString",
            b"WdfRegistryQueryMemory",
        )
    },
    **{name: frozenset({0, 1, 2}) for name in (b"RegGetValueA", b"RegGetValueW", b"RegGetValue")},
}
#: Macros and calls that give a UNICODE_STRING its one value:
#: ``DECLARE_CONST_UNICODE_STRING(name, L"...")``, ``RtlInitUnicodeString(&name, L"...")``
#: (and the initializer ``name = RTL_CONSTANT_STRING(L"...")``).
_DECLARES = frozenset(
    {
        b"DECLARE_CONST_UNICODE_STRING",
        b"DECLARE_GLOBAL_CONST_UNICODE_STRING",
        b"DECLARE_UNICODE_STRING_SIZE",
    }
)
_STRING_NODES = ("string_literal", "concatenated_string")
#: Bytes of an argument's text kept (:class:`Argument`; a longer one is cut, with " ...").
_TEXT_BYTES = 256
#: A name (or number) of the file's text.
_WORD = re.compile(rb"\w+")


def _declarator_name(node: Node | None) -> str:
    """The identifier a declarator declares (``*p``, ``p[]``, ``p`` -> ``p``)."""
    while node is not None and node.type != "identifier":
        if node.type in ("field_identifier", "type_identifier"):
            return ""
        node = node.child_by_field_name("declarator")
    return (node.text or b"").decode("utf-8", "replace") if node is not None else ""


def _string_of(node: Node | None) -> Node | None:
    """The string expression (or the identifier of a ``#define``) that initializes a
    variable: a string, ``RTL_CONSTANT_STRING(<string>)``, ``TEXT(<string>)``, a cast of
    one, or a name; None otherwise."""
    while node is not None:
        t = node.type
        if t in _STRING_NODES or t == "identifier":
            return node
        if t == "parenthesized_expression" or t == "cast_expression":
            node = node.child_by_field_name("value") or (
                node.named_children[-1] if node.named_children else None
            )
            continue
        if t == "call_expression":
            args = node.child_by_field_name("arguments")
            named = [a for a in args.named_children if a.type != "comment"] if args else []
            if len(named) != 1:
                return None
            node = named[0]
            continue
        return None
    return None


def _unary_target(node: Node) -> str:
    """The variable an argument names: ``x``, ``&x``, ``(T)x``, ``x.Buffer``."""
    while node.type in ("pointer_expression", "cast_expression", "parenthesized_expression"):
        inner = node.child_by_field_name("argument") or node.child_by_field_name("value")
        if inner is None:
            inner = node.named_children[-1] if node.named_children else None
        if inner is None:
            return ""
        node = inner
    if node.type == "field_expression":
        inner = node.child_by_field_name("argument")
        return _unary_target(inner) if inner is not None else ""
    return (node.text or b"").decode("utf-8", "replace") if node.type == "identifier" else ""


@dataclass
class _Scope:
    """The string variables of a function (or of the file: its top-level declarations),
    found in one walk. A variable has a value when it is given one string exactly once,
    and written nowhere else in the scope:

    * ``PCWSTR p = L"x";``, ``WCHAR p[] = L"x";``, ``UNICODE_STRING u =
      RTL_CONSTANT_STRING(L"x");`` (a ``#define`` of strings instead of the literal too);
    * ``DECLARE_CONST_UNICODE_STRING(u, L"x");``;
    * ``RtlInitUnicodeString(&u, L"x");`` for a variable declared without a value.

    Written: assigned (``p = ...``, ``u.Buffer = ...``, ``p++``), or given to a call that
    may write into it (:data:`_WRITES`: ``RtlAppendUnicodeToString(&u, ...)``,
    ``wcscat(p, ...)``, ``GetModuleFileName(.., p, ..)``; the key and value name of a
    registry query are read only, :data:`_READ_ARGUMENTS`). A variable of the file is
    also written when a function writes it. Not followed: pointers to the variable kept
    elsewhere, writes through another function, values that depend on the path taken
    (two assignments in two branches count as two: no value).
    """

    #: Names declared in the scope (variables and, for a function, parameters).
    declared: set[str] = field(default_factory=set)
    #: The value nodes given to each name.
    values: dict[str, list[Node]] = field(default_factory=dict)
    #: Names written otherwise.
    written: set[str] = field(default_factory=set)

    def value(self, name: str) -> Node | None:
        got = self.values.get(name, [])
        if len(got) != 1 or name in self.written:
            return None
        return got[0]

    @classmethod
    def of(cls, scope: Node, defines: dict[str, Define]) -> _Scope:
        out = cls()
        top = scope.type == "translation_unit"
        stack = list(scope.children)
        while stack:
            n = stack.pop()
            t = n.type
            if t == "comment":
                continue
            if t == "function_definition":
                continue  # the file's scope: top-level declarations only
            if t == "parameter_declaration":
                name = _declarator_name(n.child_by_field_name("declarator"))
                if name:
                    out.declared.add(name)
                continue
            if t == "init_declarator":
                name = _declarator_name(n.child_by_field_name("declarator"))
                if name:
                    out.declared.add(name)
                    value = _string_of(n.child_by_field_name("value"))
                    if value is not None and (
                        value.type in _STRING_NODES
                        or (value.text or b"").decode("utf-8", "replace") in defines
                    ):
                        out.values.setdefault(name, []).append(value)
                    else:
                        out.written.add(name)
                stack.extend(n.children)
                continue
            if t == "declaration":
                for d in n.children_by_field_name("declarator"):
                    if d.type != "init_declarator":
                        name = _declarator_name(d)
                        if name:
                            out.declared.add(name)
            elif t == "assignment_expression" or t == "update_expression":
                target = n.child_by_field_name("left") or n.child_by_field_name("argument")
                if target is not None:
                    name = _unary_target(target)
                    if name:
                        out.written.add(name)
            elif t == "call_expression":
                out._call(n, defines)
            if top and t == "compound_statement":
                continue
            stack.extend(n.children)
        return out

    def _call(self, call: Node, defines: dict[str, Define]) -> None:
        fn = call.child_by_field_name("function")
        args_node = call.child_by_field_name("arguments")
        if fn is None or args_node is None:
            return
        fname = fn.text or b""
        args = [a for a in args_node.named_children if a.type != "comment"]
        if fname in _DECLARES or fname == b"RtlInitUnicodeString":
            if len(args) >= 2:
                name = _unary_target(args[0])
                if fname in _DECLARES:
                    self.declared.add(name)
                value = _string_of(args[1])
                if (
                    name
                    and value is not None
                    and (
                        value.type in _STRING_NODES
                        or (value.text or b"").decode("utf-8", "replace") in defines
                    )
                ):
                    self.values.setdefault(name, []).append(value)
                elif name:
                    self.written.add(name)
            return
        if _WRITES.search(fname.decode("utf-8", "replace")):
            reads = _READ_ARGUMENTS.get(fname, frozenset())
            for i, a in enumerate(args):
                if i in reads:
                    continue
                name = _unary_target(a)
                if name:
                    self.written.add(name)


class _Descent:
    """The smallest node around each of a series of byte ranges, taken in the order of
    the file: one tree cursor goes back up only as far as the next range needs and down
    from there (tree-sitter's own search starts from the root each time: as deep as the
    node, for each range; issue 18: thousands of names in one deep expression)."""

    def __init__(self, root: Node) -> None:
        self.cursor = root.walk()

    def node_at(self, start: int, end: int) -> Node:
        c = self.cursor
        node = c.node
        assert node is not None  # (a cursor of a tree is always on a node)
        while not (node.start_byte <= start and end <= node.end_byte) and c.goto_parent():
            node = c.node
            assert node is not None
        while c.goto_first_child_for_byte(start) is not None:
            child = c.node
            assert child is not None
            if not (child.start_byte <= start and end <= child.end_byte):
                c.goto_parent()
                break
            node = child
        return node


class _Builder:
    def __init__(self, path: str, data: bytes, cpp: bool) -> None:
        self.unit = SourceUnit(path, data)
        self.tree = _parser(cpp).parse(data)
        self.root = self.tree.root_node
        self.seen_strings: set[int] = set()
        self.seen_calls: set[int] = set()
        self.low = data.lower()
        self.scopes: dict[int, _Scope] = {}
        #: The file's variables holding a value that a function writes (made when first
        #: asked: :meth:`_written_in_functions`).
        self.written_names: set[str] | None = None
        self._places(cpp)

    def _places(self, cpp: bool) -> None:
        """The tables of :mod:`infmigrate.sources.ranges`, from one query."""
        from tree_sitter import QueryCursor

        functions: list[Node] = []
        calls: list[Node] = []
        dead: list[tuple[int, int]] = []
        #: the call whose function is the name starting at a byte
        self.named_calls: dict[int, Node] = {}
        #: the define whose name starts at a byte
        self.defines_at: dict[int, Node] = {}
        #: the concatenated string a literal or a name is a part of, by the part's id
        self.concatenated: dict[int, Node] = {}
        for _, captures in QueryCursor(_query(cpp, _PLACES)).matches(self.root):
            if "function" in captures:
                functions += captures["function"]
            elif "call" in captures:
                call, callee = captures["call"][0], captures["callee"][0]
                calls.append(call)
                if callee.type == "identifier":
                    self.named_calls[callee.start_byte] = call
            elif "if" in captures:
                branch, condition = captures["if"][0], captures["condition"][0]
                if condition.text in _FALSE_CONDITIONS:
                    alternative = branch.child_by_field_name("alternative")
                    end = alternative.start_byte if alternative is not None else branch.end_byte
                    dead.append((condition.end_byte, end))
            elif "concatenated" in captures:
                self.concatenated[captures["part"][0].id] = captures["concatenated"][0]
            else:
                self.defines_at[captures["name"][0].start_byte] = captures["define"][0]
        self.functions = Innermost(functions)
        #: the innermost call, or function (a place outside any call of its function)
        self.calls = Innermost(functions + calls)
        self.dead = DeadBranches(dead)
        self.cpp = cpp

    @cached_property
    def literals(self) -> Innermost[Node]:
        """The string literals (they do not nest: the one around a place); queried when
        first asked, by a file with a path hint."""
        from tree_sitter import QueryCursor

        found = QueryCursor(_query(self.cpp, _LITERALS[self.cpp])).captures(self.root)
        return Innermost(found.get("literal", []))

    def disabled(self, node: Node) -> bool:
        """Whether the node is in the first branch of an ``#if 0``."""
        return node.start_byte in self.dead

    def function_of(self, node: Node) -> Node | None:
        """The function definition around the node (None: at the file's level)."""
        return self.functions.at(node.start_byte)

    def string_expression(self, node: Node) -> StringValue | None:
        """The value of the string expression around a ``string_literal`` node."""
        top = self.concatenated.get(node.id, node)
        if top.id in self.seen_strings:
            return None
        self.seen_strings.add(top.id)
        return self.value_of(top)

    def value_of(self, node: Node) -> StringValue | None:
        if node.type == "string_literal":
            value, wide = _literal_value(node)
            return StringValue(value, Span.of(node), wide)
        if node.type == "concatenated_string":
            parts: list[str] = []
            wide = False
            macro = ""
            children = [
                c
                for child in node.named_children
                for c in (child.named_children if child.type == "ERROR" else [child])
            ]  # ``A B L"x"``: the grammar puts the second macro in an error node
            for child in children:
                if child.type == "string_literal":
                    value, w = _literal_value(child)
                    parts.append(value)
                    wide = wide or w
                elif child.type == "identifier":
                    d = self.unit.defines.get((child.text or b"").decode("utf-8", "replace"))
                    if d is not None:
                        parts.append(d.value)
                        macro = macro or d.name
            return StringValue("".join(parts), Span.of(node), wide, macro)
        return None

    def collect_defines(self) -> None:
        """Every ``#define`` whose value holds strings (in file order: later ones may
        use earlier ones)."""
        data = self.unit.data
        for m in re.finditer(rb"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+[^\r\n]*\"", data, re.M):
            node = self.defines_at.get(m.start(1))
            if node is None or self.disabled(node):
                continue
            value_node = node.child_by_field_name("value")
            if value_node is None:
                continue
            name = m.group(1).decode("utf-8", "replace")
            text = (value_node.text or b"").decode("utf-8", "replace")
            got = _value_of_define_text(text, self.unit.defines)
            if got is None:
                continue
            define = Define(name, got[0], Span.of(node))
            self.unit.defines[name] = define
            if _has_hint(got[0]):
                self.unit.strings.append(
                    StringValue(got[0], Span.of(value_node), got[1], name, in_define=True)
                )

    def collect_strings(self) -> None:
        for start, end in _find_all(self.low, PATH_HINTS):
            node = self.literals.at(start)
            if node is None or end > node.end_byte or self.disabled(node):
                continue
            value = self.string_expression(node)
            if value is not None:
                self.unit.strings.append(value)
        self.unit.strings.sort(key=lambda s: (s.span.line, s.span.column))

    def argument(self, node: Node) -> Argument:
        """One argument of a call: its strings and names, down to the calls of
        :data:`API_NAMES` in it, which are read as calls of their own (issue 18: each of
        N such calls nested in one another read all those below it, quadratic in N)."""
        strings: list[StringValue] = []
        identifiers: set[str] = set()
        stack = [node]
        while stack:
            n = stack.pop()
            t = n.type
            if t == "call_expression" and self._reads_on_its_own(n):
                continue
            if t in ("string_literal", "concatenated_string", "raw_string_literal"):
                v = self.value_of(n) if t != "raw_string_literal" else None
                if v is not None:
                    strings.append(v)
                if t == "concatenated_string":
                    for child in n.named_children:
                        if child.type == "identifier":
                            identifiers.add((child.text or b"").decode("utf-8", "replace"))
                continue
            if t == "identifier":
                name = (n.text or b"").decode("utf-8", "replace")
                identifiers.add(name)
                d = self.unit.defines.get(name)
                if d is not None:
                    strings.append(StringValue(d.value, Span.of(n), True, d.name))
                else:
                    bound = self.binding(name, n)
                    if bound is not None:
                        strings.append(bound)
                continue
            if t == "comment":
                continue
            stack.extend(reversed(n.children))
        head = self.unit.data[node.start_byte : min(node.end_byte, node.start_byte + _TEXT_BYTES)]
        text = " ".join(head.decode("utf-8", "replace").split())
        if node.end_byte - node.start_byte > _TEXT_BYTES:
            text += " ..."
        return Argument(text, Span.of(node), tuple(strings), frozenset(identifiers))

    def _reads_on_its_own(self, call: Node) -> bool:
        """Whether the call is one :meth:`collect_calls` reads (a call of an API name)."""
        fn = call.child_by_field_name("function")
        return (
            fn is not None
            and self.named_calls.get(fn.start_byte) == call
            and (fn.text or b"").decode("utf-8", "replace") in API_NAMES
        )

    def binding(self, name: str, use: Node) -> StringValue | None:
        """The one string value a variable holds where it is used (see :class:`_Scope`):
        the function's variable of that name, else the file's; None when it is not known
        to hold exactly one string."""
        function = self.function_of(use)
        if function is not None:
            scope = self._scope(function)
            if name in scope.declared:
                return self._bound_value(scope, name)
        return self._file_value(name)

    def _file_value(self, name: str) -> StringValue | None:
        """The one string of a variable of the file, unless a function writes it."""
        value = self._bound_value(self._scope(self.root), name)
        if value is None:
            return None
        return None if self._written_in_functions(name) else value

    def _written_in_functions(self, name: str) -> bool:
        """Whether a function assigns the file's variable or gives it to a call that may
        write it (as :class:`_Scope` reads a function's own variables)."""
        if self.written_names is None:
            self.written_names = self._names_written_in_functions()
        return name in self.written_names

    def _names_written_in_functions(self) -> set[str]:
        """The file's variables holding a value that a function writes, found in one pass
        over the places their names appear (issue 18: a search of the file for each name
        was quadratic in the names, and going down the tree from its root for each place
        in the depth)."""
        candidates = {name.encode(): name for name in self._scope(self.root).values}
        written: set[str] = set()
        descent = _Descent(self.root)
        for m in _WORD.finditer(self.unit.data):
            word = candidates.get(m.group(0))
            if word is None or word in written:
                continue
            node = descent.node_at(m.start(), m.end())
            if node.type != "identifier":
                continue
            inside = self.function_of(node)
            if inside is None:
                continue  # the file's own declarations: read by _Scope
            scope = self._scope(inside)
            if word in scope.written or (word in scope.values and word not in scope.declared):
                written.add(word)
        return written

    def _scope(self, node: Node) -> _Scope:
        scope = self.scopes.get(node.id)
        if scope is None:
            scope = self.scopes[node.id] = _Scope.of(node, self.unit.defines)
        return scope

    def _bound_value(self, scope: _Scope, name: str) -> StringValue | None:
        value = scope.value(name)
        if value is None:
            return None
        if value.type == "identifier":  # a #define of strings
            d = self.unit.defines.get((value.text or b"").decode("utf-8", "replace"))
            if d is None:
                return None
            return StringValue(d.value, Span.of(value), True, d.name, via=name)
        got = self.value_of(value)
        if got is None:
            return None
        return StringValue(got.value, got.span, got.wide, got.macro, via=name)

    def collect_calls(self) -> None:
        for m in _CALL_NAME.finditer(self.unit.data):
            if m.group(0).decode() not in API_NAMES:
                continue
            call = self.named_calls.get(m.start())
            if call is None or call.id in self.seen_calls:
                continue
            self.seen_calls.add(call.id)
            if self.disabled(call):
                continue
            args_node = call.child_by_field_name("arguments")
            args = (
                tuple(self.argument(a) for a in args_node.named_children if a.type != "comment")
                if args_node is not None
                else ()
            )
            function = self.enclosing_function(call)
            self.unit.calls.append(Call(m.group(0).decode(), Span.of(call), args, function))
            if function not in self.unit.function_strings and m.group(0) in _REGISTRY_CALLS:
                self.unit.function_strings[function] = self.value_names(call)

    def value_names(self, node: Node) -> frozenset[str]:
        """The strings of the function around the node that may be registry value names
        (what a ``RTL_QUERY_REGISTRY_TABLE`` or a ``ZwQueryValueKey`` names): its string
        literals, and the strings its names stand for (a ``#define``, a variable of the
        file holding one string: ``DECLARE_CONST_UNICODE_STRING``, ``RTL_CONSTANT_STRING``,
        a ``static const WCHAR x[] = L"..."``; see :class:`_Scope`)."""
        n = self.function_of(node) if node.type != "function_definition" else node
        if n is None:
            return frozenset()
        function = n
        out: set[str] = set()
        stack = [n]
        while stack:
            x = stack.pop()
            if x.type == "string_literal":
                value, _ = _literal_value(x)
                if _VALUE_NAME.fullmatch(value):
                    out.add(value)
                continue
            if x.type == "identifier":
                name = (x.text or b"").decode("utf-8", "replace")
                d = self.unit.defines.get(name)
                if d is not None:
                    if _VALUE_NAME.fullmatch(d.value):
                        out.add(d.value)
                elif name not in self._scope(function).declared:
                    bound = self._file_value(name)
                    if bound is not None and _VALUE_NAME.fullmatch(bound.value):
                        out.add(bound.value)
                continue
            if x.type == "comment":
                continue
            stack.extend(x.children)
        return frozenset(out)

    def enclosing_function(self, node: Node) -> str:
        """The name of the function the node is in ("" at the file's level, or for a
        function whose name the grammar did not make out)."""
        n = self.function_of(node)
        if n is None:
            return ""
        decl = n.child_by_field_name("declarator")
        while decl is not None and decl.type != "function_declarator":
            decl = decl.child_by_field_name("declarator")
        if decl is not None:
            name = decl.child_by_field_name("declarator")
            if name is not None:
                return (name.text or b"").decode("utf-8", "replace")
        return ""

    def collect_define_uses(self) -> None:
        in_defines = {s.macro for s in self.unit.strings if s.in_define}
        names = {d.name.encode() for d in self.unit.defines.values() if d.name in in_defines}
        if not names:
            return
        # each word of the file looked up (an alternation of the names tried each of them
        # at each place: the names times the file), each use's node found going on from
        # the one before
        descent = _Descent(self.root)
        for m in _WORD.finditer(self.unit.data):
            if m.group(0) not in names:
                continue
            node = descent.node_at(m.start(), m.end())
            if (
                node is None
                or node.type != "identifier"
                or m.start() in self.defines_at  # the define's own name
                or self.disabled(node)
            ):
                continue
            parent = self.concatenated.get(node.id)
            if parent is not None:
                # ``KEY L"\\Services"``: a string expression of its own (found here, since
                # its literals alone may hold no path hint)
                if parent.id not in self.seen_strings and not self.disabled(parent):
                    self.seen_strings.add(parent.id)
                    value = self.value_of(parent)
                    if value is not None:
                        self.unit.strings.append(value)
                continue
            call_name = ""
            n = self.calls.at(node.start_byte)
            if n is not None and n.type == "call_expression":
                fn = n.child_by_field_name("function")
                call_name = (fn.text or b"").decode("utf-8", "replace") if fn is not None else ""
            self.unit.define_uses.append((m.group(0).decode(), Span.of(node), call_name))


_REGISTRY_PATH_PARAM = re.compile(rb"\bDriverEntry\s*\([^)]*?,[^),]*?\b(\w+)\s*\)", re.DOTALL)
#: A program's entry point defined at the start of a line (``int __cdecl main(`` or the
#: name alone on its line, the return type above it).
_MAIN = re.compile(rb"^(?:[\w \t*]*[ \t*])?(?:w?main|_tmain|w?WinMain)[ \t]*\(", re.M)
_KERNEL_HEADERS = (
    "ntddk.h",
    "wdm.h",
    "ntifs.h",
    "fltkernel.h",
    "ndis.h",
    "portcls.h",
    "storport.h",
    "ntstrsafe.h",
    "wdmsec.h",
    "ks.h",
)


def _mode(data: bytes) -> Mode:
    includes = {
        m.group(1).decode("latin-1").lower().rsplit("/", 1)[-1] for m in _INCLUDE.finditer(data)
    }
    kernel = (
        bool(includes & set(_KERNEL_HEADERS)) or re.search(rb"\bDriverEntry\s*\(", data) is not None
    )
    wdf = "wdf.h" in includes or re.search(rb"\bWdf\w+\s*\(", data) is not None
    umdf = (
        "wudfddk.h" in includes
        or re.search(rb"\b(?:UMDF_VERSION|_UMDF_|IWDF\w+)\b", data) is not None
    )
    user = bool(includes & {"windows.h", "winsvc.h", "setupapi.h", "cfgmgr32.h", "shlobj.h"})
    service = (
        re.search(
            rb"\b(?:ServiceMain|RegisterServiceCtrlHandler\w*|StartServiceCtrlDispatcher\w*)\b",
            data,
        )
        is not None
    )
    app = _MAIN.search(data) is not None
    if umdf or (user and not kernel):
        kernel = False
    return Mode(
        kernel=kernel,
        kmdf=kernel and wdf,
        umdf=umdf or (wdf and user and not kernel),
        user=user or umdf or service,
        service=service,
        app=app and not kernel,
    )


def read_source(data: bytes, path: str = "-") -> SourceUnit:
    """What the rules see of a file's bytes (see the module docstring). Never raises
    for the content: a file tree-sitter cannot make sense of gives fewer findings."""
    text = _decode(data)
    low = text.lower()
    if not any(w in low for w in PATH_HINTS) and not any(w in low for w in API_STEMS):
        return SourceUnit(path, text)
    cpp = not path.lower().endswith(_C_SUFFIXES)
    b = _Builder(path, text, cpp)
    b.collect_defines()
    b.collect_strings()
    b.collect_calls()
    b.collect_define_uses()
    b.unit.strings.sort(key=lambda s: (s.span.line, s.span.column))
    unit = b.unit
    unit.parsed = True
    unit.mode = _mode(text)
    names = {"RegistryPath"}
    for m in _REGISTRY_PATH_PARAM.finditer(text):
        names.add(m.group(1).decode("utf-8", "replace"))
    unit.registry_path_names = frozenset(names)
    return unit
