"""The generic order CSV, one row per order line: order_id, date, customer, sku, qty, price
and optionally currency, channel, paid, refunded, status, phone, email, wechat, region, ...
Common Chinese and English header spellings are known; a mapping file (`--mapping`, lines of
`column name = field`, like hledger's CSV rules) maps any other spreadsheet's columns.

`order list --lines` writes this layout (ORDER_LINE_COLUMNS), so a ledger's orders import
back: into another ledger, or into the same one, where they are all unchanged."""

import re
import sqlite3

from daigou_cli.core import asof, clock, money
from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.importers import common
from daigou_cli.core.importers.cells import Cells, build_each, group_rows, require_columns
from daigou_cli.core.importers.orders import (
    Buyer,
    Context,
    Order,
    Source,
    layout,
    priced_lines,
    show_amount,
)

COLUMNS = ("order_id", "external_id", "id", "date", "customer", "sku", "qty", "price", "line_total", "total",
           "currency", "channel", "paid", "refunded", "status", "method", "phone", "email", "wechat",
           "platform_id", "region", "address", "title", "priority", "due")
ALIASES = {
    "order": "order_id", "order_no": "order_id", "order_number": "order_id", "订单号": "order_id",
    "订单编号": "order_id", "created_at": "date", "order_date": "date", "日期": "date", "下单时间": "date",
    "customer_name": "customer", "buyer": "customer", "客户": "customer", "买家": "customer",
    "quantity": "qty", "数量": "qty", "unit_price": "price", "单价": "price", "amount": "line_total",
    "金额": "line_total", "小计": "line_total", "order_total": "total", "总价": "total", "币种": "currency",
    "渠道": "channel", "已付": "paid", "已付金额": "paid", "已退款": "refunded", "state": "status",
    "状态": "status", "payment_method": "method", "付款方式": "method", "mobile": "phone", "手机": "phone",
    "电话": "phone", "邮箱": "email", "微信": "wechat", "buyer_id": "platform_id", "地区": "region",
    "地址": "address", "product_name": "title", "item_name": "title", "商品名称": "title", "货号": "sku",
    "商家编码": "sku", "商品编码": "sku",
}
DEFAULT_CHANNEL = "wechat"   # as for `order new`
ORDER_FIELDS = ("date", "customer", "currency", "status", "paid", "refunded", "total")
PAID = {"paid", "completed", "complete", "processing", "shipped", "partially_shipped", "delivered",
        "returned", "partially_returned", "已付款", "已付", "已发货", "已完成", "已收货", "交易成功"}
UNPAID = {"pending", "unpaid", "new", "待付款", "未付款", "等待买家付款"}
PART_PAID = {"deposit_paid", "partially_paid", "deposit", "定金", "已付定金"}
CANCELLED = {"cancelled", "canceled", "closed", "voided", "已取消", "取消", "交易关闭"}
REFUNDED = {"refunded", "已退款", "退款"}
PART_REFUNDED = {"partially_refunded", "部分退款"}
# Of the paid statuses, those about the money itself; shipped etc. may be shipped unpaid.
SAYS_PAID = {"paid", "已付款", "已付"}


def read_mapping(file: str) -> dict[str, str]:
    """`Their Column = our_field` lines; # starts a comment."""
    data, source, _ = common.read_bytes(file)
    text, _ = common.decode(data, source)
    mapping: dict[str, str] = {}
    lines: dict[str, int] = {}   # their column or our field -> the rules line that named it
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        title, sep, name = line.rpartition("=")
        title, name = title.strip().strip('"').strip(), name.strip().lower()
        if not sep or not title:
            raise InvalidInput(f"{source} line {number}: expected 'column name = field', got {line!r}")
        if name not in COLUMNS:
            raise InvalidInput(f"{source} line {number}: {name!r} is not a field ({', '.join(COLUMNS)})")
        # Two rules for one column, or two columns for one field: which one is meant?
        for key, what in ((f"column {title}", f"column {title!r}"), (f"field {name}", f"field {name!r}")):
            if key in lines:
                raise InvalidInput(f"{source} line {number}: {what} is also on line {lines[key]}")
            lines[key] = number
        mapping[title] = name
    return mapping


def read(file: str, encoding: str | None = None, mapping: str | None = None, **_) -> Source:
    aliases = ALIASES | (read_mapping(mapping) if mapping else {})
    table = common.read_table(file, layout(COLUMNS, ("sku", "qty", "price"), aliases), encoding)
    require_columns(table, ("order_id", "external_id", "id"), ("date",), ("customer",))
    return Source(table, lambda context: records(table, context))


def _key(cells: Cells, row, context: Context):
    number = cells.text(row, "order_id") or cells.text(row, "external_id") or cells.text(row, "id")
    if number is None:
        return None
    return (cells.text(row, "channel") or context.channel or DEFAULT_CHANNEL).lower(), number


def records(table, context: Context):
    cells = Cells(table, context.tz)
    groups = group_rows(table, lambda row: _key(cells, row, context))
    return build_each(table, groups, lambda rows: order(cells, rows, context))


def same_order_fields(cells: Cells, rows, columns=ORDER_FIELDS) -> None:
    """An order-level cell repeated on a later row of the order must say the same thing;
    an empty one is fine (the first row says it)."""
    first = rows[0]
    for row in rows[1:]:
        for column in columns:
            value, expected = cells.text(row, column), cells.text(first, column)
            if value is not None and expected is not None and value != expected:
                raise cells.fail(row, column, f"line {first.line} of the same order says {expected!r}")


