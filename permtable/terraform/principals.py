"""The grants each IAM principal of a plan holds, before and after it is applied.

Resources of the huaweicloud provider read (their documentation is under
registry.terraform.io/providers/huaweicloud/huaweicloud/latest/docs/resources/<name>):

- policies: ``huaweicloud_identity_role`` (``name``, ``policy``: a custom policy's JSON),
  the data source ``huaweicloud_identity_role`` (a system role or policy with its ``policy``),
  ``huaweicloud_identityv5_policy`` (``name``, ``policy_document``);
- principals: ``huaweicloud_identity_group``, ``huaweicloud_identity_user``,
  ``huaweicloud_identity_agency``, ``huaweicloud_identityv5_group``, ``huaweicloud_identityv5_user``;
- assignments: ``huaweicloud_identity_group_role_assignment`` and the older
  ``huaweicloud_identity_role_assignment`` (``group_id``, ``role_id``; scope ``domain_id``,
  ``project_id``, ``enterprise_project_id``), ``huaweicloud_identity_user_role_assignment``
  (enterprise-project scope), the agency's ``domain_roles``, ``all_resources_roles``,
  ``project_role`` and ``enterprise_project_roles`` (role names),
  ``huaweicloud_identityv5_policy_group_attach`` / ``_user_attach`` / ``_agency_attach``;
- memberships: ``huaweicloud_identity_group_membership`` (``group``, ``users``),
  ``huaweicloud_identityv5_group_membership`` (``group_id``, ``user_id_list``).

BSS is a global service: only a domain-wide (``domain_id``, ``project_id = "all"``, an agency's
domain or all-resources roles) assignment reaches it. Project- and enterprise-project-scoped
assignments are reported and not counted (Huawei: BSS actions are not grantable through
enterprise projects). Whatever is known only after apply (a policy document, the target of an
assignment, a membership) becomes an opaque grant: every API it could reach is ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum

from permtable.documents import parse_embedded
from permtable.errors import InputError, Location, Notice
from permtable.grants import Grants, Policy, policy_document
from permtable.model import AccountType
from permtable.system_policies import SYSTEM_PERMISSIONS, SystemPermission, SystemPolicyRef
from permtable.terraform.plan import Instance, Plan, Side

ROLE = "huaweicloud_identity_role"
IDENTITY_POLICY = "huaweicloud_identityv5_policy"
GROUPS = ("huaweicloud_identity_group", "huaweicloud_identityv5_group")
USERS = ("huaweicloud_identity_user", "huaweicloud_identityv5_user")
AGENCY = "huaweicloud_identity_agency"
GROUP_ROLE_ASSIGNMENTS = (
    "huaweicloud_identity_group_role_assignment",
    "huaweicloud_identity_role_assignment",
)
USER_ROLE_ASSIGNMENT = "huaweicloud_identity_user_role_assignment"
ATTACHMENTS = {
    "huaweicloud_identityv5_policy_group_attach": "group_id",
    "huaweicloud_identityv5_policy_user_attach": "user_id",
    "huaweicloud_identityv5_policy_agency_attach": "agency_id",
}
MEMBERSHIPS = {
    "huaweicloud_identity_group_membership": ("group", "users"),
    "huaweicloud_identityv5_group_membership": ("group_id", "user_id_list"),
}
SUPPORTED_TYPES = (
    ROLE,
    IDENTITY_POLICY,
    *GROUPS,
    *USERS,
    AGENCY,
    *GROUP_ROLE_ASSIGNMENTS,
    USER_ROLE_ASSIGNMENT,
    *ATTACHMENTS,
    *MEMBERSHIPS,
)
# System permissions that cover every service but IAM: they may reach BSS.
_ALL_SERVICE_PERMISSIONS = ("FullAccess", "ReadOnlyAccess", "Tenant Administrator", "Tenant Guest")


class PrincipalKind(str, Enum):
    GROUP = "group"
    USER = "user"
    AGENCY = "agency"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Principal:
    """An IAM group, user or agency, the same on both sides of the plan."""

    kind: PrincipalKind
    key: str  # its resource address, or "id:<id>" for one the plan does not manage
    name: str  # its name attribute where known, else the key

    @property
    def label(self) -> str:
        return f"{self.kind.value}:{self.name}"

    def matches(self, kind: str, name: str) -> bool:
        return kind == self.kind.value and name in (self.name, self.key, self.key.removeprefix("id:"))


@dataclass(frozen=True, slots=True)
class PlannedGrants:
    """One principal's grants before and after the plan, and the resources that shape them."""

    principal: Principal
    before: Grants
    after: Grants
    resources: tuple[str, ...]


