"""Purchase orders: landed cost to the cent, partial receipts, over-receiving, incoming, cancel."""

import sqlite3

import pytest


@pytest.fixture
def buyer(daigou):
    """A Tokyo forwarder and home in Shanghai, one drugstore, three JPY products with weights."""
    daigou.run("location add TOKYO --region Tokyo")
    daigou.run("location add SH --region Shanghai")
    daigou.run("fx set JPY 0.0478 --at 2026-09-01")
    daigou.run("fx set JPY 0.05 --at 2026-10-01")
    daigou.run(["supplier", "add", "松本清", "--country", "JP", "--currency", "JPY", "--store", "上野中央通店",
                "--city", "Tokyo"])
    daigou.run(["product", "add", "SHI-50", "--name", "资生堂 红腰子 50ml", "--weight", "0.25", "--supplier", "松本清"])
    daigou.run(["product", "add", "CPB", "--name", "CPB 精华", "--weight", "200g", "--supplier", "松本清"])
    daigou.run(["product", "add", "POCKY", "--name", "Pocky", "--weight", "0.08", "--supplier", "松本清"])
    return daigou


def po(daigou, args: str) -> int:
    return int(daigou.run(f"purchase new {args} -q").stdout)


def lots(daigou, sku):
    return [(r["qty"], r["unit_cost"], r["currency"], r["fx_rate"], r["unit_cost_base"])
            for r in daigou.csv(f"stock lots --sku {sku}")]


def counts(daigou):
    return daigou.sql("SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM lots), "
                      "(SELECT count(*) FROM movements), (SELECT count(*) FROM purchase_receipts)")[0]


def stock(daigou, args=""):
    """stock list rows of SKUs that have something on hand or coming."""
    return [r for r in daigou.csv(f"stock list {args}") if r["on_hand"] != "0" or r["incoming"] != "0"]


THREE_LINES = "松本清 SHI-50:3@4200 CPB:2@11000 POCKY:10@170 --location TOKYO --at 2026-10-05"


# ----------------------------------------------------------------- landed cost

def test_landed_cost_split_by_value_is_exact_to_the_cent(buyer):
    # Goods 12600 + 22000 + 1700 = 36300 JPY at 0.05 = 1815.00 CNY; freight 3000 JPY = 150.00 CNY
    # and duty 5000 JPY = 250.00 CNY, spread by goods value (12600 : 22000 : 1700):
    #   freight 15000 fen -> 5206.61, 9090.91, 702.48 -> floors 5206, 9090, 702 (14998);
    #           the 2 fen left go to the largest remainders, CPB (.91) and SHI-50 (.61): 5207, 9091, 702
    #   duty    25000 fen -> 8677.69, 15151.52, 1170.80 -> floors 8677, 15151, 1170 (24998);
    #           the 2 fen left go to POCKY (.80) and SHI-50 (.69): 8678, 15151, 1171
    #   SHI-50  63000 + 5207 + 8678 = 76885 fen for 3 units: 1 at 256.29 and 2 at 256.28
    #   CPB    110000 + 9091 + 15151 = 134242 fen for 2 units: 671.21 each
    #   POCKY    8500 + 702 + 1171 = 10373 fen for 10 units: 3 at 10.38 and 7 at 10.37
    order = po(buyer, THREE_LINES)
    record = buyer.json(f"purchase receive {order} --freight 3000 --duty 5000 --split value --at 2026-10-10")
    assert [(line["sku"], line["goods_base"], line["freight_base"], line["duty_base"], line["landed_base"])
            for line in record["lines"]] == [
        ("SHI-50", 630, 52.07, 86.78, 768.85),
        ("CPB", 1100, 90.91, 151.51, 1342.42),
        ("POCKY", 85, 7.02, 11.71, 103.73),
    ]
    assert (record["goods_base"], record["freight_base"], record["duty_base"], record["landed_base"]) == (
        1815, 150, 250, 2215)
    assert lots(buyer, "SHI-50") == [("1", "4200", "JPY", "0.05", "256.29"), ("2", "4200", "JPY", "0.05", "256.28")]
    assert lots(buyer, "CPB") == [("2", "11000", "JPY", "0.05", "671.21")]
    assert lots(buyer, "POCKY") == [("3", "170", "JPY", "0.05", "10.38"), ("7", "170", "JPY", "0.05", "10.37")]
    # The lots add up to what was paid, to the fen.
    assert buyer.sql("SELECT SUM(qty * unit_cost_base) FROM lots") == [(221500,)]


