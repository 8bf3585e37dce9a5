"""Schema versions, keyed on PRAGMA user_version. schema.sql is the whole current schema;
a step here is needed only when an existing table gains a column (CREATE ... IF NOT EXISTS
covers new tables, indexes and triggers; views are always recreated)."""

import sqlite3

SCHEMA_VERSION = 8
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
