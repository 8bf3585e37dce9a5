"""Reading stock: levels per SKU and location, lots and their expiry, a SKU's history.
Every query takes `as_of` (UTC text) and sums the ledger up to then, in SQL."""

import sqlite3
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from daigou_cli.core import asof, catalog, clock, config, money

STOCK_COLUMNS = ["sku", "name", "category", "zone", "location", "on_hand", "reserved", "available",
                 "incoming", "unit_cost", "value", "currency", "days_of_cover", "reorder_point"]


def _window_start(as_of: str, days: int) -> str:
    end = clock.now_utc() if as_of == clock.END_OF_TIME else clock.from_db(as_of)
    return clock.to_db(end - timedelta(days=days))


def stock_list(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, location: str | None = None,
               category: str | None = None, zone: str | None = None, low: bool = False,
               total: bool = False, sku: str | None = None) -> list[dict]:
    """One row per SKU and location (or per SKU with total=True), valued at FIFO lot cost."""
    base, window = config.get_many(conn, "base_currency", "cover_window_days")
    days = max(int(float(window)), 1)
    where_loc = catalog.location(conn, location) if location else None
    by_location = not (total or low)
    group = "sku, location" if by_location else "sku"
    loc_col = "location" if by_location else "NULL"
    params = {"since": _window_start(as_of, days), "until": as_of, "loc": where_loc,
              "category": category, "zone": zone, "sku": sku}
    sql = f"""
    WITH levels AS (
        SELECT sku, {loc_col} AS location, SUM(on_hand) AS on_hand, SUM(reserved) AS reserved,
               SUM(incoming) AS incoming, SUM(value_base) AS value
        FROM stock_levels WHERE (:loc IS NULL OR location = :loc)
        GROUP BY {group}
    ),
    sold AS (
        SELECT m.sku, -SUM(m.qty) AS units FROM movements m
        WHERE m.kind = 'sale' AND m.at > :since AND m.at <= :until
          AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id  -- a voided parcel
                          WHERE v.target = m.entry_id AND e.at <= :until)
        GROUP BY m.sku
    )
    SELECT p.sku, p.name, p.category, p.zone, p.reorder_point, lv.location,
           COALESCE(lv.on_hand, 0) AS on_hand, COALESCE(lv.value, 0) AS value,
           COALESCE(lv.reserved, 0) AS reserved, COALESCE(lv.incoming, 0) AS incoming,
           COALESCE(sold.units, 0) AS sold
    FROM products p
    LEFT JOIN levels lv ON lv.sku = p.sku
    LEFT JOIN sold ON sold.sku = p.sku
    WHERE (:category IS NULL OR p.category = :category COLLATE NOCASE)
      AND (:zone IS NULL OR p.zone = :zone COLLATE NOCASE)
      AND (:sku IS NULL OR p.sku = :sku COLLATE NOCASE)
      AND (:loc IS NULL OR lv.sku IS NOT NULL)
    ORDER BY p.sku, lv.location
    """
    rows = []
    for r in asof.query(conn, sql, params, as_of):
        available = r["on_hand"] - r["reserved"]
        if low and (r["reorder_point"] is None or available + r["incoming"] > r["reorder_point"]):
            continue
        daily = Decimal(r["sold"]) / days
        cover = (Decimal(available) / daily).quantize(Decimal("0.1"), ROUND_HALF_UP) if daily else None
        unit = (Decimal(r["value"]) / r["on_hand"]).quantize(Decimal(1), ROUND_HALF_UP) if r["on_hand"] else None
        rows.append({
            "sku": r["sku"], "name": r["name"], "category": r["category"], "zone": r["zone"],
            "location": r["location"], "on_hand": r["on_hand"], "reserved": r["reserved"],
            "available": available, "incoming": r["incoming"],
            "unit_cost": money.to_decimal(int(unit), base) if unit is not None else None,
            "value": money.to_decimal(r["value"], base), "currency": base,
            "days_of_cover": cover, "reorder_point": r["reorder_point"],
        })
    return rows