def test_landed_cost_split_by_weight_is_exact_to_the_cent(buyer):
    # Weights 250 g × 3 = 750, 200 g × 2 = 400, 80 g × 10 = 800 (1950 g):
    #   freight 15000 fen -> 5769.23, 3076.92, 6153.85 -> floors 5769, 3076, 6153 (14998);
    #           2 fen to CPB (.92) and POCKY (.85): 5769, 3077, 6154
    #   duty    25000 fen -> 9615.38, 5128.21, 10256.41 -> floors 9615, 5128, 10256 (24999);
    #           1 fen to POCKY (.41 beats .38): 9615, 5128, 10257
    #   SHI-50  63000 + 5769 + 9615 = 78384 fen for 3 units: 261.28 each
    #   CPB    110000 + 3077 + 5128 = 118205 fen for 2 units: 1 at 591.03, 1 at 591.02
    #   POCKY    8500 + 6154 + 10257 = 24911 fen for 10 units: 1 at 24.92, 9 at 24.91
    order = po(buyer, THREE_LINES)
    record = buyer.json(f"purchase receive {order} --freight 3000 --duty 5000 --split weight --at 2026-10-10")
    assert [(line["sku"], line["freight_base"], line["duty_base"], line["landed_base"])
            for line in record["lines"]] == [
        ("SHI-50", 57.69, 96.15, 783.84), ("CPB", 30.77, 51.28, 1182.05), ("POCKY", 61.54, 102.57, 249.11)]
    assert lots(buyer, "SHI-50") == [("3", "4200", "JPY", "0.05", "261.28")]
    assert lots(buyer, "CPB") == [("1", "11000", "JPY", "0.05", "591.03"), ("1", "11000", "JPY", "0.05", "591.02")]
    assert lots(buyer, "POCKY") == [("1", "170", "JPY", "0.05", "24.92"), ("9", "170", "JPY", "0.05", "24.91")]
    assert buyer.sql("SELECT SUM(qty * unit_cost_base) FROM lots") == [(221500,)]
    (row,) = buyer.csv("stock list --sku CPB")
    assert row["value"] == "1182.05"


def test_charges_in_base_currency_and_a_given_rate(buyer):
    # 4 × 1000 JPY at --fx 0.048 = 192.00 CNY, freight 10.01 CNY: 202.01 for 4 units.
    order = po(buyer, "松本清 SHI-50:4@1000 --location TOKYO --at 2026-10-05")
    buyer.run(f"purchase receive {order} --freight 10.01 --charges-currency CNY --fx 0.048 --at 2026-10-10")
    assert lots(buyer, "SHI-50") == [("1", "1000", "JPY", "0.048", "50.51"), ("3", "1000", "JPY", "0.048", "50.50")]
    (receipt,) = buyer.sql("SELECT freight, charges_currency, charges_fx_rate, fx_rate, split FROM purchase_receipts")
    assert receipt == (1001, "CNY", "1", "0.048", "value")


def test_weight_split_needs_every_weight(buyer):
    buyer.run(["product", "add", "MASK", "--name", "面膜"])
    order = po(buyer, "松本清 MASK:5@100 SHI-50:1@4200 --location TOKYO --at 2026-10-05")
    result = buyer(f"purchase receive {order} --freight 500 --split weight --at 2026-10-10")
    assert result.exit_code == 3
    assert "--split weight: MASK has no weight" in result.stderr
    assert buyer.sql("SELECT count(*) FROM lots") == [(0,)]


