"""`daigou check`: one pass over the ledger for cron. Each check is a small function that
returns what needs action as values — {kind, ref, message, severity} — in the style of
beancount's validations. To add one (stale shipments, overdue tickets ...), write a function
taking a Context and decorate it with @check; `run` calls every registered check in turn."""

import sqlite3
from datetime import date, datetime, timedelta
from typing import Callable, Iterable, NamedTuple

from daigou_cli.core import asof, clock, config, inventory, money, replenishment

SEVERITIES = ("error", "warning")
PROBLEM_COLUMNS = ["severity", "kind", "ref", "message"]


class Context(NamedTuple):
    conn: sqlite3.Connection
    as_of: str          # UTC text: the end of time, or the moment --as-of asked about
    now: datetime       # the moment checked (UTC)
    today: date         # its business day
    tz: str
    base: str


Check = Callable[[Context], Iterable[dict]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    """Register a check: it runs on every `daigou check`, in the order checks were registered."""
    CHECKS.append(fn)
    return fn


def problem(kind: str, ref, message: str, severity: str = "warning") -> dict:
    return {"kind": kind, "ref": str(ref), "message": message, "severity": severity}


def context(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME) -> Context:
    tz, base = config.get_many(conn, "timezone", "base_currency")
    now = clock.now_utc() if as_of == clock.END_OF_TIME else clock.from_db(as_of)
    return Context(conn, as_of, now, now.astimezone(clock.zone(tz)).date(), tz, base)


def run(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME) -> list[dict]:
    ctx = context(conn, as_of)
    return [p for fn in CHECKS for p in fn(ctx)]


def _days(setting: str, conn: sqlite3.Connection) -> int:
    return int(float(config.get(conn, setting)))


# ----------------------------------------------------------------- the checks

@check
def low_stock(ctx: Context) -> Iterable[dict]:
    """SKUs at or under their reorder point (what `daigou reorder` lists)."""
    for r in replenishment.reorder(ctx.conn, ctx.as_of):
        yield problem("low_stock", r["sku"],
                      f"{r['sku']} {r['name']}: {r['available']} available + {r['incoming']} incoming"
                      + (f" - {r['backordered']} back-ordered" if r["backordered"] else "")
                      + f", reorder point {r['reorder_point']}; buy {r['suggested_qty']}"
                      + (f" from {r['supplier']}" if r["supplier"] else ""))


@check
def backorders_waiting(ctx: Context) -> Iterable[dict]:
    """Orders with back-ordered lines placed more than backorder_alert_days business days ago."""
    days = _days("backorder_alert_days", ctx.conn)
    first_day_ok = ctx.today - timedelta(days=days)
    before = clock.to_db(datetime(first_day_ok.year, first_day_ok.month, first_day_ok.day,
                                  tzinfo=clock.zone(ctx.tz)))
    sql = """
    SELECT o.id, o.at, o.priority, c.name AS customer,
           GROUP_CONCAT(s.backordered || ' × ' || s.sku, ', ') AS lines
    FROM order_line_status s JOIN orders o ON o.id = s.order_id JOIN customers c ON c.id = o.customer_id
    WHERE s.backordered > 0 AND o.at < :before
    GROUP BY o.id ORDER BY o.at, o.id
    """
    for r in asof.query(ctx.conn, sql, {"before": before}, ctx.as_of):
        waited = (ctx.today - date.fromisoformat(clock.local_date(r["at"], ctx.tz))).days
        yield problem("backorder", f"order {r['id']}",
                      f"order {r['id']} ({r['customer']}, {r['priority']}) has waited {waited} days "
                      f"for {r['lines']}", "error" if r["priority"] == "urgent" else "warning")


@check
def expiring_lots(ctx: Context) -> Iterable[dict]:
    """Lots with units left that expire within expiring_days (expired ones are errors)."""
    for lot in inventory.lots(ctx.conn, ctx.as_of, _days("expiring_days", ctx.conn)):
        left = lot["days_to_expiry"]
        when = f"expired {-left} days ago" if left < 0 else ("expires today" if left == 0 else f"expires in {left} days")
        yield problem("expiring", f"lot {lot['lot']}@{lot['location']}",
                      f"{lot['qty']} × {lot['sku']} {lot['name']} at {lot['location']} {when} ({lot['expiry']})",
                      "error" if left < 0 else "warning")


@check
def balances_past_due(ctx: Context) -> Iterable[dict]:
    """Orders with a balance still due after their due date."""
    sql = """
    SELECT s.id, s.due, s.balance_due, s.currency, c.name AS customer FROM order_summary s
    JOIN customers c ON c.id = s.customer_id
    WHERE s.balance_due > 0 AND s.due IS NOT NULL AND s.due < :today AND s.state <> 'cancelled'
    ORDER BY s.due, s.id
    """
    for r in asof.query(ctx.conn, sql, {"today": ctx.today.isoformat()}, ctx.as_of):
        late = (ctx.today - date.fromisoformat(r["due"])).days
        yield problem("balance_due", f"order {r['id']}",
                      f"order {r['id']} ({r['customer']}): {money.format_amount(r['balance_due'], r['currency'])} "
                      f"{r['currency']} still due, {late} days after {r['due']}")


@check
def overdue_tickets(ctx: Context) -> Iterable[dict]:
    """Open tickets whose customer has waited past sla_hours (business hours if set) for a reply."""
    from daigou_cli.core.service_views import overdue_tickets as overdue

    for t in overdue(ctx.conn, ctx.as_of):
        waited = (ctx.now - t["waiting_since"]).total_seconds() / 3600
        yield problem("overdue_ticket", f"ticket {t['id']}",
                      f"ticket {t['id']} ({t['customer']}, {t['channel']}): {t['subject']} — waiting "
                      f"{waited:.0f}h for a reply (due {t['due_at'].astimezone(clock.zone(ctx.tz)):%Y-%m-%d %H:%M})")


@check
def stale_shipments(ctx: Context) -> Iterable[dict]:
    """Parcels with no tracking news for stale_shipment_days, or slower than the carrier promised."""
    from daigou_cli.core.shipment_views import list_shipments

    stale = _days("stale_shipment_days", ctx.conn)
    for s in list_shipments(ctx.conn, ctx.as_of, late_only=True):
        quiet = (ctx.now - s["last_event_at"]).days
        why = (f"no tracking news for {quiet} days" if quiet > stale
               else f"{s['transit_days']} days in transit, {s['carrier']} promised {s['promised_days']}")
        yield problem("stale_shipment", s["tracking"],
                      f"{s['carrier']} {s['tracking']} (order {s['order_id']}, {s['customer']}): {s['status']}, {why}")
