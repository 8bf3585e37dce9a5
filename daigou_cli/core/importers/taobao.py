"""Taobao/Tmall 订单报表 (one row per order) joined on 订单编号 to the 宝贝报表 (one row per
item, `--items`). GBK/GB18030, header names with trailing spaces, ="3915…" order numbers and
'139… phone numbers; times are Beijing time. The SKU is 商家编码, else 外部系统编号."""

import re

from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.importers.cells import Cells, build_each, clean, group_rows, require_columns
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
                 "订单关闭原因", "宝贝总数量")
ITEM_COLUMNS = ("订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "订单状态", "商家编码")
LAYOUT = layout(ORDER_COLUMNS, ("订单编号", "订单状态", "订单创建时间"))
ITEMS = layout(ITEM_COLUMNS, ("订单编号", "价格", "购买数量"))
CHANNEL = "taobao"
BEIJING = "Asia/Shanghai"
CURRENCY = "CNY"
# 订单状态 (punctuation and spaces ignored) -> paid?; 交易关闭 is a cancelled order.
STATUSES = {"等待买家付款": False, "买家已付款等待卖家发货": True, "卖家部分发货": True,
            "卖家已发货等待买家确认": True, "交易成功": True, "交易关闭": None}
# A 订单编号 that Excel saved as it shows it (3.91512E+18, 3,91512E18): the last digits are gone,
# so different orders look alike and would be joined or merged.
ROUNDED = re.compile(r"\d+(?:[.,]\d+)?E\+?\d+", re.I)
# What tells two rows of one order's items apart, to catch an export pasted in twice.
ITEM_KEY = ("标题", "价格", "购买数量", "商家编码", "外部系统编号", "商品属性")


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
    _whole_numbers(cells)
    _whole_numbers(item_cells)
    by_order: dict[str, list] = {}
    for row in goods.rows:
        by_order.setdefault(clean(row.values.get("订单编号")), []).append(row)
    known = {clean(row.values.get("订单编号")) for row in orders.rows}
    for number, rows in by_order.items():
        if number not in known:
            where = item_cells.where(rows[0], "订单编号", f"no such order in {orders.source}")
            raise InvalidInput(f"{where}; nothing imported")
    # Rows sharing an 订单编号 stay together so that both are refused (and both rejected).
    return build_each(orders, group_rows(orders, lambda row: clean(row.values.get("订单编号"))),
                      lambda rows: order(cells, item_cells, rows, by_order, context))


def _whole_numbers(cells: Cells) -> None:
    """A rounded 订单编号 refuses the whole import: the file went through Excel, so it cannot
    be joined to the other one, and any of its numbers may be wrong."""
    for row in cells.table.rows:
        number = clean(row.values.get("订单编号"))
        if number and ROUNDED.fullmatch(number):
            where = cells.where(row, "订单编号", f"a number Excel has rounded ({number}); export the file "
                                                  "again without opening it in Excel")
            raise InvalidInput(f"{where}; nothing imported")


def order(cells: Cells, item_cells: Cells, rows: list, by_order: dict, context: Context) -> Order:
    row, number = rows[0], cells.required(rows[0], "订单编号")
    if len(rows) > 1:
        raise cells.fail(rows[1], "订单编号", f"also the order number on line {row.line}; the 订单报表 has "
                                            "one row per order")
    status = cells.required(row, "订单状态")
    if status_key(status) not in STATUSES:
        raise cells.fail(row, "订单状态", "not a Taobao order status (" + ", ".join(
            ("买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功", "交易关闭", "等待买家付款")) + ")")
    paid = STATUSES[status_key(status)]
    if not by_order.get(number):
        raise cells.fail(row, "订单编号", f"no items for this order in {item_cells.table.source}")
    items = _items(item_cells, by_order[number])
    confirmed = _units(cells, row, item_cells, by_order[number], items)
    net = _goods(cells, row, items, item_cells.table.source, confirmed)
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


def _units(cells: Cells, row, item_cells: Cells, item_rows: list, items: list[list]) -> bool:
    """Whether 宝贝总数量 confirms the items' 购买数量 (a wrong 购买数量, or items listed twice,
    would otherwise pass for a shop discount)."""
    if cells.text(row, "宝贝总数量") is None:
        _no_repeats(item_cells, item_rows)
        return False
    expected, units = cells.qty(row, "宝贝总数量"), sum(qty for _, qty, *_ in items)
    if units != expected:
        lines = ", ".join(str(item.line) for item in item_rows)
        raise cells.fail(row, "宝贝总数量", f"the 购买数量 of its items in {item_cells.table.source} "
                                         f"(line{'s' if len(item_rows) > 1 else ''} {lines}) come to {units}")
    return True


def _no_repeats(item_cells: Cells, item_rows: list) -> None:
    """With no 宝贝总数量 to count against, an item row repeated exactly is an export pasted in
    twice rather than a second purchase: Taobao gives an item one row with its 购买数量."""
    seen: dict[tuple, int] = {}
    for item in item_rows:
        first = seen.setdefault(tuple(item.values.get(c) for c in ITEM_KEY), item.line)
        if first != item.line:
            raise item_cells.fail(item, "标题", f"the same item as line {first}, twice in one order "
                                               "(two exports pasted together?)")


def _goods(cells: Cells, row, items: list[list], items_source: str, confirmed: bool) -> int:
    """What the goods came to: 买家应付货款 (checked against the items and 总金额), a shop
    discount below the items' prices spread over them; else the items at their prices. More
    than half off is more likely a wrong 购买数量 or 价格, unless 宝贝总数量 confirms the units."""
    gross = sum(qty * price for _, qty, price, *_ in items)
    goods = cells.amount(row, "买家应付货款", CURRENCY)
    if goods is not None and goods > gross:
        raise cells.fail(row, "买家应付货款", f"the items in {items_source} come to {show_amount(gross, CURRENCY)}")
    if goods is not None and 2 * goods < gross and not confirmed:
        raise cells.fail(row, "买家应付货款", f"the items in {items_source} come to {show_amount(gross, CURRENCY)}, "
                                         "more than twice as much (check their 购买数量 and 价格)")
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