class _Unknown:
    """A reference Terraform resolves only at apply."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


Locate = Callable[[Instance], Location]


def planned_grants(plan: Plan, locate: Locate) -> list[PlannedGrants]:
    """Every principal the plan's IAM resources touch, with its grants on both sides."""
    sides = {side: _Side(plan, side, locate) for side in Side}
    keys: dict[str, Principal] = {}
    for side in Side:
        for principal in sides[side].principals():
            known = keys.get(principal.key)
            # The name after apply, else before: a rename shows the new name.
            if known is None or (side is Side.AFTER and principal.name != principal.key):
                keys[principal.key] = principal
    result = []
    for key, principal in sorted(keys.items(), key=lambda item: (item[1].kind.value, item[1].name)):
        before = sides[Side.BEFORE].grants_of(key, principal)
        after = sides[Side.AFTER].grants_of(key, principal)
        resources = tuple(dict.fromkeys((*sides[Side.BEFORE].shaping(key), *sides[Side.AFTER].shaping(key))))
        result.append(PlannedGrants(principal, before, after, resources))
    return result


class _Side:
    """The IAM world on one side of the plan."""

    def __init__(self, plan: Plan, side: Side, locate: Locate) -> None:
        self.plan = plan
        self.side = side
        self.locate = locate
        self.instances = [instance for instance in plan.side(side) if instance.type in SUPPORTED_TYPES]
        self.by_type: dict[tuple[str, str], list[Instance]] = {}
        # Instances by their known id, in plan order: references are resolved by a lookup, not
        # by a pass over every instance (a plan of thousands of assignments).
        self.by_id: dict[str, list[Instance]] = {}
        for instance in self.instances:
            self.by_type.setdefault((instance.mode, instance.type), []).append(instance)
            identifier = instance.values.get("id")
            if instance.known("id") and isinstance(identifier, str):
                self.by_id.setdefault(identifier, []).append(instance)
        self._policies: dict[str, tuple[Policy | None, list[Notice], SystemPolicyRef | None]] = {}
        self._holdings: dict[str, tuple[Principal, _Holding]] | None = None

    # ----------------------------------------------------------------- principals

    def principals(self) -> list[Principal]:
        return [principal for principal, _ in self.holdings().values()]

    def grants_of(self, key: str, principal: Principal) -> Grants:
        entry = self.holdings().get(key)
        if entry is None:
            return Grants(AccountType.CUSTOMER, principal.label, (self.plan.file,))
        _, holding = entry
        grants = holding.grants(principal, self.plan.file)
        if principal.kind is PrincipalKind.USER:
            for group_key in holding.groups:
                group = self.holdings().get(group_key)
                if group is not None:
                    grants = _merged(grants, group[1].grants(group[0], self.plan.file))
        return grants

    def shaping(self, key: str) -> tuple[str, ...]:
        entry = self.holdings().get(key)
        if entry is None:
            return ()
        addresses = list(entry[1].resources)
        for group_key in entry[1].groups:
            group = self.holdings().get(group_key)
            if group is not None:
                addresses.extend(group[1].resources)
        return tuple(dict.fromkeys(addresses))

    def holdings(self) -> dict[str, tuple[Principal, _Holding]]:
        if self._holdings is None:
            self._holdings = self._build()
        return self._holdings

    def _principal(self, instance: Instance, kind: PrincipalKind) -> Principal:
        name_key = "group_name" if instance.type == "huaweicloud_identityv5_group" else "name"
        name = instance.values.get(name_key)
        return Principal(kind, instance.address, name if isinstance(name, str) and name else instance.address)

    def _build(self) -> dict[str, tuple[Principal, _Holding]]:
        holdings: dict[str, tuple[Principal, _Holding]] = {}

        def holding(principal: Principal) -> _Holding:
            if principal.key not in holdings:
                holdings[principal.key] = (principal, _Holding())
            return holdings[principal.key][1]

        for kind, types in ((PrincipalKind.GROUP, GROUPS), (PrincipalKind.USER, USERS)):
            for type_name in types:
                for instance in self.by_type.get(("managed", type_name), []):
                    holding(self._principal(instance, kind)).resources.append(instance.address)
        for instance in self.by_type.get(("managed", AGENCY), []):
            principal = self._principal(instance, PrincipalKind.AGENCY)
            target = holding(principal)
            target.resources.append(instance.address)
            self._agency_roles(instance, target)
        for type_name in GROUP_ROLE_ASSIGNMENTS:
            for instance in self.by_type.get(("managed", type_name), []):
                self._assignment(instance, "group_id", PrincipalKind.GROUP, GROUPS, holding)
        for instance in self.by_type.get(("managed", USER_ROLE_ASSIGNMENT), []):
            self._assignment(instance, "user_id", PrincipalKind.USER, USERS, holding)
        for type_name, attribute in ATTACHMENTS.items():
            kind = {"group_id": PrincipalKind.GROUP, "user_id": PrincipalKind.USER}.get(
                attribute, PrincipalKind.AGENCY
            )
            targets = {
                PrincipalKind.GROUP: GROUPS,
                PrincipalKind.USER: USERS,
                PrincipalKind.AGENCY: (AGENCY,),
            }[kind]
            for instance in self.by_type.get(("managed", type_name), []):
                self._attachment(instance, attribute, kind, targets, holding)
        for type_name, (group_attribute, users_attribute) in MEMBERSHIPS.items():
            for instance in self.by_type.get(("managed", type_name), []):
                self._membership(instance, group_attribute, users_attribute, holding)
        return holdings

    # ----------------------------------------------------------------- references

    def resolve(
        self, instance: Instance, attribute: str, types: Iterable[str]
    ) -> list[Instance] | str | _Unknown:
        """What ``attribute`` of ``instance`` points at: instances of ``types``, an id the plan
        does not manage (a string), or something known only after apply."""
        types = tuple(types)
        value = instance.values.get(attribute)
        if instance.known(attribute) and isinstance(value, str) and value:
            found = self._with_id(value, types)
            return [found] if found is not None else value
        referenced = self._referenced(instance, attribute, types)
        if referenced is not None:
            return referenced
        return _Unknown(f"{instance.address}.{attribute} is known only after apply")

    def _with_id(self, identifier: str, types: tuple[str, ...]) -> Instance | None:
        """The first instance of ``types`` whose id is ``identifier``."""
        return next((target for target in self.by_id.get(identifier, ()) if target.type in types), None)

    def _referenced(
        self, instance: Instance, attribute: str, types: tuple[str, ...]
    ) -> list[Instance] | None:
        references = self.plan.references.get((instance.module, instance.config_address), {}).get(
            attribute, ()
        )
        for reference in references:
            match = _REFERENCE.match(reference)
            if match is None or match["type"] not in types:
                continue
            base = ("data." if match["data"] else "") + f"{match['type']}.{match['name']}"
            prefix = f"{instance.module}." if instance.module else ""
            wanted = prefix + base + (match["index"] or "")
            same_type = (
                *self.by_type.get(("managed", match["type"]), ()),
                *self.by_type.get(("data", match["type"]), ()),
            )
            candidates = [
                target
                for target in same_type
                if target.address == wanted
                or (not match["index"] and _without_index(target.address) == prefix + base)
            ]
            if len(candidates) == 1:
                return candidates
            same_index = [
                target for target in candidates if target.index == instance.index and target.index is not None
            ]
            if len(same_index) == 1:
                return same_index  # the count.index / each.key pattern
        return None

    # ----------------------------------------------------------------- policies

    def policy(
        self, instance: Instance, via: str
    ) -> tuple[Policy | None, list[Notice], SystemPolicyRef | None]:
        """A policy resource (or system role data source) read as a policy, or an opaque grant."""
        key = f"{instance.address}\n{via}"
        if key in self._policies:
            return self._policies[key]
        attribute = "policy_document" if instance.type == IDENTITY_POLICY else "policy"
        name_value = instance.values.get("display_name") or instance.values.get("name")
        name = name_value if isinstance(name_value, str) and name_value else instance.address
        where = self.locate(instance)
        # Where it comes from in the plan: the policy's address, and the assignment that gives it.
        origin = f"{instance.address} via {via}" if via else instance.address
        text = instance.values.get(attribute)
        result: tuple[Policy | None, list[Notice], SystemPolicyRef | None]
        if not instance.known(attribute) or not isinstance(text, str):
            result = (
                None,
                [],
                _opaque(f"{instance.address}", where, identity=instance.type == IDENTITY_POLICY),
            )
        else:
            try:
                node = parse_embedded(text, where, f"{instance.address}.{attribute}")
                policy, notices = policy_document(node, name, where.file or self.plan.file, origin)
            except InputError as error:
                raise InputError(
                    f"{error.message} (in the plan's {self.side} values)", error.location, error.hint
                ) from None
            result = (policy, notices, None)
        self._policies[key] = result
        return result

    def _role(self, instance: Instance, attribute: str) -> list[Instance] | str | _Unknown:
        return self.resolve(instance, attribute, (ROLE,))

    def _grant_role(
        self, target: _Holding, instance: Instance, role: list[Instance] | str | _Unknown
    ) -> None:
        if isinstance(role, _Unknown):
            target.opaque.append(
                _opaque(instance.address, self.locate(instance), identity=False, reason=role.reason)
            )
        elif isinstance(role, str):
            target.opaque.append(
                _opaque(
                    instance.address,
                    self.locate(instance),
                    identity=False,
                    reason=f"role {role} is not in the plan, so its document is unknown",
                    settle=(
                        'declare the role in the configuration (data "huaweicloud_identity_role") '
                        "so the plan carries its policy"
                    ),
                )
            )
        else:
            for role_instance in role:
                policy, notices, opaque = self.policy(role_instance, instance.address)
                target.add(policy, notices, opaque, role_instance.address)

    def _scope_counts(self, instance: Instance, target: _Holding) -> bool | None:
        """Whether the assignment reaches BSS (domain-wide); None when unknown until apply."""
        for attribute in ("domain_id", "project_id", "enterprise_project_id"):
            if not instance.known(attribute):
                target.opaque.append(
                    _opaque(
                        instance.address,
                        self.locate(instance),
                        False,
                        f"its {attribute} is known only after apply",
                    )
                )
                return None
        values = instance.values
        if values.get("enterprise_project_id"):
            target.notices.append(
                Notice(
                    f"{instance.address} assigns in enterprise project {values['enterprise_project_id']}: "
                    "BSS actions are not granted through enterprise projects, so it is not counted",
                    self.locate(instance),
                )
            )
            return False
        project = values.get("project_id")
        if project and project != "all":
            target.notices.append(
                Notice(
                    f"{instance.address} assigns in project {project}: BSS is a global service, so a "
                    "project-scoped assignment is not counted",
                    self.locate(instance),
                    'assign it domain-wide (domain_id) or with project_id = "all"',
                )
            )
            return False
        return True

    def _assignment(
        self,
        instance: Instance,
        attribute: str,
        kind: PrincipalKind,
        types: tuple[str, ...],
        holding: Callable[[Principal], _Holding],
    ) -> None:
        for target in self._targets(instance, attribute, kind, types, holding):
            target.resources.append(instance.address)
            if self._scope_counts(instance, target):
                self._grant_role(target, instance, self._role(instance, "role_id"))

    def _attachment(
        self,
        instance: Instance,
        attribute: str,
        kind: PrincipalKind,
        types: tuple[str, ...],
        holding: Callable[[Principal], _Holding],
    ) -> None:
        policy = self.resolve(instance, "policy_id", (IDENTITY_POLICY,))
        for target in self._targets(instance, attribute, kind, types, holding):
            target.resources.append(instance.address)
            if isinstance(policy, list):
                for policy_instance in policy:
                    document, notices, opaque = self.policy(policy_instance, instance.address)
                    target.add(document, notices, opaque, policy_instance.address)
            else:
                reason = (
                    policy.reason
                    if isinstance(policy, _Unknown)
                    else f"identity policy {policy} is not in the plan"
                )
                target.opaque.append(_opaque(instance.address, self.locate(instance), True, reason))

    def _targets(
        self,
        instance: Instance,
        attribute: str,
        kind: PrincipalKind,
        types: tuple[str, ...],
        holding: Callable[[Principal], _Holding],
    ) -> list[_Holding]:
        resolved = self.resolve(instance, attribute, types)
        if isinstance(resolved, _Unknown):
            # Which principal it reaches is not known: reported, and every principal of the
            # kind that the plan manages may be the one (the stricter reading).
            notice = Notice(
                f"{resolved.reason}: the principal it applies to is not known", self.locate(instance)
            )
            for type_name in types:
                for candidate in self.by_type.get(("managed", type_name), []):
                    target = holding(self._principal(candidate, kind))
                    target.resources.append(instance.address)
                    target.notices.append(notice)
                    target.opaque.append(
                        _opaque(instance.address, self.locate(instance), True, resolved.reason)
                    )
            return []
        if isinstance(resolved, str):
            return [holding(Principal(kind, f"id:{resolved}", resolved))]
        return [holding(self._principal(target, kind)) for target in resolved]

    def _membership(
        self,
        instance: Instance,
        group_attribute: str,
        users_attribute: str,
        holding: Callable[[Principal], _Holding],
    ) -> None:
        groups = self.resolve(instance, group_attribute, GROUPS)
        if isinstance(groups, _Unknown):
            group_keys: list[str] = []
        elif isinstance(groups, str):
            group_keys = [f"id:{groups}"]
            holding(Principal(PrincipalKind.GROUP, group_keys[0], groups))
        else:
            group_keys = [self._principal(group, PrincipalKind.GROUP).key for group in groups]
        users = instance.values.get(users_attribute)
        if not instance.known(users_attribute) or not isinstance(users, list) or isinstance(groups, _Unknown):
            # Who joins (or which group) is known only after apply: every user the plan manages
            # may hold the group's grants.
            for type_name in USERS:
                for candidate in self.by_type.get(("managed", type_name), []):
                    target = holding(self._principal(candidate, PrincipalKind.USER))
                    target.resources.append(instance.address)
                    target.opaque.append(
                        _opaque(
                            instance.address,
                            self.locate(instance),
                            True,
                            "its members are known only after apply",
                        )
                    )
            return
        for user_id in users:
            if not isinstance(user_id, str):
                continue
            found = self._with_id(user_id, USERS)
            principal = (
                self._principal(found, PrincipalKind.USER)
                if found is not None
                else Principal(PrincipalKind.USER, f"id:{user_id}", user_id)
            )
            target = holding(principal)
            target.resources.append(instance.address)
            target.groups.extend(group_keys)

    def _agency_roles(self, instance: Instance, target: _Holding) -> None:
        values = instance.values
        for attribute in ("domain_roles", "all_resources_roles"):
            if not instance.known(attribute):
                target.opaque.append(
                    _opaque(
                        instance.address,
                        self.locate(instance),
                        False,
                        f"its {attribute} are known only after apply",
                    )
                )
                continue
            roles = values.get(attribute)
            for name in roles if isinstance(roles, list) else []:
                if isinstance(name, str):
                    self._agency_role(instance, target, name)
        for attribute in ("project_role", "enterprise_project_roles"):
            if values.get(attribute):
                target.notices.append(
                    Notice(
                        f"{instance.address} {attribute} are not counted: BSS is a global service, granted "
                        "through domain_roles or all_resources_roles",
                        self.locate(instance),
                    )
                )

    def _agency_role(self, instance: Instance, target: _Holding, name: str) -> None:
        roles = [
            role
            for role in (*self.by_type.get(("managed", ROLE), []), *self.by_type.get(("data", ROLE), []))
            if name in (role.values.get("name"), role.values.get("display_name"))
        ]
        if roles:
            for role in roles[:1]:
                policy, notices, opaque = self.policy(role, instance.address)
                target.add(policy, notices, opaque, role.address)
            return
        permission = SYSTEM_PERMISSIONS.get(name)
        where = self.locate(instance)
        if permission is not None:
            target.opaque.append(SystemPolicyRef(permission, where))
        elif name in _ALL_SERVICE_PERMISSIONS or "BSS" in name or "Billing" in name:
            target.opaque.append(
                _opaque(f"{instance.address} role {name!r}", where, False, "its document is not in the plan")
            )
        else:
            target.notices.append(
                Notice(
                    f"{instance.address} role {name!r} is another service's permission: not counted for BSS",
                    where,
                )
            )


