"""Master data: locations, suppliers and products (the catalogue)."""

import re
import sqlite3
from decimal import Decimal

from daigou_cli.core import clock, config, money
from daigou_cli.core.errors import InvalidInput, Refused

PRODUCT_FIELDS = ("name", "category", "zone", "price", "currency", "weight", "reorder_point",
                  "reorder_qty", "lead_days", "shelf_life_days", "warranty_days", "supplier",
                  "pack_size")
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,63}$")


def _now() -> str:
    return clock.to_db(clock.now_utc())


def _text(value, field: str, required: bool = False, limit: int = 200) -> str | None:
    text = None if value is None else str(value).strip()
    if not text:
        if required:
            raise InvalidInput(f"{field}: must not be empty")
        return None
    if len(text) > limit:
        raise InvalidInput(f"{field}: longer than {limit} characters")
    return text


def _count(value, field: str, allow_zero: bool = True) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    raw = str(value).strip()
    if not re.fullmatch(r"\d+", raw) or int(raw) > money.MAX_QTY or (int(raw) == 0 and not allow_zero):
        raise InvalidInput(f"{field}: {value!r} is not a whole number ≥ {0 if allow_zero else 1}")
    return int(raw)


def parse_weight(value, field: str = "weight") -> int | None:
    """'0.25' or '0.25kg' -> 250 grams; '250g' -> 250."""
    if value is None or str(value).strip() == "":
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(kg|g)?\s*", str(value).lower())
    if not match:
        raise InvalidInput(f"{field}: {value!r} is not a weight (like 0.25, 0.25kg or 250g)")
    number = Decimal(match.group(1))
    grams = number if match.group(2) == "g" else number * 1000
    if grams > 1_000_000:
        raise InvalidInput(f"{field}: {value!r} is more than a tonne")
    return int(grams.to_integral_value())


def check_sku(sku) -> str:
    text = _text(sku, "sku", required=True)
    if not _SKU.match(text):
        raise InvalidInput(f"sku: {sku!r} may use letters, digits and . _ / - only, up to 64")
    return text


# ----------------------------------------------------------------- locations

def add_location(conn: sqlite3.Connection, code: str, region: str, name: str | None = None,
                 at: str | None = None) -> dict:
    code = _text(code, "code", required=True, limit=32)
    region = _text(region, "--region", required=True, limit=64)
    if conn.execute("SELECT 1 FROM locations WHERE code = ?", (code,)).fetchone():
        raise Refused(f"location {code}: already exists")
    conn.execute("INSERT INTO locations(code, region, name, created_at) VALUES (?, ?, ?, ?)",
                 (code, region, _text(name, "--name"), at or _now()))
    return {"id": code, "code": code, "region": region, "name": name}


def list_locations(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME) -> list[dict]:
    """Locations with the units on hand at each (as of the end of --as-of's day)."""
    if as_of == clock.END_OF_TIME:
        rows = conn.execute(
            "SELECT l.code, l.region, l.name, COALESCE(SUM(s.on_hand), 0) AS on_hand "
            "FROM locations l LEFT JOIN stock_on_hand s ON s.location = l.code "
            "GROUP BY l.code ORDER BY l.created_at, l.code").fetchall()
    else:
        rows = conn.execute(
            "SELECT l.code, l.region, l.name, "
            "(SELECT COALESCE(SUM(m.qty), 0) FROM movements m WHERE m.location = l.code AND m.at <= ?) AS on_hand "
            "FROM locations l ORDER BY l.created_at, l.code", (as_of,)).fetchall()
    return [dict(r) for r in rows]


def location(conn: sqlite3.Connection, code: str | None, field: str = "--location") -> str:
    """The location a command acts on: the one named, else config default, else the only one."""
    if code:
        row = conn.execute("SELECT code FROM locations WHERE code = ? COLLATE NOCASE", (code,)).fetchone()
        if not row:
            raise InvalidInput(f"{field}: no location {code!r} (see daigou location list)")
        return row[0]
    default = config.get(conn, "default_location")
    if default:
        return default
    codes = [r[0] for r in conn.execute("SELECT code FROM locations LIMIT 2")]
    if len(codes) == 1:
        return codes[0]
    if not codes:
        raise InvalidInput(f"{field}: no locations yet (add one: daigou location add HOME --region Shanghai)")
    raise InvalidInput(f"{field}: required — there are several locations and no config default_location")


# ----------------------------------------------------------------- suppliers

def add_supplier(conn: sqlite3.Connection, name: str, country=None, currency=None, lead_days=None,
                 store=None, city=None, at: str | None = None) -> dict:
    name = _text(name, "name", required=True)
    if conn.execute("SELECT 1 FROM suppliers WHERE name = ?", (name,)).fetchone():
        raise Refused(f"supplier {name}: already exists")
    record = {
        "name": name, "country": _text(country, "--country", limit=64),
        "currency": money.currency_code(currency, "--currency") if currency else None,
        "lead_days": _count(lead_days, "--lead-days"), "store": _text(store, "--store"),
        "city": _text(city, "--city", limit=64),
    }
    cur = conn.execute(
        "INSERT INTO suppliers(name, country, currency, lead_days, store, city, created_at) "
        "VALUES (:name, :country, :currency, :lead_days, :store, :city, :created_at)",
        record | {"created_at": at or _now()})
    return {"id": cur.lastrowid} | record


def list_suppliers(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT s.id, s.name, s.country, s.currency, s.lead_days, s.store, s.city, "
        "(SELECT count(*) FROM products p WHERE p.supplier_id = s.id) AS products "
        "FROM suppliers s ORDER BY s.name")]


