"""What a rule is and what it produces: Fixer, Diagnostic, Fix, Edit.

A fixer looks at one INF (its syntax tree and its semantic model) and yields
:class:`Diagnostic` objects; a diagnostic may carry a :class:`Fix`, a set of :class:`Edit`
objects on the immutable tree. Fixers have no side effects: no I/O, no printing, no state
kept between files. The runner (:mod:`infmigrate.engine.runner`) decides which fixes to apply.

Edits address *lines and sections by identity* (LibCST's ``deep_replace``): every line node
of a parsed tree is its own object, so "replace this line" is unambiguous even when two
lines have the same text. Two fixes conflict when they touch the same line or section; the
runner applies one and finds the other again in the next round.
"""

from __future__ import annotations

import inspect
import operator
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, cast

from infmigrate.diffs.fixtext import FixText
from infmigrate.engine.analysis import Analyses, Analysis
from infmigrate.engine.builds import WindowsVersion
from infmigrate.engine.perf import fast_constructor
from infmigrate.engine.syntax import Entry, InfFile, Section
from infmigrate.engine.syntax.nodes import Line, ends_in_continuation

if TYPE_CHECKING:
    from infmigrate.engine.model import InfModel

__all__ = [
    "Analysis",
    "Applicability",
    "Deferred",
    "Diagnostic",
    "Edit",
    "Fix",
    "FixAvailability",
    "FixContext",
    "Fixer",
    "Settings",
]


_T = TypeVar("_T")


class Applicability(Enum):
    """How safe a fix is (ruff's levels)."""

    #: Keeps the INF's meaning for every OS it installs on; applied by ``--diff``/``--write``.
    SAFE = "safe"
    #: Mechanical but changes what the package does (OS range, paths code reads...);
    #: applied only with ``--unsafe-fixes``.
    UNSAFE = "unsafe"
    #: Shown to the user as a suggestion, never applied.
    DISPLAY_ONLY = "display-only"


class FixAvailability(Enum):
    """Whether a rule can fix what it finds (declared per rule, checked by tests)."""

    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to the tree, addressed by the identity of a line or section.

    ``kind`` is one of:

    * ``replace``: the line ``target`` becomes the lines ``new`` (none: it is deleted);
    * ``insert_after``: the lines ``new`` go right after the line ``target``;
    * ``insert_section``: the sections ``new`` go after the section ``target`` (``None``:
      at the end of the file);
    * ``delete_section``: the section ``target`` (header and body) is removed.
    """

    kind: str
    target: Line | Section | None
    new: tuple[Any, ...] = ()

    @classmethod
    def replace(cls, target: Line, *new: Line) -> Edit:
        return cls("replace", target, new)

    @classmethod
    def delete(cls, target: Line) -> Edit:
        return cls("replace", target, ())

    @classmethod
    def insert_after(cls, target: Line, *new: Line) -> Edit:
        return cls("insert_after", target, new)

    @classmethod
    def insert_section(cls, after: Section | None, *new: Section) -> Edit:
        return cls("insert_section", after, new)

    @classmethod
    def delete_section(cls, target: Section) -> Edit:
        return cls("delete_section", target, ())


@dataclass(frozen=True, slots=True)
class Fix:
    """A set of edits that together make one correction."""

    #: What the fix does, imperative ("Move ... to DIRID 13").
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    #: What the edits do to the file's text, kept once the tree (and the edits) are
    #: dropped: set by :func:`infmigrate.output.fixtexts.render_fixes` for the formats that
    #: print fixes; None otherwise. Not part of the fix's identity.
    text: FixText | None = field(default=None, compare=False, repr=False)

    def targets(self) -> set[int]:
        """Identities of the lines and sections this fix touches (for conflict checks); a
        section it deletes touches its lines too (a fix editing one of them waits a round)."""
        out: set[int] = set()
        for edit in self.edits:
            if edit.target is not None:
                out.add(id(edit.target))
                if edit.kind == "delete_section" and isinstance(edit.target, Section):
                    out.add(id(edit.target.header))
                    out.update(id(line) for line in edit.target.body)
            elif edit.kind == "insert_section":
                out.add(0)  # appending at the end of the file: one at a time
        return out


class Deferred(tuple[Any, ...]):
    """A message made when it is read: ``Deferred((function, *arguments))``, the text is
    ``function(*arguments)``. A rule that reports thousands of findings, each with a long
    message of its own, keeps a function (shared) and the few strings and numbers the
    text is made of (most of them held by the tree anyway) instead of each text (issue 18:
    a finding's message was most of its memory). The function is a module-level one (a
    finding is pickled with it) and must give the same text every time."""

    __slots__ = ()

    def text(self) -> str:
        function: Callable[..., str] = self[0]
        return function(*self[1:])


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of one rule at one place of one file.

    ``message`` may be given as a :class:`Deferred`: reading it makes the text, so
    equality, hashing, the formats and ``dataclasses.replace`` all see the text."""

    code: str
    #: The rule's kebab-case name.
    name: str
    message: str
    line: int
    column: int = 1
    end_line: int = 0
    end_column: int = 0
    fix: Fix | None = None
    #: InfVerif codes this finding corresponds to, so users can map it to the signing
    #: pipeline's output.
    infverif: tuple[int, ...] = ()
    #: Other places this finding is about, as (path as shown, line, what is there): the
    #: code reading a value an INF line writes and the other way round (issue 17; SARIF
    #: ``relatedLocations``). Set after the run by :mod:`infmigrate.cli.link`.
    related: tuple[tuple[str, int, str], ...] = ()

    @property
    def fixable(self) -> bool:
        return self.fix is not None and self.fix.applicability is not Applicability.DISPLAY_ONLY

    def __reduce__(self) -> tuple[Any, ...]:
        # Tens of thousands travel from the workers in a run: a positional record is
        # smaller and loads faster than the slots dataclass's state dictionary. A deferred
        # message travels as it is (its function by reference, its few arguments).
        values = _diagnostic_values(self)
        return (_load_diagnostic, (*values[:2], _message_slot.__get__(self), *values[3:]))


