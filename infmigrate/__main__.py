"""``python -m infmigrate``."""

from infmigrate.cli import main

main()
