"""Diffs: the line diff of two texts (:mod:`.linediff`) and the checked unified diff of a
fix (:mod:`.unified`, made with difflib and read back with unidiff). Depends on nothing
else of infmigrate."""
