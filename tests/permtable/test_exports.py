"""Reading grants as Huawei's IAM and Organizations APIs print them, and the v5 grammar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from permtable.documents import load_document
from permtable.errors import InputError
from permtable.exports import Shape, recognise
from permtable.grants import PolicyModel, load_boundaries, load_grants, load_grants_file

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "huawei-export"


def _write(directory: Path, name: str, value: object) -> str:
    path = directory / name
    path.write_text(value if isinstance(value, str) else json.dumps(value, indent=2), "utf-8")
    return str(path)


def _error(path: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_grants_file(path)
    return caught.value


# --------------------------------------------------------------------------- the samples


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("group-finance-ops.json", Shape.IAM_ROLES),
        ("group-auditors.json", Shape.IAM_ROLES),
        ("user-identity-policy.json", Shape.IAM_POLICY_VERSION),
        ("scp-billing-guardrail.json", Shape.ORGANIZATIONS_POLICY),
    ],
)
def test_each_sample_is_recognised_by_its_content(name, shape):
    assert recognise(load_document(SAMPLES / name)) is shape


def test_a_role_list_gives_each_item_with_its_name_id_and_model():
    grants = load_grants_file(str(SAMPLES / "group-finance-ops.json"))
    custom, system_role = grants.policies
    assert (custom.name, custom.model) == ("finance-order-payer", PolicyModel.POLICY)
    assert custom.origin == "policy 'finance-order-payer' (id 5d8a0f3c9b2e4c41a1f27e6a0c3d9b12)"
    assert system_role.model is PolicyModel.ROLE  # Version 1.0: grants nothing, with a notice
    assert any("system role" in notice.message for notice in grants.notices)
    # Locations point into the export file.
    assert custom.statements[0].location.file.endswith("group-finance-ops.json")
    assert custom.statements[0].location.line == 19


def test_a_policy_version_document_arrives_as_a_string_and_is_located_at_it():
    grants = load_grants_file(str(SAMPLES / "user-identity-policy.json"))
    (policy,) = grants.policies
    assert policy.model is PolicyModel.IDENTITY
    assert policy.origin == "identity policy 'user-identity-policy' version v2"
    assert {statement.location.line for statement in policy.statements} == {3}
    assert policy.statements[0].sid == "ReadBalancesAndBills"


def test_files_merge_into_one_principal_keeping_each_source():
    paths = [
        str(SAMPLES / name)
        for name in ("user-identity-policy.json", "group-finance-ops.json", "group-auditors.json")
    ]
    grants = load_grants(paths)
    assert grants.account == "user-identity-policy + group-finance-ops + group-auditors"
    assert [policy.name for policy in grants.policies] == [
        "user-identity-policy",
        "finance-order-payer",
        "BSS Administrator",
        "cost-auditor",
    ]
    assert len(grants.identity_policies) == 1


def test_an_scp_export_is_a_boundary_not_a_grant():
    error = _error(str(SAMPLES / "scp-billing-guardrail.json"))
    assert "pass it with --scp FILE" in str(error)
    (scp,) = load_boundaries([str(SAMPLES / "scp-billing-guardrail.json")])
    assert (scp.name, scp.model) == ("billing-guardrail", PolicyModel.SCP)
    assert scp.origin == "SCP 'billing-guardrail' (id p-4f6a8c0e2b4d6f8a0c2e)"


# --------------------------------------------------------------------------- the single-item shape


def test_show_custom_policy_response(tmp_path):
    role = {
        "role": {
            "id": "a1",
            "display_name": "order-viewer",
            "domain_id": "d1",
            "policy": {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:order:view"]}]},
        }
    }
    (policy,) = load_grants_file(_write(tmp_path, "role.json", role)).policies
    assert (policy.name, policy.origin) == ("order-viewer", "policy 'order-viewer' (id a1)")


def test_fine_grained_flag_marks_a_system_policy(tmp_path):
    roles = {
        "roles": [
            {
                "id": "s1",
                "display_name": "BSS ReadonlyAccess",
                "flag": "fine_grained",
                "policy": {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:*:view"]}]},
            }
        ]
    }
    (policy,) = load_grants_file(_write(tmp_path, "system.json", roles)).policies
    assert policy.origin == "system policy 'BSS ReadonlyAccess' (id s1)"


# --------------------------------------------------------------------------- refused shapes name the call


@pytest.mark.parametrize(
    ("value", "fragment", "hint"),
    [
        (
            {"attached_policies": [{"policy_name": "p", "policy_id": "1"}], "page_info": {}},
            "ListAttached",
            "GetPolicyVersionV5",
        ),
        (
            {"policies": [{"policy_name": "p", "policy_id": "1", "default_version_id": "v1"}]},
            "ListPoliciesV5",
            "GetPolicyVersionV5",
        ),
        (
            {"policies": [{"id": "p-1", "name": "n", "type": "service_control_policy", "is_builtin": False}]},
            "ListPolicies",
            "Organizations ShowPolicy",
        ),
        ({"policy": {"policy_id": "1", "default_version_id": "v3"}}, "GetPolicyV5", "GetPolicyVersionV5"),
        (
            {"groups": [{"id": "g1", "name": "finance"}]},
            "KeystoneListGroupsForUser",
            "KeystoneListDomainPermissionsForGroup",
        ),
        ({"hello": 1}, "needs 'type: partner' or 'type: customer'", "IAM export"),
    ],
)
def test_listings_without_documents_say_which_call_returns_them(tmp_path, value, fragment, hint):
    error = _error(_write(tmp_path, "listing.json", value))
    assert fragment in error.message
    assert hint in (error.hint or "")


def test_a_role_item_without_its_document_is_refused(tmp_path):
    error = _error(_write(tmp_path, "r.json", {"roles": [{"id": "x", "display_name": "n"}]}))
    assert "roles item 1 has no policy document" in error.message


def test_a_broken_document_string_names_the_line_of_the_string(tmp_path):
    text = (
        '{\n  "policy_version": {\n    "document": "{\\"Version\\": \\"5.0\\", \\"Statement\\": [}"\n  }\n}\n'
    )
    error = _error(_write(tmp_path, "broken.json", text))
    assert error.location.line == 3
    assert "policy_version.document is not valid JSON" in error.message
    assert "of the string" in error.message


def test_an_integer_python_cannot_convert_in_a_document_string_is_named_in_plain_words(tmp_path):
    document = '{"Version": "5.0", "Statement": [], "x": ' + "9" * 5000 + "}"
    value = {"policy_version": {"version_id": "v1", "document": document}}
    error = _error(_write(tmp_path, "long.json", value))
    assert error.message == (
        "policy_version.document is not valid JSON: it holds an integer of more than 4,300 digits"
    )
    assert error.location.line is not None


def test_an_error_inside_a_document_string_points_at_the_string(tmp_path):
    document = json.dumps(
        {"Version": "5.0", "Statement": [{"Effect": "allow", "Action": "billing:bill:view"}]}
    )
    value = {"policy_version": {"version_id": "v1", "document": document}}
    error = _error(_write(tmp_path, "v5.json", value))
    assert error.location.line == 4  # the "document" line of the pretty-printed response
    assert 'Effect must be exactly "Allow" or "Deny"' in error.message


# --------------------------------------------------------------------------- the v5 grammar


def _v5(tmp_path, *statements: dict[str, object]) -> str:
    return _write(tmp_path, "v5.json", {"Version": "5.0", "Statement": list(statements)})


@pytest.mark.parametrize(
    ("statement", "fragment"),
    [
        (
            {"Effect": "Allow", "Action": ["billing:bill:view"], "NotAction": ["x:y:z"]},
            "exactly one of Action or NotAction",
        ),
        ({"Effect": "Allow"}, "exactly one of Action or NotAction"),
        (
            {"Effect": "Allow", "Action": "billing:bill:view", "Resource": "*", "NotResource": "*"},
            "both Resource and NotResource",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "billing:bill:view",
                "Condition": {"StringEquals": {"g:UserName": 3}},
            },
            "must be a list of strings",
        ),
        (
            {"Effect": "Allow", "Action": "billing:bill:view", "Condition": {"StringEquals": "x"}},
            "must be a mapping",
        ),
        ({"Effect": "Allow", "Action": "billing:bill"}, "is not service:resource:action"),
        ({"Effect": "Allow", "Action": "billing:bill:view", "Principal": "*"}, "unknown key 'Principal'"),
    ],
)
def test_v5_grammar_errors(tmp_path, statement, fragment):
    assert fragment in _error(_v5(tmp_path, statement)).message


def test_v5_accepts_sid_single_strings_and_condition_lists(tmp_path):
    grants = load_grants_file(
        _v5(
            tmp_path,
            {"Sid": "A", "Effect": "Allow", "Action": "billing:bill:view", "Resource": "*"},
            {
                "Effect": "Deny",
                "NotAction": ["billing:balance:view"],
                "Condition": {"StringEquals": {"g:UserName": ["a", "b"]}},
            },
        )
    )
    first, second = grants.policies[0].statements
    assert (first.sid, first.condition) == ("A", None)  # Resource "*" restricts nothing
    assert second.not_action and second.condition is not None


def test_an_scp_must_be_version_5(tmp_path):
    path = _write(
        tmp_path, "scp.json", {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:*:*"]}]}
    )
    with pytest.raises(InputError, match=r'an SCP has Version "5\.0"'):
        load_boundaries([path])


def test_a_grants_file_is_not_an_scp(tmp_path):
    path = _write(tmp_path, "g.json", {"type": "customer", "policies": []})
    with pytest.raises(InputError, match="not a service control policy"):
        load_boundaries([path])


# --------------------------------------------------------------------------- system policies by name


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("BSS FullAccess", "Enterprise Project BSS FullAccess"),
        ("BSS Operator", "BSS Administrator"),
        ("bss readonlyaccess", "BSS ReadonlyAccess"),
    ],
)
def test_an_unknown_system_name_is_an_error_with_a_suggestion(tmp_path, name, suggestion):
    error = _error(_write(tmp_path, "g.json", {"type": "customer", "policies": [{"system": name}]}))
    assert "is not a Huawei system permission for BSS" in error.message
    assert f"did you mean {suggestion!r}?" in (error.hint or "")
    assert error.location.line == 5  # the "system" line


def test_a_policy_file_may_be_an_export(tmp_path):
    export = SAMPLES / "group-auditors.json"
    grants_path = _write(tmp_path, "g.json", {"type": "customer", "policies": [{"file": str(export)}]})
    (policy,) = load_grants_file(grants_path).policies
    assert policy.name == "cost-auditor"


# --------------------------------------------------------------------------- hostile exports


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
_KEYS = [
    "role",
    "roles",
    "policy_version",
    "policy",
    "policies",
    "attached_policies",
    "groups",
    "Version",
    "Statement",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    top=st.dictionaries(st.sampled_from(_KEYS), _VALUES, min_size=1, max_size=3),
    document=st.one_of(_VALUES, st.text(max_size=40), st.just('{"Version": "5.0", "Statement": []}')),
)
def test_export_loaders_refuse_garbage_with_input_errors_only(tmp_path_factory, top, document):
    """Anything shaped roughly like an export either loads or is one InputError, never a crash."""
    directory = tmp_path_factory.mktemp("export")
    if "policy_version" in top:
        top["policy_version"] = {"document": document}
    path = _write(directory, "x.json", top)
    for load in (lambda: load_grants_file(path), lambda: load_boundaries([path])):
        try:
            load()
        except InputError as error:
            assert str(error)


def test_a_look_alike_letter_in_an_identity_action_is_reported_once(tmp_path):
    path = _write(
        tmp_path,
        "v5.json",
        {"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": "billing:b\u0430lance:view"}]},
    )
    grants = load_grants_file(path)
    from permtable.grants import review_grants

    notices = review_grants(grants, [], ())
    assert len(notices) == 1 and "U+0430" in notices[0].message
