"""Reading orders: the list, one order in full, and the packing queue."""

import sqlite3
from datetime import date

from daigou_cli.core import asof, clock, config, customers, money
from daigou_cli.core.errors import InvalidInput, UsageProblem

STATES = ("pending", "deposit_paid", "paid", "partially_shipped", "shipped", "delivered",
          "cancelled", "returned", "partially_returned")
ORDER_COLUMNS = ["id", "external_id", "channel", "customer", "state", "priority", "total", "paid",
                 "balance_due", "currency", "created_at", "due", "refund_due", "refunded", "units", "reserved",
                 "backordered"]
QUEUE_COLUMNS = ["rank", "id", "customer", "priority", "due", "total", "currency", "units",
                 "backordered", "created_at", "why"]


def _money_row(row: sqlite3.Row) -> dict:
    cur = row["currency"]
    data = dict(row)
    for key in ("total", "paid", "balance_due", "refund_due", "refunded"):
        data[key] = money.to_decimal(row[key], cur)
    data["created_at"] = clock.from_db(row["created_at"])
    data["due"] = date.fromisoformat(row["due"]) if row["due"] else None
    return data


def list_orders(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, state: str | None = None,
                customer: str | None = None, channel: str | None = None) -> list[dict]:
    if state and state not in STATES:
        raise UsageProblem(f"--state: {state!r} is not one of {', '.join(STATES)}")
    customer_id = customers.find_customer(conn, customer, "--customer")["id"] if customer else None
    sql = ("SELECT s.*, c.name AS customer FROM order_summary s JOIN customers c ON c.id = s.customer_id "
           "WHERE (:state IS NULL OR s.state = :state) AND (:cid IS NULL OR s.customer_id = :cid) "
           "AND (:channel IS NULL OR s.channel = :channel) ORDER BY s.created_at, s.id")
    params = {"state": state, "cid": customer_id, "channel": (channel or "").lower() or None}
    return [_money_row(r) for r in asof.query(conn, sql, params, as_of)]


def show_order(conn: sqlite3.Connection, order_id: int, as_of: str = clock.END_OF_TIME) -> dict:
    """The order with its lines and a timeline of everything that happened to it."""
    row = asof.query(conn, "SELECT s.*, c.name AS customer FROM order_summary s "
                     "JOIN customers c ON c.id = s.customer_id WHERE s.id = :id", {"id": order_id}, as_of).fetchone()
    if row is None:
        raise InvalidInput(f"ORDER: no order {order_id} as of then")
    data = _money_row(row)
    cur = row["currency"]
    data["lines"] = [
        {"line": r["line_no"], "sku": r["sku"], "name": r["name"], "qty": r["qty"],
         "price": money.to_decimal(r["price"], cur), "reserved": r["reserved"],
         "backordered": r["backordered"], "shipped": r["shipped"], "returned": r["returned"]}
        for r in asof.query(conn, "SELECT s.*, p.name FROM order_line_status s JOIN products p ON p.sku = s.sku "
                            "WHERE s.order_id = :id ORDER BY s.line_no", {"id": order_id}, as_of)]
    data["events"] = timeline(conn, order_id, as_of)
    data["source_rows"] = source_rows(conn, order_id, as_of)
    data["id"] = order_id
    return data


def source_rows(conn: sqlite3.Connection, order_id: int, as_of: str = clock.END_OF_TIME) -> list[dict]:
    """The platform export rows `order import` recorded the order from, cells as written."""
    import json

    rows = conn.execute("SELECT s.source, s.line, s.entry_id, s.cells FROM order_source_rows s "
                        "JOIN entries e ON e.id = s.entry_id WHERE s.order_id = ? AND e.at <= ? ORDER BY s.id",
                        (order_id, as_of))
    return [{"source": r["source"], "line": r["line"], "entry": r["entry_id"], "cells": json.loads(r["cells"])}
            for r in rows]


