"""Plain HTTP calls to BSS, without the SDK."""

import httpx
import requests

ENDPOINT = "https://bss-intl.myhuaweicloud.com"
BALANCES = ENDPOINT + "/v2/accounts/customer-accounts/balances"
session = requests.Session()


def orders():
    return requests.get(ENDPOINT + "/v2/orders/customer-orders", params={"limit": 10})


def order(order_id):
    return requests.get(f"{ENDPOINT}/v2/orders/customer-orders/details/{order_id}?offset=0")


def balances():
    return session.get(BALANCES)


def pay(body):
    url = f"{ENDPOINT}/v3/orders/customer-orders/pay"
    return session.request("POST", url, json=body)


def renew(body):
    return requests.request(method="POST", url=ENDPOINT + "/v2/orders/subscriptions/resources/renew", json=body)


async def cancel_autorenew(resource_id):
    async with httpx.AsyncClient() as client:
        await client.delete(ENDPOINT + "/v2/orders/subscriptions/resources/autorenew/" + resource_id)
    await httpx.AsyncClient().delete(f"{ENDPOINT}/v2/orders/subscriptions/resources/autorenew/{resource_id}")


def bill_records(verb):
    # The method is a parameter: not knowable here, so not guessed.
    return session.request(verb, "%s/v2/bills/customer-bills/res-records/query" % ENDPOINT)


ROUTES = [
    ("POST", "/v2/orders/subscriptions/resources/unsubscribe"),
    ("GET", "/v2/orders/customer-orders/order-discounts"),
]

# Another service's API and a path that only looks alike: neither is BSS.
ECS_SERVERS = "https://ecs.ap-southeast-1.myhuaweicloud.com/v2.1/{project_id}/servers"
GATEWAY = "https://gateway.example.com/api/v2/orders/customer-orders"
