"""The declarative base of the report-only registry rules (rules/registry/_location_rule.py):
every rule built on it declares what it reports and how to word it."""

from __future__ import annotations

from infmigrate.engine.catalog import all_rules
from infmigrate.rules.registry._location_rule import LocationRule
from infmigrate.rules.registry._registry_writes import Kind


def _location_rules() -> list[type[LocationRule]]:
    return [cls for cls in all_rules() if issubclass(cls, LocationRule)]


def test_location_rules_declare_kinds_and_wording() -> None:
    rules = _location_rules()
    assert rules
    for cls in rules:
        assert cls.kinds and all(isinstance(k, Kind) for k in cls.kinds), cls.code
        assert cls.location or cls.location_of is not LocationRule.location_of, cls.code
        assert (
            cls.instead
            or cls.instead_of is not LocationRule.instead_of
            or cls.check is not LocationRule.check
        ), cls.code
        assert cls.infverif == (1320, 1321), cls.code


def test_each_kind_of_location_is_one_rules() -> None:
    owners: dict[Kind, str] = {}
    for cls in _location_rules():
        for kind in cls.kinds:
            assert kind not in owners, (kind, owners.get(kind), cls.code)
            owners[kind] = cls.code
