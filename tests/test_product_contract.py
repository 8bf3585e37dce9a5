"""PRODUCT.md, point by point, through the real CLI: the column names scripts read, the order
states, and the commands and options it names (cancel refunds, --period on every report,
bare --expiring, --at on every add, --as-of on the packing queue and warranties, config get
in every format, customer show with tickets, a closed pipe is not an error)."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import shop_ledger

shop_template = shop_ledger.shop_template
shop = shop_ledger.shop

EXE = [shutil.which("daigou")] if shutil.which("daigou") else [sys.executable, "-m", "daigou_cli"]

STOCK_LIST = ["sku", "name", "category", "zone", "location", "on_hand", "reserved", "available", "incoming",
              "unit_cost", "value", "currency", "days_of_cover"]
ORDER_LIST = ["id", "external_id", "channel", "customer", "state", "priority", "total", "paid", "balance_due",
              "currency", "created_at"]
ORDER_LINE = ["sku", "qty", "price", "reserved", "backordered", "shipped", "returned"]
SHIPMENT_LIST = ["tracking", "carrier", "order_id", "status", "shipped_at", "delivered_at", "transit_days",
                 "cost", "weight", "late"]
REORDER = ["sku", "name", "supplier", "available", "incoming", "reorder_point", "suggested_qty", "unit_cost",
           "currency"]
PROFIT = ["revenue", "cogs", "shipping", "fees", "refunds", "gross_profit", "margin"]
STATES = ["pending", "deposit_paid", "paid", "partially_shipped", "shipped", "delivered", "cancelled",
          "returned", "partially_returned"]


def header(daigou, args):
    """The CSV header row of a read command, exactly as a script reads it."""
    out = daigou.run(f"{args} --format csv").stdout_bytes.decode("utf-8")
    return next(csv.reader(io.StringIO(out)))


def has_in_order(columns, wanted):
    """`wanted` are all there, in PRODUCT.md's order (other columns may sit between them)."""
    positions = [columns.index(c) for c in wanted if c in columns]
    return len(positions) == len(wanted) and positions == sorted(positions)


def order_row(daigou, order_id, as_of=None):
    extra = f" --as-of {as_of}" if as_of else ""
    return {int(r["id"]): r for r in daigou.csv(f"order list{extra}")}[order_id]


def one_line(result, code):
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    return lines[0]


@pytest.fixture
def sold(shop):
    """Stock at both places, a customer in Shanghai, and one order in each state PRODUCT.md
    names, reached only through the documented commands."""
    shop.run("stock add SHI-50 10 --cost 4200 --currency JPY --location TOKYO --at 2026-09-15")
    shop.run("stock add POCKY 40 --cost 12.50 --location SH --expiry 2027-06-01 --at 2026-09-20")
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88", "--phone", "+86 138 0013 8000",
              "--region", "Shanghai"])

    def order(args):
        return int(shop.run(f"order new wxm_88 {args} -q").stdout)

    o = shop.orders = {}
    o["pending"] = order("POCKY:2 --at 2026-10-02")
    o["deposit_paid"] = order("POCKY:2 --deposit 10 --at 2026-10-02")
    o["paid"] = order("POCKY:2 --at 2026-10-02")
    shop.run(f"order pay {o['paid']} 30 --at 2026-10-02")
    o["partially_shipped"] = order("POCKY:4 --at 2026-10-02")
    shop.run(f"order pay {o['partially_shipped']} 60 --at 2026-10-02")
    shop.run(f"ship {o['partially_shipped']} POCKY:1 --carrier SF --tracking SF-PS --at 2026-10-03")
    for state, qty in (("shipped", 1), ("delivered", 1), ("returned", 1), ("partially_returned", 2)):
        o[state] = order(f"POCKY:{qty} --at 2026-10-02")
        shop.run(f"order pay {o[state]} {15 * qty} --at 2026-10-02")
        shop.run(f"ship {o[state]} --carrier SF --tracking SF-{state} --cost 12 --weight 0.5 --at 2026-10-03")
    for state in ("delivered", "returned", "partially_returned"):
        shop.run(f"shipment event SF-{state} delivered --at 2026-10-05")
    shop.run(f"return {o['returned']} POCKY:1 --reason 破损 --writeoff --refund 15 --at 2026-10-06")
    shop.run(f"return {o['partially_returned']} POCKY:1 --reason 不要了 --restock SH --refund 15 --at 2026-10-06")
    o["cancelled"] = order("POCKY:2 --deposit 10 --at 2026-10-02")
    shop.run(f"order cancel {o['cancelled']} --reason 不要了 --at 2026-10-04")
    return shop


