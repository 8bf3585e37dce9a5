"""`daigou report aging`: how old the stock on hand is — units and value at lot cost per age
bucket (0–30, 31–90, 91–180 and more than 180 days since the lot was received) — and how
much of it expires within N days (already expired included). Per SKU, category or zone."""

import sqlite3
from datetime import date, timedelta

from daigou_cli.core import asof, clock, config, money

BY = {"sku": "p.sku", "category": "COALESCE(p.category, '')", "zone": "COALESCE(p.zone, '')"}
BUCKETS = (("0_30", 0, 30), ("31_90", 31, 90), ("91_180", 91, 180), ("180_plus", 181, None))
VALUES = ["units_0_30", "value_0_30", "units_31_90", "value_31_90", "units_91_180", "value_91_180",
          "units_180_plus", "value_180_plus", "units", "value", "oldest_days", "expiring_units",
          "expiring_value", "next_expiry", "currency"]


def columns(by: str) -> list[str]:
    return [by] + (["name"] if by == "sku" else []) + VALUES


def _bucket_sql(name: str, low: int, high: int | None) -> str:
    test = f"age >= {low}" + (f" AND age <= {high}" if high is not None else "")
    return (f"SUM(CASE WHEN {test} THEN qty ELSE 0 END) AS units_{name}, "
            f"SUM(CASE WHEN {test} THEN value ELSE 0 END) AS value_{name}")


def aging(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, by: str = "sku",
          expiring_days: int | None = None) -> list[dict]:
    """Ages are whole business days from the receipt to the end of --as-of's day (today)."""
    from daigou_cli.core.errors import UsageProblem

    if by not in BY:
        raise UsageProblem(f"--by: {by!r} is not one of {', '.join(BY)}")
    base, tz, default_days = config.get_many(conn, "base_currency", "timezone", "expiring_days")
    ref = clock.parse_as_of("today", tz) if as_of == clock.END_OF_TIME else as_of
    days = int(float(default_days)) if expiring_days is None else expiring_days
    limit = (date.fromisoformat(clock.local_date(ref, tz)) + timedelta(days=days)).isoformat()
    sql = f"""
    WITH aged AS (
        SELECT b.sku, b.qty, b.value_base AS value, b.expiry,
               MAX(CAST(julianday(:ref) - julianday(b.received_at) AS INTEGER), 0) AS age
        FROM lot_balances b WHERE b.qty > 0
    )
    SELECT {BY[by]} AS key, MIN(p.name) AS name, {", ".join(_bucket_sql(*b) for b in BUCKETS)},
           SUM(qty) AS units, SUM(value) AS value, MAX(age) AS oldest_days,
           SUM(CASE WHEN expiry <= :limit THEN qty ELSE 0 END) AS expiring_units,
           SUM(CASE WHEN expiry <= :limit THEN value ELSE 0 END) AS expiring_value,
           MIN(expiry) AS next_expiry
    FROM aged a JOIN products p ON p.sku = a.sku
    GROUP BY 1 ORDER BY 1
    """
    rows = []
    for r in asof.query(conn, sql, {"ref": ref, "limit": limit}, as_of):
        row = {by: r["key"], "currency": base, "expiring_days": days,
               "next_expiry": date.fromisoformat(r["next_expiry"]) if r["next_expiry"] else None}
        if by == "sku":
            row["name"] = r["name"]
        for key in ("units", "oldest_days", "expiring_units") + tuple(f"units_{b[0]}" for b in BUCKETS):
            row[key] = r[key]
        for key in ("value", "expiring_value") + tuple(f"value_{b[0]}" for b in BUCKETS):
            row[key] = money.to_decimal(r[key], base)
        rows.append(row)
    return rows
