"""On a phone-width terminal a list keeps the columns a daigou opened it for (stock numbers,
what an order still owes), names the ones it left out, and CSV and JSON still carry them all."""

import csv
import io
import re

import pytest
from rich.cells import cell_len

from daigou_cli import output
from daigou_cli.cli import inventory, orders, purchase, shipping

NARROW = {"COLUMNS": "80"}


@pytest.fixture
def terminal(monkeypatch):
    """The CLI's stdout counts as a terminal, so a table fits $COLUMNS instead of a pipe's 400."""
    monkeypatch.setattr(output, "on_terminal", lambda: True)


@pytest.fixture
def stocked(shop):
    """The shop with a long-named SKU, stock in both locations and an order holding two units."""
    shop.run(["product", "add", "CPB-SERUM-50", "--name", "肌肤之钥 CPB 光采精华 50ml",
              "--category", "cosmetics", "--zone", "JP", "--price", "980"])
    shop.run("stock add SHI-50 12 --cost 5000 --currency JPY --location TOKYO")
    shop.run("stock add CPB-SERUM-50 6 --cost 14000 --currency JPY --location TOKYO")
    shop.run("stock add POCKY 40 --cost 6 --location SH")
    shop.run("customer add 王小美 --wechat xiaomei_w --region Shanghai")
    shop.run("order new 王小美 SHI-50:2 POCKY:4")
    return shop


def table(daigou, args, env=NARROW):
    out = daigou.run(f"{args} --format table", env=env).stdout
    return re.sub(r"\x1b\[[0-9;]*m", "", out)


def header(text, first):
    """The column names of the table whose header row starts with `first`."""
    line = next(ln for ln in text.splitlines() if ln.split()[:1] == [first])
    return line.split()


def left_out(text):
    """The columns named in the note under the table."""
    note = " ".join(text.split("more columns:")[1].split(";")[0].split())
    return [c.strip() for c in note.split(",")]


def test_stock_list_at_80_columns_keeps_the_numbers_and_names_what_it_left_out(stocked, terminal):
    text = table(stocked, "stock list")
    shown = header(text, "sku")
    assert shown[:2] == ["sku", "name"]
    assert {"on_hand", "available"} <= set(shown)
    assert "category" not in shown and "zone" not in shown
    assert {"category", "zone", "unit_cost", "value"} <= set(left_out(text))
    assert set(shown) | set(left_out(text)) == set(inventory_columns())
    assert "肌肤之钥 CPB 光采精华 50ml" in text
    assert all(cell_len(line) <= 80 for line in text.splitlines())


def test_kept_columns_stay_in_their_usual_order(stocked, terminal):
    shown = header(table(stocked, "stock list"), "sku")
    assert shown == [c for c in inventory_columns() if c in shown]


def test_the_totals_row_still_adds_up_what_is_shown(stocked, terminal):
    text = table(stocked, "stock list")
    shown = header(text, "sku")
    totals = next(ln for ln in text.splitlines() if ln.split()[:1] == ["total"]).split()
    assert shown[-2:] == ["on_hand", "available"]
    assert totals == ["total", "58", "52"]


def test_csv_and_json_keep_every_column_in_order_on_a_narrow_terminal(stocked, terminal):
    out = stocked.run("stock list --format csv", env=NARROW).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == inventory_columns()
    assert all(len(row) == len(rows[0]) for row in rows)
    data = stocked.json("stock list")
    assert list(data[0]) == inventory_columns()


def test_order_list_at_80_columns_keeps_who_owes_what(stocked, terminal):
    text = table(stocked, "order list")
    shown = header(text, "id")
    assert {"id", "customer", "state", "total", "balance_due"} <= set(shown)
    assert "external_id" in left_out(text) and "channel" in left_out(text)
    assert all(cell_len(line) <= 80 for line in text.splitlines())


def test_a_wide_terminal_shows_every_column_and_no_note(stocked, terminal):
    text = table(stocked, "stock list", env={"COLUMNS": "250"})
    assert header(text, "sku") == inventory_columns()
    assert "more columns" not in text


def test_every_kept_column_is_a_column_of_its_list():
    from daigou_cli.core import customers, order_views, purchasing, replenishment, shipment_views
    from daigou_cli.core import inventory as core_inventory
    from daigou_cli.core.importers import generic

    pairs = [(inventory.STOCK_KEEP, core_inventory.STOCK_COLUMNS),
             (inventory.LOT_KEEP, core_inventory.LOT_COLUMNS),
             (orders.ORDER_KEEP, order_views.ORDER_COLUMNS),
             (orders.ORDER_LINE_KEEP, generic.ORDER_LINE_COLUMNS),
             (orders.QUEUE_KEEP, order_views.QUEUE_COLUMNS),
             (orders.CUSTOMER_KEEP, customers.CUSTOMER_COLUMNS),
             (purchase.PO_KEEP, purchasing.PO_COLUMNS),
             (purchase.REORDER_KEEP, replenishment.REORDER_COLUMNS),
             (purchase.SHOPPING_KEEP, replenishment.SHOPPING_COLUMNS),
             (shipping.SHIPMENT_KEEP, shipment_views.SHIPMENT_COLUMNS)]
    for keep, columns in pairs:
        assert set(keep) <= set(columns), set(keep) - set(columns)


def test_columns_not_kept_give_way_first_from_the_right():
    columns = ["sku", "a", "b", "on_hand", "available"]
    texts = [["SKU-1", "xxxx", "yyyy", "12", "10"]]     # 8, 7, 7, 10 and 12 cells with padding
    assert output._fitting(columns, texts, 30, ["sku", "available"]) == [0, 1, 4]
    assert output._fitting(columns, texts, 35, ["sku", "available", "on_hand"]) == [0, 3, 4]
    assert output._fitting(columns, texts, 30) == [0, 1, 2]
    assert output._fitting(columns, texts, 30, ["nope"]) == [0, 1, 2]


def test_a_totals_label_moves_to_the_first_column_shown(monkeypatch, capsys):
    monkeypatch.setattr(output, "on_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "30")
    rows = [{"priority": 1, "reason": "backorder", "sku": "SWITCH-OLED", "qty": 4}]
    output.write_table(rows, list(rows[0]), "Asia/Shanghai", totals={"priority": "total", "qty": 4},
                       keep=["sku", "qty"])
    text = capsys.readouterr().out
    assert header(text, "sku") == ["sku", "qty"]
    assert any(line.split() == ["total", "4"] for line in text.splitlines())
    assert left_out(text) == ["priority", "reason"]


def inventory_columns():
    from daigou_cli.core.inventory import STOCK_COLUMNS

    return STOCK_COLUMNS