#: The ``message`` slot itself: it holds a ``str`` or a :class:`Deferred`.
_message_slot: Any = Diagnostic.__dict__["message"]


def _message(self: Diagnostic) -> str:
    """The finding's message (a :class:`Deferred` one made now)."""
    message = _message_slot.__get__(self)
    return message if type(message) is str else message.text()


# ``message`` reads through the slot (and the frozen ``__init__`` writes through it):
# everything that reads a finding's message, its equality and hash included, sees text.
Diagnostic.message = property(_message, _message_slot.__set__)  # type: ignore[assignment, misc]


def _rewrites_unclosed_quote(fix: Fix) -> bool:
    """Whether the fix rewrites an entry whose quoted string is not closed: the raw text
    it keeps would swallow what the fix adds after it, so such fixes are not offered."""
    return any(
        edit.kind == "replace"
        and edit.new
        and type(edit.target) is Entry
        and edit.target.has_unclosed_quote
        for edit in fix.edits
    )


def _withheld(fix: Fix) -> str | None:
    """Why a fix is not offered (its output would not read back as the fixer built it),
    or ``None``. The last fix's answer is kept: the findings of a shared fix (one per
    list it moves, thousands for one set of joint edits) come one after the other, and
    each looked at every edit of the fix again (issue 18: quadratic in the lists)."""
    last = _LAST_WITHHELD
    if last[0] is fix:
        return cast("str | None", last[1])
    why: str | None = None
    if _rewrites_unclosed_quote(fix):
        why = "a line it would rewrite has a quoted string that is not closed, INF003"
    elif _copies_a_dangling_continuation(fix):
        why = (
            "a section it would add copies the file's last line, which ends in a "
            "continuation backslash"
        )
    last[:] = [fix, why]
    return why


#: The last fix :func:`_withheld` judged, and its answer.
_LAST_WITHHELD: list[Fix | str | None] = [None, None]


def _copies_a_dangling_continuation(fix: Fix) -> bool:
    """Whether a section the fix adds holds a line ending in a dangling continuation (a
    backslash at the very end: only the file's last line can end so, and a copy of it,
    say in a per-build or per-architecture copy of its section, would join whatever
    follows the new section), so such fixes are not offered (found by atheris)."""
    return any(
        edit.kind == "insert_section"
        and any(
            ends_in_continuation(line)
            for section in edit.new
            for line in cast(Section, section).body
        )
        for edit in fix.edits
    )


