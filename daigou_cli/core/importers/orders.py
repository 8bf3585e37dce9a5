"""`order import`: each platform's export becomes canonical orders (its id on the channel, when,
who, lines, currency, money in and back, cancelled or not), and ONE writer records them through
core.orders (create_order, pay, cancel, refund), so an imported order reserves stock,
back-orders and notifies exactly like `order new`.

Idempotent on (channel, external id): an order already in the ledger is never created again;
what the file shows happened since (paid, cancelled, refunded) is recorded."""

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Callable

from daigou_cli.core import catalog, config, money
from daigou_cli.core import orders as selling
from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.importers import buyers
from daigou_cli.core.importers.cells import reason_of
from daigou_cli.core.importers.common import (
    Layout,
    Record,
    Result,
    Row,
    RowError,
    RowProblem,
    Table,
    run,
)

ACTIONS = ("created", "updated", "unchanged")


def layout(columns, required, aliases=None) -> Layout:
    return Layout("orders", tuple(columns), tuple(required), ACTIONS, dict(aliases or {}))


# ----------------------------------------------------------------- canonical orders

@dataclass
class Buyer:
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    wechat: str | None = None
    platform_id: str | None = None     # the buyer's id on the channel (Taobao 买家会员名, ...)
    region: str | None = None
    address: str | None = None


@dataclass
class Line:
    sku: str
    qty: int
    price: int                         # per unit, minor units of the order currency
    title: str | None
    where: RowError                    # the cell the SKU came from, for an unknown SKU


@dataclass
class Order:
    channel: str
    external_id: str
    at: str
    currency: str
    buyer: Buyer
    lines: list[Line]
    status: str                        # as the file says it, for messages
    received: int | None               # money in, before refunds (None: the file does not say)
    refunded: int = 0
    cancelled: bool = False
    paid_at: str | None = None
    cancelled_at: str | None = None
    method: str | None = None
    priority: str | None = None
    due: str | None = None
    ledger_id: int | None = None       # our own export of an order with no external id
    raw: list[tuple[Table, Row]] = field(default_factory=list)  # rows it came from beyond its record's

    @property
    def total(self) -> int:
        return sum(line.qty * line.price for line in self.lines)


@dataclass
class Source:
    """A file read and matched to its layout; `build` turns it into records (inside the
    transaction, where the ledger's time zone and base currency are known)."""

    table: Table
    build: Callable[["Context"], list[Record]]


@dataclass
class Context:
    tz: str
    base: str
    channel: str | None                # --channel


@dataclass
class Outcome:
    """What one order import did, for --dry-run and --format json."""

    action: str
    order_id: int
    channel: str
    external_id: str
    customer: str
    total: str
    currency: str
    state: str
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line: int = 0


# ----------------------------------------------------------------- money helpers

def split_total(qty: int, total: int) -> list[tuple[int, int]]:
    """`qty` units that cost `total` minor units together: (qty, unit price) at one price, or
    at two prices one minor unit apart when the total does not divide."""
    low, extra = divmod(total, qty)
    parts = [(extra, low + 1)] if extra else []
    return parts + ([(qty - extra, low)] if qty - extra else [])


