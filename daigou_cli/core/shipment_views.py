"""Reading parcels: status, transit days and lateness (no news for stale_shipment_days, or in
transit longer than the carrier promised)."""

import sqlite3
from decimal import ROUND_HALF_UP, Decimal

from daigou_cli.core import asof, clock, config, money

SHIPMENT_COLUMNS = ["tracking", "carrier", "order_id", "status", "shipped_at", "delivered_at",
                    "transit_days", "cost", "weight", "late", "service", "from", "customer",
                    "last_event_at", "promised_days", "currency"]


def list_shipments(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, late_only: bool = False,
                   order_id: int | None = None, carrier: str | None = None, status: str | None = None) -> list[dict]:
    base, stale = config.get_many(conn, "base_currency", "stale_shipment_days")
    now = clock.now_utc() if as_of == clock.END_OF_TIME else clock.from_db(as_of)
    sql = """
    SELECT ss.*, c.name AS customer,
           (SELECT MAX(k.days_max) FROM carriers k WHERE k.code = ss.carrier
             AND (ss.service IS NULL OR k.service = ss.service)) AS promised_days
    FROM shipment_status ss JOIN orders o ON o.id = ss.order_id JOIN customers c ON c.id = o.customer_id
    WHERE (:order IS NULL OR ss.order_id = :order) AND (:carrier IS NULL OR ss.carrier = :carrier)
      AND (:status IS NULL OR ss.status = :status)
    ORDER BY ss.shipped_at, ss.id
    """
    params = {"order": order_id, "carrier": (carrier or "").upper() or None, "status": status}
    rows = []
    for r in asof.query(conn, sql, params, as_of):
        shipped = clock.from_db(r["shipped_at"])
        delivered = clock.from_db(r["delivered_at"])
        end = delivered or now
        transit = Decimal((end - shipped).total_seconds() / 86400).quantize(Decimal("0.1"), ROUND_HALF_UP)
        quiet_days = (now - clock.from_db(r["last_event_at"])).total_seconds() / 86400
        open_parcel = r["status"] not in ("delivered", "returned", "lost")
        late = open_parcel and (quiet_days > float(stale)
                                or (r["promised_days"] is not None and transit > r["promised_days"]))
        if late_only and not late:
            continue
        rows.append({
            "id": r["id"], "tracking": r["tracking"], "carrier": r["carrier"], "order_id": r["order_id"],
            "status": r["status"], "shipped_at": shipped, "delivered_at": delivered,
            "transit_days": transit, "cost": money.to_decimal(r["cost"], base),
            "weight": None if r["weight_g"] is None else Decimal(r["weight_g"]) / 1000,
            "late": late, "service": r["service"], "from": r["location"], "customer": r["customer"],
            "last_event_at": clock.from_db(r["last_event_at"]), "promised_days": r["promised_days"],
            "currency": base,
        })
    return rows
