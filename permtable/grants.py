"""What an account holds: Partner Center roles, or IAM policy documents.

Grants files are YAML or JSON; a bare IAM policy JSON file is itself a customer grants file.
Everything is checked strictly: a misread grant is how an auditor produces a false "allowed".

Why one module of this size: loading and reviewing grants share the grammar of both grants
file kinds; the review (warnings about grants that cannot do what their author meant) is the
second half of the module.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from permtable.documents import Node, load_document
from permtable.errors import InputError, Location, Notice
from permtable.fields import check_keys, describe, expect_map, expect_str, expect_str_list
from permtable.files import DEFAULT_MAX_BYTES, beside, file_stem
from permtable.model import AccountType
from permtable.patterns import ActionPattern, action_problem, compile_action, is_partner_code, never_matching
from permtable.textdistance import closest

ACCOUNT_ACTIONS = "(account actions)"
POLICY_VERSIONS = ("1.0", "1.1")
SYSTEM_ROLE_VERSION = "1.0"

_PARTNER_KEYS = ("type", "account", "roles", "actions")
_CUSTOMER_KEYS = ("type", "account", "policies")
_ROLE_KEYS = ("name", "actions")
_POLICY_ITEM_KEYS = ("name", "document", "file")
_DOCUMENT_KEYS = ("Version", "Statement", "Depends")
_STATEMENT_KEYS = ("Effect", "Action", "Condition", "Resource")


class Effect(str, Enum):
    ALLOW = "Allow"
    DENY = "Deny"


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

    @property
    def conditional(self) -> bool:
        return self.condition is not None


@dataclass(frozen=True, slots=True)
class Policy:
    """An IAM policy document as attached to the account (Version 1.0 is a system role)."""

    name: str
    version: str
    statements: tuple[Statement, ...]
    location: Location

    @property
    def is_system_role(self) -> bool:
        return self.version == SYSTEM_ROLE_VERSION


@dataclass(frozen=True, slots=True)
class Grants:
    """Everything one account holds, merged from one or more files."""

    account_type: AccountType
    account: str
    files: tuple[str, ...]
    roles: tuple[Role, ...] = ()
    policies: tuple[Policy, ...] = ()
    notices: tuple[Notice, ...] = ()


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
    )


def load_grants_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Grants:
    root = load_document(path, max_bytes)
    if not root.is_map:
        raise InputError(
            f"a grants file must be a mapping, found {describe(root)}",
            root.location,
            "start with 'type: partner' or 'type: customer', or give an IAM policy document",
        )
    mapping = root.value
    stem = file_stem(path)
    if "type" not in mapping and ("Version" in mapping or "Statement" in mapping):
        policy, notices = _policy(root, stem, path)
        return Grants(AccountType.CUSTOMER, stem, (path,), policies=(policy,), notices=tuple(notices))
    if "type" not in mapping:
        raise InputError(
            "a grants file needs 'type: partner' or 'type: customer'",
            root.location,
            "or give a bare IAM policy document with Version and Statement",
        )
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
    for index, node in enumerate(_list(fields, "policies"), 1):
        policy, notices = _policy_item(node, index, path, max_bytes)
        policies.append(policy)
        policy_notices.extend(notices)
    return Grants(account_type, account, (path,), policies=tuple(policies), notices=tuple(policy_notices))


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


def _policy_item(node: Node, index: int, grants_path: str, max_bytes: int) -> tuple[Policy, list[Notice]]:
    fields = check_keys(node, f"policy {index}", _POLICY_ITEM_KEYS)
    if ("document" in fields) == ("file" in fields):
        raise InputError(
            f"policy {index} needs exactly one of 'document' or 'file'",
            node.location,
            "give the IAM policy inline under document:, or its path under file:",
        )
    if "file" in fields:
        relative = expect_str(fields["file"], f"policy {index} file")
        target = beside(grants_path, relative)
        document = load_document(target, max_bytes)
        default_name = file_stem(relative)
        default_file = target
    else:
        document = fields["document"]
        default_name = f"policy {index}"
        default_file = grants_path
    name = expect_str(fields["name"], f"policy {index} name") if "name" in fields else default_name
    return _policy(document, name, default_file)


def _policy(node: Node, name: str, file: str) -> tuple[Policy, list[Notice]]:
    fields = check_keys(node, f"IAM policy {name!r}", _DOCUMENT_KEYS, required=("Version", "Statement"))
    version_node = fields["Version"]
    version = expect_str(version_node, "Version")
    if version not in POLICY_VERSIONS:
        raise InputError(
            f'Version must be "1.0" (system role) or "1.1" (policy), not {version!r}',
            version_node.location,
        )
    statements_node = fields["Statement"]
    if not statements_node.is_seq:
        raise InputError(
            f"Statement must be a list, found {describe(statements_node)}",
            statements_node.location,
            "wrap the statement in [ ]",
        )
    notices: list[Notice] = []
    statements = tuple(
        _statement(item, name, index, notices) for index, item in enumerate(statements_node.value, 1)
    )
    if version == SYSTEM_ROLE_VERSION:
        notices.append(
            Notice(
                f"policy {name!r} is a system role (Version 1.0): it grants nothing to BSS APIs",
                fields["Version"].location,
                "BSS supports policy authentication only; attach a Version 1.1 custom policy",
            )
        )
    return Policy(name, version, statements, node.location), notices


def _statement(node: Node, policy: str, index: int, notices: list[Notice]) -> Statement:
    what = f"statement {index} of policy {policy!r}"
    fields = check_keys(node, what, _STATEMENT_KEYS, required=("Effect", "Action"))
    effect_node = fields["Effect"]
    effect_text = expect_str(effect_node, f"Effect of {what}")
    try:
        effect = Effect(effect_text)
    except ValueError:
        hint = (
            f'write "{effect_text.capitalize()}"' if effect_text.capitalize() in ("Allow", "Deny") else None
        )
        raise InputError(
            f'Effect must be exactly "Allow" or "Deny", not {effect_text!r}',
            effect_node.location,
            hint,
        ) from None
    actions = []
    deny = effect is Effect.DENY
    for text, action_node in expect_str_list(fields["Action"], f"Action of {what}", allow_single=True):
        # As written: an Allow with a stray space or invisible character grants nothing, a Deny
        # is read generously (patterns.py says how); either way the notice says which.
        pattern = compile_action(text, service_ignore_case=deny, generous=deny)
        if pattern is None and is_partner_code(text.strip()):
            # A Partner Center code pasted into an IAM policy: it can never match an IAM
            # action, and review_grants names the mix-up in a warning.
            pattern = never_matching(text)
        if pattern is None:
            raise InputError(
                f"action {text!r} is not service:resource:action",
                action_node.location,
                "for example bss:order:view or bss:*:*",
            )
        if pattern.problem is not None:
            notices.append(_unusable_action(text, what, effect, pattern.problem, action_node.location))
        actions.append(pattern)
    restrictions = {}
    for key in ("Condition", "Resource"):
        if key in fields:
            restrictions[key] = fields[key].plain()
    if "Condition" in fields:
        expect_map(fields["Condition"], f"Condition of {what}")
    condition = json.dumps(restrictions, ensure_ascii=False, sort_keys=True) if restrictions else None
    return Statement(policy, index, effect, tuple(actions), condition, node.location)


def _unusable_action(text: str, where: str, effect: Effect, problem: str, location: Location) -> Notice:
    if effect is Effect.ALLOW:
        return Notice(
            f"action {text!r} in {where} {problem}, so this Allow grants nothing",
            location,
            "write the action in plain ASCII without spaces, e.g. bss:order:view",
        )
    return Notice(f"action {text!r} in {where} (a Deny) {problem}", location, "write it in plain ASCII")


# --------------------------------------------------------------------------- review


def review_grants(grants: Grants, known_codes: Iterable[str], other_codes: Container[str]) -> list[Notice]:
    """Warnings about grants that cannot do what their author meant.

    ``known_codes`` are the permission codes of the account's own table, ``other_codes`` those
    of the other table (a partner code in a customer policy is a classic mix-up). Only
    membership is asked of ``other_codes``, and only for a code the own table does not know, so
    a caller may pass a container that reads the other table lazily.
    """
    known = list(dict.fromkeys(known_codes))
    other = other_codes
    notices: list[Notice] = list(grants.notices)
    if grants.account_type is AccountType.PARTNER:
        for role in grants.roles:
            if not role.actions:
                notices.append(Notice(f"role {role.name!r} has no actions: it grants nothing", role.location))
            for action in role.actions:
                problem = action_problem(action)
                if problem is not None:
                    notices.append(
                        Notice(
                            f"code {action!r} in role {role.name!r} contains {problem}: Partner Center "
                            "codes match exactly, so it grants nothing",
                            role.location,
                            "write the code without spaces or invisible characters",
                        )
                    )
                elif action not in known:
                    notices.append(_unknown_code(action, role.name, role.location, known, other))
        return notices
    denied = _firmly_denied(grants, known)
    for policy in grants.policies:
        if policy.is_system_role:
            continue
        for statement in policy.statements:
            where = f"statement {statement.index} of policy {policy.name!r}"
            notices.extend(_review_statement(statement, where, known, other, denied))
    return notices


def _firmly_denied(grants: Grants, known: list[str]) -> dict[str, Statement]:
    """Table permissions denied by a Deny without a Condition, with the first such statement."""
    denied: dict[str, Statement] = {}
    for policy in grants.policies:
        if policy.is_system_role:
            continue
        for statement in policy.statements:
            if statement.effect is Effect.DENY and not statement.conditional:
                for code in known:
                    if any(pattern.matches(code) for pattern in statement.actions):
                        denied.setdefault(code, statement)
    return denied


def _review_statement(
    statement: Statement, where: str, known: list[str], other: Container[str], denied: dict[str, Statement]
) -> list[Notice]:
    notices = []
    if not statement.actions:
        notices.append(Notice(f"{where} has no actions: it never applies", statement.location))
    for pattern in statement.actions:
        if pattern.problem is not None and statement.effect is Effect.ALLOW:
            continue  # the loader has said why it grants nothing
        # A partner code in an IAM policy. (Every code of a partner table has this shape, which
        # the table loader enforces, so the other table need not be read to tell.)
        if is_partner_code(pattern.text):
            notices.append(_unknown_code(pattern.text, where, statement.location, known, other))
            continue
        if not pattern.text.lower().startswith("bss:") and not pattern.text.startswith("*"):
            continue  # another service's action: legitimate, just irrelevant here
        if not any(pattern.matches(code) for code in known):
            notices.append(_unknown_code(pattern.text, where, statement.location, known, other))
    if statement.effect is Effect.ALLOW:
        allowed = [code for code in known if any(p.matches(code) for p in statement.actions)]
        if allowed and all(code in denied for code in allowed):
            deny = denied[allowed[0]]
            notices.append(
                Notice(
                    f"{where} never takes effect for BSS APIs: every permission it allows "
                    f"({', '.join(allowed)}) is denied by statement {deny.index} of policy {deny.policy!r}",
                    statement.location,
                    "a Deny always wins; remove the Allow or narrow the Deny",
                )
            )
    return notices


def _unknown_code(
    code: str, holder: str, location: Location, known: list[str], other: Container[str]
) -> Notice:
    if code in other:
        return Notice(
            f"{code!r} in {holder} belongs to the other account type's table and grants nothing here",
            location,
        )
    suggestions = closest(code, known)
    hint = f"did you mean {suggestions[0]}?" if suggestions else None
    return Notice(f"{code!r} in {holder} is not a permission in the table", location, hint)
