"""What every `order import` promises, whatever the format: nothing twice, later exports record
what changed, all or nothing, reject files, dry runs, and one customer across channels."""

import csv
import io
import json

import pytest
from order_import_data import (
    SHOPIFY_HEADER,
    TAOBAO_ITEMS_HEADER,
    TAOBAO_ORDERS_HEADER,
    counts,
    orders,
    payments,
    stderr_lines,
    stock_shop,
    table,
)


@pytest.fixture
def shop(daigou):
    return stock_shop(daigou)


def shopify(name, status, sku, qty, price, created="2026-11-11 10:00:00 +0800", total=None, **more):
    total = total or f"{int(qty) * float(price):.2f}"
    return table(SHOPIFY_HEADER, [
        {"Name": name, "Email": "wangxm@example.com", "Financial Status": status, "Currency": "CNY",
         "Subtotal": total, "Total": total, "Created at": created, "Billing Name": "王小美",
         "Lineitem quantity": qty, "Lineitem sku": sku, "Lineitem price": price} | more])


def rows(*texts: str) -> str:
    """Several one-order exports as one file (one header)."""
    head = texts[0].split("\n", 1)[0]
    return head + "\n" + "".join(t.split("\n", 1)[1] for t in texts)


FIRST = rows(shopify("#1001", "paid", "ANESSA-60", "2", "199.00", **{"Paid at": "2026-11-11 10:01:00 +0800"}),
             shopify("#1002", "pending", "SKII-FTE-230", "1", "1580.00"),
             shopify("#1003", "pending", "SHISEIDO-UB-50", "1", "680.00"))


def test_importing_the_same_file_twice_adds_nothing(shop):
    shop.run("order import - --from shopify", input=FIRST)
    before = counts(shop)
    result = shop.run("order import - --from shopify", input=FIRST)
    assert result.stdout == "imported orders from stdin: 0 created, 0 updated, 3 unchanged, 0 rejected\n"
    assert stderr_lines(result) == []
    assert counts(shop) == before


def test_a_later_export_records_payment_cancellation_and_refund(shop):
    shop.run("order import - --from shopify", input=FIRST)
    later = rows(shopify("#1001", "refunded", "ANESSA-60", "2", "199.00", **{"Refunded Amount": "398.00"}),
                 shopify("#1002", "paid", "SKII-FTE-230", "1", "1580.00", **{"Paid at": "2026-11-12 09:00:00 +0800"}),
                 shopify("#1003", "voided", "SHISEIDO-UB-50", "1", "680.00",
                         **{"Cancelled at": "2026-11-12 18:00:00 +0800"}),
                 shopify("#1004", "pending", "POCKY-CHOCO", "2", "15.00"))
    result = shop.run("order import - --from shopify --at 2026-11-13", input=later)
    assert result.stdout == "imported orders from stdin: 1 created, 3 updated, 0 unchanged, 0 rejected\n"
    assert [(o["external_id"], o["state"], o["paid"], o["refunded"], o["reserved"]) for o in orders(shop)] == [
        ("#1001", "cancelled", "0.00", "398.00", "0"), ("#1002", "paid", "1580.00", "0.00", "1"),
        ("#1003", "cancelled", "0.00", "0.00", "0"), ("#1004", "pending", "0.00", "0.00", "2")]
    assert payments(shop, "#1002") == [(158000, "shopify", "2026-11-12T01:00:00Z")]
    assert payments(shop, "#1001") == [(39800, "shopify", "2026-11-11T02:01:00Z"),
                                       (-39800, "shopify", "2026-11-12T16:00:00Z")]
    assert shop.sql("SELECT o.external_id, e.at, e.note FROM order_events e JOIN orders o ON o.id = e.order_id "
                    "WHERE e.kind = 'cancelled' ORDER BY o.external_id") == [
        ("#1001", "2026-11-12T16:00:00Z", "refunded on shopify"),
        ("#1003", "2026-11-12T10:00:00Z", "voided on shopify")]
    again = shop.run("order import - --from shopify --at 2026-11-14", input=later)
    assert again.stdout == "imported orders from stdin: 0 created, 0 updated, 4 unchanged, 0 rejected\n"


