"""Inventory facts: receipts (lots), adjustments, moves and write-offs, consumed FIFO by lot."""

import sqlite3

from daigou_cli.core import catalog, clock, config, fx, money, orders, timeline
from daigou_cli.core.errors import InvalidInput, Refused, UsageProblem
from daigou_cli.core.ledger import record_entry

WRITEOFF_REASONS = ("expired", "damaged", "lost", "sample")
DEFAULT_LOCATION = ("HOME", "home")


def _movement(conn, entry: int, at: str, sku: str, location: str, lot: int, qty: int, kind: str,
              reason: str | None = None) -> None:
    conn.execute(
        "INSERT INTO movements(entry_id, at, sku, location, lot_id, qty, kind, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (entry, at, sku, location, lot, qty, kind, reason))


def receiving_location(conn: sqlite3.Connection, code: str | None) -> tuple[str, bool]:
    """Where a receipt lands; a ledger with no location at all gets HOME. (code, created)."""
    if not code and not conn.execute("SELECT 1 FROM locations LIMIT 1").fetchone():
        catalog.add_location(conn, *DEFAULT_LOCATION)
        return DEFAULT_LOCATION[0], True
    return catalog.location(conn, code), False


def receive(conn: sqlite3.Connection, sku: str, qty, cost, at: str, currency: str | None = None,
            fx_rate=None, location: str | None = None, lot: str | None = None,
            expiry: str | None = None, supplier: str | None = None, kind: str = "receipt",
            landed_cost_base: int | None = None) -> dict:
    """A receipt: a new lot whose unit cost is kept in its currency and in base currency.
    `landed_cost_base` (minor units of base currency per unit) replaces the converted cost
    when freight and duty are part of it (purchase receipts)."""
    product = catalog.product_row(conn, sku)
    quantity = money.parse_qty(qty, "QTY")
    base, tz = config.get_many(conn, "base_currency", "timezone")
    cur = money.currency_code(currency, "--currency") if currency else base
    unit_cost = money.parse_amount(cost, cur, "--cost")
    if fx_rate not in (None, ""):
        rate = money.parse_rate(fx_rate, "--fx")
        if cur == base and rate != 1:
            raise InvalidInput(f"--fx: {cur} is the base currency; its rate is 1")
    else:
        rate = fx.rate_at(conn, cur, at)
    expiry_date = clock.parse_date(expiry, "--expiry")
    if expiry_date and expiry_date < clock.local_date(at, tz):
        raise InvalidInput(f"--expiry: {expiry_date} is before the receipt date {clock.local_date(at, tz)}")
    where, created = receiving_location(conn, location)
    supplier_id = catalog.supplier_id(conn, supplier)
    unit_cost_base = money.convert(unit_cost, cur, rate, base) if landed_cost_base is None \
        else int(landed_cost_base)
    entry = record_entry(conn, kind, at, lot)
    conn.execute(
        "INSERT INTO lots(id, sku, code, supplier_id, received_at, expiry, qty, unit_cost, currency, "
        "fx_rate, unit_cost_base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry, product["sku"], lot, supplier_id, at, expiry_date, quantity, unit_cost, cur,
         str(rate), unit_cost_base))
    _movement(conn, entry, at, product["sku"], where, entry, quantity, "receipt")
    filled = orders.fill_backorders(conn, [product["sku"]], entry, at)
    return {
        "id": entry, "sku": product["sku"], "name": product["name"], "qty": quantity,
        "location": where, "location_created": created, "lot": lot, "expiry": expiry_date,
        "unit_cost": money.to_decimal(unit_cost, cur), "currency": cur, "fx_rate": rate,
        "unit_cost_base": money.to_decimal(unit_cost_base, base),
        "value": money.to_decimal(unit_cost_base * quantity, base), "base_currency": base,
        "at": clock.from_db(at), "filled": filled,
    }


def on_hand(conn: sqlite3.Connection, sku: str, location: str) -> int:
    row = conn.execute("SELECT on_hand FROM stock_balances WHERE sku = ? AND location = ?", (sku, location)).fetchone()
    return row[0] if row else 0


def reserved(conn: sqlite3.Connection, sku: str, location: str) -> int:
    row = conn.execute("SELECT reserved FROM stock_balances WHERE sku = ? AND location = ?", (sku, location)).fetchone()
    return row[0] if row else 0


def _day(conn, at: str) -> str:
    """The business day of a back-dated take, as the user typed it (not the UTC date)."""
    return clock.local_date(at, config.get(conn, "timezone"))


