"""Fulfilment: parcels out of reserved stock (FIFO lots), tracking events in one
vocabulary whatever the tracker calls them, and the customs limit per parcel."""

import re
import sqlite3

from daigou_cli.core import catalog, clock, config, fx, money, notify, stock
from daigou_cli.core.errors import InvalidInput, Refused, UsageProblem
from daigou_cli.core.ledger import is_voided, record_entry
from daigou_cli.core.orders import find_order

STATUSES = ("info_received", "in_transit", "customs", "out_for_delivery", "delivered", "exception",
            "returned", "lost")
FINAL = ("delivered", "returned", "lost")
# A parcel `s` that was not voided. A tracking number is unique among these only.
_STANDING = "NOT EXISTS (SELECT 1 FROM voids v WHERE v.target = s.id)"
# Tracker vocabularies (AfterShip tags, 17TRACK statuses and sub-statuses, SF route codes)
# onto ours. Keys are compared lower-case without separators.
TRACKER_STATUS = {
    "pending": "info_received", "inforeceived": "info_received", "notfound": "info_received",
    "intransit": "in_transit", "transit": "in_transit", "pickedup": "in_transit",
    "intransitcustomsprocessing": "customs", "intransitcustomsrequiringinformation": "customs",
    "intransitcustomsreleased": "in_transit", "customsprocessing": "customs",
    "outfordelivery": "out_for_delivery", "availableforpickup": "out_for_delivery",
    "delivered": "delivered", "attemptfail": "exception", "deliveryfailure": "exception",
    "exception": "exception", "expired": "exception", "alert": "exception", "undelivered": "exception",
    "exceptionreturning": "returned", "exceptionreturned": "returned", "returned": "returned",
    "returntosender": "returned", "exceptionlost": "lost", "exceptiondestroyed": "lost", "lost": "lost",
    "50": "in_transit", "44": "out_for_delivery", "70": "exception", "80": "delivered",
    "收件": "in_transit", "运输中": "in_transit", "清关中": "customs", "派送中": "out_for_delivery",
    "派件不成功": "exception", "签收": "delivered", "已签收": "delivered", "退回": "returned", "丢失": "lost",
}


def normalize_status(text: str, field: str = "STATUS") -> str:
    raw = str(text or "").strip()
    if raw.lower() in STATUSES:
        return raw.lower()
    key = re.sub(r"[\s_\-]", "", raw).lower()
    if key in TRACKER_STATUS:
        return TRACKER_STATUS[key]
    head = re.split(r"[_\s]", raw)[0]  # a sub-status we do not know: use its main status
    if head and head != raw:
        return normalize_status(head, field)
    # On the command line a status outside the list is a usage error, like any option's fixed
    # list; in an imported file it is a bad row (invalid input).
    error = UsageProblem if field == "STATUS" else InvalidInput
    raise error(f"{field}: {text!r} is not a tracking status ({', '.join(STATUSES)}, "
                "or an AfterShip/17TRACK name)")


def _units_to_ship(conn, order_id: int, lines: list[str], location: str | None) -> list[dict]:
    """[{line_id, sku, qty}] from 'SKU:QTY' / 'SKU' arguments, or every reserved unit."""
    status = conn.execute(
        "SELECT s.line_id, s.line_no, s.sku, s.qty, s.shipped, s.backordered, "
        "COALESCE((SELECT SUM(r.qty) FROM reservation_balances r WHERE r.order_line_id = s.line_id "
        "AND (:loc IS NULL OR r.location = :loc)), 0) AS held "
        "FROM order_line_status s WHERE s.order_id = :id ORDER BY s.line_no",
        {"id": order_id, "loc": location}).fetchall()
    if not lines:
        picked = [{"line_id": r["line_id"], "sku": r["sku"], "qty": r["held"]} for r in status if r["held"]]
        if not picked:
            raise Refused(f"order {order_id}: nothing reserved to ship"
                          + (f" from {location}" if location else "") + " (back-ordered lines wait for stock)")
        return picked
    picked = []
    for text in lines:
        sku_text, _, qty_text = str(text).partition(":")
        sku = catalog.product_row(conn, sku_text.strip(), f"LINE {text!r}")["sku"]
        rows = [r for r in status if r["sku"] == sku]
        if not rows:
            raise InvalidInput(f"LINE {text!r}: order {order_id} has no {sku}")
        wanted = money.parse_qty(qty_text, f"LINE {text!r}: quantity") if qty_text else sum(r["held"] for r in rows)
        open_units = sum(r["qty"] - r["shipped"] for r in rows)
        if wanted > open_units:
            raise Refused(f"LINE {text!r}: order {order_id} has {open_units} {sku} left to ship, not {wanted}")
        held = sum(r["held"] for r in rows)
        if wanted == 0:
            raise Refused(f"LINE {text!r}: no {sku} reserved" + (f" at {location}" if location else ""))
        if wanted > held:
            raise Refused(f"LINE {text!r}: only {held} {sku} reserved" + (f" at {location}" if location else "")
                          + f"; {open_units - held} still back-ordered")
        for r in rows:
            part = min(wanted, r["held"])
            if part:
                picked.append({"line_id": r["line_id"], "sku": sku, "qty": part})
                wanted -= part
    return picked


