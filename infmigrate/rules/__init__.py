"""The built-in rules, one rule per module, grouped by family:

* :mod:`.placement`: file placement, ISO001-ISO015;
* :mod:`.registry`: registry state, ISO020-ISO042;
* :mod:`.directives`: directives and declarative checks, ISO050-ISO059.

Every module of these folders is imported by :mod:`infmigrate.engine.catalog`, which is how a
rule becomes known (its class is decorated with ``@register``). Third-party rule packs
are found through the ``infmigrate.fixers`` entry-point group (see the README).
"""
