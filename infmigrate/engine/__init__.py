"""The INF engine: everything that works on one file's bytes, with no file system and no
command line.

Data flows one way, down this list:

* :mod:`.syntax`: bytes -> the lossless concrete syntax tree (parsimonious grammar) -> bytes;
* :mod:`.model`: what the tree means (sections reached from the models, file lists,
  destinations, registry writes, services, string expansion);
* the rule framework: :mod:`.fixer` (the ``Fixer`` base class, diagnostics, edits),
  :mod:`.analysis` (analyses several rules share, typed, computed once per round),
  :mod:`.edits` (building new entries and sections), :mod:`.fields` (editing an entry's
  fields), :mod:`.clone` (copying sections and install trees under a platform
  decoration), :mod:`.runner` (check and the fix loop), :mod:`.suppression` (``; noqa``),
  :mod:`.problems` (the INF0xx syntax and encoding findings), :mod:`.catalog` (finding
  rules: built-in and entry-point packs), :mod:`.selection` (``--select``/``--ignore``
  and the code-prefix rule), :mod:`.ruledocs` (``--explain``);
* :mod:`.processing`: one file's whole pass (parse, check, fix, verify, diff).

:mod:`.perf` (the GC pause, fast constructors of frozen dataclasses) imports nothing from
infmigrate: every layer may use it.

The built-in rules are in :mod:`infmigrate.rules`, above this layer.
"""
