"""`daigou history import`: past daily sales for forecasting, all-or-nothing, from a file or
stdin; demand for forecasts, never stock."""

import sqlite3

import pytest

HEADER = "date,sku,qty,revenue,channel\n"
GOOD = HEADER + "2025-10-01,SHI-50,3,1260,taobao\n2025-10-01,POCKY,10,,\n2025-10-02,SHI-50,1,420,taobao\n"


def rows(daigou):
    return daigou.sql("SELECT date, sku, qty, revenue, currency, channel FROM sales_history ORDER BY id")


def test_a_file_loads_every_row_as_one_import(shop, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = shop.run(f"history import {path}")
    assert result.stdout.strip() == f"imported 3 sales rows from {path}"
    assert rows(shop) == [("2025-10-01", "SHI-50", 3, 126000, "CNY", "taobao"),
                          ("2025-10-01", "POCKY", 10, None, "CNY", None),
                          ("2025-10-02", "SHI-50", 1, 42000, "CNY", "taobao")]
    assert shop.sql("SELECT kind FROM entries WHERE id = (SELECT entry_id FROM sales_history LIMIT 1)") == [("history",)]
    (listed,) = shop.json("history list")
    assert (listed["rows"], listed["skus"], listed["units"], listed["revenue"]) == (3, 2, 14, 1680.00)
    assert (listed["first_date"], listed["last_date"], listed["voided"]) == ("2025-10-01", "2025-10-02", None)


def test_stdin_and_quiet(shop):
    result = shop.run("history import - -q", input=GOOD)
    assert result.stdout.strip() == "3"
    assert len(rows(shop)) == 3


def test_one_bad_row_writes_nothing(shop):
    bad = GOOD + "2025-10-03,SHI-50,two,,\n"
    result = shop("history import -", input=bad)
    assert result.exit_code == 3
    assert "stdin line 5, column qty: value 'two': is not a whole number" in result.stderr
    assert "nothing imported" in result.stderr
    assert shop.sql("SELECT count(*) FROM sales_history") == [(0,)]
    assert shop.sql("SELECT count(*) FROM entries WHERE kind = 'history'") == [(0,)]


@pytest.mark.parametrize("line, message", [
    ("2025-13-01,SHI-50,1,,", "line 5, column date: value '2025-13-01': is not a date (YYYY-MM-DD)"),
    ("2099-01-01,SHI-50,1,,", "line 5, column date: value '2099-01-01': is in the future"),
    ("2025-10-03,NOPE,1,,", "line 5, column sku: value 'NOPE': unknown SKU"),
    ("2025-10-03,SHI-50,-2,,", "line 5, column qty: value '-2': is not a whole number of units ≥ 0"),
    ("2025-10-03,SHI-50,1,12.345,", "line 5, column revenue: value '12.345': has too many decimals for CNY"),
    ("2025-10-03,,1,,", "line 5, column sku: value '': required"),
    ("2025-10-01,SHI-50,5,,taobao", "SHI-50 on 2025-10-01 via taobao is also on line 2 of this file"),
])
def test_bad_rows_are_named_by_line_and_column(shop, line, message):
    result = shop("history import -", input=GOOD + line + "\n")
    assert result.exit_code == 3, result.stdout
    assert message in result.stderr
    assert shop.sql("SELECT count(*) FROM sales_history") == [(0,)]


def test_skip_invalid_keeps_the_good_rows_and_writes_a_reject_file(shop, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(GOOD + "2025-10-03,NOPE,1,,\n", encoding="utf-8")
    result = shop.run(f"history import {path} --skip-invalid")
    assert "imported 3 sales rows" in result.stdout and "1 row rejected" in result.stdout
    rejects = (tmp_path / "sales.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "reason,line,date,sku,qty,revenue,channel"
    assert rejects[1].startswith("column sku: value 'NOPE': unknown SKU")
    assert len(rows(shop)) == 3


def test_dry_run_writes_nothing(shop):
    result = shop.run("history import - --dry-run", input=GOOD)
    assert "would import 3 sales rows" in result.stdout
    assert shop.sql("SELECT count(*) FROM sales_history") == [(0,)]


def test_importing_the_same_file_twice_adds_nothing(shop):
    shop.run("history import -", input=GOOD)
    result = shop.run("history import -", input=GOOD)
    assert result.stdout.strip() == "imported 3 sales rows from stdin (3 unchanged)"
    assert len(rows(shop)) == 3
    assert shop.sql("SELECT count(*) FROM entries WHERE kind = 'history'") == [(1,)]


def test_different_numbers_for_a_day_already_imported_are_refused_until_it_is_voided(shop):
    shop.run("history import -", input=GOOD)
    changed = HEADER + "2025-10-01,SHI-50,4,1680,taobao\n"
    result = shop("history import -", input=changed)
    assert result.exit_code == 3
    assert "SHI-50 on 2025-10-01 already has 3 units from import" in result.stderr
    (first,) = shop.json("history list")
    shop.run(f"void {first['id']} --reason 'wrong export'")
    shop.run("history import -", input=changed)
    listed = shop.json("history list")
    assert [(x["units"], x["voided"] is not None) for x in listed] == [(14, True), (4, False)]


def test_headers_in_any_order_case_and_gbk(shop):
    text = "数量,日期,商品编码\n2,2025-10-05,pocky\n"
    shop.run("history import -", input=text.encode("gb18030"))
    assert rows(shop) == [("2025-10-05", "POCKY", 2, None, "CNY", None)]


def test_history_is_demand_never_stock(shop):
    shop.run("history import -", input=GOOD)
    assert shop.sql("SELECT count(*) FROM movements") == [(0,)]
    assert {r["on_hand"] for r in shop.csv("stock list")} == {"0"}


def test_sales_history_is_append_only(shop):
    shop.run("history import -", input=GOOD)
    for statement in ("UPDATE sales_history SET qty = 99", "DELETE FROM sales_history",
                      "INSERT OR REPLACE INTO sales_history(id, entry_id, date, sku, qty) "
                      "VALUES (1, 1, '2025-10-01', 'SHI-50', 99)"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            shop.sql(statement)
    assert [r[2] for r in rows(shop)] == [3, 10, 1]


@pytest.mark.parametrize("line, message", [
    ('2025-10-03,SHI-50,1,"1,99",', "stdin line 5, column revenue: value '1,99': is not an amount "
                                    "(use a dot for decimals: 1.99); nothing imported"),
    ('2025-10-03,SHI-50,1,"1,0,78",', "stdin line 5, column revenue: value '1,0,78': is not an amount "
                                      "(a comma only separates thousands, as in 1,078.00); nothing imported"),
    ('2025-10-03,SHI-50,"1,5",,', "stdin line 5, column qty: value '1,5': is not a whole number of units ≥ 0 "
                                  "(returns are not sales history); nothing imported"),
])
def test_a_comma_that_is_not_a_thousands_separator_writes_nothing(shop, line, message):
    result = shop.run("history import -", input=GOOD + line + "\n", code=3)
    assert result.stderr.splitlines() == [f"daigou: {message}"]
    assert shop.sql("SELECT count(*) FROM sales_history") == [(0,)]


def test_thousands_grouping_in_qty_and_revenue_is_exact(shop):
    shop.run("history import -", input=HEADER + '2025-10-03,POCKY,"1,200","18,000.50",\n')
    assert rows(shop) == [("2025-10-03", "POCKY", 1200, 1800050, "CNY", None)]
