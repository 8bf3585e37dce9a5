"""Buying: purchase orders to suppliers, deliveries against them (whole or partial) that
become lots at their landed cost, and cancelling what is still open.

Landed cost, exact to the cent. A delivery's goods (in the order's currency), freight and
duty (in the charges currency) are each converted to base currency once, as a whole,
rounding half up. Each of the three totals is then spread over the received lines in integer
minor units by the largest-remainder method: every line gets the floor of its exact share and
the minor units left over go, one each, to the lines with the largest remainders (ties: the
earlier line). Goods are spread by their value in the order's currency; freight and duty by
value or by weight (`--split`). So the lines add up exactly to goods + freight + duty. A line
whose landed total does not divide by its quantity becomes two lots one minor unit apart
(its first units one minor unit dearer), so the lots add up exactly as well.
"""

import re
import sqlite3
from decimal import Decimal

from daigou_cli.core import asof, catalog, clock, config, fx, money, stock
from daigou_cli.core.errors import InvalidInput, Refused, UsageProblem
from daigou_cli.core.ledger import record_entry

SPLITS = ("value", "weight")
STATUSES = ("open", "partially_received", "received", "cancelled")
_PO_LINE = re.compile(r"^\s*([^:@\s]+)\s*:\s*([^@]+?)\s*@\s*(.+?)\s*$")
_RECEIVE_LINE = re.compile(r"^\s*([^:@\s]+)\s*(?::\s*(.+?))?\s*$")


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` minor units in proportion to `weights` so the parts add up exactly:
    floors first, then the leftover units to the largest remainders (earlier line on a tie)."""
    if total == 0 or not weights:
        return [0] * len(weights)
    whole = sum(weights)
    if whole <= 0:
        raise ValueError("allocate: weights must add up to more than zero")
    parts, remainders = [], []
    for index, weight in enumerate(weights):
        part, remainder = divmod(total * weight, whole)
        parts.append(part)
        remainders.append((-remainder, index))
    for _, index in sorted(remainders)[: total - sum(parts)]:
        parts[index] += 1
    return parts


def unit_lots(landed_total: int, qty: int) -> list[tuple[int, int]]:
    """(units, unit cost) lots whose values add up to `landed_total` exactly."""
    unit, rest = divmod(landed_total, qty)
    return [(rest, unit + 1), (qty - rest, unit)] if rest else [(qty, unit)]


# ----------------------------------------------------------------- finding things

def find_po(conn: sqlite3.Connection, ref, field: str = "PO") -> sqlite3.Row:
    text = str(ref or "").strip().lstrip("#")
    if not text.isdigit():
        raise InvalidInput(f"{field}: {ref!r} is not a purchase order id (see daigou purchase list)")
    row = conn.execute("SELECT po.*, s.name AS supplier FROM purchase_orders po "
                       "JOIN suppliers s ON s.id = po.supplier_id WHERE po.id = ?", (int(text),)).fetchone()
    if row is None:
        raise InvalidInput(f"{field}: no purchase order {text} (see daigou purchase list)")
    return row


def _arrival(conn: sqlite3.Connection, location: str | None) -> str | None:
    """Where a purchase will arrive: the one named, else the default or only location, else unknown."""
    if location:
        return catalog.location(conn, location)
    try:
        return catalog.location(conn, None)
    except InvalidInput:
        return None


def parse_po_line(conn: sqlite3.Connection, text: str, currency: str, field: str = "LINE") -> dict:
    """'SKU:QTY@UNIT_COST', the unit cost in the order's currency."""
    match = _PO_LINE.match(str(text))
    if not match:
        raise InvalidInput(f"{field} {text!r}: expected SKU:QTY@UNIT_COST (unit cost in {currency})")
    product = catalog.product_row(conn, match.group(1), f"{field} {text!r}")
    qty = money.parse_qty(match.group(2), f"{field} {text!r}: quantity")
    cost = money.parse_amount(match.group(3), currency, f"{field} {text!r}: unit cost")
    return {"sku": product["sku"], "qty": qty, "unit_cost": cost}


# ----------------------------------------------------------------- writing

def create_po(conn: sqlite3.Connection, supplier, lines: list[str], at: str, currency: str | None = None,
              location: str | None = None, note: str | None = None) -> dict:
    """A purchase order; its open lines count as incoming stock until received or cancelled."""
    supplier_id = catalog.supplier_id(conn, supplier, "SUPPLIER")
    if supplier_id is None:
        raise InvalidInput("SUPPLIER: must not be empty")
    row = conn.execute("SELECT currency FROM suppliers WHERE id = ?", (supplier_id,)).fetchone()
    cur = money.currency_code(currency, "--currency") if currency else (
        row["currency"] or config.get(conn, "base_currency"))
    if not lines:
        raise InvalidInput("LINE: a purchase order needs at least one SKU:QTY@UNIT_COST")
    parsed = [parse_po_line(conn, text, cur) for text in lines]
    seen: dict[str, str] = {}
    for text, line in zip(lines, parsed, strict=True):
        if line["sku"] in seen:
            raise InvalidInput(f"LINE {text!r}: {line['sku']} is already on this order ({seen[line['sku']]!r}); "
                               f"put it on one line")
        seen[line["sku"]] = text
    where = _arrival(conn, location)
    entry = record_entry(conn, "purchase", at, (note or "").strip() or None)
    conn.execute("INSERT INTO purchase_orders(id, supplier_id, currency, location, at) VALUES (?, ?, ?, ?, ?)",
                 (entry, supplier_id, cur, where, at))
    for number, line in enumerate(parsed, start=1):
        conn.execute("INSERT INTO purchase_lines(po_id, line_no, sku, qty, unit_cost) VALUES (?, ?, ?, ?, ?)",
                     (entry, number, line["sku"], line["qty"], line["unit_cost"]))
    return show_po(conn, entry)


def _open_lines(conn: sqlite3.Connection, po_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT s.*, p.weight_g, p.name FROM purchase_line_status s JOIN products p ON p.sku = s.sku "
        "WHERE s.po_id = ? ORDER BY s.line_no", (po_id,)).fetchall()


def _requested(conn: sqlite3.Connection, po: sqlite3.Row, texts: list[str]) -> list[tuple[sqlite3.Row, int]]:
    """(PO line, units) to receive: the LINEs given, or everything still open."""
    lines = _open_lines(conn, po["id"])
    if not texts:
        wanted = [(line, line["open_qty"]) for line in lines if line["open_qty"] > 0]
        if not wanted:
            raise Refused(f"purchase order {po['id']}: nothing left to receive")
        return wanted
    by_sku = {line["sku"].upper(): line for line in lines}
    wanted, seen = [], set()
    for text in texts:
        match = _RECEIVE_LINE.match(str(text))
        if not match:
            raise InvalidInput(f"LINE {text!r}: expected SKU or SKU:QTY")
        line = by_sku.get(match.group(1).upper())
        if line is None:
            raise InvalidInput(f"LINE {text!r}: {match.group(1)} is not on purchase order {po['id']}")
        if line["sku"] in seen:
            raise InvalidInput(f"LINE {text!r}: {line['sku']} is given twice")
        seen.add(line["sku"])
        qty = money.parse_qty(match.group(2), f"LINE {text!r}: quantity") if match.group(2) else line["open_qty"]
        if qty > line["open_qty"]:
            raise Refused(f"LINE {text!r}: only {line['open_qty']} of {line['qty']} {line['sku']} still open "
                          f"on purchase order {po['id']} ({line['received']} received)")
        if qty == 0:
            raise Refused(f"LINE {text!r}: nothing of {line['sku']} left to receive on purchase order {po['id']}")
        wanted.append((line, qty))
    return wanted


def _rate(conn: sqlite3.Connection, currency: str, base: str, at: str, given, field: str) -> Decimal:
    if given in (None, ""):
        return fx.rate_at(conn, currency, at, field)
    rate = money.parse_rate(given, "--fx")
    if currency == base and rate != 1:
        raise InvalidInput(f"--fx: {currency} is the base currency; its rate is 1")
    return rate


def _charge_keys(wanted: list[tuple[sqlite3.Row, int]], split: str, charges: int) -> list[int]:
    """What freight and duty are spread by: goods value, or weight (grams × units)."""
    if split == "weight":
        if not charges:
            return [qty for _, qty in wanted]
        for line, _ in wanted:
            if not line["weight_g"]:
                raise InvalidInput(f"--split weight: {line['sku']} has no weight "
                                   f"(set it: daigou product edit {line['sku']} --weight 0.25)")
        return [line["weight_g"] * qty for line, qty in wanted]
    values = [line["unit_cost"] * qty for line, qty in wanted]
    return values if sum(values) else [qty for _, qty in wanted]  # free goods: by units


def receive(conn: sqlite3.Connection, ref, lines: list[str], at: str, location: str | None = None,
            freight=None, duty=None, charges_currency: str | None = None, split: str | None = None,
            fx_rate=None, expiry: str | None = None) -> dict:
    """A delivery against a purchase order: each received line becomes lots at landed cost
    (which fills waiting back-orders); refuses more than is still open."""
    po = find_po(conn, ref)
    if conn.execute("SELECT 1 FROM purchase_cancellations WHERE po_id = ?", (po["id"],)).fetchone():
        raise Refused(f"purchase order {po['id']}: cancelled; nothing more can be received")
    if at < po["at"]:
        raise InvalidInput(f"--at: before purchase order {po['id']} was placed")
    how = (split or "value").strip().lower()
    if how not in SPLITS:
        raise UsageProblem(f"--split: {split!r} is not value or weight")
    wanted = _requested(conn, po, lines)
    base = config.get(conn, "base_currency")
    cur = po["currency"]
    ccur = money.currency_code(charges_currency, "--charges-currency") if charges_currency else cur
    freight_minor = money.parse_amount(freight, ccur, "--freight") if freight not in (None, "") else 0
    duty_minor = money.parse_amount(duty, ccur, "--duty") if duty not in (None, "") else 0
    rate = _rate(conn, cur, base, at, fx_rate, "--fx")
    crate = rate if ccur == cur else (Decimal(1) if ccur == base else fx.rate_at(conn, ccur, at, "--charges-currency"))
    values = [line["unit_cost"] * qty for line, qty in wanted]
    keys = _charge_keys(wanted, how, freight_minor + duty_minor)
    goods_base = money.convert(sum(values), cur, rate, base)
    freight_base = money.convert(freight_minor, ccur, crate, base)
    duty_base = money.convert(duty_minor, ccur, crate, base)
    goods_parts = allocate(goods_base, values if sum(values) else [qty for _, qty in wanted])
    freight_parts, duty_parts = allocate(freight_base, keys), allocate(duty_base, keys)
    where, _ = stock.receiving_location(conn, location or po["location"])
    entry = record_entry(conn, "purchase_receipt", at, f"purchase order {po['id']}")
    conn.execute(
        "INSERT INTO purchase_receipts(id, po_id, location, freight, duty, charges_currency, charges_fx_rate, "
        "fx_rate, split, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry, po["id"], where, freight_minor, duty_minor, ccur, str(crate), str(rate), how, at))
    received, filled = [], []
    for (line, qty), goods, fr, du in zip(wanted, goods_parts, freight_parts, duty_parts, strict=True):
        landed = goods + fr + du
        lots = []
        for units, unit_cost_base in unit_lots(landed, qty):
            lot = stock.receive(conn, line["sku"], units, money.format_amount(line["unit_cost"], cur), at, cur,
                                None if cur == base else str(rate), where, None, expiry, po["supplier"],
                                landed_cost_base=unit_cost_base)
            conn.execute("INSERT INTO purchase_receipt_lots(lot_id, receipt_id, purchase_line_id, qty) "
                         "VALUES (?, ?, ?, ?)", (lot["id"], entry, line["line_id"], units))
            lots.append({"lot": lot["id"], "qty": units, "unit_cost_base": money.to_decimal(unit_cost_base, base)})
            filled += lot["filled"]
        received.append({
            "line": line["line_no"], "sku": line["sku"], "name": line["name"], "qty": qty,
            "unit_cost": money.to_decimal(line["unit_cost"], cur), "currency": cur,
            "goods_base": money.to_decimal(goods, base), "freight_base": money.to_decimal(fr, base),
            "duty_base": money.to_decimal(du, base), "landed_base": money.to_decimal(landed, base),
            "lots": lots})
    status = conn.execute("SELECT status FROM purchase_summary WHERE id = ?", (po["id"],)).fetchone()[0]
    return {
        "id": entry, "po_id": po["id"], "supplier": po["supplier"], "location": where, "split": how,
        "currency": cur, "fx_rate": rate, "charges_currency": ccur, "charges_fx_rate": crate,
        "freight": money.to_decimal(freight_minor, ccur), "duty": money.to_decimal(duty_minor, ccur),
        "units": sum(qty for _, qty in wanted), "goods_base": money.to_decimal(goods_base, base),
        "freight_base": money.to_decimal(freight_base, base), "duty_base": money.to_decimal(duty_base, base),
        "landed_base": money.to_decimal(goods_base + freight_base + duty_base, base), "base_currency": base,
        "lines": received, "filled": filled, "status": status, "at": clock.from_db(at),
    }


def cancel(conn: sqlite3.Connection, ref, reason: str, at: str) -> dict:
    """What is still open on the order is no longer coming; what was received stays."""
    po = find_po(conn, ref)
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("--reason: must not be empty")
    summary = conn.execute("SELECT * FROM purchase_summary WHERE id = ?", (po["id"],)).fetchone()
    if summary["status"] == "cancelled":
        raise Refused(f"purchase order {po['id']}: already cancelled")
    if summary["open_qty"] == 0:
        raise Refused(f"purchase order {po['id']}: fully received; nothing open to cancel")
    if at < po["at"]:
        raise InvalidInput(f"--at: before purchase order {po['id']} was placed")
    entry = record_entry(conn, "purchase_cancel", at, why)
    conn.execute("INSERT INTO purchase_cancellations(entry_id, po_id, reason, at) VALUES (?, ?, ?, ?)",
                 (entry, po["id"], why[:500], at))
    return {"id": entry, "po_id": po["id"], "supplier": po["supplier"], "reason": why,
            "cancelled_units": summary["open_qty"], "received": summary["received"], "at": clock.from_db(at)}


# ----------------------------------------------------------------- reading

PO_COLUMNS = ["id", "supplier", "status", "currency", "total", "lines", "ordered", "received", "open",
              "location", "created_at"]
_LIST = """
SELECT s.*, sup.name AS supplier, sup.store FROM purchase_summary s JOIN suppliers sup ON sup.id = s.supplier_id
WHERE (:open = 0 OR s.status IN ('open', 'partially_received'))
  AND (:supplier IS NULL OR s.supplier_id = :supplier) AND (:id IS NULL OR s.id = :id)
ORDER BY s.created_at, s.id
"""


def _po_row(row: sqlite3.Row) -> dict:
    cur = row["currency"]
    return {"id": row["id"], "supplier": row["supplier"], "store": row["store"], "status": row["status"],
            "currency": cur, "total": money.to_decimal(row["total"], cur),
            "received_value": money.to_decimal(row["received_value"], cur), "lines": row["lines"],
            "ordered": row["ordered"], "received": row["received"], "open": row["open_qty"],
            "location": row["location"], "created_at": clock.from_db(row["created_at"])}


def list_pos(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, open_only: bool = False,
             supplier: str | None = None) -> list[dict]:
    params = {"open": int(open_only), "supplier": catalog.supplier_id(conn, supplier), "id": None}
    return [_po_row(r) for r in asof.query(conn, _LIST, params, as_of)]


def show_po(conn: sqlite3.Connection, ref, as_of: str = clock.END_OF_TIME) -> dict:
    """One purchase order: its lines (ordered, received, open) and every delivery's lots."""
    po = find_po(conn, ref)
    row = asof.query(conn, _LIST, {"open": 0, "supplier": None, "id": po["id"]}, as_of).fetchone()
    if row is None:
        raise InvalidInput(f"PO: purchase order {po['id']} did not exist yet then")
    base = config.get(conn, "base_currency")
    data = _po_row(row)
    cur = po["currency"]
    data["lines"] = [
        {"line": r["line_no"], "sku": r["sku"], "name": r["name"], "qty": r["qty"],
         "unit_cost": money.to_decimal(r["unit_cost"], cur), "received": r["received"], "open": r["open_qty"]}
        for r in asof.query(conn, "SELECT s.*, p.name FROM purchase_line_status s JOIN products p ON p.sku = s.sku "
                            "WHERE s.po_id = :id ORDER BY s.line_no", {"id": po["id"]}, as_of)]
    data["receipts"] = [
        {"receipt": r["receipt_id"], "at": clock.from_db(r["at"]), "location": r["location"], "lot": r["lot_id"],
         "sku": r["sku"], "qty": r["qty"], "unit_cost_base": money.to_decimal(r["unit_cost_base"], base),
         "value_base": money.to_decimal(r["qty"] * r["unit_cost_base"], base), "base_currency": base,
         "voided": bool(r["voided"])}
        for r in conn.execute(
            "SELECT rl.receipt_id, r.at, r.location, rl.lot_id, l.sku, rl.qty, l.unit_cost_base, "
            "EXISTS (SELECT 1 FROM voids v WHERE v.target = rl.lot_id) AS voided "
            "FROM purchase_receipt_lots rl JOIN purchase_receipts r ON r.id = rl.receipt_id "
            "JOIN lots l ON l.id = rl.lot_id WHERE r.po_id = ? AND r.at <= ? ORDER BY r.at, rl.lot_id",
            (po["id"], as_of))]
    charges = conn.execute(
        "SELECT id, freight, duty, charges_currency, split FROM purchase_receipts WHERE po_id = ? AND at <= ? "
        "ORDER BY at, id", (po["id"], as_of)).fetchall()
    data["charges"] = [{"receipt": c["id"], "freight": money.to_decimal(c["freight"], c["charges_currency"]),
                        "duty": money.to_decimal(c["duty"], c["charges_currency"]),
                        "currency": c["charges_currency"], "split": c["split"]} for c in charges]
    cancelled = conn.execute("SELECT entry_id, reason, at FROM purchase_cancellations WHERE po_id = ? AND at <= ?",
                             (po["id"], as_of)).fetchone()
    data["cancelled_reason"] = cancelled["reason"] if cancelled else None
    return data
