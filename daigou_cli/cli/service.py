"""`daigou ticket` and `daigou faq`: customer questions with a reply SLA, and standard answers."""

from typing import List, Optional

import typer

from daigou_cli.cli.common import (
    AsOfOpt,
    AtOpt,
    DbOpt,
    FormatOpt,
    QuietOpt,
    WriteFormatOpt,
    done,
    reading,
    show,
    writing,
)

ticket_app = typer.Typer(help="Customer service tickets: open, reply, close; overdue past config sla_hours.",
                         no_args_is_help=True)
faq_app = typer.Typer(help="FAQ: standard answers, full-text search in Chinese and English.",
                      no_args_is_help=True)
TicketArg = typer.Argument(..., metavar="TICKET", help="Ticket id (as ticket open printed it).")


@ticket_app.command("open")
def ticket_open(
    customer: str = typer.Argument(..., help="Customer name, id, WeChat id, phone or email."),
    subject: str = typer.Argument(..., help="What it is about: 包裹到哪了, is it authentic, ..."),
    channel: Optional[str] = typer.Option(None, "--channel", help="wechat (default), xhs, email or phone."),
    order: Optional[str] = typer.Option(None, "--order", metavar="ORDER", help="The order it is about (id or channel order number)."),
    message: Optional[str] = typer.Option(None, "--message", metavar="TEXT", help="The customer's words, as the first message."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Open a ticket for a customer's question; the SLA clock starts now (or at --at)."""
    from daigou_cli.core import service

    with writing(db, fmt) as ledger:
        r = service.open_ticket(ledger.conn, customer, subject, ledger.at(at), channel, order, message)
    about = f" (order {r['order_id']})" if r["order_id"] else ""
    done(ledger, r, f"ticket {r['id']} opened for {r['customer']} on {r['channel']}: {r['subject']}{about}",
         fmt, quiet)


@ticket_app.command("reply")
def ticket_reply(
    ticket: str = TicketArg,
    message: Optional[str] = typer.Argument(None, metavar="[MESSAGE]", help="The message (optional with --faq: the FAQ answer is sent)."),
    sender: Optional[str] = typer.Option(None, "--from", metavar="customer|me", help="Who wrote it: me (default) or customer."),
    faq: Optional[str] = typer.Option(None, "--faq", metavar="ID", help="Answer with this FAQ entry's answer (after MESSAGE, if given)."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Add a message to an open ticket: my reply stops the SLA clock, a customer's starts it."""
    from daigou_cli.core import service

    with writing(db, fmt) as ledger:
        r = service.reply(ledger.conn, ticket, message, ledger.at(at), sender, faq)
    used = f" with FAQ {r['faq_id']}" if r["faq_id"] else ""
    who = "my reply" if r["from"] == "me" else "customer message"
    done(ledger, r, f"ticket {r['ticket_id']}: {who}{used} recorded (entry {r['id']})", fmt, quiet)


@ticket_app.command("close")
def ticket_close(
    ticket: str = TicketArg,
    resolution: Optional[str] = typer.Option(None, "--resolution", metavar="TEXT", help="How it was resolved."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Close a ticket (with how it was resolved); replying afterwards needs ticket reopen."""
    from daigou_cli.core import service

    with writing(db, fmt) as ledger:
        r = service.close(ledger.conn, ticket, ledger.at(at), resolution)
    how = f": {r['resolution']}" if r["resolution"] else ""
    done(ledger, r, f"ticket {r['ticket_id']} closed{how} (entry {r['id']})", fmt, quiet)


@ticket_app.command("reopen")
def ticket_reopen(
    ticket: str = TicketArg,
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Reopen a closed ticket (the customer came back about it)."""
    from daigou_cli.core import service

    with writing(db, fmt) as ledger:
        r = service.reopen(ledger.conn, ticket, ledger.at(at))
    done(ledger, r, f"ticket {r['ticket_id']} reopened (entry {r['id']})", fmt, quiet)


@ticket_app.command("list")
def ticket_list(
    open_only: bool = typer.Option(False, "--open", help="Only open tickets."),
    overdue: bool = typer.Option(False, "--overdue", help="Only open tickets waiting on me past sla_hours, most overdue first."),
    customer: Optional[str] = typer.Option(None, "--customer", help="Only this customer's tickets."),
    channel: Optional[str] = typer.Option(None, "--channel", help="Only tickets from this channel."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Tickets with status, first response time and whether the customer waits past the SLA."""
    from daigou_cli.core import service_views

    with reading(db) as ledger:
        rows = service_views.list_tickets(ledger.conn, ledger.as_of(as_of), open_only, overdue, customer, channel)
        show(ledger, rows, service_views.TICKET_COLUMNS, fmt, "Overdue tickets" if overdue else "Tickets")


@ticket_app.command("show")
def ticket_show(
    ticket: str = TicketArg,
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """One ticket: status, SLA, and its messages in order."""
    from daigou_cli import output
    from daigou_cli.core import service_views

    with reading(db) as ledger:
        record = service_views.show_ticket(ledger.conn, ticket, ledger.as_of(as_of))
        output.emit_record(record, output.resolve_format(fmt), ledger.tz, f"Ticket {record['id']}")


@faq_app.command("add")
def faq_add(
    question: str = typer.Argument(..., help="The question as customers ask it: 如何退货？"),
    answer: str = typer.Argument(..., help="The answer you send."),
    tags: Optional[str] = typer.Option(None, "--tags", help="Comma list: 退货,售后."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Add an FAQ entry (searchable at once)."""
    from daigou_cli.core import faq

    with writing(db, fmt) as ledger:
        r = faq.add_faq(ledger.conn, question, answer, tags, ledger.at(at))
    done(ledger, r, f"FAQ {r['id']} added: {r['question']}", fmt, quiet)


@faq_app.command("edit")
def faq_edit(
    faq_id: str = typer.Argument(..., metavar="ID"),
    question: Optional[str] = typer.Option(None, "--question"),
    answer: Optional[str] = typer.Option(None, "--answer"),
    tags: Optional[str] = typer.Option(None, "--tags", help="Replaces the tags ('' clears them)."),
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Change an FAQ entry's question, answer or tags (replies already sent keep their words)."""
    from daigou_cli.core import faq

    with writing(db, fmt) as ledger:
        r = faq.edit_faq(ledger.conn, faq_id, question, answer, tags)
    done(ledger, r, f"FAQ {r['id']} updated: {r['question']}", fmt, quiet)


@faq_app.command("list")
def faq_list(
    tag: Optional[str] = typer.Option(None, "--tag", help="Only entries with this tag."),
    db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """FAQ entries with how often each answered a ticket."""
    from daigou_cli.core import faq

    with reading(db) as ledger:
        show(ledger, faq.list_faq(ledger.conn, tag), faq.FAQ_COLUMNS, fmt, "FAQ")


@faq_app.command("search")
def faq_search(
    words: List[str] = typer.Argument(..., metavar="WORDS...", help="退货, 关税, shipping time ..."),
    limit: int = typer.Option(10, "--limit", help="At most this many entries."),
    db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Full-text search (FTS5, trigram) of questions, answers and tags, best match first (bm25)."""
    from daigou_cli.core import faq

    with reading(db) as ledger:
        show(ledger, faq.search(ledger.conn, words, limit), faq.SEARCH_COLUMNS, fmt, "FAQ search")


@faq_app.command("show")
def faq_show(
    faq_id: str = typer.Argument(..., metavar="ID"),
    db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """One FAQ entry and the tickets it answered."""
    from daigou_cli import output
    from daigou_cli.core import faq

    with reading(db) as ledger:
        record = faq.show_faq(ledger.conn, faq_id)
        output.emit_record(record, output.resolve_format(fmt), ledger.tz, f"FAQ {record['id']}")