# ----------------------------------------------------------------- order states

def test_every_order_state_from_the_documented_commands(sold):
    rows = {int(r["id"]): r["state"] for r in sold.csv("order list")}
    assert {state: rows[oid] for state, oid in sold.orders.items()} == {s: s for s in STATES}
    for state in STATES:
        assert [int(r["id"]) for r in sold.csv(f"order list --state {state}")] == [sold.orders[state]]
    # Derived, never stored: the orders table has no state column.
    columns = [r[1] for r in sold.sql("PRAGMA table_info(orders)")]
    assert "state" not in columns


def test_order_states_as_of_an_earlier_day(sold):
    before = {int(r["id"]): r["state"] for r in sold.csv("order list --as-of 2026-10-02")}
    assert before[sold.orders["shipped"]] == "paid"
    assert before[sold.orders["cancelled"]] == "deposit_paid"
    assert before[sold.orders["partially_shipped"]] == "paid"


# ----------------------------------------------------------------- columns scripts read

def test_stock_list_columns_in_csv_and_json(sold):
    assert has_in_order(header(sold, "stock list"), STOCK_LIST)
    assert set(STOCK_LIST) <= set(sold.json("stock list")[0])


def test_order_list_columns_in_csv_and_json(sold):
    assert header(sold, "order list")[:len(ORDER_LIST)] == ORDER_LIST
    assert set(ORDER_LIST) <= set(sold.json("order list")[0])


def test_order_show_json_adds_lines_and_events(sold):
    shown = sold.json(f"order show {sold.orders['partially_returned']}")
    assert set(ORDER_LIST) - {"external_id"} <= set(shown)
    assert shown["state"] == "partially_returned"
    (line,) = shown["lines"]
    assert {k: line[k] for k in ORDER_LINE} == {"sku": "POCKY", "qty": 2, "price": 15, "reserved": 0,
                                                 "backordered": 0, "shipped": 2, "returned": 1}
    assert [e["kind"] for e in shown["events"]][:1] == ["created"]
    assert {"payment", "refund"} <= {e["kind"] for e in shown["events"]}


def test_shipment_list_columns(sold):
    assert has_in_order(header(sold, "shipment list"), SHIPMENT_LIST)
    rows = {r["tracking"]: r for r in sold.json("shipment list")}
    assert set(SHIPMENT_LIST) <= set(rows["SF-delivered"])
    assert (rows["SF-delivered"]["status"], rows["SF-delivered"]["order_id"]) == ("delivered", sold.orders["delivered"])
    assert rows["SF-shipped"]["delivered_at"] is None


def test_reorder_and_shopping_list_columns(sold):
    sold.run(["supplier", "add", "松本清", "--country", "JP", "--currency", "JPY"])
    sold.run("product edit SHI-50 --reorder-point 20 --supplier 松本清")
    result = sold("reorder --format csv")
    assert result.exit_code == 1  # something to buy
    assert has_in_order(next(csv.reader(io.StringIO(result.stdout))), REORDER)
    assert has_in_order(header(sold, "shopping-list"), REORDER)
    (row,) = [r for r in sold.json("shopping-list") if r["sku"] == "SHI-50"]
    assert set(REORDER) <= set(row)
    assert (row["supplier"], row["currency"]) == ("松本清", "JPY")


def test_report_profit_columns_by_period_and_by_key(sold):
    assert header(sold, "report profit --period 2026-10") == ["period", *PROFIT, "currency"]
    by_sku = header(sold, "report profit --period 2026-10 --by sku")
    assert by_sku[0] == "key" and has_in_order(by_sku, PROFIT)
    assert has_in_order(header(sold, "report profit --period 2026-10 --by order"), ["key", *PROFIT])


