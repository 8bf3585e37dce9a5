"""Selling: orders with lines, reservations of stock (same region first), back-orders,
payments in parts, cancellation. An order's state is derived by the order_summary view."""

import re
import sqlite3

from daigou_cli.core import catalog, clock, config, customers, money, notify, timeline
from daigou_cli.core.errors import InvalidInput, Refused, UsageProblem
from daigou_cli.core.ledger import record_entry

PRIORITIES = ("urgent", "high", "normal", "low")
PRIORITY_RANK = "CASE o.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
_LINE = re.compile(r"^\s*([^:@\s]+)\s*:\s*([^@]+?)\s*(?:@\s*(.+?))?\s*$")


def parse_line(conn: sqlite3.Connection, text: str, currency: str, field: str = "LINE") -> dict:
    """'SKU:QTY' or 'SKU:QTY@PRICE' (price per unit in the order's currency)."""
    match = _LINE.match(str(text))
    if not match:
        raise InvalidInput(f"{field} {text!r}: expected SKU:QTY or SKU:QTY@PRICE")
    product = catalog.product_row(conn, match.group(1), f"{field} {text!r}")
    qty = money.parse_qty(match.group(2), f"{field} {text!r}: quantity")
    if match.group(3) is not None:
        price = money.parse_amount(match.group(3), currency, f"{field} {text!r}: price")
    elif product["price"] is None:
        raise InvalidInput(f"{field} {text!r}: {product['sku']} has no price; write {product['sku']}:{qty}@PRICE")
    elif (product["currency"] or currency) != currency:
        raise InvalidInput(f"{field} {text!r}: {product['sku']} is priced in {product['currency']}, "
                           f"the order in {currency}; write {product['sku']}:{qty}@PRICE")
    else:
        price = product["price"]
    return {"sku": product["sku"], "qty": qty, "price": price}


def _channel(text: str | None) -> str:
    channel = (text or "wechat").strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,31}", channel):
        raise InvalidInput(f"--channel: {text!r} is not a channel name (wechat, xhs, taobao, shopify, ...)")
    return channel


def find_order(conn: sqlite3.Connection, ref, field: str = "ORDER") -> sqlite3.Row:
    """By order id, or by the channel's own order number (external id)."""
    text = str(ref or "").strip()
    if not text:
        raise InvalidInput(f"{field}: must not be empty")
    if text.isdigit():
        row = conn.execute("SELECT * FROM orders WHERE id = ?", (int(text),)).fetchone()
        if row:
            return row
    rows = conn.execute("SELECT * FROM orders WHERE external_id = ?", (text,)).fetchall()
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise InvalidInput(f"{field}: {text!r} is an order number on several channels; give the order id")
    raise InvalidInput(f"{field}: no order {text!r} (see daigou order list)")


# ----------------------------------------------------------------- reserving stock

def available_at(conn: sqlite3.Connection, sku: str, region: str | None) -> list[tuple[str, int]]:
    """Locations with available units of `sku`: same region first, then the most stocked."""
    rows = conn.execute(
        "SELECT s.location, s.on_hand - s.reserved AS available, l.region FROM stock_balances s "
        "JOIN locations l ON l.code = s.location WHERE s.sku = ? AND s.on_hand - s.reserved > 0 "
        "ORDER BY (l.region = ? COLLATE NOCASE) DESC, available DESC, s.location",
        (sku, region or "")).fetchall()
    return [(r["location"], r["available"]) for r in rows]


