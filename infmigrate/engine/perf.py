"""Two CPython speed helpers that the engine's hot paths share.

* :func:`gc_paused`: the cyclic garbage collector paused for a block of work. Parsing,
  building the model and processing one file allocate many small objects that live until
  the block ends; CPython starts a collection every 700 container allocations, and each
  one walks those objects again, for nothing (it halves the model's build time on large
  files, and saves about a tenth of a whole-corpus check). Nested pauses are free: only
  the outermost one turns the collector back on.
* :func:`fast_constructor` and :func:`slot_setter`: making frozen ``slots`` dataclass
  objects without their ``__init__``, which sets every field through
  ``object.__setattr__`` (the price of ``frozen=True``). The model makes one
  :class:`~infmigrate.engine.model.EntryRef` per entry of a file and one
  :class:`~infmigrate.engine.model.RegLine` per registry line, and the workers send tens of
  thousands of diagnostics to the parent process; each is made by a function that sets the
  slots through their member descriptors. The classes stay frozen to everyone else.

This module imports nothing from infmigrate: every layer may use it.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

__all__ = ["fast_constructor", "gc_paused", "slot_setter"]

_P = ParamSpec("_P")
_T = TypeVar("_T")
_Obj = TypeVar("_Obj")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block (when it is enabled; a
    pause inside a pause does nothing). Reference counting still frees what is not kept;
    the cycles the block leaves are collected by the first collection after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def slot_setter(cls: type[_Obj], name: str) -> Callable[[_Obj, object], None]:
    """The ``__set__`` of the member descriptor of slot ``name`` of ``cls``: sets that
    field of an object, frozen or not (for a field filled in after construction, such
    as a lazily built index). Annotate the variable it is bound to with the value type,
    ``Callable[[Cls, ValueType], None]``, and mypy checks every call against it."""
    if name not in getattr(cls, "__slots__", ()):
        raise TypeError(f"{cls.__name__} has no slot {name!r}")
    setter: Callable[[_Obj, object], None] = getattr(cls, name).__set__
    return setter


def fast_constructor(cls: Callable[_P, _T], *, name: str | None = None) -> Callable[_P, _T]:
    """A function that makes ``cls`` objects as ``cls(...)`` does, with the same
    parameters and defaults (mypy sees the signature of its ``__init__``), setting the
    slots directly.

    ``cls`` is a ``slots=True`` dataclass without ``__post_init__`` or default factories.
    The function is generated, as :mod:`dataclasses` generates ``__init__``: one straight
    line of slot stores, no loop. ``name`` is the module-level name it is bound to, when
    it must be picklable by reference (an unpickling function given by ``__reduce__``).
    """
    if not isinstance(cls, type) or not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    slots = getattr(cls, "__slots__", ())
    params: list[str] = []
    namespace: dict[str, Any] = {"_object_new": object.__new__, "_cls": cls}
    body = ["    obj = _object_new(_cls)"]
    for i, f in enumerate(dataclasses.fields(cls)):
        if f.name not in slots or not f.init:
            raise TypeError(f"{cls.__name__}.{f.name} is not an init slot")
        if f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name} has a default factory")
        namespace[f"_set{i}"] = getattr(cls, f.name).__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        body.append(f"    _set{i}(obj, {f.name})")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__")
    func_name = name or f"new_{cls.__name__}"
    source = "\n".join([f"def {func_name}({', '.join(params)}):", *body, "    return obj"])
    exec(source, namespace)  # the code is made above, from the class's own field names
    made: Callable[_P, _T] = namespace[func_name]
    made.__module__ = cls.__module__
    made.__doc__ = f"``{cls.__name__}(...)``, without the frozen dataclass ``__init__``."
    return made
