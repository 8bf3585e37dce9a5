"""Gathering demand for forecasts, in SQL aggregates: units per SKU per business day from
order lines (by order date; cancelled orders left out, back-ordered lines in: a customer
asked for them) plus imported sales history. Never the ledger's rows one by one.

Days are date.toordinal() numbers. Order times are UTC; they are put on the business day
with the time zone's UTC offset at the forecast origin (exact for zones without summer time,
such as Asia/Shanghai; an hour off around a DST change elsewhere)."""

import sqlite3
from collections import deque
from datetime import date, datetime, time, timedelta
from statistics import mean, stdev

from daigou_cli.core import asof, clock, money

JD_ORDINAL = 1721425     # julianday('0001-01-01') + 0.5 = 1721426 = ordinal 1 + this

_ORDER_DEMAND = """
SELECT ol.sku, CAST(julianday(o.at, :shift) + 0.5 AS INTEGER) - :jd0 AS d, SUM(ol.qty) AS qty
FROM orders o JOIN order_lines ol ON ol.order_id = o.id
WHERE o.at >= :since AND o.at <= :until
  AND o.id NOT IN (SELECT order_id FROM order_cancellations)
  {sku_filter}
GROUP BY ol.sku, d
"""

# One row per SKU with its days as "date qty date qty ...": half the time of a row per day,
# most of which goes on making Python objects for each row.
_HISTORY_DEMAND = """
SELECT sku, group_concat(date || ' ' || qty, ' ')
FROM sales_history
WHERE date >= :first AND date <= :last {void_filter} {sku_filter}
GROUP BY sku
"""


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """A ledger written before the forecasting tables existed reads as having none yet."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (name,)).fetchone() is not None


def origin_day(as_of: str, tz: str) -> date:
    """The last day of history: the --as-of date, else yesterday (today is not over yet)."""
    if as_of == clock.END_OF_TIME:
        return clock.now_utc().astimezone(clock.zone(tz)).date() - timedelta(days=1)
    return clock.from_db(as_of).astimezone(clock.zone(tz)).date()


def _utc_offset_minutes(day: date, tz: str) -> int:
    moment = datetime.combine(day, time(12), tzinfo=clock.zone(tz))
    return int(moment.utcoffset().total_seconds() // 60)


def _in_list(column: str, values, params: dict, prefix: str) -> str:
    if values is None:
        return ""
    names = []
    for i, value in enumerate(values):
        params[f"{prefix}{i}"] = value
        names.append(f":{prefix}{i}")
    return f"AND {column} IN ({', '.join(names) or 'NULL'})"


def daily_demand(conn: sqlite3.Connection, first: date, last: date, as_of: str, tz: str,
                 skus=None) -> dict[str, list[int]]:
    """SKU -> units per day from `first` to `last` (both included), for SKUs with any."""
    n = (last - first).days + 1
    series: dict[str, list[int]] = {}
    base = first.toordinal()
    offset = _utc_offset_minutes(last, tz)
    local = clock.zone(tz)
    params = {"shift": f"{offset:+d} minutes", "jd0": JD_ORDINAL + base,
              "since": clock.to_db(datetime.combine(first, time(0), tzinfo=local)),
              "until": min(as_of, clock.to_db(datetime.combine(last + timedelta(days=1), time(0),
                                                               tzinfo=local) - timedelta(seconds=1)))}
    sql = _ORDER_DEMAND.format(sku_filter=_in_list("ol.sku", skus, params, "s"))
    for sku, d, qty in asof.query(conn, sql, params, as_of):
        if 0 <= d < n:
            series.setdefault(sku, [0] * n)[d] += qty
    if not has_table(conn, "sales_history"):
        return series
    params = {"first": first.isoformat(), "last": last.isoformat()}
    # A voided import was wrong data: left out whatever --as-of says (like the import itself,
    # history counts by the days it describes, not by when it was recorded).
    voided = [r[0] for r in conn.execute(
        "SELECT v.target FROM voids v JOIN entries t ON t.id = v.target WHERE t.kind = 'history'")]
    sql = _HISTORY_DEMAND.format(void_filter=_in_list("entry_id NOT", voided, params, "v") if voided else "",
                                 sku_filter=_in_list("sku", skus, params, "s"))
    index = {(first + timedelta(days=i)).isoformat(): i for i in range(n)}.__getitem__
    cur = conn.cursor()
    cur.row_factory = None
    for sku, text in cur.execute(sql, params):
        values = series.get(sku)
        fresh = values is None
        if fresh:
            values = series[sku] = [0] * n
        parts = text.split(" ")
        days, units = list(map(index, parts[0::2])), list(map(int, parts[1::2]))
        if len(set(days)) == len(days) and (fresh or not any(map(values.__getitem__, days))):
            deque(map(values.__setitem__, days, units), maxlen=0)   # one row a day: set in C
        else:                                                        # channels of one day: add
            for i, qty in zip(days, units, strict=True):
                values[i] += qty
    return series


def products(conn: sqlite3.Connection, as_of: str, skus=None) -> list[dict]:
    """The catalogue fields a forecast needs, with the last landed unit cost (base currency,
    major units) for the EOQ."""
    params: dict = {"as_of": as_of}
    where = _in_list("p.sku", skus, params, "s").replace("AND", "WHERE", 1)
    exponent = money.exponent(_base(conn))
    rows = conn.execute(f"""
        SELECT p.sku, p.name, p.category, p.reorder_point, p.pack_size, p.supplier_id,
               p.lead_days AS product_lead, s.lead_days AS supplier_lead,
               (SELECT l.unit_cost_base FROM lots l WHERE l.sku = p.sku AND l.received_at <= :as_of
                ORDER BY l.received_at DESC, l.id DESC LIMIT 1) AS unit_cost_base
        FROM products p LEFT JOIN suppliers s ON s.id = p.supplier_id {where}
        ORDER BY p.sku""", params).fetchall()
    out = []
    for r in rows:
        item = dict(r)
        cost = item.pop("unit_cost_base")
        item["unit_cost"] = cost / 10 ** exponent if cost is not None else None
        out.append(item)
    return out


def _base(conn: sqlite3.Connection) -> str:
    from daigou_cli.core import config

    return config.get(conn, "base_currency")


def supplier_lead_times(conn: sqlite3.Connection, as_of: str) -> dict[int, tuple[float, float | None]]:
    """Supplier -> (mean, standard deviation or None) of days from purchase order to delivery,
    measured on the ledger's own deliveries (a standard deviation needs three)."""
    if not has_table(conn, "purchase_receipts"):
        return {}
    days: dict[int, list[float]] = {}
    for supplier, took in conn.execute(
            "SELECT po.supplier_id, julianday(r.at) - julianday(po.at) FROM purchase_receipts r "
            "JOIN purchase_orders po ON po.id = r.po_id WHERE r.at <= ?", (as_of,)):
        days.setdefault(supplier, []).append(max(took, 0.0))
    return {s: (mean(v), stdev(v) if len(v) >= 3 else None) for s, v in days.items()}


def positions(conn: sqlite3.Connection, as_of: str) -> dict[str, dict]:
    """SKU -> on hand, available, incoming and back-ordered units (the stock_position view)."""
    rows = asof.query(conn, "SELECT sku, on_hand, available, incoming, backordered FROM stock_position",
                      {}, as_of)
    return {r["sku"]: dict(r) for r in rows}