_diagnostic_values = operator.attrgetter(*(f.name for f in fields(Diagnostic)))
assert fields(Diagnostic)[2].name == "message"
#: Unpickles a :class:`Diagnostic` from its field values (its slots set directly).
_load_diagnostic = fast_constructor(Diagnostic, name="_load_diagnostic")
#: ``Diagnostic(...)`` without the frozen ``__init__``, one per finding (the same
#: constructor as unpickling uses).
_new_diagnostic = _load_diagnostic


#: Where long lines end (:func:`_extent`), by node identity: a rule may report thousands
#: of findings on one long line (a ``CopyFiles=`` line naming thousands of lists), and
#: printing the line for each of them made the check quadratic in the line's length. The
#: node is kept with its extent so that a reused identity never hits.
_EXTENTS: dict[int, tuple[Line, int, int]] = {}
_EXTENTS_LIMIT = 4096
#: Lines shorter than this are measured each time, not kept in :data:`_EXTENTS`: a short
#: line has few fields, so few findings, and keeping every finding's line (a tuple, a
#: dict slot and the node kept alive) cost as much as the finding itself (issue 18).
_EXTENTS_MIN_LENGTH = 256


#: The InfVerif codes of findings that narrow their rule's (few distinct tuples).
_INFVERIF: dict[tuple[int, ...], tuple[int, ...]] = {}


def _extent(node: Line) -> tuple[int, int]:
    """The last line and the column after the last character of a line node."""
    hit = _EXTENTS.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1], hit[2]
    text = node.code.rstrip("\r\n")
    lines = text.splitlines() or [""]
    if len(lines) > 1:
        end_line, end_column = node.line + len(lines) - 1, len(lines[-1]) + 1
    else:
        # (the node's own int: no new int object per finding)
        end_line, end_column = node.line, len(text) + 1
    if len(text) >= _EXTENTS_MIN_LENGTH:
        if len(_EXTENTS) >= _EXTENTS_LIMIT:
            _EXTENTS.clear()
        _EXTENTS[id(node)] = (node, end_line, end_column)
    return end_line, end_column


class LineRef(Protocol):
    """Anything that points at a line node through ``.entry`` (an
    :class:`~infmigrate.engine.model.EntryRef`, a registry line's ``ref``...)."""

    @property
    def entry(self) -> Line: ...


@dataclass(frozen=True, slots=True)
class Settings:
    """What the user asked for, as far as fixers and the runner are concerned."""

    #: Apply unsafe fixes too.
    unsafe_fixes: bool = False
    #: The oldest Windows the packages must still install on (``--target-windows``);
    #: None: what each INF's own Models decorations allow.
    target_windows: WindowsVersion | None = None

    def applies(self, fix: Fix | None) -> bool:
        """Whether fixing under these settings applies ``fix``: a safe one always, an
        unsafe one with ``unsafe_fixes``, a display-only one (or none) never. The runner,
        the ``[*]`` marks, the counts and the summary all ask this."""
        if fix is None:
            return False
        applicability = fix.applicability
        return applicability is Applicability.SAFE or (
            applicability is Applicability.UNSAFE and self.unsafe_fixes
        )


@dataclass
class FixContext:
    """What a fixer sees: the tree, its model (built on first use), the settings."""

    tree: InfFile
    settings: Settings = field(default_factory=Settings)
    #: The file's path for messages, or ``"-"``.
    path: str = "-"
    #: The results of the analyses the round's rules share (see :meth:`analysis`).
    _analyses: Analyses = field(default_factory=Analyses, init=False, repr=False)
    #: Called with the model when it is released (see :meth:`when_released`).
    _on_release: list[Callable[[InfModel], None]] = field(
        default_factory=list, init=False, repr=False
    )

    @cached_property
    def model(self) -> InfModel:
        from infmigrate.engine.model import build_model

        return build_model(self.tree)

    def analysis(self, provider: type[Analysis[_T]]) -> _T:
        """The result of an analysis that several rules share (one migration plan that
        five rules report on...), computed on first use and kept for the round, after the
        analyses it requires; typed as the analysis declares. See
        :mod:`infmigrate.engine.analysis`."""
        return self._analyses.get(provider, self)

    def release(self) -> None:
        """Drop the model and the shared analyses once every rule has run: the model's
        reference cycles (sections and their entries point at each other) would keep it
        until the next cyclic collection, which is paused while a file is processed, so
        each fixing round would add a model to the file's peak memory."""
        self._analyses = Analyses()
        model = self.__dict__.pop("model", None)
        if model is not None:
            from infmigrate.engine.model.build import release_model

            for read in self._on_release:
                read(model)
            release_model(model)

    def when_released(self, read: Callable[[InfModel], None]) -> None:
        """Call ``read`` with the model when :meth:`release` drops it (if a rule built
        it): a caller that needs a few facts from the model after the rules ran takes
        them then, rather than building a second model (issue 18: peak memory)."""
        self._on_release.append(read)


