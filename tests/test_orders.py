"""Orders through the CLI: payments in parts, reserving stock (same region first), back-orders
filled by receipts, cancels and refunds, the list, one order in full, and the packing queue."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from ledger_templates import build, copy_of


def new_order(daigou, args):
    """`daigou order new ARGS -q` -> the new order id."""
    return int(daigou.run(f"order new {args} -q").stdout)


def order_row(daigou, order_id, extra=""):
    rows = {int(r["id"]): r for r in daigou.csv(f"order list {extra}")}
    return rows[order_id]


def money_cols(row):
    return row["state"], row["total"], row["paid"], row["balance_due"], row["currency"]


def levels(daigou, sku):
    """{location: (on_hand, reserved, available)} from `stock list`."""
    return {r["location"]: (int(r["on_hand"]), int(r["reserved"]), int(r["available"]))
            for r in daigou.csv(f"stock list --sku {sku}") if r["location"]}


def lines(daigou, order_id):
    """[(sku, qty, reserved, backordered)] of an order, from `order show --format json`."""
    return [(ln["sku"], ln["qty"], ln["reserved"], ln["backordered"])
            for ln in daigou.json(f"order show {order_id}")["lines"]]


def today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def days_ago(n):
    return (today() - timedelta(days=n)).isoformat()


@pytest.fixture(scope="module")
def sh_template(tmp_path_factory):
    return build(tmp_path_factory, "sh", [
        "location add TOKYO --region Tokyo",
        "location add SH --region Shanghai",
        "fx set JPY 0.0478 --at 2026-09-01",
        "fx set JPY 0.05 --at 2026-10-01",
        "product add SHI-50 --name 资生堂 --price 420",
        "product add POCKY --name Pocky --price 15",
        ["customer", "add", "王小美", "--wechat", "wxm_88", "--phone", "+86 138-0013-8000", "--region", "Shanghai"],
        "customer add Kenji --wechat kenji_t --region Tokyo",
    ])


@pytest.fixture
def sh(sh_template, tmp_path, monkeypatch):
    """Locations SH (Shanghai) and TOKYO (Tokyo), no stock; SHI-50 420.00 and POCKY 15.00 CNY;
    王小美 in Shanghai and Kenji in Tokyo."""
    return copy_of(sh_template, tmp_path, monkeypatch)


# ----------------------------------------------------------------- states and money

def test_pending_then_deposit_paid_then_paid_in_parts(sh):
    sh.run("stock add SHI-50 5 --cost 200 -l SH --at 2026-10-01")
    sh.run("stock add POCKY 10 --cost 5 -l SH --at 2026-10-01")
    oid = new_order(sh, "王小美 SHI-50:2 POCKY:4 --at 2026-10-02")
    assert money_cols(order_row(sh, oid)) == ("pending", "900.00", "0.00", "900.00", "CNY")

    out = sh.run(f"order pay {oid} 300 --method wechat-pay --at 2026-10-03").stdout
    (entry,) = sh.sql("SELECT max(id) FROM entries")[0]
    assert out == f"order {oid}: paid 300.00 CNY, 600.00 due (deposit_paid) (entry {entry})\n"
    assert money_cols(order_row(sh, oid)) == ("deposit_paid", "900.00", "300.00", "600.00", "CNY")

    sh.run(f"order pay {oid} 250.50 --at 2026-10-04")
    assert money_cols(order_row(sh, oid)) == ("deposit_paid", "900.00", "550.50", "349.50", "CNY")

    out = sh.run(f"order pay {oid} 349.50 --at 2026-10-05").stdout
    assert out.startswith(f"order {oid}: paid 349.50 CNY, 0.00 due (paid)")
    row = order_row(sh, oid)
    assert money_cols(row) == ("paid", "900.00", "900.00", "0.00", "CNY")
    assert row["refund_due"] == "0.00"
    assert sh.sql("SELECT amount, method FROM payments WHERE order_id = ? ORDER BY entry_id", (oid,)) == [
        (30000, "wechat-pay"), (25050, None), (34950, None)]


def test_deposit_on_the_new_order_is_a_payment(sh):
    sh.run("stock add SHI-50 2 --cost 200 -l SH --at 2026-10-01")
    out = sh.run("order new 王小美 SHI-50:2 POCKY:4 --deposit 200 --method alipay --at 2026-10-02").stdout
    (oid,) = sh.sql("SELECT max(id) FROM orders")[0]
    assert out == f"order {oid} for 王小美: 900.00 CNY, 2 reserved, 4 back-ordered (deposit_paid)\n"
    assert money_cols(order_row(sh, oid)) == ("deposit_paid", "900.00", "200.00", "700.00", "CNY")
    assert sh.sql("SELECT amount, method FROM payments WHERE order_id = ?", (oid,)) == [(20000, "alipay")]


def test_deposit_of_the_whole_total_is_paid(sh):
    oid = new_order(sh, "王小美 POCKY:2 --deposit 30")
    assert money_cols(order_row(sh, oid)) == ("paid", "30.00", "30.00", "0.00", "CNY")


def test_jpy_order_has_no_decimals(sh):
    sh.run("product add KIT-KAT --name 'Kit Kat 抹茶' --price 5000 --currency JPY")
    oid = new_order(sh, "Kenji KIT-KAT:3 --currency JPY --at 2026-10-02")
    assert money_cols(order_row(sh, oid)) == ("pending", "15000", "0", "15000", "JPY")

    out = sh.run(f"order pay {oid} 5000 --at 2026-10-03").stdout
    assert out.startswith(f"order {oid}: paid 5000 JPY, 10000 due (deposit_paid)")
    assert money_cols(order_row(sh, oid)) == ("deposit_paid", "15000", "5000", "10000", "JPY")

    result = sh(f"order pay {oid} 0.5")
    assert result.exit_code == 3
    assert "no decimals" in result.stderr

    sh.run(f"order pay {oid} 10,000 --at 2026-10-04")
    assert money_cols(order_row(sh, oid)) == ("paid", "15000", "15000", "0", "JPY")
    shown = sh.json(f"order show {oid}")
    assert (shown["total"], shown["paid"], shown["balance_due"]) == (15000, 15000, 0)
    assert shown["lines"][0]["price"] == 5000
    assert sh.sql("SELECT sum(amount) FROM payments WHERE order_id = ?", (oid,)) == [(15000,)]


def test_price_defaults_to_the_products_price(sh):
    oid = new_order(sh, "王小美 SHI-50:2 POCKY:3@12.5")
    shown = sh.json(f"order show {oid}")
    assert [(ln["sku"], ln["qty"], ln["price"]) for ln in shown["lines"]] == [
        ("SHI-50", 2, 420), ("POCKY", 3, 12.5)]
    assert shown["total"] == 877.5
    assert sh.sql("SELECT sku, qty, price FROM order_lines WHERE order_id = ? ORDER BY line_no", (oid,)) == [
        ("SHI-50", 2, 42000), ("POCKY", 3, 1250)]


def test_a_cny_price_is_not_taken_as_yen(sh):
    result = sh("order new Kenji SHI-50:1 --currency JPY")
    assert result.exit_code == 3
    assert "SHI-50 is priced in CNY" in result.stderr
    assert sh.sql("SELECT count(*) FROM orders") == [(0,)]
    oid = new_order(sh, "Kenji SHI-50:1@8800 --currency JPY")
    assert money_cols(order_row(sh, oid)) == ("pending", "8800", "0", "8800", "JPY")


# ----------------------------------------------------------------- reserving: same region first

def test_shanghai_customer_reserves_in_shanghai_first_then_spills_over(sh):
    sh.run("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-01")
    sh.run("stock add SHI-50 5 --cost 200 -l TOKYO --at 2026-10-01")
    oid = new_order(sh, "王小美 SHI-50:4 --at 2026-10-02")
    assert levels(sh, "SHI-50") == {"SH": (3, 3, 0), "TOKYO": (5, 1, 4)}
    assert lines(sh, oid) == [("SHI-50", 4, 4, 0)]
    held = [e["detail"] for e in sh.json(f"order show {oid}")["events"] if e["kind"] == "reserved"]
    assert held == ["SHI-50 × 3 at SH", "SHI-50 × 1 at TOKYO"]


def test_tokyo_customer_reserves_in_tokyo_first(sh):
    sh.run("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-01")
    sh.run("stock add SHI-50 2 --cost 200 -l TOKYO --at 2026-10-01")
    new_order(sh, "Kenji SHI-50:3 --at 2026-10-02")
    assert levels(sh, "SHI-50") == {"SH": (3, 1, 2), "TOKYO": (2, 2, 0)}


def test_ship_to_overrides_the_customers_region(sh):
    sh.run("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-01")
    sh.run("stock add SHI-50 3 --cost 200 -l TOKYO --at 2026-10-01")
    new_order(sh, "王小美 SHI-50:2 --ship-to Tokyo --at 2026-10-02")
    assert levels(sh, "SHI-50") == {"SH": (3, 0, 3), "TOKYO": (3, 2, 1)}


def test_what_is_not_in_stock_is_back_ordered_not_refused(sh):
    sh.run("stock add SHI-50 1 --cost 200 -l SH --at 2026-10-01")
    oid = new_order(sh, "王小美 SHI-50:3 POCKY:2 --at 2026-10-02")
    assert lines(sh, oid) == [("SHI-50", 3, 1, 2), ("POCKY", 2, 0, 2)]
    row = order_row(sh, oid)
    assert (row["units"], row["reserved"], row["backordered"]) == ("5", "1", "4")
    assert levels(sh, "SHI-50") == {"SH": (1, 1, 0)}


# ----------------------------------------------------------------- back-orders filled by receipts

def test_receipt_fills_urgent_before_normal_then_oldest_first(sh):
    a = new_order(sh, "王小美 SHI-50:2 --at 2026-10-01")                     # normal, oldest
    b = new_order(sh, "Kenji SHI-50:2 --priority urgent --at 2026-10-02")    # urgent, later
    c = new_order(sh, "王小美 SHI-50:1 --at 2026-10-03")                     # normal, newest
    assert [order_row(sh, o)["backordered"] for o in (a, b, c)] == ["2", "2", "1"]

    sh.run("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-04")
    assert lines(sh, b) == [("SHI-50", 2, 2, 0)]
    assert lines(sh, a) == [("SHI-50", 2, 1, 1)]
    assert lines(sh, c) == [("SHI-50", 1, 0, 1)]
    assert levels(sh, "SHI-50") == {"SH": (3, 3, 0)}

    sh.run("stock add SHI-50 2 --cost 200 -l TOKYO --at 2026-10-05")
    assert lines(sh, a) == [("SHI-50", 2, 2, 0)]
    assert lines(sh, c) == [("SHI-50", 1, 1, 0)]
    assert levels(sh, "SHI-50") == {"SH": (3, 3, 0), "TOKYO": (2, 2, 0)}


def test_oldest_means_the_order_date_not_when_it_was_typed_in(sh):
    later = new_order(sh, "王小美 SHI-50:1 --at 2026-10-05")
    earlier = new_order(sh, "Kenji SHI-50:1 --at 2026-10-04")   # entered second, dated first
    sh.run("stock add SHI-50 1 --cost 200 -l SH --at 2026-10-06")
    assert lines(sh, earlier) == [("SHI-50", 1, 1, 0)]
    assert lines(sh, later) == [("SHI-50", 1, 0, 1)]


def test_receipt_json_says_which_orders_it_filled(sh):
    a = new_order(sh, "王小美 SHI-50:2 --at 2026-10-01")
    b = new_order(sh, "Kenji SHI-50:2 --at 2026-10-02")
    record = sh.json("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-03")
    assert record["filled"] == [{"order_id": a, "sku": "SHI-50", "qty": 2}, {"order_id": b, "sku": "SHI-50", "qty": 1}]
    record = sh.json("stock add SHI-50 5 --cost 200 -l SH --at 2026-10-04")
    assert record["filled"] == [{"order_id": b, "sku": "SHI-50", "qty": 1}]
    assert levels(sh, "SHI-50") == {"SH": (8, 4, 4)}
    assert sh.json("stock add SHI-50 1 --cost 200 -l SH --at 2026-10-05")["filled"] == []


# ----------------------------------------------------------------- cancel and refund

def test_cancel_no_refund_releases_stock_to_a_waiting_order_and_leaves_refund_due(sh):
    sh.run("stock add SHI-50 2 --cost 200 -l SH --at 2026-10-01")
    first = new_order(sh, "王小美 SHI-50:2 --deposit 300 --at 2026-10-02")
    waiting = new_order(sh, "Kenji SHI-50:2 --at 2026-10-03")
    assert lines(sh, waiting) == [("SHI-50", 2, 0, 2)]

    out = sh.run(f"order cancel {first} --reason 'changed her mind' --no-refund --at 2026-10-04").stdout
    (entry,) = sh.sql("SELECT max(id) FROM entries")[0]
    assert out == f"order {first} cancelled: 2 units released, refund due 300.00 CNY (entry {entry})\n"

    row = order_row(sh, first)
    assert money_cols(row) == ("cancelled", "840.00", "300.00", "0.00", "CNY")
    assert row["refund_due"] == "300.00"
    assert lines(sh, first) == [("SHI-50", 2, 0, 0)]
    assert lines(sh, waiting) == [("SHI-50", 2, 2, 0)]
    assert levels(sh, "SHI-50") == {"SH": (2, 2, 0)}


def test_cancel_with_nobody_waiting_makes_stock_available(sh):
    sh.run("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-01")
    oid = new_order(sh, "王小美 SHI-50:2 --at 2026-10-02")
    assert levels(sh, "SHI-50") == {"SH": (3, 2, 1)}
    out = sh.run(f"order cancel {oid} --reason duplicate --at 2026-10-03").stdout
    assert out.startswith(f"order {oid} cancelled: 2 units released (entry ")
    assert levels(sh, "SHI-50") == {"SH": (3, 0, 3)}
    assert order_row(sh, oid)["refund_due"] == "0.00"


def test_refund_lowers_refund_due(sh):
    oid = new_order(sh, "王小美 SHI-50:1 --deposit 300 --at 2026-10-02")
    sh.run(f"order pay {oid} 120 --at 2026-10-03")
    sh.run(f"order cancel {oid} --reason 'out of stock' --no-refund --at 2026-10-04")
    assert order_row(sh, oid)["refund_due"] == "420.00"

    out = sh.run(f"order refund {oid} 100 --at 2026-10-05").stdout
    (entry,) = sh.sql("SELECT max(id) FROM entries")[0]
    assert out == f"order {oid}: refunded 100.00 CNY, 320.00 still to refund (entry {entry})\n"
    row = order_row(sh, oid)
    assert (row["state"], row["paid"], row["refund_due"]) == ("cancelled", "320.00", "320.00")

    result = sh(f"order refund {oid} 320.01")
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [f"daigou: order {oid}: refunding 320.01 CNY but only 320.00 was paid"]

    sh.run(f"order refund {oid} 320 --at 2026-10-06")
    row = order_row(sh, oid)
    assert (row["state"], row["paid"], row["refund_due"]) == ("cancelled", "0.00", "0.00")
    assert sh.sql("SELECT amount FROM payments WHERE order_id = ? ORDER BY entry_id", (oid,)) == [
        (30000,), (12000,), (-10000,), (-32000,)]


# ----------------------------------------------------------------- the channel's own order number

def test_external_id_is_unique_per_channel(sh):
    first = new_order(sh, "王小美 POCKY:1 --channel taobao --external-id TB-1001")
    before = sh.sql("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM entries), "
                    "(SELECT count(*) FROM order_lines), (SELECT count(*) FROM payments)")
    result = sh("order new 王小美 POCKY:2 --channel taobao --external-id TB-1001 --deposit 10")
    assert result.exit_code == 4
    assert result.stderr.splitlines() == ["daigou: --external-id: taobao order TB-1001 is already in the ledger"]
    assert result.stdout == ""
    assert sh.sql("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM entries), "
                  "(SELECT count(*) FROM order_lines), (SELECT count(*) FROM payments)") == before

    # The channel name is not case sensitive; another channel may use the same number.
    assert sh("order new 王小美 POCKY:2 --channel Taobao --external-id TB-1001").exit_code == 4
    other = new_order(sh, "王小美 POCKY:2 --channel xhs --external-id TB-1001")
    assert other != first
    assert sh.sql("SELECT id, channel, external_id FROM orders ORDER BY id") == [
        (first, "taobao", "TB-1001"), (other, "xhs", "TB-1001")]
    assert order_row(sh, other)["external_id"] == "TB-1001"


# ----------------------------------------------------------------- order show

def test_order_show_json_has_lines_and_a_timeline(sh):
    sh.run("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-01")
    sh.run("stock add SHI-50 5 --cost 200 -l TOKYO --at 2026-10-01")
    oid = new_order(sh, "王小美 SHI-50:4 POCKY:2 --deposit 100 --method alipay --due 2026-11-11 "
                        "--channel xhs --external-id XHS-9 --at 2026-10-02T10:30")
    sh.run(f"order pay {oid} 500 --method wechat-pay --at 2026-10-03")
    shown = sh.json(f"order show {oid}")
    assert {k: shown[k] for k in ("id", "external_id", "channel", "customer", "state", "priority", "total",
                                  "paid", "balance_due", "currency", "created_at", "due")} == {
        "id": oid, "external_id": "XHS-9", "channel": "xhs", "customer": "王小美", "state": "deposit_paid",
        "priority": "normal", "total": 1710, "paid": 600, "balance_due": 1110, "currency": "CNY",
        "created_at": "2026-10-02T10:30:00+08:00", "due": "2026-11-11"}
    assert [{k: ln[k] for k in ("sku", "qty", "price", "reserved", "backordered", "shipped", "returned")}
            for ln in shown["lines"]] == [
        {"sku": "SHI-50", "qty": 4, "price": 420, "reserved": 4, "backordered": 0, "shipped": 0, "returned": 0},
        {"sku": "POCKY", "qty": 2, "price": 15, "reserved": 0, "backordered": 2, "shipped": 0, "returned": 0}]
    assert [(e["at"], e["kind"], e["amount"], e["detail"]) for e in shown["events"]] == [
        ("2026-10-02T10:30:00+08:00", "created", None, "xhs"),
        ("2026-10-02T10:30:00+08:00", "reserved", None, "SHI-50 × 3 at SH"),
        ("2026-10-02T10:30:00+08:00", "reserved", None, "SHI-50 × 1 at TOKYO"),
        ("2026-10-02T10:30:00+08:00", "payment", 100, "alipay"),
        ("2026-10-03T00:00:00+08:00", "payment", 500, "wechat-pay"),
    ]


def test_order_show_timeline_after_a_cancel(sh):
    sh.run("stock add SHI-50 1 --cost 200 -l SH --at 2026-10-01")
    oid = new_order(sh, "王小美 SHI-50:1 --deposit 100 --at 2026-10-02")
    sh.run(f"order cancel {oid} --reason 'too slow' --no-refund --at 2026-10-04")
    sh.run(f"order refund {oid} 100 --method alipay --at 2026-10-05")
    shown = sh.json(f"order show {oid}")
    assert (shown["state"], shown["paid"], shown["refund_due"]) == ("cancelled", 0, 0)
    assert shown["lines"][0]["reserved"] == 0 and shown["lines"][0]["backordered"] == 0
    assert [(e["at"][:10], e["kind"], e["amount"], e["detail"]) for e in shown["events"]] == [
        ("2026-10-02", "created", None, "wechat"),
        ("2026-10-02", "reserved", None, "SHI-50 × 1 at SH"),
        ("2026-10-02", "payment", 100, "deposit"),
        ("2026-10-04", "released", None, "SHI-50 × 1 at SH"),
        ("2026-10-04", "cancelled", None, "too slow"),
        ("2026-10-05", "refund", 100, "alipay"),
    ]


def test_order_is_found_by_its_external_id(sh):
    oid = new_order(sh, "王小美 POCKY:1 --channel shopify --external-id '#1042'")
    assert sh.json("order show '#1042'")["id"] == oid
    sh.run("order pay '#1042' 15")
    assert order_row(sh, oid)["state"] == "paid"


# ----------------------------------------------------------------- order list

@pytest.fixture
def three_orders(sh):
    """Two of 王小美's (wechat paid on 10-03, taobao pending) and Kenji's (xhs, deposit)."""
    sh.run("customer add 'Anna Li' --email Anna.Li@Example.com --region Shanghai")
    a = new_order(sh, "王小美 SHI-50:1 --at 2026-10-01")
    sh.run(f"order pay {a} 420 --at 2026-10-03T12:00")
    b = new_order(sh, "王小美 POCKY:2 --channel taobao --external-id TB-7 --at 2026-10-02")
    c = new_order(sh, "Kenji POCKY:4 --channel xhs --deposit 20 --at 2026-10-02")
    return sh, a, b, c


def test_order_list_columns_and_filters(three_orders):
    sh, a, b, c = three_orders
    rows = sh.csv("order list")
    assert list(rows[0])[:11] == ["id", "external_id", "channel", "customer", "state", "priority", "total",
                                  "paid", "balance_due", "currency", "created_at"]
    assert [(int(r["id"]), r["channel"], r["customer"], r["state"]) for r in rows] == [
        (a, "wechat", "王小美", "paid"), (b, "taobao", "王小美", "pending"), (c, "xhs", "Kenji", "deposit_paid")]
    assert [int(r["id"]) for r in sh.csv("order list --state pending")] == [b]
    assert [int(r["id"]) for r in sh.csv("order list --state deposit_paid")] == [c]
    assert [int(r["id"]) for r in sh.csv("order list --state cancelled")] == []
    assert [int(r["id"]) for r in sh.csv("order list --customer 王小美")] == [a, b]
    assert [int(r["id"]) for r in sh.csv("order list --customer kenji_t")] == [c]
    assert [int(r["id"]) for r in sh.csv("order list --customer '+86 138 0013 8000'")] == [a, b]
    assert [int(r["id"]) for r in sh.csv("order list --channel taobao")] == [b]
    assert [int(r["id"]) for r in sh.csv("order list --channel XHS")] == [c]
    assert [int(r["id"]) for r in sh.csv("order list --customer 王小美 --channel wechat")] == [a]
    assert sh.csv("order list --customer 'Anna Li'") == []


def test_order_list_rejects_an_unknown_state_or_customer(three_orders):
    sh = three_orders[0]
    result = sh("order list --state sent")
    assert result.exit_code == 2  # a value outside the option's fixed list: a usage error
    assert result.stderr.startswith("daigou: --state: 'sent' is not one of pending, deposit_paid, paid")
    result = sh("order list --customer Nobody")
    assert result.exit_code == 3
    assert len(result.stderr.splitlines()) == 1


def test_order_list_as_of_shows_the_state_before_a_payment(three_orders):
    sh, a, b, c = three_orders
    before = {int(r["id"]): r for r in sh.csv("order list --as-of 2026-10-02")}
    assert money_cols(before[a]) == ("pending", "420.00", "0.00", "420.00", "CNY")
    assert before[c]["state"] == "deposit_paid"
    # The morning of the payment day: not paid yet; that evening: paid.
    morning = {int(r["id"]): r for r in sh.csv("order list --as-of 2026-10-03T11:59")}
    assert morning[a]["state"] == "pending"
    assert money_cols(order_row(sh, a, "--as-of 2026-10-03")) == ("paid", "420.00", "420.00", "0.00", "CNY")
    # Before any order existed, the list is empty.
    assert sh.csv("order list --as-of 2026-09-30") == []
    assert [int(r["id"]) for r in sh.csv("order list --as-of 2026-10-01")] == [a]
    assert [int(r["id"]) for r in sh.csv("order list --state pending --as-of 2026-10-02")] == [a, b]


def test_order_list_as_of_before_a_cancel(sh):
    sh.run("stock add SHI-50 1 --cost 200 -l SH --at 2026-10-01")
    oid = new_order(sh, "王小美 SHI-50:1 --deposit 100 --at 2026-10-02")
    sh.run(f"order cancel {oid} --reason x --at 2026-10-05")
    row = order_row(sh, oid, "--as-of 2026-10-04")
    assert (row["state"], row["reserved"], row["backordered"], row["refund_due"]) == ("deposit_paid", "1", "0", "0.00")
    assert order_row(sh, oid)["state"] == "cancelled"
    assert sh.json(f"order show {oid} --as-of 2026-10-04")["state"] == "deposit_paid"


# ----------------------------------------------------------------- the packing queue

@pytest.fixture(scope="module")
def packing_template(tmp_path_factory):
    return build(tmp_path_factory, "packing", [
        "location add SH --region Shanghai",
        "fx set JPY 0.05 --at 2020-01-01",
        "product add SHI-50 --name Shiseido --price 420",
        "product add KIT --name KitKat --price 5000 --currency JPY",
        "product add RARE --name 'Rare thing' --price 100",
        "stock add SHI-50 50 --cost 200 --at 2020-01-02",
        "stock add KIT 50 --cost 100 --currency JPY --at 2020-01-02",
        "customer add Amy --region Shanghai",
        "config set high_value_threshold 1000",
    ])


@pytest.fixture
def packing(packing_template, tmp_path, monkeypatch):
    """Plenty of stock in Shanghai (none of RARE), high value from 1000 CNY, a JPY rate for years."""
    return copy_of(packing_template, tmp_path, monkeypatch)


def paid_order(daigou, args, total, ago):
    return new_order(daigou, f"Amy {args} --deposit {total} --at {days_ago(ago)}")


def test_queue_order_urgent_then_due_then_high_value_then_age(packing):
    d = packing
    soon, later = today() + timedelta(days=3), today() + timedelta(days=10)
    oldest_low = paid_order(d, "SHI-50:1 --priority low", 420, 9)
    plain_old = paid_order(d, "SHI-50:1", 420, 8)
    due_later = paid_order(d, f"SHI-50:1 --due {later}", 420, 7)
    high_value = paid_order(d, "SHI-50:3", 1260, 6)
    plain_new = paid_order(d, "SHI-50:1", 420, 2)
    due_soon = paid_order(d, f"SHI-50:1 --due {soon}", 420, 3)
    high_prio = paid_order(d, "SHI-50:1 --priority high", 420, 1)
    urgent = paid_order(d, "SHI-50:1 --priority urgent", 420, 0)
    yen_high = paid_order(d, "KIT:5 --currency JPY", 25000, 4)  # 25000 JPY x 0.05 = 1250 CNY
    unpaid = new_order(d, f"Amy SHI-50:1 --at {days_ago(5)}")

    rows = d.csv("order queue")
    assert list(rows[0]) == ["rank", "id", "customer", "priority", "due", "total", "currency", "units",
                             "backordered", "created_at", "why"]
    assert [(r["rank"], int(r["id"])) for r in rows] == [
        (str(n), oid) for n, oid in enumerate(
            [urgent, high_prio, due_soon, due_later, high_value, yen_high, plain_old, plain_new, oldest_low],
            start=1)]
    why = {int(r["id"]): r["why"] for r in rows}
    assert why[urgent] == "urgent; waiting 0d"
    assert why[high_prio] == "high; waiting 1d"
    assert why[due_soon] == f"due {soon} (in 3d); waiting 3d"
    assert why[due_later] == f"due {later} (in 10d); waiting 7d"
    assert why[yen_high] == "high value 1250.00 CNY; waiting 4d"
    assert why[high_value] == "high value 1260.00 CNY; waiting 6d"
    assert why[plain_old] == "waiting 8d"
    assert why[oldest_low] == "low; waiting 9d"
    assert unpaid not in why
    assert {int(r["id"]): (r["total"], r["currency"], r["due"]) for r in rows}[due_soon] == (
        "420.00", "CNY", soon.isoformat())


def test_queue_shows_overdue_and_partial_orders(packing):
    d = packing
    overdue_day = today() - timedelta(days=2)
    overdue = paid_order(d, f"SHI-50:1 --due {overdue_day}", 420, 5)
    d.run("stock add RARE 1 --cost 50 --at 2020-01-02")
    partial = paid_order(d, "RARE:3", 300, 4)
    rows = {int(r["id"]): r for r in d.csv("order queue")}
    assert rows[overdue]["why"] == f"due {overdue_day} (overdue); waiting 5d"
    assert rows[partial]["why"] == "waiting 4d; 2 back-ordered: partial"
    assert rows[partial]["backordered"] == "2"
    assert [int(r["id"]) for r in d.csv("order queue")] == [overdue, partial]


def test_queue_all_lists_blocked_orders_last_with_the_reason(packing):
    d = packing
    ready = paid_order(d, "SHI-50:1", 420, 1)
    no_stock = paid_order(d, "RARE:1", 100, 3)
    unpaid = new_order(d, f"Amy SHI-50:1 --priority urgent --deposit 100 --at {days_ago(2)}")
    cancelled = paid_order(d, "SHI-50:1", 420, 4)
    d.run(f"order cancel {cancelled} --reason x")
    assert [int(r["id"]) for r in d.csv("order queue")] == [ready]
    rows = d.csv("order queue --all")
    assert [int(r["id"]) for r in rows] == [ready, unpaid, no_stock]
    why = {int(r["id"]): r["why"] for r in rows}
    assert why[unpaid] == "urgent; waiting 2d; blocked: balance due"
    assert why[no_stock] == "waiting 3d; 1 back-ordered: partial; blocked: no stock held"


# ----------------------------------------------------------------- stock lost from under an order

def test_writeoff_of_reserved_units_back_orders_the_least_urgent_newest(sh):
    sh.run("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-01")
    low_old = new_order(sh, "王小美 SHI-50:1 --priority low --at 2026-10-02")
    normal_old = new_order(sh, "王小美 SHI-50:1 --at 2026-10-03")
    normal_new = new_order(sh, "Kenji SHI-50:1 --at 2026-10-04")
    assert levels(sh, "SHI-50") == {"SH": (3, 3, 0)}

    sh.run("stock writeoff SHI-50 1 --reason damaged -l SH --at 2026-10-05")
    assert lines(sh, low_old) == [("SHI-50", 1, 0, 1)]
    assert lines(sh, normal_old) == [("SHI-50", 1, 1, 0)]
    assert lines(sh, normal_new) == [("SHI-50", 1, 1, 0)]
    assert levels(sh, "SHI-50") == {"SH": (2, 2, 0)}

    sh.run("stock writeoff SHI-50 1 --reason lost -l SH --at 2026-10-06")
    assert lines(sh, normal_new) == [("SHI-50", 1, 0, 1)]
    assert lines(sh, normal_old) == [("SHI-50", 1, 1, 0)]
    assert levels(sh, "SHI-50") == {"SH": (1, 1, 0)}
    assert order_row(sh, normal_new)["backordered"] == "1"

    # New stock goes to the normal order before the low one.
    sh.run("stock add SHI-50 1 --cost 200 -l SH --at 2026-10-07")
    assert lines(sh, normal_new) == [("SHI-50", 1, 1, 0)]
    assert lines(sh, low_old) == [("SHI-50", 1, 0, 1)]


def test_writeoff_of_unreserved_units_leaves_orders_alone(sh):
    sh.run("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-01")
    oid = new_order(sh, "王小美 SHI-50:2 --at 2026-10-02")
    sh.run("stock writeoff SHI-50 1 --reason sample -l SH --at 2026-10-03")
    assert lines(sh, oid) == [("SHI-50", 2, 2, 0)]
    assert levels(sh, "SHI-50") == {"SH": (2, 2, 0)}


def test_negative_adjust_of_reserved_units_back_orders_too(sh):
    sh.run("stock add SHI-50 2 --cost 200 -l SH --at 2026-10-01")
    first = new_order(sh, "王小美 SHI-50:1 --at 2026-10-02")
    second = new_order(sh, "王小美 SHI-50:1 --at 2026-10-03")
    sh.run("stock adjust SHI-50 -1 --reason 'counted short' -l SH --at 2026-10-04")
    assert lines(sh, first) == [("SHI-50", 1, 1, 0)]
    assert lines(sh, second) == [("SHI-50", 1, 0, 1)]
    assert levels(sh, "SHI-50") == {"SH": (1, 1, 0)}


def test_reserved_units_cannot_be_moved(sh):
    sh.run("stock add SHI-50 3 --cost 200 -l SH --at 2026-10-01")
    new_order(sh, "王小美 SHI-50:2 --at 2026-10-02")
    before = sh.sql("SELECT count(*) FROM movements")
    result = sh("stock move SHI-50 2 --from SH --to TOKYO")
    assert result.exit_code == 4
    assert len(result.stderr.splitlines()) == 1
    assert "2 reserved" in result.stderr
    assert sh.sql("SELECT count(*) FROM movements") == before
    sh.run("stock move SHI-50 1 --from SH --to TOKYO")
    assert levels(sh, "SHI-50") == {"SH": (2, 2, 0), "TOKYO": (1, 0, 1)}


def test_units_lost_in_one_place_are_held_again_from_stock_elsewhere(sh):
    """What can be reserved is reserved: a line goes back-ordered only when no location has stock."""
    sh.run("stock add SHI-50 1 --cost 200 -l SH --at 2026-10-01")
    oid = new_order(sh, "王小美 SHI-50:1 --at 2026-10-02")
    sh.run("stock add SHI-50 5 --cost 200 -l TOKYO --at 2026-10-03")
    assert levels(sh, "SHI-50") == {"SH": (1, 1, 0), "TOKYO": (5, 0, 5)}
    sh.run("stock writeoff SHI-50 1 --reason damaged -l SH --at 2026-10-04")
    assert lines(sh, oid) == [("SHI-50", 1, 1, 0)]
    assert levels(sh, "SHI-50") == {"SH": (0, 0, 0), "TOKYO": (5, 1, 4)}


# ----------------------------------------------------------------- back-dated orders and --as-of

def test_a_back_dated_order_holds_nothing_before_the_stock_arrived(sh):
    sh.run("stock add SHI-50 1 --cost 200 -l SH --at 2026-10-05")
    oid = new_order(sh, "王小美 SHI-50:1 --at 2026-10-01")
    assert lines(sh, oid) == [("SHI-50", 1, 1, 0)]
    then = order_row(sh, oid, "--as-of 2026-10-02")
    assert (then["reserved"], then["backordered"]) == ("0", "1")
    for row in sh.csv("stock list --as-of 2026-10-02"):
        assert int(row["reserved"]) <= int(row["on_hand"]), row


def test_stock_list_as_of_never_shows_more_reserved_than_on_hand(sh):
    sh.run("stock add SHI-50 1 --cost 200 -l SH --at 2026-09-01")
    sh.run("stock add SHI-50 1 --cost 200 -l SH --at 2026-10-05")
    new_order(sh, "王小美 SHI-50:1 --at 2026-10-01")
    new_order(sh, "王小美 SHI-50:1 --at 2026-10-01")
    assert levels(sh, "SHI-50") == {"SH": (2, 2, 0)}
    (row,) = sh.csv("stock list --sku SHI-50 --as-of 2026-10-02")
    assert row["on_hand"] == "1"
    assert (row["reserved"], row["available"]) == ("1", "0")
