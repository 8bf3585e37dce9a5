"""`daigou void` on money: a mistyped payment or refund stops counting everywhere from the
void's time on (order state, balance due, receivables, profit, customers, check), stays in
the order's timeline marked voided, and --as-of before the void still counts it."""

import pytest

LEDGER_TABLES = ("entries", "voids", "payments", "movements", "reservations", "shipment_lines", "notifications")


def counts(daigou):
    return {t: daigou.sql(f"SELECT COUNT(*) FROM {t}")[0][0] for t in LEDGER_TABLES}


def one_line(result, code):
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output
    return result.stderr.rstrip("\n")


def entry(result) -> int:
    return int(result.stdout.strip())


def order(daigou, order_id, as_of=None):
    rows = daigou.csv("order list" + (f" --as-of {as_of}" if as_of else ""))
    row = {int(r["id"]): r for r in rows}[order_id]
    return {k: row[k] for k in ("state", "paid", "balance_due", "refund_due", "refunded")}


def profit(daigou, as_of=None):
    (row,) = daigou.csv("report profit --period 2026-11" + (f" --as-of {as_of}" if as_of else ""))
    return {k: row[k] for k in ("revenue", "refunds", "gross_profit")}


@pytest.fixture
def sold(shop):
    """5 SHI-50 at SH (cost 200.00). Order for 2 at 420.00 (840.00), due 2026-11-05: a deposit
    of 100.00 on 11-01, then 740.00 typed instead of 74.00 on 11-02."""
    shop.run("stock add SHI-50 5 --cost 200 --location SH --at 2026-10-20")
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88", "--region", "Shanghai"])
    shop.order = entry(shop.run("order new wxm_88 SHI-50:2@420 --deposit 100 --due 2026-11-05 "
                                "--at 2026-11-01 -q"))
    shop.deposit = shop.order + 1
    shop.payment = entry(shop.run(f"order pay {shop.order} 740 --method alipay --at 2026-11-02 -q"))
    return shop


# ----------------------------------------------------------------- payments

def test_a_voided_payment_no_longer_counts(sold):
    assert order(sold, sold.order) == {"state": "paid", "paid": "840.00", "balance_due": "0.00",
                                       "refund_due": "0.00", "refunded": "0.00"}
    out = sold.run(f"void {sold.payment} --reason 'typed 740 for 74' --at 2026-11-03").stdout
    void = sold.payment + 1
    assert out == (f"voided entry {sold.payment} (payment) with entry {void}: typed 740 for 74; "
                   f"order {sold.order}: paid 100.00 CNY, 740.00 due (deposit_paid)\n")
    assert order(sold, sold.order) == {"state": "deposit_paid", "paid": "100.00", "balance_due": "740.00",
                                       "refund_due": "0.00", "refunded": "0.00"}
    # The payment is still in the ledger: history is never edited.
    assert sold.sql("SELECT amount FROM payments WHERE entry_id = ?", (sold.payment,)) == [(74000,)]
    assert sold.run("db check").exit_code == 0


def test_as_of_before_the_void_still_counts_it(sold):
    sold.run(f"void {sold.payment} --reason typo --at 2026-11-03")
    assert order(sold, sold.order, as_of="2026-11-02")["paid"] == "840.00"
    assert order(sold, sold.order, as_of="2026-11-02")["state"] == "paid"
    assert order(sold, sold.order, as_of="2026-11-03")["paid"] == "100.00"


def test_the_timeline_shows_it_voided(sold):
    sold.run(f"void {sold.payment} --reason typo --at 2026-11-03")
    events = [(e["entry"], e["kind"], e["amount"], e["detail"])
              for e in sold.json(f"order show {sold.order}")["events"] if e["kind"] != "reserved"]
    assert events == [
        (sold.order, "created", None, "wechat"),
        (sold.deposit, "payment", 100.0, "deposit"),
        (sold.payment, "payment_voided", 740.0, f"alipay; voided by entry {sold.payment + 1}"),
        (sold.payment + 1, "void", 740.0, f"entry {sold.payment} (payment): typo"),
    ]
    before = sold.json(f"order show {sold.order} --as-of 2026-11-02")["events"]
    assert [(e["entry"], e["kind"]) for e in before if e["kind"].startswith(("payment", "void"))] == [
        (sold.deposit, "payment"), (sold.payment, "payment")]