_REFERENCE = re.compile(
    r"^(?P<data>data\.)?(?P<type>huaweicloud_[a-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)(?P<index>\[[^\]]+\])?(?:\.|$)"
)


def _without_index(address: str) -> str:
    return re.sub(r"\[[^\]]*\]$", "", address)


@dataclass
class _Holding:
    """What one principal holds on one side, being gathered (mutable while the side is read)."""

    policies: list[Policy] = field(default_factory=list)
    opaque: list[SystemPolicyRef] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # users: the groups they are members of

    def add(
        self, policy: Policy | None, notices: list[Notice], opaque: SystemPolicyRef | None, address: str
    ) -> None:
        self.resources.append(address)
        if policy is not None and policy not in self.policies:
            self.policies.append(policy)
        if opaque is not None:
            self.opaque.append(opaque)
        self.notices.extend(notice for notice in notices if notice not in self.notices)

    def grants(self, principal: Principal, file: str) -> Grants:
        return Grants(
            AccountType.CUSTOMER,
            principal.label,
            (file,),
            policies=tuple(self.policies),
            notices=tuple(dict.fromkeys(self.notices)),
            system_policies=tuple(dict.fromkeys(self.opaque)),
        )


def _merged(grants: Grants, other: Grants) -> Grants:
    return Grants(
        grants.account_type,
        grants.account,
        grants.files,
        policies=tuple(dict.fromkeys((*grants.policies, *other.policies))),
        notices=tuple(dict.fromkeys((*grants.notices, *other.notices))),
        system_policies=tuple(dict.fromkeys((*grants.system_policies, *other.system_policies))),
    )


def _opaque(
    name: str,
    where: Location,
    identity: bool,
    reason: str = "known only after apply",
    settle: str | None = None,
) -> SystemPolicyRef:
    permission = SystemPermission(name, is_role=False, scope=reason, read_only=False)
    return SystemPolicyRef(
        permission,
        where,
        source="terraform",
        identity=identity,
        settle=settle or f"{reason}; the answer is settled by the next plan once it is applied",
    )
