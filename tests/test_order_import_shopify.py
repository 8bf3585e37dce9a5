"""`order import --from shopify`: the "Export orders" CSV, one row per line item, order fields
on the first row of each order only."""

import json

import pytest
from order_import_data import (
    SHOPIFY_HEADER,
    counts,
    lines,
    orders,
    payments,
    stderr_lines,
    stock_shop,
    table,
)


@pytest.fixture
def shop(daigou):
    return stock_shop(daigou)


def first_row(name, email, status, total, created, **more):
    row = {"Name": name, "Email": email, "Financial Status": status, "Currency": "CNY", "Subtotal": total,
           "Shipping": "0.00", "Taxes": "0.00", "Total": total, "Created at": created, "Id": "5521873264901"}
    return row | more


def item(name, created, qty, sku, price, title="", **more):
    return {"Name": name, "Created at": created, "Lineitem quantity": qty, "Lineitem sku": sku,
            "Lineitem price": price, "Lineitem name": title} | more


MAY = "2026-11-11 00:04:51 +0800"
EXPORT = table(SHOPIFY_HEADER, [
    first_row("#1001", "wangxm@example.com", "paid", "1078.00", MAY, **{
        "Paid at": "2026-11-11 00:05:10 +0800", "Billing Name": "王小美", "Billing Phone": "+86 139 1234 5678",
        "Shipping City": "Shanghai", "Shipping Address1": "漕溪北路 88 号", "Payment Method": "alipay"})
    | item("#1001", MAY, "1", "SHISEIDO-UB-50", "680.00", "资生堂红腰子精华 50ml"),
    item("#1001", MAY, "2", "ANESSA-60", "199.00", "安热沙小金瓶防晒 60ml", Email="wangxm@example.com"),
    first_row("#1002", "lily.chen@example.com", "pending", "1580.00", "2026-11-11 09:30:12 +0800",
              **{"Billing Name": "Lily Chen", "Shipping City": "Beijing"})
    | item("#1002", "2026-11-11 09:30:12 +0800", "1", "SKII-FTE-230", "1580.00"),
    first_row("#1003", "zhaomin@example.com", "voided", "2399.00", "2026-11-11 21:47:03 +0800",
              **{"Billing Name": "赵敏", "Cancelled at": "2026-11-12 10:02:40 +0800"})
    | item("#1003", "2026-11-11 21:47:03 +0800", "1", "SWITCH-OLED", "2399.00"),
])


def test_each_order_with_its_lines_payment_and_state(shop):
    result = shop.run("order import - --from shopify", input=EXPORT)
    assert result.stdout == "imported orders from stdin: 3 created, 0 updated, 0 unchanged, 0 rejected\n"
    assert stderr_lines(result) == []
    assert orders(shop) == [
        {"external_id": "#1001", "channel": "shopify", "customer": "王小美", "state": "paid", "total": "1078.00",
         "paid": "1078.00", "balance_due": "0.00", "currency": "CNY", "created_at": "2026-11-11T00:04:51+08:00",
         "refunded": "0.00", "reserved": "3", "backordered": "0"},
        {"external_id": "#1002", "channel": "shopify", "customer": "Lily Chen", "state": "pending",
         "total": "1580.00", "paid": "0.00", "balance_due": "1580.00", "currency": "CNY",
         "created_at": "2026-11-11T09:30:12+08:00", "refunded": "0.00", "reserved": "1", "backordered": "0"},
        {"external_id": "#1003", "channel": "shopify", "customer": "赵敏", "state": "cancelled", "total": "2399.00",
         "paid": "0.00", "balance_due": "0.00", "currency": "CNY", "created_at": "2026-11-11T21:47:03+08:00",
         "refunded": "0.00", "reserved": "0", "backordered": "0"},
    ]
    assert lines(shop, "#1001") == [("SHISEIDO-UB-50", 1, 68000), ("ANESSA-60", 2, 19900)]
    assert payments(shop, "#1001") == [(107800, "alipay", "2026-11-10T16:05:10Z")]
    assert payments(shop, "#1002") == []
    assert shop.sql("SELECT o.external_id, e.kind, e.at, e.note FROM order_events e JOIN orders o ON o.id = e.order_id") == [
        ("#1003", "cancelled", "2026-11-12T02:02:40Z", "voided on shopify")]
    assert shop.sql("SELECT name, phone, email, region, address FROM customers ORDER BY id") == [
        ("王小美", "+8613912345678", "wangxm@example.com", "Shanghai", "Shanghai 漕溪北路 88 号"),
        ("Lily Chen", None, "lily.chen@example.com", "Beijing", "Beijing"),
        ("赵敏", None, "zhaomin@example.com", None, None)]


