"""`daigou demo`: a fresh ledger from examples/ and the dashboard."""

import csv
import io
import json
import sqlite3
import tomllib
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo(daigou, tmp_path):
    path = tmp_path / "demo" / "ledger.db"
    result = daigou.run(f"demo {path} --format json")
    return path, json.loads(result.stdout), result


def sql(path, query, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def test_demo_builds_the_example_daigou(demo):
    path, _, result = demo
    assert f"demo ledger: {path}" in result.stderr
    assert sql(path, "SELECT count(*) FROM products") == [(22,)]
    assert sql(path, "SELECT code, region FROM locations ORDER BY code") == [("SH", "Shanghai"), ("TOKYO", "Tokyo")]
    assert sql(path, "SELECT currency, count(*) FROM lots GROUP BY currency ORDER BY currency") == [
        ("JPY", 32), ("KRW", 9)]  # 25 receipts, then 7 lots from purchase orders received
    assert sql(path, "SELECT currency, count(*) FROM fx_rates GROUP BY currency ORDER BY currency") == [
        ("JPY", 8), ("KRW", 8)]
    # Japanese goods bought in Tokyo and sent home to Shanghai keep their yen lots;
    # two of the 14 sent home have since shipped to 王小明.
    assert sql(path, "SELECT location, SUM(qty) FROM movements WHERE sku = 'SHISEIDO-UB-50' "
                     "GROUP BY location ORDER BY location") == [("SH", 12), ("TOKYO", 22)]  # +6 from a purchase order


def test_demo_has_orders_in_every_state(demo, daigou):
    path, _, _ = demo
    states = {row["state"] for row in daigou.csv(f"order list --db {path}")}
    assert states == {"pending", "deposit_paid", "paid", "partially_shipped", "shipped", "delivered",
                      "cancelled", "returned", "partially_returned"}
    late = daigou.csv(f"shipment list --late --db {path}")
    assert "EE100200300CN" in [row["tracking"] for row in late]
    backordered = [row for row in daigou.csv(f"order list --db {path}") if row["backordered"] != "0"]
    assert [(row["external_id"], row["backordered"]) for row in backordered] == [("3915000011112222", "1")]


def test_demo_ledger_passes_db_check(demo, daigou):
    path, _, _ = demo
    result = daigou.run(f"db check --db {path}")
    assert result.stdout.startswith("ledger OK: ")


def test_dashboard_numbers_as_json(demo, daigou):
    path, numbers, _ = demo
    assert (numbers["skus"], numbers["skus_in_stock"], numbers["base_currency"]) == (22, 22, "CNY")
    by_location = {p["location"]: p for p in numbers["locations"]}
    assert set(by_location) == {"TOKYO", "SH"}
    assert round(sum(Decimal(str(p["value"])) for p in by_location.values()), 2) == \
        round(Decimal(str(numbers["stock_value"])), 2)
    listed = daigou.csv(f"stock list --db {path}")
    assert sum(Decimal(r["value"]) for r in listed) == round(Decimal(str(numbers["stock_value"])), 2)
    assert [item["sku"] for item in numbers["low_stock"]] == [
        "DHC-LIPCREAM", "PANA-NA0J", "SKII-FTE-230", "SWITCH-OLED", "WHOO-CREAM-50"]
    # The demo's lots keep their dates while the clock moves on: "expiring" is every lot with
    # units left whose best-before is at most `expiring_days` from today (Shanghai), expired
    # ones included, so the expected rows are worked out from the ledger's facts and today.
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    limit = (today + timedelta(days=numbers["expiring_days"])).isoformat()
    expected = sql(path, """
        SELECT l.sku, m.location, l.expiry, SUM(m.qty) FROM lots l JOIN movements m ON m.lot_id = l.id
        WHERE l.expiry IS NOT NULL AND l.expiry <= ? GROUP BY l.id, m.location HAVING SUM(m.qty) > 0""",
                   (limit,))
    assert expected  # from 2026-11-08 on, the ROYCE lot at least is always within the window
    assert sorted((lot["sku"], lot["location"], lot["expiry"], lot["qty"]) for lot in numbers["expiring"]) == \
        sorted(expected)
    # The ROYCE lot received in October is best before 2026-12-08, part of it moved to SH.
    if today.isoformat() <= "2026-12-08":
        assert ("ROYCE-NAMA", "SH", "2026-12-08", 6) in expected
        assert ("ROYCE-NAMA", "TOKYO", "2026-12-08", 6) in expected
    assert numbers["top_value"][0]["sku"] == "SHISEIDO-UB-50"


def test_dashboard_on_a_pipe_is_csv_of_the_key_numbers(daigou, tmp_path):
    result = daigou.run(f"demo {tmp_path / 'd.db'}")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["metric", "key", "name", "value", "currency", "detail"]
    assert rows[0] == {"metric": "skus", "key": "", "name": "", "value": "22", "currency": "",
                            "detail": "22 in stock"}
    assert {(r["key"], r["currency"]) for r in rows if r["metric"] == "stock_value"} == {
        ("TOKYO", "CNY"), ("SH", "CNY"), ("total", "CNY")}


def test_demo_refuses_an_existing_path_unless_forced(daigou, tmp_path):
    path = tmp_path / "mine.db"
    path.write_text("my notes", encoding="utf-8")
    result = daigou.run(f"demo {path}", code=4)
    assert result.stderr.strip() == f"daigou: {path}: already exists (use --force to replace it)"
    assert path.read_text(encoding="utf-8") == "my notes"
    daigou.run(f"demo {path} --force --format csv")
    assert sql(path, "SELECT count(*) FROM products") == [(22,)]
    assert not path.with_name("mine.db.part").exists()


def test_demo_without_a_path_makes_a_temp_ledger(daigou):
    result = daigou.run("demo --format csv", env={"DAIGOU_DB": None})
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("demo ledger: ")]
    path = Path(line.removeprefix("demo ledger: "))
    assert path.name == "ledger.db" and path.parent.name.startswith("daigou-demo-")
    assert sql(path, "SELECT count(*) FROM locations") == [(2,)]


