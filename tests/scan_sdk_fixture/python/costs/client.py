import requests

from costs.paths import MONTHLY as SUM

from .paths import BALANCES, BASE


def balances(session: requests.Session) -> dict:
    return session.get(BASE + BALANCES, timeout=10).json()


def monthly(session: requests.Session, cycle: str) -> dict:
    return session.get(BASE + SUM, params={"bill_cycle": cycle}, timeout=10).json()
