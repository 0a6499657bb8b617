"""Reading ``terraform show -json PLAN`` output: the resources on either side of a plan.

The plan JSON format is Terraform's documented machine-readable output (``format_version``
"1.x"): ``resource_changes`` holds every resource instance with its ``change`` (``actions``,
``before``, ``after``, ``after_unknown``), ``prior_state`` the values read before planning (data
sources among them), and ``configuration`` the expressions, whose ``references`` say which
resource an attribute points at when its value is unknown until apply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from permtable.documents import number_too_long
from permtable.errors import InputError, Location
from permtable.files import DEFAULT_MAX_BYTES, read_text

SUPPORTED_FORMAT = "1"  # the major version of the plan JSON format this reader knows


class Side(str, Enum):
    """Which state of the plan: before it is applied, or after."""

    BEFORE = "before"
    AFTER = "after"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Instance:
    """One resource (or data source) instance on one side of the plan."""

    address: str  # module.iam.huaweicloud_identity_group.teams["finance"]
    mode: str  # "managed" or "data"
    type: str
    name: str
    index: object  # the count index or for_each key; None without either
    module: str  # "" for the root module, else "module.iam" (or "module.a.module.b")
    values: dict[str, Any] = field(hash=False, compare=False)
    # The attributes whose value is known only after apply (top-level names; a list with some
    # unknown items is listed too).
    unknown: frozenset[str] = frozenset()

    def known(self, attribute: str) -> bool:
        return attribute not in self.unknown

    @property
    def config_address(self) -> str:
        """The address of its block in its module's configuration (no module, no index)."""
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


@dataclass(frozen=True, slots=True)
class Change:
    """What the plan does to a managed resource instance."""

    address: str
    actions: tuple[str, ...]  # ("create",), ("update",), ("delete",), ("delete", "create"), ("no-op",), ...

    @property
    def kind(self) -> str:
        if self.actions in (("delete", "create"), ("create", "delete")):
            return "replace"
        return "+".join(self.actions)


@dataclass(frozen=True, slots=True)
class Plan:
    """A plan: its instances on both sides, the changes, and the configuration's references."""

    file: str
    terraform_version: str | None
    before: tuple[Instance, ...]
    after: tuple[Instance, ...]
    changes: dict[str, Change] = field(hash=False, compare=False)
    # (module, config address) -> attribute -> the references its expression makes
    references: dict[tuple[str, str], dict[str, tuple[str, ...]]] = field(hash=False, compare=False)
    # module address ("module.iam") -> the module's source ("./modules/iam")
    module_sources: dict[str, str] = field(hash=False, compare=False)

    def side(self, side: Side) -> tuple[Instance, ...]:
        return self.before if side is Side.BEFORE else self.after


