"""WooCommerce Customer/Order CSV Export, one row per item: order fields repeated on every row
of an order, the item in item_sku, item_quantity and item_total (after discounts); times are
the site's, read in the business time zone."""

import re

from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.importers.cells import Cells, build_each, group_rows, require_columns
from daigou_cli.core.importers.common import Table, read_table
from daigou_cli.core.importers.orders import (
    Buyer,
    Context,
    Order,
    Source,
    layout,
    priced_lines,
    show_amount,
)

COLUMNS = (
    "order_id", "order_number", "date", "status", "shipping_total", "shipping_tax_total", "fee_total",
    "fee_tax_total", "tax_total", "discount_total", "order_total", "refunded_total", "order_currency",
    "payment_method", "customer_id", "billing_first_name", "billing_last_name", "billing_email",
    "billing_phone", "billing_city", "billing_state", "billing_address_1", "billing_address_2",
    "shipping_first_name", "shipping_last_name", "shipping_address_1", "shipping_address_2", "shipping_city",
    "shipping_state", "item_name", "item_sku", "item_quantity", "item_subtotal", "item_total",
)
LAYOUT = layout(COLUMNS, ("item_quantity", "item_total"))
CHANNEL = "woocommerce"
# status -> paid?; cancelled/refunded handled apart. failed and on-hold orders are not paid yet.
STATUSES = {"pending": False, "processing": True, "on-hold": False, "completed": True, "cancelled": False,
            "refunded": True, "failed": False, "checkout-draft": False}
_CJK = re.compile(r"[\u3400-\u9fff]")


def read(file: str, encoding: str | None = None, **_) -> Source:
    try:
        table = read_table(file, LAYOUT, encoding)
    except InvalidInput as exc:
        if "missing required column" in exc.message and re.search(r"\bline_items\b", exc.message):
            source = "stdin" if file == "-" else file
            raise InvalidInput(
                f"{source}: this is the default WooCommerce export, all of an order's items packed into "
                "one line_items cell; export again with one row per item (Customer/Order CSV Export, "
                "order format 'one row per item') and import that") from None
        raise
    require_columns(table, ("order_number", "order_id"), ("date",), ("status",), ("item_sku",))
    return Source(table, lambda context: records(table, context))


def _number(cells: Cells, row) -> str | None:
    return cells.text(row, "order_number") or cells.text(row, "order_id")


def records(table: Table, context: Context):
    cells = Cells(table, context.tz)
    groups = group_rows(table, lambda row: _number(cells, row))
    return build_each(table, groups, lambda rows: order(cells, rows, context))


def order(cells: Cells, rows, context: Context) -> Order:
    first = rows[0]
    id_column = "order_number" if cells.has("order_number") else "order_id"
    number = _number(cells, first) or cells.required(first, id_column)
    cur = cells.currency(first, "order_currency", context.base)
    status = cells.required(first, "status").lower().removeprefix("wc-")
    if status not in STATUSES:
        raise cells.fail(first, "status", f"not a WooCommerce order status ({', '.join(STATUSES)})")
    items = []
    for row in rows:
        qty, total = cells.qty(row, "item_quantity"), cells.amount(row, "item_total", cur)
        if total is None:
            raise cells.fail(row, "item_total", "required")
        sku = cells.required(row, "item_sku")
        # item_total is the line after discounts: its unit price is total / qty (two prices a
        # cent apart when it does not divide).
        items.append((sku, qty, total, cells.text(row, "item_name"), cells.where(row, "item_sku")))
    net = sum(item[2] for item in items)
    _check_total(cells, first, cur, net)
    received = net if STATUSES[status] else 0
    refund = cells.amount(first, "refunded_total", cur)
    refunded = min(refund if refund is not None else (net if status == "refunded" else 0), received)
    cells.required(first, "date")
    return Order(
        channel=context.channel or CHANNEL, external_id=number, at=cells.time(first, "date"), currency=cur,
        buyer=_buyer(cells, first), lines=priced_lines(items), status=status, received=received,
        refunded=refunded, cancelled=status == "cancelled", method=cells.text(first, "payment_method"))


def _check_total(cells: Cells, row, cur: str, net: int) -> None:
    """order_total is the items plus shipping, fees and taxes (the shipping and fee taxes
    counted in tax_total or apart: both are accepted)."""
    total = cells.amount(row, "order_total", cur)
    if total is None:
        return
    extra = [cells.amount(row, c, cur) or 0 for c in ("shipping_total", "fee_total", "tax_total")]
    more_tax = [cells.amount(row, c, cur) or 0 for c in ("shipping_tax_total", "fee_tax_total")]
    if total not in (net + sum(extra), net + sum(extra) + sum(more_tax)):
        raise cells.fail(row, "order_total", f"the items come to {show_amount(net, cur)}, with shipping, "
                                             f"fees and taxes {show_amount(net + sum(extra) + sum(more_tax), cur)}")


def full_name(first: str | None, last: str | None) -> str | None:
    """王 + 小美 -> 王小美 (family name first, no space, for Chinese); Lily + Chen -> Lily Chen."""
    if first and last and _CJK.search(first + last):
        return last + first
    return " ".join(p for p in (first, last) if p) or None


def _buyer(cells: Cells, row) -> Buyer:
    name = (full_name(cells.text(row, "billing_first_name"), cells.text(row, "billing_last_name"))
            or full_name(cells.text(row, "shipping_first_name"), cells.text(row, "shipping_last_name")))
    customer_id = cells.text(row, "customer_id")
    address = " ".join(p for p in (cells.text(row, c) for c in (
        "shipping_state", "shipping_city", "shipping_address_1", "shipping_address_2")) if p)
    return Buyer(name=name, phone=cells.phone(row, "billing_phone"), email=cells.email(row, "billing_email"),
                 platform_id=customer_id if customer_id not in (None, "0") else None,
                 region=cells.text(row, "shipping_city") or cells.text(row, "billing_city"),
                 address=address or None)