LOT_COLUMNS = ["lot", "sku", "name", "location", "code", "received_at", "expiry", "days_to_expiry",
               "qty", "unit_cost", "currency", "fx_rate", "unit_cost_base", "value", "base_currency"]


def _reference_day(as_of: str, tz: str) -> date:
    moment = clock.now_utc() if as_of == clock.END_OF_TIME else clock.from_db(as_of)
    return moment.astimezone(clock.zone(tz)).date()


def lots(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, expiring_days: int | None = None,
         sku: str | None = None, location: str | None = None) -> list[dict]:
    """Lots with units left, soonest expiry first; `expiring_days` keeps those expiring by then."""
    base, tz = config.get_many(conn, "base_currency", "timezone")
    today = _reference_day(as_of, tz)
    limit = (today + timedelta(days=expiring_days)).isoformat() if expiring_days is not None else None
    where_loc = catalog.location(conn, location) if location else None
    sku_text = catalog.product_row(conn, sku)["sku"] if sku else None
    sql = """
    SELECT b.lot_id AS id, b.sku, p.name, b.location, b.code, b.received_at, b.expiry, b.qty,
           b.unit_cost, b.currency, b.fx_rate, b.unit_cost_base
    FROM lot_balances b JOIN products p ON p.sku = b.sku
    WHERE b.qty > 0 AND (:sku IS NULL OR b.sku = :sku) AND (:loc IS NULL OR b.location = :loc)
      AND (:limit IS NULL OR (b.expiry IS NOT NULL AND b.expiry <= :limit))
    ORDER BY b.expiry IS NULL, b.expiry, b.received_at, b.lot_id, b.location
    """
    rows = []
    for r in asof.query(conn, sql, {"sku": sku_text, "loc": where_loc, "limit": limit}, as_of):
        expiry = date.fromisoformat(r["expiry"]) if r["expiry"] else None
        rows.append({
            "lot": r["id"], "sku": r["sku"], "name": r["name"], "location": r["location"],
            "code": r["code"], "received_at": clock.from_db(r["received_at"]), "expiry": expiry,
            "days_to_expiry": (expiry - today).days if expiry else None, "qty": r["qty"],
            "unit_cost": money.to_decimal(r["unit_cost"], r["currency"]), "currency": r["currency"],
            "fx_rate": Decimal(r["fx_rate"]),
            "unit_cost_base": money.to_decimal(r["unit_cost_base"], base),
            "value": money.to_decimal(r["unit_cost_base"] * r["qty"], base), "base_currency": base,
        })
    return rows


HISTORY_COLUMNS = ["id", "at", "kind", "location", "lot", "qty", "balance", "reason"]


def history(conn: sqlite3.Connection, sku: str, as_of: str = clock.END_OF_TIME,
            location: str | None = None) -> list[dict]:
    """Every movement of a SKU with the running balance (all locations, or one)."""
    sku_text = catalog.product_row(conn, sku)["sku"]
    where_loc = catalog.location(conn, location) if location else None
    sql = """
    SELECT entry_id, at, kind, location, lot_id, qty, reason,
           SUM(qty) OVER (ORDER BY at, id ROWS UNBOUNDED PRECEDING) AS balance
    FROM movements WHERE sku = :sku AND at <= :as_of AND (:loc IS NULL OR location = :loc)
    ORDER BY at, id
    """
    return [{"id": r["entry_id"], "at": clock.from_db(r["at"]), "kind": r["kind"],
             "location": r["location"], "lot": r["lot_id"], "qty": r["qty"],
             "balance": r["balance"], "reason": r["reason"]}
            for r in conn.execute(sql, {"sku": sku_text, "as_of": as_of, "loc": where_loc})]


def totals(rows: list[dict], columns: list[str]) -> dict:
    """A totals row for the terminal: sums of the additive columns."""
    out: dict = {}
    for column in columns:
        values = [r.get(column) for r in rows]
        if column in ("on_hand", "reserved", "available", "incoming", "qty", "value"):
            out[column] = sum(v for v in values if v is not None)
    if columns:
        out[columns[0]] = "total"
    return out


