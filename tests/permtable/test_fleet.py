"""permtable.fleet and permtable.grants_diff: finding grants files, who-can, matrix, diff.

Expected decisions are worked out by hand from the bundled tables and the samples in
samples/fleet (see the comments in each file):

- customers/auditor.yaml: Allow bss:*:view (its policy file policies/read-only.json), Deny
  bss:order:pay.
- customers/finance-bot.json: Allow bss:order:*, bss:bill*:view.
- customers/treasury.yaml: Allow bss:order:view; Allow bss:order:pay under a Condition.
- partners/ops-a.yaml: BPC_ITEM_SUBCUSTSERV_060100 (role "Order desk"), 010118 and 010119.
- partners/ops-b.yaml: BPC_ITEM_FINANCE_090100 and FINANCE_060100 (role "Finance | Reports"),
  BPC_ITEM_SUBCUSTSERV_010503 (role "Budgets").
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pt_helpers import REPO, write_text

from cli.plain import plain
from permtable import queries
from permtable.apis import ApiRef, parse_api, split_path
from permtable.errors import InputError
from permtable.evaluate import Decision, EvaluationPolicy
from permtable.fleet.accounts import FleetFiles, expand_paths
from permtable.fleet.matrix import CALLABLE, CONDITIONAL, DENIED, matrix
from permtable.fleet.who_can import who_can
from permtable.grants import load_grants_file
from permtable.grants_diff import ChangeKind, diff_grants
from permtable.model import AccountType

FLEET = REPO / "samples" / "fleet"
CHANGE = REPO / "samples" / "grants-change"

PAY_V3 = "POST /v3/orders/customer-orders/pay"
ORDERS = "GET /v2/orders/customer-orders"

PARTNER_YAML = """type: partner
account: {name}
roles:
  - name: Desk
    actions: [{actions}]
