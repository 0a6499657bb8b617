"""Building Terraform plan JSON (``terraform show -json``) for tests, in the documented format.

Each resource is described once, with its values before and after and what is unknown until
apply; the builder writes ``resource_changes``, ``prior_state``, ``planned_values`` and the
``configuration`` references as Terraform does, so fixtures stay consistent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROVIDER = "registry.terraform.io/huaweicloud/huaweicloud"


@dataclass
class Res:
    type: str
    name: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    unknown: tuple[str, ...] = ()  # attributes known only after apply
    references: dict[str, list[str]] = field(default_factory=dict)
    module: str = ""  # "module.ci_users"
    index: Any = None
    mode: str = "managed"
    actions: tuple[str, ...] | None = None  # default: derived from before/after

    @property
    def address(self) -> str:
        prefix = f"{self.module}." if self.module else ""
        data = "data." if self.mode == "data" else ""
        suffix = "" if self.index is None else f"[{json.dumps(self.index)}]"
        return f"{prefix}{data}{self.type}.{self.name}{suffix}"

    def change_actions(self) -> list[str]:
        if self.actions is not None:
            return list(self.actions)
        if self.mode == "data":
            return ["read"]
        if self.before is None:
            return ["create"]
        if self.after is None:
            return ["delete"]
        return ["no-op"] if self.before == self.after and not self.unknown else ["update"]


def policy_json(document: dict[str, Any]) -> str:
    """What ``jsonencode`` writes: compact, keys sorted."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def plan(
    resources: list[Res],
    modules: dict[str, str] | None = None,
    format_version: str = "1.2",
    data_in_prior_state: bool = True,
) -> dict[str, Any]:
    """A plan document for ``resources``; ``modules`` maps "module.x" to its source."""
    changes = []
    prior: dict[str, list[dict[str, Any]]] = {}
    planned: dict[str, list[dict[str, Any]]] = {}
    config: dict[str, dict[str, Any]] = {"": {"resources": [], "module_calls": {}}}
    for module, source in (modules or {}).items():
        config[module] = {"resources": [], "module_calls": {}, "source": source}
    for res in resources:
        base = {
            "address": res.address,
            "mode": res.mode,
            "type": res.type,
            "name": res.name,
            "provider_name": PROVIDER,
        }
        if res.module:
            base["module_address"] = res.module
        if res.index is not None:
            base["index"] = res.index
        if res.mode == "managed" or not data_in_prior_state:
            after_unknown = {name: True for name in res.unknown}
            changes.append(
                {
                    **base,
                    "change": {
                        "actions": res.change_actions(),
                        "before": res.before,
                        "after": res.after,
                        "after_unknown": after_unknown,
                        "before_sensitive": {},
                        "after_sensitive": {},
                    },
                }
            )
        if res.before is not None:
            prior.setdefault(res.module, []).append({**base, "schema_version": 0, "values": res.before})
        if res.after is not None:
            planned.setdefault(res.module, []).append({**base, "schema_version": 0, "values": res.after})
        block = {
            "address": f"{'data.' if res.mode == 'data' else ''}{res.type}.{res.name}",
            "mode": res.mode,
            "type": res.type,
            "name": res.name,
            "provider_config_key": "huaweicloud",
            "expressions": {name: {"references": refs} for name, refs in res.references.items()},
            "schema_version": 0,
        }
        if block not in config[res.module]["resources"]:
            config[res.module]["resources"].append(block)

    def module_values(values: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        root: dict[str, Any] = {"resources": values.get("", [])}
        children = [{"address": module, "resources": items} for module, items in values.items() if module]
        if children:
            root["child_modules"] = children
        return root

    root_config: dict[str, Any] = {"resources": config[""]["resources"]}
    calls = {}
    for module, source in (modules or {}).items():
        calls[module.removeprefix("module.")] = {
            "source": source,
            "module": {"resources": config[module]["resources"]},
        }
    if calls:
        root_config["module_calls"] = calls
    return {
        "format_version": format_version,
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": module_values(planned)},
        "resource_changes": changes,
        "prior_state": {
            "format_version": format_version,
            "terraform_version": "1.9.8",
            "values": {"root_module": module_values(prior)},
        },
        "configuration": {
            "provider_config": {"huaweicloud": {"name": "huaweicloud", "full_name": PROVIDER}},
            "root_module": root_config,
        },
        "timestamp": "2026-11-30T09:14:27Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def write_plan(path: Path, document: dict[str, Any]) -> str:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- the sample plan

DOMAIN = "3b7c0e8fd1a94a5c8e1f0a2b4c6d8e0f"
GROUP_ID = "7f1e3d5c9b0a4c2e8d6f1a3b5c7e9d0b"
VIEWER_ID = "5d8a0f3c9b2e4c41a1f27e6a0c3d9b12"
BOT_ID = "0c6e2f8a4b1d4e7fa9c3b5d7e1f2a4c6"
VIEWER = policy_json(
    {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:order:view", "bss:balance:view"]}]}
)
PAYER = policy_json({"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:order:pay"]}]})
BILL_READER = policy_json(
    {
        "Version": "5.0",
        "Statement": [
            {"Effect": "Allow", "Action": ["billing:bill:view", "billing:balance:view"], "Resource": ["*"]}
        ],
    }
)


