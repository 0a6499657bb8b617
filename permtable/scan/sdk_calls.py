"""Calls to Huawei's Go and Java BSS SDKs, read from the source text.

The Go SDK (``github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2``, ``.../bssintl/v2``)
and the Java SDK (``com.huaweicloud.sdk.bss.v2.BssClient``, ``...bssintl.v2.BssintlClient``)
name their operations as the Python SDK does: ``ListCustomerOrders`` (Go), ``listCustomerOrders``
and the invoker ``listCustomerOrdersInvoker`` (Java) are ``list_customer_orders`` in the
operation map (``permtable.operations``), which gives the method and path.

Only files that import the SDK are read, and a call counts only where the code shows it is the
SDK's: the receiver is a BSS client (a variable or field built or typed as one, a getter
returning one, or a name saying ``bss``), or the file builds the operation's request type
(``model.ListCustomerOrdersRequest``) and does not define a method of that name itself. A
project's own ``ListCustomerOrders`` on its own type stays silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from permtable.operations import Operation, lookup

GO_IMPORT = re.compile(
    r'"github\.com/huaweicloud/huaweicloud-sdk-go-v3/services/(?:bss|bssintl)/v2(?:/model)?"'
)
JAVA_IMPORT = re.compile(r"\bcom\.huaweicloud\.sdk\.(?:bss|bssintl)\.v2\b")

_GO_OWN_METHOD = re.compile(r"^\s*func\s*\([^)]*\)\s*([A-Z]\w*)\s*\(", re.MULTILINE)
_GO_CLIENT_VAR = re.compile(r"\b(\w+)\s*(?::=|=)\s*[\w.]*New(?:Bss|Bssintl)Client\s*\(")
_GO_CLIENT_FIELD = re.compile(r"\b(\w+)\s+\*?(?:[\w]+\.)?(?:Bss|Bssintl)Client\b")
_GO_CALL = re.compile(r"([\w.\[\]()]*?)\.([A-Z]\w*)\s*\(")

_JAVA_OWN_METHOD = re.compile(
    r"(?:public|protected|private|static|final|synchronized|\s)+[\w<>\[\],.? ]+?\s+(\w+)\s*\([^;{)]*\)\s*"
    r"(?:throws\s+[\w., ]+)?\s*\{"
)
_JAVA_CLIENT_VAR = re.compile(r"\b(?:Bss|Bssintl)Client\s+(\w+)\s*[=;,)]")
_JAVA_CLIENT_GETTER = re.compile(r"\b(?:Bss|Bssintl)Client\s+(\w+)\s*\(")
_JAVA_CALL = re.compile(r"([\w.()]*?)\.(\w+)\s*\(")
_JAVA_REFERENCE = re.compile(r"(\w+)::(\w+)\b")


@dataclass(frozen=True, slots=True)
class SdkCall:
    operation: Operation
    line: int
    column: int


def scan_go(text: str) -> list[SdkCall]:
    if not GO_IMPORT.search(text):
        return []
    own = set(_GO_OWN_METHOD.findall(text))
    clients = set(_GO_CLIENT_VAR.findall(text)) | set(_GO_CLIENT_FIELD.findall(text))
    found = []
    for match in _GO_CALL.finditer(text):
        name = match[2]
        operation = lookup(name)
        if operation is None or _pascal(operation.name) != name:
            continue
        if _is_sdk_call(match[1], name, text, own, clients, f"{name}Request"):
            found.append(_at(text, operation, match.start(2)))
    return found


def scan_java(text: str) -> list[SdkCall]:
    if not JAVA_IMPORT.search(text):
        return []
    own = set(_JAVA_OWN_METHOD.findall(text))
    clients = set(_JAVA_CLIENT_VAR.findall(text)) | {
        f"{name}()" for name in _JAVA_CLIENT_GETTER.findall(text)
    }
    found = []
    for receiver, name, start in _java_calls(text):
        base = name[: -len("Invoker")] if name.endswith("Invoker") else name
        operation = lookup(base)
        if operation is None or _camel(operation.name) != base:
            continue
        own_names = own - {name} if name in clients else own
        if _is_sdk_call(receiver, base, text, own_names, clients, f"{_pascal(operation.name)}Request"):
            found.append(_at(text, operation, start))
    return found


def _java_calls(text: str) -> Iterator[tuple[str, str, int]]:
    for match in _JAVA_CALL.finditer(text):
        yield match[1], match[2], match.start(2)
    for match in _JAVA_REFERENCE.finditer(text):
        yield match[1], match[2], match.start(2)


def _is_sdk_call(receiver: str, name: str, text: str, own: set[str], clients: set[str], request: str) -> bool:
    """Whether a call named like an operation is the SDK's (see the module's docstring)."""
    tail = receiver.rsplit(".", 1)[-1]
    if tail in clients or receiver in clients or any(receiver.endswith(client) for client in clients):
        return True
    if "bss" in receiver.lower():
        return True
    return request in text and name not in own


def _at(text: str, operation: Operation, offset: int) -> SdkCall:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return SdkCall(operation, line, column)


def _pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def _camel(snake: str) -> str:
    pascal = _pascal(snake)
    return pascal[:1].lower() + pascal[1:]