"""


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def fleet_of(*paths: str | Path) -> FleetFiles:
    return expand_paths([str(path) for path in paths])


def answers(report) -> dict[str, tuple[str, bool]]:
    return {item.account: (item.answer.decision.value, item.answer.callable) for item in report.run.audited}


# --------------------------------------------------------------------------- expanding PATHs


def test_a_directory_is_searched_recursively_in_path_order():
    fleet = fleet_of("samples/fleet")
    assert fleet.files == (
        "samples/fleet/customers/auditor.yaml",
        "samples/fleet/customers/finance-bot.json",
        "samples/fleet/customers/policies/read-only.json",
        "samples/fleet/customers/treasury.yaml",
        "samples/fleet/partners/ops-a.yaml",
        "samples/fleet/partners/ops-b.yaml",
    )
    assert fleet.named == frozenset()


def test_hidden_files_and_folders_and_other_extensions_are_skipped(tmp_path):
    for name in ("b.yaml", "a.YML", "c.json", "notes.txt", ".hidden.yaml", ".git/x.yaml", "z/.cache/y.yaml"):
        write_text(tmp_path, name, "type: partner\nactions: [BPC_ITEM_FINANCE_090100]\n")
    write_text(tmp_path, "sub/d.yaml", "type: partner\nactions: [BPC_ITEM_FINANCE_090100]\n")
    files = [Path(file).relative_to(tmp_path).as_posix() for file in fleet_of(tmp_path).files]
    assert files == ["a.YML", "b.yaml", "c.json", "sub/d.yaml"]


def test_order_is_by_path_segments_not_by_walk_order(tmp_path):
    for name in ("m.yaml", "a/z.yaml", "a-b.yaml", "a/b/c.yaml"):
        write_text(tmp_path, name, "type: partner\nactions: []\n")
    files = [Path(file).relative_to(tmp_path).as_posix() for file in fleet_of(tmp_path).files]
    assert files == ["a/b/c.yaml", "a/z.yaml", "a-b.yaml", "m.yaml"]


def test_a_named_file_counts_once_and_whatever_its_extension(tmp_path):
    named = write_text(tmp_path, "grants.conf", "type: partner\nactions: []\n")
    fleet = fleet_of(
        named, tmp_path / "grants.conf", "samples/fleet/partners", "samples/fleet/partners/ops-a.yaml"
    )
    assert fleet.files == (
        str(named),
        "samples/fleet/partners/ops-a.yaml",
        "samples/fleet/partners/ops-b.yaml",
    )


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlinked_directories_are_not_followed(tmp_path):
    write_text(tmp_path, "real/a.yaml", "type: partner\nactions: []\n")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    files = [Path(file).relative_to(tmp_path).as_posix() for file in fleet_of(tmp_path).files]
    assert files == ["real/a.yaml"]


def test_a_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        fleet_of(tmp_path / "nope")
    assert "no such file or directory" in str(caught.value)
    assert str(tmp_path / "nope") in str(caught.value)


def test_an_empty_directory_is_a_warning_and_nothing_at_all_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    fleet = fleet_of(tmp_path / "empty", "samples/fleet/partners/ops-a.yaml")
    assert [notice.message for notice in fleet.notices] == [
        "no grants files (*.yaml, *.yml, *.json) in this directory"
    ]
    with pytest.raises(InputError, match="no grants files found"):
        fleet_of(tmp_path / "empty")


# --------------------------------------------------------------------------- who-can


def test_who_can_pay_orders_in_a_mixed_fleet(tables):
    report = who_can(parse_api(PAY_V3), fleet_of(FLEET), tables, EvaluationPolicy())
    assert answers(report) == {
        "auditor": ("explicit_deny", False),
        "finance-bot": ("allowed", True),
        "treasury": ("conditional", False),
        # Documented only for customer accounts: partner accounts are not counted as callers.
        "ops-a": ("not_checked", False),
        "ops-b": ("not_checked", False),
    }
    listings = {listing.table.account_type: listing for listing in report.listings}
    assert listings[AccountType.CUSTOMER].entry.index == 11
    assert listings[AccountType.PARTNER].entry is None
    assert listings[AccountType.PARTNER].other_entry is listings[AccountType.CUSTOMER].entry
    assert "documented only for customer accounts" in listings[AccountType.PARTNER].note(EvaluationPolicy())
    assert report.any_callable


def test_who_can_names_the_grant_and_where_it_is_written(tables):
    report = who_can(parse_api(ORDERS), fleet_of(FLEET), tables, EvaluationPolicy())
    assert answers(report) == {
        "auditor": ("allowed", True),
        "finance-bot": ("allowed", True),
        "treasury": ("allowed", True),
        "ops-a": ("allowed", True),
        "ops-b": ("implicit_deny", False),
    }
    by_name = {item.account: item.answer for item in report.run.audited}
    (auditor,) = by_name["auditor"].granted_by
    assert (auditor.name, auditor.pattern, auditor.statement) == ("ReadOnly", "bss:*:view", 1)
    assert auditor.file.endswith("policies/read-only.json")
    (ops_a,) = by_name["ops-a"].granted_by
    assert (ops_a.source, ops_a.name, ops_a.permission) == (
        "role",
        "Order desk",
        "BPC_ITEM_SUBCUSTSERV_060100",
    )
    assert by_name["ops-b"].missing == ("BPC_ITEM_SUBCUSTSERV_060100", "BPC_ITEM_SUBCUSTSERV_060200")


def test_a_policy_file_used_by_another_grants_file_is_not_an_account(tables):
    report = who_can(parse_api(ORDERS), fleet_of("samples/fleet"), tables, EvaluationPolicy())
    assert [item.file for item in report.run.skipped] == ["samples/fleet/customers/policies/read-only.json"]
    assert "samples/fleet/customers/auditor.yaml" in report.run.skipped[0].reason
    # Named on its own, it is an account (a bare IAM policy is a customer grants file).
    named = who_can(
        parse_api(ORDERS),
        fleet_of(FLEET, FLEET / "customers/policies/read-only.json"),
        tables,
        EvaluationPolicy(),
    )
    assert "read-only" in answers(named)
    assert named.run.skipped == ()


def test_who_can_evaluates_only_the_rows_permissions_and_agrees_with_can_call(tables):
    # The oracle: for every row of both tables and every sample account, the fleet's cheap
    # path gives exactly the decision and grants can-call gives.
    files = [file for file in fleet_of(FLEET).files if "policies" not in file]
    refs = [
        ApiRef(entry.method, entry.path, split_path(entry.path), entry.api)
        for kind in AccountType
        for entry in tables.get(kind).table.entries
    ]
    for ref in refs:
        report = who_can(ref, fleet_of(FLEET), tables, EvaluationPolicy())
        got = {item.file: item.answer for item in report.run.audited}
        for file in files:
            (expected,) = queries.can_call([ref], load_grants_file(file), tables, EvaluationPolicy()).results
            assert (got[file].decision, got[file].callable) == (expected.decision, expected.callable), (
                ref,
                file,
            )
            assert got[file].granted_by == expected.granted_by


def test_strict_and_assume_conditions_reach_every_account(tables):
    strict = who_can(parse_api(PAY_V3), fleet_of(FLEET), tables, EvaluationPolicy(strict=True))
    assert answers(strict)["ops-a"] == ("not_checked", False)
    assumed = who_can(parse_api(PAY_V3), fleet_of(FLEET), tables, EvaluationPolicy(assume_conditions=True))
    assert answers(assumed)["treasury"] == ("allowed", True)


def test_a_near_miss_is_warned_about_once_per_account_type_present(tables):
    typo = parse_api("POST /v2/orders/subscriptions/resources/query")
    report = who_can(typo, fleet_of(FLEET / "customers"), tables, EvaluationPolicy())
    messages = [notice.message for notice in report.run.notices]
    assert len([m for m in messages if "near miss" in m]) == 1
    assert "POST /v2/orders/suscriptions/resources/query" in messages[-1]
    assert "customer accounts are not counted as able to call it" in messages[-1]
    assert all(result.callable is False for result in (item.answer for item in report.run.audited))


def test_a_broken_file_is_reported_and_the_rest_still_answered(tables, tmp_path):
    write_text(tmp_path, "a.yaml", PARTNER_YAML.format(name="a", actions="BPC_ITEM_SUBCUSTSERV_060100"))
    write_text(tmp_path, "b.yaml", "type: partner\naccount: b\nroles: [\n")
    write_text(tmp_path, "c.json", '{"type": "customer", "policies": "oops"}')
    write_text(tmp_path, "d.yaml", PARTNER_YAML.format(name="d", actions="BPC_ITEM_SUBCUSTSERV_060200"))
    report = who_can(parse_api(ORDERS), fleet_of(tmp_path), tables, EvaluationPolicy())
    assert answers(report) == {"a": ("allowed", True), "d": ("allowed", True)}
    assert [Path(failure.file).name for failure in report.run.failures] == ["b.yaml", "c.json"]
    for failure in report.run.failures:
        assert failure.file in failure.text
        assert plain(failure.record(), "en")["location"]["file"] == failure.file


def test_progress_callback_sees_every_file(tables):
    seen: list[str] = []
    who_can(parse_api(ORDERS), fleet_of(FLEET), tables, EvaluationPolicy(), on_file=seen.append)
    assert seen == list(fleet_of(FLEET).files)


def test_review_warnings_name_the_account_file(tables, tmp_path):
    write_text(tmp_path, "a.yaml", PARTNER_YAML.format(name="a", actions="BPC_ITEM_SUBCUSTSERV_06010"))
    report = who_can(parse_api(ORDERS), fleet_of(tmp_path), tables, EvaluationPolicy())
    (notice,) = report.run.notices
    assert notice.location.file == str(tmp_path / "a.yaml")
    assert "did you mean BPC_ITEM_SUBCUSTSERV_060100" in str(notice)


# --------------------------------------------------------------------------- matrix


def cells_of(report) -> dict[str, dict[str, str]]:
    return {
        item.account: {
            column.ref.api: cell.kind for column, cell in zip(report.columns, item.answer, strict=True)
        }
        for item in report.run.audited
    }


def test_matrix_columns_are_the_rows_of_the_types_present(tables):
    partners = matrix(None, fleet_of(FLEET / "partners"), tables, EvaluationPolicy())
    assert [column.ref.api for column in partners.columns] == [
        entry.api for entry in tables.get(AccountType.PARTNER).table.entries
    ]
    mixed = matrix(None, fleet_of(FLEET), tables, EvaluationPolicy())
    # 21 partner rows and 26 customer rows; four APIs are in both tables (one column each).
    assert len(mixed.columns) == 21 + 26 - 4
    assert mixed.scope == "tables"


def test_matrix_cells_by_hand(tables):
    refs = [parse_api(text) for text in (PAY_V3, ORDERS, "GET /v2/partners/sub-customers/budget")]
    report = matrix(refs, fleet_of(FLEET), tables, EvaluationPolicy())
    assert cells_of(report) == {
        # A partner API asked of a customer account, and a customer API of a partner account:
        # documented only for the other type, so not counted as callable.
        "auditor": {PAY_V3: DENIED, ORDERS: CALLABLE, "GET /v2/partners/sub-customers/budget": DENIED},
        "finance-bot": {
            PAY_V3: CALLABLE,
            ORDERS: CALLABLE,
            "GET /v2/partners/sub-customers/budget": DENIED,
        },
        "treasury": {
            PAY_V3: CONDITIONAL,
            ORDERS: CALLABLE,
            "GET /v2/partners/sub-customers/budget": DENIED,
        },
        "ops-a": {PAY_V3: DENIED, ORDERS: CALLABLE, "GET /v2/partners/sub-customers/budget": DENIED},
        "ops-b": {PAY_V3: DENIED, ORDERS: DENIED, "GET /v2/partners/sub-customers/budget": CALLABLE},
    }
    decisions = {item.account: [cell.decision for cell in item.answer] for item in report.run.audited}
    assert decisions["auditor"] == [Decision.EXPLICIT_DENY, Decision.ALLOWED, Decision.NOT_CHECKED]
    assert report.scope == "apis"


def test_matrix_agrees_with_can_call_on_every_cell(tables):
    report = matrix(None, fleet_of(FLEET), tables, EvaluationPolicy())
    for item in report.run.audited:
        refs = [column.ref for column in report.columns]
        expected = queries.can_call(refs, load_grants_file(item.file), tables, EvaluationPolicy()).results
        assert [(cell.decision, cell.callable) for cell in item.answer] == [
            (result.decision, result.callable) for result in expected
        ], item.file


def test_matrix_counts_each_api_once(tables):
    refs = [parse_api(ORDERS), parse_api("get /v2/orders/customer-orders/"), parse_api(PAY_V3)]
    report = matrix(refs, fleet_of(FLEET / "partners"), tables, EvaluationPolicy())
    assert [column.ref.api for column in report.columns] == [ORDERS, PAY_V3]
    record = plain(report.record(), "en")
    assert record["apis"][0]["cells"] == {"callable": 1, "denied": 1, "conditional": 0}
    assert record["summary"]["cells"] == {"callable": 1, "denied": 3, "conditional": 0}


# --------------------------------------------------------------------------- diff


def load(path: Path | str):
    return load_grants_file(str(path))


def test_diff_of_the_sample_change(tables):
    report = diff_grants(load(CHANGE / "old.yaml"), load(CHANGE / "new.yaml"), tables, EvaluationPolicy())
    summary = [(change.kind.value, change.new.entry.api) for change in report.changes]
    assert summary == [
        ("gained", "GET /v2/accounts/customer-accounts/balances"),
        ("gained", "POST /v2/orders/customer-orders/pay"),
        ("gained", PAY_V3),
        ("lost", "GET /v2/bills/customer-bills/free-resources-usage-records"),
        ("lost", "POST /v2/bills/customer-bills/res-records/query"),
        ("changed", "GET /v2/promotions/benefits/coupons"),
    ]
    assert report.checked == 26
    pay = report.changes[2]
    (cause,) = pay.causes
    assert cause.permission == "bss:order:pay"
    assert (cause.old.decision, cause.new.decision) == (Decision.EXPLICIT_DENY, Decision.ALLOWED)
    assert [(g.name, g.effect, g.statement) for g in cause.added] == [("Payments", "Allow", 1)]
    assert [(g.name, g.effect, g.statement) for g in cause.removed] == [("Guardrails", "Deny", 1)]
    coupons = report.changes[-1]
    assert (coupons.old.decision, coupons.new.decision) == (Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY)
    assert [g.pattern for g in coupons.causes[0].added] == ["bss:coupon:*"]


def test_diff_ignores_lines_that_moved(tables, tmp_path):
    # The same grants written on other lines are the same grants: nothing changed.
    old = write_text(
        tmp_path, "old.yaml", PARTNER_YAML.format(name="x", actions="BPC_ITEM_SUBCUSTSERV_060100")
    )
    new = write_text(
        tmp_path,
        "new.yaml",
        "# moved\n\n" + PARTNER_YAML.format(name="x", actions="BPC_ITEM_SUBCUSTSERV_060100"),
    )
    report = diff_grants(load(old), load(new), tables, EvaluationPolicy())
    assert report.changes == ()
    assert report.checked == 21


def test_diff_names_the_role_a_partner_code_was_added_to(tables, tmp_path):
    old = write_text(
        tmp_path, "old.yaml", PARTNER_YAML.format(name="x", actions="BPC_ITEM_SUBCUSTSERV_060100")
    )
    new = write_text(
        tmp_path,
        "new.yaml",
        PARTNER_YAML.format(name="x", actions="BPC_ITEM_SUBCUSTSERV_060100, BPC_ITEM_SALES_020100"),
    )
    report = diff_grants(load(old), load(new), tables, EvaluationPolicy())
    (change,) = report.changes
    assert change.kind is ChangeKind.GAINED
    assert change.new.entry.api == "POST /v2/partners/indirect-partners/query"
    (cause,) = change.causes
    (added,) = cause.added
    assert (added.permission, added.source, added.name) == ("BPC_ITEM_SALES_020100", "role", "Desk")
    back = diff_grants(load(new), load(old), tables, EvaluationPolicy())
    assert [(c.kind, c.causes[0].removed[0].permission) for c in back.changes] == [
        (ChangeKind.LOST, "BPC_ITEM_SALES_020100")
    ]


def test_diff_lists_only_the_permissions_whose_verdict_moved(tables, tmp_path):
    # An any-of row gained through a second code: the first code's verdict did not move.
    old = write_text(tmp_path, "old.yaml", PARTNER_YAML.format(name="x", actions="BPC_ITEM_FINANCE_090100"))
    new = write_text(
        tmp_path,
        "new.yaml",
        PARTNER_YAML.format(name="x", actions="BPC_ITEM_FINANCE_090100, BPC_ITEM_SUBCUSTSERV_060200"),
    )
    report = diff_grants(load(old), load(new), tables, EvaluationPolicy())
    assert {change.new.entry.index for change in report.changes} == {14, 15}
    for change in report.changes:
        assert [cause.permission for cause in change.causes] == ["BPC_ITEM_SUBCUSTSERV_060200"]


def test_diff_over_given_apis(tables):
    refs = [parse_api(ORDERS), parse_api(PAY_V3)]
    report = diff_grants(
        load(CHANGE / "old.yaml"), load(CHANGE / "new.yaml"), tables, EvaluationPolicy(), refs
    )
    assert report.scope == "apis"
    assert report.checked == 2
    assert [change.kind for change in report.changes] == [ChangeKind.GAINED]


def test_diff_refuses_two_account_types(tables):
    with pytest.raises(InputError) as caught:
        diff_grants(
            load("samples/partner-grants.yaml"), load(CHANGE / "new.yaml"), tables, EvaluationPolicy()
        )
    assert "is a customer grants file, but samples/partner-grants.yaml is partner" in str(caught.value)


def test_diff_warns_when_the_account_names_differ(tables, tmp_path):
    old = write_text(tmp_path, "old.yaml", PARTNER_YAML.format(name="x", actions="BPC_ITEM_FINANCE_090100"))
    new = write_text(tmp_path, "new.yaml", PARTNER_YAML.format(name="y", actions="BPC_ITEM_FINANCE_090100"))
    report = diff_grants(load(old), load(new), tables, EvaluationPolicy())
    assert any(
        "account names differ ('x' in the old file, 'y' in the new)" in n.message for n in report.notices
    )


@pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(), reason="no fork here"
)
def test_worker_processes_give_the_same_report_in_the_same_order(tables, tmp_path):
    # The sample fleet (with a policy file used by another account), a broken file, and enough
    # accounts for several chunks per worker.
    import shutil

    from permtable.fleet import accounts

    shutil.copytree(FLEET, tmp_path / "fleet")
    write_text(tmp_path / "fleet", "broken.yaml", "type: partner\naccount: b\nroles: [\n")
    for number in range(accounts.CHUNK * 3 + 7):
        write_text(
            tmp_path / "fleet" / "many",
            f"p{number:04d}.yaml",
            PARTNER_YAML.format(name=f"p{number}", actions="BPC_ITEM_SUBCUSTSERV_060100"),
        )
    fleet = fleet_of(tmp_path / "fleet")
    serial = who_can(parse_api(ORDERS), fleet, tables, EvaluationPolicy(), jobs=1)
    seen: list[str] = []
    parallel = who_can(parse_api(ORDERS), fleet, tables, EvaluationPolicy(), on_file=seen.append, jobs=2)
    assert plain(parallel.record(), "en") == plain(serial.record(), "en")
    assert seen == list(fleet.files)
    (failure,) = parallel.run.failures
    assert failure.error.location.file == failure.file and failure.error.location.line is not None
    grid_serial = matrix(None, fleet, tables, EvaluationPolicy(), jobs=1)
    grid_parallel = matrix(None, fleet, tables, EvaluationPolicy(), jobs=2)
    assert plain(grid_parallel.record(), "en") == plain(grid_serial.record(), "en")


def test_the_number_of_workers():
    from permtable.fleet.accounts import PARALLEL_FROM, workers_for

    assert workers_for(10, None) == 1
    assert workers_for(PARALLEL_FROM - 1, None) == 1
    assert workers_for(10, 3) == 3
    assert workers_for(PARALLEL_FROM, None) >= 1


def test_answers_kept_on_disk_give_the_same_report(tables, tmp_path, monkeypatch):
    # The sample fleet (a policy file another account uses, so a skipped file) and a broken file.
    import shutil

    from permtable.fleet import accounts

    shutil.copytree(FLEET, tmp_path / "fleet")
    write_text(tmp_path / "fleet", "broken.yaml", "type: partner\naccount: b\nroles: [\n")
    fleet = fleet_of(tmp_path / "fleet")
    in_memory = who_can(parse_api(PAY_V3), fleet, tables, EvaluationPolicy())
    grid_in_memory = matrix(None, fleet, tables, EvaluationPolicy())
    monkeypatch.setattr(accounts, "SPILL_FROM", 1)
    on_disk = who_can(parse_api(PAY_V3), fleet, tables, EvaluationPolicy())
    assert "on disk" in repr(on_disk.run.audited)
    assert plain(on_disk.record(), "en") == plain(in_memory.record(), "en")
    assert [item.file for item in on_disk.run.skipped] == [item.file for item in in_memory.run.skipped]
    assert len(on_disk.run.skipped) == 1
    grid_on_disk = matrix(None, fleet, tables, EvaluationPolicy())
    assert plain(grid_on_disk.record(), "en") == plain(grid_in_memory.record(), "en")


def test_answers_on_disk_read_by_several_readers_at_once():
    from permtable.fleet.spill import Answers

    answers: Answers[int] = Answers(on_disk=True)
    for number in range(50):
        answers.add(f"k{number}", number)
    answers.exclude(frozenset({"k3", "k40"}))
    first, second = iter(answers), iter(answers)
    pairs = list(zip(first, second, strict=True))
    assert [a for a, _ in pairs] == [b for _, b in pairs] == [n for n in range(50) if n not in (3, 40)]
    assert len(answers) == 48 and answers[0] == 0 and answers[-1] == 49 and answers[3] == 4
    with pytest.raises(IndexError):
        answers[48]


@pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(), reason="no fork here"
)
def test_workers_leave_ctrl_c_to_the_parent():
    import multiprocessing
    import signal

    from permtable.fleet.accounts import _quiet_worker

    with multiprocessing.get_context("fork").Pool(1, initializer=_quiet_worker) as pool:
        assert pool.apply(signal.getsignal, (signal.SIGINT,)) == signal.SIG_IGN