def sample_resources() -> list[Res]:
    group = {"name": "finance-ops", "description": "Monthly billing job and its operators", "id": GROUP_ID}
    viewer = {
        "name": "order-viewer",
        "type": "AX",
        "description": "View orders and balances",
        "policy": VIEWER,
        "id": VIEWER_ID,
        "references": 1,
    }
    view_assignment = {
        "group_id": GROUP_ID,
        "role_id": VIEWER_ID,
        "domain_id": DOMAIN,
        "project_id": None,
        "enterprise_project_id": None,
        "id": f"{GROUP_ID}/{VIEWER_ID}/{DOMAIN}",
    }
    bot = {
        "name": "billing-bot",
        "description": "Runs the monthly billing job",
        "enabled": True,
        "id": BOT_ID,
    }
    membership = {"group": GROUP_ID, "users": [BOT_ID], "id": "b2f4d6e8a0c24e6f8a1c3e5b7d9f1a3c"}
    payer = {"name": "order-payer", "type": "AX", "description": "Pay orders", "policy": PAYER}
    pay_assignment = {
        "group_id": GROUP_ID,
        "domain_id": DOMAIN,
        "project_id": None,
        "enterprise_project_id": None,
    }
    auditors = {"group_name": "auditors", "description": "Read-only access to bills and balances"}
    reader = {
        "name": "bill-reader",
        "description": "Read bills and balances",
        "policy_document": BILL_READER,
        "path": None,
    }
    group_refs = ["huaweicloud_identity_group.finance_ops.id", "huaweicloud_identity_group.finance_ops"]
    return [
        Res("huaweicloud_identity_group", "finance_ops", group, group),
        Res("huaweicloud_identity_role", "order_viewer", viewer, viewer),
        Res(
            "huaweicloud_identity_group_role_assignment",
            "finance_ops_view",
            view_assignment,
            view_assignment,
            references={
                "group_id": group_refs,
                "role_id": [
                    "huaweicloud_identity_role.order_viewer.id",
                    "huaweicloud_identity_role.order_viewer",
                ],
                "domain_id": ["var.domain_id"],
            },
        ),
        Res("huaweicloud_identity_role", "order_payer", None, payer, unknown=("id", "references")),
        Res(
            "huaweicloud_identity_group_role_assignment",
            "finance_ops_pay",
            None,
            pay_assignment,
            unknown=("id", "role_id"),
            references={
                "group_id": group_refs,
                "role_id": [
                    "huaweicloud_identity_role.order_payer.id",
                    "huaweicloud_identity_role.order_payer",
                ],
                "domain_id": ["var.domain_id"],
            },
        ),
        Res("huaweicloud_identityv5_group", "auditors", None, auditors, unknown=("id", "urn", "created_at")),
        Res(
            "huaweicloud_identityv5_policy",
            "bill_reader",
            None,
            reader,
            unknown=("id", "urn", "type", "default_version_id", "version_ids", "attachment_count"),
        ),
        Res(
            "huaweicloud_identityv5_policy_group_attach",
            "auditors_bills",
            None,
            {},
            unknown=("id", "policy_id", "group_id", "policy_name", "urn", "attached_at"),
            references={
                "policy_id": [
                    "huaweicloud_identityv5_policy.bill_reader.id",
                    "huaweicloud_identityv5_policy.bill_reader",
                ],
                "group_id": [
                    "huaweicloud_identityv5_group.auditors.id",
                    "huaweicloud_identityv5_group.auditors",
                ],
            },
        ),
        Res("huaweicloud_identity_user", "billing_bot", bot, bot, module="module.ci_users"),
        Res(
            "huaweicloud_identity_group_membership",
            "finance_ops",
            membership,
            membership,
            module="module.ci_users",
            references={
                "group": ["var.group_id"],
                "users": [
                    "huaweicloud_identity_user.billing_bot.id",
                    "huaweicloud_identity_user.billing_bot",
                ],
            },
        ),
    ]


def sample_plan() -> dict[str, Any]:
    return plan(sample_resources(), modules={"module.ci_users": "./modules/ci_users"})