def load_plan(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Plan:
    """Read a plan JSON file; anything else is one InputError naming the file."""
    text = read_text(path, max_bytes)
    where = Location(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"not a Terraform plan: invalid JSON ({error.msg})",
            Location(path, error.lineno, error.colno),
            "write it with: terraform show -json PLANFILE > plan.json",
        ) from None
    except ValueError:
        raise InputError(f"not a Terraform plan: {number_too_long()}", where) from None
    except RecursionError:
        raise InputError("not a Terraform plan: nesting too deep to read", where) from None
    if not isinstance(document, dict) or "format_version" not in document:
        raise InputError(
            "not a Terraform plan: no format_version",
            where,
            "write it with: terraform show -json PLANFILE > plan.json",
        )
    version = document.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_FORMAT:
        raise InputError(
            f"plan format_version {version!r} is not supported (this bsscheck reads {SUPPORTED_FORMAT}.x)",
            where,
            "use Terraform 1.0 or later to write the plan JSON",
        )
    if "resource_changes" not in document and "planned_values" not in document:
        if "values" in document:
            raise InputError(
                "is a Terraform state, not a plan",
                where,
                "run terraform plan -out=tfplan, then terraform show -json tfplan > plan.json",
            )
        raise InputError("not a Terraform plan: no resource_changes", where)
    changes_raw = document.get("resource_changes") or []
    if not isinstance(changes_raw, list):
        raise InputError("not a Terraform plan: resource_changes is not a list", where)
    before: dict[str, Instance] = {}
    after: dict[str, Instance] = {}
    changes: dict[str, Change] = {}
    for item in changes_raw:
        _read_change(item, path, before, after, changes)
    # Data sources read while planning are in prior_state only, the same on both sides.
    prior = document.get("prior_state") or {}
    for instance in _state_instances(_dig(prior, "values", "root_module"), path):
        if instance.mode == "data":
            before.setdefault(instance.address, instance)
            after.setdefault(instance.address, instance)
    references, sources = _configuration(document.get("configuration") or {}, path)
    version_text = document.get("terraform_version")
    return Plan(
        path,
        version_text if isinstance(version_text, str) else None,
        tuple(before.values()),
        tuple(after.values()),
        changes,
        references,
        sources,
    )


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _broken(path: str, what: str) -> InputError:
    return InputError(
        f"not a Terraform plan: {what}", Location(path), "the plan JSON may be truncated or edited"
    )


def _read_change(
    item: Any, path: str, before: dict[str, Instance], after: dict[str, Instance], changes: dict[str, Change]
) -> None:
    if not isinstance(item, dict):
        raise _broken(path, "a resource_changes item is not an object")
    address, kind, name, mode = _names(item)
    change = item.get("change")
    if not (address and kind and name and mode) or not isinstance(change, dict):
        raise _broken(path, "a resource_changes item lacks address, type, name, mode or change")
    actions = change.get("actions")
    if not isinstance(actions, list) or not all(isinstance(action, str) for action in actions):
        raise _broken(path, f"{address}: change.actions is not a list of strings")
    module = item.get("module_address") or ""
    if not isinstance(module, str):
        raise _broken(path, f"{address}: module_address is not a string")
    index = item.get("index")
    old, new = change.get("before"), change.get("after")
    if old is not None and not isinstance(old, dict):
        raise _broken(path, f"{address}: change.before is not an object")
    if new is not None and not isinstance(new, dict):
        raise _broken(path, f"{address}: change.after is not an object")
    unknown = change.get("after_unknown") or {}
    unknown_names = (
        frozenset(key for key, flag in unknown.items() if flag is True or _has_true(flag))
        if isinstance(unknown, dict)
        else frozenset()
    )
    if old is not None:
        before[address] = Instance(address, mode, kind, name, index, module, old)
    if new is not None or unknown_names:
        after[address] = Instance(address, mode, kind, name, index, module, new or {}, unknown_names)
    if mode == "managed":
        changes[address] = Change(address, tuple(actions))


def _names(item: dict[str, Any]) -> tuple[str, str, str, str]:
    """address, type, name and mode of a resource entry; "" for any that is not a string."""
    values = [item.get(key) for key in ("address", "type", "name", "mode")]
    address, kind, name, mode = (value if isinstance(value, str) else "" for value in values)
    return address, kind, name, mode


def _has_true(value: Any) -> bool:
    """Whether ``true`` appears anywhere in an ``after_unknown`` value. Walked with a stack, not
    by recursion: a plan nested deeper than Python's recursion limit is still an answer."""
    stack = [value]
    while stack:
        item = stack.pop()
        if item is True:
            return True
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def _state_instances(module: Any, path: str) -> list[Instance]:
    """The instances of a state's (or planned values') module tree."""
    found: list[Instance] = []
    stack = [module]
    while stack:
        current = stack.pop()
        if not isinstance(current, dict):
            continue
        for item in current.get("resources") or []:
            if not isinstance(item, dict) or not isinstance(item.get("values"), dict):
                continue
            address, kind, name, mode = _names(item)
            if not (address and kind and name and mode):
                raise _broken(path, "a prior_state resource lacks address, type, name or mode")
            module_address = current.get("address") or ""
            found.append(
                Instance(address, mode, kind, name, item.get("index"), module_address, item["values"])
            )
        stack.extend(current.get("child_modules") or [])
    return found


def _configuration(
    configuration: Any, path: str
) -> tuple[dict[tuple[str, str], dict[str, tuple[str, ...]]], dict[str, str]]:
    """Each block's references per attribute, and each module call's source."""
    references: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    sources: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [
        ("", configuration.get("root_module") if isinstance(configuration, dict) else None)
    ]
    while stack:
        prefix, module = stack.pop()
        if not isinstance(module, dict):
            continue
        for resource in module.get("resources") or []:
            if not isinstance(resource, dict) or not isinstance(resource.get("address"), str):
                continue
            expressions = resource.get("expressions") or {}
            by_attribute = {}
            if isinstance(expressions, dict):
                for attribute, expression in expressions.items():
                    refs = expression.get("references") if isinstance(expression, dict) else None
                    if isinstance(refs, list):
                        by_attribute[attribute] = tuple(ref for ref in refs if isinstance(ref, str))
            references[(prefix, resource["address"])] = by_attribute
        for name, call in (module.get("module_calls") or {}).items():
            if not isinstance(call, dict):
                continue
            child = f"{prefix}.module.{name}" if prefix else f"module.{name}"
            source = call.get("source")
            if isinstance(source, str):
                sources[child] = source
            stack.append((child, call.get("module")))
    return references, sources
