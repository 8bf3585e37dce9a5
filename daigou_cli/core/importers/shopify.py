"""Shopify "Export orders" CSV: one row per line item, all rows of an order sharing `Name`
(#1001, the external id). Order fields (Financial Status, Total, Currency, addresses) are
filled on the first row only, so they are read from there; a later row that fills one must
agree with the first."""

from daigou_cli.core.importers.cells import Cells, build_each, group_rows, require_columns
from daigou_cli.core.importers.common import Table, read_table
from daigou_cli.core.importers.generic import required_amount, same_order_fields
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

COLUMNS = (
    "name", "email", "financial_status", "paid_at", "currency", "subtotal", "shipping", "taxes", "total",
    "discount_amount", "created_at", "lineitem_quantity", "lineitem_name", "lineitem_price", "lineitem_sku",
    "lineitem_discount", "billing_name", "billing_phone", "billing_city", "billing_province",
    "shipping_name", "shipping_address1", "shipping_address2", "shipping_city", "shipping_province",
    "shipping_country", "shipping_phone", "cancelled_at", "payment_method", "refunded_amount",
    "outstanding_balance", "phone",
)
LAYOUT = layout(COLUMNS, ("name", "lineitem_quantity", "lineitem_price"))
CHANNEL = "shopify"
# Financial Status -> paid in full?; voided is a cancelled authorisation.
PAID = {"paid": True, "partially_refunded": True, "refunded": True, "partially_paid": False,
        "pending": False, "authorized": False, "voided": False, "expired": False, "unpaid": False}
ORDER_FIELDS = ("email", "financial_status", "paid_at", "currency", "subtotal", "shipping", "taxes", "total",
                "discount_amount", "created_at", "cancelled_at", "payment_method", "refunded_amount",
                "outstanding_balance")


def read(file: str, encoding: str | None = None, **_) -> Source:
    table = read_table(file, LAYOUT, encoding)
    require_columns(table, ("created_at",), ("financial_status",), ("lineitem_sku",))
    return Source(table, lambda context: records(table, context))


def records(table: Table, context: Context):
    cells = Cells(table, context.tz)
    groups = group_rows(table, lambda row: cells.text(row, "name"))
    return build_each(table, groups, lambda rows: order(cells, rows, context))


def order(cells: Cells, rows, context: Context) -> Order:
    first = rows[0]
    same_order_fields(cells, rows, ORDER_FIELDS)
    cur = cells.currency(first, "currency", context.base)
    status = (cells.required(first, "financial_status")).lower().replace(" ", "_")
    if status not in PAID:
        raise cells.fail(first, "financial_status", f"not a Shopify financial status ({', '.join(PAID)})")
    items, gross = [], 0
    for row in rows:
        qty, price = cells.qty(row, "lineitem_quantity"), required_amount(cells, row, "lineitem_price", cur)
        sku = cells.required(row, "lineitem_sku")
        discount = cells.amount(row, "lineitem_discount", cur) or 0
        if discount > qty * price:
            raise cells.fail(row, "lineitem_discount", f"more than the line's {show_amount(qty * price, cur)}")
        items.append([sku, qty, price, discount, cells.text(row, "lineitem_name"), cells.where(row, "lineitem_sku")])
        gross += qty * price
    order_discount = cells.amount(first, "discount_amount", cur) or 0
    if order_discount and not any(item[3] for item in items):
        if order_discount > gross:
            raise cells.fail(first, "discount_amount", f"more than the line items' {show_amount(gross, cur)}")
        for item, share in zip(items, spread(order_discount, [i[1] * i[2] for i in items]), strict=True):
            item[3] = share
    net = gross - sum(item[3] for item in items)
    subtotal = cells.amount(first, "subtotal", cur)
    if subtotal is not None and subtotal not in (net, gross):
        raise cells.fail(first, "subtotal", f"the line items come to {show_amount(net, cur)}"
                         + (f" after {show_amount(gross - net, cur)} discount" if net != gross else ""))
    lines = priced_lines([(s, q, q * p - d, t, w) for s, q, p, d, t, w in items])
    received, refunded = _payments(cells, first, status, cur, net)
    cancelled_at = cells.time(first, "cancelled_at")
    return Order(
        channel=context.channel or CHANNEL, external_id=cells.required(first, "name"),
        at=cells.time(first, "created_at") or cells.required(first, "created_at"), currency=cur,
        buyer=_buyer(cells, first), lines=lines, status=status, received=received, refunded=refunded,
        cancelled=cancelled_at is not None or status == "voided", paid_at=cells.time(first, "paid_at"),
        cancelled_at=cancelled_at, method=cells.text(first, "payment_method") or "shopify")


def _payments(cells: Cells, row, status: str, cur: str, net: int) -> tuple[int | None, int]:
    """(money in, money back). Total may add shipping and taxes to the lines, so it bounds what
    Shopify says is outstanding or refunded; what the ledger records stays within the lines."""
    total = cells.amount(row, "total", cur)
    received = net if PAID[status] else 0
    if status == "partially_paid":
        outstanding = _within_total(cells, row, "outstanding_balance", cur, total)
        received = None if outstanding is None or total is None else min(max(total - outstanding, 0), net)
    refunded = 0
    if status in ("refunded", "partially_refunded"):
        given = _within_total(cells, row, "refunded_amount", cur, total)
        refunded = min(given if given is not None else (net if status == "refunded" else 0), net)
    return received, refunded


def _within_total(cells: Cells, row, column: str, cur: str, total: int | None) -> int | None:
    amount = cells.amount(row, column, cur)
    if amount is not None and total is not None and amount > total:
        raise cells.fail(row, column, f"more than the order total {show_amount(total, cur)}")
    return amount


def _buyer(cells: Cells, row) -> Buyer:
    phone = next((c for c in ("phone", "billing_phone", "shipping_phone") if cells.text(row, c)), None)
    address = " ".join(p for p in (cells.text(row, c) for c in (
        "shipping_province", "shipping_city", "shipping_address1", "shipping_address2")) if p)
    return Buyer(
        name=cells.text(row, "billing_name") or cells.text(row, "shipping_name"),
        phone=cells.phone(row, phone) if phone else None, email=cells.email(row, "email"),
        region=cells.text(row, "shipping_city") or cells.text(row, "billing_city"),
        address=address or None)
