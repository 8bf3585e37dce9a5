"""Reading imported sales history: one row per import, and the event calendar with its tags."""

import sqlite3
from datetime import date, timedelta

from daigou_cli.core import clock, config, money
from daigou_cli.core.forecast import calendar, demand, tags

IMPORT_COLUMNS = ["id", "imported_at", "rows", "skus", "units", "revenue", "currency", "first_date",
                  "last_date", "voided", "note"]
EVENT_COLUMNS = ["event", "date", "window_from", "window_to", "label", "tagged"]


def list_imports(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME) -> list[dict]:
    if not demand.has_table(conn, "sales_history"):
        return []
    base = config.get(conn, "base_currency")
    rows = conn.execute(
        "SELECT e.id, e.at, e.note, count(h.id) AS rows, count(DISTINCT h.sku) AS skus, "
        "SUM(h.qty) AS units, SUM(h.revenue) AS revenue, MIN(h.date) AS first_date, "
        "MAX(h.date) AS last_date, (SELECT v.entry_id FROM voids v WHERE v.target = e.id) AS voided "
        "FROM entries e JOIN sales_history h ON h.entry_id = e.id "
        "WHERE e.kind = 'history' AND e.at <= ? GROUP BY e.id ORDER BY e.id", (as_of,)).fetchall()
    return [{"id": r["id"], "imported_at": clock.from_db(r["at"]), "rows": r["rows"], "skus": r["skus"],
             "units": r["units"], "revenue": money.to_decimal(r["revenue"], base), "currency": base,
             "first_date": date.fromisoformat(r["first_date"]), "last_date": date.fromisoformat(r["last_date"]),
             "voided": r["voided"], "note": r["note"]} for r in rows]


def events(conn: sqlite3.Connection, year: int | None = None) -> list[dict]:
    """The calendar for a year (default: the next twelve months) and what is tagged for each."""
    today = clock.now_utc().astimezone(clock.zone(config.get(conn, "timezone"))).date()
    first, last = (date(year, 1, 1), date(year, 12, 31)) if year else (today, today + timedelta(days=365))
    tagged: dict[str, list[str]] = {}
    if demand.has_table(conn, "event_tags"):
        for t in tags.list_tags(conn):
            tagged.setdefault(t["event"], []).append(t["sku"] or f"category:{t['category']}")
    return [row | {"tagged": " ".join(tagged.get(row["event"], []))}
            for row in calendar.calendar(first, last)]