def test_the_wheel_ships_the_examples():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert shipped["examples"] == "daigou_cli/examples"
    for name in ("locations.csv", "suppliers.csv", "fx.csv", "products.csv", "stock.csv", "moves.csv"):
        assert (ROOT / "examples" / name).exists()


def test_the_example_files_import_with_the_public_commands(shop, tmp_path):
    """examples/products.csv and stock.csv are the formats users write, not demo-only ones."""
    shop.run("supplier add 'Bic Camera' --country JP --currency JPY")
    text = (ROOT / "examples" / "products.csv").read_text(encoding="utf-8")
    electronics = [line for line in text.splitlines() if line.startswith("sku,") or ",Bic Camera" in line]
    result = shop.run("product import -", input="\n".join(electronics) + "\n")
    assert result.stdout == "imported 5 products from stdin\n"


def test_dashboard_as_tables(daigou, tmp_path):
    out = daigou.run(f"demo {tmp_path / 'd.db'} --format table").stdout
    for title in ("daigou: 22 SKUs", "Biggest stock values", "Low stock: reorder", "Expiring within 30 days"):
        assert title in out
    assert "资生堂红腰子精华 50ml" in out


def test_demo_has_purchase_orders_one_still_in_transit(demo, daigou):
    path, _, _ = demo
    statuses = sorted(row["status"] for row in daigou.csv(f"purchase list --db {path}"))
    assert statuses == ["open", "partially_received", "received"]
    incoming = sum(int(row["incoming"]) for row in daigou.csv(f"stock list --db {path}"))
    assert incoming == 22 + 5


def test_demo_goes_where_db_or_daigou_db_says_so_the_next_command_reads_it(daigou, tmp_path):
    given = tmp_path / "given.db"
    result = daigou.run(["--db", str(given), "demo", "--format", "csv"], env={"DAIGOU_DB": None})
    assert f"demo ledger: {given}" in result.stderr
    assert sql(given, "SELECT count(*) FROM products") == [(22,)]
    daigou.run(["demo", "--db", str(given)], code=4)  # an existing file needs --force
    env_path = tmp_path / "env" / "ledger.db"
    daigou.run("demo --format csv", env={"DAIGOU_DB": str(env_path)})
    rows = daigou.csv(f"stock list --db {env_path}")
    assert len({row["sku"] for row in rows}) == 22


def test_a_ledger_already_at_daigou_db_is_never_replaced(daigou, tmp_path):
    mine = tmp_path / "mine.db"
    daigou.run(["product", "add", "MINE-1", "--name", "我的", "--category", "x", "--db", str(mine)])
    result = daigou.run("demo --force --format csv", env={"DAIGOU_DB": str(mine)})
    assert f"note: $DAIGOU_DB ({mine}) already exists; it is left as it is" in result.stderr
    assert sql(mine, "SELECT sku FROM products") == [("MINE-1",)]
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("demo ledger: ")]
    assert Path(line.removeprefix("demo ledger: ")).parent.name.startswith("daigou-demo-")


def test_a_path_under_a_file_or_empty_is_one_clear_line(daigou, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = daigou.run(["demo", str(tmp_path / "notes.txt" / "l.db")], code=3)
    assert result.stderr.strip() == f"daigou: PATH: {tmp_path / 'notes.txt'} is a file, so {tmp_path / 'notes.txt' / 'l.db'} cannot be made"
    assert daigou.run(["demo", ""], code=3).stderr.strip() == "daigou: PATH: empty; give a file, e.g. shop.db"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
