"""Which SKUs and categories a calendar event moves: `product edit SKU --event double11`,
`history tag --category cosmetics --event double11`. Tags are master data (event_tags in
schema.sql), not a column on products; forecasts apply event uplift to tagged SKUs only."""

import sqlite3

from daigou_cli.core import catalog, clock
from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.forecast.calendar import event


def _now() -> str:
    return clock.to_db(clock.now_utc())


def set_sku_events(conn: sqlite3.Connection, sku: str, add=(), remove=()) -> list[str]:
    """Tag (and untag) one SKU; returns its events now, its own and its category's."""
    sku = catalog.product_row(conn, sku)["sku"]
    for name in add:
        conn.execute("INSERT OR IGNORE INTO event_tags(event, sku, created_at) VALUES (?, ?, ?)",
                     (event(name).name, sku, _now()))
    for name in remove:
        conn.execute("DELETE FROM event_tags WHERE event = ? AND sku = ?", (event(name, "--no-event").name, sku))
    return events_of(conn, sku)


def set_category_events(conn: sqlite3.Connection, category: str, add=(), remove=()) -> dict:
    text = (category or "").strip()
    if not text:
        raise InvalidInput("--category: must not be empty")
    known = conn.execute("SELECT category FROM products WHERE category = ? COLLATE NOCASE LIMIT 1",
                         (text,)).fetchone()
    if known is None:
        raise InvalidInput(f"--category: no product has category {text!r} (see daigou product list)")
    text = known[0]
    if not add and not remove:
        raise InvalidInput("history tag: give --event NAME or --no-event NAME")
    for name in add:
        conn.execute("INSERT OR IGNORE INTO event_tags(event, category, created_at) VALUES (?, ?, ?)",
                     (event(name).name, text, _now()))
    for name in remove:
        conn.execute("DELETE FROM event_tags WHERE event = ? AND category = ?",
                     (event(name, "--no-event").name, text))
    events = [r[0] for r in conn.execute(
        "SELECT event FROM event_tags WHERE category = ? ORDER BY event", (text,))]
    skus = conn.execute("SELECT count(*) FROM products WHERE category = ?", (text,)).fetchone()[0]
    return {"id": text, "category": text, "events": events, "skus": skus}


def events_of(conn: sqlite3.Connection, sku: str) -> list[str]:
    return sorted(tagged(conn, [sku]).get(sku, ()))


def tagged(conn: sqlite3.Connection, skus=None) -> dict[str, set[str]]:
    """SKU -> the events it is tagged for, directly or through its category."""
    rows = conn.execute(
        "SELECT t.sku, t.event FROM event_tags t WHERE t.sku IS NOT NULL "
        "UNION SELECT p.sku, t.event FROM event_tags t JOIN products p ON p.category = t.category "
        "WHERE t.category IS NOT NULL").fetchall()
    wanted = None if skus is None else set(skus)
    out: dict[str, set[str]] = {}
    for sku, name in rows:
        if wanted is None or sku in wanted:
            out.setdefault(sku, set()).add(name)
    return out


def list_tags(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT t.event, t.sku, t.category, "
        "CASE WHEN t.sku IS NOT NULL THEN 1 ELSE "
        "(SELECT count(*) FROM products p WHERE p.category = t.category) END AS skus "
        "FROM event_tags t ORDER BY t.event, t.category IS NULL, t.category, t.sku")]
