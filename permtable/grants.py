"""What an account holds: Partner Center roles, or IAM policy documents.

Grants files are YAML or JSON; a bare IAM policy JSON file is itself a customer grants file.
Everything is checked strictly: a misread grant is how an auditor produces a false "allowed".

Why one module of this size: loading and reviewing grants share the grammar of both grants
file kinds; the review (warnings about grants that cannot do what their author meant) is the
second half of the module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING

from permtable.documents import load_document
from permtable.errors import InputError, Location, Notice
from permtable.fields import check_keys, describe, expect_map, expect_str, expect_str_list
from permtable.files import DEFAULT_MAX_BYTES, beside, file_stem
from permtable.model import IDENTITY_POLICY_VERSION as IDENTITY_VERSION
from permtable.model import AccountType
from permtable.nodes import Node
from permtable.patterns import (
    ActionPattern,
    action_problem,
    compile_action,
    every_action,
    is_partner_code,
    never_matching,
)
from permtable.textdistance import closest, edit_distance
from permtable.values import MAX_SIMILAR_WARNINGS

if TYPE_CHECKING:
    # Exports are read only for files without bsscheck's own "type:" (start-up need not pay).
    from permtable.exports import ExportedPolicy, Shape
    from permtable.system_policies import SystemPolicyRef  # named system policies are rare

ACCOUNT_ACTIONS = "(account actions)"
POLICY_VERSIONS = ("1.0", "1.1", IDENTITY_VERSION)
SYSTEM_ROLE_VERSION = "1.0"

_PARTNER_KEYS = ("type", "account", "roles", "actions")
_CUSTOMER_KEYS = ("type", "account", "policies")
_ROLE_KEYS = ("name", "actions")
_POLICY_ITEM_KEYS = ("name", "document", "file", "system")
_DOCUMENT_KEYS = ("Version", "Statement", "Depends")
_IDENTITY_DOCUMENT_KEYS = ("Version", "Statement")
_STATEMENT_KEYS = ("Effect", "Action", "Condition", "Resource")
# Identity policies and SCPs (usermanual-iam5, iam_01_1289): Action or NotAction, never both.
_IDENTITY_STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")


_IDENTITY_SERVICES = ("billing", "costCenter", "businessUnitCenter")


class Effect(str, Enum):
    ALLOW = "Allow"
    DENY = "Deny"


class PolicyModel(str, Enum):
    """Which authorisation model a document belongs to; each is evaluated by its own rules."""

    ROLE = "role"  # Version 1.0, a system role: BSS APIs do not authenticate roles
    POLICY = "policy"  # Version 1.1: bss:<resource>:<action> codes from the customer table
    IDENTITY = "identity"  # Version 5.0, an identity policy: billing:/costCenter: actions
    SCP = "scp"  # Version 5.0, an Organizations service control policy: bounds, never grants

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Role:
    """A Partner Center role (or the account's own action list) and the actions it ticks."""

    name: str
    actions: tuple[str, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of an IAM policy, its actions compiled once for every permission check."""

    policy: str
    index: int  # 1-based, as a reader counts statements in the document
    effect: Effect
    actions: tuple[ActionPattern, ...]
    # Conditions and Resource restrictions depend on the request; offline they stay undecided.
    condition: str | None
    location: Location
    not_action: bool = False  # NotAction: the statement applies to every action it does not list
    sid: str | None = None

    @property
    def conditional(self) -> bool:
        return self.condition is not None

    def pattern_for(self, action: str) -> str | None:
        """The text that makes this statement apply to ``action``, or None when it does not."""
        if self.not_action:
            if any(pattern.matches(action) for pattern in self.actions):
                return None
            return "NotAction [" + ", ".join(pattern.text for pattern in self.actions) + "]"
        for pattern in self.actions:
            if pattern.matches(action):
                return pattern.text
        return None


@dataclass(frozen=True, slots=True)
class Policy:
    """A policy document as attached to the account (Version 1.0 is a system role)."""

    name: str
    version: str
    statements: tuple[Statement, ...]
    location: Location
    model: PolicyModel = PolicyModel.POLICY
    # Where it came from when that is more than a file: the export item ("policy 'Billing
    # viewer' (id 9a3c...)"), shown beside every grant it makes.
    origin: str | None = None

    @property
    def is_system_role(self) -> bool:
        return self.model is PolicyModel.ROLE


@dataclass(frozen=True, slots=True)
class Grants:
    """Everything one account holds, merged from one or more files."""

    account_type: AccountType
    account: str
    files: tuple[str, ...]
    roles: tuple[Role, ...] = ()
    policies: tuple[Policy, ...] = ()
    notices: tuple[Notice, ...] = ()
    system_policies: tuple[SystemPolicyRef, ...] = ()
    # Organizations SCPs along the account's path (``--scp``): each must allow an action.
    boundaries: tuple[Policy, ...] = ()

    @property
    def identity_policies(self) -> tuple[Policy, ...]:
        return tuple(policy for policy in self.policies if policy.model is PolicyModel.IDENTITY)

    def bounded_by(self, boundaries: Sequence[Policy]) -> Grants:
        return replace(self, boundaries=tuple(boundaries))


# --------------------------------------------------------------------------- loading


def load_grants(paths: Sequence[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Grants:
    """Load and merge grants files; they must all describe the same account type."""
    if not paths:
        raise InputError("no grants file given", hint="pass one with -g/--grants FILE")
    loaded = [load_grants_file(path, max_bytes) for path in paths]
    first = loaded[0]
    for other in loaded[1:]:
        if other.account_type is not first.account_type:
            raise InputError(
                f"is a {other.account_type.value} grants file, "
                f"but {first.files[0]} is {first.account_type.value}",
                Location(other.files[0]),
                "grants files given together must describe one account type",
            )
    names = list(dict.fromkeys(grants.account for grants in loaded))
    return Grants(
        account_type=first.account_type,
        account=" + ".join(names),
        files=tuple(file for grants in loaded for file in grants.files),
        roles=tuple(role for grants in loaded for role in grants.roles),
        policies=tuple(policy for grants in loaded for policy in grants.policies),
        notices=tuple(notice for grants in loaded for notice in grants.notices),
        system_policies=tuple(ref for grants in loaded for ref in grants.system_policies),
    )


def load_grants_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Grants:
    root = load_document(path, max_bytes)
    if root.is_map and "type" in root.value:
        return _own_grants(root, path, max_bytes)  # bsscheck's own format: nothing to recognise
    from permtable.exports import recognise  # noqa: PLC0415  (see TYPE_CHECKING above)

    return grants_from_node(root, path, recognise(root), max_bytes)


def grants_from_node(root: Node, path: str, shape: Shape, max_bytes: int = DEFAULT_MAX_BYTES) -> Grants:
    """The grants a recognised file holds (``shape`` from ``exports.recognise``)."""
    from permtable.exports import Shape  # noqa: PLC0415

    stem = file_stem(path)
    if shape is Shape.ORGANIZATIONS_POLICY:
        raise InputError(
            "is a service control policy: it bounds what an account can call, it grants nothing",
            root.location,
            "pass it with --scp FILE",
        )
    if shape is not Shape.GRANTS:
        loaded = [_policy(item.document, item.name, path, item.origin) for item in _items(root, shape, stem)]
        return Grants(
            AccountType.CUSTOMER,
            stem,
            (path,),
            policies=tuple(policy for policy, _ in loaded),
            notices=tuple(notice for _, found in loaded for notice in found),
        )
    return _own_grants(root, path, max_bytes)


def _own_grants(root: Node, path: str, max_bytes: int) -> Grants:
    """A grants file in bsscheck's own format (``type: partner|customer``)."""
    stem = file_stem(path)
    mapping = root.value
    type_node = mapping["type"]
    type_text = expect_str(type_node, "type")
    try:
        account_type = AccountType(type_text)
    except ValueError:
        raise InputError(f"type must be partner or customer, not {type_text!r}", type_node.location) from None
    account = expect_str(mapping["account"], "account") if "account" in mapping else stem
    if account_type is AccountType.PARTNER:
        fields = check_keys(root, "a partner grants file", _PARTNER_KEYS)
        roles = [_role(node, index) for index, node in enumerate(_list(fields, "roles"), 1)]
        if "actions" in fields:
            actions = expect_str_list(fields["actions"], "actions")
            held = tuple(action for action, _ in actions)  # as written: codes match exactly
            roles.append(Role(ACCOUNT_ACTIONS, held, fields["actions"].location))
        if "roles" not in fields and "actions" not in fields:
            raise InputError("a partner grants file needs roles or actions", root.location)
        return Grants(account_type, account, (path,), roles=tuple(roles))
    fields = check_keys(root, "a customer grants file", _CUSTOMER_KEYS, required=("policies",))
    policies: list[Policy] = []
    policy_notices: list[Notice] = []
    system: list[SystemPolicyRef] = []
    for index, node in enumerate(_list(fields, "policies"), 1):
        if node.is_map and "system" in node.value:
            system.append(_system_item(node, index))
            continue
        for policy, notices in _policy_item(node, index, path, max_bytes):
            policies.append(policy)
            policy_notices.extend(notices)
    for ref in system:
        policy_notices.append(_system_notice(ref))
    return Grants(
        account_type,
        account,
        (path,),
        policies=tuple(policies),
        notices=tuple(policy_notices),
        system_policies=tuple(system),
    )


def _items(root: Node, shape: Shape, stem: str) -> list[ExportedPolicy]:
    from permtable.exports import ExportedPolicy, Shape, exported_policies  # noqa: PLC0415

    if shape in (Shape.POLICY, Shape.IDENTITY_POLICY):
        return [ExportedPolicy(root, stem, f"policy document {stem!r}")]
    return exported_policies(root, shape, stem)


def load_boundaries(paths: Sequence[str], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Policy, ...]:
    """The SCPs given with ``--scp``: bare Version 5.0 documents or Organizations ShowPolicy
    responses. Each file is one boundary that must allow an action (see evaluate)."""
    from permtable.exports import Shape, recognise  # noqa: PLC0415

    boundaries = []
    for path in paths:
        root = load_document(path, max_bytes)
        shape = recognise(root)
        if shape not in (Shape.IDENTITY_POLICY, Shape.ORGANIZATIONS_POLICY, Shape.POLICY):
            raise InputError(
                f"is {shape.label}, not a service control policy",
                root.location,
                "give an SCP document (Version 5.0) or hcloud Organizations ShowPolicy output",
            )
        for item in _items(root, shape, file_stem(path)):
            origin = item.origin if shape is Shape.ORGANIZATIONS_POLICY else f"SCP {item.name!r}"
            policy, _ = _policy(item.document, item.name, path, origin, scp=True)
            boundaries.append(policy)
    return tuple(boundaries)


def _list(fields: dict[str, Node], key: str) -> list[Node]:
    node = fields.get(key)
    if node is None:
        return []
    if not node.is_seq:
        raise InputError(f"{key} must be a list, found {describe(node)}", node.location)
    return list(node.value)


def _role(node: Node, index: int) -> Role:
    fields = check_keys(node, f"role {index}", _ROLE_KEYS, required=_ROLE_KEYS)
    name = expect_str(fields["name"], f"role {index} name")
    actions = expect_str_list(fields["actions"], f"role {name!r} actions")
    # Kept as written: a code matches exactly, so " BPC_..." grants nothing (review_grants says why).
    return Role(name, tuple(action for action, _ in actions), node.location)


def _system_item(node: Node, index: int) -> SystemPolicyRef:
    from permtable.system_policies import (  # noqa: PLC0415  (named ones only)
        PERMISSIONS_PAGE,
        SYSTEM_PERMISSIONS,
        SystemPolicyRef,
    )

    fields = check_keys(node, f"policy {index}", ("system",), required=("system",))
    name_node = fields["system"]
    name = expect_str(name_node, f"policy {index} system")
    permission = SYSTEM_PERMISSIONS.get(name)
    if permission is None:
        known = ", ".join(SYSTEM_PERMISSIONS)
        raise InputError(
            f"{name!r} is not a Huawei system permission for BSS (known: {known})",
            name_node.location,
            f"did you mean {_nearest_system_name(name)!r}? Huawei lists them at {PERMISSIONS_PAGE}",
        )
    return SystemPolicyRef(permission, name_node.location)


def _nearest_system_name(name: str) -> str:
    """The known name a mistyped one most likely means: one containing it ("BSS FullAccess"
    in "Enterprise Project BSS FullAccess"), else the nearest by edit distance."""
    from permtable.system_policies import SYSTEM_PERMISSIONS  # noqa: PLC0415

    lowered = name.lower().strip()
    for known in SYSTEM_PERMISSIONS:
        if lowered and lowered in known.lower():
            return known
    return min(SYSTEM_PERMISSIONS, key=lambda known: (edit_distance(lowered, known.lower()), known))


def _system_notice(ref: SystemPolicyRef) -> Notice:
    from permtable.system_policies import export_command  # noqa: PLC0415

    if ref.permission.is_role:
        return Notice(
            f"system permission {ref.name!r} is a system role: it grants nothing to BSS APIs",
            ref.location,
            "BSS supports policy authentication only; attach a system or custom policy",
        )
    return Notice(
        f"system policy {ref.name!r} is named without its document: the APIs it could grant "
        f"({ref.permission.scope}) are decided as unknown",
        ref.location,
        f"export its document with: {export_command(ref.name)}",
    )


def _policy_item(
    node: Node, index: int, grants_path: str, max_bytes: int
) -> list[tuple[Policy, list[Notice]]]:
    fields = check_keys(node, f"policy {index}", _POLICY_ITEM_KEYS)
    if ("document" in fields) == ("file" in fields):
        raise InputError(
            f"policy {index} needs exactly one of 'document', 'file' or 'system'",
            node.location,
            "give the IAM policy inline under document:, its path under file:, or a system permission's name",
        )
    given_name = expect_str(fields["name"], f"policy {index} name") if "name" in fields else None
    if "file" in fields:
        relative = expect_str(fields["file"], f"policy {index} file")
        target = beside(grants_path, relative)
        document = load_document(target, max_bytes)
        keys = document.value if document.is_map else {}
        if "type" not in keys and ("Version" in keys or "Statement" in keys):
            # A plain policy document, the common case: no export shape to recognise.
            return [_policy(document, given_name or file_stem(relative), target)]
        from permtable.exports import Shape, recognise  # noqa: PLC0415

        shape = recognise(document)
        if shape is Shape.GRANTS:
            raise InputError(
                "is a grants file; a policy file holds a policy document or an IAM export",
                document.location,
                f"give it with another -g instead of under policy {index}",
            )
        items = _items(document, shape, file_stem(relative))
        if given_name is not None and len(items) == 1:
            items = [replace(items[0], name=given_name)]
        return [_policy(item.document, item.name, target, item.origin) for item in items]
    return [_policy(fields["document"], given_name or f"policy {index}", grants_path)]


def policy_document(
    node: Node, name: str, file: str, origin: str | None = None
) -> tuple[Policy, list[Notice]]:
    """A policy document (Version 1.0, 1.1 or 5.0) read from its node, with the notices about it:
    for sources other than grants files (Terraform plans)."""
    return _policy(node, name, file, origin)


def _policy(
    node: Node, name: str, file: str, origin: str | None = None, scp: bool = False
) -> tuple[Policy, list[Notice]]:
    version_node = node.get("Version")
    identity = (
        version_node is not None and version_node.kind == "str" and version_node.value == IDENTITY_VERSION
    )
    allowed = _IDENTITY_DOCUMENT_KEYS if identity else _DOCUMENT_KEYS
    kind = "SCP" if scp else ("identity policy" if identity else "IAM policy")
    fields = check_keys(node, f"{kind} {name!r}", allowed, required=("Version", "Statement"))
    version_node = fields["Version"]
    version = expect_str(version_node, "Version")
    if scp and version != IDENTITY_VERSION:
        raise InputError(
            f'an SCP has Version "{IDENTITY_VERSION}", not {version!r}',
            version_node.location,
            "SCPs use the identity-policy grammar",
        )
    if version not in POLICY_VERSIONS:
        raise InputError(
            f'Version must be "1.0" (system role), "1.1" (policy) or "5.0" (identity policy), '
            f"not {version!r}",
            version_node.location,
        )
    statements_node = fields["Statement"]
    if not statements_node.is_seq:
        raise InputError(
            f"Statement must be a list, found {describe(statements_node)}",
            statements_node.location,
            "wrap the statement in [ ]",
        )
    model = (
        PolicyModel.SCP
        if scp
        else PolicyModel.IDENTITY
        if identity
        else PolicyModel.ROLE
        if version == SYSTEM_ROLE_VERSION
        else PolicyModel.POLICY
    )
    notices: list[Notice] = []
    read = _identity_statement if identity else _statement
    statements = tuple(
        read(item, name, index, notices) for index, item in enumerate(statements_node.value, 1)
    )
    if model is PolicyModel.ROLE:
        notices.append(
            Notice(
                f"policy {name!r} is a system role (Version 1.0): it grants nothing to BSS APIs",
                fields["Version"].location,
                "BSS supports policy authentication only; attach a Version 1.1 custom policy",
            )
        )
    return Policy(name, version, statements, node.location, model, origin), notices


def _effect(fields: dict[str, Node], what: str) -> Effect:
    effect_node = fields["Effect"]
    effect_text = expect_str(effect_node, f"Effect of {what}")
    try:
        return Effect(effect_text)
    except ValueError:
        hint = (
            f'write "{effect_text.capitalize()}"' if effect_text.capitalize() in ("Allow", "Deny") else None
        )
        raise InputError(
            f'Effect must be exactly "Allow" or "Deny", not {effect_text!r}',
            effect_node.location,
            hint,
        ) from None


def _statement(node: Node, policy: str, index: int, notices: list[Notice]) -> Statement:
    what = f"statement {index} of policy {policy!r}"
    fields = check_keys(node, what, _STATEMENT_KEYS, required=("Effect", "Action"))
    effect = _effect(fields, what)
    deny = effect is Effect.DENY
    actions = _actions(fields["Action"], what, effect, notices, generous=deny, identity=False)
    restrictions = {}
    for key in ("Condition", "Resource"):
        if key in fields:
            restrictions[key] = fields[key].plain()
    if "Condition" in fields:
        expect_map(fields["Condition"], f"Condition of {what}")
    condition = json.dumps(restrictions, ensure_ascii=False, sort_keys=True) if restrictions else None
    return Statement(policy, index, effect, tuple(actions), condition, node.location)


def _identity_statement(node: Node, policy: str, index: int, notices: list[Notice]) -> Statement:
    """A Version 5.0 statement (identity policy or SCP)."""
    what = f"statement {index} of policy {policy!r}"
    fields = check_keys(node, what, _IDENTITY_STATEMENT_KEYS, required=("Effect",))
    if ("Action" in fields) == ("NotAction" in fields):
        raise InputError(
            f"{what} needs exactly one of Action or NotAction",
            node.location,
            "Action lists what the statement applies to; NotAction lists what it does not",
        )
    if "Resource" in fields and "NotResource" in fields:
        raise InputError(f"{what} has both Resource and NotResource", node.location, "keep one of them")
    effect = _effect(fields, what)
    not_action = "NotAction" in fields
    key = "NotAction" if not_action else "Action"
    # NotAction turns the list around: an Allow's exceptions are read generously (a wider
    # exception grants less), a Deny's as written (a narrower exception denies more).
    generous = (effect is Effect.DENY) != not_action
    actions = _actions(fields[key], what, effect, notices, generous=generous, identity=True, key=key)
    sid = expect_str(fields["Sid"], f"Sid of {what}", allow_empty=True) if "Sid" in fields else None
    restrictions: dict[str, object] = {}
    if "Condition" in fields:
        _check_condition(fields["Condition"], what)
        restrictions["Condition"] = fields["Condition"].plain()
    for resource_key in ("Resource", "NotResource"):
        if resource_key in fields:
            values = [
                text for text, _ in expect_str_list(fields[resource_key], f"{resource_key} of {what}", True)
            ]
            # "*" is every resource (Huawei: actions without resource-level permissions need it).
            if resource_key == "NotResource" or values != ["*"]:
                restrictions[resource_key] = values
    condition = json.dumps(restrictions, ensure_ascii=False, sort_keys=True) if restrictions else None
    return Statement(policy, index, effect, tuple(actions), condition, node.location, not_action, sid)


def _check_condition(node: Node, what: str) -> None:
    """Condition: {operator: {key: value or [values]}}, each value a string."""
    for operator, keys in expect_map(node, f"Condition of {what}").items():
        for key, value in expect_map(keys, f"Condition {operator} of {what}").items():
            expect_str_list(value, f"Condition {operator} {key} of {what}", allow_single=True)


def _actions(
    node: Node,
    what: str,
    effect: Effect,
    notices: list[Notice],
    generous: bool,
    identity: bool,
    key: str = "Action",
) -> list[ActionPattern]:
    actions = []
    for text, action_node in expect_str_list(node, f"{key} of {what}", allow_single=True):
        if identity and text == "*":
            actions.append(every_action())
            continue
        # As written: an Allow with a stray space or invisible character grants nothing, a Deny
        # is read generously (patterns.py says how); either way the notice says which.
        pattern = compile_action(
            text, service_ignore_case=generous, generous=generous, case_sensitive=identity and not generous
        )
        if pattern is None and is_partner_code(text.strip()):
            # A Partner Center code pasted into an IAM policy: it can never match an IAM
            # action, and review_grants names the mix-up in a warning.
            pattern = never_matching(text)
        if pattern is None:
            raise InputError(
                f"action {text!r} is not service:resource:action",
                action_node.location,
                "for example billing:order:view or bss:order:view"
                if identity
                else "for example bss:order:view or bss:*:*",
            )
        if pattern.problem is not None:
            notices.append(_unusable_action(text, what, effect, pattern.problem, action_node.location))
        actions.append(pattern)
    return actions


def _unusable_action(text: str, where: str, effect: Effect, problem: str, location: Location) -> Notice:
    if effect is Effect.ALLOW:
        return Notice(
            f"action {text!r} in {where} {problem}, so this Allow grants nothing",
            location,
            "write the action in plain ASCII without spaces, e.g. bss:order:view",
        )
    return Notice(f"action {text!r} in {where} (a Deny) {problem}", location, "write it in plain ASCII")


# --------------------------------------------------------------------------- review


def review_grants(
    grants: Grants,
    known_codes: Iterable[str],
    other_codes: Container[str],
    focus: Container[str] | None = None,
) -> list[Notice]:
    """Warnings about grants that cannot do what their author meant.

    ``known_codes`` are the permission codes of the account's own table, ``other_codes`` those
    of the other table (a partner code in a customer policy is a classic mix-up). Only
    membership is asked of ``other_codes``, and only for a code the own table does not know, so
    a caller may pass a container that reads the other table lazily.

    ``focus`` (who-can, matrix): the permissions the question needs. Only warnings that bear on
    them are given: an unknown code whose nearest table code is one of them (the typo that may
    be why an account cannot call the API), a statement that never takes effect for one of
    them. Reviewing a whole fleet for everything is ``validate``'s job, and a fleet question
    drowned in 100,000 unrelated warnings hides the one that matters.
    """
    known = list(dict.fromkeys(known_codes))
    warnings = _Warnings(focus)
    unknown = _UnknownCodes(known, other_codes, warnings)
    warnings.extend(grants.notices)
    if grants.account_type is AccountType.PARTNER:
        for role in grants.roles:
            if not role.actions:
                warnings.add(Notice(f"role {role.name!r} has no actions: it grants nothing", role.location))
            for action in role.actions:
                problem = action_problem(action)
                if problem is not None:
                    warnings.add(
                        Notice(
                            f"code {action!r} in role {role.name!r} contains {problem}: Partner Center "
                            "codes match exactly, so it grants nothing",
                            role.location,
                            "write the code without spaces or invisible characters",
                        )
                    )
                elif action not in known:
                    unknown.occurrence(action, partial("role {!r}".format, role.name), role.location)
        return warnings.shown()
    matched = _KnownMatches(known)
    denied = _firmly_denied(grants, matched)
    for policy in grants.policies:
        if policy.is_system_role:
            continue
        if policy.model is PolicyModel.IDENTITY:
            warnings.extend(_review_identity_policy(policy))
            continue
        for statement in policy.statements:
            _review_statement(statement, policy.name, matched, unknown, denied, warnings)
    return warnings.shown()


class _KnownMatches:
    """Which of the table's codes each action pattern matches, worked out once per pattern: a
    large account writes a few dozen patterns in 100,000 statements."""

    def __init__(self, known: list[str]) -> None:
        self.known = known
        self._codes: dict[tuple[str, Effect], frozenset[str]] = {}
        self._unlisted: dict[tuple[str, Effect, str | None], bool] = {}

    def codes(self, pattern: ActionPattern, effect: Effect) -> frozenset[str]:
        key = (pattern.text, effect)  # the effect decides how the text was compiled
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = frozenset(code for code in self.known if pattern.matches(code))
        return found

    def unlisted(self, pattern: ActionPattern, effect: Effect) -> bool:
        """Whether an action names a BSS code the table does not list (a typo, a partner code in
        an IAM policy), remembered by its text: a large account repeats a few dozen texts."""
        key = (pattern.text, effect, pattern.problem)
        found = self._unlisted.get(key)
        if found is None:
            found = self._unlisted[key] = self._judge(pattern, effect)
        return found

    def _judge(self, pattern: ActionPattern, effect: Effect) -> bool:
        if pattern.problem is not None and effect is Effect.ALLOW:
            return False  # the loader has said why it grants nothing
        # A partner code in an IAM policy. (Every code of a partner table has this shape, which
        # the table loader enforces, so the other table need not be read to tell.)
        if is_partner_code(pattern.text):
            return True
        if not pattern.text.lower().startswith("bss:") and not pattern.text.startswith("*"):
            return False  # another service's action: legitimate, just irrelevant here
        return not self.codes(pattern, effect)

    def allowed(self, statement: Statement) -> list[str]:
        """The table's codes a (non-NotAction) statement names, in the table's order."""
        codes = frozenset().union(*(self.codes(pattern, statement.effect) for pattern in statement.actions))
        return [code for code in self.known if code in codes] if codes else []


class _Repeated:
    """A review warning that may repeat: what groups it (an unknown code, a kind of problem),
    the warning itself, and the words that stand for the rest when they are counted.

    A plain class: private to the review, and a dataclass definition would cost every run's
    start-up a compiled ``__init__`` (see docs/performance.md)."""

    __slots__ = ("key", "notice", "summary")

    def __init__(self, key: str, notice: Notice, summary: str) -> None:
        self.key = key
        self.notice = notice
        self.summary = summary


class _Warnings:
    """The review's warnings in order. A warning that repeats (the same unknown code in 2,000
    statements) is kept for its first ``MAX_SIMILAR_WARNINGS`` occurrences, and the rest are
    counted in one line at the place of the first left out: the words of a counted occurrence
    are never made, and memory holds at most that many of each kind.

    ``focus`` (who-can, matrix): only repeated warnings that bear on one of these codes are
    kept; the loader's own notices about the file (a system role, an unusable action) always
    stay."""

    __slots__ = ("_counts", "_focus", "_items")

    def __init__(self, focus: Container[str] | None) -> None:
        self._focus = focus
        self._items: list[Notice | _Repeated] = []
        self._counts: dict[str, int] = {}

    def add(self, notice: Notice) -> None:
        self._items.append(notice)

    def extend(self, notices: Iterable[Notice]) -> None:
        self._items.extend(notices)

    def wanted(self, key: str, codes: tuple[str, ...]) -> bool:
        """Count an occurrence of a repeated warning bearing on ``codes``; whether its words
        are needed (it is shown, or it is the first one counted, where the count goes)."""
        if self._focus is not None and not any(code in self._focus for code in codes):
            return False
        count = self._counts[key] = self._counts.get(key, 0) + 1
        return count <= MAX_SIMILAR_WARNINGS + 1

    def repeat(self, key: str, notice: Notice, summary: str) -> None:
        """Add an occurrence ``wanted`` said is needed."""
        self._items.append(_Repeated(key, notice, summary))

    def shown(self) -> list[Notice]:
        shown: dict[str, int] = {}
        result: list[Notice] = []
        for item in self._items:
            if not isinstance(item, _Repeated):
                result.append(item)
                continue
            count = shown[item.key] = shown.get(item.key, 0) + 1
            if count <= MAX_SIMILAR_WARNINGS:
                result.append(item.notice)
            else:
                rest = self._counts[item.key] - MAX_SIMILAR_WARNINGS
                result.append(Notice(f"{rest:,} more {item.summary}", item.notice.location, item.notice.hint))
        return result


def _firmly_denied(grants: Grants, matched: _KnownMatches) -> dict[str, Statement]:
    """Table permissions denied by a Deny without a Condition, with the first such statement."""
    denied: dict[str, Statement] = {}
    for policy in grants.policies:
        if policy.is_system_role:
            continue
        for statement in policy.statements:
            if statement.effect is Effect.DENY and not statement.conditional:
                if statement.not_action:
                    codes = [code for code in matched.known if statement.pattern_for(code) is not None]
                else:
                    codes = matched.allowed(statement)
                for code in codes:
                    denied.setdefault(code, statement)
    return denied


def _review_identity_policy(policy: Policy) -> list[Notice]:
    """An identity policy's Allows of bss: codes grant nothing here; near misses of the identity
    actions bsscheck knows are most likely typos."""
    from permtable.identity_table import KNOWN_IDENTITY_ACTIONS  # noqa: PLC0415  (identity policies only)

    notices = []
    for statement in policy.statements:
        where = f"statement {statement.index} of identity policy {policy.name!r}"
        for pattern in statement.actions:
            text = pattern.text
            if pattern.problem is not None:
                continue  # the loader has said what is wrong with it (a space, a look-alike letter)
            if (
                statement.effect is Effect.ALLOW
                and not statement.not_action
                and text.lower().startswith("bss:")
            ):
                notices.append(
                    Notice(
                        f"{text!r} in {where} is a policy (Version 1.1) action: identity policies authorise "
                        "BSS APIs with billing:, costCenter: and businessUnitCenter: actions, so it is not "
                        "counted as granting anything",
                        statement.location,
                        "write the identity action (bsscheck explain 'METHOD /path' shows it "
                        "where Huawei documents it)",
                    )
                )
                continue
            if "*" in text or text in KNOWN_IDENTITY_ACTIONS or text.split(":")[0] not in _IDENTITY_SERVICES:
                continue
            near = closest(text, KNOWN_IDENTITY_ACTIONS, max_distance=2)
            if near:
                notices.append(
                    Notice(
                        f"{text!r} in {where} is not an identity action bsscheck knows",
                        statement.location,
                        f"did you mean {near[0]}?",
                    )
                )
    return notices


def _review_statement(
    statement: Statement,
    policy_name: str,
    matched: _KnownMatches,
    unknown: _UnknownCodes,
    denied: dict[str, Statement],
    warnings: _Warnings,
) -> None:
    """Add what is wrong with one statement to ``warnings``. Runs once per statement of every
    policy, so a warning's words are made only when ``warnings`` wants them."""
    holder = partial(_statement_holder, statement.index, policy_name)
    effect = statement.effect
    if not statement.actions:
        warnings.add(Notice(f"{holder()} has no actions: it never applies", statement.location))
    for pattern in statement.actions:
        if matched.unlisted(pattern, effect):
            unknown.occurrence(pattern.text, holder, statement.location)
    if effect is Effect.ALLOW and denied:
        # Every code it allows is denied: asked of each action's codes as sets, at C speed.
        named = [matched.codes(pattern, effect) for pattern in statement.actions]
        if any(named) and all(denied.keys() >= codes for codes in named):
            allowed = tuple(matched.allowed(statement))
            if warnings.wanted("shadowed", allowed):
                deny = denied[allowed[0]]
                notice = Notice(
                    f"{holder()} never takes effect for BSS APIs: every permission it allows "
                    f"({', '.join(allowed)}) is denied by statement {deny.index} of policy {deny.policy!r}",
                    statement.location,
                    "a Deny always wins; remove the Allow or narrow the Deny",
                )
                warnings.repeat("shadowed", notice, _SHADOWED)


_SHADOWED = "statement(s) never take effect for BSS APIs: every permission they allow is denied"


def _statement_holder(index: int, policy_name: str) -> str:
    return f"statement {index} of policy {policy_name!r}"


class _UnknownCodes:
    """What the review says of a code the account's table does not list, grouped by the code:
    the same typo in 2,000 statements is 20 warnings and one count. The nearest table code and
    the other table are looked up once per code."""

    def __init__(self, known: list[str], other: Container[str], warnings: _Warnings) -> None:
        self._known = known
        self._other = other
        self._warnings = warnings
        # code -> (group, summary, codes it bears on, the warning's words after the holder, hint)
        self._said: dict[str, tuple[str, str, tuple[str, ...], str, str | None]] = {}

    def occurrence(self, code: str, holder: Callable[[], str], location: Location) -> None:
        """One use of ``code`` by ``holder`` (its words, made only if they are shown)."""
        said = self._said.get(code)
        if said is None:
            said = self._said[code] = self._say(code)
        key, summary, codes, words, hint = said
        if self._warnings.wanted(key, codes):
            self._warnings.repeat(key, Notice(f"{code!r} in {holder()} {words}", location, hint), summary)

    def _say(self, code: str) -> tuple[str, str, tuple[str, ...], str, str | None]:
        if code in self._other:
            return (
                f"other:{code}",
                f"use(s) of {code!r}, which belongs to the other account type",
                (),
                "belongs to the other account type's table and grants nothing here",
                None,
            )
        suggestions = closest(code, self._known)
        return (
            f"unknown:{code}",
            f"use(s) of {code!r}, which is not a permission in the table",
            tuple(suggestions[:1]),
            "is not a permission in the table",
            f"did you mean {suggestions[0]}?" if suggestions else None,
        )
