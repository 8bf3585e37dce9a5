"""`report customers`: who buys, how often and how much — per customer with orders in the
window (default the last 365 days), and new vs returning customers per month.

Orders count when taken and not cancelled (as of --as-of); spend is their lines at unit
price, converted to base currency at the rate on the order date, less refunds on them.
RFM scores, 1 (worst) to 5 (best):
- R, recency: days from the last order to the end of the window: ≤30 → 5, ≤60 → 4, ≤90 → 3,
  ≤180 → 2, more → 1;
- F, frequency: orders in the window, 5 or more → 5;
- M, monetary: spend against the other customers in the report: ceil(5 × the share of
  customers spending as much or less), so the top fifth gets 5.
Segments, the first that fits: champion (R≥4, F≥4: buys often, bought lately); loyal (R≥3,
F≥3); new (R≥4 and their first order ever); promising (R≥4: bought lately, not yet often);
needs_attention (R=3: 61–90 days quiet); at_risk (R≤2 and F≥3 or M≥4: a good customer gone
quiet — chase first); hibernating (R=2); lost (R=1: nothing for more than 180 days).
Repurchase rate: customers with 2 or more orders in the period / customers with orders in it."""

import sqlite3
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from daigou_cli.core import asof, clock, config, money
from daigou_cli.core.reports import buckets, convert

COLUMNS = ["customer", "customer_id", "orders", "spend", "first_order", "last_order", "days_between",
           "recency_days", "r", "f", "m", "rfm", "segment", "favourite_categories", "new", "currency"]
MONTH_COLUMNS = ["period", "customers", "new", "returning", "orders", "spend", "repeat_customers",
                 "repurchase_rate", "currency"]
RECENCY = ((30, 5), (60, 4), (90, 3), (180, 2))

_ORDERS = f"""
ord AS (  -- orders that stand, up to the end
    SELECT o.id, o.customer_id, o.at, o.currency FROM orders o
    WHERE o.at <= :until AND o.id NOT IN (SELECT order_id FROM order_cancellations)
), val AS (  -- orders in the window: booked value less refunds, base currency
    SELECT o.id, o.customer_id, o.at,
           (SELECT SUM(to_base(ol.qty * ol.price, o.currency, {convert.RATE_AT.format(cur="o.currency", at="o.at")}, o.at))
            FROM order_lines ol WHERE ol.order_id = o.id)
           - COALESCE((SELECT SUM(to_base(-p.amount, o.currency, {convert.RATE_AT.format(cur="o.currency", at="p.at")}, p.at))
                       FROM payments p WHERE p.order_id = o.id AND p.amount < 0 AND p.at <= :until
                         AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                                         WHERE v.target = p.entry_id
                                           AND e.at <= (SELECT as_of FROM as_of_clock))), 0) AS spend
    FROM ord o WHERE o.at >= :start
), life AS (
    SELECT customer_id, MIN(at) AS first_at, MAX(at) AS last_at, COUNT(*) AS lifetime FROM ord GROUP BY customer_id
)"""

_PER_CUSTOMER = f"""
WITH {_ORDERS}, win AS (
    SELECT customer_id, COUNT(*) AS orders, SUM(spend) AS spend, MIN(at) AS win_first, MAX(at) AS win_last
    FROM val GROUP BY customer_id
), cat AS (
    SELECT v.customer_id, p.category, SUM(ol.qty) AS units,
           ROW_NUMBER() OVER (PARTITION BY v.customer_id ORDER BY SUM(ol.qty) DESC, p.category) AS n
    FROM val v JOIN order_lines ol ON ol.order_id = v.id JOIN products p ON p.sku = ol.sku
    WHERE COALESCE(p.category, '') <> '' GROUP BY v.customer_id, p.category
), fav AS (
    SELECT customer_id, MAX(CASE WHEN n = 1 THEN category END)
           || COALESCE(', ' || MAX(CASE WHEN n = 2 THEN category END), '') AS favourite
    FROM cat WHERE n <= 2 GROUP BY customer_id
)
SELECT c.id, c.name, w.orders, w.spend, w.win_first, w.win_last, l.first_at, l.last_at, l.lifetime,
       f.favourite, (5 * COUNT(*) OVER (ORDER BY w.spend) + COUNT(*) OVER () - 1) / COUNT(*) OVER () AS m
FROM win w JOIN customers c ON c.id = w.customer_id JOIN life l ON l.customer_id = w.customer_id
LEFT JOIN fav f ON f.customer_id = w.customer_id
"""


