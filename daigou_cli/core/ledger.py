"""Entries: the spine of the ledger. Every write command records one or more entries."""

import sqlite3

from daigou_cli.core import clock


def record_entry(conn: sqlite3.Connection, kind: str, at: str, note: str | None = None) -> int:
    cur = conn.execute(
        "INSERT INTO entries(kind, at, recorded_at, note) VALUES (?, ?, ?, ?)",
        (kind, at, clock.to_db(clock.now_utc()), note),
    )
    return cur.lastrowid


def is_voided(conn: sqlite3.Connection, entry_id: int) -> bool:
    return conn.execute("SELECT 1 FROM voids WHERE target = ?", (entry_id,)).fetchone() is not None
