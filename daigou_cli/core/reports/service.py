"""`report service`: how well customers were answered in a window, by channel, and which
FAQ answers did the most work. Ticket state comes from ticket_status as of the window's
end (business hours applied as in `ticket list`)."""

import sqlite3
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from daigou_cli.core import clock, config
from daigou_cli.core.service import CHANNELS
from daigou_cli.core.service_views import hours, list_tickets

COLUMNS = ["channel", "opened", "closed", "open_at_end", "overdue", "median_first_response_hours",
           "median_resolution_hours", "sla_met_pct", "sla_counted", "sla_hours"]
FAQ_COLUMNS = ["rank", "id", "question", "uses", "tags"]


def _median_hours(seconds: list[int]):
    return hours(median(seconds)) if seconds else None


def _pct(part: int, whole: int):
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _row(channel: str, tickets: list[dict], closed: set[int], start: str, end: str, sla) -> dict:
    opened = [t for t in tickets if start <= clock.to_db(t["opened_at"]) <= end]
    counted = [t for t in opened if t["sla_met"] is not None]
    resolved = [t for t in tickets if t["id"] in closed and t["status"] == "closed"]
    return {
        "channel": channel,
        "opened": len(opened),
        "closed": sum(t["id"] in closed for t in tickets),
        "open_at_end": sum(t["status"] == "open" for t in tickets),
        "overdue": sum(t["overdue"] for t in tickets),
        "median_first_response_hours": _median_hours(
            [t["first_response_seconds"] for t in opened if t["first_response_seconds"] is not None]),
        "median_resolution_hours": _median_hours([t["resolution_seconds"] for t in resolved]),
        "sla_met_pct": _pct(sum(t["sla_met"] for t in counted), len(counted)),
        "sla_counted": len(counted),
        "sla_hours": sla,
    }


def service(conn: sqlite3.Connection, window: dict) -> list[dict]:
    """One row per channel that had tickets, then `all`. Opened, first response and SLA
    met count tickets opened in the window; closed and resolution count tickets closed in
    it; open_at_end and overdue are the state at its end."""
    start, end = window["start"], window["end"]
    tickets = list_tickets(conn, end)
    closed = {r[0] for r in conn.execute(
        "SELECT DISTINCT ticket_id FROM ticket_events WHERE kind = 'closed' AND at BETWEEN ? AND ?", (start, end))}
    sla = Decimal(config.get(conn, "sla_hours"))
    rows = []
    for channel in sorted({t["channel"] for t in tickets}, key=lambda c: (CHANNELS.index(c) if c in CHANNELS else len(CHANNELS), c)):
        mine = [t for t in tickets if t["channel"] == channel]
        row = _row(channel, mine, closed, start, end, sla)
        if row["opened"] or row["closed"] or row["open_at_end"]:
            rows.append(row)
    rows.append(_row("all", tickets, closed, start, end, sla))
    return rows


def top_faq(conn: sqlite3.Connection, window: dict, limit: int = 5) -> list[dict]:
    """The FAQ entries used most in replies sent in the window."""
    rows = conn.execute(
        "SELECT f.id, f.question, f.tags, COUNT(*) AS uses FROM ticket_messages m JOIN faq f ON f.id = m.faq_id "
        "WHERE m.at BETWEEN ? AND ? GROUP BY f.id ORDER BY uses DESC, f.id LIMIT ?",
        (window["start"], window["end"], limit)).fetchall()
    return [dict(r) | {"rank": n} for n, r in enumerate(rows, start=1)]