def recency_score(days: int) -> int:
    return next((score for limit, score in RECENCY if days <= limit), 1)


def segment(r: int, f: int, m: int, lifetime: int) -> str:
    if r >= 4 and f >= 4:
        return "champion"
    if r >= 3 and f >= 3:
        return "loyal"
    if r >= 4:
        return "new" if lifetime == 1 else "promising"
    if r == 3:
        return "needs_attention"
    if f >= 3 or m >= 4:
        return "at_risk"
    return "hibernating" if r == 2 else "lost"


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _day(text: str, tz: str) -> date:
    return date.fromisoformat(clock.local_date(text, tz))


def _params(window: dict, until: str) -> dict:
    return {"start": window["start"], "until": until}


def customers(conn: sqlite3.Connection, window: dict, as_of: str = clock.END_OF_TIME,
              until: str | None = None) -> list[dict]:
    """One row per customer with orders in the window, best customers first."""
    base, tz = config.get_many(conn, "base_currency", "timezone")
    until = until or min(window["end"], as_of)
    to_base = convert.install(conn)
    found = asof.query(conn, _PER_CUSTOMER, _params(window, until), as_of).fetchall()
    to_base.check(conn)
    end_day = _day(min(until, clock.to_db(clock.now_utc())), tz)  # a month not over yet: today
    rows = []
    for r in found:
        last = _day(r["win_last"], tz)
        recency = (end_day - last).days
        score_r, score_f, score_m = recency_score(recency), min(r["orders"], 5), r["m"]
        gaps = (last - _day(r["win_first"], tz)).days
        rows.append({
            "customer": r["name"], "customer_id": r["id"], "orders": r["orders"],
            "spend": money.to_decimal(r["spend"], base), "first_order": _day(r["first_at"], tz),
            "last_order": _day(r["last_at"], tz),
            "days_between": _tenths(Decimal(gaps) / (r["orders"] - 1)) if r["orders"] > 1 else None,
            "recency_days": recency, "r": score_r, "f": score_f, "m": score_m,
            "rfm": f"{score_r}{score_f}{score_m}", "segment": segment(score_r, score_f, score_m, r["lifetime"]),
            "favourite_categories": r["favourite"] or "", "new": r["first_at"] >= window["start"],
            "currency": base,
        })
    rows.sort(key=lambda x: (-x["r"] - x["f"] - x["m"], -x["spend"], x["customer"], x["customer_id"]))
    return rows


def by_month(conn: sqlite3.Connection, window: dict, as_of: str = clock.END_OF_TIME,
             until: str | None = None) -> list[dict]:
    """Per month of the window (cut at its edges), then `all`: customers who ordered, how many
    were new (first order ever that month) or returning, orders, spend, repurchase rate."""
    base, tz = config.get_many(conn, "base_currency", "timezone")
    until = until or min(window["end"], as_of)
    spans = buckets.buckets(window, tz, "month", clip=True)
    spans.append({"label": "all", "start": window["start"], "end": window["end"]})
    sql = f"""
    WITH {buckets.BUCKETS_CTE}, {_ORDERS}, per AS (
        SELECT b.label, b.start, v.customer_id, COUNT(*) AS orders, SUM(v.spend) AS spend
        FROM val v JOIN b ON v.at BETWEEN b.start AND b.end GROUP BY b.label, v.customer_id
    )
    SELECT per.label, COUNT(*) AS customers, SUM(l.first_at >= per.start) AS new,
           SUM(l.first_at < per.start) AS "returning", SUM(per.orders) AS orders, SUM(per.spend) AS spend,
           SUM(per.orders >= 2) AS repeat_customers
    FROM per JOIN life l ON l.customer_id = per.customer_id GROUP BY per.label
    """
    to_base = convert.install(conn)
    found = {r["label"]: dict(r) for r in
             asof.query(conn, sql, _params(window, until) | {"buckets": buckets.as_json(spans)}, as_of)}
    to_base.check(conn)
    rows = []
    for span in spans:
        r = found.get(span["label"]) or {"customers": 0, "new": 0, "returning": 0, "orders": 0, "spend": 0,
                                          "repeat_customers": 0}
        rows.append({"period": span["label"], "customers": r["customers"], "new": r["new"],
                     "returning": r["returning"], "orders": r["orders"], "spend": money.to_decimal(r["spend"], base),
                     "repeat_customers": r["repeat_customers"],
                     "repurchase_rate": convert.percent(r["repeat_customers"], r["customers"]), "currency": base})
    return rows
