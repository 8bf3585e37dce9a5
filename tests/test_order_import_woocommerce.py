"""`order import --from woocommerce`: the Customer/Order CSV Export, one row per item, order
fields repeated on every row."""

import pytest
from order_import_data import (
    WOOCOMMERCE_HEADER,
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


def row(number, date, status, total, item_sku, qty, item_total, customer_id="17", first="小雨", last="孙",
        email="sunxiaoyu@example.com", phone="'+86 135 0000 1111", **more):
    return {"order_id": str(8800 + int(number)), "order_number": number, "date": date, "status": status,
            "shipping_total": "0.00", "order_total": total, "order_currency": "CNY", "payment_method": "alipay",
            "customer_id": customer_id, "billing_first_name": first, "billing_last_name": last,
            "billing_email": email, "billing_phone": phone, "shipping_city": "Shanghai",
            "item_sku": item_sku, "item_quantity": qty, "item_subtotal": item_total, "item_total": item_total} | more


EXPORT = table(WOOCOMMERCE_HEADER, [
    row("2001", "2026-11-12 14:20:00", "processing", "1090.00", "SHISEIDO-UB-50", "1", "680.00",
        shipping_total="12.00", discount_total="10.00", order_total="1090.00"),
    row("2001", "2026-11-12 14:20:00", "processing", "1090.00", "ANESSA-60", "2", "398.00",
        shipping_total="12.00", discount_total="10.00", order_total="1090.00"),
    row("2002", "2026-11-13 09:05:41", "completed", "100.00", "POCKY-CHOCO", "3", "40.00", "0", "雷", "李",
        "lilei@example.com", "'+86 150 2222 3344", item_subtotal="45.00", order_total="40.00"),
    row("2003", "2026-11-13 18:30:00", "cancelled", "1380.00", "WHOO-CREAM-50", "1", "1380.00",
        order_total="1380.00"),
    row("2004", "2026-11-14 11:11:11", "refunded", "289.00", "JSM-CUSHION", "1", "289.00", "23", "Lily", "Chen",
        "lily.chen@example.com", "", order_total="289.00", refunded_total="289.00"),
])


def test_orders_lines_payments_and_states(shop):
    result = shop.run("order import - --from woocommerce", input=EXPORT)
    assert result.stdout == "imported orders from stdin: 4 created, 0 updated, 0 unchanged, 0 rejected\n"
    assert [(o["external_id"], o["channel"], o["customer"], o["state"], o["total"], o["paid"], o["refunded"],
             o["reserved"]) for o in orders(shop)] == [
        ("2001", "woocommerce", "孙小雨", "paid", "1078.00", "1078.00", "0.00", "3"),
        ("2002", "woocommerce", "李雷", "paid", "40.00", "40.00", "0.00", "3"),
        ("2003", "woocommerce", "孙小雨", "cancelled", "1380.00", "0.00", "0.00", "0"),
        ("2004", "woocommerce", "Lily Chen", "cancelled", "289.00", "0.00", "289.00", "0"),
    ]
    # item_total 40.00 for 3 units: 13.34 once and 13.33 twice
    assert lines(shop, "2002") == [("POCKY-CHOCO", 1, 1334), ("POCKY-CHOCO", 2, 1333)]
    assert payments(shop, "2004") == [(28900, "alipay", "2026-11-14T03:11:11Z"),
                                      (-28900, "alipay", "2026-11-14T03:11:11Z")]
    # WooCommerce customer ids are kept (guests, customer_id 0, are not)
    assert shop.sql("SELECT platform_id, customer_id FROM customer_ids ORDER BY platform_id") == [("17", 1), ("23", 3)]
    assert shop.sql("SELECT name, phone, email FROM customers ORDER BY id") == [
        ("孙小雨", "+8613500001111", "sunxiaoyu@example.com"), ("李雷", "+8615022223344", "lilei@example.com"),
        ("Lily Chen", None, "lily.chen@example.com")]


def test_an_order_total_that_is_not_the_items_is_refused(shop):
    before = counts(shop)
    text = EXPORT + table(WOOCOMMERCE_HEADER, [
        row("2005", "2026-11-15 10:00:00", "processing", "1830.00", "WHOO-CREAM-50", "1", "1380.00")
    ]).split("\n", 1)[1]
    result = shop.run("order import - --from woocommerce", input=text, code=3)
    assert stderr_lines(result) == [
        "daigou: stdin line 7, column order_total: value '1830.00': the items come to 1380.00 CNY, with shipping, "
        "fees and taxes 1380.00 CNY; nothing imported"]
    assert counts(shop) == before


def test_an_unknown_status_is_named(shop):
    result = shop.run("order import - --from woocommerce", input=EXPORT.replace(",completed,", ",shipped,"), code=3)
    assert stderr_lines(result)[0].startswith(
        "daigou: stdin line 4, column status: value 'shipped': not a WooCommerce order status (pending, processing")