def timeline(conn: sqlite3.Connection, order_id: int, as_of: str = clock.END_OF_TIME) -> list[dict]:
    """Everything recorded about an order, in time order, from the facts themselves. A voided
    payment stays in its place as payment_voided (refund_voided) once the void is in view, and
    the void itself is an event at its own time."""
    order = conn.execute("SELECT currency FROM orders WHERE id = ?", (order_id,)).fetchone()
    cur = order["currency"]
    sql = """
    SELECT at, id AS entry_id, 'created' AS kind, NULL AS amount, channel AS detail FROM orders WHERE id = :id
    UNION ALL
    SELECT p.at, p.entry_id, CASE WHEN p.amount > 0 THEN 'payment_voided' ELSE 'refund_voided' END,
           ABS(p.amount), COALESCE(p.method || '; ', '') || 'voided by entry ' || v.entry_id
    FROM payments p JOIN voids v ON v.target = p.entry_id JOIN entries e ON e.id = v.entry_id
    WHERE p.order_id = :id AND e.at <= :as_of
    UNION ALL
    SELECT p.at, p.entry_id, CASE WHEN p.amount > 0 THEN 'payment' ELSE 'refund' END, ABS(p.amount), p.method
    FROM payments p WHERE p.order_id = :id
      AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                      WHERE v.target = p.entry_id AND e.at <= :as_of)
    UNION ALL
    SELECT e.at, v.entry_id, 'void', ABS(p.amount),
           'entry ' || p.entry_id || ' (' || t.kind || '): ' || v.reason
    FROM payments p JOIN voids v ON v.target = p.entry_id JOIN entries e ON e.id = v.entry_id
    JOIN entries t ON t.id = p.entry_id
    WHERE p.order_id = :id
    UNION ALL
    SELECT e.at, v.entry_id, 'void', NULL,
           'entry ' || s.id || ' (shipment ' || s.carrier || ' ' || s.tracking || '): ' || v.reason
    FROM shipments s JOIN voids v ON v.target = s.id JOIN entries e ON e.id = v.entry_id
    WHERE s.order_id = :id
    UNION ALL
    SELECT r.at, r.entry_id, CASE WHEN r.qty > 0 THEN 'reserved' ELSE 'released' END, NULL,
           r.sku || ' × ' || ABS(r.qty) || ' at ' || r.location
    FROM reservations r JOIN order_lines ol ON ol.id = r.order_line_id WHERE ol.order_id = :id
    UNION ALL
    SELECT at, entry_id, kind, NULL, note FROM order_events WHERE order_id = :id
    """
    rows = conn.execute(f"SELECT * FROM ({sql}) WHERE at <= :as_of ORDER BY at, entry_id",
                        {"id": order_id, "as_of": as_of}).fetchall()
    return [{"at": clock.from_db(r["at"]), "entry": r["entry_id"], "kind": r["kind"],
             "amount": money.to_decimal(r["amount"], cur) if r["amount"] is not None else None,
             "detail": r["detail"]} for r in rows]


def queue(conn: sqlite3.Connection, include_blocked: bool = False, as_of: str = clock.END_OF_TIME) -> list[dict]:
    """What to pack next: paid orders with stock held, urgent first, then the promised date,
    high value, and age. `why` says what put each one where it is. As of the end of --as-of's
    day (default now): the orders, payments and stock held then, ages counted to that day."""
    from daigou_cli.core import fx

    base, threshold, tz = config.get_many(conn, "base_currency", "high_value_threshold", "timezone")
    limit = money.parse_amount(threshold, base, "high_value_threshold")
    rows = asof.query(
        conn, "SELECT s.*, c.name AS customer FROM order_summary s JOIN customers c ON c.id = s.customer_id "
        "WHERE s.state IN ('paid', 'deposit_paid', 'pending', 'partially_shipped') "
        "AND s.units - s.shipped > 0", {}, as_of).fetchall()
    moment = clock.now_utc() if as_of == clock.END_OF_TIME else clock.from_db(as_of)
    today = moment.astimezone(clock.zone(tz)).date()
    out = []
    for row in rows:
        ready = row["balance_due"] == 0 and row["reserved"] > 0
        if not ready and not include_blocked:
            continue
        try:
            rate = fx.rate_at(conn, row["currency"], row["created_at"])
            value = money.convert(row["total"], row["currency"], rate, base)
        except InvalidInput:
            value = None
        high = value is not None and value >= limit
        data = _money_row(row)
        age = (today - clock.from_db(row["created_at"]).astimezone(clock.zone(tz)).date()).days
        reasons = [row["priority"]] if row["priority"] != "normal" else []
        if data["due"]:
            days = (data["due"] - today).days
            reasons.append(f"due {data['due']}" + (" (overdue)" if days < 0 else f" (in {days}d)"))
        if high:
            reasons.append(f"high value {money.format_amount(value, base)} {base}")
        reasons.append(f"waiting {age}d")
        if row["backordered"]:
            reasons.append(f"{row['backordered']} back-ordered: partial")
        if not ready:
            reasons.append("blocked: " + ("balance due" if row["balance_due"] else "no stock held"))
        data.update(high_value=high, ready=ready, why="; ".join(reasons),
                    _key=(not ready, ("urgent", "high", "normal", "low").index(row["priority"]),
                          data["due"] or date.max, not high, row["created_at"], row["id"]))
        out.append(data)
    out.sort(key=lambda d: d.pop("_key"))
    for rank, data in enumerate(out, start=1):
        data["rank"] = rank
    return out
