"""A small BSS client for the ops scripts: requests underneath, paths kept on the class."""

from __future__ import annotations

import requests

from . import paths


def request(session: requests.Session, url: str, method: str = "GET", **kwargs):
    """Every call goes through here so that retries and logging stay in one place."""
    return session.request(method, url, timeout=30, **kwargs)


class BssApi:
    ENDPOINT = "https://bss.myhuaweicloud.com"
    BALANCES = "/v2/accounts/customer-accounts/balances"

    def __init__(self, session: requests.Session, client):
        self.session = session
        self.client = client
        self.monthly_sum = self.ENDPOINT + "/v2/bills/customer-bills/monthly-sum"

    def _get(self, path: str, **params):
        return self.session.get(self.ENDPOINT + path, params=params)

    def _post(self, path: str, body: dict):
        return self.session.post(self.ENDPOINT + path, json=body)

    def balances(self):
        return self._get(self.BALANCES)

    def monthly(self, cycle: str):
        return request(self.session, self.monthly_sum, params={"bill_cycle": cycle})

    def coupons(self):
        return request(self.session, self.ENDPOINT + paths.COUPONS)

    def resources(self, ids: list[str]):
        return self._post(paths.RESOURCES, {"resource_ids": ids})

    def pay(self, order_id: str):
        return self.client.post(uri="/v3/orders/customer-orders/pay", json={"order_id": order_id})

    def set_frozen(self, customer_id: str, frozen: bool):
        action = "freeze" if frozen else "unfreeze"
        return self._post(f"/v2/partners/sub-customers/{action}", {"customer_ids": [customer_id]})

    def release_all(self, order_id: str):
        for step in ("cancel", "delete"):
            self.session.request("POST", f"{self.ENDPOINT}/v2/orders/customer-orders/{step}")