def test_check_is_csv_on_a_pipe_like_every_read_command(sold):
    clean = sold("check --as-of 2026-09-25")
    assert (clean.exit_code, clean.stdout) == (0, "severity,kind,ref,message\n")
    assert sold("check --quiet --as-of 2026-09-25").stdout == ""
    assert sold("check --format lines --as-of 2026-09-25").stdout == "ok: nothing needs action\n"
    sold.run("product edit SHI-50 --reorder-point 20")
    result = sold("check")
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert ("low_stock", "SHI-50") in [(r["kind"], r["ref"]) for r in rows]
    assert result.stdout == sold("check --format csv").stdout
    assert sold("check", env={"DAIGOU_FORMAT": "json"}).stdout == sold("check --format json").stdout
    lines = sold("check --format lines")
    assert lines.exit_code == 1 and "warning low_stock SHI-50: " in lines.stdout
    assert "--format" in one_line(sold("check --format xml"), 2)


def test_check_json_is_kind_ref_message_severity(sold):
    sold.run("product edit SHI-50 --reorder-point 20")
    result = sold("check --format json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert problems and all(set(p) == {"kind", "ref", "message", "severity"} for p in problems)


# ----------------------------------------------------------------- order cancel refunds what was paid

def test_cancel_refunds_what_was_paid(sold):
    oid = sold.orders["cancelled"]
    row = order_row(sold, oid)
    assert (row["state"], row["paid"], row["refunded"], row["refund_due"], row["balance_due"]) == (
        "cancelled", "0.00", "10.00", "0.00", "0.00")
    assert sold.sql("SELECT amount FROM payments WHERE order_id = ? ORDER BY entry_id", (oid,)) == [(1000,), (-1000,)]
    # the same day, as it stood before the cancel: a deposit paid
    assert order_row(sold, oid, as_of="2026-10-03")["paid"] == "10.00"


def test_cancel_prints_one_line_and_the_record(shop):
    shop.run("stock add POCKY 5 --cost 5 --location SH --at 2026-10-01")
    shop.run("customer add Mei --wechat mei")
    oid = int(shop.run("order new mei POCKY:2 --deposit 20 --at 2026-10-02 -q").stdout)
    out = shop.run(f"order cancel {oid} --reason 缺货 --method alipay --at 2026-10-03").stdout
    cancel, refund = [r[0] for r in shop.sql("SELECT id FROM entries ORDER BY id DESC LIMIT 2")][::-1]
    assert out == f"order {oid} cancelled: 2 units released, refunded 20.00 CNY (entry {cancel})\n"
    assert shop.sql("SELECT method FROM payments WHERE entry_id = ?", (refund,)) == [("alipay",)]
    assert [(r["kind"], r["status"]) for r in shop.csv(f"notify list --order {oid}")][-1] == ("refund_issued", "pending")


def test_cancel_json_and_quiet(shop):
    shop.run("customer add Mei --wechat mei")
    first = int(shop.run("order new mei POCKY:1 --deposit 15 --at 2026-10-02 -q").stdout)
    record = shop.json(f"order cancel {first} --reason x --at 2026-10-03")
    assert (record["order_id"], record["state"], record["refunded"], record["refund_due"]) == (first, "cancelled", 15, 0)
    second = int(shop.run("order new mei POCKY:1 --at 2026-10-02 -q").stdout)
    entry = int(shop.run(f"order cancel {second} --reason x --at 2026-10-03 -q").stdout)
    assert shop.sql("SELECT kind FROM entries WHERE id = ?", (entry,)) == [("cancel",)]
    assert order_row(shop, second)["refunded"] == "0.00"  # nothing was paid: nothing to give back


def test_cancel_no_refund_leaves_it_due_for_order_refund(shop):
    shop.run("customer add Mei --wechat mei")
    oid = int(shop.run("order new mei POCKY:2 --deposit 20 --at 2026-10-02 -q").stdout)
    out = shop.run(f"order cancel {oid} --reason x --no-refund --at 2026-10-03").stdout
    assert "refund due 20.00 CNY" in out
    assert (order_row(shop, oid)["paid"], order_row(shop, oid)["refund_due"]) == ("20.00", "20.00")
    shop.run(f"order refund {oid} 20 --at 2026-10-05")
    assert (order_row(shop, oid)["paid"], order_row(shop, oid)["refund_due"]) == ("0.00", "0.00")


def test_a_refused_cancel_refunds_nothing(sold):
    oid = sold.orders["shipped"]
    before = sold.sql("SELECT COUNT(*) FROM payments")
    line = one_line(sold(f"order cancel {oid} --reason x"), 4)
    assert f"order {oid}" in line
    assert sold.sql("SELECT COUNT(*) FROM payments") == before
    assert order_row(sold, oid)["paid"] == "15.00"


# ----------------------------------------------------------------- reports take --period, --from/--to

REPORTS = ["sales", "profit", "stock", "aging", "turnover", "customers", "carriers", "receivables",
           "forecast", "monthly", "service"]


@pytest.mark.parametrize("report", REPORTS)
def test_every_report_takes_period_from_to_and_as_of(sold, report):
    for args in ("--period 2026-10", "--from 2026-10-01 --to 2026-10-31", "--period 30d", "--as-of 2026-10-31"):
        for fmt in ("csv", "json"):
            result = sold(f"report {report} {args} --format {fmt}")
            assert result.exit_code == 0, (report, args, result.stderr)
            assert result.stdout.strip()


def test_aging_over_a_period_is_the_stock_at_its_end(sold):
    sold.run("stock add SHI-50 2 --cost 4000 --currency JPY --location TOKYO --at 2026-11-02")
    october = {r["sku"]: r for r in sold.csv("report aging --period 2026-10")}
    assert october == {r["sku"]: r for r in sold.csv("report aging --as-of 2026-10-31")}
    assert october["SHI-50"]["units"] == "10"  # the November lot is not there yet
    assert october["SHI-50"]["oldest_days"] == "46"  # 2026-09-15 .. 2026-10-31
    window = {r["sku"]: r for r in sold.csv("report aging --from 2026-10-01 --to 2026-10-15")}
    assert window["SHI-50"]["oldest_days"] == "30"
    # --as-of earlier than the window's end wins
    earlier = {r["sku"]: r for r in sold.csv("report aging --period 2026-10 --as-of 2026-10-10")}
    assert earlier["SHI-50"]["oldest_days"] == "25"


def test_forecast_window_names_the_days_to_forecast(sold):
    rows = sold.csv("report forecast --sku POCKY --from 2026-10-05 --to 2026-10-11 --daily")
    assert [r["date"] for r in rows] == [f"2026-10-{d:02d}" for d in range(5, 12)]
    (row,) = sold.csv("report forecast --sku POCKY --period 2026-10-Q4".replace("-10-Q4", "-Q4"))
    assert row["horizon"] == "92"
    (december,) = sold.csv("report forecast --sku POCKY --period 2026-12 --as-of 2026-10-10")
    assert december["horizon"] == "31"
    # history up to the day before the window: the same as --as-of that day with --horizon
    (window,) = sold.csv("report forecast --sku POCKY --from 2026-10-05 --to 2026-10-11")
    (plain,) = sold.csv("report forecast --sku POCKY --as-of 2026-10-04 --horizon 7")
    assert (window["per_day"], window["total"], window["horizon"]) == (plain["per_day"], plain["total"], "7")
    (relative,) = sold.csv("report forecast --sku POCKY --period 14d --as-of 2026-10-20")
    assert relative == sold.csv("report forecast --sku POCKY --horizon 14 --as-of 2026-10-20")[0]


@pytest.mark.parametrize("args, code, words", [
    ("--period 2026-12 --horizon 7", 3, "--horizon"),
    ("--period 2026-12 --from 2026-12-01", 3, "--period"),
    ("--from 2026-12-10 --to 2026-12-01", 3, "--from"),
    ("--period 2030", 3, "366"),
    ("--period soon", 3, "--period"),
    ("--period 2026-12 --backtest", 3, "--backtest"),
])
def test_forecast_window_bad_options(sold, args, code, words):
    assert words in one_line(sold(f"report forecast {args}"), code)


# ----------------------------------------------------------------- bare --expiring, --as-of

@pytest.fixture
def warranties(shop):
    shop.run(["product", "add", "DRYER", "--name", "松下 吹风机", "--warranty-days", "365"])
    shop.run("stock add DRYER 3 --cost 900 --location SH --at 400d")
    shop.run("customer add Mei --wechat mei")
    for qty_at in ("340d", "10d"):  # warranties ending in 25 and in 355 days
        oid = int(shop.run(f"order new mei DRYER:1@1500 --at {qty_at} -q").stdout)
        shop.run(f"order pay {oid} 1500 --at {qty_at}")
        shop.run(f"ship {oid} --carrier SF --tracking SF-{qty_at} --at {qty_at}")
    return shop


def test_warranty_list_bare_expiring_means_expiring_days(warranties):
    assert [r["days_left"] for r in warranties.csv("warranty list")] == ["25", "355"]
    assert [r["days_left"] for r in warranties.csv("warranty list --expiring")] == ["25"]
    assert [r["days_left"] for r in warranties.json("warranty list --expiring")] == [25]
    warranties.run("config set expiring_days 7")
    assert warranties.csv("warranty list --expiring") == []
    assert [r["days_left"] for r in warranties.csv("warranty list --expiring 1y")] == ["25", "355"]


def test_warranty_list_as_of(warranties):
    # 20 days ago only the older parcel had shipped, with 45 days of warranty left then
    assert [r["days_left"] for r in warranties.csv("warranty list --as-of 20d")] == ["45"]


def test_stock_lots_and_aging_take_a_bare_expiring(shop):
    soon = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=20)
    shop.run(f"stock add POCKY 6 --cost 5 --location SH --expiry {soon} --at 2026-10-01")
    shop.run("stock add POCKY 4 --cost 5 --location SH --expiry 2099-01-01 --at 2026-10-01")
    assert [r["qty"] for r in shop.csv("stock lots --expiring")] == ["6"]
    assert [r["qty"] for r in shop.csv("stock lots --expiring --sku POCKY")] == ["6"]
    (row,) = shop.csv("report aging --expiring")
    assert (row["sku"], row["expiring_units"]) == ("POCKY", "6")
    assert "--expiring" in one_line(shop("stock lots --expiring soon"), 3)


