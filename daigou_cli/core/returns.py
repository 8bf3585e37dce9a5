"""Returns and after-sales: goods back at their original FIFO lot cost, refunds, warranty."""

import sqlite3
from datetime import timedelta

from daigou_cli.core import catalog, clock, config, money, notify, orders
from daigou_cli.core.errors import InvalidInput, Refused
from daigou_cli.core.ledger import record_entry

WARRANTY_COLUMNS = ["order_id", "customer", "sku", "name", "qty", "sold_at", "warranty_until", "days_left"]


def _returnable(conn, order_id: int, sku: str) -> list[sqlite3.Row]:
    """Per shipped lot of this SKU on this order: units shipped (parcels not voided) and not
    yet returned, latest parcel first (what came last goes back first)."""
    return conn.execute(
        "SELECT sl.order_line_id, sl.lot_id, s.location, SUM(sl.qty) - COALESCE(("
        "  SELECT SUM(rl.qty) FROM return_lines rl WHERE rl.order_line_id = sl.order_line_id"
        "  AND rl.lot_id = sl.lot_id), 0) AS open "
        "FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id "
        "JOIN order_lines ol ON ol.id = sl.order_line_id "
        "WHERE ol.order_id = ? AND ol.sku = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.target = s.id) "
        "GROUP BY sl.order_line_id, sl.lot_id "
        "HAVING open > 0 ORDER BY MAX(s.at) DESC, sl.lot_id DESC", (order_id, sku)).fetchall()


def record_return(conn: sqlite3.Connection, ref, lines: list[str], reason: str, at: str,
                  restock: str | None = None, writeoff: bool = False, refund=None) -> dict:
    """Goods back from a customer: restocked into the lots they left (original cost) or
    written off, and the refund, all as one entry."""
    order = orders.find_order(conn, ref)
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("--reason: must not be empty")
    if restock and writeoff:
        raise InvalidInput("--restock/--writeoff: choose one")
    if not lines:
        raise InvalidInput("LINE: give what comes back as SKU:QTY")
    where = catalog.location(conn, restock, "--restock") if restock else None
    plan = []
    for text in lines:
        sku_text, sep, qty_text = str(text).partition(":")
        if not sep:
            raise InvalidInput(f"LINE {text!r}: expected SKU:QTY")
        sku = catalog.product_row(conn, sku_text.strip(), f"LINE {text!r}")["sku"]
        qty = money.parse_qty(qty_text, f"LINE {text!r}: quantity")
        open_lots = _returnable(conn, order["id"], sku)
        shipped_open = sum(r["open"] for r in open_lots)
        if qty > shipped_open:
            raise Refused(f"LINE {text!r}: order {order['id']} has {shipped_open} {sku} shipped and not "
                          f"returned; cannot return {qty}")
        for row in open_lots:
            part = min(qty, row["open"])
            if part:
                plan.append({"sku": sku, "line_id": row["order_line_id"], "lot_id": row["lot_id"],
                             "qty": part, "location": where or row["location"]})
                qty -= part
    cur = order["currency"]
    refund_minor = money.parse_amount(refund, cur, "--refund") if refund not in (None, "") else 0
    paid = conn.execute("SELECT paid FROM order_summary WHERE id = ?", (order["id"],)).fetchone()[0]
    if refund_minor > paid:
        raise Refused(f"--refund: {money.format_amount(refund_minor, cur)} {cur} is more than the "
                      f"{money.format_amount(paid, cur)} paid")
    entry = record_entry(conn, "return", at, why)
    conn.execute("INSERT INTO returns(id, order_id, reason, at) VALUES (?, ?, ?, ?)", (entry, order["id"], why, at))
    disposition = "writeoff" if writeoff else "restock"
    for p in plan:
        conn.execute("INSERT INTO return_lines(return_id, order_line_id, lot_id, qty, disposition, location) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (entry, p["line_id"], p["lot_id"], p["qty"], disposition,
                                                   None if writeoff else p["location"]))
        if not writeoff:
            conn.execute("INSERT INTO movements(entry_id, at, sku, location, lot_id, qty, kind, reason) "
                         "VALUES (?, ?, ?, ?, ?, ?, 'return', ?)",
                         (entry, at, p["sku"], p["location"], p["lot_id"], p["qty"], why))
    if refund_minor:
        conn.execute("INSERT INTO payments(entry_id, order_id, amount, method, at) VALUES (?, ?, ?, 'refund', ?)",
                     (entry, order["id"], -refund_minor, at))
        notify.queue(conn, "refund_issued", order["id"], entry, at, amount=refund_minor)
    else:
        notify.queue(conn, "return_received", order["id"], entry, at)
    filled = [] if writeoff else orders.fill_backorders(conn, [p["sku"] for p in plan], entry, at)
    after = conn.execute("SELECT state, paid FROM order_summary WHERE id = ?", (order["id"],)).fetchone()
    return {"id": entry, "order_id": order["id"], "units": sum(p["qty"] for p in plan), "disposition": disposition,
            "lines": [{"sku": p["sku"], "qty": p["qty"], "lot": p["lot_id"], "location": p["location"]} for p in plan],
            "refund": money.to_decimal(refund_minor, cur), "currency": cur, "state": after["state"],
            "paid": money.to_decimal(after["paid"], cur), "filled": filled, "reason": why, "at": clock.from_db(at)}


def warranties(conn: sqlite3.Connection, expiring_days: int | None = None,
               as_of: str = clock.END_OF_TIME) -> list[dict]:
    """Units sold with a warranty (from the day the line first shipped), soonest to end first;
    as of the end of --as-of's day (default today): parcels and returns up to then."""
    tz = config.get(conn, "timezone")
    moment = clock.now_utc() if as_of == clock.END_OF_TIME else clock.from_db(as_of)
    today = moment.astimezone(clock.zone(tz)).date()
    rows = conn.execute(
        "SELECT ol.order_id, c.name AS customer, ol.sku, p.name, p.warranty_days, MIN(s.at) AS sold_at, "
        "SUM(sl.qty) - COALESCE((SELECT SUM(rl.qty) FROM return_lines rl JOIN returns rt ON rt.id = rl.return_id "
        "WHERE rl.order_line_id = ol.id AND rt.at <= :as_of), 0) AS units "
        "FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id "
        "JOIN order_lines ol ON ol.id = sl.order_line_id JOIN orders o ON o.id = ol.order_id "
        "JOIN customers c ON c.id = o.customer_id JOIN products p ON p.sku = ol.sku "
        "WHERE p.warranty_days > 0 AND s.at <= :as_of "
        "AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id WHERE v.target = s.id "
        "AND e.at <= :as_of) GROUP BY ol.id HAVING units > 0",
        {"as_of": as_of}).fetchall()
    out = []
    for r in rows:
        sold = clock.from_db(r["sold_at"]).astimezone(clock.zone(tz)).date()
        until = sold + timedelta(days=r["warranty_days"])
        left = (until - today).days
        if left < 0 or (expiring_days is not None and left > expiring_days):
            continue
        out.append({"order_id": r["order_id"], "customer": r["customer"], "sku": r["sku"], "name": r["name"],
                    "qty": r["units"], "sold_at": sold, "warranty_until": until, "days_left": left})
    out.sort(key=lambda d: (d["warranty_until"], d["order_id"]))
    return out


