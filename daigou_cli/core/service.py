"""Customer service tickets: open, reply, close, reopen. Every step is an appended fact;
the ticket's status, response times and SLA are derived (ticket_status in schema.sql)."""

import sqlite3

from daigou_cli.core import asof, clock, customers, orders
from daigou_cli.core.errors import InvalidInput, Refused, UsageProblem
from daigou_cli.core.ledger import record_entry

CHANNELS = ("wechat", "xhs", "email", "phone")
SENDERS = ("customer", "me")
SUBJECT_LIMIT = 200
MESSAGE_LIMIT = 5000


def _text(value, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{field}: must not be empty")
    if len(text) > limit:
        raise InvalidInput(f"{field}: longer than {limit} characters")
    return text


def _choice(value, choices: tuple[str, ...], field: str, default: str) -> str:
    chosen = (value or default).strip().lower()
    if chosen not in choices:
        raise UsageProblem(f"{field}: {value!r} is not one of {', '.join(choices)}")
    return chosen


def find_ticket(conn: sqlite3.Connection, ref, field: str = "TICKET") -> sqlite3.Row:
    text = str(ref or "").strip().lstrip("#")
    if not text:
        raise InvalidInput(f"{field}: must not be empty")
    if not text.isdigit():
        raise InvalidInput(f"{field}: {ref!r} is not a ticket id (see daigou ticket list)")
    row = conn.execute("SELECT * FROM tickets WHERE id = ?", (int(text),)).fetchone()
    if row is None:
        raise InvalidInput(f"{field}: no ticket {text} (see daigou ticket list)")
    return row


def status_at(conn: sqlite3.Connection, ticket_id: int, at: str) -> str:
    """'open' or 'closed' at the moment `at` (a back-dated step sees the ticket as it was)."""
    row = asof.query(conn, "SELECT status FROM ticket_status WHERE id = :id", {"id": ticket_id}, at).fetchone()
    return row["status"]


def _not_before_opening(ticket: sqlite3.Row, at: str) -> None:
    if at < ticket["at"]:
        raise InvalidInput(f"--at: before ticket {ticket['id']} was opened ({ticket['at']})")


def _message(conn, entry: int, ticket_id: int, sender: str, body: str, at: str, faq_id=None) -> None:
    conn.execute("INSERT INTO ticket_messages(entry_id, ticket_id, sender, body, faq_id, at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (entry, ticket_id, sender, body, faq_id, at))


def open_ticket(conn: sqlite3.Connection, customer, subject, at: str, channel=None, order=None,
                message=None) -> dict:
    """A customer asks something; --message records their words as the first message."""
    who = customers.find_customer(conn, customer)
    text = _text(subject, "SUBJECT", SUBJECT_LIMIT)
    chan = _choice(channel, CHANNELS, "--channel", "wechat")
    order_id = None
    if order is not None:
        row = orders.find_order(conn, order, "--order")
        if row["customer_id"] != who["id"]:
            raise InvalidInput(f"--order: order {row['id']} is not {who['name']}'s")
        order_id = row["id"]
    body = _text(message, "--message", MESSAGE_LIMIT) if message is not None else None
    entry = record_entry(conn, "ticket", at, text)
    conn.execute("INSERT INTO tickets(id, customer_id, channel, order_id, subject, at) VALUES (?, ?, ?, ?, ?, ?)",
                 (entry, who["id"], chan, order_id, text, at))
    if body:
        _message(conn, entry, entry, "customer", body, at)
    return {"id": entry, "customer_id": who["id"], "customer": who["name"], "channel": chan,
            "order_id": order_id, "subject": text, "message": body, "status": "open",
            "opened_at": clock.from_db(at)}


def reply(conn: sqlite3.Connection, ref, message, at: str, sender=None, faq=None) -> dict:
    """A message on an open ticket: mine (default) or the customer's. With an FAQ entry, my
    reply is its answer (after MESSAGE, when one is given) and counts as a use of it."""
    ticket = find_ticket(conn, ref)
    who = _choice(sender, SENDERS, "--from", "me")
    faq_row = None
    if faq is not None:
        from daigou_cli.core import faq as faqs

        if who != "me":
            raise InvalidInput("--faq: only my replies can use an FAQ answer (drop --from customer)")
        faq_row = faqs.find_faq(conn, faq, "--faq")
    if faq_row is not None and not (message or "").strip():
        body = faq_row["answer"]
    else:
        body = _text(message, "MESSAGE", MESSAGE_LIMIT)
        if faq_row is not None:
            body = f"{body}\n\n{faq_row['answer']}"
    _not_before_opening(ticket, at)
    if status_at(conn, ticket["id"], at) == "closed":
        raise Refused(f"ticket {ticket['id']}: closed; reopen it first (daigou ticket reopen {ticket['id']})")
    entry = record_entry(conn, "ticket_message", at, f"ticket {ticket['id']}")
    _message(conn, entry, ticket["id"], who, body, at, faq_row["id"] if faq_row is not None else None)
    return {"id": entry, "ticket_id": ticket["id"], "from": who, "message": body,
            "faq_id": faq_row["id"] if faq_row is not None else None, "at": clock.from_db(at)}


def close(conn: sqlite3.Connection, ref, at: str, resolution=None) -> dict:
    ticket = find_ticket(conn, ref)
    why = (resolution or "").strip() or None
    if why and len(why) > MESSAGE_LIMIT:
        raise InvalidInput(f"--resolution: longer than {MESSAGE_LIMIT} characters")
    _not_before_opening(ticket, at)
    if status_at(conn, ticket["id"], at) == "closed":
        raise Refused(f"ticket {ticket['id']}: already closed")
    return _event(conn, ticket, "closed", at, why)


def reopen(conn: sqlite3.Connection, ref, at: str) -> dict:
    ticket = find_ticket(conn, ref)
    _not_before_opening(ticket, at)
    if status_at(conn, ticket["id"], at) == "open":
        raise Refused(f"ticket {ticket['id']}: is open, not closed")
    return _event(conn, ticket, "reopened", at, None)


def _event(conn, ticket: sqlite3.Row, kind: str, at: str, resolution) -> dict:
    entry = record_entry(conn, f"ticket_{kind}", at, resolution)
    conn.execute("INSERT INTO ticket_events(entry_id, ticket_id, kind, resolution, at) VALUES (?, ?, ?, ?, ?)",
                 (entry, ticket["id"], kind, resolution, at))
    return {"id": entry, "ticket_id": ticket["id"], "status": "closed" if kind == "closed" else "open",
            "resolution": resolution, "at": clock.from_db(at)}