def test_reservations_are_those_of_order_new(shop):
    shop.run("order import - --from shopify", input=EXPORT)
    assert shop.sql("SELECT r.sku, r.location, SUM(r.qty) FROM reservations r GROUP BY r.sku, r.location "
                    "HAVING SUM(r.qty) <> 0 ORDER BY r.sku") == [
        ("ANESSA-60", "SH", 2), ("SHISEIDO-UB-50", "SH", 1), ("SKII-FTE-230", "SH", 1)]
    by_hand = shop.run("order new 王小美 SKII-FTE-230:3 --at 2026-11-12 --format json").stdout
    assert [(line["reserved"], line["backordered"]) for line in json.loads(by_hand)["lines"]] == [(1, 2)]


def test_an_order_discount_is_spread_over_its_lines_to_the_cent(shop):
    text = table(SHOPIFY_HEADER, [
        first_row("#1004", "chenjing@example.com", "paid", "105.00", "2026-11-12 13:15:00 +0800",
                  **{"Discount Code": "DOUBLE11", "Discount Amount": "10.00"})
        | item("#1004", "2026-11-12 13:15:00 +0800", "4", "POCKY-CHOCO", "15.00"),
        item("#1004", "2026-11-12 13:15:00 +0800", "1", "ANESSA-60", "55.00"),
    ])
    shop.run("order import - --from shopify", input=text)
    # 10.00 off 60.00 + 55.00: 5.22 off the Pocky (4 units: 13.70, 13.70, 13.69, 13.69), 4.78 off the rest
    assert lines(shop, "#1004") == [("POCKY-CHOCO", 2, 1370), ("POCKY-CHOCO", 2, 1369), ("ANESSA-60", 1, 5022)]
    assert orders(shop)[0]["total"] == "105.00" and orders(shop)[0]["state"] == "paid"


def test_a_subtotal_that_is_not_the_line_items_writes_nothing(shop):
    before = counts(shop)
    text = EXPORT.replace("#1002,lily.chen@example.com,pending,,,,,CNY,1580.00",
                          "#1002,lily.chen@example.com,pending,,,,,CNY,1508.00")
    assert text != EXPORT
    result = shop.run("order import - --from shopify", input=text, code=3)
    assert stderr_lines(result) == ["daigou: stdin line 4, column Subtotal: value '1508.00': the line items come to "
                                    "1580.00 CNY; nothing imported"]
    assert counts(shop) == before


def test_an_unknown_sku_is_refused_or_created_with_create_products(shop):
    text = table(SHOPIFY_HEADER, [
        first_row("#1005", "amy@example.com", "paid", "98.00", "2026-11-13 10:00:00 +0800")
        | item("#1005", "2026-11-13 10:00:00 +0800", "1", "SHIROI-12", "98.00", "白色恋人 12枚"),
    ])
    result = shop.run("order import - --from shopify", input=text, code=3)
    assert stderr_lines(result) == [
        "daigou: stdin line 2, column Lineitem sku: value 'SHIROI-12': unknown SKU (add it with daigou product "
        "add, or import with --create-products); nothing imported"]
    shop.run("order import - --from shopify --create-products", input=text)
    assert shop.sql("SELECT sku, name, price, currency FROM products WHERE sku = 'SHIROI-12'") == [
        ("SHIROI-12", "白色恋人 12枚", 9800, "CNY")]
    assert orders(shop)[0]["backordered"] == "1"


def test_a_financial_status_shopify_does_not_have_is_named(shop):
    result = shop.run("order import - --from shopify", input=EXPORT.replace(",pending,", ",waiting,"), code=3)
    assert stderr_lines(result) == [
        "daigou: stdin line 4, column Financial Status: value 'waiting': not a Shopify financial status (paid, "
        "partially_refunded, refunded, partially_paid, pending, authorized, voided, expired, unpaid); nothing imported"]


def test_partially_paid_records_what_is_not_outstanding(shop):
    text = table(SHOPIFY_HEADER, [
        first_row("#1006", "lily.chen@example.com", "partially_paid", "1580.00", "2026-11-13 10:00:00 +0800",
                  **{"Outstanding Balance": "1080.00"})
        | item("#1006", "2026-11-13 10:00:00 +0800", "1", "SKII-FTE-230", "1580.00"),
    ])
    shop.run("order import - --from shopify", input=text)
    assert [(o["state"], o["paid"], o["balance_due"]) for o in orders(shop)] == [
        ("deposit_paid", "500.00", "1080.00")]


