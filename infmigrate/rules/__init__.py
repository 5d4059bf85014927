"""The built-in rules, one rule per module, grouped by family:

* :mod:`.placement`: file placement, codes ISO001-ISO019;
* :mod:`.registry`: registry state, codes ISO020-ISO049;
* :mod:`.directives`: directives and declarative checks, codes ISO050-ISO069.

Every module of these folders is imported by :mod:`infmigrate.engine.catalog`, which is how a
rule becomes known (its class is decorated with ``@register``). Third-party rule packs
are found through the ``infmigrate.fixers`` entry-point group. CONTRIBUTING.md, at the root
of the repository, is the guide to writing a rule (and a rule pack).
"""