def reserve(conn: sqlite3.Connection, entry: int, at: str, line_id: int, sku: str, qty: int,
            region: str | None) -> int:
    """Hold up to `qty` units for an order line; returns how many could be held. A back-dated
    order holds each unit from the moment it was free and stayed free (a unit received after
    the order date is held from its receipt), so no past day shows more held than on hand."""
    left = qty
    for location, _available in available_at(conn, sku, region):
        for when, part in timeline.free_units(conn, sku, location, at, left):
            conn.execute("INSERT INTO reservations(entry_id, at, order_line_id, sku, location, qty) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (entry, when, line_id, sku, location, part))
            left -= part
        if left == 0:
            break
    return qty - left


def _region(conn: sqlite3.Connection, order: sqlite3.Row) -> str | None:
    if order["ship_to"]:
        return order["ship_to"]
    row = conn.execute("SELECT region FROM customers WHERE id = ?", (order["customer_id"],)).fetchone()
    return row["region"] if row else None


def fill_backorders(conn: sqlite3.Connection, skus, entry: int, at: str) -> list[dict]:
    """Give newly available stock to waiting lines: urgent before low, oldest first."""
    filled = []
    for sku in sorted(set(skus)):
        waiting = conn.execute(
            f"SELECT s.line_id, s.order_id, s.backordered, o.* FROM order_line_status s "
            f"JOIN orders o ON o.id = s.order_id WHERE s.sku = ? AND s.backordered > 0 "
            f"ORDER BY {PRIORITY_RANK}, o.at, o.id, s.line_no", (sku,)).fetchall()
        for line in waiting:
            when = max(at, line["at"])
            got = reserve(conn, entry, when, line["line_id"], sku, line["backordered"], _region(conn, line))
            if got:
                filled.append({"order_id": line["order_id"], "sku": sku, "qty": got})
            if not available_at(conn, sku, None):
                break
    return filled


def release_for_shortage(conn: sqlite3.Connection, sku: str, location: str, qty: int, entry: int,
                         at: str) -> tuple[list[dict], list[dict]]:
    """Stock that was reserved is gone (lost, damaged, counted short): the least urgent,
    newest reservations give way and those lines go back to waiting, then waiting lines are
    held again from stock elsewhere. Returns (what now waits because of this: released less
    what the same order got back, what was held again)."""
    released, left = [], qty
    rows = conn.execute(
        f"SELECT r.order_line_id, r.qty, ol.order_id, "
        f"(SELECT MAX(x.at) FROM reservations x WHERE x.order_line_id = r.order_line_id) AS last_at "
        f"FROM reservation_balances r "
        f"JOIN order_lines ol ON ol.id = r.order_line_id JOIN orders o ON o.id = ol.order_id "
        f"WHERE r.sku = ? AND r.location = ? AND r.qty > 0 "
        f"ORDER BY {PRIORITY_RANK} DESC, o.at DESC, o.id DESC", (sku, location)).fetchall()
    for row in rows:
        if left == 0:
            break
        part = min(left, row["qty"])
        conn.execute("INSERT INTO reservations(entry_id, at, order_line_id, sku, location, qty) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (entry, max(at, row["last_at"]), row["order_line_id"], sku,
                                                   location, -part))
        released.append({"order_id": row["order_id"], "sku": sku, "qty": part})
        left -= part
    # What was lost here may still be held from stock elsewhere.
    filled = fill_backorders(conn, [sku], entry, at)
    back = {}
    for item in filled:
        back[item["order_id"]] = back.get(item["order_id"], 0) + item["qty"]
    waiting = []
    for item in released:
        kept = min(item["qty"], back.get(item["order_id"], 0))
        back[item["order_id"]] = back.get(item["order_id"], 0) - kept
        if item["qty"] > kept:
            waiting.append(item | {"qty": item["qty"] - kept})
    return waiting, filled


# ----------------------------------------------------------------- writing orders