def test_a_newest_first_export_gives_scarce_stock_to_the_oldest_orders(shop):
    """Shopify exports newest first. Two units of SK-II for three orders of one each: the two
    placed first hold them and the last placed waits, as if each had been taken when placed;
    the summary and the JSON list still follow the file."""
    newest_first = table(SHOPIFY_HEADER, [
        first_row(f"#20{n}", f"buyer{n}@example.com", "paid", "1580.00", f"2026-11-1{n} 10:00:00 +0800")
        | item(f"#20{n}", f"2026-11-1{n} 10:00:00 +0800", "1", "SKII-FTE-230", "1580.00")
        for n in (3, 2, 1)])
    result = json.loads(shop.run("order import - --from shopify --format json", input=newest_first).stdout)
    assert [o["external_id"] for o in result["orders"]] == ["#203", "#202", "#201"]
    held = {o["external_id"]: (o["reserved"], o["backordered"]) for o in orders(shop)}
    assert held == {"#201": ("1", "0"), "#202": ("1", "0"), "#203": ("0", "1")}
    # Order ids follow the time the orders were placed.
    assert shop.sql("SELECT external_id FROM orders ORDER BY id") == [("#201",), ("#202",), ("#203",)]


AT = "2026-11-13 10:00:00 +0800"


def one_order(status="paid", total="1580.00", price="1580.00", **more):
    return table(SHOPIFY_HEADER, [first_row("#1007", "lily.chen@example.com", status, total, AT, **more)
                                  | item("#1007", AT, "1", "SKII-FTE-230", price)])


@pytest.mark.parametrize("text, message", [
    (one_order("partially_paid", **{"Outstanding Balance": "1600.00"}),
     "line 2, column Outstanding Balance: value '1600.00': more than the order total 1580.00 CNY"),
    (one_order("partially_refunded", **{"Refunded Amount": "1600.00"}),
     "line 2, column Refunded Amount: value '1600.00': more than the order total 1580.00 CNY"),
    (one_order("refunded", **{"Refunded Amount": "1580.01"}),
     "line 2, column Refunded Amount: value '1580.01': more than the order total 1580.00 CNY"),
    (one_order(total="abc", Subtotal="1580.00"), "line 2, column Total: value 'abc': not an amount"),
    (one_order(price=""), "line 2, column Lineitem price: value '': required"),
    (one_order(price="$1580.00"),
     "line 2, column Lineitem price: value '$1580.00': a $ amount, but the currency is CNY"),
])
def test_money_cells_that_cannot_be_right_write_nothing(shop, text, message):
    before = counts(shop)
    result = shop.run("order import - --from shopify", input=text, code=3)
    assert stderr_lines(result) == [f"daigou: stdin {message}; nothing imported"]
    assert counts(shop) == before


@pytest.mark.parametrize("price", ["¥1580.00", "￥1580.00", "1,580.00"])
def test_a_price_in_the_orders_own_sign_or_with_thousands_is_exact(shop, price):
    shop.run("order import - --from shopify", input=one_order(price=price))
    assert lines(shop, "#1007") == [("SKII-FTE-230", 1, 158000)]
    assert payments(shop, "#1007")[0][0] == 158000


def test_a_yen_price_in_a_jpy_order(shop):
    shop.run("order import - --from shopify", input=one_order(total="30000", price="¥30,000", Subtotal="30000",
                                                              Currency="JPY"))
    assert lines(shop, "#1007") == [("SKII-FTE-230", 1, 30000)]


def two_lines(**second):
    return table(SHOPIFY_HEADER, [
        first_row("#1008", "amy@example.com", "paid", "1095.00", AT)
        | item("#1008", AT, "1", "SHISEIDO-UB-50", "680.00"),
        item("#1008", AT, "1", "ANESSA-60", "415.00", **second)])


@pytest.mark.parametrize("second, column, value, first", [
    ({"Financial Status": "pending"}, "Financial Status", "pending", "paid"),
    ({"Currency": "USD"}, "Currency", "USD", "CNY"),
    ({"Total": "415.00"}, "Total", "415.00", "1095.00"),
])
def test_an_order_cell_a_later_row_contradicts_writes_nothing(shop, second, column, value, first):
    before = counts(shop)
    result = shop.run("order import - --from shopify", input=two_lines(**second), code=3)
    assert stderr_lines(result) == [f"daigou: stdin line 3, column {column}: value '{value}': line 2 of the same "
                                    f"order says '{first}'; nothing imported"]
    assert counts(shop) == before


def test_a_later_row_may_repeat_the_order_cells(shop):
    shop.run("order import - --from shopify",
             input=two_lines(**{"Financial Status": "paid", "Currency": "CNY", "Total": "1095.00"}))
    assert [(o["state"], o["total"], o["paid"]) for o in orders(shop)] == [("paid", "1095.00", "1095.00")]
