"""`report sales`: what was sold — orders taken, not cancelled (as of --as-of), at the order
date: units, orders, revenue (lines at their unit price, converted to base currency at the
rate in force on the order date) and average order value, with the previous period beside
each row and the change. By day, ISO week or month each row is compared with the bucket
before it (weeks and months are whole, not cut at the window's edges); by SKU, category,
channel or customer with the same key in the window before (the previous month, quarter or
year for a calendar --period, else the same length of time just before).
`report profit` counts money when goods ship; this report counts demand when it is ordered."""

import sqlite3

from daigou_cli.core import asof, clock, config, money
from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.reports import buckets, convert

BY = ("day", "week", "month", "sku", "category", "channel", "customer")
VALUES = ["units", "orders", "revenue", "aov", "prev_units", "prev_orders", "prev_revenue", "prev_aov",
          "units_change", "revenue_change", "revenue_change_pct", "currency"]
_KEYS = {
    "sku": ("ol.sku", ", MIN(p.name) AS name", ["name"]),
    "category": ("COALESCE(p.category, '')", "", []),
    "channel": ("o.channel", "", []),
    "customer": ("o.customer_id", ", MIN(c.name) AS name", ["name"]),
    "total": ("'total'", "", []),
}

_BOOKED = f"""
booked AS (
    SELECT o.id AS order_id, ol.id AS line_id, o.at, ol.sku, ol.qty,
           to_base(ol.qty * ol.price, o.currency, {convert.RATE_AT.format(cur="o.currency", at="o.at")}, o.at)
               AS revenue
    FROM orders o JOIN order_lines ol ON ol.order_id = o.id
    WHERE o.at BETWEEN :first AND :last
      AND o.id NOT IN (SELECT order_id FROM order_cancellations)
)"""


def columns(by: str) -> list[str]:
    first = "period" if by in buckets.UNITS else "key"
    return [first] + (_KEYS[by][2] if by in _KEYS else []) + VALUES


def _figures(units, orders, revenue, prev_units, prev_orders, prev_revenue, base: str) -> dict:
    units, orders, revenue = units or 0, orders or 0, revenue or 0
    row = {"units": units, "orders": orders, "revenue": money.to_decimal(revenue, base),
           "aov": money.to_decimal(convert.average(revenue, orders), base), "currency": base}
    prev_units, prev_orders, prev_revenue = prev_units or 0, prev_orders or 0, prev_revenue or 0
    row.update(prev_units=prev_units, prev_orders=prev_orders, prev_revenue=money.to_decimal(prev_revenue, base),
               prev_aov=money.to_decimal(convert.average(prev_revenue, prev_orders), base),
               units_change=units - prev_units, revenue_change=money.to_decimal(revenue - prev_revenue, base),
               revenue_change_pct=convert.percent(revenue - prev_revenue, prev_revenue))
    return row


def sales(conn: sqlite3.Connection, window: dict, by: str = "day", as_of: str = clock.END_OF_TIME) -> list[dict]:
    if by not in BY:
        raise InvalidInput(f"--by: {by!r} is not one of {', '.join(BY)}")
    if by in buckets.UNITS:
        return _by_time(conn, window, by, as_of)
    return _by_key(conn, window, by, as_of)


def _run(conn, sql: str, params: dict, as_of: str) -> list:
    to_base = convert.install(conn)
    rows = asof.query(conn, sql, params, as_of).fetchall()
    to_base.check(conn)
    return rows


def _by_time(conn, window: dict, unit: str, as_of: str) -> list[dict]:
    base, tz = config.get_many(conn, "base_currency", "timezone")
    spans = buckets.buckets(window, tz, unit, before=1)
    sql = f"""
    WITH {buckets.BUCKETS_CTE}, {_BOOKED}
    SELECT b.label, SUM(k.qty) AS units, COUNT(DISTINCT k.order_id) AS orders, SUM(k.revenue) AS revenue
    FROM booked k JOIN b ON k.at BETWEEN b.start AND b.end GROUP BY b.label
    """
    params = {"buckets": buckets.as_json(spans), "first": spans[0]["start"],
              "last": min(spans[-1]["end"], as_of)}
    found = {r["label"]: dict(r) for r in _run(conn, sql, params, as_of)}
    rows = []
    for before, span in zip(spans, spans[1:], strict=False):
        now, prev = found.get(span["label"]), found.get(before["label"])
        now, prev = now or {}, prev or {}
        figures = _figures(now.get("units"), now.get("orders"), now.get("revenue"),
                           prev.get("units"), prev.get("orders"), prev.get("revenue"), base)
        rows.append({"period": span["label"]} | figures)
    return rows


def _by_key(conn, window: dict, by: str, as_of: str) -> list[dict]:
    base, tz = config.get_many(conn, "base_currency", "timezone")
    before = buckets.previous(window, tz)
    key, extra, names = _KEYS[by]
    sql = f"""
    WITH {_BOOKED}, tagged AS (SELECT k.*, k.at >= :start AS now FROM booked k)
    SELECT {key} AS key{extra},
           SUM(CASE WHEN k.now THEN k.qty END) AS units, COUNT(DISTINCT CASE WHEN k.now THEN k.order_id END) AS orders,
           SUM(CASE WHEN k.now THEN k.revenue END) AS revenue,
           SUM(CASE WHEN NOT k.now THEN k.qty END) AS prev_units,
           COUNT(DISTINCT CASE WHEN NOT k.now THEN k.order_id END) AS prev_orders,
           SUM(CASE WHEN NOT k.now THEN k.revenue END) AS prev_revenue
    FROM tagged k JOIN order_lines ol ON ol.id = k.line_id
    JOIN orders o ON o.id = k.order_id JOIN products p ON p.sku = k.sku JOIN customers c ON c.id = o.customer_id
    WHERE k.at <= :prev_end OR k.at >= :start
    GROUP BY {key} ORDER BY COALESCE(SUM(CASE WHEN k.now THEN k.revenue END), 0) DESC, 1
    """
    params = {"first": before["start"], "prev_end": before["end"], "start": window["start"],
              "last": min(window["end"], as_of)}
    rows = []
    for r in _run(conn, sql, params, as_of):
        row = {"key": r["key"]} | {n: r[n] for n in names}
        rows.append(row | _figures(r["units"], r["orders"], r["revenue"], r["prev_units"], r["prev_orders"],
                                   r["prev_revenue"], base))
    return rows


def total(conn: sqlite3.Connection, window: dict, as_of: str = clock.END_OF_TIME) -> dict:
    """The whole window against the window before: the totals row."""
    rows = _by_key(conn, window, "total", as_of)
    base = config.get(conn, "base_currency")
    return rows[0] if rows else _figures(0, 0, 0, 0, 0, 0, base)
