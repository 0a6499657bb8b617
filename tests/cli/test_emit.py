"""``missing-perms --emit policy|role``: the fix as grants bsscheck itself reads back.

The emitted text is checked by what it does, not by how it looks: added with a second ``-g`` it
must leave nothing missing (except APIs blocked by a Deny), and for partner accounts the set
it grants must be as small as a brute-force search over the bundled table's codes can find.
"""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARTNER_GRANTS = "samples/partner-grants.yaml"
PARTNER_APIS = "samples/partner-apis.txt"
CUSTOMER_GRANTS = "samples/customer-grants.yaml"
CUSTOMER_APIS = "samples/customer-apis.txt"
PAY = "POST /v3/orders/customer-orders/pay"


def _emitted(run_cli: Any, *args: str, code: int | None = None) -> str:
    out = run_cli("missing-perms", *args)
    if code is not None:
        assert out.code == code, out
    assert out.code in (0, 1), out
    text: str = out.stdout
    return text


def _write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def partner_rows() -> list[frozenset[str]]:
    """Each partner row's codes (any one suffices), from the bundled table via the CLI."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "cli", "apis", "--type", "partner", "--format", "json"],
        cwd=root,
        capture_output=True,
        check=True,
        timeout=120,
    )
    entries = json.loads(done.stdout)["entries"]
    return [frozenset(entry["permissions"]) for entry in entries]


# --------------------------------------------------------------------------- partner: --emit role


def test_role_is_a_partner_grants_file(run_cli, partner_rows):
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--emit", "role")
    assert out.code == 1, "something is missing: the exit code says so, as without --emit"
    document = yaml.safe_load(out.stdout)
    assert document["type"] == "partner"
    assert document["account"] == "ops-billing-bot"
    [role] = document["roles"]
    assert isinstance(role["name"], str) and role["name"]
    actions = role["actions"]
    assert actions and all(isinstance(action, str) for action in actions)
    known = frozenset().union(*partner_rows)
    assert set(actions) <= known
    assert len(set(actions)) == len(actions)
    assert out.stderr_lines == [f"bsscheck: {len(actions)} permission(s) to grant"]


def test_role_grants_what_the_report_says(run_cli):
    emitted = yaml.safe_load(_emitted(run_cli, "-g", PARTNER_GRANTS, "--emit", "role"))
    report = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--format", "json").json()
    assert emitted["roles"][0]["actions"] == [fix["permission"] for fix in report["to_grant"]]
    assert report["minimal"] is True


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_role_round_trip_over_the_whole_table(run_cli, tmp_path: Path, lang):
    text = _emitted(run_cli, "-g", PARTNER_GRANTS, "--emit", "role", "--lang", lang, code=1)
    role = _write(tmp_path, "fix-role.yaml", text)
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, "-g", role, "--format", "json")
    assert out.code == 0, out
    report = out.json()
    assert report["results"] == [] and report["to_grant"] == []
    assert report["summary"]["not_callable"] == 0
    assert report["summary"]["total"] == 21, "control: the whole partner table was checked"


def test_role_round_trip_for_the_sample_apis(run_cli, tmp_path: Path):
    role = _write(
        tmp_path,
        "fix-role.yaml",
        _emitted(run_cli, "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS, "--emit", "role", code=1),
    )
    assert run_cli("can-call", "-g", PARTNER_GRANTS, "-g", role, "--apis", PARTNER_APIS).code == 0


def test_role_quotes_an_awkward_account_name(run_cli, tmp_path: Path):
    name = "ops: \"bot\" #1 'x' no"
    grants = tmp_path / "grants.yaml"
    grants.write_text(
        f"type: partner\naccount: {json.dumps(name)}\nroles:\n  - name: empty\n"
        "    actions: [BPC_ITEM_SUBCUSTSERV_060100]\n",
        encoding="utf-8",
    )
    text = _emitted(run_cli, "-g", str(grants), "--emit", "role", code=1)
    assert yaml.safe_load(text)["account"] == name
    role = _write(tmp_path, "fix-role.yaml", text)
    assert run_cli("missing-perms", "-g", str(grants), "-g", role).code == 0


# --------------------------------------------------------------------------- customer: --emit policy


def test_policy_is_an_allow_only_iam_policy(run_cli):
    out = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--emit", "policy")
    assert out.code == 1, out
    policy = json.loads(out.stdout)
    assert policy["Version"] == "1.1"
    assert policy["Statement"], "at least one statement"
    actions = []
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert "Condition" not in statement and "Resource" not in statement
        actions.extend(statement["Action"])
    report = run_cli(
        "missing-perms", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "json"
    ).json()
    assert sorted(actions) == sorted(fix["permission"] for fix in report["to_grant"])
    assert sorted(actions) == ["bss:balance:view", "bss:order:update"]
    assert "bss:order:pay" not in actions, "an Allow cannot fix a Deny: it is not emitted"


def test_policy_round_trip_leaves_only_the_denied_api(run_cli, tmp_path: Path):
    text = _emitted(run_cli, "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--emit", "policy", code=1)
    policy = _write(tmp_path, "fix-policy.json", text)

    checked = run_cli(
        "can-call", "-g", CUSTOMER_GRANTS, "-g", policy, "--apis", CUSTOMER_APIS, "--format", "json"
    )
    assert checked.code == 1, checked
    not_callable = [(r["input"], r["decision"]) for r in checked.json()["results"] if not r["callable"]]
    assert not_callable == [(PAY, "explicit_deny")]

    missing = run_cli(
        "missing-perms", "-g", CUSTOMER_GRANTS, "-g", policy, "--apis", CUSTOMER_APIS, "--format", "json"
    )
    assert missing.code == 1, missing
    report = missing.json()
    assert [r["input"] for r in report["results"]] == [PAY]
    assert [blocked["input"] for blocked in report["blocked_by_deny"]] == [PAY]
    assert report["to_grant"] == []
    # ... and nothing more to emit: the Deny is the only thing left, and no Allow fixes it.
    again = run_cli(
        "missing-perms", "-g", CUSTOMER_GRANTS, "-g", policy, "--apis", CUSTOMER_APIS, "--emit", "policy"
    )
    assert again.code == 1 and again.stdout == "", again


def test_policy_round_trip_over_the_whole_customer_table(run_cli, tmp_path: Path):
    text = _emitted(run_cli, "-g", CUSTOMER_GRANTS, "--emit", "policy", code=1)
    policy = _write(tmp_path, "fix-policy.json", text)
    report = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "-g", policy, "--format", "json").json()
    assert report["to_grant"] == []
    assert {r["input"] for r in report["results"]} == {b["input"] for b in report["blocked_by_deny"]}
    assert all(r["decision"] == "explicit_deny" for r in report["results"])


# --------------------------------------------------------------------------- wrong kind, nothing missing


@pytest.mark.parametrize(
    ("grants", "kind", "hint"),
    [
        (PARTNER_GRANTS, "policy", "use --emit role"),
        (CUSTOMER_GRANTS, "role", "use --emit policy"),
        ("samples/customer-policy.json", "role", "use --emit policy"),
    ],
)
def test_wrong_kind_for_the_account_is_an_input_error(run_cli, tmp_path: Path, grants, kind, hint):
    target = tmp_path / "fix.txt"
    for extra in ((), ("-o", str(target))):
        out = run_cli("missing-perms", "-g", grants, "--emit", kind, *extra)
        assert out.code == 2, out
        assert out.stdout == ""
        assert len(out.stderr_lines) == 1, out
        assert out.stderr_lines[0].startswith("bsscheck: error:")
        assert f"--emit {kind}" in out.stderr_lines[0] and hint in out.stderr_lines[0]
    assert not target.exists()


def test_unknown_emit_kind_is_a_usage_error(run_cli):
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--emit", "sarif")
    assert out.code == 2, out
    assert out.stdout == ""


@pytest.mark.parametrize(
    ("grants", "api", "kind"),
    [
        (PARTNER_GRANTS, "GET /v2/orders/customer-orders", "role"),
        ("samples/customer-policy.json", "GET /v2/orders/customer-orders", "policy"),
        ("samples/customer-policy.json", "GET /v2/bases/conversions", "policy"),
    ],
)
def test_nothing_missing_prints_nothing_and_exits_0(run_cli, grants, api, kind):
    out = run_cli("missing-perms", "-g", grants, api, "--emit", kind)
    assert out.code == 0, out
    assert out.stdout == ""


def test_only_a_deny_left_prints_nothing_and_exits_1(run_cli):
    out = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, PAY, "--emit", "policy")
    assert out.code == 1, out
    assert out.stdout == ""


# --------------------------------------------------------------------------- --emit with -o


@pytest.mark.parametrize(
    ("args", "load", "round_trip_code"),
    [
        (("-g", PARTNER_GRANTS, "--emit", "role"), yaml.safe_load, 0),
        (("-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--emit", "policy"), json.loads, 1),  # the Deny
    ],
    ids=["role", "policy"],
)
def test_emit_to_a_file(run_cli, tmp_path: Path, args, load, round_trip_code):
    to_stdout = run_cli("missing-perms", *args)
    target = tmp_path / "fix.out"
    to_file = run_cli("missing-perms", *args, "-o", str(target))
    assert to_file.code == to_stdout.code == 1, to_file
    assert to_file.stdout == ""
    assert target.read_text(encoding="utf-8") == to_stdout.stdout
    assert load(target.read_text(encoding="utf-8"))
    assert f"bsscheck: wrote {target}" in to_file.stderr_lines
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fix.out"]
    # The file is a grants file: the round trip works from it.
    assert run_cli("missing-perms", "-g", args[1], "-g", str(target), *args[2:-2]).code == round_trip_code


def test_emit_to_a_missing_directory_is_an_input_error(run_cli, tmp_path: Path):
    target = tmp_path / "nope" / "fix.yaml"
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--emit", "role", "-o", str(target))
    assert out.code == 2, out
    assert out.stdout == ""
    assert len(out.stderr_lines) == 1 and str(target) in out.stderr_lines[0], out


# --------------------------------------------------------------------------- minimal, by brute force


def _covers(held: frozenset[str], rows: list[frozenset[str]]) -> bool:
    return all(row & held for row in rows)


def _smallest_fix_size(held: frozenset[str], rows: list[frozenset[str]]) -> int:
    """Brute force: the size of the smallest set of codes that, added to ``held``, covers every row."""
    codes = sorted(frozenset().union(*rows) - held)
    for size in range(len(codes) + 1):
        if any(_covers(held | frozenset(extra), rows) for extra in combinations(codes, size)):
            return size
    raise AssertionError("the whole table's codes always cover it")


def _check_minimal_role(
    run_cli: Any, directory: Path, held: frozenset[str], rows: list[frozenset[str]]
) -> None:
    grants = directory / "held.yaml"
    grants.write_text(
        yaml.safe_dump(
            {"type": "partner", "account": "prop", "roles": [{"name": "held", "actions": sorted(held)}]}
            if held
            else {"type": "partner", "account": "prop", "roles": []}
        ),
        encoding="utf-8",
    )
    out = run_cli("missing-perms", "-g", str(grants), "--emit", "role")
    smallest = _smallest_fix_size(held, rows)
    if smallest == 0:
        assert out.code == 0 and out.stdout == "", out
        return
    assert out.code == 1, out
    emitted = frozenset(yaml.safe_load(out.stdout)["roles"][0]["actions"])
    assert not emitted & held, "nothing already held is granted again"
    assert _covers(held | emitted, rows), "the emitted role fixes every row (checked without bsscheck)"
    assert len(emitted) <= smallest, (
        f"{sorted(emitted)} is larger than a set of {smallest} found by brute force"
    )
    role = directory / "fix-role.yaml"
    role.write_text(out.stdout, encoding="utf-8")
    assert run_cli("missing-perms", "-g", str(grants), "-g", str(role)).code == 0


@pytest.mark.parametrize(
    "held",
    [
        frozenset(),
        frozenset(
            {"BPC_ITEM_SUBCUSTSERV_010118", "BPC_ITEM_SUBCUSTSERV_010119", "BPC_ITEM_SUBCUSTSERV_060100"}
        ),
        frozenset(
            {"BPC_ITEM_SUBCUSTSERV_010503", "BPC_ITEM_SUBCUSTSERV_010115", "BPC_ITEM_SUBCUSTSERV_010500"}
        ),
    ],
    ids=["nothing-held", "like-the-sample", "the-undocumented-alternatives"],
)
def test_emitted_role_is_minimal_examples(run_cli, tmp_path: Path, partner_rows, held):
    _check_minimal_role(run_cli, tmp_path, held, partner_rows)


def test_everything_held_emits_nothing(run_cli, tmp_path: Path, partner_rows):
    _check_minimal_role(run_cli, tmp_path, frozenset().union(*partner_rows), partner_rows)


def test_control_the_partner_table_is_small_enough_for_brute_force(partner_rows):
    assert len(frozenset().union(*partner_rows)) == 17
    assert len(partner_rows) == 21
    assert _smallest_fix_size(frozenset(), partner_rows) == 12


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_emitted_role_is_minimal_for_any_held_subset(run_cli, tmp_path_factory, partner_rows, data):
    codes = sorted(frozenset().union(*partner_rows))
    held = frozenset(data.draw(st.sets(st.sampled_from(codes)), label="held"))
    _check_minimal_role(run_cli, tmp_path_factory.mktemp("prop"), held, partner_rows)
