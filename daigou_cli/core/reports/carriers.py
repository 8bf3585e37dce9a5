"""`report carriers`: a scorecard per carrier and service for the parcels shipped in a window —
how many arrived, on time against the promised days, how long they took (p50/p90), how many
hit an exception, got lost or came back, what a kg cost, and the refunds on returned goods
they carried. Parcel outcomes are read from shipment_status as of --as-of (default: now), so a
parcel shipped on 30 November and delivered on 3 December counts for November."""

import sqlite3
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from daigou_cli.core import asof, clock, config, fx, money

COLUMNS = ["carrier", "service", "parcels", "delivered", "in_transit", "on_time_pct", "late", "p50_days",
           "p90_days", "exception_pct", "lost_pct", "returned_pct", "cost", "weight_kg", "cost_per_kg",
           "refunds", "currency", "name", "promised_days"]

# One row per parcel shipped in the window: only these rows are read, never the whole ledger.
_PARCELS = """
SELECT ss.id, ss.carrier, ss.service, ss.status, ss.shipped_at, ss.delivered_at, ss.cost, ss.weight_g,
       julianday(ss.delivered_at) - julianday(ss.shipped_at) AS transit,
       (SELECT MAX(k.days_max) FROM carriers k WHERE k.code = ss.carrier
         AND (ss.service IS NULL OR k.service = ss.service)) AS promised,
       COALESCE((SELECT k.name FROM carriers k WHERE k.code = ss.carrier AND k.service = ss.service),
                (SELECT k.name FROM carriers k WHERE k.code = ss.carrier ORDER BY k.service LIMIT 1)) AS name,
       (SELECT CASE WHEN COUNT(*) = 1 THEN MIN(k.service) END FROM carriers k
         WHERE k.code = ss.carrier) AS only_service,
       EXISTS (SELECT 1 FROM shipment_events e WHERE e.shipment_id = ss.id AND e.status = 'exception'
               AND e.at <= (SELECT as_of FROM as_of_clock)) AS had_exception
FROM shipment_status ss
WHERE ss.shipped_at BETWEEN :start AND :end
ORDER BY ss.shipped_at, ss.id
"""

# Returned units with a refund, on orders that had a parcel in the window, and the parcels
# that carried those units (same order line and lot).
_REFUNDED_UNITS = """
SELECT x.id AS return_id, -p.amount AS refund, p.at, o.currency, rl.order_line_id, rl.lot_id, rl.qty
FROM returns x
JOIN payments p ON p.entry_id = x.id AND p.amount < 0
JOIN orders o ON o.id = x.order_id
JOIN return_lines rl ON rl.return_id = x.id
WHERE x.at <= :as_of AND x.order_id IN (SELECT order_id FROM shipments WHERE at BETWEEN :start AND :end)
"""
_CARRIED = """
SELECT sl.shipment_id, sl.qty FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id
WHERE sl.order_line_id = :line AND sl.lot_id = :lot AND s.at <= :as_of
  AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                  WHERE v.target = s.id AND e.at <= :as_of)
"""

TENTH = Decimal("0.1")


def _days(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TENTH, ROUND_HALF_UP)


def percentile(values: list[float], share: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default, statistics'
    'inclusive' method): p50 of 2, 3, 5 is 3; p90 is 4.6."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(TENTH, ROUND_HALF_UP)


def _refunds_by_parcel(conn: sqlite3.Connection, window: dict, as_of: str) -> dict[int, Fraction]:
    """Refund (base minor units) per parcel: each refund on a return is split over the returned
    units, and each unit's share over the parcels that carried units of its line and lot."""
    units = conn.execute(_REFUNDED_UNITS, {"start": window["start"], "end": window["end"],
                                           "as_of": as_of}).fetchall()
    per_return: dict[int, list] = defaultdict(list)
    for u in units:
        per_return[u["return_id"]].append(u)
    base = config.get(conn, "base_currency")
    shares: dict[int, Fraction] = defaultdict(Fraction)
    for lines in per_return.values():
        first = lines[0]
        rate = fx.rate_at(conn, first["currency"], first["at"], "refund currency")
        refund = Fraction(money.convert(first["refund"], first["currency"], rate, base))
        returned = sum(u["qty"] for u in lines)
        for u in lines:
            carried = conn.execute(_CARRIED, {"line": u["order_line_id"], "lot": u["lot_id"],
                                              "as_of": as_of}).fetchall()
            total = sum(c["qty"] for c in carried)
            for c in carried:
                shares[c["shipment_id"]] += refund * u["qty"] / returned * c["qty"] / total
    return shares


