"""The SDK operation map (permtable/data/sdk_operations.json): complete and consistent.

The map is generated from the official SDKs by scripts/build_sdk_map.py and committed, because
the SDKs are not dependencies (they pull a large tree). Two kinds of test:

- always: the committed map is internally consistent (every operation has a method, a path and
  its request class; both SDKs and their versions are recorded; one operation, one API);
- where the SDKs are installed (``pip install huaweicloudsdkbss huaweicloudsdkbssintl``): the
  map is exactly what the generator reads from every client class of both SDKs, sync and async.
  CI does not install them, so there this test is skipped.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

from permtable.apis import METHODS
from permtable.operations import operation_map

ROOT = Path(__file__).resolve().parents[2]
SDKS = ("huaweicloudsdkbss", "huaweicloudsdkbssintl")
OPERATIONS = 103  # distinct operations across both SDKs (3.1.219)


def _document() -> dict:
    text = (resources.files("permtable") / "data" / "sdk_operations.json").read_text("utf-8")
    return json.loads(text)


def test_the_committed_map_records_both_sdks_and_their_versions():
    document = _document()
    assert set(document["sdks"]) == set(SDKS)
    for entry in document["operations"]:
        assert document["sdks"][entry["sdk"]] == entry["sdk_version"], entry
    assert {entry["sdk"] for entry in document["operations"]} == set(SDKS)


def test_the_committed_map_is_consistent():
    document = _document()
    apis: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for entry in document["operations"]:
        assert entry["method"] in METHODS, entry
        assert entry["path"].startswith("/v"), entry
        assert entry["request"] == "".join(p.capitalize() for p in entry["operation"].split("_")) + "Request"
        apis[entry["operation"]].add((entry["method"], entry["path"]))
    assert len(apis) == OPERATIONS
    # An operation means one API in whichever SDK has it, and no two operations share an API.
    assert all(len(found) == 1 for found in apis.values()), {k: v for k, v in apis.items() if len(v) > 1}
    assert len({next(iter(found)) for found in apis.values()}) == OPERATIONS


def test_the_loaded_map_merges_the_sdks():
    loaded = operation_map()
    assert len(loaded.operations) == OPERATIONS
    assert loaded.sdks == _document()["sdks"]
    both = [op for op in loaded.operations.values() if len(op.sdks) == 2]
    assert both, "operations present in both SDKs carry both"
    for operation in loaded.operations.values():
        assert all(sdk.split()[0] in SDKS for sdk in operation.sdks)


def _generator():
    spec = importlib.util.spec_from_file_location("build_sdk_map", ROOT / "scripts" / "build_sdk_map.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("package", SDKS)
def test_the_map_covers_every_operation_of_the_installed_sdk(package):
    pytest.importorskip(package, reason=f"{package} is not installed (pip install {package})")
    installed = importlib.metadata.version(package)
    recorded = _document()["sdks"][package]
    if installed != recorded:
        pytest.skip(f"{package} {installed} is installed; the map was generated from {recorded}")
    generated = _generator().operations(package)
    committed = [entry for entry in _document()["operations"] if entry["sdk"] == package]
    assert generated == committed
    # ...and every client class, sync and async, exposes exactly these operations.
    generator = _generator()
    for client in generator.client_classes(package):
        names = {name[1:-10] for name in dir(client) if name.startswith("_") and name.endswith("_http_info")}
        assert names <= {entry["operation"] for entry in committed}, client
        assert names, client


def test_the_map_covers_every_operation_of_both_sdks_together():
    for package in SDKS:
        pytest.importorskip(package, reason=f"{package} is not installed")
    generator = _generator()
    names = {entry["operation"] for package in SDKS for entry in generator.operations(package)}
    assert names == set(operation_map().operations)


@pytest.mark.parametrize("package", SDKS)
def test_scanning_the_sdk_source_finds_the_same_apis(package):
    """An independent reading: the SDK's own source, scanned as any code would be (each
    ``_<operation>_http_info`` holds ``{"method": ..., "resource_path": ...}``), gives exactly the
    map's APIs for that SDK, so the map and the scanner agree with the SDK and with each other."""
    module = pytest.importorskip(package, reason=f"{package} is not installed")
    from permtable.scan import scan_paths

    report = scan_paths([str(Path(module.__file__).parent)])
    scanned = {(api.method, api.path) for api in report.apis}
    committed = {
        (entry["method"], entry["path"]) for entry in _document()["operations"] if entry["sdk"] == package
    }
    if importlib.metadata.version(package) != _document()["sdks"][package]:
        pytest.skip("the installed SDK is not the version the map was generated from")
    assert scanned == committed
