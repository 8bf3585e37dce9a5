"""`report profit`: the real profit of what was sold in a window, in base currency.

Revenue is recognised when goods ship (a daigou's sale is done when the parcel leaves; an
order taken but not shipped is a promise, and a cancelled order never ships): shipped units
× the order line's unit price (already net of discounts), converted at the FX rate in force
when the parcel left. Then, for facts dated in the window:
- cogs: shipped units at their FIFO lot's landed unit cost in base currency, minus units
  returned and restocked at the same lot cost (written-off returns stay a cost);
- shipping: parcel costs (allocated to a parcel's lines by revenue);
- fees: channel fees, config channel_fee_rates ("taobao:0.006,shopify:0.029": a share of
  the revenue recognised on that channel), rounded half up per parcel line;
- refunds: money given back (negative payments) on orders that were not cancelled — after a
  return, or as a discount — converted at the rate on the day of the refund. A refund that
  came with a return is allocated to the returned lines, any other to the lines shipped by
  then (or all lines). Refunds of a cancelled order's deposit were never revenue: left out.
gross_profit = revenue − cogs − shipping − fees − refunds; margin = gross_profit / revenue,
in percent. Every amount is converted at the finest grain (parcel line, refund) and summed
in SQL, so totals are the same whichever way the report is cut. A voided parcel or refund
(`daigou void`) counts for none of it once the void is in view (--as-of before it: as it was)."""

import re
import sqlite3
from decimal import Decimal

from daigou_cli.core import asof, clock, config, money
from daigou_cli.core.errors import InvalidInput, UsageProblem
from daigou_cli.core.reports import buckets, convert

BY = ("month", "order", "sku", "category", "channel", "customer")
AMOUNTS = ["revenue", "cogs", "shipping", "fees", "refunds", "gross_profit"]

# What each --by groups on: (key SQL, extra columns SQL, extra column names).
_KEYS = {
    "month": ("b.label", "", []),
    "order": ("o.id", ", MIN(c.name) AS customer, MIN(o.channel) AS channel", ["customer", "channel"]),
    "sku": ("ol.sku", ", MIN(p.name) AS name", ["name"]),
    "category": ("COALESCE(p.category, '')", "", []),
    "channel": ("o.channel", "", []),
    "customer": ("c.id", ", MIN(c.name) AS name", ["name"]),
}

_FACTS = f"""
fee AS (SELECT key AS channel, value AS ppm FROM json_each(:fees)),
sold AS (  -- one row per parcel and order line
    SELECT s.id AS shipment_id, s.at, s.cost AS parcel_cost, ol.id AS line_id, o.channel,
           SUM(sl.qty) AS qty, SUM(sl.qty * l.unit_cost_base) AS cogs,
           to_base(SUM(sl.qty) * ol.price, o.currency, {convert.RATE_AT.format(cur="o.currency", at="s.at")}, s.at)
               AS revenue
    FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id
    JOIN order_lines ol ON ol.id = sl.order_line_id JOIN orders o ON o.id = ol.order_id
    JOIN lots l ON l.id = sl.lot_id
    WHERE s.at BETWEEN :start AND :until
      AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id  -- voided: never sold
                      WHERE v.target = s.id AND e.at <= (SELECT as_of FROM as_of_clock))
    GROUP BY s.id, ol.id
), sold_w AS (
    SELECT *, CASE WHEN SUM(revenue) OVER (PARTITION BY shipment_id) > 0 THEN revenue ELSE qty END AS w
    FROM sold
), sold_cum AS (
    SELECT *, SUM(w) OVER (PARTITION BY shipment_id ORDER BY line_id) AS upto,
           SUM(w) OVER (PARTITION BY shipment_id) AS whole
    FROM sold_w
), refund AS (  -- refunds on orders that stand
    SELECT p.entry_id, p.at, p.order_id,
           to_base(-p.amount, o.currency, {convert.RATE_AT.format(cur="o.currency", at="p.at")}, p.at) AS amount
    FROM payments p JOIN orders o ON o.id = p.order_id
    WHERE p.amount < 0 AND p.at BETWEEN :start AND :until
      AND p.order_id NOT IN (SELECT order_id FROM order_cancellations)
      AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id  -- voided: never given back
                      WHERE v.target = p.entry_id AND e.at <= (SELECT as_of FROM as_of_clock))
), basis AS (  -- what each refund is spread over: 1 the lines it returned, 2 lines shipped, 3 all lines
    SELECT r.entry_id, 1 AS level, rl.order_line_id AS line_id, SUM(rl.qty) AS qty, SUM(rl.qty) * ol.price AS value
    FROM refund r JOIN return_lines rl ON rl.return_id = r.entry_id JOIN order_lines ol ON ol.id = rl.order_line_id
    GROUP BY r.entry_id, rl.order_line_id
    UNION ALL
    SELECT r.entry_id, 2, sl.order_line_id, SUM(sl.qty), SUM(sl.qty) * ol.price
    FROM refund r JOIN order_lines ol ON ol.order_id = r.order_id JOIN shipment_lines sl ON sl.order_line_id = ol.id
    JOIN shipments s ON s.id = sl.shipment_id AND s.at <= r.at
    WHERE NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                      WHERE v.target = s.id AND e.at <= (SELECT as_of FROM as_of_clock))
    GROUP BY r.entry_id, sl.order_line_id
    UNION ALL
    SELECT r.entry_id, 3, ol.id, ol.qty, ol.qty * ol.price
    FROM refund r JOIN order_lines ol ON ol.order_id = r.order_id
), basis_w AS (
    SELECT entry_id, line_id, qty, value FROM (
        SELECT *, MIN(level) OVER (PARTITION BY entry_id) AS best FROM basis) WHERE level = best
), refund_w AS (
    SELECT r.at, r.amount, x.line_id,
           CASE WHEN SUM(x.value) OVER (PARTITION BY r.entry_id) > 0 THEN x.value ELSE x.qty END AS w, r.entry_id
    FROM refund r JOIN basis_w x ON x.entry_id = r.entry_id
), refund_cum AS (
    SELECT *, SUM(w) OVER (PARTITION BY entry_id ORDER BY line_id) AS upto,
           SUM(w) OVER (PARTITION BY entry_id) AS whole
    FROM refund_w
), facts AS (
    SELECT sc.at, sc.line_id, sc.revenue, sc.cogs,
           (sc.parcel_cost * sc.upto * 2 + sc.whole) / (2 * sc.whole)
             - (sc.parcel_cost * (sc.upto - sc.w) * 2 + sc.whole) / (2 * sc.whole) AS shipping,
           (sc.revenue * COALESCE(fee.ppm, 0) + 500000) / 1000000 AS fees, 0 AS refunds
    FROM sold_cum sc LEFT JOIN fee ON fee.channel = sc.channel
    UNION ALL
    SELECT x.at, rl.order_line_id, 0, -SUM(rl.qty * l.unit_cost_base), 0, 0, 0
    FROM return_lines rl JOIN returns x ON x.id = rl.return_id JOIN lots l ON l.id = rl.lot_id
    WHERE rl.disposition = 'restock' AND x.at BETWEEN :start AND :until
    GROUP BY x.id, rl.order_line_id
    UNION ALL
    SELECT at, line_id, 0, 0, 0, 0,
           (amount * upto * 2 + whole) / (2 * whole) - (amount * (upto - w) * 2 + whole) / (2 * whole)
    FROM refund_cum
)"""