def test_customer_show_spend_and_timeline(sold):
    sold.run(f"void {sold.payment} --reason typo --at 2026-11-03")
    record = sold.json("customer show wxm_88")
    assert (record["spend"], record["balance_due"]) == (100.0, 740.0)
    assert [t["kind"] for t in record["timeline"] if t["entry"] in (sold.payment, sold.payment + 1)] == [
        "payment_voided", "void"]


def test_check_finds_the_balance_due_again(sold):
    def balance_due():
        import json

        return [p for p in json.loads(sold("check --format json").stdout) if p["kind"] == "balance_due"]

    assert balance_due() == []
    sold.run(f"void {sold.payment} --reason typo --at 2026-11-03")
    problems = balance_due()
    assert [p["ref"] for p in problems] == [f"order {sold.order}"]
    assert "740.00 CNY still due" in problems[0]["message"]
    assert sold("check --as-of 2026-11-02 --format json").stdout.count("balance_due") == 0


def test_receivables_count_only_the_deposit(sold):
    assert sold.csv("report receivables --by order") == []
    sold.run(f"void {sold.payment} --reason typo --at 2026-11-03")
    (row,) = sold.csv("report receivables --by order")
    assert (int(row["order_id"]), row["deposits"], row["balance_due"]) == (sold.order, "100.00", "740.00")
    assert sold.csv("report receivables --by order --as-of 2026-11-02") == []


def test_the_right_payment_after_the_void(sold):
    sold.run(f"void {sold.payment} --reason typo --at 2026-11-03")
    sold.run(f"order pay {sold.order} 740 --at 2026-11-03")
    assert order(sold, sold.order)["state"] == "paid"


def test_a_deposit_can_be_voided_too(sold):
    sold.run(f"void {sold.deposit} --reason 'never arrived' --at 2026-11-03")
    assert order(sold, sold.order)["paid"] == "740.00"
    assert order(sold, sold.order)["balance_due"] == "100.00"


# ----------------------------------------------------------------- refunds

@pytest.fixture
def discounted(sold):
    """Order shipped on 11-03 (revenue 840.00, cogs 400.00), then a 150.00 refund as a discount."""
    sold.run(f"ship {sold.order} --carrier SF --tracking SF1 --at 2026-11-03")
    sold.refund = entry(sold.run(f"order refund {sold.order} 150 --at 2026-11-04 -q"))
    return sold


def test_a_voided_refund_is_no_longer_given_back(discounted):
    assert profit(discounted) == {"revenue": "840.00", "refunds": "150.00", "gross_profit": "290.00"}
    assert order(discounted, discounted.order)["paid"] == "690.00"
    discounted.run(f"void {discounted.refund} --reason 'never sent' --at 2026-11-05")
    assert order(discounted, discounted.order) == {"state": "shipped", "paid": "840.00", "balance_due": "0.00",
                                                   "refund_due": "0.00", "refunded": "0.00"}
    assert profit(discounted) == {"revenue": "840.00", "refunds": "0.00", "gross_profit": "440.00"}
    assert profit(discounted, as_of="2026-11-04")["refunds"] == "150.00"
    (row,) = discounted.csv("report customers --period 2026-11")
    assert row["spend"] == "840.00"
    assert discounted.run("db check").exit_code == 0


def test_a_payment_with_later_refunds_beyond_the_rest_is_refused(discounted):
    before = counts(discounted)
    line = one_line(discounted(f"void {discounted.payment} --reason typo"), 4)
    assert line == (f"daigou: entry {discounted.payment}: without it order {discounted.order} would have refunded "
                    f"50.00 CNY more than it was paid; void refund entry {discounted.refund} (150.00) first")
    assert counts(discounted) == before
    discounted.run(f"void {discounted.refund} --reason 'never sent'")
    discounted.run(f"void {discounted.payment} --reason typo")
    assert order(discounted, discounted.order)["paid"] == "100.00"