def _ship_from(conn, picked: list[dict], location: str | None) -> str:
    if location:
        return catalog.location(conn, location, "--from")
    ids = ",".join(str(p["line_id"]) for p in picked)
    places = [r[0] for r in conn.execute(
        f"SELECT DISTINCT location FROM reservation_balances WHERE qty > 0 AND order_line_id IN ({ids})")]
    if len(places) > 1:
        raise InvalidInput(f"--from: the units are held at {' and '.join(sorted(places))}; "
                           "a parcel leaves from one place, so ship each with --from")
    return places[0]


def _declared(conn, order: sqlite3.Row, picked: list[dict], at: str, base: str) -> int:
    prices = dict(conn.execute("SELECT id, price FROM order_lines WHERE order_id = ?", (order["id"],)).fetchall())
    value = sum(prices[p["line_id"]] * p["qty"] for p in picked)
    rate = fx.rate_at(conn, order["currency"], at, "order currency")
    return money.convert(value, order["currency"], rate, base)


def ship(conn: sqlite3.Connection, ref, lines: list[str], carrier: str, tracking: str, at: str,
         cost=None, weight=None, insured=None, location=None, service=None,
         allow_unpaid: bool = False, force: bool = False) -> dict:
    """A parcel: reserved units leave their lots (FIFO) as sales; reservations are released."""
    order = find_order(conn, ref)
    summary = conn.execute("SELECT * FROM order_summary WHERE id = ?", (order["id"],)).fetchone()
    if summary["state"] == "cancelled":
        raise Refused(f"order {order['id']}: cancelled; nothing ships")
    base = config.get(conn, "base_currency")
    unpaid = None
    if summary["balance_due"] > 0 and not allow_unpaid:
        unpaid = (f"order {order['id']}: {money.format_amount(summary['balance_due'], order['currency'])} "
                  f"{order['currency']} still due")
        if config.get(conn, "unpaid_shipping") == "refuse":
            raise Refused(f"{unpaid}; take payment first or ship with --allow-unpaid")
    code = (carrier or "").strip().upper()
    if not code:
        raise InvalidInput("--carrier: must not be empty")
    number = (tracking or "").strip()
    if not number:
        raise InvalidInput("--tracking: must not be empty")
    taken = conn.execute(f"SELECT s.id, s.order_id FROM shipments s WHERE s.tracking = ? AND {_STANDING}",
                         (number,)).fetchone()
    if taken:
        raise Refused(f"--tracking: {number} is already on parcel {taken['id']} of order {taken['order_id']}")
    where = catalog.location(conn, location, "--from") if location else None
    picked = _units_to_ship(conn, order["id"], lines, where)
    where = _ship_from(conn, picked, where)
    declared = _declared(conn, order, picked, at, base)
    limit = money.parse_amount(config.get(conn, "customs_limit"), base, "customs_limit")
    if limit and declared > limit and not force:  # customs_limit 0: no limit
        over = money.format_amount(declared - limit, base)
        parcels = -(-declared // limit)
        split = (f"split it into {parcels} parcels (ship ORDER SKU:QTY ...) or use --force"
                 if sum(p["qty"] for p in picked) > 1 else "one unit cannot be split: ship it with --force")
        raise Refused(f"order {order['id']}: declared value {money.format_amount(declared, base)} {base} is over "
                      f"customs_limit {money.format_amount(limit, base)} by {over}; {split}")
    cost_minor = money.parse_amount(cost, base, "--cost") if cost not in (None, "") else 0
    insured_minor = money.parse_amount(insured, base, "--insured") if insured not in (None, "") else None
    grams = catalog.parse_weight(weight, "--weight") if weight not in (None, "") else _weight(conn, picked)
    entry = record_entry(conn, "shipment", at, f"{code} {number}")
    conn.execute("INSERT INTO shipments(id, order_id, carrier, service, tracking, location, cost, weight_g, "
                 "declared, insured, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (entry, order["id"], code, (service or "").strip() or None, number, where, cost_minor,
                  grams, declared, insured_minor, at))
    for p in picked:
        for lot_id, part in stock.take(conn, p["sku"], where, p["qty"], reserved_too=True, at=at):
            conn.execute("INSERT INTO movements(entry_id, at, sku, location, lot_id, qty, kind, reason) "
                         "VALUES (?, ?, ?, ?, ?, ?, 'sale', ?)", (entry, at, p["sku"], where, lot_id, -part,
                                                                  f"order {order['id']}"))
            conn.execute("INSERT INTO shipment_lines(shipment_id, order_line_id, lot_id, qty) VALUES (?, ?, ?, ?)",
                         (entry, p["line_id"], lot_id, part))
        conn.execute("INSERT INTO reservations(entry_id, at, order_line_id, sku, location, qty) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (entry, at, p["line_id"], p["sku"], where, -p["qty"]))
    notify.queue(conn, "shipped", order["id"], entry, at, shipment_id=entry)
    after = conn.execute("SELECT state FROM order_summary WHERE id = ?", (order["id"],)).fetchone()
    return {"id": entry, "order_id": order["id"], "carrier": code, "service": service, "tracking": number,
            "from": where, "units": sum(p["qty"] for p in picked),
            "lines": [{"sku": p["sku"], "qty": p["qty"]} for p in picked],
            "declared": money.to_decimal(declared, base), "cost": money.to_decimal(cost_minor, base),
            "currency": base, "weight": None if grams is None else grams / 1000,
            "state": after["state"], "at": clock.from_db(at), "unpaid": unpaid}


def _weight(conn, picked: list[dict]) -> int | None:
    total = 0
    for p in picked:
        grams = conn.execute("SELECT weight_g FROM products WHERE sku = ?", (p["sku"],)).fetchone()[0]
        if grams is None:
            return None
        total += grams * p["qty"]
    return total


def find_shipment(conn: sqlite3.Connection, tracking: str, field: str = "TRACKING") -> sqlite3.Row:
    """The parcel with this number that stands; a voided one only when none stands (its
    events are kept but change nothing)."""
    number = str(tracking or "").strip()
    row = conn.execute(f"SELECT s.* FROM shipments s WHERE s.tracking = ? ORDER BY {_STANDING} DESC, s.id DESC "
                       "LIMIT 1", (number,)).fetchone()
    if row is None:
        raise InvalidInput(f"{field}: no parcel with tracking number {tracking!r}")
    return row


def record_event(conn: sqlite3.Connection, tracking: str, status: str, at: str, note: str | None = None,
                 field: str = "TRACKING") -> dict:
    """A tracking event; the same status at the same time for the same parcel is kept once."""
    parcel = find_shipment(conn, tracking, field)
    ours = normalize_status(status)
    if at < parcel["at"]:
        raise InvalidInput(f"--at: {tracking} was shipped at {parcel['at']}, the event cannot be earlier")
    seen = conn.execute("SELECT entry_id FROM shipment_events WHERE shipment_id = ? AND status = ? AND at = ?",
                        (parcel["id"], ours, at)).fetchone()
    record = {"tracking": parcel["tracking"], "order_id": parcel["order_id"], "status": ours,
              "at": clock.from_db(at), "note": note}
    if seen:
        return record | {"id": seen[0], "duplicate": True}
    entry = record_entry(conn, "tracking", at, note)
    conn.execute("INSERT INTO shipment_events(entry_id, shipment_id, status, at, note) VALUES (?, ?, ?, ?, ?)",
                 (entry, parcel["id"], ours, at, (note or "").strip() or None))
    if not is_voided(conn, parcel["id"]):  # a voided parcel's news is nobody's news
        notify.queue(conn, ours, parcel["order_id"], entry, at, shipment_id=parcel["id"])
    state = conn.execute("SELECT state FROM order_summary WHERE id = ?", (parcel["order_id"],)).fetchone()[0]
    return record | {"id": entry, "duplicate": False, "state": state}
