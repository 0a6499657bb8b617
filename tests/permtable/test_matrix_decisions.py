"""A matrix cell decided without its explanation is the cell ``evaluate_route`` gives.

``Evaluator.decide_route`` answers the common shapes of a matrix cell (a row reached by one
route, an API the account's table does not list) without building the result and its notes,
and says None for every other shape. A wrong answer there is a wrong "callable" in every
matrix, so it is held here to ``evaluate_route`` on generated accounts of both types, both
options, every row of both tables, and APIs that are unlisted, near misses, reachable through
several rows or documented only as identity actions.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pt_helpers import IAM_ACTION_FORMS, make_table, write_grants

from permtable.apis import parse_api
from permtable.documents import parse_document
from permtable.evaluate import Decision, EvaluationPolicy, Evaluator, Route, route
from permtable.fleet.accounts import route_in
from permtable.fleet.matrix import _table_refs
from permtable.grants import Grants, load_boundaries, load_grants_file
from permtable.identity_table import IdentityTable, identity_table_from_node, identity_table_text
from permtable.model import AccountType, Mode, Table, build_permissions
from permtable.router import Router
from permtable.tables import IndexedTable, TableSet

_TABLES = TableSet()
_PARTNER_CODES = sorted(_TABLES.get(AccountType.PARTNER).table.permissions)
_CUSTOMER_CODES = sorted(_TABLES.get(AccountType.CUSTOMER).table.permissions)


def _extra_apis() -> list[str]:
    """APIs no row names as written: each reaches a branch of the unlisted path or several rows."""
    customer_paths = {(entry.method, entry.path) for entry in _TABLES.get(AccountType.CUSTOMER).table.entries}
    identity_only = [
        f"{row.method} {row.path}"
        for row in _TABLES.identity().rows
        if (row.method, row.path) not in customer_paths and "**" not in row.path
    ]
    return [
        "GET /v2/unlisted/things",  # listed nowhere: no fine-grained check
        "GET /v2/orders/customer-order",  # a near miss of GET /v2/orders/customer-orders
        "GET /v2/orders/customer-orders/{order_id}",  # a hole: literal rows and placeholders
        "POST /v2/orders/subscriptions/resources/{x}/delete",
        "GET /v2/bills/{kind}/monthly-sum",
        *identity_only[:4],
    ]


_REFS = list(
    {(ref.method, ref.path): ref for ref in [*_table_refs(_TABLES), *map(parse_api, _extra_apis())]}.values()
)
_ROUTES: dict[AccountType, list[Route]] = {
    kind: [route_in(ref, _TABLES, kind) for ref in _REFS] for kind in AccountType
}

_IAM_ACTIONS = [*_CUSTOMER_CODES[:12], *IAM_ACTION_FORMS]
_IDENTITY_ACTIONS = ["billing:*:*", "billing:order:view", "billing:bill:view", "bss:order:view"]
_SCP_ACTIONS = ["*", "billing:*:*", "billing:order:*", "billing:bill:view", "billing:subscription:*"]


@st.composite
def _partner(draw: st.DrawFn) -> dict[str, object]:
    roles = [
        {
            "name": f"role-{number}",
            "actions": draw(st.lists(st.sampled_from([*_PARTNER_CODES, "BPC_ITEM_UNKNOWN"]), max_size=12)),
        }
        for number in range(draw(st.integers(0, 3)))
    ]
    return {"type": "partner", "account": "generated", "roles": roles}


@st.composite
def _statement(draw: st.DrawFn, actions: list[str]) -> dict[str, object]:
    statement: dict[str, object] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        "Action": draw(st.lists(st.sampled_from(actions), min_size=1, max_size=5, unique=True)),
    }
    if draw(st.integers(0, 3)) == 0:
        statement["Condition"] = {"StringEquals": {"g:DomainName": ["example"]}}
    return statement


@st.composite
def _customer(draw: st.DrawFn) -> dict[str, object]:
    policies: list[dict[str, object]] = []
    for number in range(draw(st.integers(0, 4))):
        shape = draw(st.integers(0, 7))
        if shape == 0:  # an identity policy: two models, decided by evaluate_route only
            statements = draw(st.lists(_statement(_IDENTITY_ACTIONS), min_size=1, max_size=3))
            policies.append({"name": f"p{number}", "document": {"Version": "5.0", "Statement": statements}})
        elif shape == 1:  # named without its document: its grants are unknown
            policies.append({"system": draw(st.sampled_from(["BSS ReadonlyAccess", "BSS FinanceAccess"]))})
        else:
            statements = draw(st.lists(_statement(_IAM_ACTIONS), min_size=1, max_size=6))
            policies.append({"name": f"p{number}", "document": {"Version": "1.1", "Statement": statements}})
    return {"type": "customer", "account": "generated", "policies": policies}


def _load(account: dict[str, object], scps: list[list[dict[str, object]]] = ()) -> Grants:  # type: ignore[assignment]
    """The account, bounded by an SCP (``--scp``) per list of statements (customers only)."""
    with tempfile.TemporaryDirectory() as folder:
        grants = load_grants_file(str(write_grants(Path(folder), "grants.yaml", account)))
        paths = [
            str(write_grants(Path(folder), f"scp-{number}.json", {"Version": "5.0", "Statement": statements}))
            for number, statements in enumerate(scps)
        ]
        if paths and grants.account_type is AccountType.CUSTOMER:
            grants = grants.bounded_by(load_boundaries(paths))
        return grants


@settings(max_examples=200, deadline=None)
@given(
    account=st.one_of(_partner(), _customer()),
    scps=st.lists(st.lists(_statement(_SCP_ACTIONS), min_size=1, max_size=3), max_size=2),
    strict=st.booleans(),
    assume=st.booleans(),
)
def test_a_cell_decided_alone_is_the_cell_the_full_evaluation_gives(account, scps, strict, assume):
    grants = _load(account, scps)
    kind = grants.account_type
    options = EvaluationPolicy(strict=strict, assume_conditions=assume)
    quick = Evaluator(_TABLES.get(kind), grants, options, identity=_TABLES.identity)
    full = Evaluator(_TABLES.get(kind), grants, options, identity=_TABLES.identity)
    for ref, where in zip(_REFS, _ROUTES[kind], strict=True):
        decided = quick.decide_route(where, ref)
        result = full.evaluate_route(where, ref)
        if decided is not None:
            assert decided == (result.decision, result.callable), ref.api


def test_the_quick_path_answers_the_shapes_a_matrix_is_made_of():
    """Not vacuous: every cell but those reaching several rows is decided alone, for accounts
    of one model, with identity policies, and bounded by an SCP; and the routes exercised
    include each branch it answers or declines."""
    routes = [where for kinds in _ROUTES.values() for where in kinds]
    assert any(len(where.candidates) > 1 for where in routes)
    assert any(not where.listed and where.other_entry is not None for where in routes)
    assert any(not where.listed and where.suggestions for where in routes)
    assert any(not where.listed and not where.suggestions and where.other_entry is None for where in routes)
    assert any(
        not where.listed and _TABLES.identity().routed(ref)
        for ref, where in zip(_REFS, _ROUTES[AccountType.CUSTOMER], strict=True)
    )
    policy = {
        "name": "p",
        "document": {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:*:view"]}]},
    }
    identity = {
        "name": "i",
        "document": {"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["billing:*:*"]}]},
    }
    scp = [{"Effect": "Allow", "Action": ["*"]}, {"Effect": "Deny", "Action": ["billing:subscription:*"]}]
    for account, scps in (
        ({"type": "partner", "account": "a", "roles": [{"name": "r", "actions": _PARTNER_CODES[:5]}]}, []),
        ({"type": "customer", "account": "a", "policies": [policy]}, []),
        ({"type": "customer", "account": "a", "policies": [policy, identity]}, []),
        ({"type": "customer", "account": "a", "policies": [policy, identity]}, [scp]),
    ):
        grants = _load(account, scps)
        kind = grants.account_type
        evaluator = Evaluator(_TABLES.get(kind), grants, EvaluationPolicy(), identity=_TABLES.identity)
        answers = [
            evaluator.decide_route(where, ref) for ref, where in zip(_REFS, _ROUTES[kind], strict=True)
        ]
        declined = [
            ref.api
            for ref, where, answer in zip(_REFS, _ROUTES[kind], answers, strict=True)
            if answer is None and len(where.candidates) == 1
        ]
        assert declined == []
        decisions = {decision for decision, _ in filter(None, answers)}
        assert decisions >= {Decision.ALLOWED, Decision.NOT_CHECKED}
        assert (Decision.BLOCKED_BY_SCP in decisions) == bool(scps)


def _retiring_table() -> IndexedTable:
    """Rows with a code marked as to be taken offline (later editions of the customer page):
    one current code and the old one it replaces (either suffices), an all-of row, and the first
    row's codes unmarked."""
    rows = [
        ("POST", "/v9/unsubscribe", ("bss:unsubscribe:update", "bss:order:update"), ("bss:order:update",)),
        ("POST", "/v9/two", ("bss:alpha:view", "bss:beta:view", "bss:old:view"), ("bss:old:view",)),
        # The first row's codes with none marked: all-of. Decided alike only if marked alike.
        ("POST", "/v9/three", ("bss:unsubscribe:update", "bss:order:update"), ()),
    ]
    plain = make_table(AccountType.CUSTOMER, [(method, path, codes) for method, path, codes, _ in rows])
    entries = tuple(
        replace(entry, retiring=retiring)
        for entry, (*_, retiring) in zip(plain.table.entries, rows, strict=True)
    )
    customer = AccountType.CUSTOMER
    table = Table(customer, Mode.ALL, plain.table.source, entries, build_permissions(customer, entries))
    return IndexedTable(table, Router(table))


