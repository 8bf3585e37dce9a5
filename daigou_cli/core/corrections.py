"""Correcting the ledger without editing it: `void` records an entry that cancels another."""

import sqlite3

from daigou_cli.core import clock
from daigou_cli.core.errors import InvalidInput, Refused
from daigou_cli.core.ledger import record_entry

STOCK_KINDS = ("receipt", "adjust", "move", "writeoff")
# A refund that came with a return is part of the return entry (kind 'return'), not these.
MONEY_KINDS = ("payment", "refund")


def _entry(conn: sqlite3.Connection, text) -> sqlite3.Row:
    raw = str(text).strip().lstrip("#")
    if not raw.isdigit():
        raise InvalidInput(f"ID: {text!r} is not an entry id (the number a write command printed)")
    row = conn.execute("SELECT * FROM entries WHERE id = ?", (int(raw),)).fetchone()
    if row is None:
        raise InvalidInput(f"ID: no entry {raw}")
    return row


def void(conn: sqlite3.Connection, target_id, reason: str, at: str) -> dict:
    """Reverse a stock entry's movements, or withdraw an FX rate, from `at` on."""
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("--reason: must not be empty")
    target = _entry(conn, target_id)
    voided = conn.execute("SELECT entry_id FROM voids WHERE target = ?", (target["id"],)).fetchone()
    if voided:
        raise Refused(f"entry {target['id']}: already voided by entry {voided[0]}")
    if target["kind"] == "void":
        raise Refused(f"entry {target['id']}: is itself a void; record the fact again instead")
    # A history import (sales_history rows) is withdrawn whole: forecasts skip voided imports.
    if target["kind"] not in STOCK_KINDS + MONEY_KINDS + ("fx", "history", "shipment"):
        raise Refused(f"entry {target['id']}: a {target['kind']} cannot be voided")
    if at < target["at"]:
        raise InvalidInput(f"--at: the void cannot be earlier than entry {target['id']} itself")
    if target["kind"] in MONEY_KINDS:
        return _void_payment(conn, target, why, at)
    if target["kind"] == "shipment":
        return _void_shipment(conn, target, why, at)
    reversal = conn.execute(
        "SELECT sku, location, lot_id, SUM(qty) AS qty FROM movements WHERE entry_id = ? "
        "GROUP BY sku, location, lot_id HAVING SUM(qty) <> 0 ORDER BY SUM(qty)", (target["id"],)).fetchall()
    for row in reversal:
        if row["qty"] > 0:
            balance = conn.execute(
                "SELECT COALESCE(SUM(qty), 0) FROM movements WHERE lot_id = ? AND location = ?",
                (row["lot_id"], row["location"])).fetchone()[0]
            held = conn.execute(
                "SELECT COALESCE(SUM(qty), 0) FROM reservations WHERE sku = ? AND location = ?",
                (row["sku"], row["location"])).fetchone()[0]
            on_hand = conn.execute(
                "SELECT COALESCE(SUM(qty), 0) FROM movements WHERE sku = ? AND location = ?",
                (row["sku"], row["location"])).fetchone()[0]
            if on_hand - row["qty"] < held:
                raise Refused(f"entry {target['id']}: {row['sku']} at {row['location']} is reserved for "
                              f"orders ({held} held); cancel or ship those first")
            if balance < row["qty"]:
                raise Refused(
                    f"entry {target['id']}: {row['qty'] - balance} of its {row['qty']} {row['sku']} at "
                    f"{row['location']} (lot {row['lot_id']}) have already left; correct with stock adjust instead")
    entry = _record_void(conn, target, why, at)
    for row in reversal:
        conn.execute(
            "INSERT INTO movements(entry_id, at, sku, location, lot_id, qty, kind, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, 'void', ?)",
            (entry, at, row["sku"], row["location"], row["lot_id"], -row["qty"], f"void of {target['id']}"))
    from daigou_cli.core import orders

    orders.fill_backorders(conn, [r["sku"] for r in reversal if r["qty"] < 0], entry, at)
    return {"id": entry, "voids": target["id"], "kind": target["kind"], "reason": why,
            "movements_reversed": len(reversal), "at": clock.from_db(at)}


