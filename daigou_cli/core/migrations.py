"""Schema versions, keyed on PRAGMA user_version. schema.sql is the whole current schema;
a step here is needed only when an existing table changes (a new column, a constraint
dropped); CREATE ... IF NOT EXISTS covers new tables, indexes and triggers, and views are
always recreated."""

import sqlite3

from daigou_cli.core.errors import DatabaseProblem

SCHEMA_VERSION = 11
STEPS = {}


def step(version: int):
    def register(fn):
        STEPS[version] = fn
        return fn

    return register


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _add_column(conn, table: str, column: str, decl: str) -> None:
    if column not in _columns(conn, table):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")


@step(2)
def m002_pack_size_and_supplier_store(conn: sqlite3.Connection) -> None:
    """Products round suggested quantities to a pack size; suppliers say which store to visit."""
    _add_column(conn, "products", "pack_size", "INTEGER NOT NULL DEFAULT 1")
    _add_column(conn, "suppliers", "store", "TEXT")
    _add_column(conn, "suppliers", "city", "TEXT")


@step(9)
def m009_tracking_unique_among_standing_parcels(conn: sqlite3.Connection) -> None:
    """A voided parcel gives its tracking number back, so shipments.tracking loses its UNIQUE
    column constraint (ship now refuses only a number a standing parcel has); SQLite cannot
    drop a constraint, so the table is rebuilt."""
    unique = [row for row in conn.execute("PRAGMA index_list(shipments)") if row[3] == "u"]
    if not unique:  # no shipments table yet (schema.sql makes it), or already rebuilt
        return
    _rebuild(conn, "shipments", """
            id            INTEGER PRIMARY KEY REFERENCES entries(id),
            order_id      INTEGER NOT NULL REFERENCES orders(id),
            carrier       TEXT NOT NULL,
            service       TEXT,
            tracking      TEXT NOT NULL,
            location      TEXT NOT NULL REFERENCES locations(code),
            cost          INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),
            weight_g      INTEGER,
            declared      INTEGER NOT NULL CHECK (declared >= 0),
            insured       INTEGER,
            at            TEXT NOT NULL""")


@step(11)
def m011_every_tracking_status_notifies(conn: sqlite3.Connection) -> None:
    """Every tracking status and a return without a refund queue a message now, so the CHECK
    on notifications.kind takes the new kinds: the table is rebuilt. Schema 11 also adds
    order_source_rows, which CREATE ... IF NOT EXISTS covers."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'notifications'").fetchone()
    if sql is None or "'in_transit'" in sql[0]:
        return
    _rebuild(conn, "notifications", """
            id          INTEGER PRIMARY KEY,
            entry_id    INTEGER NOT NULL REFERENCES entries(id),
            order_id    INTEGER NOT NULL REFERENCES orders(id),
            customer_id INTEGER NOT NULL REFERENCES customers(id),
            shipment_id INTEGER REFERENCES shipments(id),
            kind        TEXT NOT NULL CHECK (kind IN ('order_confirmed', 'deposit_received',
                        'payment_received', 'shipped', 'info_received', 'in_transit', 'customs',
                        'out_for_delivery', 'delivered', 'exception', 'returned', 'lost',
                        'return_received', 'refund_issued', 'refund_due', 'order_cancelled')),
            language    TEXT NOT NULL,
            subject     TEXT NOT NULL,
            body        TEXT NOT NULL,
            at          TEXT NOT NULL,
            recorded_at TEXT NOT NULL""")


def _rebuild(conn: sqlite3.Connection, table: str, columns_sql: str) -> None:
    """SQLite's documented way to change a table's constraints: a new table with every row,
    the old one dropped, the new one renamed (foreign keys are off for the upgrade, db.py,
    and checked before it commits). The views still name the dropped table until schema.sql
    recreates them, so the legacy rename, which does not re-check them, is used; indexes and
    triggers go with the old table and schema.sql creates them again after the steps."""
    conn.execute(f"CREATE TABLE {table}_rebuilt ({columns_sql})")
    columns = ", ".join(sorted(_columns(conn, table)))
    conn.execute(f"INSERT INTO {table}_rebuilt ({columns}) SELECT {columns} FROM {table} ORDER BY rowid")
    conn.execute(f"DROP TABLE {table}")
    legacy = conn.execute("PRAGMA legacy_alter_table").fetchone()[0]
    conn.execute("PRAGMA legacy_alter_table = ON")
    try:
        conn.execute(f"ALTER TABLE {table}_rebuilt RENAME TO {table}")
    finally:
        conn.execute(f"PRAGMA legacy_alter_table = {int(legacy)}")


def _check_references(conn: sqlite3.Connection) -> None:
    """Foreign keys are off while an upgrade rebuilds tables: every reference must still hold."""
    broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    if broken:
        raise DatabaseProblem(f"upgrade to schema {SCHEMA_VERSION} stopped: {broken[0]} row {broken[1]} "
                              f"points at a missing {broken[2]} row; nothing was changed")


def upgrade(conn: sqlite3.Connection, from_version: int, schema_sql: str) -> None:
    """Run inside the caller's transaction: every step, then schema.sql, then the version."""
    # A new ledger (version 0) gets schema.sql as it is; steps upgrade older tables.
    for version in range(max(from_version, 1) + 1, SCHEMA_VERSION + 1):
        if from_version and version in STEPS:
            STEPS[version](conn)
    for statement in split_statements(schema_sql):
        conn.execute(statement)
    if from_version:
        # Caches (schema 6 on) are derived: an older ledger gets them filled from its facts,
        # and any upgrade re-derives them rather than trusting what was there.
        from daigou_cli.core import caches

        caches.rebuild(conn)
        _check_references(conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def split_statements(sql: str) -> list[str]:
    """executescript() would COMMIT our transaction; split on complete statements instead."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return statements