def take(conn: sqlite3.Connection, sku: str, location: str, qty: int, fefo: bool = False,
         reserved_too: bool = False, at: str | None = None) -> list[tuple[int, int]]:
    """Which lots `qty` units leave from: oldest receipt first (FIFO), or soonest expiry
    first for expired stock. Refuses when the location has fewer units (fewer unreserved
    units unless `reserved_too`: stock that is lost is lost, held for an order or not).
    Back-dated (`at`), the units must have been there then and at every moment since."""
    when = at or clock.END_OF_TIME
    have = timeline.lowest_on_hand(conn, sku, location, when)
    dated = f" on {_day(conn, at)}" if at and have < on_hand(conn, sku, location) else ""
    if qty > have:
        raise Refused(f"{sku} at {location}: only {have} on hand{dated}, cannot take {qty}")
    if not reserved_too:
        free = timeline.lowest_available(conn, sku, location, when)
        if qty > free:
            held = reserved(conn, sku, location)
            raise Refused(f"{sku} at {location}: only {max(free, 0)} available{dated} ({held} reserved for "
                          f"orders), cannot take {qty}")
    order = "l.expiry IS NULL, l.expiry, l.received_at, l.id" if fefo else "l.received_at, l.id"
    rows = conn.execute(
        "SELECT m.lot_id FROM movements m JOIN lots l ON l.id = m.lot_id "
        f"WHERE m.sku = ? AND m.location = ? GROUP BY m.lot_id HAVING SUM(m.qty) > 0 ORDER BY {order}",
        (sku, location)).fetchall()
    taken, left = [], qty
    for (lot_id,) in rows:
        if left == 0:
            break
        part = min(left, timeline.lowest_in_lot(conn, lot_id, location, when))
        if part > 0:
            taken.append((lot_id, part))
            left -= part
    if left:
        raise Refused(f"{sku} at {location}: the lots on hand{dated} hold only {qty - left}, cannot take {qty}")
    return taken


def on_hand_by_location(conn: sqlite3.Connection, sku: str) -> dict[str, int]:
    """{location: units} where the SKU has units on hand now."""
    return dict(conn.execute("SELECT location, on_hand FROM stock_balances WHERE sku = ? AND on_hand > 0 "
                             "ORDER BY location", (sku,)).fetchall())


def _listing(places: dict[str, int]) -> str:
    return ", ".join(f"{code} {units}" for code, units in places.items())


def take_anywhere(conn: sqlite3.Connection, sku: str, qty: int, fefo: bool = False,
                  at: str | None = None) -> list[tuple[str, int, int]]:
    """[(location, lot, units)] for `qty` units wherever they are: the oldest lot first (the
    soonest expiry first with `fefo`), and of a lot split between places, the units that have
    sat where they are longest. Back-dated, only units there then and ever since, as `take`."""
    when = at or clock.END_OF_TIME
    order = "l.expiry IS NULL, l.expiry, l.received_at, l.id" if fefo else "l.received_at, l.id"
    rows = conn.execute(
        "SELECT m.location, m.lot_id FROM movements m JOIN lots l ON l.id = m.lot_id WHERE m.sku = ? "
        f"GROUP BY m.location, m.lot_id HAVING SUM(m.qty) > 0 ORDER BY {order}, MIN(m.at), m.location",
        (sku,)).fetchall()
    taken, left = [], qty
    for location, lot_id in rows:
        if left == 0:
            break
        part = min(left, timeline.lowest_in_lot(conn, lot_id, location, when))
        if part > 0:
            taken.append((location, lot_id, part))
            left -= part
    if left:
        places = on_hand_by_location(conn, sku)
        if at and qty - left < sum(places.values()):  # the places say what is there now, not then
            raise Refused(f"{sku}: only {qty - left} on hand on {_day(conn, at)} and there ever since, "
                          f"cannot take {qty} (on hand now: {_listing(places)})")
        raise Refused(f"{sku}: only {qty - left} on hand ({_listing(places)}), cannot take {qty}")
    return taken


def _units_to_take(conn, sku: str, qty: int, location: str | None, at: str,
                   fefo: bool) -> list[tuple[str, int, int]]:
    """[(location, lot, units)]: from the location named, else the only one holding the SKU,
    else the oldest units wherever they are, as FIFO costs them."""
    places = on_hand_by_location(conn, sku)
    if location or len(places) == 1:
        where = catalog.location(conn, location) if location else next(iter(places))
        return [(where, lot, part) for lot, part in take(conn, sku, where, qty, fefo, reserved_too=True, at=at)]
    if not places:
        raise Refused(f"{sku}: nothing on hand anywhere")
    return take_anywhere(conn, sku, qty, fefo, at)