_RETIRING = _retiring_table()
_RETIRING_ACTIONS = [*sorted(_RETIRING.table.permissions), "bss:*:view", "bss:order:*"]


@settings(max_examples=100, deadline=None)
@given(statements=st.lists(_statement(_RETIRING_ACTIONS), max_size=5), assume=st.booleans())
def test_rows_with_retiring_codes_are_decided_alone_as_in_full(statements, assume):
    account = {
        "type": "customer",
        "policies": [{"name": "p", "document": {"Version": "1.1", "Statement": statements}}],
    }
    grants = _load(account)
    options = EvaluationPolicy(assume_conditions=assume)
    quick = Evaluator(_RETIRING, grants, options, identity=_TABLES.identity)
    full = Evaluator(_RETIRING, grants, options, identity=_TABLES.identity)
    for entry in _RETIRING.table.entries:
        ref = parse_api(f"{entry.method} {entry.path}")
        where = route(ref, _RETIRING)
        result = full.evaluate_route(where, ref)
        assert quick.decide_route(where, ref) == (result.decision, result.callable), ref.api


def _identity_with_a_near_miss() -> IdentityTable:
    """The bundled identity table and a row at a near miss of a customer row: an API both
    routed by the identity table and suggested as a typo, which no bundled row is. The full
    evaluation takes it for the identity row's API; so must the quick path."""
    text = identity_table_text() + (
        '  - method: "GET"\n'
        '    path: "/v2/orders/customer-order"\n'
        '    actions: ["billing:order:view"]\n'
        '    source: "https://support.huaweicloud.com/api-oce/example.html"\n'
    )
    return identity_table_from_node(parse_document(text, "identity.yaml"), "identity.yaml")


_NEAR_IDENTITY = _identity_with_a_near_miss()


@settings(max_examples=60, deadline=None)
@given(account=_customer(), strict=st.booleans())
def test_an_identity_routed_near_miss_is_decided_as_in_full(account, strict):
    grants = _load(account)
    ref = parse_api("GET /v2/orders/customer-order")
    where = route(ref, _TABLES.get(AccountType.CUSTOMER))
    assert where.suggestions and _NEAR_IDENTITY.routed(ref) is not None
    options = EvaluationPolicy(strict=strict)
    customer = _TABLES.get(AccountType.CUSTOMER)
    quick = Evaluator(customer, grants, options, identity=lambda: _NEAR_IDENTITY)
    result = Evaluator(customer, grants, options, identity=lambda: _NEAR_IDENTITY).evaluate_route(where, ref)
    assert quick.decide_route(where, ref) == (result.decision, result.callable)