def test_order_queue_as_of(sold):
    now = {int(r["id"]) for r in sold.csv("order queue --all")}
    assert sold.orders["partially_shipped"] in now and sold.orders["shipped"] not in now
    then = {int(r["id"]): r for r in sold.csv("order queue --all --as-of 2026-10-02")}
    assert sold.orders["shipped"] in then and sold.orders["cancelled"] in then
    assert then[sold.orders["paid"]]["why"] == "waiting 0d"
    assert sold.csv("order queue --as-of 2026-09-30") == []


def test_catalogue_and_customer_lists_take_as_of(sold):
    def on_hand(args, key):
        return {r[key]: r["on_hand"] for r in sold.csv(args)}

    assert on_hand("location list --as-of 2026-09-16", "code") == {"TOKYO": "10", "SH": "0"}
    assert on_hand("product list --as-of 2026-09-16", "sku") == {"SHI-50": "10", "POCKY": "0"}
    assert on_hand("product list", "sku")["POCKY"] == on_hand("product list --as-of 2099-01-01", "sku")["POCKY"]
    early = sold.json("product show POCKY --as-of 2026-09-16")
    assert (early["on_hand"], early["lots"]) == (0, [])
    assert len(sold.json("product show POCKY --as-of 2026-09-21")["lots"]) == 1
    assert sold.csv("customer list --as-of 2026-09-30")[0]["orders"] == "0"
    assert sold.csv("customer list")[0]["orders"] == str(len(STATES))


