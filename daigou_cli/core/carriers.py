"""Carriers and their rate cards; `shipment quote` ranks services for one parcel."""

import math
import re
import sqlite3
from decimal import Decimal

from daigou_cli.core import catalog, clock, config, money
from daigou_cli.core.errors import InvalidInput, Refused

CARRIER_COLUMNS = ["code", "service", "name", "first_kg", "extra_kg", "currency", "days_min", "days_max",
                   "insurance_rate", "regions"]
QUOTE_COLUMNS = ["rank", "carrier", "service", "name", "cost", "insurance", "total", "currency", "days",
                 "fits"]


def _days(text: str | None) -> tuple[int | None, int | None]:
    if text in (None, ""):
        return None, None
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*", str(text))
    if not match:
        raise InvalidInput(f"--days: {text!r} is not MIN-MAX days (like 3-5)")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if high < low:
        raise InvalidInput(f"--days: {text!r} has MAX below MIN")
    return low, high


def add_carrier(conn: sqlite3.Connection, code: str, name: str, service=None, first_kg=None, extra_kg=None,
                days=None, insurance_rate=None, regions=None, at: str | None = None) -> dict:
    base = config.get(conn, "base_currency")
    key = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9_\-]{0,15}", key):
        raise InvalidInput(f"CODE: {code!r} is not a carrier code (like SF, DHL, EMS)")
    svc = (service or "standard").strip().lower()
    if conn.execute("SELECT 1 FROM carriers WHERE code = ? AND service = ?", (key, svc)).fetchone():
        raise Refused(f"carrier {key} {svc}: already exists")
    low, high = _days(days)
    rate = money.parse_rate(insurance_rate, "--insurance-rate") if insurance_rate not in (None, "") else None
    if rate is not None and rate >= 1:
        raise InvalidInput(f"--insurance-rate: {insurance_rate!r} must be a share below 1 (0.01 = 1%)")
    record = {
        "code": key, "service": svc, "name": (name or "").strip() or key,
        "first_kg": money.parse_amount(first_kg, base, "--first-kg") if first_kg not in (None, "") else None,
        "extra_kg": money.parse_amount(extra_kg, base, "--extra-kg") if extra_kg not in (None, "") else None,
        "days_min": low, "days_max": high, "insurance_rate": str(rate) if rate is not None else None,
        "regions": (regions or "").strip() or None,
    }
    conn.execute("INSERT INTO carriers(code, service, name, first_kg, extra_kg, days_min, days_max, "
                 "insurance_rate, regions, created_at) VALUES (:code, :service, :name, :first_kg, :extra_kg, "
                 ":days_min, :days_max, :insurance_rate, :regions, :created_at)",
                 record | {"created_at": at or clock.to_db(clock.now_utc())})
    return _carrier_dict(record, base) | {"id": f"{key}/{svc}"}


def _carrier_dict(row, base: str) -> dict:
    data = dict(row)
    data["first_kg"] = money.to_decimal(data["first_kg"], base)
    data["extra_kg"] = money.to_decimal(data["extra_kg"], base)
    data["currency"] = base
    data["insurance_rate"] = Decimal(data["insurance_rate"]) if data["insurance_rate"] else None
    return data


def list_carriers(conn: sqlite3.Connection) -> list[dict]:
    base = config.get(conn, "base_currency")
    return [_carrier_dict(r, base) for r in conn.execute(
        "SELECT code, service, name, first_kg, extra_kg, days_min, days_max, insurance_rate, regions "
        "FROM carriers ORDER BY code, service")]


def quote(conn: sqlite3.Connection, weight, value, to: str | None = None) -> list[dict]:
    """Every service that can take the parcel, cheapest first, with a word on which fits:
    insured for valuables, the cheapest for small cheap parcels, a warning over the customs limit."""
    base, high_value, limit_text = config.get_many(conn, "base_currency", "high_value_threshold", "customs_limit")
    grams = catalog.parse_weight(weight, "--weight")
    if not grams:
        raise InvalidInput("--weight: must be more than zero")
    worth = money.parse_amount(value, base, "--value")
    valuable = worth >= money.parse_amount(high_value, base)
    limit = money.parse_amount(limit_text, base)
    over_customs = bool(limit) and worth > limit  # customs_limit 0: no limit
    kilos = max(1, math.ceil(grams / 1000))
    rows = []
    for r in conn.execute("SELECT * FROM carriers WHERE first_kg IS NOT NULL ORDER BY code, service"):
        if to and r["regions"] and to.strip().lower() not in [x.strip().lower() for x in r["regions"].split(",")]:
            continue
        cost = r["first_kg"] + (kilos - 1) * (r["extra_kg"] or 0)
        rate = Decimal(r["insurance_rate"]) if r["insurance_rate"] else None
        insurance = int((Decimal(worth) * rate).to_integral_value()) if (rate is not None and valuable) else 0
        notes = []
        if valuable and rate is None:
            notes.append("no insurance for a valuable parcel")
        elif valuable:
            notes.append("insured")
        if over_customs:
            notes.append("over customs_limit: split the parcel")
        rows.append({"carrier": r["code"], "service": r["service"], "name": r["name"], "_cost": cost,
                     "_insurance": insurance, "_total": cost + insurance, "currency": base,
                     "days": _days_text(r["days_min"], r["days_max"]), "_days": r["days_max"] or 999,
                     "_ok": not (valuable and rate is None), "notes": notes})
    rows.sort(key=lambda d: (not d["_ok"], d["_total"], d["_days"]))
    cheapest_fast = min(rows, key=lambda d: (d["_days"], d["_total"]), default=None)
    for rank, row in enumerate(rows, start=1):
        if rank == 1 and row["_ok"]:
            if valuable:
                row["notes"].remove("insured")  # said by "best: insured and cheapest"
            row["notes"].insert(0, "best: insured and cheapest" if valuable else "best: economy, cheapest")
        if row is cheapest_fast and len(rows) > 1:
            row["notes"].append("fastest")
        row.update(rank=rank, cost=money.to_decimal(row.pop("_cost"), base),
                   insurance=money.to_decimal(row.pop("_insurance"), base),
                   total=money.to_decimal(row.pop("_total"), base), fits="; ".join(row.pop("notes")))
        row.pop("_days"), row.pop("_ok")
    return rows


def _days_text(low, high) -> str | None:
    if low is None:
        return None
    return str(low) if low == high else f"{low}-{high}"
