"""What to buy: reorder suggestions, and the trip's shopping list (customers already waiting
first, then stock that is at or under its reorder point), grouped by supplier and store.

The numbers per SKU come from the stock_position view. A SKU's position is what is
available plus what is incoming, less the units customers are waiting for (back-orders get
stock before anyone else). It is at its reorder point when that position is at or under it
(with no back-orders: available + incoming <= reorder point); the suggestion brings the
position up to reorder point + reorder qty, rounded up to a whole number of packs. The
shopping list splits that quantity into the back-ordered units nothing incoming covers
(customers waiting, bought first) and the rest (stock).
"""

import sqlite3
from decimal import Decimal

from daigou_cli.core import asof, catalog, clock, config, fx, money
from daigou_cli.core.errors import InvalidInput

REORDER_COLUMNS = ["sku", "name", "supplier", "available", "incoming", "reorder_point", "suggested_qty",
                   "unit_cost", "currency", "store", "backordered", "reorder_qty", "pack_size",
                   "unit_cost_base", "total_base", "base_currency"]
SHOPPING_COLUMNS = ["sku", "name", "supplier", "available", "incoming", "reorder_point", "suggested_qty",
                    "unit_cost", "currency", "store", "city", "reason", "backordered", "orders",
                    "unit_cost_base", "line_total", "line_total_base", "base_currency", "group_total",
                    "group_total_base", "priority", "keep"]
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}

# Per SKU: its position, the supplier to buy from (the product's, else the last lot's) and the
# last price paid: the last receipt from that supplier in its currency first, then any receipt,
# then the last purchase order line.
_POSITIONS = """
WITH sp AS (
    SELECT sp.*, COALESCE(sp.supplier_id,
        (SELECT l.supplier_id FROM lots l WHERE l.sku = sp.sku AND l.supplier_id IS NOT NULL
           AND l.received_at <= (SELECT as_of FROM as_of_clock)
         ORDER BY l.received_at DESC, l.id DESC LIMIT 1)) AS sid
    FROM stock_position sp
), costs AS (
    SELECT l.sku, l.unit_cost, l.currency, l.fx_rate, l.supplier_id, l.received_at AS at, 0 AS from_po, l.id
    FROM lots l WHERE l.received_at <= (SELECT as_of FROM as_of_clock)
      AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.target = l.id)
    UNION ALL
    SELECT pl.sku, pl.unit_cost, po.currency, NULL, po.supplier_id, po.at, 1, pl.id
    FROM purchase_lines pl JOIN purchase_orders po ON po.id = pl.po_id
    WHERE po.at <= (SELECT as_of FROM as_of_clock)
), ranked AS (
    SELECT c.sku, c.unit_cost, c.currency, c.fx_rate,
           ROW_NUMBER() OVER (PARTITION BY c.sku ORDER BY c.from_po, (c.supplier_id IS x.sid) DESC,
                              (c.currency IS s.currency) DESC, c.at DESC, c.id DESC) AS n
    FROM costs c JOIN sp x ON x.sku = c.sku LEFT JOIN suppliers s ON s.id = x.sid
)
SELECT x.*, s.name AS supplier, s.store, s.city, r.unit_cost AS last_cost, r.currency AS cost_currency,
       r.fx_rate AS cost_rate
FROM sp x LEFT JOIN suppliers s ON s.id = x.sid LEFT JOIN ranked r ON r.sku = x.sku AND r.n = 1
WHERE (:supplier IS NULL OR x.sid = :supplier)
ORDER BY s.name IS NULL, s.name, x.sku
"""