# ----------------------------------------------------------------- partial receipts

def test_partial_receipt_then_the_rest(buyer):
    order = po(buyer, "松本清 SHI-50:10@4200 POCKY:24@170 --location TOKYO --at 2026-10-05")
    out = buyer.run(f"purchase receive {order} SHI-50:4 --at 2026-10-10").stdout
    assert out.startswith(f"received 4 units on purchase order {order} at TOKYO: landed 840.00 CNY (partially_received)")
    (listed,) = buyer.csv("purchase list")
    assert (listed["status"], listed["ordered"], listed["received"], listed["open"]) == ("partially_received", "34", "4", "30")
    shown = buyer.json(f"purchase show {order}")
    assert [(line["sku"], line["received"], line["open"]) for line in shown["lines"]] == [("SHI-50", 4, 6), ("POCKY", 0, 24)]
    buyer.run(f"purchase receive {order} --at 2026-10-12")  # no LINE: everything still open
    (listed,) = buyer.csv("purchase list")
    assert (listed["status"], listed["received"], listed["open"]) == ("received", "34", "0")
    assert [(r["sku"], r["on_hand"], r["incoming"]) for r in stock(buyer)] == [("POCKY", "24", "0"), ("SHI-50", "10", "0")]
    assert buyer.csv("purchase list --open") == []


def test_over_receiving_is_refused_and_nothing_is_written(buyer):
    order = po(buyer, "松本清 SHI-50:10@4200 POCKY:24@170 --location TOKYO --at 2026-10-05")
    buyer.run(f"purchase receive {order} SHI-50:4 --at 2026-10-10")
    before = counts(buyer)
    # The first line fits, the second does not: neither is received.
    result = buyer(f"purchase receive {order} POCKY:24 SHI-50:7 --freight 500 --at 2026-10-11")
    assert result.exit_code == 4
    assert result.stderr.strip() == (f"daigou: LINE 'SHI-50:7': only 6 of 10 SHI-50 still open on purchase "
                                     f"order {order} (4 received)")
    assert result.stdout == ""
    assert counts(buyer) == before


def test_receiving_everything_twice_is_refused(buyer):
    order = po(buyer, "松本清 SHI-50:2@4200 --location TOKYO --at 2026-10-05")
    buyer.run(f"purchase receive {order} --at 2026-10-10")
    result = buyer(f"purchase receive {order} --at 2026-10-11")
    assert result.exit_code == 4
    assert f"purchase order {order}: nothing left to receive" in result.stderr


@pytest.mark.parametrize("args, code, message", [
    ("SHI-50:1 --at 2026-10-10 --split volume", 2, "--split: 'volume' is not value or weight"),
    ("CPB:1 --at 2026-10-10", 3, "LINE 'CPB:1': CPB is not on purchase order"),
    ("SHI-50:1 --at 2026-10-04", 3, "--at: before purchase order"),
    ("SHI-50:1 --freight -5 --at 2026-10-10", 3, "--freight: '-5' must not be negative"),
    ("SHI-50:1 --freight 12.5 --at 2026-10-10", 3, "--freight: '12.5' has too many decimals for JPY"),
])
def test_bad_receipts_name_the_field(buyer, args, code, message):
    order = po(buyer, "松本清 SHI-50:2@4200 --location TOKYO --at 2026-10-05")
    result = buyer(f"purchase receive {order} {args}")
    assert result.exit_code == code
    assert message in result.stderr
    assert buyer.sql("SELECT count(*) FROM lots") == [(0,)]


