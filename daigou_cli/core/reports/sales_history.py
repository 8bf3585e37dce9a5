"""Imported sales history (`daigou history import`) in `report sales`: units, the revenue known
and the units without one, per time bucket or key, as a few SQL aggregates driven by the index
sales_history(sku, date) (one range seek per SKU, never the whole table).

The rules are the forecast's (core/forecast/demand.py): a history day counts by the day it
describes, not by when it was imported, so `--as-of D` takes history up to D; a voided import
never counts; and history adds to the orders of the same day — the import is what was sold
outside the ledger, not a copy of it. `overlaps` finds the SKU-days that have both, so a
report can say so when an import repeats orders the ledger already has."""

import json
import sqlite3
from datetime import date, datetime, timedelta
from functools import lru_cache

from daigou_cli.core import asof, clock
from daigou_cli.core.forecast.demand import has_table
from daigou_cli.core.reports import convert

# The key of a history row for each --by; history has no customer, so it is one row of its own.
KEYS = {
    "sku": ("h.sku", ", MIN(p.name) AS name"),
    "category": ("COALESCE(p.category, '')", ""),
    "channel": ("COALESCE(h.channel, '')", ""),
    "customer": ("NULL", ", 'imported history' AS name"),
    "total": ("'total'", ""),
}

# Revenue in base minor units, NULL when the row has none; stored in the base currency at
# import, converted at that day's rate only if the base currency has changed since.
_REVENUE = ("CASE WHEN h.revenue IS NULL THEN NULL "
            "WHEN h.currency IS NULL OR h.currency = :base THEN h.revenue "
            "ELSE to_base(h.revenue, h.currency, "
            + convert.RATE_AT.format(cur="h.currency", at="h.date || 'T23:59:59Z'")
            + ", h.date || 'T00:00:00Z') END")

# CROSS JOIN keeps products outside: SQLite then seeks each SKU's dates in the index.
_ROWS = """FROM products p CROSS JOIN sales_history h ON h.sku = p.sku
WHERE h.date BETWEEN :h_first AND :h_last AND h.entry_id NOT IN (SELECT target FROM voids)"""


def present(conn: sqlite3.Connection) -> bool:
    """A ledger from before the forecasting tables has no history to add."""
    return has_table(conn, "sales_history")


def last_day(moment: str, tz: str) -> str:
    """The last business day whose start is at or before `moment`."""
    if moment >= clock.END_OF_TIME:
        return date.max.isoformat()
    return clock.local_date(moment, tz)


def first_day(moment: str, tz: str) -> str:
    """The first business day that starts at or after `moment`."""
    day = date.fromisoformat(clock.local_date(moment, tz))
    midnight = clock.to_db(datetime(day.year, day.month, day.day, tzinfo=clock.zone(tz)))
    return (day if midnight >= moment else day + timedelta(days=1)).isoformat()


def _run(conn, sql: str, params: dict, as_of: str) -> list:
    to_base = convert.install(conn)
    rows = asof.query(conn, sql, params, as_of).fetchall()
    to_base.check(conn)
    return rows


def by_bucket(conn: sqlite3.Connection, spans: list[dict], base: str, tz: str, as_of: str) -> dict:
    """label -> {units, revenue, unpriced} for whole day/week/month buckets, days up to --as-of."""
    if not present(conn) or not spans:
        return {}
    days = [[s["label"], s["first_day"].isoformat(), last_day(s["end"], tz)] for s in spans]
    sql = f"""
    WITH hb AS (SELECT json_extract(value, '$[0]') AS label, json_extract(value, '$[1]') AS first,
                       json_extract(value, '$[2]') AS last FROM json_each(:h_buckets)),
    hd AS (SELECT h.date, SUM(h.qty) AS units, SUM({_REVENUE}) AS revenue,
                  SUM(CASE WHEN h.revenue IS NULL THEN h.qty END) AS unpriced
           {_ROWS} GROUP BY h.date)
    SELECT hb.label, SUM(hd.units) AS units, SUM(hd.revenue) AS revenue, SUM(hd.unpriced) AS unpriced
    FROM hd JOIN hb ON hd.date BETWEEN hb.first AND hb.last GROUP BY hb.label
    """
    params = {"h_buckets": json.dumps(days), "h_first": days[0][1],
              "h_last": min(days[-1][2], last_day(as_of, tz)), "base": base}
    return {r["label"]: dict(r) for r in _run(conn, sql, params, as_of)}


def by_key(conn: sqlite3.Connection, by: str, window: dict, before: dict, base: str, tz: str,
           as_of: str) -> dict:
    """key -> {name?, units, revenue, unpriced, prev_units, prev_revenue, prev_unpriced}: the
    window beside the window before it (which ends the second the window starts)."""
    if not present(conn):
        return {}
    key, extra = KEYS[by]
    now, then = "h.date >= :h_start", "h.date < :h_start"
    sql = f"""
    SELECT {key} AS key{extra},
           SUM(CASE WHEN {now} THEN h.qty END) AS units,
           SUM(CASE WHEN {now} THEN {_REVENUE} END) AS revenue,
           SUM(CASE WHEN {now} AND h.revenue IS NULL THEN h.qty END) AS unpriced,
           SUM(CASE WHEN {then} THEN h.qty END) AS prev_units,
           SUM(CASE WHEN {then} THEN {_REVENUE} END) AS prev_revenue,
           SUM(CASE WHEN {then} AND h.revenue IS NULL THEN h.qty END) AS prev_unpriced
    {_ROWS} GROUP BY 1
    """
    params = {"h_first": first_day(before["start"], tz), "h_start": first_day(window["start"], tz),
              "h_last": min(last_day(window["end"], tz), last_day(as_of, tz)), "base": base}
    return {r["key"]: dict(r) for r in _run(conn, sql, params, as_of)}


def overlaps(conn: sqlite3.Connection, first: str, last: str, tz: str, as_of: str) -> tuple[int, str | None]:
    """(SKU-days from `first` to `last` with both orders and imported history, the earliest
    as 'SKU on DATE'): one row per order line in the range, each an index seek into history."""
    if not present(conn):
        return 0, None
    local_day = lru_cache(maxsize=4096)(lambda at: clock.local_date(at, tz))
    conn.create_function("local_day", 1, local_day, deterministic=True)
    sql = """
    WITH sold AS (
        SELECT DISTINCT ol.sku, local_day(o.at) AS day
        FROM orders o JOIN order_lines ol ON ol.order_id = o.id
        WHERE o.at BETWEEN :first AND :last AND o.id NOT IN (SELECT order_id FROM order_cancellations))
    SELECT COUNT(*) AS n, MIN(s.day || ' ' || s.sku) AS earliest FROM sold s
    WHERE EXISTS (SELECT 1 FROM sales_history h WHERE h.sku = s.sku AND h.date = s.day
                  AND h.entry_id NOT IN (SELECT target FROM voids))
    """
    row = asof.query(conn, sql, {"first": first, "last": min(last, as_of)}, as_of).fetchone()
    if not row["n"]:
        return 0, None
    day, sku = row["earliest"].split(" ", 1)
    return row["n"], f"{sku} on {day}"