def _take_out(conn, sku_text: str, qty, location: str | None, at: str, kind: str, reason: str,
              fefo: bool = False) -> dict:
    product = catalog.product_row(conn, sku_text)
    sku = product["sku"]
    quantity = money.parse_qty(qty, "QTY")
    parts = _units_to_take(conn, sku, quantity, location, at, fefo)
    entry = record_entry(conn, kind, at, reason)
    for where, lot_id, part in parts:
        _movement(conn, entry, at, sku, where, lot_id, -part, kind, reason)
    places = list(dict.fromkeys(where for where, _, _ in parts))
    waiting, held_again = [], []
    for where in places:  # units held for orders that are gone: held elsewhere, else they wait
        shortfall = reserved(conn, sku, where) - on_hand(conn, sku, where)
        if shortfall > 0:
            still, filled = orders.release_for_shortage(conn, sku, where, shortfall, entry, at)
            waiting += still
            held_again += filled
    lots = [{"lot": lot, "location": where, "qty": part} for where, lot, part in parts]
    return {"id": entry, "sku": sku, "name": product["name"], "qty": -quantity, "location": ", ".join(places),
            "reason": reason, "lots": lots, "on_hand": sum(on_hand(conn, sku, where) for where in places),
            "backordered": waiting, "held_again": held_again, "at": clock.from_db(at)}


def _reason(reason: str | None, field: str = "--reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(f"{field}: must not be empty")
    return text[:500]


def writeoff(conn: sqlite3.Connection, sku: str, qty, reason: str, at: str, location: str | None = None) -> dict:
    why = _reason(reason).lower()
    if why not in WRITEOFF_REASONS:
        raise UsageProblem(f"--reason: {reason!r} is not one of {', '.join(WRITEOFF_REASONS)}")
    return _take_out(conn, sku, qty, location, at, "writeoff", why, fefo=why == "expired")


def adjust(conn: sqlite3.Connection, sku: str, delta, reason: str, at: str, location: str | None = None) -> dict:
    """A stock count correction. Found units join the newest lot, at its cost."""
    why = _reason(reason)
    change = money.parse_qty(delta, "DELTA", allow_negative=True)
    if change < 0:
        return _take_out(conn, sku, -change, location, at, "adjust", why)
    product = catalog.product_row(conn, sku)
    where = _found_at(conn, product["sku"], location)
    # A lot received by then: found units cannot belong to a lot that did not exist yet.
    lot = conn.execute(
        "SELECT l.id FROM lots l WHERE l.sku = ? AND l.received_at <= ? ORDER BY "
        "EXISTS (SELECT 1 FROM movements m WHERE m.lot_id = l.id AND m.location = ?) DESC, "
        "l.received_at DESC, l.id DESC LIMIT 1", (product["sku"], at, where)).fetchone()
    if lot is None:
        received = conn.execute("SELECT 1 FROM lots WHERE sku = ?", (product["sku"],)).fetchone()
        when = f"not received by {_day(conn, at)}" if received else "never received"
        raise Refused(f"{product['sku']}: {when}, so there is no cost to count found units at "
                      f"(use daigou stock add {product['sku']} {change} --cost UNIT_COST)")
    entry = record_entry(conn, "adjust", at, why)
    _movement(conn, entry, at, product["sku"], where, lot[0], change, "adjust", why)
    filled = orders.fill_backorders(conn, [product["sku"]], entry, at)
    return {"filled": filled, "id": entry, "sku": product["sku"], "name": product["name"], "qty": change, "location": where,
            "reason": why, "lots": [{"lot": lot[0], "location": where, "qty": change}],
            "on_hand": on_hand(conn, product["sku"], where), "at": clock.from_db(at)}


def _found_at(conn, sku: str, code: str | None) -> str:
    """Where found units are counted in: the location named, else the only one holding the
    SKU, else config default_location (or the only location). Units on hand at several
    places and no default: any of them could be right, so the user must say."""
    if code:
        return catalog.location(conn, code)
    places = on_hand_by_location(conn, sku)
    if len(places) == 1:
        return next(iter(places))
    if places and not config.get(conn, "default_location"):
        raise InvalidInput(f"--location: required — {sku} is on hand at several locations "
                           f"({_listing(places)}) and there is no config default_location")
    return catalog.location(conn, None)


def move(conn: sqlite3.Connection, sku: str, qty, source: str, target: str, at: str) -> dict:
    product = catalog.product_row(conn, sku)
    quantity = money.parse_qty(qty, "QTY")
    src = catalog.location(conn, source, "--from")
    dst = catalog.location(conn, target, "--to")
    if src == dst:
        raise InvalidInput(f"--to: {dst} is where the stock already is")
    lots = take(conn, product["sku"], src, quantity, at=at)
    entry = record_entry(conn, "move", at, f"{src} -> {dst}")
    for lot_id, part in lots:
        _movement(conn, entry, at, product["sku"], src, lot_id, -part, "move", f"to {dst}")
        _movement(conn, entry, at, product["sku"], dst, lot_id, part, "move", f"from {src}")
    return {"id": entry, "sku": product["sku"], "name": product["name"], "qty": quantity, "from": src,
            "to": dst, "lots": [{"lot": lot, "qty": part} for lot, part in lots], "at": clock.from_db(at)}


