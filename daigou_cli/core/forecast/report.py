"""`daigou report forecast` and the reorder points `reorder` and `shopping-list` use for SKUs
without one set by hand: the ledger's demand, forecast per SKU, as rows."""

import sqlite3
from datetime import date, timedelta
from decimal import Decimal

from daigou_cli.core import clock, config
from daigou_cli.core.errors import InvalidInput, UsageProblem
from daigou_cli.core.forecast import demand, engine, tags
from daigou_cli.core.forecast.policy import settings, suggested_qty

COLUMNS = ["sku", "name", "category", "demand_class", "method", "per_day", "total", "horizon",
           "lead_days", "lead_time_demand", "safety_stock", "reorder_point", "order_up_to", "eoq",
           "set_reorder_point", "available", "incoming", "backordered", "position", "pack_size",
           "suggested_qty", "events", "adi", "cv2"]
DAILY_COLUMNS = ["sku", "date", "forecast"]


def _dec(x: float | None, places: int = 2) -> Decimal | None:
    if x is None:
        return None
    return Decimal(f"{x:.{places}f}")


def check_horizon(horizon: int) -> int:
    if not 1 <= horizon <= 366:
        raise InvalidInput(f"--horizon: {horizon} is not between 1 and 366 days")
    return horizon


def _check_skip(skip: int, horizon: int) -> int:
    if not 0 <= skip < horizon:
        raise InvalidInput(f"--from: the window starts {skip} days after the last day of history, "
                           f"past its end ({horizon} days)")
    return skip


def check_method(method: str | None) -> str:
    chosen = (method or "auto").strip().lower().replace("-", "_")
    if chosen not in engine.METHODS:
        raise UsageProblem(f"--method: {method!r} is not one of {', '.join(engine.METHODS)}")
    return chosen


def parse_skus(conn: sqlite3.Connection, given) -> list[str] | None:
    """--sku A --sku B or --sku A,B; each must be in the catalogue."""
    if not given:
        return None
    from daigou_cli.core import catalog

    wanted = [s.strip() for text in given for s in str(text).split(",") if s.strip()]
    return sorted({catalog.product_row(conn, s, "--sku")["sku"] for s in wanted})


def items(conn: sqlite3.Connection, as_of: str, skus=None, st=None) -> tuple[list[engine.Item], list[dict]]:
    """Engine items (lead time, its spread, unit cost, events) and the catalogue rows."""
    st = st or settings(conn)
    measured = demand.supplier_lead_times(conn, as_of)
    tagged = tags.tagged(conn, skus) if demand.has_table(conn, "event_tags") else {}
    rows = demand.products(conn, as_of, skus)
    out = []
    for p in rows:
        seen = measured.get(p["supplier_id"])
        lead = p["product_lead"] or p["supplier_lead"] or (round(seen[0]) if seen else None) or st.lead_days
        spread = seen[1] if seen and seen[1] is not None else st.lead_time_cv * lead
        out.append(engine.Item(p["sku"], p["category"], int(lead), float(spread), p["unit_cost"],
                               frozenset(tagged.get(p["sku"], ()))))
    return out, rows


def run(conn: sqlite3.Connection, as_of: str, horizon: int = 28, skus=None, method: str = "auto",
        progress=None) -> tuple[date, list[engine.Item], list[dict], dict[str, engine.Result]]:
    tz = config.get(conn, "timezone")
    st = settings(conn)
    origin = demand.origin_day(as_of, tz)
    its, rows = items(conn, as_of, skus, st)
    pool, wanted = event_pool(conn, as_of, its, skus, st)
    first, last = engine.window(origin, {e for item in its for e in item.events})
    series = demand.daily_demand(conn, first, last, as_of, tz, wanted)
    results = engine.forecast_all(series, first.toordinal(), origin, its, horizon, method, st, progress, pool)
    return origin, its, rows, results


