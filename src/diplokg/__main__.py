"""``python -m diplokg`` runs the command line."""

from .cli import main

main()