def _record_void(conn: sqlite3.Connection, target: sqlite3.Row, why: str, at: str) -> int:
    entry = record_entry(conn, "void", at, why)
    conn.execute("INSERT INTO voids(entry_id, target, reason) VALUES (?, ?, ?)", (entry, target["id"], why))
    return entry


def _void_payment(conn: sqlite3.Connection, target: sqlite3.Row, why: str, at: str) -> dict:
    """Money that never came in (or never went back): the order's paid, balance due, state and
    the reports stop counting it from `at` on. A payment cannot go while the refunds it paid
    for stay: the order would have given back more than it took."""
    from daigou_cli.core import money

    paid = conn.execute("SELECT * FROM payments WHERE entry_id = ?", (target["id"],)).fetchone()
    order = conn.execute("SELECT id, currency FROM orders WHERE id = ?", (paid["order_id"],)).fetchone()
    cur = order["currency"]
    if paid["amount"] > 0:
        short = _shortfall(conn, paid, at)
        if short:
            low, refunds = short
            raise Refused(f"entry {target['id']}: without it order {order['id']} would have refunded "
                          f"{money.format_amount(-low, cur)} {cur} more than it was paid; "
                          + _void_first(refunds, cur))
    entry = _record_void(conn, target, why, at)
    after = conn.execute("SELECT paid, balance_due, refund_due, state FROM order_summary WHERE id = ?",
                         (order["id"],)).fetchone()
    return {"id": entry, "voids": target["id"], "kind": target["kind"], "reason": why,
            "order_id": order["id"], "amount": money.to_decimal(abs(paid["amount"]), cur), "currency": cur,
            "paid": money.to_decimal(after["paid"], cur), "balance_due": money.to_decimal(after["balance_due"], cur),
            "refund_due": money.to_decimal(after["refund_due"], cur), "state": after["state"],
            "at": clock.from_db(at)}


def _void_first(refunds: list[sqlite3.Row], cur: str) -> str:
    from daigou_cli.core import money

    def listed(rows):
        return ", ".join(f"{r['entry_id']} ({money.format_amount(-r['amount'], cur)})" for r in rows)

    alone = [r for r in refunds if r["kind"] == "refund"]
    with_returns = [r for r in refunds if r["kind"] != "refund"]
    if alone:
        return f"void refund entr{'y' if len(alone) == 1 else 'ies'} {listed(alone)} first"
    if not with_returns:  # the refunds in the way are voided, but later than this void
        return "date this void after the voids of its refunds (--at)"
    return (f"its refunds came with return entr{'y' if len(with_returns) == 1 else 'ies'} "
            f"{listed(with_returns)}, which cannot be voided")


def _shortfall(conn: sqlite3.Connection, payment: sqlite3.Row, at: str):
    """(lowest net paid, the refunds standing then) when the order's money in less money back
    would go below zero at some moment from `at` on without `payment`; None when it never does.
    Every payment counts from its own time until its void, as order_summary counts it."""
    rows = conn.execute(
        "SELECT p.entry_id, p.amount, p.at, e.kind, (SELECT ve.at FROM voids v JOIN entries ve ON ve.id = v.entry_id "
        " WHERE v.target = p.entry_id) AS voided_at "
        "FROM payments p JOIN entries e ON e.id = p.entry_id WHERE p.order_id = ?", (payment["order_id"],)).fetchall()
    changes = [(r["at"], r["amount"]) for r in rows]
    changes += [(r["voided_at"], -r["amount"]) for r in rows if r["voided_at"]]
    changes.append((at, -payment["amount"]))
    net, low, low_at = 0, 0, None
    for moment in sorted({m for m, _ in changes}):
        net += sum(delta for m, delta in changes if m == moment)
        if moment >= at and net < low:
            low, low_at = net, moment
    if low_at is None:
        return None
    standing = [r for r in rows if r["amount"] < 0 and r["at"] <= low_at and not r["voided_at"]]
    later = [r for r in standing if (r["at"], r["entry_id"]) > (payment["at"], payment["entry_id"])]
    return low, sorted(later or standing, key=lambda r: (r["at"], r["entry_id"]), reverse=True)