def order(cells: Cells, rows, context: Context) -> Order:
    first = rows[0]
    id_column = next(c for c in ("order_id", "external_id", "id") if cells.has(c))
    key = _key(cells, first, context)
    if key is None:
        raise cells.fail(first, id_column, "required")
    channel, number = key
    same_order_fields(cells, rows)
    cur = cells.currency(first, "currency", context.base)
    items = []
    for row in rows:
        qty, price = cells.qty(row, "qty"), required_amount(cells, row, "price", cur)
        line_total = cells.amount(row, "line_total", cur)
        if line_total is not None and line_total != qty * price:
            raise cells.fail(row, "line_total", f"qty × price is {show_amount(qty * price, cur)}")
        items.append((cells.required(row, "sku"), qty, qty * price, cells.text(row, "title"),
                      cells.where(row, "sku")))
    total = sum(item[2] for item in items)
    stated = cells.amount(first, "total", cur)
    if stated is not None and stated != total:
        raise cells.fail(first, "total", f"the lines come to {show_amount(total, cur)}")
    status, received, refunded, cancelled = _money(cells, first, cur, total)
    ledger_id = None
    if not (cells.text(first, "order_id") or cells.text(first, "external_id")) and number.isdigit():
        ledger_id = int(number)
    cells.required(first, "date")
    return Order(
        channel=channel, external_id=number, at=cells.time(first, "date"), currency=cur,
        buyer=_buyer(cells, first), lines=priced_lines(items), status=status or "pending",
        received=received, refunded=refunded, cancelled=cancelled, method=cells.text(first, "method"),
        priority=cells.text(first, "priority"), due=cells.text(first, "due"), ledger_id=ledger_id)


def required_amount(cells: Cells, row, column: str, cur: str) -> int:
    """An amount the row must give: an empty price is a missing price, not a free item."""
    cells.required(row, column)
    return cells.amount(row, column, cur)


def _money(cells: Cells, row, cur: str, total: int) -> tuple[str | None, int, int, bool]:
    """(status, money in, money back, cancelled) from status, paid (net of refunds, as
    `order list` shows it) and refunded."""
    status = (cells.text(row, "status") or "").lower().replace(" ", "_") or None
    paid, back = cells.amount(row, "paid", cur), cells.amount(row, "refunded", cur)
    money_in = None if paid is None else paid + (back or 0)
    known = PAID | UNPAID | PART_PAID | CANCELLED | REFUNDED | PART_REFUNDED
    if status is not None and status not in known:
        raise cells.fail(row, "status", "not an order status (pending, paid, deposit_paid, cancelled, refunded, "
                                        "shipped, ... or 已付款, 已取消 ...)")
    if status in PART_PAID | PART_REFUNDED and (paid is None or (status in PART_REFUNDED and back is None)):
        raise cells.fail(row, "status", "needs the paid" + (" and refunded columns" if status in PART_REFUNDED
                                                             else " column"))
    if status in SAYS_PAID and money_in == 0 and total > 0:
        raise cells.fail(row, "paid", f"the status says {cells.text(row, 'status')!r} but this says nothing was "
                                      "received (leave it empty for the whole total)")
    if status in PAID | REFUNDED:
        received = total if money_in is None else money_in
    else:
        received = money_in or 0
    refunded = back if back is not None else (received if status in REFUNDED else 0)
    if received > total:
        raise cells.fail(row, "paid", f"more than the order total {show_amount(total, cur)}")
    if refunded > received:
        raise cells.fail(row, "refunded", f"more than was paid ({show_amount(received, cur)})")
    return status, received, refunded, status in CANCELLED


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s\-]{7,20}$")


def _buyer(cells: Cells, row) -> Buyer:
    name = cells.required(row, "customer")
    buyer = Buyer(name=name, phone=cells.phone(row, "phone"), email=cells.email(row, "email"),
                  wechat=cells.text(row, "wechat"), platform_id=cells.text(row, "platform_id"),
                  region=cells.text(row, "region"), address=cells.text(row, "address"))
    # A spreadsheet that names customers by email or phone number: use it as that contact too.
    if buyer.email is None and _EMAIL.match(name):
        buyer.email = cells.email(row, "customer")
    elif buyer.phone is None and _PHONE.match(name):
        buyer.phone = cells.phone(row, "customer")
    return buyer


# ----------------------------------------------------------------- order list --lines

ORDER_LINE_COLUMNS = ["id", "external_id", "channel", "customer", "state", "priority", "total", "paid",
                      "refunded", "balance_due", "currency", "created_at", "due", "line", "sku", "title", "qty",
                      "price", "phone", "email", "wechat", "region"]


def order_lines(conn: sqlite3.Connection, orders: list[dict], as_of: str = clock.END_OF_TIME) -> list[dict]:
    """`order list` rows, one per order line, with the customer's contacts: the generic layout,
    so `order list --lines --format csv` imports back with `order import --from csv`."""
    lines: dict[int, list] = {}
    for row in asof.query(conn, "SELECT s.order_id, s.line_no, s.sku, s.qty, s.price, p.name "
                                "FROM order_line_status s JOIN products p ON p.sku = s.sku "
                                "ORDER BY s.order_id, s.line_no", {}, as_of):
        lines.setdefault(row["order_id"], []).append(row)
    contacts = {r["id"]: r for r in conn.execute("SELECT id, phone, email, wechat, region FROM customers")}
    out = []
    for order in orders:
        who = contacts[order["customer_id"]]
        for line in lines.get(order["id"], []):
            out.append(order | {
                "line": line["line_no"], "sku": line["sku"], "title": line["name"], "qty": line["qty"],
                "price": money.to_decimal(line["price"], order["currency"]), "phone": who["phone"],
                "email": who["email"], "wechat": who["wechat"], "region": who["region"]})
    return out