def event_pool(conn: sqlite3.Connection, as_of: str, its: list[engine.Item], skus, st) -> tuple:
    """With --sku, the other SKUs tagged for the same events still pool their evidence: returns
    (the pool's items or None for all of `its`, the SKUs whose demand to read or None for all)."""
    events = {e for item in its for e in item.events}
    if skus is None or not events:
        return None, skus
    tagged = tags.tagged(conn)
    others = sorted({sku for sku, names in tagged.items() if names & events} - set(skus))
    if not others:
        return None, skus
    pool, _rows = items(conn, as_of, others, st)
    return [*its, *pool], sorted({*skus, *others})


def forecast(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, horizon: int = 28, skus=None,
             method: str = "auto", progress=None, skip: int = 0) -> list[dict]:
    """One row per SKU: expected demand, its class and method, and the policy it implies.
    With `skip`, per_day and total cover only days skip+1 .. horizon after the origin (a
    window that starts later than tomorrow); the policy still starts from the origin."""
    horizon = check_horizon(horizon)
    skip = _check_skip(skip, horizon)
    method = check_method(method)
    skus = parse_skus(conn, skus)
    _origin, its, rows, results = run(conn, as_of, horizon, skus, method, progress)
    stock = demand.positions(conn, as_of)
    out = []
    for item, p in zip(its, rows, strict=True):
        r = results[item.sku]
        total, per_day = r.total, r.per_day
        if skip:
            total = sum(r.fit.forecast[skip:horizon])
            per_day = total / (horizon - skip)
        s = stock.get(item.sku, {})
        position = s.get("available", 0) + s.get("incoming", 0) - s.get("backordered", 0)
        out.append({
            "sku": item.sku, "name": p["name"], "category": p["category"],
            "demand_class": r.fit.demand_class, "method": r.fit.method,
            "per_day": _dec(per_day, 3), "total": _dec(total, 1), "horizon": horizon - skip,
            "lead_days": item.lead_days, "lead_time_demand": _dec(r.policy.lead_time_demand, 1),
            "safety_stock": _dec(r.policy.safety_stock, 1), "reorder_point": r.policy.reorder_point,
            "order_up_to": r.policy.order_up_to, "eoq": _dec(r.policy.eoq, 1),
            "set_reorder_point": p["reorder_point"], "available": s.get("available", 0),
            "incoming": s.get("incoming", 0), "backordered": s.get("backordered", 0), "position": position,
            "pack_size": p["pack_size"], "suggested_qty": suggested_qty(r.policy, position, p["pack_size"]),
            "events": " ".join(r.fit.events), "adi": _dec(r.fit.adi, 2), "cv2": _dec(r.fit.cv2, 2),
        })
    return out


def daily(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, horizon: int = 28, skus=None,
          method: str = "auto", progress=None, skip: int = 0) -> list[dict]:
    """One row per SKU per day: sku, date, forecast (units, 3 decimals); days skip+1 ..
    horizon after the origin."""
    horizon = check_horizon(horizon)
    skip = _check_skip(skip, horizon)
    method = check_method(method)
    skus = parse_skus(conn, skus)
    origin, its, _rows, results = run(conn, as_of, horizon, skus, method, progress)
    days = [origin + timedelta(days=h) for h in range(skip + 1, horizon + 1)]
    return [{"sku": item.sku, "date": day, "forecast": _dec(value, 3)}
            for item in its for day, value in zip(days, results[item.sku].fit.forecast[skip:horizon], strict=True)]


MIN_SALE_DAYS = 3      # one or two orders are not a pattern to stock up on


def computed_policies(conn: sqlite3.Connection, as_of: str, skus) -> dict[str, dict]:
    """For `reorder`: SKU -> {reorder_point, reorder_qty} from the forecast, for the SKUs given
    that sold on at least MIN_SALE_DAYS days of the last 52 weeks (a SKU asked for once or
    twice, or never, gets no computed point: buy those to order)."""
    skus = sorted(set(skus))
    if not skus:
        return {}
    _origin, its, _rows, results = run(conn, as_of, 28, skus)
    out = {}
    for item in its:
        policy = results[item.sku].policy
        if policy.order_up_to > 0 and results[item.sku].fit.sale_days >= MIN_SALE_DAYS:
            out[item.sku] = {"reorder_point": policy.reorder_point,
                             "reorder_qty": policy.order_up_to - policy.reorder_point}
    return out
