"""Finding the rules: registration, discovery, selection by code prefix."""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import TYPE_CHECKING

from infmigrate._dists import declares_entry_points
from infmigrate.engine.fixer import Fixer

if TYPE_CHECKING:
    from importlib.metadata import EntryPoints

__all__ = ["RuleError", "all_rules", "register", "rule"]

_RULES: dict[str, type[Fixer]] = {}
_CODE = re.compile(r"[A-Z]{3}\d{3}")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_loaded = False


class RuleError(ValueError):
    """A rule is declared wrongly, or a selection names no rule."""


def register(cls: type[Fixer]) -> type[Fixer]:
    """Class decorator: make a fixer known under its code."""
    code = getattr(cls, "code", "")
    if not _CODE.fullmatch(code):
        raise RuleError(f"{cls.__name__}: code {code!r} is not of the form ABC123")
    if not _NAME.fullmatch(getattr(cls, "name", "")):
        raise RuleError(f"{cls.__name__}: name must be kebab-case")
    other = _RULES.get(code)
    if other is not None and other is not cls and other.__qualname__ != cls.__qualname__:
        raise RuleError(f"{code} is registered twice: {other.__name__} and {cls.__name__}")
    _RULES[code] = cls
    return cls


#: The package of the built-in rules (one folder per family, one rule per module).
BUILTIN = "infmigrate.rules"


def _load() -> None:
    """Import every module of the built-in rules (:data:`BUILTIN`, each family folder) and
    of installed rule packs (entry point group ``infmigrate.fixers``, one entry per pack,
    naming a package whose modules, and subpackages', are imported)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    packages = {BUILTIN: "the built-in rules"}
    # importlib.metadata (slow to import) only when some distribution declares the group
    group = "infmigrate.fixers"
    found = () if not declares_entry_points(group) else _entry_points(group)
    for ep in found:
        origin = f" of {ep.dist.name}" if ep.dist is not None else ""
        packages.setdefault(ep.value, f"rule pack {ep.name!r}{origin} (entry point {ep.value!r})")
    for name in sorted(packages):
        try:
            package = importlib.import_module(name)
            for info in pkgutil.walk_packages(package.__path__, name + "."):
                importlib.import_module(info.name)
        except ImportError as exc:
            # A pack that is not importable (uninstalled package, stale metadata of an
            # older install) is a set-up problem to name, not an internal error.
            _loaded = False
            raise RuleError(
                f"{packages[name]} cannot be imported: {exc}; reinstall or uninstall "
                "the distribution that declares it"
            ) from exc


def _entry_points(group: str) -> EntryPoints:
    from importlib.metadata import entry_points

    return entry_points(group=group)


def all_rules() -> list[type[Fixer]]:
    """Every known rule, by code."""
    _load()
    return [_RULES[code] for code in sorted(_RULES)]


def rule(code: str) -> type[Fixer]:
    """The rule with this code (case-insensitive), or RuleError."""
    _load()
    try:
        return _RULES[code.upper()]
    except KeyError:
        raise RuleError(f"unknown rule code {code!r}") from None