def test_a_cancellation_after_shipping_is_refused_with_the_order_named(shop):
    shop.run("order import - --from shopify", input=FIRST)
    shop.run("ship '#1001' --carrier SF --tracking SF100 --at 2026-11-11T12:00")
    later = shopify("#1001", "voided", "ANESSA-60", "2", "199.00", **{"Cancelled at": "2026-11-12 18:00:00 +0800"})
    result = shop.run("order import - --from shopify", input=later, code=3)
    order_id = shop.sql("SELECT id FROM orders WHERE external_id = '#1001'")[0][0]
    assert stderr_lines(result) == [
        f"daigou: stdin line 2: order {order_id}: voided on shopify but 2 units have shipped; record a return "
        "(daigou return) instead; nothing imported"]


def test_what_the_ledger_knows_better_is_left_with_a_note(shop):
    shop.run("order import - --from shopify", input=FIRST)
    shop.run("order cancel '#1002' --reason 客户取消")
    later = shopify("#1002", "pending", "SKII-FTE-230", "1", "1580.00")
    result = shop.run("order import - --from shopify", input=later)
    order_id = shop.sql("SELECT id FROM orders WHERE external_id = '#1002'")[0][0]
    assert stderr_lines(result) == [
        f"note: stdin line 2: shopify order #1002 (order {order_id}): cancelled in the ledger, pending on shopify; "
        "left cancelled"]
    assert result.stdout == "imported orders from stdin: 0 created, 0 updated, 1 unchanged, 0 rejected\n"


def test_one_bad_row_writes_nothing_and_says_where(shop):
    before = counts(shop)
    text = rows(FIRST, shopify("#1004", "paid", "ANESSA-60", "1", "19x.00", total="199.00"))
    result = shop.run("order import - --from shopify", input=text, code=3)
    assert stderr_lines(result) == [
        "daigou: stdin line 5, column Lineitem price: value '19x.00': not an amount; nothing imported"]
    assert result.stdout == ""
    assert counts(shop) == before


def test_skip_invalid_writes_the_good_orders_and_the_bad_rows_with_their_reason(shop, tmp_path):
    path = tmp_path / "orders_export.csv"
    path.write_text(rows(FIRST, shopify("#1004", "paid", "NOPE-1", "1", "10.00")), encoding="utf-8")
    result = shop.run(f"order import {path} --from shopify --skip-invalid")
    rejects = tmp_path / "orders_export.rejects.csv"
    assert result.stdout == (f"imported orders from {path}: 3 created, 0 updated, 0 unchanged, 1 rejected "
                             f"→ {rejects}\n")
    with open(rejects, encoding="utf-8", newline="") as f:
        got = list(csv.reader(f))
    assert got[0][:4] == ["reason", "line", "Name", "Email"]
    assert [r[:4] for r in got[1:]] == [
        ["column Lineitem sku: value 'NOPE-1': unknown SKU (add it with daigou product add, or import with "
         "--create-products)", "5", "#1004", "wangxm@example.com"]]
    assert len(orders(shop)) == 3


def test_dry_run_prints_what_would_happen_and_writes_nothing(shop):
    shop.run("order import - --from shopify", input=FIRST)
    before = counts(shop)
    later = rows(shopify("#1002", "paid", "SKII-FTE-230", "1", "1580.00"),
                 shopify("#1004", "pending", "POCKY-CHOCO", "2", "15.00"))
    result = shop.run("order import - --from shopify --dry-run", input=later)
    order_id = shop.sql("SELECT id FROM orders WHERE external_id = '#1002'")[0][0]
    assert result.stdout.splitlines() == [
        f"would update shopify order #1002 (order {order_id}): paid 1580.00 CNY → paid",
        "would create shopify order #1004 for 王小美: 30.00 CNY → pending",
        "would import orders from stdin: 1 created, 1 updated, 0 unchanged, 0 rejected (dry run: nothing written)"]
    assert counts(shop) == before