@pytest.mark.parametrize("args, message", [
    ("松本清 SHI-50:2", "LINE 'SHI-50:2': expected SKU:QTY@UNIT_COST (unit cost in JPY)"),
    ("松本清 NOPE:2@100", "LINE 'NOPE:2@100': unknown SKU 'NOPE'"),
    ("松本清 SHI-50:2@100 SHI-50:1@100", "SHI-50 is already on this order"),
    ("无印良品 SHI-50:2@100", "SUPPLIER: no supplier '无印良品'"),
    ("松本清 SHI-50:2@100.5", "has too many decimals for JPY"),
])
def test_bad_purchase_orders_write_nothing(buyer, args, message):
    result = buyer(f"purchase new {args}")
    assert result.exit_code == 3
    assert message in result.stderr
    assert buyer.sql("SELECT count(*) FROM purchase_orders") == [(0,)]


# ----------------------------------------------------------------- incoming

def test_open_lines_are_incoming_at_the_orders_location(buyer):
    buyer.run("stock add SHI-50 2 --cost 4000 --currency JPY --location TOKYO --at 2026-10-02")
    po(buyer, "松本清 SHI-50:6@4200 POCKY:12@170 --location SH --at 2026-10-05")
    rows = [(r["sku"], r["location"], r["on_hand"], r["available"], r["incoming"]) for r in stock(buyer)]
    assert rows == [("POCKY", "SH", "0", "0", "12"), ("SHI-50", "SH", "0", "0", "6"), ("SHI-50", "TOKYO", "2", "2", "0")]
    (total,) = buyer.csv("stock list --total --sku SHI-50")
    assert (total["on_hand"], total["incoming"]) == ("2", "6")


def test_without_a_known_location_incoming_goes_on_the_first_row(buyer):
    # Two locations and no default: where it arrives is unknown until it is received.
    buyer.run("stock add SHI-50 2 --cost 4000 --currency JPY --location TOKYO --at 2026-10-02")
    order = po(buyer, "松本清 SHI-50:6@4200 POCKY:12@170 --at 2026-10-05")
    assert buyer.json(f"purchase show {order}")["location"] is None
    rows = [(r["sku"], r["location"], r["on_hand"], r["incoming"]) for r in stock(buyer)]
    assert rows == [("POCKY", "", "0", "12"), ("SHI-50", "TOKYO", "2", "6")]


def test_incoming_as_of_a_date(buyer):
    order = po(buyer, "松本清 SHI-50:6@4200 --location TOKYO --at 2026-10-05")
    buyer.run(f"purchase receive {order} SHI-50:2 --at 2026-10-10")
    assert [(r["on_hand"], r["incoming"]) for r in buyer.csv("stock list --sku SHI-50 --as-of 2026-10-04")] == [
        ("0", "0")]
    assert [(r["on_hand"], r["incoming"]) for r in buyer.csv("stock list --sku SHI-50 --as-of 2026-10-06")] == [
        ("0", "6")]
    assert [(r["on_hand"], r["incoming"]) for r in buyer.csv("stock list --sku SHI-50")] == [("2", "4")]
    (then,) = buyer.csv("purchase list --as-of 2026-10-06")
    assert (then["status"], then["open"]) == ("open", "6")


def test_receiving_fills_back_orders(buyer):
    buyer.run("customer add 王芳 --region Shanghai")
    buyer.run("order new 王芳 SHI-50:3@420 --at 2026-10-06")
    order = po(buyer, "松本清 SHI-50:5@4200 --location TOKYO --at 2026-10-05")
    out = buyer.run(f"purchase receive {order} --at 2026-10-10").stdout
    assert "3 units to waiting orders" in out
    (row,) = buyer.csv("stock list --sku SHI-50")
    assert (row["on_hand"], row["reserved"], row["available"]) == ("5", "3", "2")


