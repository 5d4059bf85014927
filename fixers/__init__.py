# SPDX: built-in fixers of infmigrate, one rule per module.
"""Built-in fixers, one rule per module (see ISSUE 3 for the framework)."""
