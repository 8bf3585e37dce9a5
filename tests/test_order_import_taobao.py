"""`order import --from taobao --items`: the 订单报表 joined to the 宝贝报表 on 订单编号, in
GB18030 with every field quoted, ="…" order numbers, '139… phones and header names that end in
a space."""

import csv

import pytest
from order_import_data import (
    TAOBAO_ITEMS_HEADER,
    TAOBAO_ORDERS_HEADER,
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


def order(number, nick, goods, status, name, mobile, created, paid_at="", **more):
    return {"订单编号": f'="{number}"', "买家会员名": nick, "买家应付货款": goods, "买家应付邮费": "0.00",
            "总金额": goods, "买家实际支付金额": goods if paid_at else "0.00", "订单状态": status, "收货人姓名": name,
            "收货地址 ": "上海 上海市 徐汇区 漕溪北路 88 号(200030)", "联系手机": f"'{mobile}",
            "订单创建时间": created, "订单付款时间 ": paid_at} | more


def item(number, title, price, qty, sku="", outer=""):
    return {"订单编号": f'="{number}"', "标题": title, "价格": price, "购买数量": qty, "商家编码": sku,
            "外部系统编号": outer, "订单状态": ""}


ORDERS = [
    order("3915123456789012345", "xiaomei_wang", "1078.00", "交易成功", "王小美", "13912345678",
          "2026-11-10 22:14:05", "2026-11-10 22:14:40"),
    order("3915123456789012346", "nana_tb", "1380.00", "买家已付款，等待卖家发货", "李娜", "13910002233",
          "2026-11-11 00:00:31", "2026-11-11 00:01:02"),
    order("3915123456789012347", "sunny_zhou", "346.00", "等待买家付款", "周晴", "13700137000",
          "2026-11-11 10:20:00"),
    order("3915123456789012348", "nana_tb", "90.00", "交易关闭", "李娜", "13910002233", "2026-11-12 08:00:00",
          **{"买家应付货款": "30.00", "总金额": "30.00"}),
]
ITEMS = [
    item("3915123456789012345", "资生堂红腰子精华 50ml", "680.00", "1", sku="SHISEIDO-UB-50"),
    item("3915123456789012345", "安热沙小金瓶防晒 60ml", "199.00", "2", sku="ANESSA-60"),
    item("3915123456789012346", "Whoo 后天气丹乳霜 50ml", "1380.00", "1", sku="WHOO-CREAM-50"),
    item("3915123456789012347", "郑青水 水光气垫", "289.00", "1", outer="JSM-CUSHION"),
    item("3915123456789012347", "Pocky 巧克力棒", "19.00", "3", sku="POCKY-CHOCO"),
    item("3915123456789012348", "Pocky 巧克力棒", "15.00", "2", sku="POCKY-CHOCO"),
]


def write_pair(tmp_path, orders_rows=ORDERS, item_rows=ITEMS, encoding="gb18030"):
    """The two files as Taobao writes them: every field quoted, CRLF, data rows of the 宝贝报表
    ending in a trailing comma."""
    orders_file, items_file = tmp_path / "ExportOrderList.csv", tmp_path / "ExportOrderDetailList.csv"
    orders_file.write_bytes(table(TAOBAO_ORDERS_HEADER, orders_rows, quote_all=True, lineterminator="\r\n")
                            .encode(encoding))
    text = table(TAOBAO_ITEMS_HEADER, item_rows, quote_all=True, lineterminator="\r\n")
    head, *rows = text.split("\r\n")
    items_file.write_bytes(("\r\n".join([head] + [r + "," if r else r for r in rows])).encode(encoding))
    return orders_file, items_file


def refused(shop, orders_file, items_file) -> list[str]:
    """Import the pair expecting a refusal (exit 3) that writes nothing; its stderr lines."""
    before = counts(shop)
    result = shop.run(f"order import {orders_file} --from taobao --items {items_file}", code=3)
    assert counts(shop) == before
    return stderr_lines(result)


def test_the_gb18030_pair_becomes_orders_with_lines_states_and_buyers(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path)
    assert b'"=""3915123456789012345"""' in orders_file.read_bytes()
    assert "'13912345678".encode() in orders_file.read_bytes()
    result = shop.run(f"order import {orders_file} --from taobao --items {items_file}")
    assert result.stdout == f"imported orders from {orders_file}: 4 created, 0 updated, 0 unchanged, 0 rejected\n"
    assert [(o["external_id"], o["channel"], o["customer"], o["state"], o["total"], o["paid"], o["created_at"])
            for o in orders(shop)] == [
        ("3915123456789012345", "taobao", "王小美", "paid", "1078.00", "1078.00", "2026-11-10T22:14:05+08:00"),
        ("3915123456789012346", "taobao", "李娜", "paid", "1380.00", "1380.00", "2026-11-11T00:00:31+08:00"),
        ("3915123456789012347", "taobao", "周晴", "pending", "346.00", "0.00", "2026-11-11T10:20:00+08:00"),
        ("3915123456789012348", "taobao", "李娜", "cancelled", "30.00", "0.00", "2026-11-12T08:00:00+08:00"),
    ]
    assert lines(shop, "3915123456789012347") == [("JSM-CUSHION", 1, 28900), ("POCKY-CHOCO", 3, 1900)]
    assert payments(shop, "3915123456789012346") == [(138000, "alipay", "2026-11-10T16:01:02Z")]
    assert shop.sql("SELECT name, phone, region, address FROM customers ORDER BY id") == [
        ("王小美", "13912345678", "上海", "上海 上海市 徐汇区 漕溪北路 88 号(200030)"),
        ("李娜", "13910002233", "上海", "上海 上海市 徐汇区 漕溪北路 88 号(200030)"),
        ("周晴", "13700137000", "上海", "上海 上海市 徐汇区 漕溪北路 88 号(200030)")]
    assert shop.sql("SELECT channel, platform_id, customer_id FROM customer_ids ORDER BY customer_id") == [
        ("taobao", "xiaomei_wang", 1), ("taobao", "nana_tb", 2), ("taobao", "sunny_zhou", 3)]


def test_a_shop_discount_prices_the_lines_at_what_was_paid(shop, tmp_path):
    rows = [order("3915123456789012345", "xiaomei_wang", "1000.00", "交易成功", "王小美", "13912345678",
                  "2026-11-10 22:14:05", "2026-11-10 22:14:40")]
    orders_file, items_file = write_pair(tmp_path, rows, ITEMS[:2])
    shop.run(f"order import {orders_file} --from taobao --items {items_file}")
    # 买家应付货款 1000.00 for items of 1078.00: 49.20 off the 680.00 line, 28.80 off the two at 199.00
    assert lines(shop, "3915123456789012345") == [("SHISEIDO-UB-50", 1, 63080), ("ANESSA-60", 2, 18460)]
    assert [(o["total"], o["paid"], o["state"]) for o in orders(shop)] == [("1000.00", "1000.00", "paid")]


def test_the_encoding_can_be_named(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path, encoding="gbk")
    shop.run(f"order import {orders_file} --from taobao --items {items_file} --encoding gbk -q")
    assert len(orders(shop)) == 4


def test_the_items_file_is_required(shop, tmp_path):
    orders_file, _ = write_pair(tmp_path)
    result = shop.run(f"order import {orders_file} --from taobao", code=3)
    assert stderr_lines(result) == [
        "daigou: --items: the 订单报表 has no SKUs; give the 宝贝报表 too "
        "(daigou order import ORDERS.csv --from taobao --items ITEMS.csv)"]


def test_a_bad_item_names_the_items_file_line_and_column(shop, tmp_path):
    bad = ITEMS[:4] + [item("3915123456789012347", "Pocky 巧克力棒", "19.0O", "3", sku="POCKY-CHOCO")] + ITEMS[5:]
    orders_file, items_file = write_pair(tmp_path, item_rows=bad)
    assert refused(shop, orders_file, items_file) == [
        f"daigou: {items_file} line 6, column 价格: value '19.0O': not an amount; nothing imported"]


def test_goods_that_are_more_than_the_items_are_refused(shop, tmp_path):
    rows = ORDERS[:1] + [order("3915123456789012346", "nana_tb", "1830.00", "交易成功", "李娜", "13910002233",
                               "2026-11-11 00:00:31", "2026-11-11 00:01:02")]
    orders_file, items_file = write_pair(tmp_path, rows, ITEMS[:3])
    result = shop.run(f"order import {orders_file} --from taobao --items {items_file}", code=3)
    assert stderr_lines(result) == [
        f"daigou: {orders_file} line 3, column 买家应付货款: value '1830.00': the items in {items_file} come to "
        "1380.00 CNY; nothing imported"]


def test_an_item_of_an_order_not_in_the_orders_file_is_refused(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path, ORDERS[:1], ITEMS[:3])
    result = shop.run(f"order import {orders_file} --from taobao --items {items_file}", code=3)
    assert stderr_lines(result) == [
        f"daigou: {items_file} line 4, column 订单编号: value '=\"3915123456789012346\"': no such order in "
        f"{orders_file}; nothing imported"]


def test_an_order_with_no_sku_names_the_sku_column(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path, ORDERS[:1], [ITEMS[0], item("3915123456789012345", "?", "199.00", "2")])
    result = shop.run(f"order import {orders_file} --from taobao --items {items_file}", code=3)
    assert stderr_lines(result) == [
        f"daigou: {items_file} line 3, column 商家编码: value '': required (no 商家编码 or 外部系统编号 for this item); "
        "nothing imported"]


def first_order(goods="1078.00", **more):
    """ORDERS[0] (two items, 3 units, 1078.00) with other goods or more cells."""
    return order("3915123456789012345", "xiaomei_wang", goods, "交易成功", "王小美", "13912345678",
                 "2026-11-10 22:14:05", "2026-11-10 22:14:40", **more)


def test_items_that_do_not_add_up_to_the_units_of_the_order_are_refused(shop, tmp_path):
    # 10 units of the 680.00 line for 3 ordered: not a discount of 6120.00 but a wrong 购买数量
    wrong = [item("3915123456789012345", "资生堂红腰子精华 50ml", "680.00", "10", sku="SHISEIDO-UB-50"), ITEMS[1]]
    orders_file, items_file = write_pair(tmp_path, [first_order(**{"宝贝总数量": "3"})], wrong)
    assert refused(shop, orders_file, items_file) == [
        f"daigou: {orders_file} line 2, column 宝贝总数量: value '3': the 购买数量 of its items in {items_file} "
        "(lines 2, 3) come to 12; nothing imported"]


def test_an_items_export_pasted_in_twice_does_not_add_up_to_the_units(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path, [first_order(**{"宝贝总数量": "3"})], ITEMS[:2] * 2)
    assert refused(shop, orders_file, items_file) == [
        f"daigou: {orders_file} line 2, column 宝贝总数量: value '3': the 购买数量 of its items in {items_file} "
        "(lines 2, 3, 4, 5) come to 6; nothing imported"]


def test_without_the_units_an_item_row_repeated_in_one_order_is_refused(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path, [first_order()], ITEMS[:2] * 2)
    assert refused(shop, orders_file, items_file) == [
        f"daigou: {items_file} line 4, column 标题: value '资生堂红腰子精华 50ml': the same item as line 2, twice "
        "in one order (two exports pasted together?); nothing imported"]


def test_without_the_units_more_than_half_off_is_refused(shop, tmp_path):
    wrong = [item("3915123456789012345", "资生堂红腰子精华 50ml", "680.00", "10", sku="SHISEIDO-UB-50"), ITEMS[1]]
    orders_file, items_file = write_pair(tmp_path, [first_order()], wrong)
    assert refused(shop, orders_file, items_file) == [
        f"daigou: {orders_file} line 2, column 买家应付货款: value '1078.00': the items in {items_file} come to "
        "7198.00 CNY, more than twice as much (check their 购买数量 and 价格); nothing imported"]


def test_a_big_discount_is_taken_when_the_units_confirm_the_items(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path, [first_order("500.00", **{"宝贝总数量": "3"})], ITEMS[:2])
    shop.run(f"order import {orders_file} --from taobao --items {items_file}")
    # 578.00 off 1078.00: 364.60 off the 680.00 line, 213.40 off the two at 199.00
    assert lines(shop, "3915123456789012345") == [("SHISEIDO-UB-50", 1, 31540), ("ANESSA-60", 2, 9230)]
    assert [(o["total"], o["paid"], o["state"]) for o in orders(shop)] == [("500.00", "500.00", "paid")]


def same_number_as_the_first(rows):
    """The last order (3915…348) given the first one's number in both files."""
    return [row | {"订单编号": '="3915123456789012345"'} if row["订单编号"] == '="3915123456789012348"' else row
            for row in rows]


def test_an_order_number_on_two_rows_of_the_orders_file_is_refused(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path, same_number_as_the_first(ORDERS), same_number_as_the_first(ITEMS))
    assert refused(shop, orders_file, items_file) == [
        f"daigou: {orders_file} line 5, column 订单编号: value '=\"3915123456789012345\"': also the order number "
        "on line 2; the 订单报表 has one row per order; nothing imported"]


def test_skip_invalid_rejects_both_rows_that_share_an_order_number(shop, tmp_path):
    orders_file, items_file = write_pair(tmp_path, same_number_as_the_first(ORDERS), same_number_as_the_first(ITEMS))
    result = shop.run(f"order import {orders_file} --from taobao --items {items_file} --skip-invalid")
    rejects = tmp_path / "ExportOrderList.rejects.csv"
    assert result.stdout == (f"imported orders from {orders_file}: 2 created, 0 updated, 0 unchanged, 1 rejected "
                             f"→ {rejects}\n")
    with open(rejects, encoding="utf-8", newline="") as f:
        got = list(csv.reader(f))
    reason = ("column 订单编号: value '=\"3915123456789012345\"': also the order number on line 2; the 订单报表 "
              "has one row per order")
    assert [r[:4] for r in got[1:]] == [[reason, "2", "'=\"3915123456789012345\"", "xiaomei_wang"],
                                        [reason, "5", "'=\"3915123456789012345\"", "nana_tb"]]
    assert [o["external_id"] for o in orders(shop)] == ["3915123456789012346", "3915123456789012347"]


@pytest.mark.parametrize(("cell", "number"), [('="3.91512E+18"', "3.91512E+18"), ("3.91512E+18", "3.91512E+18"),
                                              ("3.91512E18", "3.91512E18")])
def test_an_order_number_excel_has_rounded_is_refused(shop, tmp_path, cell, number):
    rows = [ORDERS[0] | {"订单编号": cell}, ORDERS[1]]
    orders_file, items_file = write_pair(tmp_path, rows, [ITEMS[0] | {"订单编号": cell}, ITEMS[2]])
    assert refused(shop, orders_file, items_file) == [
        f"daigou: {orders_file} line 2, column 订单编号: value '{cell}': a number Excel has rounded "
        f"({number}); export the file again without opening it in Excel; nothing imported"]


def test_an_order_number_excel_has_rounded_in_the_items_file_is_refused(shop, tmp_path):
    item_rows = [ITEMS[0], ITEMS[1] | {"订单编号": '="3.91512E+18"'}]
    orders_file, items_file = write_pair(tmp_path, ORDERS[:1], item_rows)
    assert refused(shop, orders_file, items_file) == [
        f"daigou: {items_file} line 3, column 订单编号: value '=\"3.91512E+18\"': a number Excel has rounded "
        "(3.91512E+18); export the file again without opening it in Excel; nothing imported"]
