"""`report receivables`: money customers still owe — orders with a balance due (order_summary
as of --as-of), the deposits (定金) already taken on them, and the balance by age since the
order was taken (0–7, 8–30, 31–60, 60+ business days), per customer or per order, in the order
to chase: goods already shipped and unpaid first, then past the promised date (most overdue
first), then the oldest, then the largest. Balances are converted to base currency at the
rate in force at the reference moment; deposits at the rate on the day they were paid."""

import sqlite3
from datetime import date

from daigou_cli.core import asof, clock, config, money
from daigou_cli.core.reports import convert

BUCKETS = (("due_0_7", 0, 7), ("due_8_30", 8, 30), ("due_31_60", 31, 60), ("due_60_plus", 61, None))
CUSTOMER_COLUMNS = ["rank", "customer", "customer_id", "orders", "deposits", "balance_due", "due_0_7", "due_8_30",
                    "due_31_60", "due_60_plus", "oldest_days", "overdue", "shipped_unpaid", "why", "currency"]
ORDER_COLUMNS = ["rank", "order_id", "customer", "channel", "state", "created", "due", "age_days", "bucket",
                 "deposits", "balance_due", "overdue_days", "shipped_units", "order_balance", "order_currency",
                 "why", "currency"]

_OPEN = f"""
open_orders AS (
    SELECT s.id, s.customer_id, s.channel, s.state, s.currency, s.created_at, s.due, s.balance_due AS own_balance,
           s.shipped, CAST(julianday(:today) - julianday(local_day(s.created_at)) AS INTEGER) AS age,
           CASE WHEN s.due < :today THEN CAST(julianday(:today) - julianday(s.due) AS INTEGER) END AS overdue_days,
           to_base(s.balance_due, s.currency, {convert.RATE_AT.format(cur="s.currency", at=":ref")}, :ref) AS balance,
           COALESCE((SELECT SUM(to_base(p.amount, s.currency, {convert.RATE_AT.format(cur="s.currency", at="p.at")}, p.at))
                     FROM payments p WHERE p.order_id = s.id AND p.at <= :ref
                       AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                                       WHERE v.target = p.entry_id AND e.at <= :ref)), 0) AS deposits
    FROM order_summary s
    WHERE s.balance_due > 0 AND s.created_at BETWEEN :start AND :ref
)"""

_CHASE = "MAX(shipped > 0) DESC, COALESCE(MAX(overdue_days), -1) DESC, MAX(age) DESC, SUM(balance) DESC"


def _bucket_sql() -> str:
    parts = []
    for name, low, high in BUCKETS:
        test = f"age >= {low}" + (f" AND age <= {high}" if high is not None else "")
        parts.append(f"SUM(CASE WHEN {test} THEN balance ELSE 0 END) AS {name}")
    return ", ".join(parts)


def bucket(age: int) -> str:
    """0-7, 8-30, 31-60 or 60+."""
    low, high = next((low, high) for _, low, high in BUCKETS if age >= low and (high is None or age <= high))
    return f"{low}-{high}" if high is not None else "60+"


def _why(shipped: int, overdue: int | None, age: int, orders: int = 1) -> str:
    reasons = []
    if shipped:
        reasons.append(f"{shipped} shipped unpaid" if orders > 1 else "shipped, unpaid")
    if overdue is not None:
        reasons.append(f"{overdue} days past due")
    reasons.append(f"oldest {age} days" if orders > 1 else f"{age} days old")
    return "; ".join(reasons)


def _setup(conn, window: dict, ref: str) -> tuple[dict, str, object]:
    base, tz = config.get_many(conn, "base_currency", "timezone")
    reference = clock.now_utc() if ref == clock.END_OF_TIME else clock.from_db(ref)
    today = reference.astimezone(clock.zone(tz)).date().isoformat()
    conn.create_function("local_day", 1, lambda at: clock.local_date(at, tz) if at else None, deterministic=True)
    params = {"start": window["start"], "ref": clock.to_db(reference), "today": today}
    return params, base, convert.install(conn)


def by_customer(conn: sqlite3.Connection, window: dict, as_of: str = clock.END_OF_TIME) -> list[dict]:
    """One row per customer who owes money, in the order to chase them."""
    params, base, to_base = _setup(conn, window, as_of)
    sql = f"""
    WITH {_OPEN}
    SELECT c.id, c.name, COUNT(*) AS orders, SUM(deposits) AS deposits, SUM(balance) AS balance, {_bucket_sql()},
           MAX(age) AS oldest, SUM(CASE WHEN overdue_days IS NOT NULL THEN balance ELSE 0 END) AS overdue,
           MAX(overdue_days) AS most_overdue, SUM(CASE WHEN shipped > 0 THEN balance ELSE 0 END) AS shipped_unpaid,
           SUM(shipped > 0) AS shipped_orders
    FROM open_orders o JOIN customers c ON c.id = o.customer_id
    GROUP BY c.id ORDER BY {_CHASE}, c.name
    """
    found = asof.query(conn, sql, params, as_of).fetchall()
    to_base.check(conn)
    rows = []
    for rank, r in enumerate(found, start=1):
        row = {"rank": rank, "customer": r["name"], "customer_id": r["id"], "orders": r["orders"],
               "oldest_days": r["oldest"], "why": _why(r["shipped_orders"], r["most_overdue"], r["oldest"], r["orders"]),
               "currency": base}
        for key, column in (("deposits", "deposits"), ("balance", "balance_due"), ("overdue", "overdue"),
                            ("shipped_unpaid", "shipped_unpaid")) + tuple((b[0], b[0]) for b in BUCKETS):
            row[column] = money.to_decimal(r[key], base)
        rows.append(row)
    return rows


def by_order(conn: sqlite3.Connection, window: dict, as_of: str = clock.END_OF_TIME) -> list[dict]:
    """One row per order with a balance due, in the order to chase them."""
    params, base, to_base = _setup(conn, window, as_of)
    sql = f"""
    WITH {_OPEN}
    SELECT o.*, c.name FROM open_orders o JOIN customers c ON c.id = o.customer_id
    GROUP BY o.id ORDER BY {_CHASE}, o.id
    """
    found = asof.query(conn, sql, params, as_of).fetchall()
    to_base.check(conn)
    tz = config.get(conn, "timezone")
    return [{"rank": rank, "order_id": r["id"], "customer": r["name"], "channel": r["channel"], "state": r["state"],
             "created": date.fromisoformat(clock.local_date(r["created_at"], tz)),
             "due": date.fromisoformat(r["due"]) if r["due"] else None, "age_days": r["age"], "bucket": bucket(r["age"]),
             "deposits": money.to_decimal(r["deposits"], base), "balance_due": money.to_decimal(r["balance"], base),
             "overdue_days": r["overdue_days"], "shipped_units": r["shipped"],
             "order_balance": money.to_decimal(r["own_balance"], r["currency"]), "order_currency": r["currency"],
             "why": _why(r["shipped"] > 0, r["overdue_days"], r["age"]), "currency": base}
            for rank, r in enumerate(found, start=1)]
