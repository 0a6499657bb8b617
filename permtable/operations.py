"""SDK operation names as API names: ``list_customer_orders``, ``ListCustomerOrders`` and
``ListCustomerOrdersRequest`` all name ``GET /v2/orders/customer-orders``.

The map is generated from the official SDKs by ``scripts/build_sdk_map.py`` and committed as
``data/sdk_operations.json``; it is read on first use only, so commands that never meet an
operation name never pay for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from permtable.textdistance import closest

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True, slots=True)
class Operation:
    """An SDK operation and the API it calls, as the SDK client builds the request."""

    name: str  # snake_case, as the SDK client method is called
    request: str  # the request class, e.g. ListCustomerOrdersRequest
    method: str
    path: str
    sdks: tuple[str, ...]  # "huaweicloudsdkbss 3.1.219", ...


@dataclass(frozen=True, slots=True)
class OperationMap:
    """Every operation of the SDKs, by snake_case name, and the SDK versions read."""

    operations: dict[str, Operation]
    sdks: dict[str, str]


def snake_name(name: str) -> str:
    """``ListCustomerOrdersRequest`` / ``ListCustomerOrders`` / ``list_customer_orders`` ->
    ``list_customer_orders``."""
    base = name[: -len("Request")] if name.endswith("Request") and name != "Request" else name
    if "_" in base or base.islower():
        return base.lower()
    return _CAMEL_BOUNDARY.sub("_", base).lower()


@cache
def operation_map() -> OperationMap:
    from importlib import resources  # noqa: PLC0415  (only when an operation name is met)

    text = (resources.files("permtable") / "data" / "sdk_operations.json").read_text("utf-8")
    document = json.loads(text)
    merged: dict[str, Operation] = {}
    for item in document["operations"]:
        sdk = f"{item['sdk']} {item['sdk_version']}"
        known = merged.get(item["operation"])
        if known is None:
            merged[item["operation"]] = Operation(
                item["operation"], item["request"], item["method"], item["path"], (sdk,)
            )
        elif sdk not in known.sdks:
            merged[item["operation"]] = Operation(
                known.name, known.request, known.method, known.path, (*known.sdks, sdk)
            )
    return OperationMap(merged, dict(document["sdks"]))


def lookup(name: str) -> Operation | None:
    return operation_map().operations.get(snake_name(name))


def suggest(name: str) -> list[str]:
    return closest(snake_name(name), operation_map().operations, max_distance=3)
