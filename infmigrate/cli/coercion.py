"""Typer's option values without pydantic when there is nothing to validate.

Typer (0.2x) converts every option value that is not a plain flag through a pydantic
``TypeAdapter`` that it builds on first use: importing pydantic and building the adapters
of the options at their defaults cost about a third of a small run (issue 16, start-up).
For the values that need no validation (an option left at its default, a string for a
``str`` option, strings for a ``list[str]`` argument, an enum member or a digit string
within the bounds...), :func:`fast_values` gives typer the same result directly; any other
value goes to typer's own adapter as before, so errors and their messages are typer's.

Typer still declares and parses the whole command line: this only seeds the per-option
converter that typer builds lazily (``_TyperParameter._runtime_param``). With a typer
that has no such hook (older releases convert through click, without pydantic), it does
nothing.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["fast_values"]

_SKIP = object()


class _Hooks(NamedTuple):
    parameter_class: type[Any]
    runtime_param: type[Any]
    build_runtime_param: Any
    coerce_choice: Any
    coerce_path: Any


def _typer_hooks() -> _Hooks | None:
    """The parts of typer used here, or None when this typer has other internals."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer._param_types import coerce_cli_choice, coerce_cli_path
        from typer.core import _TyperParameter
    except ImportError:  # pragma: no cover - another typer
        return None
    return _Hooks(
        _TyperParameter, RuntimeParam, build_runtime_param, coerce_cli_choice, coerce_cli_path
    )


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _quick(descriptor: Any, value: Any, param: Any, ctx: Any, hooks: _Hooks) -> Any:
    """The value typer's adapter would give, or :data:`_SKIP` when it must decide."""
    annotation = descriptor.annotation
    info = descriptor.parameter_info
    coerce_choice, coerce_path = hooks.coerce_choice, hooks.coerce_path
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None):
        return _SKIP
    if annotation is str:
        return value if type(value) is str else _SKIP
    if annotation == list[str]:
        if isinstance(value, list | tuple) and all(type(v) is str for v in value):
            return list(value)
        return _SKIP
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        if isinstance(value, annotation):
            return value
        if type(value) is not str:
            return _SKIP
        try:  # typer's own matching (what its adapter calls), without the adapter
            return coerce_choice(
                value, choices=tuple(annotation), case_sensitive=info.case_sensitive, ctx=ctx
            )
        except ValueError:
            return _SKIP
    if annotation is int:
        if type(value) is not str or not _digits(value) or info.clamp:
            return _SKIP
        number = int(value)
        if (info.min is not None and number < info.min) or (
            info.max is not None and number > info.max
        ):
            return _SKIP
        return number
    if annotation is Path and type(value) is str and value:
        if getattr(info, "path_type", None) is not None:
            return _SKIP
        return coerce_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    return _SKIP


def fast_values(command: Any) -> None:
    """Seed the value converter of each typer parameter of ``command`` (a click command
    built by :func:`typer.main.get_command`) with one that skips pydantic when it can."""
    found = _typer_hooks()
    if found is None:
        return
    hooks = found
    build_runtime_param = hooks.build_runtime_param

    class _Quick(hooks.runtime_param):  # type: ignore[misc,name-defined]
        """typer's RuntimeParam contract; builds typer's own converter only when needed."""

        def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
            if value is not None:
                got = _quick(param.type_descriptor, value, param, ctx, hooks)
                if got is not _SKIP:
                    return got
                real = build_runtime_param(param.type_descriptor)
                param._runtime_param = real
                return real.coerce(value, param=param, ctx=ctx)
            return super().coerce(value, param, ctx)  # None: () or None, as typer does

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            raise AssertionError("unreachable: coerce() handles every value")

    def seed(param: Any) -> None:
        if isinstance(param, hooks.parameter_class) and getattr(param, "_runtime_param", 0) is None:
            try:
                descriptor = param.type_descriptor
                if descriptor.file_annotation is None:
                    param._runtime_param = _Quick(
                        parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
                    )
            except (AttributeError, TypeError):  # pragma: no cover - another typer
                return  # typer converts this value itself

    for param in getattr(command, "params", ()):
        seed(param)
    help_option = getattr(command, "get_help_option", None)
    if help_option is not None:  # -h/--help: made by click when a context first asks

        def get_help_option(ctx: Any) -> Any:
            option = help_option(ctx)
            seed(option)
            return option

        setattr(command, "get_help_option", get_help_option)  # noqa: B010
