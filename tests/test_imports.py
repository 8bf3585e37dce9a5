"""`product import` and `stock import`: files and stdin, encodings, all-or-nothing, reject files."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTS = (
    "sku,name,category,zone,price,weight,reorder_point,shelf_life_days\n"
    "SHI-50,资生堂红腰子精华 50ml,cosmetics,JP,680,0.25,6,1095\n"
    "SULWHASOO-90,雪花秀润燥精华 90ml,cosmetics,KR,880,0.35,3,1095\n"
    "POCKY,Pocky 巧克力棒,snacks,JP,15,0.08,20,300\n"
)


def products(daigou):
    return daigou.sql("SELECT sku, name, category, zone, price, currency, weight_g, reorder_point, "
                      "shelf_life_days FROM products ORDER BY sku")


def lots(daigou):
    return daigou.sql("SELECT l.sku, l.qty, l.unit_cost, l.currency, l.fx_rate, l.unit_cost_base, m.location, "
                      "l.code, l.expiry, l.received_at FROM lots l JOIN movements m ON m.lot_id = l.id "
                      "ORDER BY l.id")


def stderr_lines(result):
    return [line for line in result.stderr.splitlines() if line.strip()]


# ----------------------------------------------------------------- product import

def test_product_import_from_stdin_writes_exactly_the_rows(daigou):
    result = daigou.run("product import -", input=PRODUCTS)
    assert result.stdout == "imported 3 products from stdin\n"
    assert products(daigou) == [
        ("POCKY", "Pocky 巧克力棒", "snacks", "JP", 1500, "CNY", 80, 20, 300),
        ("SHI-50", "资生堂红腰子精华 50ml", "cosmetics", "JP", 68000, "CNY", 250, 6, 1095),
        ("SULWHASOO-90", "雪花秀润燥精华 90ml", "cosmetics", "KR", 88000, "CNY", 350, 3, 1095),
    ]


def test_product_import_at_dates_the_new_products(daigou):
    daigou.run("product import - --at 2026-09-01T10:00", input=PRODUCTS)
    assert set(daigou.sql("SELECT created_at FROM products")) == {("2026-09-01T02:00:00Z",)}
    assert daigou.run("product import - --at 2026-13-01", input=PRODUCTS, code=3).stderr.startswith("daigou: --at:")


def test_headers_match_trimmed_in_any_case_and_order_with_extra_columns(daigou):
    text = " Name ,NOTES, SKU ,Price\n白色恋人 12枚,机场买,SHIROI-12,98\n"
    daigou.run("product import -", input=text)
    assert daigou.sql("SELECT sku, name, price FROM products") == [("SHIROI-12", "白色恋人 12枚", 9800)]


def test_a_gbk_file_is_detected(daigou, tmp_path):
    path = tmp_path / "taobao.csv"
    path.write_bytes("sku,name,category\nSHIROI-12,白色恋人 12枚,零食\n".encode("gbk"))
    summary = json.loads(daigou.run(f"product import {path} --format json").stdout)
    assert summary["encoding"] == "gb18030" and summary["imported"] == 1
    assert daigou.sql("SELECT name, category FROM products") == [("白色恋人 12枚", "零食")]


def test_a_utf8_file_with_bom_matches_its_first_column(daigou, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "sku,name\nPOCKY,Pocky 巧克力棒\n".encode("utf-8"))
    daigou.run(f"product import {path}")
    assert daigou.sql("SELECT sku, name FROM products") == [("POCKY", "Pocky 巧克力棒")]


def test_the_wrong_encoding_given_is_one_clear_error(daigou, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("sku,name\nSHIROI-12,白色恋人\n".encode("gbk"))
    result = daigou.run(f"product import {path} --encoding utf-8", code=3)
    assert stderr_lines(result) == [f"daigou: {path} line 2: byte 0xb0 is not valid utf-8 text (check --encoding)"]
    assert not os.path.exists(daigou.db)


def test_a_bad_row_writes_nothing_and_names_file_line_and_column(daigou, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(PRODUCTS + "KITKAT,KitKat 抹茶,snacks,JP,five,0.15,10,300\n", encoding="utf-8")
    result = daigou.run(f"product import {path}", code=3)
    assert stderr_lines(result) == [
        f"daigou: {path} line 5, column price: value 'five': not an amount; nothing imported"]
    assert result.stdout == ""
    assert not Path(daigou.db).exists()  # the first write, refused: not even a ledger file


def test_more_bad_rows_are_counted_on_the_one_line(daigou):
    text = "sku,name,price\nA1,,1\nB1,bb,1.234\nC1,cc,3\n"
    result = daigou.run("product import -", input=text, code=3)
    assert stderr_lines(result) == [
        "daigou: stdin line 2, column name: value '': required; nothing imported "
        "(1 more bad row: list them all with --dry-run)"]


def test_skip_invalid_writes_the_good_rows_and_a_reject_file(daigou, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("sku,name,price,note\nA1,aa,abc,first\nB1,bb,12.50,\nC1,,3,no name\nB1,again,1,dup\n",
                    encoding="utf-8")
    result = daigou.run(f"product import {path} --skip-invalid")
    rejects = tmp_path / "products.rejects.csv"
    assert result.stdout == f"imported 1 product from {path}; 3 rows rejected → {rejects}\n"
    assert daigou.sql("SELECT sku, name, price FROM products") == [("B1", "bb", 1250)]
    assert rejects.read_text(encoding="utf-8").splitlines() == [
        "reason,line,sku,name,price,note",
        "column price: value 'abc': not an amount,2,A1,aa,abc,first",
        "column name: value '': required,4,C1,,3,no name",
        "column sku: value 'B1': also on line 3 of this file,5,B1,again,1,dup",
    ]


def test_the_reject_file_of_stdin_defaults_to_the_current_folder(daigou, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = daigou.run("product import - --skip-invalid -q", input="sku,name\nA1,aa\n!bad,bb\n")
    assert result.stdout == "1\n"
    with open(tmp_path / "rejects.csv", encoding="utf-8", newline="") as rejects:
        assert list(csv.reader(rejects)) == [
            ["reason", "line", "sku", "name"],
            ["column sku: value '!bad': may use letters, digits and . _ / - only, up to 64", "3", "!bad", "bb"]]
    daigou.run(f"product import - --skip-invalid --reject-file {tmp_path / 'mine.csv'}",
               input="sku,name\n!bad,bb\n")
    assert (tmp_path / "mine.csv").exists()


def test_dry_run_writes_nothing_and_says_what_it_would_do(daigou):
    daigou.run("product add POCKY --name Pocky")
    result = daigou.run("product import - --dry-run --update", input=PRODUCTS)
    assert result.stdout == "would import 3 products from stdin (2 added, 1 updated) (dry run: nothing written)\n"
    assert daigou.sql("SELECT sku, name FROM products") == [("POCKY", "Pocky")]


def test_dry_run_on_a_new_ledger_creates_no_file(daigou):
    daigou.run("product import - --dry-run", input=PRODUCTS)
    assert not os.path.exists(daigou.db)


def test_dry_run_lists_every_bad_row_and_exits_3(daigou):
    result = daigou.run("product import - --dry-run", input="sku,name,price\nA1,,1\nB1,bb,x\nC1,cc,3\n", code=3)
    assert stderr_lines(result) == [
        "stdin line 2, column name: value '': required",
        "stdin line 3, column price: value 'x': not an amount",
        "daigou: stdin: 2 bad rows of 3; a real import would write nothing",
    ]


def test_an_existing_sku_is_refused_unless_update(daigou):
    daigou.run("product add SHI-50 --name 资生堂 --price 600 --category cosmetics")
    result = daigou.run("product import -", input=PRODUCTS, code=3)
    assert ("line 2, column sku: value 'SHI-50': already in the catalogue with other values (use --update to "
            "change it)") in result.stderr
    result = daigou.run("product import - --update", input=PRODUCTS)
    assert result.stdout == "imported 3 products from stdin (2 added, 1 updated)\n"
    assert daigou.sql("SELECT name, price, category FROM products WHERE sku = 'SHI-50'") == [
        ("资生堂红腰子精华 50ml", 68000, "cosmetics")]


def test_importing_the_same_products_twice_changes_nothing(daigou):
    daigou.run("product import -", input=PRODUCTS)
    before = daigou.sql("SELECT * FROM products ORDER BY sku")
    result = daigou.run("product import -", input=PRODUCTS)
    assert result.stdout == "imported 3 products from stdin (3 unchanged)\n"
    assert daigou.sql("SELECT * FROM products ORDER BY sku") == before
    changed = PRODUCTS.replace("68000", "69000").replace(",680,", ",690,")
    assert changed != PRODUCTS
    daigou.run("product import -", input=changed, code=3)
    assert daigou.sql("SELECT * FROM products ORDER BY sku") == before


def test_update_keeps_what_an_empty_cell_leaves_out(daigou):
    daigou.run("product add POCKY --name Pocky --price 15 --category snacks --reorder-point 20")
    daigou.run("product import - --update", input="sku,name,price,category,reorder_point\nPOCKY,Pocky,18,,\n")
    assert daigou.sql("SELECT price, category, reorder_point FROM products") == [(1800, "snacks", 20)]


def test_quiet_prints_the_count_and_json_the_summary(daigou):
    assert daigou.run("product import - -q", input=PRODUCTS).stdout == "3\n"
    summary = json.loads(daigou.run("product import - --update --format json", input=PRODUCTS).stdout)
    assert {k: summary[k] for k in ("file", "kind", "rows", "imported", "added", "updated", "rejected",
                                    "dry_run")} == {
        "file": "stdin", "kind": "products", "rows": 3, "imported": 3, "added": 0, "updated": 3,
        "rejected": 0, "dry_run": False}
    assert summary["ids"] == ["SHI-50", "SULWHASOO-90", "POCKY"]


@pytest.mark.parametrize("text, message", [
    ("", "daigou: stdin: empty; expected a header row with sku, name ..."),
    ("sku,price\nA1,3\n", "daigou: stdin line 1: missing required column name (the header has: sku, price)"),
    ("sku;name\nA1;aa\n", "daigou: stdin line 1: missing required columns sku, name "
                          "(the header has: sku;name; values must be separated by commas)"),
    ("sku,name,SKU\nA1,aa,A1\n", "daigou: stdin line 1: column 'SKU' appears twice"),
    ('sku,name\nA1,"Pocky\n', "daigou: stdin line 2: not valid CSV: a quoted value is never closed (truncated file?)"),
    ("sku,name,price\nA1,aa\n", "daigou: stdin line 2: 2 values but the header has 3 columns (truncated row?); "
                                "nothing imported"),
])
def test_a_broken_file_is_one_clear_error(daigou, text, message):
    result = daigou.run("product import -", input=text, code=3)
    assert stderr_lines(result) == [message]


def test_a_file_cut_inside_a_character_is_called_truncated(daigou, tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes("sku,name\nSHI-50,资生堂".encode("utf-8")[:-1])
    result = daigou.run(f"product import {path}", code=3)
    assert stderr_lines(result) == [f"daigou: {path} line 2: the file ends in the middle of a character (truncated?)"]


def test_a_missing_file_is_invalid_input(daigou, tmp_path):
    result = daigou.run(f"product import {tmp_path / 'nope.csv'}", code=3)
    assert stderr_lines(result) == [f"daigou: {tmp_path / 'nope.csv'}: no such file"]


def test_trailing_empty_cells_and_blank_lines_are_fine(daigou):
    daigou.run("product import -", input="sku,name\r\n\r\nA1,aa,,\r\n,\r\nB1,bb\r\n")
    assert daigou.sql("SELECT sku FROM products ORDER BY sku") == [("A1",), ("B1",)]


# ----------------------------------------------------------------- stock import

RECEIPTS = (
    "sku,qty,cost,currency,location,lot,expiry,at\n"
    "SHI-50,10,4200,JPY,TOKYO,4B12,2029-08-31,2026-09-15\n"
    "SHI-50,5,4000,JPY,TOKYO,,,2026-10-15T20:00\n"
    "POCKY,24,150,JPY,SH,,2026-12-10,2026-10-02\n"
)


def test_stock_import_receives_each_row_as_a_lot_at_the_rate_in_force(shop):
    result = shop.run("stock import -", input=RECEIPTS)
    assert result.stdout == "imported 3 receipts from stdin\n"
    assert lots(shop) == [
        ("SHI-50", 10, 4200, "JPY", "0.0478", 20076, "TOKYO", "4B12", "2029-08-31", "2026-09-14T16:00:00Z"),
        ("SHI-50", 5, 4000, "JPY", "0.05", 20000, "TOKYO", None, None, "2026-10-15T12:00:00Z"),
        ("POCKY", 24, 150, "JPY", "0.05", 750, "SH", None, "2026-12-10", "2026-10-01T16:00:00Z"),
    ]
    (row,) = shop.csv("stock list --sku SHI-50")
    assert (row["on_hand"], row["value"]) == ("15", "3007.60")


def test_stock_import_in_krw_with_an_fx_column(shop):
    shop.run("product add SULWHASOO-90 --name 雪花秀润燥精华")
    shop.run("stock import - --location SH --at 2026-10-07",
             input="sku,qty,cost,currency,fx\nSULWHASOO-90,4,116000,KRW,0.00516\n")
    assert lots(shop) == [("SULWHASOO-90", 4, 116000, "KRW", "0.00516", 59856, "SH", None, None,
                           "2026-10-06T16:00:00Z")]


def test_a_bad_receipt_writes_no_lot_at_all(shop):
    text = RECEIPTS + "POCKY,24,150,KRW,SH,,,2026-10-02\n"
    result = shop.run("stock import -", input=text, code=3)
    (line,) = stderr_lines(result)
    assert line.startswith("daigou: stdin line 5, column currency: value 'KRW': no KRW rate on or before ")
    assert line.endswith("; nothing imported")
    assert lots(shop) == []
    assert shop.sql("SELECT count(*) FROM entries WHERE kind = 'receipt'") == [(0,)]


@pytest.mark.parametrize("row, column, reason", [
    ("SHI-50,0,4200,JPY,TOKYO,2026-09-15", "qty", "value '0': must not be zero"),
    ("SHI-50,2,42.5,JPY,TOKYO,2026-09-15", "cost", "value '42.5': has too many decimals for JPY (no decimals)"),
    ("SHI-50,2,4200,JPY,OSAKA,2026-09-15", "location", "value 'OSAKA': no location 'OSAKA' (see daigou location list)"),
    ("NOPE,2,4200,JPY,TOKYO,2026-09-15", "sku", "value 'NOPE': unknown SKU 'NOPE' (see daigou product list)"),
    ("SHI-50,2,4200,JPY,TOKYO,someday", "at", "value 'someday': not a date or time"),
    ("SHI-50,,4200,JPY,TOKYO,2026-09-15", "qty", "value '': required"),
])
def test_each_bad_value_is_named_by_its_column(shop, row, column, reason):
    result = shop.run("stock import -", input=f"sku,qty,cost,currency,location,at\n{row}\n", code=3)
    (line,) = stderr_lines(result)
    assert line.startswith(f"daigou: stdin line 2, column {column}: {reason}")


def test_skip_invalid_receipts_keep_the_good_ones(shop, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text(RECEIPTS + "POCKY,-3,150,JPY,SH,,,2026-10-02\n", encoding="utf-8")
    result = shop.run(f"stock import {path} --skip-invalid --format json")
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["received"], summary["rejected"]) == (3, 3, 1)
    assert summary["errors"] == [{"line": 5, "column": "qty", "value": "-3", "reason": "must be positive"}]
    assert len(lots(shop)) == 3
    assert (tmp_path / "stock.rejects.csv").read_text(encoding="utf-8").splitlines() == [
        "reason,line,sku,qty,cost,currency,location,lot,expiry,at",
        "column qty: value '-3': must be positive,5,POCKY,-3,150,JPY,SH,,,2026-10-02",
    ]


def test_stock_import_dry_run_writes_nothing(shop):
    result = shop.run("stock import - --dry-run", input=RECEIPTS)
    assert result.stdout == "would import 3 receipts from stdin (dry run: nothing written)\n"
    assert lots(shop) == []


def test_stock_import_of_a_gbk_file_with_chinese_lot_codes(shop, tmp_path):
    path = tmp_path / "收货.csv"
    path.write_bytes("sku,qty,cost,currency,location,lot,at\nPOCKY,24,150,JPY,SH,批次一,2026-10-02\n".encode("gbk"))
    shop.run(f"stock import {path}")
    assert shop.sql("SELECT code FROM lots") == [("批次一",)]


def test_importing_a_csv_does_not_load_rich(daigou, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(PRODUCTS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DAIGOU_FORMAT"} | {"DAIGOU_DB": daigou.db}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "daigou_cli", "product", "import", str(path)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert not {m for m in loaded if m.split(".")[0] in ("rich", "pendulum", "tabulate", "sqlite_utils")}
