"""The shapes Huawei's IAM and Organizations APIs print, recognised from their content.

Users get their grants from the API (or KooCLI, which prints the same JSON): a group's
permissions as ``{"roles": [...]}``, one custom policy as ``{"role": {...}}``, an identity policy
version as ``{"policy_version": {"document": "<JSON string>"}}``, an SCP as
``{"policy": {"content": "<JSON string>", "policy_summary": {...}}}``. Each is turned into the
policy documents it carries, named and traced to the item they came from. Responses that list
policies without their documents cannot decide anything; they are refused with the call that
returns the documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from permtable.documents import parse_embedded
from permtable.errors import InputError
from permtable.fields import describe, expect_map, expect_str
from permtable.model import IDENTITY_POLICY_VERSION
from permtable.nodes import Node


class Shape(str, Enum):
    """What a grants or SCP file was recognised as (``validate`` names it)."""

    GRANTS = "grants"  # bsscheck's own grants file
    POLICY = "policy"  # a bare IAM policy document, Version 1.0 or 1.1
    IDENTITY_POLICY = "identity-policy"  # a bare identity policy document, Version 5.0
    IAM_ROLE = "iam-v3-role"  # ShowCustomPolicy, KeystoneShowPermission
    IAM_ROLES = "iam-v3-roles"  # ListCustomPolicies, KeystoneListPermissions, the *PermissionsFor* lists
    IAM_POLICY_VERSION = "iam-v5-policy-version"  # GetPolicyVersionV5
    ORGANIZATIONS_POLICY = "organizations-policy"  # Organizations ShowPolicy (an SCP)

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Shape.GRANTS: "a bsscheck grants file",
    Shape.POLICY: "an IAM policy document",
    Shape.IDENTITY_POLICY: "an identity policy document (Version 5.0)",
    Shape.IAM_ROLE: "an IAM v3 response with one policy or role (ShowCustomPolicy, KeystoneShowPermission)",
    Shape.IAM_ROLES: "an IAM v3 response with a list of policies and roles "
    "(ListCustomPolicies, KeystoneListPermissions, Keystone*PermissionsFor*)",
    Shape.IAM_POLICY_VERSION: "an IAM v5 response with an identity policy version (GetPolicyVersionV5)",
    Shape.ORGANIZATIONS_POLICY: "an Organizations response with a policy (ShowPolicy)",
}


@dataclass(frozen=True, slots=True)
class ExportedPolicy:
    """One policy document a file carries, and which item of the export it is."""

    document: Node
    name: str
    # The item as Huawei names it ("role 'Billing viewer' (id 9a3c...)"): provenance for reports.
    origin: str
    system: bool = False  # a system-defined permission (flag fine_grained, or type AA/AX without domain)


def recognise(root: Node) -> Shape:
    """The shape of a parsed grants or SCP file, or an InputError naming what it is instead."""
    if not root.is_map:
        raise InputError(
            f"a grants file must be a mapping, found {describe(root)}",
            root.location,
            "start with 'type: partner' or 'type: customer', or give an IAM policy document or export",
        )
    keys = root.value
    if "type" in keys:
        return Shape.GRANTS  # no Huawei response has a top-level "type"
    if "Version" in keys or "Statement" in keys:
        version = keys.get("Version")
        if version is not None and version.kind == "str" and version.value == IDENTITY_POLICY_VERSION:
            return Shape.IDENTITY_POLICY
        return Shape.POLICY
    if "role" in keys:
        return Shape.IAM_ROLE
    if "roles" in keys:
        return Shape.IAM_ROLES
    if "policy_version" in keys:
        return Shape.IAM_POLICY_VERSION
    policy = keys.get("policy")
    if policy is not None and policy.is_map and "content" in policy.value:
        return Shape.ORGANIZATIONS_POLICY
    _refuse_listing(root)
    raise InputError(
        "a grants file needs 'type: partner' or 'type: customer'",
        root.location,
        'or give an IAM policy document, or an IAM export (a {"roles": [...]} or '
        '{"policy_version": ...} response)',
    )


def _refuse_listing(root: Node) -> None:
    """Responses that name policies without their documents: say which call returns them."""
    keys = root.value
    if "attached_policies" in keys:
        raise InputError(
            "lists the identity policies attached (ListAttached*PoliciesV5) without their documents, "
            "so it cannot decide anything",
            root.location,
            "export each policy's document: hcloud IAM GetPolicyV5 --policy_id=ID names its "
            "default_version_id, then hcloud IAM GetPolicyVersionV5 --policy_id=ID --version_id=VERSION",
        )
    policies = keys.get("policies")
    if policies is not None and policies.is_seq:
        first = policies.value[0] if policies.value else None
        organizations = first is not None and first.is_map and "is_builtin" in first.value
        if organizations:
            raise InputError(
                "lists Organizations policies (ListPolicies) without their content, so it cannot "
                "decide anything",
                root.location,
                "export each SCP with its content: hcloud Organizations ShowPolicy --policy_id=ID",
            )
        raise InputError(
            "lists identity policies (ListPoliciesV5) without their documents, so it cannot decide anything",
            root.location,
            "export each policy's document: hcloud IAM GetPolicyVersionV5 --policy_id=ID "
            "--version_id=DEFAULT_VERSION_ID (the list gives both)",
        )
    policy = keys.get("policy")
    if policy is not None and policy.is_map and "default_version_id" in policy.value:
        raise InputError(
            "is an identity policy's metadata (GetPolicyV5) without its document",
            root.location,
            "export the document: hcloud IAM GetPolicyVersionV5 --policy_id=ID "
            "--version_id=DEFAULT_VERSION_ID",
        )
    if "groups" in keys:
        raise InputError(
            "lists groups (KeystoneListGroupsForUser), not permissions",
            root.location,
            "export each group's permissions: hcloud IAM KeystoneListDomainPermissionsForGroup "
            "--domain_id=DOMAIN --group_id=GROUP (and KeystoneListAllProjectPermissionsForGroup)",
        )


def exported_policies(root: Node, shape: Shape, stem: str) -> list[ExportedPolicy]:
    """The policy documents an export carries (``shape`` from ``recognise``)."""
    keys = root.value
    if shape is Shape.IAM_ROLE:
        return [_role_item(keys["role"], "role")]
    if shape is Shape.IAM_ROLES:
        node = keys["roles"]
        if not node.is_seq:
            raise InputError(f"roles must be a list, found {describe(node)}", node.location)
        return [_role_item(item, f"roles item {index}") for index, item in enumerate(node.value, 1)]
    if shape is Shape.IAM_POLICY_VERSION:
        version = expect_map(keys["policy_version"], "policy_version")
        if "document" not in version:
            raise InputError(
                "policy_version has no document",
                keys["policy_version"].location,
                "export it with GetPolicyVersionV5",
            )
        version_id = _optional_text(version.get("version_id"))
        document = _embedded(version["document"], "policy_version.document")
        origin = f"identity policy {stem!r}" + (f" version {version_id}" if version_id else "")
        return [ExportedPolicy(document, stem, origin)]
    if shape is Shape.ORGANIZATIONS_POLICY:
        policy = expect_map(keys["policy"], "policy")
        summary = policy.get("policy_summary")
        summary_keys = summary.value if summary is not None and summary.is_map else {}
        name = _optional_text(summary_keys.get("name")) or stem
        policy_id = _optional_text(summary_keys.get("id"))
        kind = _optional_text(summary_keys.get("type"))
        if kind is not None and kind != "service_control_policy":
            raise InputError(
                f"is an Organizations {kind}, not a service control policy",
                summary_keys["type"].location,
                "only service_control_policy documents bound what a principal can call",
            )
        document = _embedded(policy["content"], "policy.content")
        origin = f"SCP {name!r}" + (f" (id {policy_id})" if policy_id else "")
        return [ExportedPolicy(document, name, origin)]
    raise ValueError(f"{shape} carries no export items")  # pragma: no cover  (callers pass exports)


def _role_item(node: Node, what: str) -> ExportedPolicy:
    item = expect_map(node, what)
    if "policy" not in item:
        raise InputError(
            f"{what} has no policy document",
            node.location,
            "export permissions with KeystoneListPermissions or ShowCustomPolicy, which include it",
        )
    name = _optional_text(item.get("display_name")) or _optional_text(item.get("name")) or what
    item_id = _optional_text(item.get("id"))
    flag = _optional_text(item.get("flag"))
    # Custom policies carry the account's domain_id; system ones do not (and fine-grained system
    # policies are flagged so).
    system = flag == "fine_grained" or ("domain_id" in item and item["domain_id"].kind == "null")
    kind = "system policy" if system else "policy"
    origin = f"{kind} {name!r}" + (f" (id {item_id})" if item_id else "")
    return ExportedPolicy(item["policy"], name, origin, system)


def _embedded(node: Node, what: str) -> Node:
    """A document that the response carries as a JSON string (or, if re-saved, as an object)."""
    if node.is_map:
        return node
    text = expect_str(node, what)
    return parse_embedded(text, node.location, what)


def _optional_text(node: Node | None) -> str | None:
    if node is None or node.kind != "str" or not node.value.strip():
        return None
    return str(node.value)
