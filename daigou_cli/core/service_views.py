"""Reading tickets: the list with SLA state, one ticket with its messages, the overdue ones.

ticket_status (schema.sql) derives everything on a 24-hour clock. When config
business_hours is set ("09:00-21:00"), the SLA clock runs only inside those hours of every
day in the business time zone, and due_at / overdue / sla_met are recounted here."""

import re
import sqlite3
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from daigou_cli.core import asof, clock, config, customers
from daigou_cli.core.errors import InvalidInput

TICKET_COLUMNS = ["id", "customer", "channel", "subject", "order_id", "status", "opened_at",
                  "last_message_at", "first_response_hours", "overdue", "messages", "waiting_since",
                  "due_at", "resolution_hours", "sla_met", "closed_at", "resolution", "customer_id"]
MESSAGE_COLUMNS = ["at", "from", "message", "faq_id", "entry"]
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_business_hours(text: str | None) -> tuple[int, int] | None:
    """'09:00-21:00' -> (540, 1260) minutes after midnight; empty -> None (the clock runs
    around the clock). '00:00-24:00' is the whole day."""
    if not (text or "").strip():
        return None
    match = _HOURS.match(text)
    if match:
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 < 24 and m1 < 60 and m2 < 60 and start < end <= 24 * 60:
            return start, end
    raise InvalidInput(f"business_hours: {text!r} is not like 09:00-21:00 (empty for around the clock)")


def business_deadline(start_db: str, hours: float, window: tuple[int, int], tz: str) -> str:
    """The moment `hours` of business time have passed since `start_db` (UTC text)."""
    zone = clock.zone(tz)
    local = clock.from_db(start_db).astimezone(zone)
    left = timedelta(hours=hours)
    day = local.date()
    while True:
        midnight = datetime.combine(day, time(0, 0), zone)
        opens, closes = midnight + timedelta(minutes=window[0]), midnight + timedelta(minutes=window[1])
        begin = max(local, opens)
        if begin < closes:
            if begin + left <= closes:
                return clock.to_db(begin + left)
            left -= closes - begin
        day += timedelta(days=1)


def hours(seconds) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rows(conn: sqlite3.Connection, where: str, params: dict, as_of: str) -> list[sqlite3.Row]:
    sql = ("SELECT s.*, c.name AS customer FROM ticket_status s JOIN customers c ON c.id = s.customer_id "
           f"WHERE {where} ORDER BY s.opened_at, s.id")
    return asof.query(conn, sql, params, as_of).fetchall()


def _ticket(row: sqlite3.Row, window, tz: str) -> dict:
    data = dict(row)
    if window is not None:
        # The same facts, on the business-hours clock.
        data["first_due_at"] = business_deadline(row["opened_at"], row["sla_hours"], window, tz)
        data["due_at"] = (business_deadline(row["waiting_since"], row["sla_hours"], window, tz)
                          if row["waiting_since"] else None)
        data["overdue"] = int(data["due_at"] is not None and data["due_at"] < row["clock"])
        if row["first_response_at"]:
            data["sla_met"] = int(row["first_response_at"] <= data["first_due_at"])
        else:
            data["sla_met"] = 0 if data["first_due_at"] < row["clock"] else None
    for key in ("opened_at", "closed_at", "first_response_at", "last_message_at", "last_reply_at",
                "waiting_since", "due_at", "first_due_at", "clock"):
        data[key] = clock.from_db(data[key])
    sla = row["sla_hours"]
    data["sla_hours"] = int(sla) if sla == int(sla) else Decimal(str(sla))
    data["first_response_hours"] = hours(row["first_response_seconds"])
    data["resolution_hours"] = hours(row["resolution_seconds"])
    data["overdue"] = bool(data["overdue"])
    data["sla_met"] = None if data["sla_met"] is None else bool(data["sla_met"])
    return data


def sla_window(conn: sqlite3.Connection):
    return parse_business_hours(config.get(conn, "business_hours"))


def list_tickets(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME, open_only: bool = False,
                 overdue_only: bool = False, customer=None, channel=None) -> list[dict]:
    tz = config.get(conn, "timezone")
    window = sla_window(conn)
    params = {"cid": customers.find_customer(conn, customer, "--customer")["id"] if customer else None,
              "channel": (channel or "").strip().lower() or None}
    where = "(:cid IS NULL OR s.customer_id = :cid) AND (:channel IS NULL OR s.channel = :channel)"
    if open_only or overdue_only:
        where += " AND s.status = 'open'"
    rows = [_ticket(r, window, tz) for r in _rows(conn, where, params, as_of)]
    if overdue_only:
        rows = sorted((r for r in rows if r["overdue"]), key=lambda r: (r["due_at"], r["id"]))
    return rows


def overdue_tickets(conn: sqlite3.Connection, as_of: str = clock.END_OF_TIME) -> list[dict]:
    """Open tickets whose customer has waited longer than sla_hours for my reply."""
    return list_tickets(conn, as_of, overdue_only=True)


def show_ticket(conn: sqlite3.Connection, ref, as_of: str = clock.END_OF_TIME) -> dict:
    from daigou_cli.core.service import find_ticket

    ticket = find_ticket(conn, ref)
    rows = _rows(conn, "s.id = :id", {"id": ticket["id"]}, as_of)
    if not rows:
        raise InvalidInput(f"TICKET: ticket {ticket['id']} was not open yet then")
    data = _ticket(rows[0], sla_window(conn), config.get(conn, "timezone"))
    record = {k: data[k] for k in TICKET_COLUMNS} | {
        "first_response_at": data["first_response_at"], "sla_hours": data["sla_hours"]}
    record["messages"] = [
        {"at": clock.from_db(m["at"]), "from": m["sender"], "message": m["body"], "faq_id": m["faq_id"],
         "entry": m["entry_id"]}
        for m in conn.execute("SELECT * FROM ticket_messages WHERE ticket_id = ? AND at <= ? "
                              "ORDER BY at, id", (ticket["id"], as_of))]
    record["events"] = [
        {"at": clock.from_db(e["at"]), "event": e["kind"], "note": e["note"], "entry": e["entry_id"]}
        for e in conn.execute(
            "SELECT at, 'opened' AS kind, subject AS note, id AS entry_id FROM tickets WHERE id = :id "
            "UNION ALL SELECT at, kind, resolution, entry_id FROM ticket_events WHERE ticket_id = :id "
            "ORDER BY at, entry_id", {"id": ticket["id"]})
        if e["at"] <= as_of]
    return record
