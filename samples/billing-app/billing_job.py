"""A nightly billing job, as a sample for ``bsscheck scan`` and ``--from-source``.

It is never run by the tests; bsscheck only reads it.
"""

import os

import requests
from huaweicloudsdkbss.v2 import (
    BssClient,
    ListCustomerOrdersRequest,
    PayOrdersRequest,
    ShowCustomerAccountBalancesRequest,
)
from huaweicloudsdkcore.auth.credentials import GlobalCredentials

ENDPOINT = "https://bss.myhuaweicloud.com"


def client():
    credentials = GlobalCredentials(os.environ["HUAWEICLOUD_AK"], os.environ["HUAWEICLOUD_SK"])
    return BssClient.new_builder().with_credentials(credentials).with_endpoints([ENDPOINT]).build()


def pending_orders(bss):
    return bss.list_customer_orders(ListCustomerOrdersRequest(status=2)).order_infos


def pay(bss, order_ids):
    request = PayOrdersRequest()
    request.body = {"order_id": order_ids[0], "use_coupon": "NO", "use_discount": "NO"}
    return bss.pay_orders(request)


def balances(bss):
    return bss.show_customer_account_balances(ShowCustomerAccountBalancesRequest())


def renew(token, resource_ids):
    return requests.post(
        f"{ENDPOINT}/v2/orders/subscriptions/resources/renew",
        headers={"X-Auth-Token": token},
        json={"resource_ids": resource_ids, "period_type": 2, "period_num": 1, "is_auto_pay": 1},
        timeout=30,
    )
