"""Keeping the ledger honest: integrity and invariant checks, online backup, raw export."""

import sqlite3
from pathlib import Path

from daigou_cli.core.errors import InvalidInput, Refused
from daigou_cli.core.migrations import SCHEMA_VERSION

SUMMARY_TABLES = ("entries", "fx_rates", "lots", "movements", "voids")
GUARDS = ("update", "delete", "replace")


def ledger_tables() -> list[str]:
    """Every append-only table, as schema.sql declares it (a *_no_update trigger)."""
    import re

    from daigou_cli.core.db import schema_sql

    return re.findall(r"CREATE TRIGGER IF NOT EXISTS \w+_no_update BEFORE UPDATE ON (\w+)", schema_sql())


def _problem(kind: str, ref, message: str, severity: str = "error") -> dict:
    return {"kind": kind, "ref": str(ref), "message": message, "severity": severity}


def check(conn: sqlite3.Connection) -> list[dict]:
    """SQLite's own integrity check plus the ledger's invariants, as a list of problems."""
    problems = []
    for (text,) in conn.execute("PRAGMA integrity_check"):
        if text != "ok":
            problems.append(_problem("integrity", "database", text))
    for row in conn.execute("PRAGMA foreign_key_check"):
        problems.append(_problem("foreign_key", f"{row[0]}:{row[1]}", f"{row[0]} row {row[1]} points at a missing {row[2]}"))
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        problems.append(_problem("schema", "user_version", f"schema {version}, expected {SCHEMA_VERSION}"))
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table in ledger_tables():
        for action in GUARDS:
            if f"{table}_no_{action}" not in triggers:
                problems.append(_problem("append_only", table,
                                         f"trigger refusing {action.upper()} on {table} is missing"))
    # Stock never below zero at any location, at any moment of history.
    for row in conn.execute(
        "SELECT lot_id, location, sku, MIN(running) AS low FROM ("
        " SELECT lot_id, location, sku, SUM(qty) OVER (PARTITION BY lot_id, location ORDER BY at, id"
        " ROWS UNBOUNDED PRECEDING) AS running FROM movements)"
        " GROUP BY lot_id, location HAVING MIN(running) < 0"):
        problems.append(_problem("negative_stock", f"lot {row['lot_id']}",
                                 f"{row['sku']} at {row['location']} went to {row['low']}"))
    for row in conn.execute(
        "SELECT l.id, l.sku, l.qty, (SELECT COALESCE(SUM(m.qty), 0) FROM movements m "
        " WHERE m.lot_id = l.id AND m.kind = 'receipt') AS received FROM lots l"
        " WHERE received <> l.qty"):
        problems.append(_problem("lot_receipt", f"lot {row['id']}",
                                 f"{row['sku']}: lot of {row['qty']} has {row['received']} received"))
    for row in conn.execute(
        "SELECT v.target, (SELECT COALESCE(SUM(qty), 0) FROM movements WHERE entry_id = v.target) +"
        " (SELECT COALESCE(SUM(qty), 0) FROM movements WHERE entry_id = v.entry_id) AS net"
        " FROM voids v WHERE net <> 0"):
        problems.append(_problem("void", f"entry {row['target']}", "void does not fully reverse its entry"))
    from daigou_cli.core import caches

    for row in caches.differences(conn):
        problems.append(_problem("cache", row["ref"], row["message"]))
    for row in conn.execute("SELECT entry_id, rate FROM fx_rates"):
        try:
            if float(row["rate"]) <= 0:
                raise ValueError
        except ValueError:
            problems.append(_problem("fx", f"entry {row['entry_id']}", f"rate {row['rate']!r} is not positive"))
    return problems


def summary(conn: sqlite3.Connection) -> dict:
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SUMMARY_TABLES}
    return counts | {"schema": conn.execute("PRAGMA user_version").fetchone()[0]}


def backup(conn: sqlite3.Connection, path: str, force: bool = False) -> dict:
    """An online copy (SQLite backup API): consistent even while another process writes."""
    target = Path(path).expanduser()
    if target.exists() and not force:
        raise Refused(f"{target}: already exists (use --force to overwrite)")
    if not target.parent.exists():
        raise InvalidInput(f"PATH: folder {target.parent} does not exist")
    tmp = target.with_name(target.name + ".part")
    dest = sqlite3.connect(tmp)
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    tmp.replace(target)
    return {"id": str(target), "path": str(target), "bytes": target.stat().st_size} | summary(conn)


def exportable(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE '%_fts%' ORDER BY type, name")]


def export(conn: sqlite3.Connection, name: str) -> tuple[list[str], sqlite3.Cursor]:
    names = exportable(conn)
    if name not in names:
        raise InvalidInput(f"TABLE: no table or view {name!r} (one of: {', '.join(names)})")
    cursor = conn.execute(f'SELECT * FROM "{name}"')
    return [d[0] for d in cursor.description], cursor