def test_quiet_prints_the_orders_created_and_json_the_summary(shop):
    assert shop.run("order import - --from shopify -q", input=FIRST).stdout == "3\n"
    summary = json.loads(shop.run("order import - --from shopify --format json", input=FIRST).stdout)
    assert {k: summary[k] for k in ("file", "rows", "created", "updated", "unchanged", "rejected", "dry_run")} == {
        "file": "stdin", "rows": 3, "created": 0, "updated": 0, "unchanged": 3, "rejected": 0, "dry_run": False}
    assert [(o["external_id"], o["action"], o["state"]) for o in summary["orders"]] == [
        ("#1001", "unchanged", "paid"), ("#1002", "unchanged", "pending"), ("#1003", "unchanged", "pending")]


def test_one_customer_across_taobao_shopify_and_a_wechat_sheet(shop, tmp_path):
    # Taobao knows her by phone (and buyer id), Shopify first by email only: two customers so far
    orders_file, items_file = tmp_path / "o.csv", tmp_path / "i.csv"
    orders_file.write_bytes(table(TAOBAO_ORDERS_HEADER, [{
        "订单编号": '="3915000000000000001"', "买家会员名": "xiaomei_wang", "订单状态": "交易成功", "收货人姓名": "王小美",
        "联系手机": "'13912345678", "订单创建时间": "2026-11-10 22:14:05", "订单付款时间 ": "2026-11-10 22:15:00"}],
        quote_all=True).encode("gb18030"))
    items_file.write_bytes(table(TAOBAO_ITEMS_HEADER, [{
        "订单编号": '="3915000000000000001"', "价格": "15.00", "购买数量": "1", "商家编码": "POCKY-CHOCO"}],
        quote_all=True).encode("gb18030"))
    shop.run(f"order import {orders_file} --from taobao --items {items_file}")
    shop.run("order import - --from shopify", input=shopify("#1001", "paid", "ANESSA-60", "1", "199.00"))
    assert shop.sql("SELECT id, name, phone, email FROM customers ORDER BY id") == [
        (1, "王小美", "13912345678", None), (2, "王小美", None, "wangxm@example.com")]
    # An order that shows both contacts joins them: the phone's customer gains the email ...
    both = shopify("#1002", "paid", "ANESSA-60", "1", "199.00", Phone="+86 139 1234 5678",
                   Email="xiaomei@example.com")
    shop.run("order import - --from shopify", input=both)
    # ... and from then on every channel finds her, by either
    sheet = "order_id,date,customer,sku,qty,price,email\nWX-1,2026-11-12,小美,POCKY-CHOCO,1,15,xiaomei@example.com\n"
    shop.run("order import - --from csv", input=sheet)
    assert shop.sql("SELECT id, name, phone, email FROM customers ORDER BY id") == [
        (1, "王小美", "13912345678", "xiaomei@example.com"), (2, "王小美", None, "wangxm@example.com")]
    assert [(o["external_id"], o["customer"]) for o in orders(shop)] == [
        ("3915000000000000001", "王小美"), ("#1001", "王小美"), ("#1002", "王小美"), ("WX-1", "王小美")]
    assert shop.sql("SELECT o.external_id, o.customer_id FROM orders o ORDER BY o.id") == [
        ("3915000000000000001", 1), ("#1001", 2), ("#1002", 1), ("WX-1", 1)]
    found = shop.json("customer show xiaomei@example.com")
    assert found["orders_count"] == 3


def test_imported_orders_back_order_what_is_not_in_stock(shop):
    shop.run("order import - --from shopify", input=shopify("#1009", "paid", "SKII-FTE-230", "3", "1580.00"))
    assert [(o["reserved"], o["backordered"]) for o in orders(shop)] == [("2", "1")]
    out = io.StringIO(shop.run("stock list --format csv").stdout)
    assert [(r["available"]) for r in csv.DictReader(out) if r["sku"] == "SKII-FTE-230"] == ["0"]


