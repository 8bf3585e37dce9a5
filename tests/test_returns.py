"""Returns and warranty through the CLI: restock into the original lot at its original cost,
write-offs, refunds that never create a balance due, the returned states, refusals."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

LEDGER_TABLES = ("entries", "returns", "return_lines", "movements", "payments", "reservations")


def counts(daigou):
    return {t: daigou.sql(f"SELECT COUNT(*) FROM {t}")[0][0] for t in LEDGER_TABLES}


def order_row(daigou, order_id):
    return {int(r["id"]): r for r in daigou.csv("order list")}[order_id]


def lots(daigou, sku):
    return [(int(r["lot"]), r["location"], int(r["qty"]), r["unit_cost_base"])
            for r in daigou.csv(f"stock lots --sku {sku}")]


@pytest.fixture
def shipped(shop):
    """SHI-50: a lot of 2 at 100.00 then a lot of 3 at 120.00 (both at SH). Order for 2 SHI-50
    (840.00, paid), shipped: both units leave the 100.00 lot, which is now empty."""
    shop.lot_a = int(shop.run("stock add SHI-50 2 --cost 100 --location SH --at 2026-10-01 -q").stdout)
    shop.lot_b = int(shop.run("stock add SHI-50 3 --cost 120 --location SH --at 2026-10-02 -q").stdout)
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88", "--region", "Shanghai"])
    shop.order = int(shop.run("order new wxm_88 SHI-50:2 --at 2026-10-03 -q").stdout)
    shop.run(f"order pay {shop.order} 840 --at 2026-10-03")
    shop.run(f"ship {shop.order} --carrier SF --tracking SF1 --at 2026-10-04")
    shop.run("shipment event SF1 delivered --at 2026-10-06")
    assert lots(shop, "SHI-50") == [(shop.lot_b, "SH", 3, "120.00")]
    return shop


def test_restock_goes_back_into_the_original_lot_at_its_cost(shipped):
    out = shipped.run(f"return {shipped.order} SHI-50:1 --reason 'wrong colour' --at 2026-10-08").stdout
    assert out.strip().startswith(f"return on order {shipped.order}: 1 unit restocked (partially_returned)")
    assert lots(shipped, "SHI-50") == [(shipped.lot_a, "SH", 1, "100.00"), (shipped.lot_b, "SH", 3, "120.00")]
    stock = {r["location"]: (r["on_hand"], r["reserved"]) for r in shipped.csv("stock list --sku SHI-50")}
    assert stock == {"SH": ("4", "0")}
    assert order_row(shipped, shipped.order)["state"] == "partially_returned"


def test_restock_at_another_location(shipped):
    record = shipped.json(f"return {shipped.order} SHI-50:2 --reason damaged-box --restock TOKYO --at 2026-10-08")
    assert record["lines"] == [{"sku": "SHI-50", "qty": 2, "lot": shipped.lot_a, "location": "TOKYO"}]
    assert lots(shipped, "SHI-50") == [(shipped.lot_a, "TOKYO", 2, "100.00"), (shipped.lot_b, "SH", 3, "120.00")]
    assert record["state"] == "returned"


def test_writeoff_leaves_stock_unchanged(shipped):
    before = shipped.csv("stock list --sku SHI-50")
    record = shipped.json(f"return {shipped.order} SHI-50:2 --reason broken --writeoff --at 2026-10-08")
    assert (record["disposition"], record["units"], record["state"]) == ("writeoff", 2, "returned")
    assert shipped.csv("stock list --sku SHI-50") == before
    assert lots(shipped, "SHI-50") == [(shipped.lot_b, "SH", 3, "120.00")]
    assert shipped.sql("SELECT COUNT(*) FROM movements WHERE kind = 'return'") == [(0,)]


def test_refund_lowers_paid_without_a_balance_due(shipped):
    out = shipped.run(f"return {shipped.order} SHI-50:1 --reason 'wrong colour' --refund 420 --at 2026-10-08").stdout
    assert "refunded 420.00 CNY (partially_returned)" in out
    row = order_row(shipped, shipped.order)
    assert (row["total"], row["paid"], row["refunded"], row["balance_due"], row["state"]) == (
        "840.00", "420.00", "420.00", "0.00", "partially_returned")
    assert shipped.sql("SELECT amount, method FROM payments WHERE amount < 0") == [(-42000, "refund")]


def test_everything_back_is_returned(shipped):
    shipped.run(f"return {shipped.order} SHI-50:1 --reason a --refund 420 --at 2026-10-08")
    shipped.run(f"return {shipped.order} SHI-50:1 --reason b --refund 420 --at 2026-10-09")
    row = order_row(shipped, shipped.order)
    assert (row["state"], row["paid"], row["balance_due"]) == ("returned", "0.00", "0.00")
    lines = shipped.json(f"order show {shipped.order}")["lines"]
    assert [(ln["sku"], ln["shipped"], ln["returned"]) for ln in lines] == [("SHI-50", 2, 2)]


def refused(daigou, args, code=4):
    before = counts(daigou)
    result = daigou.run(args, code=code)
    assert counts(daigou) == before
    return result.stderr.strip()


def test_refuses_more_than_shipped(shipped):
    message = refused(shipped, f"return {shipped.order} SHI-50:3 --reason x")
    assert message == (f"daigou: LINE 'SHI-50:3': order {shipped.order} has 2 SHI-50 shipped and not "
                       "returned; cannot return 3")
    shipped.run(f"return {shipped.order} SHI-50:2 --reason x --at 2026-10-08")
    message = refused(shipped, f"return {shipped.order} SHI-50:1 --reason again")
    assert "has 0 SHI-50 shipped and not returned; cannot return 1" in message


def test_refuses_refund_over_what_was_paid(shipped):
    message = refused(shipped, f"return {shipped.order} SHI-50:1 --reason x --refund 900")
    assert message == "daigou: --refund: 900.00 CNY is more than the 840.00 paid"


def test_refuses_unshipped_goods(shop):
    shop.run("stock add POCKY 5 --cost 5 --location SH")
    shop.run("customer add Kenji --wechat kenji_t --region Tokyo")
    order = int(shop.run("order new kenji_t POCKY:2 -q").stdout)
    message = refused(shop, f"return {order} POCKY:1 --reason x")
    assert message.endswith("has 0 POCKY shipped and not returned; cannot return 1")


def test_return_needs_a_reason_and_one_disposition(shipped):
    assert refused(shipped, f"return {shipped.order} SHI-50:1 --reason ' '", code=3) == \
        "daigou: --reason: must not be empty"
    assert refused(shipped, f"return {shipped.order} SHI-50:1 --reason x --restock SH --writeoff", code=3) == \
        "daigou: --restock/--writeoff: choose one"


# ----------------------------------------------------------------- warranty

def test_warranty_list_expiring(shop):
    shop.run("product add HAIRDRYER --name 'Panasonic 吹风机' --price 900 --warranty-days 30")
    shop.run("product add EARBUDS --name 'Sony 耳机' --price 1500 --warranty-days 365")
    shop.run("stock add HAIRDRYER 2 --cost 500 --location SH --at 2026-01-01")
    shop.run("stock add EARBUDS 2 --cost 900 --location SH --at 2026-01-01")
    shop.run("customer add 张伟 --wechat zhangwei_gz --region Shanghai")
    order = int(shop.run("order new zhangwei_gz HAIRDRYER:1 EARBUDS:1 --at 20d -q").stdout)
    shop.run(f"order pay {order} 2400 --at 20d")
    shop.run(f"ship {order} --carrier SF --tracking SF1 --at 10d")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    sold = today - timedelta(days=10)

    rows = shop.csv("warranty list")
    assert [(r["sku"], r["customer"], r["qty"], r["sold_at"], r["warranty_until"], r["days_left"]) for r in rows] == [
        ("HAIRDRYER", "张伟", "1", sold.isoformat(), (sold + timedelta(days=30)).isoformat(), "20"),
        ("EARBUDS", "张伟", "1", sold.isoformat(), (sold + timedelta(days=365)).isoformat(), "355"),
    ]
    assert [r["sku"] for r in shop.csv("warranty list --expiring 30d")] == ["HAIRDRYER"]
    assert shop.csv("warranty list --expiring 2w") == []
    # a unit that came back has no warranty to keep
    shop.run(f"return {order} HAIRDRYER:1 --reason faulty --writeoff")
    assert [r["sku"] for r in shop.csv("warranty list")] == ["EARBUDS"]


def test_a_return_of_all_that_shipped_while_the_rest_waits_is_partially_returned(shop):
    """3 ordered, 1 shipped and sent back, 2 still held to ship: the order is not done with."""
    shop.run("stock add SHI-50 5 --cost 100 --location SH --at 2026-10-01")
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88", "--region", "Shanghai"])
    order = int(shop.run("order new wxm_88 SHI-50:3 --at 2026-10-03 -q").stdout)
    shop.run(f"order pay {order} 1260 --at 2026-10-03")
    shop.run(f"ship {order} SHI-50:1 --carrier SF --tracking SF9 --at 2026-10-04")
    record = shop.json(f"return {order} SHI-50:1 --reason 'wrong colour' --at 2026-10-08")
    assert record["state"] == "partially_returned"
    shown = shop.json(f"order show {order} --format json")
    assert (shown["state"], shown["shipped"], shown["returned"], shown["reserved"]) == ("partially_returned", 1, 1, 2)
    # Once the other two have shipped and come back too, the whole order is returned.
    shop.run(f"ship {order} SHI-50:2 --carrier SF --tracking SF10 --at 2026-10-09")
    shop.run(f"return {order} SHI-50:2 --reason 'changed mind' --at 2026-10-12")
    assert order_row(shop, order)["state"] == "returned"
