"""Correcting the ledger without editing it: `void` records an entry that cancels another."""

import sqlite3

from daigou_cli.core import clock
from daigou_cli.core.errors import InvalidInput, Refused
from daigou_cli.core.ledger import record_entry

STOCK_KINDS = ("receipt", "adjust", "move", "writeoff")


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
    if target["kind"] not in STOCK_KINDS + ("fx", "history"):
        raise Refused(f"entry {target['id']}: a {target['kind']} cannot be voided")
    if at < target["at"]:
        raise InvalidInput(f"--at: the void cannot be earlier than entry {target['id']} itself")
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
    entry = record_entry(conn, "void", at, why)
    conn.execute("INSERT INTO voids(entry_id, target, reason) VALUES (?, ?, ?)", (entry, target["id"], why))
    for row in reversal:
        conn.execute(
            "INSERT INTO movements(entry_id, at, sku, location, lot_id, qty, kind, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, 'void', ?)",
            (entry, at, row["sku"], row["location"], row["lot_id"], -row["qty"], f"void of {target['id']}"))
    from daigou_cli.core import orders

    orders.fill_backorders(conn, [r["sku"] for r in reversal if r["qty"] < 0], entry, at)
    return {"id": entry, "voids": target["id"], "kind": target["kind"], "reason": why,
            "movements_reversed": len(reversal), "at": clock.from_db(at)}