def test_a_void_back_dated_before_a_refund_it_would_exceed_is_refused(sold):
    # 840 in, then 300 back on 11-04: voiding the 740 on 11-03 leaves 100 paid when 300 go back
    sold.run(f"order cancel {sold.order} --reason changed-mind --no-refund --at 2026-11-04")
    refund = entry(sold.run(f"order refund {sold.order} 300 --at 2026-11-04 -q"))
    before = counts(sold)
    line = one_line(sold(f"void {sold.payment} --reason typo --at 2026-11-03"), 4)
    assert line.endswith(f"would have refunded 200.00 CNY more than it was paid; void refund entry {refund} (300.00) first")
    assert counts(sold) == before


def test_voiding_a_refund_on_a_cancelled_order_owes_it_again(sold):
    sold.run(f"order cancel {sold.order} --reason changed-mind --no-refund --at 2026-11-04")
    refund = entry(sold.run(f"order refund {sold.order} 840 --at 2026-11-04 -q"))
    assert order(sold, sold.order)["refund_due"] == "0.00"
    sold.run(f"void {refund} --reason 'bank bounced it' --at 2026-11-06")
    assert order(sold, sold.order) == {"state": "cancelled", "paid": "840.00", "balance_due": "0.00",
                                       "refund_due": "840.00", "refunded": "0.00"}
    assert order(sold, sold.order, as_of="2026-11-05")["refund_due"] == "0.00"


def test_a_refund_that_came_with_a_return_is_voided_with_the_return_not_alone(discounted):
    ret = entry(discounted.run(f"return {discounted.order} SHI-50:1 --reason broken --refund 200 "
                               "--at 2026-11-06 -q"))
    before = counts(discounted)
    assert one_line(discounted(f"void {ret} --reason typo"), 4) == f"daigou: entry {ret}: a return cannot be voided"
    line = one_line(discounted(f"void {discounted.payment} --reason typo"), 4)
    assert line.endswith(f"void refund entry {discounted.refund} (150.00) first")
    discounted.run(f"void {discounted.refund} --reason x")
    line = one_line(discounted(f"void {discounted.payment} --reason typo"), 4)
    assert line.endswith(f"its refunds came with return entry {ret} (200.00), which cannot be voided")
    assert counts(discounted) == before | {"entries": before["entries"] + 1, "voids": before["voids"] + 1}


def test_voiding_a_payment_twice_is_refused(sold):
    sold.run(f"void {sold.payment} --reason typo")
    before = counts(sold)
    line = one_line(sold(f"void {sold.payment} --reason again"), 4)
    assert line == f"daigou: entry {sold.payment}: already voided by entry {sold.payment + 1}"
    assert counts(sold) == before


def test_a_payment_void_cannot_be_dated_before_the_payment(sold):
    before = counts(sold)
    line = one_line(sold(f"void {sold.payment} --reason typo --at 2026-11-01"), 3)
    assert line.startswith(f"daigou: --at: the void cannot be earlier than entry {sold.payment}")
    assert counts(sold) == before


def test_json_names_the_order_and_what_it_owes(sold):
    record = sold.json(f"void {sold.payment} --reason typo --at 2026-11-03")
    assert {k: record[k] for k in ("voids", "kind", "order_id", "amount", "currency", "paid", "balance_due",
                                   "state")} == {
        "voids": sold.payment, "kind": "payment", "order_id": sold.order, "amount": 740.0, "currency": "CNY",
        "paid": 100.0, "balance_due": 740.0, "state": "deposit_paid"}


# ----------------------------------------------------------------- shipments

def stock(daigou, as_of=None):
    (row,) = daigou.csv("stock list --sku SHI-50" + (f" --as-of {as_of}" if as_of else ""))
    return {k: row[k] for k in ("on_hand", "reserved", "available")}


def line(daigou, order_id, as_of=None):
    (row,) = daigou.json(f"order show {order_id}" + (f" --as-of {as_of}" if as_of else ""))["lines"]
    return {k: row[k] for k in ("reserved", "shipped", "backordered")}


def trackings(daigou, as_of=None):
    return [(r["tracking"], r["status"]) for r in daigou.csv("shipment list" + (f" --as-of {as_of}" if as_of else ""))]