# ----------------------------------------------------------------- --at on every add

def test_add_commands_take_at(daigou):
    daigou.run("location add SH --region Shanghai --at 2026-01-02")
    daigou.run("supplier add 松本清 --currency JPY --at 2026-01-02")
    daigou.run("product add POCKY --name Pocky --at 2026-01-03T10:00")
    daigou.run("customer add Mei --wechat mei --at 2026-01-04")
    daigou.run(["faq", "add", "正品吗？", "专柜购买。", "--at", "2026-01-05"])
    daigou.run("carrier add SF --name 顺丰 --first-kg 23 --at 2026-01-06")
    stored = {table: daigou.sql(f"SELECT created_at FROM {table}")[0][0]
              for table in ("locations", "suppliers", "products", "customers", "faq", "carriers")}
    assert stored == {"locations": "2026-01-01T16:00:00Z", "suppliers": "2026-01-01T16:00:00Z",
                      "products": "2026-01-03T02:00:00Z", "customers": "2026-01-03T16:00:00Z",
                      "faq": "2026-01-04T16:00:00Z", "carriers": "2026-01-05T16:00:00Z"}
    assert daigou.csv("customer list")[0]["created_at"] == "2026-01-04T00:00:00+08:00"
    # shown in the business time zone, never as stored
    assert daigou.json("product show POCKY")["created_at"] == "2026-01-03T10:00:00+08:00"
    assert "--at" in one_line(daigou("customer add Kenji --at someday"), 3)


