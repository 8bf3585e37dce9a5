"""Taobao/Tmall 订单报表 (one row per order) joined on 订单编号 to the 宝贝报表 (one row per
item, `--items`). GBK/GB18030, header names with trailing spaces, ="3915…" order numbers and
'139… phone numbers; times are Beijing time. The SKU is 商家编码, else 外部系统编号."""

import re

from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.importers.cells import Cells, build_each, clean, require_columns
from daigou_cli.core.importers.common import Table, read_table
from daigou_cli.core.importers.orders import (
    Buyer,
    Context,
    Order,
    Source,
    layout,
    priced_lines,
    show_amount,
    spread,
)

ORDER_COLUMNS = ("订单编号", "买家会员名", "买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额", "订单状态",
                 "收货人姓名", "收货地址", "联系电话", "联系手机", "订单创建时间", "订单付款时间", "退款金额",
                 "订单关闭原因")
ITEM_COLUMNS = ("订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "订单状态", "商家编码")
LAYOUT = layout(ORDER_COLUMNS, ("订单编号", "订单状态", "订单创建时间"))
ITEMS = layout(ITEM_COLUMNS, ("订单编号", "价格", "购买数量"))
CHANNEL = "taobao"
BEIJING = "Asia/Shanghai"
CURRENCY = "CNY"
# 订单状态 (punctuation and spaces ignored) -> paid?; 交易关闭 is a cancelled order.
STATUSES = {"等待买家付款": False, "买家已付款等待卖家发货": True, "卖家部分发货": True,
            "卖家已发货等待买家确认": True, "交易成功": True, "交易关闭": None}


def read(file: str, encoding: str | None = None, items: str | None = None, **_) -> Source:
    if not items:
        raise InvalidInput("--items: the 订单报表 has no SKUs; give the 宝贝报表 too "
                           "(daigou order import ORDERS.csv --from taobao --items ITEMS.csv)")
    orders = read_table(file, LAYOUT, encoding)
    goods = read_table(items, ITEMS, encoding)
    require_columns(goods, ("商家编码", "外部系统编号"))
    return Source(orders, lambda context: records(orders, goods, context))


def status_key(text: str | None) -> str:
    return re.sub(r"[\s,，、:：]", "", text or "")


def records(orders: Table, goods: Table, context: Context):
    cells, item_cells = Cells(orders, BEIJING), Cells(goods, BEIJING)
    by_order: dict[str, list] = {}
    for row in goods.rows:
        by_order.setdefault(clean(row.values.get("订单编号")), []).append(row)
    known = {clean(row.values.get("订单编号")) for row in orders.rows}
    for number, rows in by_order.items():
        if number not in known:
            where = item_cells.where(rows[0], "订单编号", f"no such order in {orders.source}")
            raise InvalidInput(f"{where}; nothing imported")
    return build_each(orders, [[row] for row in orders.rows],
                      lambda rows: order(cells, item_cells, rows[0], by_order, context))


def order(cells: Cells, item_cells: Cells, row, by_order: dict, context: Context) -> Order:
    number = cells.required(row, "订单编号")
    status = cells.required(row, "订单状态")
    if status_key(status) not in STATUSES:
        raise cells.fail(row, "订单状态", "not a Taobao order status (" + ", ".join(
            ("买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功", "交易关闭", "等待买家付款")) + ")")
    paid = STATUSES[status_key(status)]
    if not by_order.get(number):
        raise cells.fail(row, "订单编号", f"no items for this order in {item_cells.table.source}")
    items = _items(item_cells, by_order[number])
    net = _goods(cells, row, items, item_cells.table.source)
    paid_at = cells.time(row, "订单付款时间")
    closed = paid is None
    received = net if paid or (closed and paid_at) else 0
    refund = cells.amount(row, "退款金额", CURRENCY) or 0
    refunded = min(refund, received) if refund or not closed else received
    cells.required(row, "订单创建时间")
    return Order(
        channel=context.channel or CHANNEL, external_id=number, at=cells.time(row, "订单创建时间"),
        currency=CURRENCY, buyer=_buyer(cells, row), status=status, received=received, refunded=refunded,
        lines=priced_lines([(sku, qty, qty * price - off, title, where) for sku, qty, price, off, title, where in items]),
        cancelled=closed, paid_at=paid_at, method="alipay",
        raw=[(item_cells.table, item) for item in by_order[number]])


def _items(item_cells: Cells, rows) -> list[list]:
    """[sku, qty, price, discount, title, where] per row of the 宝贝报表."""
    items = []
    for item in rows:
        if item.problem:
            raise InvalidInput(f"{item_cells.table.source} line {item.line}: {item.problem}")
        own = item_cells.text(item, "商家编码") or not item_cells.has("外部系统编号")
        sku_column = "商家编码" if own else "外部系统编号"
        qty, price = item_cells.qty(item, "购买数量"), item_cells.amount(item, "价格", CURRENCY)
        if price is None:
            raise item_cells.fail(item, "价格", "required")
        sku = item_cells.text(item, sku_column)
        if sku is None:
            raise item_cells.fail(item, "商家编码", "required (no 商家编码 or 外部系统编号 for this item)")
        items.append([sku, qty, price, 0, item_cells.text(item, "标题"), item_cells.where(item, sku_column)])
    return items


def _goods(cells: Cells, row, items: list[list], items_source: str) -> int:
    """What the goods came to: 买家应付货款 (checked against the items and 总金额), a shop
    discount below the items' prices spread over them; else the items at their prices."""
    gross = sum(qty * price for _, qty, price, *_ in items)
    goods = cells.amount(row, "买家应付货款", CURRENCY)
    if goods is not None and goods > gross:
        raise cells.fail(row, "买家应付货款", f"the items in {items_source} come to {show_amount(gross, CURRENCY)}")
    postage, total = cells.amount(row, "买家应付邮费", CURRENCY), cells.amount(row, "总金额", CURRENCY)
    if None not in (goods, postage, total) and total != goods + postage:
        raise cells.fail(row, "总金额", f"买家应付货款 {show_amount(goods, CURRENCY)} + 买家应付邮费 "
                                      f"{show_amount(postage, CURRENCY)} = {show_amount(goods + postage, CURRENCY)}")
    if goods is None:
        return gross
    for item, share in zip(items, spread(gross - goods, [i[1] * i[2] for i in items]), strict=True):
        item[3] = share
    return goods


def _buyer(cells: Cells, row) -> Buyer:
    phone = "联系手机" if cells.text(row, "联系手机") else "联系电话"
    address = cells.text(row, "收货地址")
    return Buyer(name=cells.text(row, "收货人姓名") or cells.text(row, "买家会员名"),
                 phone=cells.phone(row, phone), platform_id=cells.text(row, "买家会员名"),
                 region=address.split()[0] if address else None, address=address)
