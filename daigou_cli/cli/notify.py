"""`daigou notify`: the customer messages every order and parcel event queues, their
templates, and sending them exactly once through a command of yours or SMTP."""

import os
import sys
from typing import Optional

import typer

from daigou_cli.cli.common import (
    AsOfOpt,
    DbOpt,
    FormatOpt,
    QuietOpt,
    WriteFormatOpt,
    check_write_format,
    done,
    reading,
    show,
    writing,
)

app = typer.Typer(help="Customer notifications: list, send (--exec or --smtp), mark, templates.",
                  no_args_is_help=True)
template_app = typer.Typer(help="Message templates: built-in zh-CN and en, yours override them.",
                           no_args_is_help=True)
app.add_typer(template_app, name="template")

LanguageOpt = typer.Option(None, "--language", "-l", metavar="zh-CN|en",
                           help="Template language (default: config language).")


@app.command("list")
def notify_list(
    pending: bool = typer.Option(False, "--pending", help="Only messages still to send (pending or in doubt)."),
    order: Optional[str] = typer.Option(None, "--order", metavar="ORDER", help="Only this order's messages."),
    status: Optional[str] = typer.Option(None, "--status", help="pending, sending (in doubt), sent or withdrawn."),
    kind: Optional[str] = typer.Option(None, "--kind", help="order_confirmed, shipped, delivered, ..."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Queued messages and whether each was sent: pending, sending (in doubt), sent or withdrawn.

    A message about a payment, refund or parcel that was voided (daigou void) before it went
    out is withdrawn: it is never sent, and withdrawn_by names the void entry.
    """
    from daigou_cli.core import notify, orders

    with reading(db) as ledger:
        order_id = orders.find_order(ledger.conn, order, "--order")["id"] if order else None
        rows = notify.list_notifications(ledger.conn, pending, order_id, status, kind, ledger.as_of(as_of))
        show(ledger, rows, notify.NOTIFICATION_COLUMNS, fmt, "Notifications")


@app.command("show")
def notify_show(id_: str = typer.Argument(..., metavar="ID"), db: DbOpt = None, fmt: FormatOpt = None) -> None:
    """One message: its text, the customer's contacts and every send attempt."""
    from daigou_cli import output
    from daigou_cli.core import notify

    with reading(db) as ledger:
        record = notify.show_notification(ledger.conn, id_)
        output.emit_record(record, output.resolve_format(fmt), ledger.tz, f"Notification {record['id']}")


@app.command("send")
def notify_send(
    exec_: Optional[str] = typer.Option(None, "--exec", metavar="CMD", help="Run CMD with sh -c once per message, the message as one JSON object on stdin; exit 0 = sent."),
    smtp: Optional[str] = typer.Option(None, "--smtp", metavar="HOST:PORT", help="Send email through this SMTP server, To: the customer's email."),
    sender: Optional[str] = typer.Option(None, "--from", metavar="ADDR", help="From address for --smtp (default: $DAIGOU_SMTP_FROM)."),
    starttls: bool = typer.Option(False, "--starttls", help="--smtp: upgrade the connection with STARTTLS (port 587)."),
    use_ssl: bool = typer.Option(False, "--ssl", help="--smtp: TLS from the start (port 465)."),
    user: Optional[str] = typer.Option(None, "--user", envvar="DAIGOU_SMTP_USER", help="--smtp login ($DAIGOU_SMTP_USER); the password is read from $DAIGOU_SMTP_PASSWORD."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, metavar="N", help="Send at most N messages this run."),
    retry_unknown: bool = typer.Option(False, "--retry-unknown", help="Also re-send messages in doubt (a sender was killed while sending them)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.1, metavar="SECONDS", help="--exec: stop CMD after this long (the message is then in doubt)."),
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Send pending messages, each at most once; those that failed stay pending for the next run.

    Each message is claimed (committed) before it leaves and marked sent or failed after, so
    two senders never send one message twice, and a sender killed half way leaves that one
    message in doubt (reported, not re-sent without --retry-unknown). A failed one stays
    pending for the next run. A withdrawn one (its payment, refund or parcel was voided) is
    never sent.
    """
    from daigou_cli.core import notify_send as ns

    if bool(exec_) == bool(smtp):
        raise typer.BadParameter("give exactly one of --exec CMD or --smtp HOST:PORT")
    if not smtp and (sender or starttls or use_ssl):
        raise typer.BadParameter("--from, --starttls and --ssl go with --smtp")
    chosen = check_write_format(fmt)
    if exec_:
        transport = ns.ExecTransport(exec_, timeout)
    else:
        transport = ns.SmtpTransport(smtp, sender, starttls, use_ssl, user, os.environ.get("DAIGOU_SMTP_PASSWORD"))
    results = []
    with reading(db) as ledger:
        for r in ns.send(ledger.conn, transport, limit, retry_unknown):
            results.append(r)
            _report(r, chosen, quiet)
    counts = {k: sum(r["result"] == k for r in results) for k in ("sent", "failed", "skipped", "in_doubt")}
    if chosen == "json":
        from daigou_cli import output

        output.write_json(results, ledger.tz)
    elif not quiet:
        print("nothing to send" if not results else
              f"{counts['sent']} sent, {counts['failed']} failed, {counts['skipped']} skipped, "
              f"{counts['in_doubt']} in doubt")
    # Exit 0: the run did its job; what is still pending shows in `notify list --pending`
    # (PRODUCT.md keeps exit 1 for check and reorder).


def _report(r: dict, fmt: str | None, quiet: bool) -> None:
    """One line per message as it happens (a run that is killed still said what it did)."""
    if fmt == "json":
        return
    if r["result"] == "sent":
        print(r["id"] if quiet else f"sent {r['id']} ({r['kind']}, order {r['order_id']}) to {r['customer']}: "
              f"{r['subject']}", flush=True)
        return
    word = {"in_doubt": "in doubt"}.get(r["result"], r["result"])
    print(f"daigou: notification {r['id']} ({r['kind']}, order {r['order_id']}, {r['customer']}) {word}: "
          f"{r['detail']}", file=sys.stderr, flush=True)


@app.command("mark")
def notify_mark(
    id_: str = typer.Argument(..., metavar="ID"),
    how: str = typer.Argument(..., metavar="sent|unsent", help="sent: it reached the customer (or you told them another way); unsent: an in-doubt one did not go out, send it again."),
    note: Optional[str] = typer.Option(None, "--note", help="How you know."),
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Settle a message by hand: mark it sent, or mark an in-doubt one unsent so it is sent again."""
    from daigou_cli.core import notify_send

    with writing(db, fmt) as ledger:
        r = notify_send.mark(ledger.conn, id_, how, note)
    done(ledger, r, f"notification {r['id']} ({r['kind']}, order {r['order_id']}): {r['status']}", fmt, quiet)


@template_app.command("list")
def template_list(language: Optional[str] = LanguageOpt, db: DbOpt = None, fmt: FormatOpt = None) -> None:
    """Every message kind's template in each language, built-in (default) or yours (custom)."""
    from daigou_cli.core import notify

    with reading(db) as ledger:
        show(ledger, notify.list_templates(ledger.conn, language), notify.TEMPLATE_COLUMNS, fmt, "Templates")


@template_app.command("show")
def template_show(
    kind: str = typer.Argument(..., help="order_confirmed, deposit_received, payment_received, shipped, info_received, in_transit, customs, out_for_delivery, delivered, exception, returned, lost, return_received, refund_issued, refund_due, order_cancelled."),
    language: Optional[str] = LanguageOpt, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """One template and the placeholders it may use."""
    from daigou_cli import output
    from daigou_cli.core import notify

    with reading(db) as ledger:
        record = notify.show_template(ledger.conn, kind, language)
        output.emit_record(record, output.resolve_format(fmt), ledger.tz, f"{record['kind']} ({record['language']})")


@template_app.command("set")
def template_set(
    kind: str = typer.Argument(..., help="The message kind (see notify template list)."),
    language: Optional[str] = LanguageOpt,
    subject: Optional[str] = typer.Option(None, "--subject", help="One line; placeholders like {order_id}."),
    body: Optional[str] = typer.Option(None, "--body", help="Text with placeholders: {customer} {order_id} {items} {total} {currency} {amount} {carrier} {tracking} {status} ..."),
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Override a template (messages already queued keep their text)."""
    from daigou_cli.core import notify

    with writing(db, fmt) as ledger:
        r = notify.set_template(ledger.conn, kind, language, subject, body)
    done(ledger, r, f"template {r['kind']} ({r['language']}) set: {r['subject']}", fmt, quiet)


@template_app.command("reset")
def template_reset(
    kind: str = typer.Argument(..., help="The message kind."),
    language: Optional[str] = LanguageOpt,
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Go back to the built-in template."""
    from daigou_cli.core import notify

    with writing(db, fmt) as ledger:
        r = notify.reset_template(ledger.conn, kind, language)
    done(ledger, r, f"template {r['kind']} ({r['language']}) is the built-in one again", fmt, quiet)