def test_unknown_format_and_misplaced_options_are_usage_mistakes(shop):
    assert stderr_lines(shop.run("order import - --from amazon", input=FIRST, code=2)) == [
        "daigou: --from: 'amazon' is not one of shopify, taobao, woocommerce, csv"]
    for layout in ("shopify", "csv", "woocommerce"):
        assert stderr_lines(shop.run(f"order import - --from {layout} --items x.csv", input=FIRST, code=2)) == [
            "daigou: --items: only for --from taobao (the 宝贝报表)"]
    assert stderr_lines(shop.run("order import - --from shopify --mapping x.rules", input=FIRST, code=2)) == [
        "daigou: --mapping: only for --from csv"]


def test_a_reject_file_opens_safely_in_a_spreadsheet_and_imports_again(shop, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("order_id,date,customer,sku,qty,price,phone\n"
                    "WX-1,2026-11-20,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",NOPE-1,1,199,+86 139 1234 5678\n",
                    encoding="utf-8")
    shop.run(f"order import {path} --from csv --skip-invalid")
    with open(tmp_path / "sheet.rejects.csv", encoding="utf-8", newline="") as f:
        header, row = list(csv.reader(f))
    assert dict(zip(header, row, strict=True))["customer"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert dict(zip(header, row, strict=True))["phone"] == "'+86 139 1234 5678"
    # Fixed (the SKU made known), the reject file imports as it is: the quotes are read off.
    shop.run("product add NOPE-1 --name 新品 --category snacks")
    shop.run(f"order import {tmp_path / 'sheet.rejects.csv'} --from csv")
    assert shop.sql("SELECT c.name, c.phone FROM customers c JOIN orders o ON o.customer_id = c.id "
                    "WHERE o.external_id = 'WX-1'") == [('=HYPERLINK("http://evil","x")', "+8613912345678")]


def test_the_default_woocommerce_layout_is_named(shop):
    # The plugin's default layout: one row per order, its items packed into line_items.
    text = ("order_id,order_number,order_number_formatted,date,status,order_total,order_currency,"
            "customer_note,line_items,shipping_items\n"
            "2001,2001,2001,2026-11-12 14:20:00,processing,163.00,CNY,,"
            "\"id:1|name:Pocky|product_id:9|sku:POCKY-CHOCO|quantity:2|total:30.00\",\n")
    result = shop.run("order import - --from woocommerce", input=text, code=3)
    assert stderr_lines(result) == [
        "daigou: stdin: this is the default WooCommerce export, all of an order's items packed into one "
        "line_items cell; export again with one row per item (Customer/Order CSV Export, order format "
        "'one row per item') and import that"]


def test_a_voided_parcel_no_longer_stands_in_the_way_of_a_cancellation(shop):
    shop.run("order import - --from shopify", input=FIRST)
    parcel = shop.run("ship '#1001' --carrier SF --tracking SF100 --at 2026-11-11T12:00 -q").stdout.strip()
    shop.run(f"void {parcel} --reason 'wrong order packed' --at 2026-11-11T13:00")
    later = shopify("#1001", "voided", "ANESSA-60", "2", "199.00", **{"Cancelled at": "2026-11-12 18:00:00 +0800"})
    result = shop.run("order import - --from shopify", input=later)
    assert result.stdout == "imported orders from stdin: 0 created, 1 updated, 0 unchanged, 0 rejected\n"
    assert [o["state"] for o in orders(shop) if o["external_id"] == "#1001"] == ["cancelled"]


def test_a_voided_payment_is_recorded_again_when_the_platform_says_paid(shop):
    """The ledger lost the payment (voided as a mistake); the platform still says paid: the
    re-import records it, so ledger and platform agree again."""
    shop.run("order import - --from shopify", input=FIRST)
    order_id = shop.sql("SELECT id FROM orders WHERE external_id = '#1001'")[0][0]
    payment = shop.sql("SELECT entry_id FROM payments WHERE order_id = ?", (order_id,))[0][0]
    shop.run(f"void {payment} --reason 'entered by hand twice'")
    assert [o["state"] for o in orders(shop) if o["external_id"] == "#1001"] == ["pending"]
    again = shop.run("order import - --from shopify", input=FIRST)
    assert again.stdout == "imported orders from stdin: 0 created, 1 updated, 2 unchanged, 0 rejected\n"
    assert [(o["state"], o["paid"]) for o in orders(shop) if o["external_id"] == "#1001"] == [("paid", "398.00")]