def packs(units: int, pack_size: int | None) -> int:
    """Round up to whole packs (0 stays 0)."""
    size = max(pack_size or 1, 1)
    return -(-units // size) * size if units > 0 else 0


def _position(row) -> int:
    """Available plus incoming, less what waiting customers will take."""
    return row["available"] + row["incoming"] - row["backordered"]


def _needed(row) -> int:
    """Units that bring the position up to reorder point + reorder qty; 0 above the point."""
    point = row["reorder_point"]
    if point is None or _position(row) > point:
        return 0
    return max(point + (row["reorder_qty"] or 0) - _position(row), 1)


class _Prices:
    """Expected unit cost: the last price paid, in base currency at today's (or --as-of's) rate."""

    def __init__(self, conn: sqlite3.Connection, as_of: str):
        self.conn, self.as_of = conn, as_of
        self.base = config.get(conn, "base_currency")
        self.rates: dict[str, Decimal | None] = {}

    def base_cost(self, row) -> int | None:
        cur = row["cost_currency"]
        if row["last_cost"] is None:
            return None
        if cur not in self.rates:
            try:
                self.rates[cur] = fx.rate_at(self.conn, cur, self.as_of)
            except InvalidInput:
                self.rates[cur] = None
        rate = self.rates[cur] or (Decimal(row["cost_rate"]) if row["cost_rate"] else None)
        return money.convert(row["last_cost"], cur, rate, self.base) if rate is not None else None


def _positions(conn: sqlite3.Connection, as_of: str, supplier: str | None = None) -> list:
    supplier_id = catalog.supplier_id(conn, supplier) if supplier else None
    return _computed_points(conn, as_of, asof.query(conn, _POSITIONS, {"supplier": supplier_id}, as_of).fetchall())


def _computed_points(conn: sqlite3.Connection, as_of: str, rows: list) -> list:
    """A SKU without a reorder point set by hand gets the one its demand forecast implies
    (daigou_cli/core/forecast): reorder point s, and reorder qty = order-up-to S − s, so the
    suggestion brings the position up to S. A hand-set point always wins; a SKU nobody has
    ordered gets none."""
    missing = [r["sku"] for r in rows if r["reorder_point"] is None]
    if not missing:
        return rows
    from daigou_cli.core.forecast.report import computed_policies

    computed = computed_policies(conn, as_of, missing)
    return [dict(r) | computed[r["sku"]] if r["sku"] in computed else r for r in rows]


def _cost_fields(row, prices: _Prices, qty: int) -> dict:
    cur, base = row["cost_currency"], prices.base
    unit_base = prices.base_cost(row)
    return {
        "unit_cost": money.to_decimal(row["last_cost"], cur) if cur else None, "currency": cur,
        "unit_cost_base": money.to_decimal(unit_base, base),
        "_line": None if row["last_cost"] is None else row["last_cost"] * qty,
        "_line_base": None if unit_base is None else unit_base * qty, "base_currency": base,
    }


def reorder(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, supplier: str | None = None) -> list[dict]:
    """Every SKU at or under its reorder point, with how many to buy (whole packs)."""
    prices = _Prices(conn, as_of)
    rows = []
    for row in _positions(conn, as_of, supplier):
        need = _needed(row)
        if not need:
            continue
        qty = packs(need, row["pack_size"])
        cost = _cost_fields(row, prices, qty)
        rows.append({
            "sku": row["sku"], "name": row["name"], "supplier": row["supplier"], "store": row["store"],
            "available": row["available"], "incoming": row["incoming"], "backordered": row["backordered"],
            "reorder_point": row["reorder_point"], "reorder_qty": row["reorder_qty"],
            "pack_size": row["pack_size"], "suggested_qty": qty,
            "total_base": money.to_decimal(cost.pop("_line_base"), prices.base),
        } | {k: v for k, v in cost.items() if not k.startswith("_")})
    return rows


def _waiting_orders(conn: sqlite3.Connection, as_of: str) -> dict[str, dict]:
    """Per SKU: the orders whose lines are back-ordered, the most urgent first."""
    sql = """
    SELECT s.sku, s.order_id, s.backordered, o.priority, o.at FROM order_line_status s
    JOIN orders o ON o.id = s.order_id WHERE s.backordered > 0 ORDER BY s.sku, o.at, o.id
    """
    waiting: dict[str, dict] = {}
    for r in asof.query(conn, sql, {}, as_of):
        item = waiting.setdefault(r["sku"], {"orders": [], "rank": 9, "since": r["at"]})
        item["orders"].append(r["order_id"])
        item["rank"] = min(item["rank"], PRIORITY_RANK.get(r["priority"], 2))
    return waiting


def _shopping_rows(conn: sqlite3.Connection, as_of: str, supplier: str | None) -> list[dict]:
    prices = _Prices(conn, as_of)
    waiting = _waiting_orders(conn, as_of)
    rows = []
    for row in _positions(conn, as_of, supplier):
        short = row["backordered"] - row["promised"]  # customers waiting that nothing incoming covers
        for_orders = packs(short, row["pack_size"])
        for_stock = max(packs(_needed(row), row["pack_size"]) - for_orders, 0)
        common = {"sku": row["sku"], "name": row["name"], "supplier": row["supplier"], "store": row["store"],
                  "city": row["city"], "available": row["available"], "incoming": row["incoming"],
                  "reorder_point": row["reorder_point"], "backordered": row["backordered"]}
        if for_orders:
            who = waiting.get(row["sku"], {"orders": [], "rank": 2, "since": ""})
            rows.append(common | _cost_fields(row, prices, for_orders) | {
                "reason": "backorder", "suggested_qty": for_orders,
                "orders": " ".join(str(o) for o in who["orders"]),
                "_key": (0, who["rank"], who["since"], row["sku"])})
        if for_stock > 0:
            rows.append(common | _cost_fields(row, prices, for_stock) | {
                "reason": "reorder", "suggested_qty": for_stock, "orders": "",
                "_key": (1, _position(row) - row["reorder_point"], "", row["sku"])})
    return rows


def shopping_list(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, supplier: str | None = None,
                  budget=None) -> dict:
    """Rows to buy, ranked (back-orders first: urgent, then oldest; then the furthest under the
    reorder point), grouped by supplier and store, with totals. With a budget in base currency,
    rows are dropped from the lowest priority up until the rest fits: `keep` says which."""
    base = config.get(conn, "base_currency")
    limit = money.parse_amount(budget, base, "--budget") if budget not in (None, "") else None
    rows = sorted(_shopping_rows(conn, as_of, supplier), key=lambda r: r.pop("_key"))
    spent, fits = 0, True
    for rank, row in enumerate(rows, start=1):
        row["priority"] = rank
        spent += row["_line_base"] or 0
        fits = fits and (limit is None or spent <= limit)
        row["keep"] = "keep" if fits else "drop"
    groups: dict[tuple, dict] = {}
    for row in rows:
        group = groups.setdefault((row["supplier"] or "", row["store"] or ""), {
            "supplier": row["supplier"], "store": row["store"], "city": row["city"], "rows": []})
        group["rows"].append(row)
    for group in groups.values():
        _group_totals(group, base)
    ordered = [r for g in groups.values() for r in g["rows"]]
    kept = sum(r["_line_base"] or 0 for r in rows if r["keep"] == "keep")
    for row in ordered:
        row["line_total"] = money.to_decimal(row.pop("_line"), row["currency"] or base)
        row["line_total_base"] = money.to_decimal(row.pop("_line_base"), base)
    return {"rows": ordered, "groups": list(groups.values()), "base_currency": base,
            "total_base": money.to_decimal(sum(g["_total_base"] for g in groups.values()), base),
            "budget": money.to_decimal(limit, base), "kept_base": money.to_decimal(kept, base),
            "dropped_base": money.to_decimal(sum(g["_total_base"] for g in groups.values()) - kept, base)}


def _group_totals(group: dict, base: str) -> None:
    """Totals per supplier/store: in base currency, and in the supplier's currency when every
    line's price is in one currency."""
    rows = group["rows"]
    currencies = {r["currency"] for r in rows if r["currency"]}
    total_base = sum(r["_line_base"] or 0 for r in rows)
    group["_total_base"] = total_base
    group["currency"] = currencies.pop() if len(currencies) == 1 else None
    total = sum(r["_line"] or 0 for r in rows) if group["currency"] else None
    group["total"] = money.to_decimal(total, group["currency"]) if group["currency"] else None
    group["total_base"] = money.to_decimal(total_base, base)
    group["units"] = sum(r["suggested_qty"] for r in rows)
    for row in rows:
        row["group_total"], row["group_total_base"] = group["total"], group["total_base"]
