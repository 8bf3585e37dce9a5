"""`daigou export TABLE|VIEW`: every table and view of a full ledger, as CSV and JSON, and a
cell that a spreadsheet would run as a formula is written as text."""

import csv
import io
import json
import sqlite3

import pytest


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from typer.testing import CliRunner

    from daigou_cli.app import app

    path = tmp_path_factory.mktemp("export") / "demo.db"
    result = CliRunner().invoke(app, ["demo", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    return path


def names(path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
                            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'faq_fts%' ORDER BY name").fetchall()
    finally:
        conn.close()


def stored(path, name) -> tuple[list[str], int]:
    conn = sqlite3.connect(path)
    try:
        cursor = conn.execute(f'SELECT * FROM "{name}"')
        return [d[0] for d in cursor.description], len(cursor.fetchall())
    finally:
        conn.close()


def test_every_table_and_view_of_the_demo_exports_as_csv_and_json(demo_db, daigou):
    listed = names(demo_db)
    assert len(listed) > 40 and ("view", "order_summary") in listed and ("table", "movements") in listed
    for _, name in listed:
        columns, count = stored(demo_db, name)
        out = daigou.run(f"export {name} --db {demo_db} --format csv").stdout
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == columns, name
        assert len(rows) - 1 == count, name
        records = json.loads(daigou.run(f"export {name} --db {demo_db} --format json").stdout)
        assert len(records) == count, name
        assert all(list(record) == columns for record in records), name


def test_the_views_scripts_read_hold_what_the_ledger_holds(demo_db, daigou):
    summary = daigou.json(f"export order_summary --db {demo_db}")
    states = {row["state"] for row in summary}
    assert states == {"pending", "deposit_paid", "paid", "partially_shipped", "shipped", "delivered",
                      "cancelled", "returned", "partially_returned"}
    on_hand = daigou.json(f"export stock_on_hand --db {demo_db}")
    moved = stored(demo_db, "movements")[1]
    assert moved > 0 and sum(row["on_hand"] for row in on_hand) == sqlite3.connect(demo_db).execute(
        "SELECT SUM(qty) FROM movements").fetchone()[0]


def test_a_formula_in_a_cell_is_exported_as_text(daigou):
    daigou.run(["customer", "add", "=HYPERLINK(\"http://evil\",\"x\")", "--phone", "+86 139 1234 5678",
                "--address", "@SUM(A1:A9)"])
    daigou.run(["product", "add", "NEG-1", "--name", "-2+3", "--category", "+cosmetics"])
    customers = daigou.run("export customers --format csv").stdout
    row = list(csv.DictReader(io.StringIO(customers)))[0]
    assert row["name"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert row["phone"] == "'+8613912345678"
    assert row["address"] == "'@SUM(A1:A9)"
    product = list(csv.DictReader(io.StringIO(daigou.run("export products --format csv").stdout)))[0]
    assert (product["name"], product["category"]) == ("'-2+3", "'+cosmetics")
    # JSON is data, not a spreadsheet: the values stay as they are.
    assert daigou.json("export customers")[0]["name"] == "=HYPERLINK(\"http://evil\",\"x\")"


def test_plain_negative_numbers_stay_numbers(daigou):
    daigou.run("location add SH --region Shanghai")
    daigou.run(["product", "add", "SHI-50", "--name", "资生堂", "--category", "cosmetics"])
    daigou.run("stock add SHI-50 5 --cost 100")
    daigou.run("stock adjust SHI-50 -2 --reason count")
    qtys = [row["qty"] for row in csv.DictReader(io.StringIO(daigou.run("export movements --format csv").stdout))]
    assert qtys == ["5", "-2"]
