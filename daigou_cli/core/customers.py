"""Customers: found by name or by any contact (WeChat id, phone, email)."""

import re
import sqlite3

from daigou_cli.core import clock
from daigou_cli.core.errors import InvalidInput, Refused

CUSTOMER_COLUMNS = ["id", "name", "wechat", "phone", "email", "region", "orders", "created_at"]


def normalize_phone(phone: str | None) -> str | None:
    """'+86 138-0013-8000' -> '+8613800138000'; a bare 11-digit mainland number stays as typed."""
    if phone is None or not str(phone).strip():
        return None
    raw = str(phone).strip().lstrip("'")
    digits = re.sub(r"[\s\-().]", "", raw)
    if not re.fullmatch(r"\+?\d{5,20}", digits):
        raise InvalidInput(f"--phone: {phone!r} is not a phone number")
    return digits


def normalize_email(email: str | None) -> str | None:
    if email is None or not str(email).strip():
        return None
    text = str(email).strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise InvalidInput(f"--email: {email!r} is not an email address")
    return text


def _clean(value, field: str, limit: int = 200) -> str | None:
    text = None if value is None else str(value).strip()
    if not text:
        return None
    if len(text) > limit:
        raise InvalidInput(f"{field}: longer than {limit} characters")
    return text


def add_customer(conn: sqlite3.Connection, name: str, wechat=None, phone=None, email=None,
                 region=None, address=None, at: str | None = None) -> dict:
    record = {
        "name": _clean(name, "NAME"), "wechat": _clean(wechat, "--wechat", 64),
        "phone": normalize_phone(phone), "email": normalize_email(email),
        "region": _clean(region, "--region", 64), "address": _clean(address, "--address", 500),
    }
    if not record["name"]:
        raise InvalidInput("NAME: must not be empty")
    for field in ("wechat", "phone", "email"):
        if record[field]:
            other = conn.execute(f"SELECT id, name FROM customers WHERE {field} = ?", (record[field],)).fetchone()
            if other:
                raise Refused(f"--{field}: {record[field]} already belongs to customer {other['id']} ({other['name']})")
    cur = conn.execute(
        "INSERT INTO customers(name, wechat, phone, email, region, address, created_at) "
        "VALUES (:name, :wechat, :phone, :email, :region, :address, :created_at)",
        record | {"created_at": at or clock.to_db(clock.now_utc())})
    return {"id": cur.lastrowid} | record


def find_customer(conn: sqlite3.Connection, who, field: str = "CUSTOMER") -> sqlite3.Row:
    """By id, WeChat id, phone, email or name; two customers with one name need a contact."""
    text = str(who or "").strip()
    if not text:
        raise InvalidInput(f"{field}: must not be empty")
    if text.isdigit():
        row = conn.execute("SELECT * FROM customers WHERE id = ?", (int(text),)).fetchone()
        if row:
            return row
    candidates = [("wechat", text), ("email", text.lower())]
    try:
        candidates.append(("phone", normalize_phone(text)))
    except InvalidInput:
        pass
    for column, value in candidates:
        row = conn.execute(f"SELECT * FROM customers WHERE {column} = ?", (value,)).fetchone()
        if row:
            return row
    rows = conn.execute("SELECT * FROM customers WHERE name = ? ORDER BY id", (text,)).fetchall()
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        ids = ", ".join(str(r["id"]) for r in rows)
        raise InvalidInput(f"{field}: {len(rows)} customers are named {text!r} (ids {ids}); "
                           "give the id, WeChat id, phone or email instead")
    raise InvalidInput(f"{field}: no customer {text!r} (add one: daigou customer add {text!r} --wechat ...)")


def list_customers(conn: sqlite3.Connection, search: str | None = None, region: str | None = None,
                   as_of: str = clock.END_OF_TIME) -> list[dict]:
    """Customers with their contacts and the number of orders taken up to --as-of."""
    sql = ("SELECT c.*, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND o.at <= :as_of) AS orders "
           "FROM customers c WHERE (:region IS NULL OR c.region = :region COLLATE NOCASE) "
           "AND (:q IS NULL OR c.name LIKE :q OR c.wechat LIKE :q OR c.phone LIKE :q OR c.email LIKE :q) "
           "ORDER BY c.id")
    q = f"%{search}%" if search else None
    return [dict(r) | {"created_at": clock.from_db(r["created_at"])}
            for r in conn.execute(sql, {"region": region, "q": q, "as_of": as_of})]
