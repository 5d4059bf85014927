"""Code rules (ISO100-ISO119): C/C++ driver sources that break driver package isolation
(absolute registry and file paths, device-interface snapshots, System32 loads). They read
:class:`~infmigrate.sources.reader.SourceUnit` objects, are report-only, and share the
advice table of :mod:`._advice` (APIs, doc pages, first releases)."""