def create_order(conn: sqlite3.Connection, customer, lines: list[str], at: str, channel=None,
                 currency=None, priority=None, deposit=None, due=None, external_id=None,
                 ship_to=None, method=None) -> dict:
    """A new order: reserves what is available, back-orders the rest, never refuses for stock."""
    who = customers.find_customer(conn, customer)
    cur = money.currency_code(currency, "--currency") if currency else config.get(conn, "base_currency")
    rank = (priority or "normal").strip().lower()
    if rank not in PRIORITIES:
        raise UsageProblem(f"--priority: {priority!r} is not one of {', '.join(PRIORITIES)}")
    if not lines:
        raise InvalidInput("LINE: an order needs at least one SKU:QTY")
    parsed = [parse_line(conn, text, cur) for text in lines]
    total = sum(line["qty"] * line["price"] for line in parsed)
    chan = _channel(channel)
    ext = (external_id or "").strip() or None
    if ext and conn.execute("SELECT 1 FROM orders WHERE channel = ? AND external_id = ?", (chan, ext)).fetchone():
        raise Refused(f"--external-id: {chan} order {ext} is already in the ledger")
    deposit_minor = money.parse_amount(deposit, cur, "--deposit") if deposit not in (None, "") else 0
    if deposit_minor > total:
        raise InvalidInput(f"--deposit: {money.format_amount(deposit_minor, cur)} is more than the order "
                           f"total {money.format_amount(total, cur)} {cur}")
    due_date = clock.parse_date(due, "--due")
    region = (ship_to or "").strip() or None
    entry = record_entry(conn, "order", at)
    conn.execute("INSERT INTO orders(id, customer_id, channel, external_id, currency, priority, due, "
                 "ship_to, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (entry, who["id"], chan, ext, cur, rank, due_date, region, at))
    for number, line in enumerate(parsed, start=1):
        line_id = conn.execute("INSERT INTO order_lines(order_id, line_no, sku, qty, price) VALUES (?, ?, ?, ?, ?)",
                               (entry, number, line["sku"], line["qty"], line["price"])).lastrowid
        line["reserved"] = reserve(conn, entry, at, line_id, line["sku"], line["qty"], region or who["region"])
        line["backordered"] = line["qty"] - line["reserved"]
    if deposit_minor:
        pay_entry = record_entry(conn, "payment", at, "deposit")
        conn.execute("INSERT INTO payments(entry_id, order_id, amount, method, at) VALUES (?, ?, ?, ?, ?)",
                     (pay_entry, entry, deposit_minor, (method or "deposit"), at))
    notify.queue(conn, "order_confirmed", entry, entry, at)
    if deposit_minor:
        notify.queue(conn, "payment", entry, pay_entry, at, amount=deposit_minor)
    return show_order(conn, entry)


def _summary(conn: sqlite3.Connection, order_id: int) -> sqlite3.Row:
    return conn.execute("SELECT * FROM order_summary WHERE id = ?", (order_id,)).fetchone()


def not_before_order(order: sqlite3.Row, at: str) -> None:
    if at < order["at"]:
        raise InvalidInput(f"--at: order {order['id']} was taken at {order['at'][:16].replace('T', ' ')} UTC; "
                           "nothing can happen to it earlier")


def pay(conn: sqlite3.Connection, ref, amount, at: str, method: str | None = None) -> dict:
    order = find_order(conn, ref)
    not_before_order(order, at)
    summary = _summary(conn, order["id"])
    if summary["state"] == "cancelled":
        raise Refused(f"order {order['id']}: cancelled; nothing to pay")
    cur = order["currency"]
    minor = money.parse_amount(amount, cur, "AMOUNT")
    if minor == 0:
        raise InvalidInput("AMOUNT: must be more than zero")
    if minor > summary["balance_due"]:
        raise Refused(f"order {order['id']}: paying {money.format_amount(minor, cur)} {cur} but only "
                      f"{money.format_amount(summary['balance_due'], cur)} is due")
    entry = record_entry(conn, "payment", at, method)
    conn.execute("INSERT INTO payments(entry_id, order_id, amount, method, at) VALUES (?, ?, ?, ?, ?)",
                 (entry, order["id"], minor, (method or "").strip() or None, at))
    notify.queue(conn, "payment", order["id"], entry, at, amount=minor)
    after = _summary(conn, order["id"])
    return {"id": entry, "order_id": order["id"], "amount": money.to_decimal(minor, cur), "currency": cur,
            "method": method, "paid": money.to_decimal(after["paid"], cur),
            "balance_due": money.to_decimal(after["balance_due"], cur), "state": after["state"],
            "at": clock.from_db(at)}


def refund(conn: sqlite3.Connection, ref, amount, at: str, method: str | None = None) -> dict:
    """Money given back: never more than was paid."""
    order = find_order(conn, ref)
    not_before_order(order, at)
    summary = _summary(conn, order["id"])
    cur = order["currency"]
    minor = money.parse_amount(amount, cur, "AMOUNT")
    if minor == 0:
        raise InvalidInput("AMOUNT: must be more than zero")
    if minor > summary["paid"]:
        raise Refused(f"order {order['id']}: refunding {money.format_amount(minor, cur)} {cur} but only "
                      f"{money.format_amount(summary['paid'], cur)} was paid")
    entry = record_entry(conn, "refund", at, method)
    conn.execute("INSERT INTO payments(entry_id, order_id, amount, method, at) VALUES (?, ?, ?, ?, ?)",
                 (entry, order["id"], -minor, (method or "").strip() or None, at))
    notify.queue(conn, "refund_issued", order["id"], entry, at, amount=minor)
    after = _summary(conn, order["id"])
    return {"id": entry, "order_id": order["id"], "amount": money.to_decimal(minor, cur), "currency": cur,
            "paid": money.to_decimal(after["paid"], cur), "refund_due": money.to_decimal(after["refund_due"], cur),
            "state": after["state"], "at": clock.from_db(at)}


def cancel(conn: sqlite3.Connection, ref, reason: str, at: str, refund_paid: bool = False,
           method: str | None = None) -> dict:
    """Releases every reservation (other waiting orders get the stock). What was paid is
    refunded in the same transaction when `refund_paid` (`order cancel`), else left as
    refund due (an import records refunds as the platform reports them)."""
    order = find_order(conn, ref)
    not_before_order(order, at)
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("--reason: must not be empty")
    summary = _summary(conn, order["id"])
    if summary["state"] == "cancelled":
        raise Refused(f"order {order['id']}: already cancelled")
    if summary["shipped"] > 0:
        raise Refused(f"order {order['id']}: {summary['state']}; record a return instead of cancelling")
    entry = record_entry(conn, "cancel", at, why)
    held = conn.execute(
        "SELECT r.order_line_id, r.sku, r.location, SUM(r.qty) AS qty, MAX(r.at) AS last_at FROM order_lines ol "
        "JOIN reservations r ON r.order_line_id = ol.id WHERE ol.order_id = ? "
        "GROUP BY r.order_line_id, r.location HAVING SUM(r.qty) > 0", (order["id"],)).fetchall()
    for row in held:
        # Units held only from a later moment (a back-dated order waiting for a receipt) are
        # released from that moment, so no past day shows a line holding less than nothing.
        conn.execute("INSERT INTO reservations(entry_id, at, order_line_id, sku, location, qty) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (entry, max(at, row["last_at"]), row["order_line_id"], row["sku"],
                                                   row["location"], -row["qty"]))
    conn.execute("INSERT INTO order_events(entry_id, order_id, kind, at, note) VALUES (?, ?, 'cancelled', ?, ?)",
                 (entry, order["id"], at, why))
    filled = fill_backorders(conn, [r["sku"] for r in held], entry, at)
    notify.queue(conn, "cancelled", order["id"], entry, at, reason=why)
    after = _summary(conn, order["id"])
    cur = order["currency"]
    result = {"id": entry, "order_id": order["id"], "reason": why, "released": sum(r["qty"] for r in held),
              "refund_due": money.to_decimal(after["refund_due"], cur), "currency": cur,
              "filled": filled, "state": after["state"], "at": clock.from_db(at)}
    if refund_paid and after["refund_due"]:
        back = refund(conn, order["id"], money.format_amount(after["refund_due"], cur), at, method)
        result |= {"refunded": back["amount"], "refund_id": back["id"], "refund_due": back["refund_due"],
                   "paid": back["paid"]}
    return result


from daigou_cli.core.order_views import list_orders, queue, show_order  # noqa: E402,F401
