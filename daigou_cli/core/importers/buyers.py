"""Who bought an imported order: one customer across channels, found by the buyer's id on the
platform, phone, email or WeChat id. A buyer known by phone from Taobao and by email from
Shopify becomes one customer as soon as one order shows both: each match fills in the
contacts the customer was missing."""

import re
import sqlite3

from daigou_cli.core import clock, customers
from daigou_cli.core.errors import InvalidInput

_MAINLAND = re.compile(r"^(?:\+?86|0086)?(1\d{10})$")


def phone_forms(phone: str) -> list[str]:
    """The ways one mainland mobile number is written: 13912345678, +8613912345678, ..."""
    match = _MAINLAND.match(phone)
    if not match:
        return [phone]
    local = match.group(1)
    return [local, "+86" + local, "86" + local, "0086" + local]


def _one(conn: sqlite3.Connection, sql: str, params) -> int | None:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def match(conn: sqlite3.Connection, channel: str, buyer) -> int:
    """The customer id for `buyer` (an importers.orders.Buyer): the first customer found by
    platform id, phone, email or WeChat id; with no contact at all, the one customer of that
    name; else a new customer."""
    found: dict[str, int | None] = {}
    if buyer.platform_id:
        found["platform_id"] = _one(conn, "SELECT customer_id FROM customer_ids WHERE channel = ? AND platform_id = ?",
                                    (channel, buyer.platform_id))
    if buyer.phone:
        forms = phone_forms(buyer.phone)
        found["phone"] = _one(conn, f"SELECT id FROM customers WHERE phone IN ({', '.join('?' * len(forms))}) "
                                    "ORDER BY id", forms)
    if buyer.email:
        found["email"] = _one(conn, "SELECT id FROM customers WHERE email = ?", (buyer.email,))
    if buyer.wechat:
        found["wechat"] = _one(conn, "SELECT id FROM customers WHERE wechat = ?", (buyer.wechat,))
    ids = [cid for cid in found.values() if cid is not None]
    if ids:
        customer_id = ids[0]
        _fill_in(conn, customer_id, buyer, found)
    elif not found:
        customer_id = _by_name(conn, buyer)
    else:
        customer_id = None
    if customer_id is None:
        name = buyer.name or buyer.platform_id or buyer.email or buyer.phone or buyer.wechat
        if not name:
            raise InvalidInput("customer: required (no name, phone, email or buyer id on the order)")
        customer_id = customers.add_customer(conn, name, buyer.wechat, buyer.phone, buyer.email,
                                             buyer.region, buyer.address)["id"]
    if buyer.platform_id and found.get("platform_id") is None:
        conn.execute("INSERT INTO customer_ids(channel, platform_id, customer_id, created_at) VALUES (?, ?, ?, ?)",
                     (channel, buyer.platform_id, customer_id, clock.to_db(clock.now_utc())))
    return customer_id


def _by_name(conn: sqlite3.Connection, buyer) -> int | None:
    if not buyer.name:
        return None
    rows = conn.execute("SELECT id FROM customers WHERE name = ? ORDER BY id", (buyer.name,)).fetchall()
    if len(rows) > 1:
        ids = ", ".join(str(r[0]) for r in rows)
        raise InvalidInput(f"customer: {len(rows)} customers are named {buyer.name!r} (ids {ids}); "
                           "add a phone or email column to tell them apart")
    return rows[0][0] if rows else None


def _fill_in(conn: sqlite3.Connection, customer_id: int, buyer, found: dict) -> None:
    """Contacts the customer lacks and nobody else has; region and address when unknown."""
    row = conn.execute("SELECT * FROM customers WHERE id = ?", (customer_id,)).fetchone()
    updates = {}
    for column in ("phone", "email", "wechat"):
        value = getattr(buyer, column)
        if value and row[column] is None and found.get(column) is None:
            updates[column] = value
    for column in ("region", "address"):
        value = getattr(buyer, column)
        if value and row[column] is None:
            updates[column] = value
    if updates:
        assignments = ", ".join(f"{column} = ?" for column in updates)
        conn.execute(f"UPDATE customers SET {assignments} WHERE id = ?", (*updates.values(), customer_id))
