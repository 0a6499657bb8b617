#!/usr/bin/env python3
"""Regenerate permtable/data/sdk_operations.json from the official Huawei Cloud BSS SDKs.

Maintainers run this when the SDKs change; the generated map is committed and the SDKs are not
runtime dependencies. Every client class of ``huaweicloudsdkbss`` and ``huaweicloudsdkbssintl``
has, per operation, a classmethod ``_<operation>_http_info(request)`` that returns the HTTP
method and resource path without any network: the honest source of the operation-to-path map.

    python -m venv /tmp/sdk && /tmp/sdk/bin/pip install huaweicloudsdkbss huaweicloudsdkbssintl
    /tmp/sdk/bin/python scripts/build_sdk_map.py
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import json
import re
import sys
from pathlib import Path

SDKS = ("huaweicloudsdkbss", "huaweicloudsdkbssintl")
OUTPUT = Path(__file__).resolve().parent.parent / "permtable" / "data" / "sdk_operations.json"
HTTP_INFO = re.compile(r"^_(?P<operation>[a-z0-9_]+)_http_info$")


def client_classes(package: str) -> list[type]:
    """The synchronous and asynchronous client classes of every API version of an SDK."""
    root = importlib.import_module(package)
    classes = []
    for version_dir in sorted(Path(root.__file__).parent.iterdir()):
        if not (version_dir / "__init__.py").exists() or not version_dir.name.startswith("v"):
            continue
        module = importlib.import_module(f"{package}.{version_dir.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and name.endswith("Client") and value.__module__.startswith(package):
                classes.append(value)
    return classes


def operations(package: str) -> list[dict[str, str]]:
    version = importlib.metadata.version(package)
    found: dict[tuple[str, str], dict[str, str]] = {}
    for client in client_classes(package):
        model = importlib.import_module(client.__module__.rsplit(".", 1)[0] + ".model")
        for attribute in dir(client):
            match = HTTP_INFO.match(attribute)
            if not match:
                continue
            operation = match["operation"]
            request_name = "".join(part.capitalize() for part in operation.split("_")) + "Request"
            request_class = getattr(model, request_name, None)
            if request_class is None:
                raise SystemExit(f"{package}: no request class {request_name} for {operation}")
            member = inspect.getattr_static(client, attribute)
            if isinstance(member, classmethod):
                info = getattr(client, attribute)(request_class())
            else:
                # Async clients define it as a plain method that never touches self.
                info = member(None, request_class())
            if info["request_type"] != request_name:
                raise SystemExit(f"{package}: {operation} reports request type {info['request_type']}")
            key = (operation, client.__module__.split(".")[1])
            found[key] = {
                "operation": operation,
                "request": request_name,
                "method": info["method"].upper(),
                "path": info["resource_path"],
                "sdk": package,
                "sdk_version": version,
                "api_version": client.__module__.split(".")[1],
            }
    return sorted(found.values(), key=lambda item: (item["operation"], item["api_version"]))


def main() -> int:
    entries = [entry for package in SDKS for entry in operations(package)]
    document = {
        "generated_by": "scripts/build_sdk_map.py",
        "sdks": {package: importlib.metadata.version(package) for package in SDKS},
        "operations": entries,
    }
    OUTPUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(entries)} operations to {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
