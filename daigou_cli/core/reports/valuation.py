"""`report stock`: what the stock on hand is worth at FIFO lot cost (landed, base currency),
by SKU, category, zone or location, as of any moment (lot_balances as of then); with a
window, beside the value at its start and the change. And the value at the end of each
day/week/month, for the monthly report's trend chart."""

import sqlite3
from datetime import timedelta

from daigou_cli.core import asof, clock, config, money
from daigou_cli.core.errors import UsageProblem
from daigou_cli.core.reports import buckets, convert

BY = {"sku": "p.sku", "category": "COALESCE(p.category, '')", "zone": "COALESCE(p.zone, '')",
      "location": "lv.location"}
VALUES = ["units", "reserved", "available", "lots", "unit_cost", "value", "share_pct", "opening_value",
          "change", "currency"]

_SQL = """
WITH lv AS (
    SELECT sku, location, SUM(qty) AS units, SUM(value_base) AS value, SUM(qty > 0) AS lots
    FROM lot_balances GROUP BY sku, location
), held AS (
    SELECT sku, location, SUM(qty) AS qty FROM reservation_balances GROUP BY sku, location
)
SELECT {key} AS key, MIN(p.name) AS name, SUM(lv.units) AS units, SUM(lv.value) AS value,
       SUM(COALESCE(h.qty, 0)) AS reserved, SUM(lv.lots) AS lots
FROM lv JOIN products p ON p.sku = lv.sku
LEFT JOIN held h ON h.sku = lv.sku AND h.location = lv.location
GROUP BY 1 HAVING SUM(lv.units) <> 0 OR SUM(lv.value) <> 0 OR SUM(COALESCE(h.qty, 0)) <> 0
ORDER BY SUM(lv.value) DESC, 1
"""


def columns(by: str) -> list[str]:
    return [by] + (["name"] if by == "sku" else []) + VALUES


def _levels(conn, by: str, as_of: str) -> dict:
    return {r["key"]: dict(r) for r in asof.query(conn, _SQL.format(key=BY[by]), {}, as_of)}


def valuation(conn: sqlite3.Connection, by: str = "sku", as_of: str = clock.END_OF_TIME,
              since: str | None = None) -> list[dict]:
    """One row per key with stock as of `as_of`; `since` (UTC text) adds the opening value then."""
    if by not in BY:
        raise UsageProblem(f"--by: {by!r} is not one of {', '.join(BY)}")
    base = config.get(conn, "base_currency")
    now = _levels(conn, by, as_of)
    opening = _levels(conn, by, clock.to_db(clock.from_db(since) - timedelta(seconds=1))) if since else {}
    whole = sum(r["value"] for r in now.values())
    keys = list(now) + [k for k in opening if k not in now]
    rows = []
    for key in keys:
        r = now.get(key) or {"units": 0, "value": 0, "reserved": 0, "lots": 0, "name": opening[key]["name"]}
        row = {by: key, "units": r["units"], "reserved": r["reserved"], "available": r["units"] - r["reserved"],
               "lots": r["lots"], "value": money.to_decimal(r["value"], base),
               "unit_cost": money.to_decimal(convert.average(r["value"], r["units"]), base) if r["units"] > 0 else None,
               "share_pct": convert.percent(r["value"], whole), "currency": base}
        if by == "sku":
            row["name"] = r["name"]
        if since:
            before = opening.get(key, {}).get("value", 0)
            row.update(opening_value=money.to_decimal(before, base), change=money.to_decimal(r["value"] - before, base))
        rows.append(row)
    return rows


def trend(conn: sqlite3.Connection, window: dict, unit: str = "day", until: str | None = None) -> list[dict]:
    """Stock value at the end of each day/week/month of the window (up to `until`): the value
    before it plus the movements of each bucket at their lot cost."""
    base, tz = config.get_many(conn, "base_currency", "timezone")
    spans = buckets.buckets(window, tz, unit)
    last = min(spans[-1]["end"], until or clock.END_OF_TIME)
    sql = f"""
    WITH {buckets.BUCKETS_CTE}
    SELECT 'opening' AS label, COALESCE(SUM(m.qty * l.unit_cost_base), 0) AS delta
    FROM movements m JOIN lots l ON l.id = m.lot_id WHERE m.at < :first
    UNION ALL
    SELECT b.label, SUM(m.qty * l.unit_cost_base) FROM movements m JOIN lots l ON l.id = m.lot_id
    JOIN b ON m.at BETWEEN b.start AND b.end WHERE m.at <= :last GROUP BY b.label
    """
    found = dict(conn.execute(sql, {"buckets": buckets.as_json(spans), "first": spans[0]["start"],
                                    "last": last}).fetchall())
    value, rows = found.pop("opening"), []
    for span in spans:
        if span["start"] > last:
            break
        value += found.get(span["label"], 0)
        rows.append({"period": span["label"], "value": money.to_decimal(value, base), "currency": base})
    return rows
