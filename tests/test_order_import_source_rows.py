"""Nothing a platform exported is lost: every row an imported order came from is kept in the
ledger with all its non-empty cells, extra columns included, and `order show --format json`
gives them back as source_rows."""

import sqlite3

import pytest
from order_import_data import SHOPIFY_HEADER, counts, stock_shop, table
from test_order_import_taobao import write_pair

GIFT = "Gift note"  # a column Shopify apps add; daigou has no field for it


@pytest.fixture
def shop(daigou):
    return stock_shop(daigou)


def export(status="pending", paid_at=""):
    """#1101 in two rows, with an extra column at the front and Shopify's columns reordered."""
    header = f"{GIFT},Lineitem sku,Lineitem quantity,Lineitem price," + ",".join(
        c for c in SHOPIFY_HEADER.split(",") if c not in ("Lineitem sku", "Lineitem quantity", "Lineitem price"))
    return table(header, [
        {GIFT: "生日快乐，包装好看一点 =)", "Name": "#1101", "Email": "wangxm@example.com", "Financial Status": status,
         "Paid at": paid_at, "Currency": "CNY", "Subtotal": "1078.00", "Total": "1078.00",
         "Created at": "2026-11-11 00:04:51 +0800", "Lineitem quantity": "1", "Lineitem price": "680.00",
         "Lineitem sku": "SHISEIDO-UB-50", "Billing Name": "王小美", "Shipping Phone": "+86 139 1234 5678"},
        {"Name": "#1101", "Created at": "2026-11-11 00:04:51 +0800", "Lineitem quantity": "2",
         "Lineitem price": "199.00", "Lineitem sku": "ANESSA-60"},
    ])


def show(shop, ref):
    return shop.json(f"order show {ref} --format json")


def test_every_cell_of_every_row_is_kept_extra_columns_included(shop):
    shop.run("order import - --from shopify", input=export())
    rows = show(shop, "'#1101'")["source_rows"]
    assert [(r["source"], r["line"]) for r in rows] == [("stdin", 2), ("stdin", 3)]
    first, second = (r["cells"] for r in rows)
    assert first[GIFT] == "生日快乐，包装好看一点 =)"
    assert first["Shipping Phone"] == "+86 139 1234 5678" and first["Financial Status"] == "pending"
    assert second == {"Lineitem sku": "ANESSA-60", "Lineitem quantity": "2", "Lineitem price": "199.00",
                      "Name": "#1101", "Created at": "2026-11-11 00:04:51 +0800"}  # empty cells left out
    order_id = show(shop, "'#1101'")["id"]
    assert {r["entry"] for r in rows} == {order_id}


def test_a_taobao_order_keeps_its_orders_row_and_its_items_rows(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path)
    shop.run(f"order import {orders_file} --from taobao --items {items_file}")
    order_id = shop.sql("SELECT id FROM orders WHERE external_id = '3915123456789012345'")[0][0]
    rows = show(shop, order_id)["source_rows"]
    assert [(r["source"], r["line"]) for r in rows] == [(str(orders_file), 2), (str(items_file), 2),
                                                         (str(items_file), 3)]
    assert rows[0]["cells"]["订单编号"] == '="3915123456789012345"'  # as Taobao wrote it
    assert rows[0]["cells"]["收货地址"] == "上海 上海市 徐汇区 漕溪北路 88 号(200030)"
    assert [r["cells"]["标题"] for r in rows[1:]] == ["资生堂红腰子精华 50ml", "安热沙小金瓶防晒 60ml"]


def test_a_reimport_keeps_nothing_more_and_a_later_export_keeps_what_changed(shop):
    shop.run("order import - --from shopify", input=export())
    before = shop.sql("SELECT count(*) FROM order_source_rows")[0][0]
    shop.run("order import - --from shopify", input=export())
    assert shop.sql("SELECT count(*) FROM order_source_rows")[0][0] == before == 2
    shop.run("order import - --from shopify", input=export("paid", "2026-11-12 09:00:00 +0800"))
    rows = show(shop, "'#1101'")["source_rows"]
    assert len(rows) == 4
    payment = shop.sql("SELECT entry_id FROM payments")[0][0]
    assert [r["entry"] for r in rows[2:]] == [payment, payment]
    assert rows[2]["cells"]["Financial Status"] == "paid"
    # As of before the payment, the ledger knew only the first export's rows.
    assert len(shop.json("order show '#1101' --format json --as-of 2026-11-11T12:00")["source_rows"]) == 2


def test_a_refused_import_keeps_no_rows(shop):
    bad = export().replace("ANESSA-60", "NO-SUCH-SKU")
    before = counts(shop)
    shop.run("order import - --from shopify", input=bad, code=3)
    assert counts(shop) == before
    assert shop.sql("SELECT count(*) FROM order_source_rows") == [(0,)]


def test_the_rows_are_append_only(shop):
    shop.run("order import - --from shopify", input=export())
    for statement in ("UPDATE order_source_rows SET cells = '{}'", "DELETE FROM order_source_rows"):
        with pytest.raises(sqlite3.DatabaseError, match="order_source_rows is append-only"):
            shop.sql(statement)


def test_the_terminal_view_of_an_order_leaves_the_raw_cells_to_json(shop):
    shop.run("order import - --from shopify", input=export())
    out = shop.run("order show '#1101' --format table").stdout
    assert "events" in out and GIFT not in out
