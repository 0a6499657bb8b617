"""``python -m cli`` runs bsscheck."""

from cli.main import run

run()
