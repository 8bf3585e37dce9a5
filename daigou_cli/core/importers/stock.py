"""`stock import`: one receipt per row (the columns of `stock add`), each a new lot through
stock.receive; `at` is read in the business time zone, cost is per unit in its currency."""

import sqlite3

from daigou_cli.core import catalog, clock, config, stock
from daigou_cli.core.importers.common import Layout, Record, Result, Table, run

LAYOUT = Layout("receipts", ("sku", "qty", "cost", "currency", "location", "lot", "expiry", "supplier",
                             "at", "fx"), required=("sku", "qty", "cost"),
                actions=("received",))


def writer(conn: sqlite3.Connection, at: str | None = None, location: str | None = None):
    """Rows without `at` are received at `at` (default now), rows without `location` at
    `location` (default: as stock add decides)."""
    tz = config.get(conn, "timezone")
    default_at = at or clock.to_db(clock.now_utc())
    default_location = catalog.location(conn, location) if location else None

    def write(conn: sqlite3.Connection, record: Record) -> dict:
        v = record.values
        when = clock.parse_at(v["at"], tz, "at") if v.get("at") else default_at
        receipt = stock.receive(conn, v["sku"], v["qty"], v["cost"], when, v.get("currency"), v.get("fx"),
                                v.get("location") or default_location, v.get("lot"), v.get("expiry"),
                                v.get("supplier"))
        return receipt | {"action": "received"}

    return write


def load(conn: sqlite3.Connection, table: Table, at: str | None = None, location: str | None = None,
         **options) -> Result:
    """Import a parsed receipts file; options as for common.run."""
    return run(conn, table, writer(conn, at, location), **options)