class Fixer:
    """Base of all rules; one subclass per module in ``infmigrate/rules/<family>/``.

    The class docstring is the rule's documentation (``infmigrate --explain CODE``) with
    ruff's headings: ``## What it does``, ``## Why is this bad?``, ``## Example`` (with a
    ``Use instead:`` part), ``## Fix safety`` and ``## References``.
    """

    #: Rule code, e.g. ``ISO001``.
    code: ClassVar[str]
    #: kebab-case name describing the pattern found (not the remedy).
    name: ClassVar[str]
    #: Default message (present tense, no final period).
    message: ClassVar[str]
    #: Imperative description of the fix, when there is one.
    fix_title: ClassVar[str | None] = None
    availability: ClassVar[FixAvailability] = FixAvailability.NONE
    #: InfVerif codes of the findings.
    infverif: ClassVar[tuple[int, ...]] = ()

    def check(self, ctx: FixContext) -> Iterator[Diagnostic]:
        """Yield the diagnostics for one file."""
        raise NotImplementedError

    @classmethod
    def docs(cls) -> str:
        """The rule's documentation (the class docstring, dedented)."""
        return inspect.cleandoc(cls.__doc__ or "")

    def diagnostic(
        self,
        at: Line | LineRef,
        message: str | Deferred | None = None,
        fix: Fix | None = None,
        column: int = 1,
        infverif: tuple[int, ...] | None = None,
    ) -> Diagnostic:
        """A diagnostic of this rule at a line node (or a :class:`LineRef` to one);
        ``infverif`` narrows the rule's InfVerif codes to those of this finding.
        ``message``: its text, or a :class:`Deferred` one for a rule that may report
        thousands of findings with a text of their own."""
        node = cast(Line, getattr(at, "entry", at))  # a line node has no .entry
        withheld = _withheld(fix) if fix is not None else None
        if withheld is not None:
            fix = None
            text = message.text() if isinstance(message, Deferred) else message
            message = f"{text or self.message} (not fixed automatically: {withheld})"
        end_line, end_column = _extent(node)
        if infverif is None:
            infverif = self.infverif
        elif infverif:
            # one tuple per distinct set of codes, not one per finding
            infverif = _INFVERIF.setdefault(infverif, infverif)
        return _new_diagnostic(
            self.code,
            self.name,
            # a text is interned: a finding left after fixing has the same text as before,
            # and one string object pickles (to the parent process) once; a Deferred is
            # kept as it is (the message slot takes either)
            (sys.intern(message) if type(message) is str else cast(str, message))
            if message
            else self.message,
            node.line,
            column,
            end_line,
            end_column,
            fix,
            infverif,
        )

    def make_fix(
        self,
        *edits: Edit,
        title: str | None = None,
        applicability: Applicability = Applicability.SAFE,
    ) -> Fix:
        """A fix of this rule, titled with ``fix_title`` unless given. An edit of a line in
        a section the fix also deletes is left out: the line goes with its section."""
        gone = {
            id(line)
            for edit in edits
            if edit.kind == "delete_section" and isinstance(edit.target, Section)
            for line in (edit.target.header, *edit.target.body)
        }
        if gone:
            edits = tuple(
                e for e in edits if e.kind == "delete_section" or id(e.target) not in gone
            )
        return Fix(title or self.fix_title or self.message, tuple(edits), applicability)