def fee_rates(text: str | None, field: str = "channel_fee_rates") -> dict[str, int]:
    """'taobao:0.006,shopify:2.9%' -> {channel: parts per million of revenue}."""
    rates: dict[str, int] = {}
    for part in (text or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition(":")
        channel, raw = name.strip().lower(), value.strip()
        share = None
        if sep and re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,31}", channel):
            match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(%?)", raw)
            if match:
                share = Decimal(match.group(1)) / (100 if match.group(2) else 1)
        if share is None or share >= 1 or (share * 10**6) != int(share * 10**6):
            raise InvalidInput(f"{field}: {part.strip()!r} is not CHANNEL:RATE "
                               "(like taobao:0.006,shopify:0.029 or shopify:2.9%)")
        rates[channel] = int(share * 10**6)
    return rates


def columns(by: str) -> list[str]:
    first = "period" if by == "month" else "key"
    return [first] + _KEYS[by][2] + AMOUNTS + ["margin", "currency"]


def margin(gross_profit: int, revenue: int) -> Decimal | None:
    return convert.percent(gross_profit, revenue)


def profit(conn: sqlite3.Connection, window: dict, by: str = "month", as_of: str = clock.END_OF_TIME,
           until: str | None = None) -> list[dict]:
    """One row per --by key with something in the window; amounts in base currency."""
    import json

    if by not in BY:
        raise UsageProblem(f"--by: {by!r} is not one of {', '.join(BY)}")
    base, tz = config.get_many(conn, "base_currency", "timezone")
    key, extra, names = _KEYS[by]
    until = min(window["end"], as_of) if until is None else until
    months = buckets.buckets(window, tz, "month") if by == "month" else []
    group_join = "JOIN b ON f.at BETWEEN b.start AND b.end" if months else ""
    order = "1" if by in ("month", "order") else "gross_profit DESC, 1"
    sql = f"""
    WITH {buckets.BUCKETS_CTE}, {_FACTS}
    SELECT {key} AS key{extra}, SUM(f.revenue) AS revenue, SUM(f.cogs) AS cogs, SUM(f.shipping) AS shipping,
           SUM(f.fees) AS fees, SUM(f.refunds) AS refunds,
           SUM(f.revenue) - SUM(f.cogs) - SUM(f.shipping) - SUM(f.fees) - SUM(f.refunds) AS gross_profit
    FROM facts f JOIN order_lines ol ON ol.id = f.line_id JOIN orders o ON o.id = ol.order_id
    JOIN products p ON p.sku = ol.sku JOIN customers c ON c.id = o.customer_id {group_join}
    GROUP BY {key} ORDER BY {order}
    """
    to_base = convert.install(conn)
    params = {"start": window["start"], "until": until, "buckets": buckets.as_json(months),
              "fees": json.dumps(fee_rates(config.get(conn, "channel_fee_rates")))}
    result = asof.query(conn, sql, params, as_of).fetchall()
    to_base.check(conn)
    rows = []
    for r in result:
        row = {("period" if by == "month" else "key"): r["key"], "currency": base}
        row.update({name: r[name] for name in names})
        row.update(_amounts(dict(r), base))
        rows.append(row)
    return rows


def _amounts(minor: dict, base: str) -> dict:
    out = {name: money.to_decimal(minor[name], base) for name in AMOUNTS}
    out["margin"] = margin(minor["gross_profit"], minor["revenue"])
    return out


def total(rows: list[dict], base: str) -> dict:
    """The totals row: sums of the amounts, margin recomputed."""
    exp = money.exponent(base)
    minor = {name: int(sum((r[name] for r in rows), Decimal(0)).scaleb(exp)) for name in AMOUNTS}
    return _amounts(minor, base) | {"currency": base}
