"""`daigou check`: each kind of alert, silence under --quiet when all is well, the JSON shape."""

import pytest

from daigou_cli.core import checks


@pytest.fixture
def store(daigou):
    daigou.run("location add HOME --region Shanghai")
    daigou.run(["product", "add", "SHI-50", "--name", "红腰子", "--reorder-point", "2", "--reorder-qty", "6"])
    daigou.run(["product", "add", "ROYCE", "--name", "ROYCE 生巧"])
    daigou.run(["customer", "add", "王芳"])
    return daigou


def lines(result):
    return result.stdout.splitlines()


def test_a_clean_ledger_is_silent_under_quiet(store):
    store.run("stock add SHI-50 10 --cost 200 --at 2026-10-01")
    result = store.run("check --quiet --as-of 2026-10-10")
    assert result.stdout == ""
    assert store.run("check --as-of 2026-10-10 --format lines").stdout == "ok: nothing needs action\n"
    assert store.json("check --as-of 2026-10-10") == []


def test_a_ledger_that_does_not_exist_yet_is_clean(daigou):
    assert daigou.run("check --quiet").stdout == ""


def test_low_stock(store):
    store.run("stock add SHI-50 2 --cost 200 --at 2026-10-01")
    result = store("check --as-of 2026-10-10 --format lines")
    assert result.exit_code == 1
    assert lines(result) == [
        "warning low_stock SHI-50: SHI-50 红腰子: 2 available + 0 incoming, reorder point 2; buy 6"]


def test_back_orders_waiting_longer_than_backorder_alert_days(store):
    store.run("stock add SHI-50 10 --cost 200 --at 2026-10-01")
    store.run("order new 王芳 ROYCE:2@88 SHI-50:1@680 --at 2026-10-10")
    # Three days is the default allowance: on the 13th it has waited 3 days, on the 14th 4.
    assert store("check --as-of 2026-10-13").exit_code == 0
    result = store("check --as-of 2026-10-14 --format lines")
    assert result.exit_code == 1
    assert lines(result) == ["warning backorder order 2: order 2 (王芳, normal) has waited 4 days for 2 × ROYCE"]
    store.run("config set backorder_alert_days 7")
    assert store("check --as-of 2026-10-14").exit_code == 0


def test_an_urgent_order_waiting_is_an_error(store):
    store.run("stock add SHI-50 10 --cost 200 --at 2026-10-01")
    store.run("order new 王芳 ROYCE:1@88 --priority urgent --at 2026-10-10")
    (problem,) = store.json("check --as-of 2026-10-20", code=1)
    assert (problem["kind"], problem["ref"], problem["severity"]) == ("backorder", "order 2", "error")


def test_expiring_and_expired_lots(store):
    store.run("stock add SHI-50 10 --cost 200 --at 2026-10-01")
    store.run("stock add ROYCE 6 --cost 40 --expiry 2026-11-05 --lot R1020 --at 2026-10-01")
    store.run("stock add ROYCE 4 --cost 40 --expiry 2026-10-15 --at 2026-10-01")
    result = store("check --as-of 2026-10-20 --format lines")
    assert result.exit_code == 1
    assert lines(result) == [
        "error expiring lot 3@HOME: 4 × ROYCE ROYCE 生巧 at HOME expired 5 days ago (2026-10-15)",
        "warning expiring lot 2@HOME: 6 × ROYCE ROYCE 生巧 at HOME expires in 16 days (2026-11-05)",
    ]
    store.run("config set expiring_days 10")
    assert [p["ref"] for p in store.json("check --as-of 2026-10-20", code=1)] == ["lot 3@HOME"]


def test_balances_past_due(store):
    store.run("stock add SHI-50 10 --cost 200 --at 2026-10-01")
    store.run("order new 王芳 SHI-50:2@680 --deposit 300 --due 2026-10-12 --at 2026-10-05")
    assert store("check --as-of 2026-10-12").exit_code == 0  # due today is not past due
    result = store("check --as-of 2026-10-15 --format lines")
    assert lines(result) == ["warning balance_due order 2: order 2 (王芳): 1060.00 CNY still due, 3 days after 2026-10-12"]
    store.run("order pay 2 1060 --at 2026-10-16")
    assert store("check --as-of 2026-10-16").exit_code == 0


def test_json_is_a_list_of_kind_ref_message_severity(store):
    store.run("stock add SHI-50 1 --cost 200 --at 2026-10-01")
    store.run("order new 王芳 ROYCE:1@88 --due 2026-10-02 --at 2026-10-01")
    problems = store.json("check --as-of 2026-10-20", code=1)
    assert [list(p) for p in problems] == [["kind", "ref", "message", "severity"]] * 3
    assert [(p["kind"], p["ref"], p["severity"]) for p in problems] == [
        ("low_stock", "SHI-50", "warning"), ("backorder", "order 2", "warning"),
        ("balance_due", "order 2", "warning")]


def test_csv_and_table_formats(store):
    store.run("stock add SHI-50 1 --cost 200 --at 2026-10-01")
    result = store("check --as-of 2026-10-02 --format csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "severity,kind,ref,message",
        'warning,low_stock,SHI-50,"SHI-50 红腰子: 1 available + 0 incoming, reorder point 2; buy 7"']
    assert "low_stock" in store("check --as-of 2026-10-02 --format table").stdout


def test_quiet_still_prints_what_needs_action(store):
    store.run("stock add SHI-50 1 --cost 200 --at 2026-10-01")
    result = store("check --quiet --as-of 2026-10-02 --format lines")
    assert result.exit_code == 1
    assert len(lines(result)) == 1


def test_a_new_check_is_one_function(store, monkeypatch):
    store.run("stock add SHI-50 10 --cost 200 --at 2026-10-01")
    monkeypatch.setattr(checks, "CHECKS", list(checks.CHECKS))

    @checks.check
    def always(ctx):
        yield checks.problem("demo", "x", f"checked on {ctx.today}", "error")

    result = store("check --as-of 2026-10-02 --format lines")
    assert result.exit_code == 1
    assert lines(result) == ["error demo x: checked on 2026-10-02"]


def test_stale_shipments(store):
    store.run("stock add SHI-50 10 --cost 200 --at 2026-10-01")
    store.run("stock add ROYCE 3 --cost 50 --at 2026-10-01")
    order = store.run("order new 王芳 ROYCE:1@88 --deposit 88 --at 2026-10-02 -q").stdout.strip()
    store.run(f"ship {order} --carrier EMS --tracking EE1CN --at 2026-10-02T18:00")
    store.run("shipment event EE1CN in_transit --at 2026-10-03T09:00")
    # six days without news: late once stale_shipment_days (7) is passed, not before
    store.run("check --as-of 2026-10-09 --quiet")
    result = store("check --as-of 2026-10-11 --format lines")
    assert result.exit_code == 1
    assert lines(result) == [
        f"warning stale_shipment EE1CN: EMS EE1CN (order {order}, 王芳): in_transit, no tracking news for 8 days"]
    store.run("shipment event EE1CN delivered --at 2026-10-11T10:00")
    assert store.json("check --as-of 2026-10-12") == []
