"""One customer's page: contacts, orders, spend and balance due in base currency, tickets."""

import sqlite3

from daigou_cli.core import clock, config, customers, fx, money
from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.order_views import list_orders

TICKET_FIELDS = ("id", "subject", "channel", "order_id", "status", "opened_at", "last_message_at", "overdue",
                 "closed_at")


def _to_base(conn: sqlite3.Connection, amount, currency: str, at, base: str):
    """Amount (Decimal, major units) in base currency at the rate in force then, or None."""
    if amount is None:
        return None
    minor = money.parse_amount(amount, currency, allow_negative=True)
    try:
        rate = fx.rate_at(conn, currency, clock.to_db(at))
    except InvalidInput:
        return None
    return money.convert(minor, currency, rate, base)


def show_customer(conn: sqlite3.Connection, who, as_of: str = clock.END_OF_TIME) -> dict:
    row = customers.find_customer(conn, who)
    base = config.get(conn, "base_currency")
    orders = list_orders(conn, as_of, customer=str(row["id"]))
    spend = due = 0
    unconverted = 0
    for order in orders:
        paid = _to_base(conn, order["paid"] - order["refund_due"], order["currency"], order["created_at"], base)
        owed = _to_base(conn, order["balance_due"], order["currency"], order["created_at"], base)
        if paid is None or owed is None:
            unconverted += 1
            continue
        spend += paid
        due += owed
    record = dict(row) | {
        "created_at": clock.from_db(row["created_at"]),
        "orders_count": len(orders),
        "open_orders": sum(o["state"] not in ("cancelled", "delivered", "shipped", "returned") for o in orders),
        "spend": money.to_decimal(spend, base), "balance_due": money.to_decimal(due, base),
        "currency": base,
    }
    if unconverted:
        record["unconverted_orders"] = unconverted
    record["orders"] = [{k: o[k] for k in ("id", "external_id", "channel", "state", "total", "paid",
                                           "balance_due", "currency", "created_at")} for o in orders]
    from daigou_cli.core.customer_timeline import timeline
    from daigou_cli.core.service_views import list_tickets

    tickets = list_tickets(conn, as_of, customer=str(row["id"]))
    record["open_tickets"] = sum(t["status"] == "open" for t in tickets)
    record["tickets"] = [{k: t.get(k) for k in TICKET_FIELDS} for t in tickets]
    record["timeline"] = timeline(conn, row["id"], as_of)
    return record