@pytest.fixture
def shipped(shop):
    """5 SHI-50 at SH (cost 200.00). Order for 2 at 420.00, paid in full on 11-01, shipped on
    11-02 by SF (parcel cost 18.00), delivered on 11-04."""
    shop.run("stock add SHI-50 5 --cost 200 --location SH --at 2026-10-20")
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88", "--region", "Shanghai"])
    shop.order = entry(shop.run("order new wxm_88 SHI-50:2@420 --deposit 840 --at 2026-11-01 -q"))
    shop.parcel = entry(shop.run(f"ship {shop.order} --carrier SF --tracking SF1 --cost 18 --at 2026-11-02 -q"))
    shop.run("shipment event SF1 delivered --at 2026-11-04")
    return shop


def test_a_voided_shipment_puts_the_units_back_and_holds_them_again(shipped):
    assert order(shipped, shipped.order)["state"] == "delivered"
    assert stock(shipped) == {"on_hand": "3", "reserved": "0", "available": "3"}
    out = shipped.run(f"void {shipped.parcel} --reason 'wrong order' --at 2026-11-05").stdout
    void = shipped.parcel + 2  # the delivered event is entry parcel + 1
    assert out == (f"voided entry {shipped.parcel} (shipment) with entry {void}: wrong order; order {shipped.order}: "
                   "SF SF1 not shipped, 2 units held again at SH (paid)\n")
    assert order(shipped, shipped.order)["state"] == "paid"
    assert line(shipped, shipped.order) == {"reserved": 2, "shipped": 0, "backordered": 0}
    assert stock(shipped) == {"on_hand": "5", "reserved": "2", "available": "3"}
    # back into the lot they left, at its cost
    assert [(r["qty"], r["unit_cost_base"]) for r in shipped.csv("stock lots --sku SHI-50")] == [("5", "200.00")]
    assert shipped.sql("SELECT kind, qty FROM movements WHERE entry_id = ?", (void,)) == [("void", 2)]
    assert trackings(shipped) == []
    assert shipped.run("db check").exit_code == 0


def test_as_of_before_the_void_the_parcel_still_counts(shipped):
    shipped.run(f"void {shipped.parcel} --reason 'wrong order' --at 2026-11-05")
    assert order(shipped, shipped.order, as_of="2026-11-04")["state"] == "delivered"
    assert line(shipped, shipped.order, as_of="2026-11-04") == {"reserved": 0, "shipped": 2, "backordered": 0}
    assert stock(shipped, as_of="2026-11-04") == {"on_hand": "3", "reserved": "0", "available": "3"}
    assert trackings(shipped, as_of="2026-11-04") == [("SF1", "delivered")]
    assert profit(shipped, as_of="2026-11-04")["revenue"] == "840.00"


def test_profit_carriers_and_turnover_forget_the_parcel(shipped):
    (before,) = shipped.csv("report profit --period 2026-11")
    assert (before["revenue"], before["cogs"], before["shipping"]) == ("840.00", "400.00", "18.00")
    assert [r["parcels"] for r in shipped.csv("report carriers --period 2026-11")] == ["1"]
    assert [r["units_sold"] for r in shipped.csv("report turnover --period 2026-11")] == ["2"]
    shipped.run(f"void {shipped.parcel} --reason 'wrong order' --at 2026-11-05")
    assert shipped.csv("report profit --period 2026-11") == []
    assert shipped.csv("report carriers --period 2026-11") == []
    assert [r["units_sold"] for r in shipped.csv("report turnover --period 2026-11")] == ["0"]


def test_the_order_ships_again_after_the_void(shipped):
    shipped.run(f"void {shipped.parcel} --reason 'never left' --at 2026-11-05")
    shipped.run(f"ship {shipped.order} --carrier SF --tracking SF2 --cost 20 --at 2026-11-06")
    assert order(shipped, shipped.order)["state"] == "shipped"
    assert stock(shipped) == {"on_hand": "3", "reserved": "0", "available": "3"}
    assert trackings(shipped) == [("SF2", "info_received")]
    (row,) = shipped.csv("report profit --period 2026-11")
    assert (row["revenue"], row["cogs"], row["shipping"]) == ("840.00", "400.00", "20.00")
    assert shipped.run("db check").exit_code == 0