def _void_shipment(conn: sqlite3.Connection, target: sqlite3.Row, why: str, at: str) -> dict:
    """A parcel that did not leave (or not for this order): its units go back into the lots
    they left and are held again for their order lines, and it no longer counts as shipped,
    sold or delivered. Not while a return took back units only it carried: a return cannot
    be voided, so neither can the parcel it came from."""
    from daigou_cli.core import money

    parcel = conn.execute("SELECT * FROM shipments WHERE id = ?", (target["id"],)).fetchone()
    carried = conn.execute(
        "SELECT sl.order_line_id, sl.lot_id, ol.sku, SUM(sl.qty) AS qty FROM shipment_lines sl "
        "JOIN order_lines ol ON ol.id = sl.order_line_id WHERE sl.shipment_id = ? "
        "GROUP BY sl.order_line_id, sl.lot_id ORDER BY sl.order_line_id, sl.lot_id", (parcel["id"],)).fetchall()
    for row in carried:
        _refuse_if_returned(conn, target["id"], row)
    entry = _record_void(conn, target, why, at)
    for m in conn.execute("SELECT sku, location, lot_id, SUM(qty) AS qty FROM movements WHERE entry_id = ? "
                          "GROUP BY sku, location, lot_id HAVING SUM(qty) <> 0", (parcel["id"],)).fetchall():
        conn.execute("INSERT INTO movements(entry_id, at, sku, location, lot_id, qty, kind, reason) "
                     "VALUES (?, ?, ?, ?, ?, ?, 'void', ?)",
                     (entry, at, m["sku"], m["location"], m["lot_id"], -m["qty"], f"void of {target['id']}"))
    held = {}
    for row in carried:
        held[(row["order_line_id"], row["sku"])] = held.get((row["order_line_id"], row["sku"]), 0) + row["qty"]
    for (line_id, sku), qty in held.items():
        conn.execute("INSERT INTO reservations(entry_id, at, order_line_id, sku, location, qty) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (entry, at, line_id, sku, parcel["location"], qty))
    after = conn.execute("SELECT * FROM order_summary WHERE id = ?", (parcel["order_id"],)).fetchone()
    cur = after["currency"]
    return {"id": entry, "voids": target["id"], "kind": "shipment", "reason": why, "order_id": parcel["order_id"],
            "tracking": parcel["tracking"], "carrier": parcel["carrier"], "location": parcel["location"],
            "units": sum(held.values()), "paid": money.to_decimal(after["paid"], cur),
            "balance_due": money.to_decimal(after["balance_due"], cur),
            "refund_due": money.to_decimal(after["refund_due"], cur), "currency": cur, "state": after["state"],
            "at": clock.from_db(at)}


def _refuse_if_returned(conn: sqlite3.Connection, shipment_id: int, row: sqlite3.Row) -> None:
    """Returns name an order line and lot, not a parcel: they are this parcel's when the
    other parcels standing with that line and lot carried fewer units than came back."""
    returned = conn.execute(
        "SELECT rl.return_id, SUM(rl.qty) AS qty FROM return_lines rl WHERE rl.order_line_id = ? AND rl.lot_id = ? "
        "GROUP BY rl.return_id ORDER BY rl.return_id", (row["order_line_id"], row["lot_id"])).fetchall()
    if not returned:
        return
    others = conn.execute(
        "SELECT COALESCE(SUM(sl.qty), 0) FROM shipment_lines sl WHERE sl.order_line_id = ? AND sl.lot_id = ? "
        "AND sl.shipment_id <> ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.target = sl.shipment_id)",
        (row["order_line_id"], row["lot_id"], shipment_id)).fetchone()[0]
    if sum(r["qty"] for r in returned) > others:
        ids = ", ".join(str(r["return_id"]) for r in returned)
        raise Refused(f"entry {shipment_id}: return entr{'y' if len(returned) == 1 else 'ies'} {ids} took back "
                      f"{row['sku']} it carried, and a return cannot be voided, so neither can this parcel")