def supplier_id(conn: sqlite3.Connection, name_or_id, field: str = "--supplier") -> int | None:
    text = _text(name_or_id, field)
    if text is None:
        return None
    row = conn.execute("SELECT id FROM suppliers WHERE name = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?",
                       (text, text)).fetchone()
    if not row:
        raise InvalidInput(f"{field}: no supplier {text!r} (add it: daigou supplier add {text!r})")
    return row[0]


# ----------------------------------------------------------------- products

def _product_values(conn: sqlite3.Connection, fields: dict, base: str) -> dict:
    """Validate the product fields that are present; returns column -> value."""
    values = {}
    if "name" in fields:
        values["name"] = _text(fields["name"], "--name", required=True)
    for key in ("category", "zone"):
        if key in fields:
            values[key] = _text(fields[key], f"--{key}", limit=64)
    currency = fields.get("currency")
    if currency not in (None, ""):
        values["currency"] = money.currency_code(currency, "--currency")
    if fields.get("price") not in (None, ""):
        cur = values.get("currency") or fields.get("_current_currency") or base
        values["price"] = money.parse_amount(fields["price"], cur, "--price")
        values["currency"] = cur
    if "weight" in fields:
        values["weight_g"] = parse_weight(fields["weight"], "--weight")
    for key in ("reorder_point", "reorder_qty", "lead_days", "shelf_life_days", "warranty_days"):
        if key in fields:
            values[key] = _count(fields[key], "--" + key.replace("_", "-"))
    if fields.get("pack_size") not in (None, ""):
        values["pack_size"] = _count(fields["pack_size"], "--pack-size", allow_zero=False)
    if "supplier" in fields:
        values["supplier_id"] = supplier_id(conn, fields["supplier"])
    return values


def add_product(conn: sqlite3.Connection, sku: str, fields: dict, at: str | None = None) -> dict:
    sku = check_sku(sku)
    if conn.execute("SELECT 1 FROM products WHERE sku = ?", (sku,)).fetchone():
        raise Refused(f"product {sku}: already exists (change it with daigou product edit {sku})")
    base = config.get(conn, "base_currency")
    values = _product_values(conn, {"name": fields.get("name")} | fields, base)
    values.setdefault("currency", base)
    values = {"sku": sku, "created_at": at or _now()} | values
    columns = ", ".join(values)
    conn.execute(f"INSERT INTO products({columns}) VALUES ({', '.join('?' * len(values))})",
                 tuple(values.values()))
    return show_product(conn, sku)


def edit_product(conn: sqlite3.Connection, sku: str, fields: dict) -> dict:
    """Products are master data: editing changes the catalogue, never the ledger's facts."""
    current = product_row(conn, sku)
    fields = {k: v for k, v in fields.items() if v is not None}
    if not fields:
        raise InvalidInput("product edit: nothing to change (give --name, --price, ...)")
    fields["_current_currency"] = current["currency"]
    values = _product_values(conn, fields, config.get(conn, "base_currency"))
    assignments = ", ".join(f"{k} = ?" for k in values)
    conn.execute(f"UPDATE products SET {assignments} WHERE sku = ?", (*values.values(), current["sku"]))
    return show_product(conn, current["sku"])


def product_row(conn: sqlite3.Connection, sku: str, field: str = "sku") -> sqlite3.Row:
    row = conn.execute("SELECT * FROM products WHERE sku = ?", (str(sku).strip(),)).fetchone()
    if row is None:
        row = conn.execute("SELECT * FROM products WHERE sku = ? COLLATE NOCASE", (str(sku).strip(),)).fetchone()
    if row is None:
        raise InvalidInput(f"{field}: unknown SKU {sku!r} (see daigou product list)")
    return row


PRODUCT_COLUMNS = ["sku", "name", "category", "zone", "price", "currency", "weight", "reorder_point",
                   "reorder_qty", "lead_days", "shelf_life_days", "warranty_days", "supplier",
                   "pack_size", "on_hand"]


def _product_dict(row: sqlite3.Row) -> dict:
    data = dict(row)
    data["price"] = money.to_decimal(data["price"], data["currency"] or "CNY")
    grams = data.pop("weight_g")
    data["weight"] = None if grams is None else (Decimal(grams) / 1000).normalize()
    if data.get("created_at"):
        data["created_at"] = clock.from_db(data["created_at"])  # printed in the business time zone
    return data


_PRODUCT_SELECT = (
    "SELECT p.*, s.name AS supplier, "
    "(SELECT COALESCE(SUM(qty), 0) FROM movements m WHERE m.sku = p.sku AND m.at <= ?) AS on_hand "
    "FROM products p LEFT JOIN suppliers s ON s.id = p.supplier_id ")


def list_products(conn: sqlite3.Connection, category=None, zone=None, supplier=None,
                  as_of: str = clock.END_OF_TIME) -> list[dict]:
    """The catalogue, with the units on hand (as of the end of --as-of's day)."""
    where, params = [], [as_of]
    for column, value in (("p.category", category), ("p.zone", zone), ("s.name", supplier)):
        if value:
            where.append(f"{column} = ? COLLATE NOCASE")
            params.append(value)
    sql = _PRODUCT_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY p.sku"
    return [_product_dict(r) for r in conn.execute(sql, params)]


def show_product(conn: sqlite3.Connection, sku: str, as_of: str = clock.END_OF_TIME) -> dict:
    sku = product_row(conn, sku)["sku"]
    data = _product_dict(conn.execute(_PRODUCT_SELECT + "WHERE p.sku = ?", (as_of, sku)).fetchone())
    data["id"] = data["sku"]
    return data
