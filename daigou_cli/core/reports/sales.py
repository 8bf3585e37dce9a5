"""`report sales`: what was sold — orders taken, not cancelled (as of --as-of), at the order
date: units, orders, revenue (lines at their unit price, converted to base currency at the
rate in force on the order date) and average order value, with the previous period beside
each row and the change. By day, ISO week or month each row is compared with the bucket
before it (weeks and months are whole, not cut at the window's edges); by SKU, category,
channel or customer with the same key in the window before (the previous month, quarter or
year for a calendar --period, else the same length of time just before).
`report profit` counts money when goods ship; this report counts demand when it is ordered.

With `history=True` the days of imported sales history add to the orders (sales_history.py):
their units count, orders and aov stay the ledger's (history has no orders), revenue is what
is known — blank when none of a row's units has one — and `unpriced_units` says how many units
it leaves out; a revenue change against revenue that leaves units out is left blank."""

import sqlite3

from daigou_cli.core import asof, clock, config, money
from daigou_cli.core.errors import UsageProblem
from daigou_cli.core.reports import buckets, convert, sales_history

BY = ("day", "week", "month", "sku", "category", "channel", "customer")
VALUES = ["units", "orders", "revenue", "aov", "prev_units", "prev_orders", "prev_revenue", "prev_aov",
          "units_change", "revenue_change", "revenue_change_pct", "history_units", "unpriced_units",
          "prev_unpriced_units", "currency"]
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


def _side(ledger: dict, history: dict) -> dict:
    """One period's figures in minor units: ledger and history added, revenue None when no
    unit of it has a known revenue."""
    units, orders, revenue = ledger.get("units") or 0, ledger.get("orders") or 0, ledger.get("revenue") or 0
    h_units, unpriced = history.get("units") or 0, history.get("unpriced") or 0
    known = revenue + (history.get("revenue") or 0)
    return {"units": units + h_units, "orders": orders, "revenue": None if unpriced and unpriced == units + h_units
            else known, "aov": convert.average(revenue, orders), "history_units": h_units, "unpriced": unpriced}


def _figures(now: dict, prev: dict, base: str) -> dict:
    def amount(minor):
        return None if minor is None else money.to_decimal(minor, base)

    row = {"units": now["units"], "orders": now["orders"], "revenue": amount(now["revenue"]),
           "aov": amount(now["aov"]), "prev_units": prev["units"], "prev_orders": prev["orders"],
           "prev_revenue": amount(prev["revenue"]), "prev_aov": amount(prev["aov"]),
           "units_change": now["units"] - prev["units"], "revenue_change": None, "revenue_change_pct": None,
           "history_units": now["history_units"], "unpriced_units": now["unpriced"],
           "prev_unpriced_units": prev["unpriced"], "currency": base}
    if not (now["unpriced"] or prev["unpriced"]):   # a change against a partial revenue misleads
        row["revenue_change"] = amount(now["revenue"] - prev["revenue"])
        row["revenue_change_pct"] = convert.percent(now["revenue"] - prev["revenue"], prev["revenue"])
    return row


def sales(conn: sqlite3.Connection, window: dict, by: str = "day", as_of: str = clock.END_OF_TIME,
          history: bool = False) -> list[dict]:
    if by not in BY:
        raise UsageProblem(f"--by: {by!r} is not one of {', '.join(BY)}")
    if by in buckets.UNITS:
        return _by_time(conn, window, by, as_of, history)
    return _by_key(conn, window, by, as_of, history)


def _run(conn, sql: str, params: dict, as_of: str) -> list:
    to_base = convert.install(conn)
    rows = asof.query(conn, sql, params, as_of).fetchall()
    to_base.check(conn)
    return rows


def _by_time(conn, window: dict, unit: str, as_of: str, history: bool) -> list[dict]:
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
    past = sales_history.by_bucket(conn, spans, base, tz, as_of) if history else {}
    rows = []
    for before, span in zip(spans, spans[1:], strict=False):
        now = _side(found.get(span["label"], {}), past.get(span["label"], {}))
        prev = _side(found.get(before["label"], {}), past.get(before["label"], {}))
        rows.append({"period": span["label"]} | _figures(now, prev, base))
    return rows


def _by_key(conn, window: dict, by: str, as_of: str, history: bool) -> list[dict]:
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
    GROUP BY {key}
    """
    params = {"first": before["start"], "prev_end": before["end"], "start": window["start"],
              "last": min(window["end"], as_of)}
    found = {r["key"]: dict(r) for r in _run(conn, sql, params, as_of)}
    past = sales_history.by_key(conn, by, window, before, base, tz, as_of) if history else {}
    rows = []
    for k in list(found) + [k for k in past if k not in found]:
        ledger, imported = found.get(k, {}), past.get(k, {})
        now, prev = _side(ledger, imported), _side(_prev(ledger), _prev(imported))
        if not (now["units"] or prev["units"] or now["orders"] or prev["orders"]):
            continue
        named = {n: ledger.get(n) or imported.get(n) for n in names}
        rows.append({"key": k} | named | _figures(now, prev, base))
    # best sellers first: revenue, then units (imported days may have no revenue), then the key
    rows.sort(key=lambda r: (-(r["revenue"] or 0), -r["units"], r["key"] is None, r["key"] or ""))
    return rows


def _prev(figures: dict) -> dict:
    return {k.removeprefix("prev_"): v for k, v in figures.items() if k.startswith("prev_")}


def total(conn: sqlite3.Connection, window: dict, as_of: str = clock.END_OF_TIME, history: bool = False) -> dict:
    """The whole window against the window before: the totals row."""
    rows = _by_key(conn, window, "total", as_of, history)
    base = config.get(conn, "base_currency")
    empty = {"units": 0, "orders": 0, "revenue": 0, "aov": None, "history_units": 0, "unpriced": 0}
    return rows[0] if rows else _figures(empty, empty, base)


def notes(conn: sqlite3.Connection, window: dict, by: str, rows: list[dict],
          as_of: str = clock.END_OF_TIME) -> list[str]:
    """What a reader of these rows should know about the imported history in them."""
    out = []
    unpriced = sum(r["unpriced_units"] for r in rows)
    before = sum(r["prev_unpriced_units"] for r in rows) if by not in buckets.UNITS else 0
    if unpriced or before:
        parts = [_units(unpriced)] if unpriced else []
        parts += [f"{_units(before)} in the previous period"] if before else []
        out.append(f"imported history without revenue: {' and '.join(parts)}; revenue counts only what "
                   "is known (blank when nothing is), see unpriced_units")
    if not any(r["history_units"] for r in rows):
        return out
    tz = config.get(conn, "timezone")
    first, last = window["start"], window["end"]
    if by in buckets.UNITS:   # the buckets shown, which are whole
        spans = buckets.buckets(window, tz, by)
        first, last = spans[0]["start"], spans[-1]["end"]
    days, earliest = sales_history.overlaps(conn, first, last, tz, as_of)
    if days:
        out.append(f"{days:,} SKU-day{'s have' if days > 1 else ' has'} both orders and imported history "
                   f"(first: {earliest}); both count, as in forecasts. If the import repeats orders the ledger "
                   "has, void it (daigou void ID, the id from daigou history list) and import only the days "
                   "before the ledger began")
    return out


def _units(n: int) -> str:
    return f"{n:,} unit{'' if n == 1 else 's'}"