def test_voiding_a_received_lot_reopens_the_line(buyer):
    order = po(buyer, "松本清 SHI-50:6@4200 --location TOKYO --at 2026-10-05")
    receipt = buyer.json(f"purchase receive {order} SHI-50:2 --at 2026-10-10")
    (lot,) = receipt["lines"][0]["lots"]
    buyer.run(f"void {lot['lot']} --reason 'wrong box' --at 2026-10-11")
    (row,) = buyer.csv("purchase list")
    assert (row["status"], row["received"], row["open"]) == ("open", "0", "6")


# ----------------------------------------------------------------- cancel, output, append-only

def test_cancel_stops_the_rest_from_being_incoming(buyer):
    order = po(buyer, "松本清 SHI-50:10@4200 --location TOKYO --at 2026-10-05")
    buyer.run(f"purchase receive {order} SHI-50:4 --at 2026-10-10")
    out = buyer.run(f"purchase cancel {order} --reason '缺货 sold out' --at 2026-10-12").stdout
    assert out.startswith(f"purchase order {order} cancelled: 6 units no longer incoming")
    (row,) = buyer.csv("stock list --sku SHI-50")
    assert (row["on_hand"], row["incoming"]) == ("4", "0")
    (listed,) = buyer.csv("purchase list")
    assert (listed["status"], listed["received"], listed["open"]) == ("cancelled", "4", "0")
    assert buyer.json(f"purchase show {order}")["cancelled_reason"] == "缺货 sold out"
    # Before the cancellation it was still coming.
    assert [r["incoming"] for r in buyer.csv("stock list --sku SHI-50 --as-of 2026-10-11")] == ["6"]
    for args in (f"purchase cancel {order} --reason again", f"purchase receive {order} --at 2026-10-13"):
        result = buyer(args)
        assert result.exit_code == 4, args
        assert "cancelled" in result.stderr


def test_cancelling_a_received_order_is_refused(buyer):
    order = po(buyer, "松本清 SHI-50:2@4200 --location TOKYO --at 2026-10-05")
    buyer.run(f"purchase receive {order} --at 2026-10-10")
    result = buyer(f"purchase cancel {order} --reason late")
    assert result.exit_code == 4
    assert "fully received; nothing open to cancel" in result.stderr


def test_quiet_and_json_on_purchase_writes(buyer):
    order = po(buyer, "松本清 SHI-50:2@4200 --at 2026-10-05")
    assert buyer.sql("SELECT kind FROM entries WHERE id = ?", (order,)) == [("purchase",)]
    created = buyer.json("purchase new 松本清 POCKY:12@170 --currency JPY --at 2026-10-05")
    assert (created["supplier"], created["currency"], created["total"], created["status"]) == ("松本清", "JPY", 2040, "open")
    receipt = buyer.run(f"purchase receive {order} --location TOKYO --at 2026-10-10 -q").stdout.strip()
    assert buyer.sql("SELECT po_id, location FROM purchase_receipts WHERE id = ?", (int(receipt),)) == [(order, "TOKYO")]


def test_supplier_currency_is_the_default(buyer):
    buyer.run(["supplier", "add", "Olive Young", "--currency", "KRW"])
    buyer.run("fx set KRW 0.0052 --at 2026-10-01")
    record = buyer.json("purchase new 'Olive Young' POCKY:10@1800 --at 2026-10-05")
    assert (record["currency"], record["total"]) == ("KRW", 18000)


@pytest.mark.parametrize("table", ["purchase_orders", "purchase_lines", "purchase_receipts",
                                   "purchase_receipt_lots", "purchase_cancellations"])
def test_purchasing_tables_are_append_only(buyer, table):
    order = po(buyer, "松本清 SHI-50:10@4200 --location TOKYO --at 2026-10-05")
    buyer.run(f"purchase receive {order} SHI-50:4 --at 2026-10-10")
    buyer.run(f"purchase cancel {order} --reason x --at 2026-10-11")
    conn = sqlite3.connect(buyer.db)
    try:
        for statement in (f"UPDATE {table} SET rowid = rowid", f"DELETE FROM {table}"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(statement)
    finally:
        conn.close()
