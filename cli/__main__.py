"""``python -m cli`` runs bsscheck, as the installed command does."""

from cli.main import console

console()