# ----------------------------------------------------------------- config get, customer show, init

def test_config_get_key_in_every_format(daigou):
    assert daigou.run("config get sla_hours").stdout == "24\n"
    assert daigou.json("config get sla_hours") == {
        "key": "sla_hours", "value": "24", "default": "24",
        "description": "hours within which a customer message needs a reply"}
    assert daigou.csv("config get customs_limit") == [{
        "key": "customs_limit", "value": "5000", "default": "5000",
        "description": "declared value per parcel (base currency) before customs trouble"}]
    assert json.loads(daigou.run("config get timezone", env={"DAIGOU_FORMAT": "json"}).stdout)["value"] == \
        "Asia/Shanghai"
    assert "nope" in one_line(daigou("config get nope --format json"), 3)


def test_customer_show_has_orders_spend_and_tickets(sold):
    sold.run("ticket open wxm_88 包裹到哪了 --channel wechat --at 2026-10-04")
    sold.run(["ticket", "open", "wxm_88", "想退货", "--order", str(sold.orders["delivered"]), "--at", "2026-10-06"])
    first = int(sold.csv("ticket list")[0]["id"])
    sold.run(f"ticket close {first} --at 2026-10-05")
    shown = sold.json("customer show wxm_88")
    assert len(shown["orders"]) == len(STATES) and shown["spend"] > 0
    assert shown["open_tickets"] == 1
    assert [(t["subject"], t["status"], t["order_id"]) for t in shown["tickets"]] == [
        ("包裹到哪了", "closed", None), ("想退货", "open", sold.orders["delivered"])]
    assert [t["subject"] for t in sold.json("customer show wxm_88 --as-of 2026-10-04")["tickets"]] == ["包裹到哪了"]
    table = sold.run("customer show wxm_88 --format table").stdout
    assert "tickets" in table and "想退货" in table


def test_init_names_the_ledger_given_before_the_command(daigou, tmp_path):
    other = tmp_path / "other" / "ledger.db"
    out = daigou.run(["--db", str(other), "init"]).stdout
    assert out.startswith(f"created ledger {other} ")
    assert daigou.run(["--db", str(other), "init"]).stdout.startswith(f"ledger already at {other} ")
    assert not os.path.exists(daigou.db)


# ----------------------------------------------------------------- real processes: pipes and exit codes

def env_for(db):
    env = {k: v for k, v in os.environ.items() if k not in ("DAIGOU_FORMAT", "DAIGOU_DB")}
    return env | {"DAIGOU_DB": str(db), "COLUMNS": "200"}


def closed_pipe(db, *args):
    """Run `daigou ARGS | (exit)`: the reader is gone before a byte is read."""
    proc = subprocess.Popen([*EXE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env_for(db))
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    return proc.wait(timeout=60), err.decode("utf-8")


def test_a_reader_that_stops_early_is_not_an_error(sold):
    for args in (("stock", "list"), ("order", "list", "--format", "json"), ("export", "movements"),
                 ("stock", "list", "--format", "table")):
        code, err = closed_pipe(sold.db, *args)
        assert (code, err) == (0, ""), args


def test_a_closed_pipe_keeps_checks_exit_code(sold):
    sold.run("product edit SHI-50 --reorder-point 20")
    assert closed_pipe(sold.db, "check") == (1, "")
    assert closed_pipe(sold.db, "reorder") == (1, "")


def test_exit_codes_and_one_line_errors_from_the_installed_command(sold):
    def run(*args):
        return subprocess.run([*EXE, *args], capture_output=True, text=True, env=env_for(sold.db), timeout=60)

    for args, code in ((("stock", "list", "--format", "xml"), 2), (("order", "new", "wxm_88", "NOPE:1"), 3),
                       (("order", "cancel", str(sold.orders["shipped"]), "--reason", "x"), 4),
                       (("warranty", "list", "--expiring", "--format", "json"), 0),
                       (("report", "aging", "--period", "2026-10"), 0)):
        done = run(*args)
        assert done.returncode == code, (args, done.stderr)
        assert len(done.stderr.splitlines()) == (0 if code == 0 else 1), done.stderr
        assert "Traceback" not in done.stderr
