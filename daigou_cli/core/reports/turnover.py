"""`daigou report turnover`: how fast stock turns over a period — units sold (movements of
kind 'sale', not of a voided parcel), cost of goods sold at lot cost, average inventory value (time-weighted over the
period: the value at the start plus every movement's value weighted by the share of the
period still to run after it), turnover (COGS / average inventory), days of inventory
(period days × average inventory / COGS), and slow and dead stock with a clearance action:
dead = units not reserved for orders, in stock since before the period began, and none sold
in it; slow = more days of inventory than --slow-days.
Per SKU, category or zone; amounts in base currency."""

import sqlite3
from decimal import ROUND_HALF_UP, Decimal

from daigou_cli.core import config, money
from daigou_cli.core.errors import UsageProblem

BY = {"sku": "p.sku", "category": "COALESCE(p.category, '')", "zone": "COALESCE(p.zone, '')"}
VALUES = ["units_sold", "cogs", "avg_inventory", "end_units", "end_value", "turnover",
          "days_of_inventory", "oldest_days", "flag", "action", "currency", "period"]
DEAD_AGE_DAYS = 180

_SQL = """
WITH moved AS (
    -- a sale of a voided parcel is no sale: its 'void' movement only brings the stock back
    SELECT m.sku, m.at, CASE WHEN m.kind = 'sale' AND EXISTS (
               SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
               WHERE v.target = m.entry_id AND e.at <= :end) THEN 'voided_sale' ELSE m.kind END AS kind,
           m.qty, m.qty * l.unit_cost_base AS value
    FROM movements m JOIN lots l ON l.id = m.lot_id WHERE m.at <= :end
), per_sku AS (
    SELECT sku,
           SUM(CASE WHEN at < :start THEN value ELSE 0 END) AS start_value,
           SUM(qty) AS end_units, SUM(value) AS end_value,
           SUM(CASE WHEN at >= :start THEN value * (julianday(:end) + :tick - julianday(at)) ELSE 0 END)
               AS value_days,
           -SUM(CASE WHEN kind = 'sale' AND at >= :start THEN qty ELSE 0 END) AS units_sold,
           -SUM(CASE WHEN kind = 'sale' AND at >= :start THEN value ELSE 0 END) AS cogs
    FROM moved GROUP BY sku
), oldest AS (
    SELECT b.sku, MAX(CAST(julianday(:end) - julianday(l.received_at) AS INTEGER)) AS days,
           MIN(l.received_at) AS received_at
    FROM (SELECT lot_id, sku, SUM(qty) AS qty FROM movements WHERE at <= :end GROUP BY lot_id) b
    JOIN lots l ON l.id = b.lot_id WHERE b.qty > 0 GROUP BY b.sku
), held AS (
    SELECT sku, SUM(qty) AS units FROM reservations WHERE at <= :end GROUP BY sku
)
SELECT {key} AS key, MIN(p.name) AS name, SUM(s.units_sold) AS units_sold, SUM(s.cogs) AS cogs,
       SUM(s.start_value + s.value_days / :days) AS avg_inventory,
       SUM(s.end_units) AS end_units, SUM(s.end_value) AS end_value, MAX(o.days) AS oldest_days,
       MIN(o.received_at) < :start AS held_all_period, SUM(COALESCE(h.units, 0)) AS reserved
FROM per_sku s JOIN products p ON p.sku = s.sku LEFT JOIN oldest o ON o.sku = s.sku
LEFT JOIN held h ON h.sku = s.sku
GROUP BY 1
HAVING SUM(s.units_sold) <> 0 OR SUM(s.end_units) <> 0 OR ABS(SUM(s.start_value + s.value_days / :days)) >= 0.5
ORDER BY 1
"""


def columns(by: str) -> list[str]:
    return [by] + (["name"] if by == "sku" else []) + VALUES


def _flag(units_sold: int, free_units: int, held_all_period: bool, days_of_inventory: Decimal | None,
          oldest: int | None, slow_days: int) -> tuple[str, str]:
    """dead: units not held for orders, in stock since before the period, and none sold in
    it; slow: more days of inventory than slow_days."""
    if free_units > 0 and units_sold <= 0 and held_all_period:
        if (oldest or 0) > DEAD_AGE_DAYS:
            return "dead", f"clear: older than {DEAD_AGE_DAYS} days; sell below cost, bundle or write off"
        return "dead", "clear: no sales this period; discount to cost or bundle with a best-seller"
    if days_of_inventory is not None and days_of_inventory > slow_days:
        return "slow", "promote: discount 10-20% or bundle; buy none until it moves"
    return "", ""


def turnover(conn: sqlite3.Connection, window: dict, by: str = "sku", slow_days: int = 90) -> list[dict]:
    if by not in BY:
        raise UsageProblem(f"--by: {by!r} is not one of {', '.join(BY)}")
    base = config.get(conn, "base_currency")
    params = {"start": window["start"], "end": window["end"], "days": window["days"], "tick": 1 / 86400}
    rows = []
    for r in conn.execute(_SQL.format(key=BY[by]), params):
        avg = int(Decimal(r["avg_inventory"]).quantize(Decimal(1), ROUND_HALF_UP))
        cogs = r["cogs"]
        ratio = (Decimal(cogs) / avg).quantize(Decimal("0.01"), ROUND_HALF_UP) if avg > 0 else None
        days = ((Decimal(window["days"]) * avg / cogs).quantize(Decimal("0.1"), ROUND_HALF_UP)
                if cogs > 0 else None)
        flag, action = _flag(r["units_sold"], r["end_units"] - r["reserved"], bool(r["held_all_period"]), days,
                             r["oldest_days"], slow_days)
        row = {by: r["key"], "units_sold": r["units_sold"], "cogs": money.to_decimal(cogs, base),
               "avg_inventory": money.to_decimal(avg, base), "end_units": r["end_units"],
               "end_value": money.to_decimal(r["end_value"], base), "turnover": ratio,
               "days_of_inventory": days, "oldest_days": r["oldest_days"], "flag": flag, "action": action,
               "currency": base, "period": window["label"]}
        if by == "sku":
            row["name"] = r["name"]
        rows.append(row)
    return rows