def spread(amount: int, weights: list[int]) -> list[int]:
    """`amount` shared in proportion to `weights`, largest remainders first; sums exactly."""
    whole = sum(weights)
    if not whole:
        return [amount] + [0] * (len(weights) - 1) if weights else []
    shares = [amount * w // whole for w in weights]
    rest = amount - sum(shares)
    for i in sorted(range(len(weights)), key=lambda i: -(amount * weights[i] % whole))[:rest]:
        shares[i] += 1
    return shares


def priced_lines(items) -> list[Line]:
    """(sku, qty, what the line cost after discounts, title, where) -> lines at the unit price
    paid: one price, or two a minor unit apart when the line's total does not divide."""
    lines = []
    for sku, qty, total, title, where in items:
        for part_qty, part_price in split_total(qty, total):
            lines.append(Line(sku, part_qty, part_price, title, where))
    return lines


def show_amount(minor: int, currency: str) -> str:
    return f"{money.format_amount(minor, currency)} {currency}"


# ----------------------------------------------------------------- the one writer

def _existing(conn: sqlite3.Connection, order: Order) -> sqlite3.Row | None:
    row = conn.execute("SELECT * FROM orders WHERE channel = ? AND external_id = ?",
                       (order.channel, order.external_id)).fetchone()
    if row is None and order.ledger_id is not None:
        # `order list --lines` of this very ledger: an order taken without an external id
        # is the same order when its id, channel and time all match.
        row = conn.execute("SELECT * FROM orders WHERE id = ? AND channel = ? AND external_id IS NULL "
                           "AND at = ?", (order.ledger_id, order.channel, order.at)).fetchone()
    return row


def _products(conn: sqlite3.Connection, order: Order, create: bool) -> None:
    """Every SKU known (or, with --create-products, added from the line's title and price)."""
    for line in order.lines:
        row = conn.execute("SELECT sku FROM products WHERE sku = ? COLLATE NOCASE", (line.sku,)).fetchone()
        if row is not None:
            line.sku = row[0]
            continue
        if not create:
            raise RowProblem(_at(line.where, "unknown SKU (add it with daigou product add, "
                                             "or import with --create-products)"))
        try:
            catalog.add_product(conn, line.sku, {"name": line.title or line.sku,
                                                 "price": money.format_amount(line.price, order.currency),
                                                 "currency": order.currency})
        except InvalidInput as exc:
            raise RowProblem(_at(line.where, reason_of(exc.message, line.sku))) from None


def _at(where: RowError, reason: str) -> RowError:
    return RowError(where.source, where.line, reason, where.column, where.value)


def _ledger_money(conn: sqlite3.Connection, order_id: int) -> tuple[int, int, bool, int]:
    """(money in, money back, cancelled, units shipped) as the ledger has them now, leaving out
    voided payments and parcels. Read from the facts, not order_summary: this runs per order
    and wants the ledger as it stands, whatever the import's own dates."""
    paid_in, back = conn.execute(
        "SELECT COALESCE(SUM(MAX(amount, 0)), 0), COALESCE(SUM(MAX(-amount, 0)), 0) FROM payments p "
        "WHERE order_id = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.target = p.entry_id)",
        (order_id,)).fetchone()
    cancelled = conn.execute("SELECT 1 FROM order_events WHERE order_id = ? AND kind = 'cancelled'",
                             (order_id,)).fetchone() is not None
    shipped = conn.execute("SELECT COALESCE(SUM(s.qty), 0) FROM shipment_lines s JOIN order_lines l "
                           "ON l.id = s.order_line_id WHERE l.order_id = ? AND NOT EXISTS "
                           "(SELECT 1 FROM voids v WHERE v.target = s.shipment_id)", (order_id,)).fetchone()[0]
    return paid_in, back, cancelled, shipped


def _settle(conn: sqlite3.Connection, order_id: int, order: Order, since: str, default_at: str,
            notes: list[str]) -> list[str]:
    """Record what the file shows happened that the ledger does not have yet: money in, the
    cancellation, money back (each no earlier than the one before). Never undoes anything
    the ledger has; says so in `notes` when the file disagrees. Returns what was recorded."""
    cur, ref, changes = order.currency, str(order_id), []
    last = since

    def when(moment: str | None) -> str:
        nonlocal last
        last = max(moment or default_at, last)
        return last

    paid_in, back, cancelled, shipped = _ledger_money(conn, order_id)
    total = conn.execute("SELECT SUM(qty * price) FROM order_lines WHERE order_id = ?", (order_id,)).fetchone()[0]
    if order.received is not None and order.received > paid_in:
        amount = min(order.received, total) - paid_in
        if cancelled:
            notes.append(f"paid {show_amount(order.received, cur)} on {order.channel} but cancelled in the "
                         "ledger; payment not recorded")
        elif amount > 0:
            selling.pay(conn, ref, money.format_amount(amount, cur), when(order.paid_at), order.method)
            changes.append(f"paid {show_amount(amount, cur)}")
            paid_in += amount
    elif order.received is not None and order.received < paid_in:
        notes.append(f"the ledger has {show_amount(paid_in, cur)} paid, the file "
                     f"{show_amount(order.received, cur)}; left as it is")
    refund_all = order.received is not None and order.refunded >= order.received > 0
    if (order.cancelled or (refund_all and not shipped)) and not cancelled:
        if shipped:
            raise InvalidInput(f"order {order_id}: {order.status} on {order.channel} but {shipped} units have "
                               "shipped; record a return (daigou return) instead")
        selling.cancel(conn, ref, f"{order.status} on {order.channel}", when(order.cancelled_at))
        changes.append("cancelled")
    elif cancelled and not order.cancelled and not refund_all:
        notes.append(f"cancelled in the ledger, {order.status} on {order.channel}; left cancelled")
    if order.refunded > back:
        amount = min(order.refunded - back, paid_in - back)
        if amount > 0:
            selling.refund(conn, ref, money.format_amount(amount, cur), when(order.cancelled_at), order.method)
            changes.append(f"refunded {show_amount(amount, cur)}")
            if refund_all and shipped:
                notes.append("refunded after shipping: record the return with daigou return")
    return changes


def _keep_source_rows(conn: sqlite3.Connection, entry_id: int, order_id: int, order: Order) -> None:
    """The platform's rows behind what this import recorded, every non-empty cell under its
    header, against the entry they brought (the order, or the last payment or cancel)."""
    conn.executemany(
        "INSERT INTO order_source_rows (entry_id, order_id, source, line, cells) VALUES (?, ?, ?, ?, ?)",
        [(entry_id, order_id, table.source, row.line,
          json.dumps({title: cell for title, cell in zip(table.header, row.cells, strict=False) if title and cell.strip()},
                     ensure_ascii=False))
         for table, row in order.raw])


def _lines_differ(conn: sqlite3.Connection, order_id: int, order: Order) -> bool:
    have = sorted(tuple(r) for r in conn.execute(
        "SELECT sku, qty, price FROM order_lines WHERE order_id = ?", (order_id,)))
    want = sorted((line.sku, line.qty, line.price) for line in order.lines)
    return have != want


def _outcome(conn: sqlite3.Connection, action: str, order_id: int, order: Order, line: int,
             changes: list[str], notes: list[str], detail: bool) -> Outcome:
    """What was done to one order; its customer, total and state (from order_summary, which
    costs a scan of every order) only when `detail` is wanted (a dry run, --format json)."""
    outcome = Outcome(action, order_id, order.channel, order.external_id, order.buyer.name or "",
                      money.format_amount(order.total, order.currency), order.currency, "", changes, notes, line)
    if detail:
        row = conn.execute("SELECT s.total, s.state, c.name FROM order_summary s "
                           "JOIN customers c ON c.id = s.customer_id WHERE s.id = ?", (order_id,)).fetchone()
        outcome.customer, outcome.state = row["name"], row["state"]
        outcome.total = money.format_amount(row["total"], order.currency)
    return outcome


def writer(create_products: bool, default_at: str | None, outcomes: list[Outcome], detail: bool = True):
    """Records one canonical order: created (customer matched or added, stock reserved, then
    money and cancellation as the file says), updated (what changed since), or unchanged."""
    from daigou_cli.core import clock

    now = default_at or clock.to_db(clock.now_utc())

    def write(conn: sqlite3.Connection, record: Record) -> dict:
        if "problem" in record.values:
            raise RowProblem(record.values["problem"])
        order: Order = record.values["order"]
        _products(conn, order, create_products)
        existing = _existing(conn, order)
        notes: list[str] = []
        if existing is None:
            customer = buyers.match(conn, order.channel, order.buyer)
            lines = [f"{line.sku}:{line.qty}@{money.format_amount(line.price, order.currency)}"
                     for line in order.lines]
            order_id = selling.create_order(conn, str(customer), lines, order.at, order.channel, order.currency,
                                            order.priority, None, order.due, order.external_id)["id"]
            changes = _settle(conn, order_id, order, order.at, order.at, notes)
            action = "created"
        else:
            order_id = existing["id"]
            if existing["currency"] != order.currency:
                raise InvalidInput(f"currency: order {order_id} is in {existing['currency']}, "
                                   f"the file says {order.currency}")
            if _lines_differ(conn, order_id, order):
                notes.append("its lines differ from the file; an import never edits an order's lines")
            changes = _settle(conn, order_id, order, existing["at"], now, notes)
            action = "updated" if changes else "unchanged"
        if action != "unchanged":
            last = order_id if action == "created" else conn.execute("SELECT MAX(id) FROM entries").fetchone()[0]
            _keep_source_rows(conn, last, order_id, order)
        outcomes.append(_outcome(conn, action, order_id, order, record.line, changes, notes, detail))
        return {"id": order_id, "action": action}

    return write


def load(conn: sqlite3.Connection, source: Source, channel: str | None = None, at: str | None = None,
         create_products: bool = False, detail: bool = True, **options) -> tuple[Result, list[Outcome]]:
    """Import a read orders file; options as for common.run. Returns the result and, per
    order written, what was done to it (with its customer and state when `detail`)."""
    tz, base = config.get_many(conn, "timezone", "base_currency")
    context = Context(tz, base, selling._channel(channel) if channel else None)
    # Oldest first, as if each order had been taken when it was placed: scarce stock goes to
    # the earliest orders (the rule back-orders are filled by), whatever order the file is in
    # (Shopify exports newest first). Reports still list rows in file order.
    records = sorted(source.build(context), key=_placed)
    for record in records:
        order = record.values.get("order")
        if isinstance(order, Order):
            order.raw[:0] = [(source.table, row) for row in record.rows]
    outcomes: list[Outcome] = []
    result = run(conn, source.table, writer(create_products, at, outcomes, detail), records, **options)
    result.rejected.sort(key=lambda item: (item[1].line or 0))
    outcomes.sort(key=lambda outcome: outcome.line)
    return result, outcomes


def _placed(record: Record) -> tuple[str, int]:
    order = record.values.get("order")
    return (order.at if isinstance(order, Order) else "", record.line)
