"""Purchasing for the demo ledger: purchase orders to the example suppliers (one received
with freight and duty, one partly received, one still in transit) and a SKU left under its
reorder point, so `purchase list`, `reorder`, `shopping-list` and `check` have something to
say. Called by daigou_cli/core/demo.py after the examples are loaded, inside its transaction."""

import sqlite3

from daigou_cli.core import clock, config, purchasing

DRUGSTORE = "松本清 Matsumoto Kiyoshi"
DISCOUNTER = "唐吉诃德 Don Quijote"
ELECTRONICS = "Bic Camera"

# (supplier, lines, placed at, location, deliveries: (lines or [] for all, at, freight, duty, split))
ORDERS = [
    (DRUGSTORE, ["SHISEIDO-UB-50:6@10200", "DECORTE-LOTION-150:4@5500", "CPB-SERUM-50:2@22000"],
     "2026-11-02T10:00", "TOKYO", [([], "2026-11-09T16:00", "2400", "6800", "value")]),
    (DISCOUNTER, ["DHC-LIPCREAM:6@620", "CANMAKE-BLUSH:20@660"], "2026-11-10T11:00", "TOKYO",
     [(["DHC-LIPCREAM:4"], "2026-11-17T15:00", "800", None, "weight")]),
    (ELECTRONICS, ["SONY-WF1000XM5:2@33000", "INSTAX-MINI12:3@11000"], "2026-11-20T13:00", "TOKYO", []),
]


def _known(conn: sqlite3.Connection, supplier: str, lines: list[str]) -> bool:
    skus = [line.split(":", 1)[0] for line in lines]
    has_supplier = conn.execute("SELECT 1 FROM suppliers WHERE name = ?", (supplier,)).fetchone()
    found = conn.execute(f"SELECT count(*) FROM products WHERE sku IN ({', '.join('?' * len(skus))})",
                         skus).fetchone()[0]
    return bool(has_supplier) and found == len(skus)


def add_purchasing(ledger_conn: sqlite3.Connection) -> list[int]:
    """Write the demo's purchase orders and deliveries; returns the purchase order ids.
    Orders whose supplier or SKUs are missing from the examples are skipped."""
    tz = config.get(ledger_conn, "timezone")
    ids = []
    for supplier, lines, placed, location, deliveries in ORDERS:
        if not _known(ledger_conn, supplier, lines):
            continue
        has_location = ledger_conn.execute("SELECT 1 FROM locations WHERE code = ?", (location,)).fetchone()
        po = purchasing.create_po(ledger_conn, supplier, lines, clock.parse_at(placed, tz),
                                  location=location if has_location else None)
        for received, at, freight, duty, split in deliveries:
            purchasing.receive(ledger_conn, po["id"], received, clock.parse_at(at, tz), freight=freight,
                               duty=duty, split=split)
        ids.append(po["id"])
    return ids