def carriers(conn: sqlite3.Connection, window: dict, as_of: str = clock.END_OF_TIME) -> list[dict]:
    """One row per carrier and service with parcels shipped in `window` ({start, end} UTC text).

    on_time_pct: of the parcels whose outcome against the promise (days_max) is known — delivered,
    lost or returned, or still travelling past days_max — the share delivered within days_max
    (transit days rounded to 0.1, as `shipment list` shows them). Carriers without promised days
    have none. p50/p90_days: transit days of the delivered parcels. exception_pct: parcels with
    at least one exception event; lost_pct/returned_pct: parcels whose status is lost/returned.
    cost_per_kg: cost over weight of the parcels with a weight. refunds: see _refunds_by_parcel.
    """
    base = config.get(conn, "base_currency")
    now = clock.now_utc() if as_of == clock.END_OF_TIME else clock.from_db(as_of)
    parcels = asof.query(conn, _PARCELS, {"start": window["start"], "end": window["end"]}, as_of).fetchall()
    refunds = _refunds_by_parcel(conn, window, as_of) if parcels else {}
    groups: dict[tuple, list] = defaultdict(list)
    for p in parcels:
        groups[(p["carrier"], p["service"] or p["only_service"] or "")].append(p)
    rows = []
    for (carrier, service), mine in sorted(groups.items()):
        rows.append(_row(carrier, service, mine, refunds, now, base))
    return rows


def _half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def _row(carrier: str, service: str, parcels: list, refunds: dict, now, base: str) -> dict:
    delivered = [p for p in parcels if p["status"] == "delivered"]
    on_time = late = 0
    for p in parcels:
        if p["promised"] is None:
            continue
        if p["status"] == "delivered":
            ok = _days(p["transit"]) <= p["promised"]
        elif p["status"] in ("lost", "returned"):
            ok = False
        else:
            elapsed = (now - clock.from_db(p["shipped_at"])).total_seconds() / 86400
            if _days(elapsed) <= p["promised"]:
                continue  # still within its promise: not judged yet
            ok = False
        on_time += ok
        late += not ok
    weighed = [p for p in parcels if p["weight_g"]]
    grams = sum(p["weight_g"] for p in weighed)
    per_kg = _half_up(Fraction(sum(p["cost"] for p in weighed) * 1000, grams)) if grams else None
    refund = _half_up(sum((refunds.get(p["id"], Fraction(0)) for p in parcels), Fraction(0)))
    transit = [p["transit"] for p in delivered]
    promised = {p["promised"] for p in parcels if p["promised"] is not None}
    count = len(parcels)
    return {
        "carrier": carrier, "service": service, "parcels": count, "delivered": len(delivered),
        "in_transit": sum(p["status"] not in ("delivered", "lost", "returned") for p in parcels),
        "on_time_pct": _pct(on_time, on_time + late), "late": late,
        "p50_days": _days(percentile(transit, 0.5)), "p90_days": _days(percentile(transit, 0.9)),
        "exception_pct": _pct(sum(bool(p["had_exception"]) for p in parcels), count),
        "lost_pct": _pct(sum(p["status"] == "lost" for p in parcels), count),
        "returned_pct": _pct(sum(p["status"] == "returned" for p in parcels), count),
        "cost": money.to_decimal(sum(p["cost"] for p in parcels), base),
        "weight_kg": Decimal(grams) / 1000 if grams else None,
        "cost_per_kg": money.to_decimal(per_kg, base),
        "refunds": money.to_decimal(refund, base), "currency": base,
        "name": next((p["name"] for p in parcels if p["name"]), None),
        "promised_days": max(promised) if promised else None,
    }
