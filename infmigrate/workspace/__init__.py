"""The workspace: which files a run sees and with which settings.

:mod:`.config` (``pyproject.toml`` / ``infmigrate.toml``), :mod:`.discovery` (walking the
paths given), :mod:`.gitignore`, the files skipped with a note (:mod:`.edk2`, :mod:`.win9x`),
and the results cache (:mod:`.cache`, authenticated with the key of :mod:`.cachekey`)."""
