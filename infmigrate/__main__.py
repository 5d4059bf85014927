"""``python -m infmigrate``."""

from .cli import main

main()