def test_its_tracking_events_no_longer_matter(shipped):
    shipped.run(f"void {shipped.parcel} --reason 'wrong order' --at 2026-11-05")
    before = counts(shipped)
    shipped.run("shipment event SF1 returned --at 2026-11-06")
    assert counts(shipped)["notifications"] == before["notifications"]  # nobody is told
    assert order(shipped, shipped.order)["state"] == "paid"


def test_the_timeline_shows_the_void_and_the_units_held_again(shipped):
    shipped.run(f"void {shipped.parcel} --reason 'wrong order' --at 2026-11-05")
    events = [(e["entry"], e["kind"], e["detail"]) for e in shipped.json(f"order show {shipped.order}")["events"]]
    assert events[-3:] == [
        (shipped.parcel, "released", "SHI-50 × 2 at SH"),
        (shipped.parcel + 2, "void", f"entry {shipped.parcel} (shipment SF SF1): wrong order"),
        (shipped.parcel + 2, "reserved", "SHI-50 × 2 at SH"),
    ]
    kinds = [t["kind"] for t in shipped.json("customer show wxm_88")["timeline"] if t["entry"] == shipped.parcel]
    assert kinds == ["shipment_voided"]


def test_the_order_can_be_cancelled_once_its_parcel_is_voided(shipped):
    shipped.run(f"order cancel {shipped.order} --reason x", code=4)
    shipped.run(f"void {shipped.parcel} --reason 'never left' --at 2026-11-05")
    shipped.run(f"order cancel {shipped.order} --reason 'customer changed her mind' --at 2026-11-06")
    assert stock(shipped) == {"on_hand": "5", "reserved": "0", "available": "5"}


def test_a_parcel_with_a_return_is_refused(shipped):
    ret = entry(shipped.run(f"return {shipped.order} SHI-50:1 --reason broken --at 2026-11-06 -q"))
    before = counts(shipped)
    line_ = one_line(shipped(f"void {shipped.parcel} --reason typo"), 4)
    assert line_ == (f"daigou: entry {shipped.parcel}: return entry {ret} took back SHI-50 it carried, "
                     "and a return cannot be voided, so neither can this parcel")
    assert counts(shipped) == before
    assert stock(shipped) == {"on_hand": "4", "reserved": "0", "available": "4"}


def test_a_return_carried_by_another_parcel_does_not_block(shop):
    shop.run("stock add SHI-50 5 --cost 200 --location SH --at 2026-10-20")
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88"])
    shop.order = entry(shop.run("order new wxm_88 SHI-50:2@420 --deposit 840 --at 2026-11-01 -q"))
    first = entry(shop.run(f"ship {shop.order} SHI-50:1 --carrier SF --tracking SF1 --at 2026-11-02 -q"))
    shop.run(f"ship {shop.order} SHI-50:1 --carrier SF --tracking SF2 --at 2026-11-03 -q")
    shop.run(f"return {shop.order} SHI-50:1 --reason broken --at 2026-11-06")
    shop.run(f"void {first} --reason 'counted twice' --at 2026-11-07")
    assert line(shop, shop.order) == {"reserved": 1, "shipped": 1, "backordered": 0}
    # The unit that came back is returned; the voided parcel's unit is held to ship again.
    assert order(shop, shop.order)["state"] == "partially_returned"
    # the voided parcel's unit is held again, not returnable
    shop.run(f"return {shop.order} SHI-50:1 --reason again", code=4)
    assert shop.run("db check").exit_code == 0


def test_a_voided_parcel_starts_no_warranty(shipped):
    shipped.run(["product", "add", "SONY-XM5", "--name", "Sony XM5", "--category", "electronics", "--zone", "JP",
                 "--price", "1899", "--warranty-days", "365"])
    shipped.run("stock add SONY-XM5 1 --cost 1200 --location SH --at 2026-10-20")
    sony = entry(shipped.run("order new wxm_88 SONY-XM5:1 --deposit 1899 --at 2026-11-01 -q"))
    parcel = entry(shipped.run(f"ship {sony} --carrier SF --tracking SF9 --at 2026-11-02 -q"))
    assert [r["sku"] for r in shipped.csv("warranty list")] == ["SONY-XM5"]
    shipped.run(f"void {parcel} --reason 'wrong order'")
    assert shipped.csv("warranty list") == []
