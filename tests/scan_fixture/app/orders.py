"""Plain SDK use: a star import, a builder chain, request objects.

The docstring mentions GET /v2/orders/customer-orders, which is prose, not a call.
"""

from huaweicloudsdkbss.v2 import *  # noqa: F403
from huaweicloudsdkcore.auth.credentials import GlobalCredentials


def client():
    return (
        BssClient.new_builder()
        .with_credentials(GlobalCredentials("ak", "sk"))
        .with_endpoints(["https://bss.myhuaweicloud.com"])
        .build()
    )


def list_orders():
    request = ListCustomerOrdersRequest()
    request.limit = 10
    return client().list_customer_orders(request)


def pay(order_id):
    body = PayCustomerOrderV3Req(order_id=order_id)
    return client().pay_orders(PayOrdersRequest(body=body))


def order_details(order_id):
    return BssClient.new_builder().build().show_customer_order_details(
        ShowCustomerOrderDetailsRequest(order_id=order_id)
    )
