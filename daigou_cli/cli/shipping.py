"""`daigou ship`, `shipment`, `carrier`, `return`, `warranty`: parcels out, tracking, goods back."""

import sys
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

shipment_app = typer.Typer(help="Parcels: tracking events, import from trackers, list, quote.",
                           no_args_is_help=True)
carrier_app = typer.Typer(help="Carriers and their rate cards.", no_args_is_help=True)
warranty_app = typer.Typer(help="Goods sold with a warranty.", no_args_is_help=True)
NUMBERS = {"ignore_unknown_options": True}
# On a narrow terminal a table keeps these columns first, most important first (CSV/JSON keep all).
SHIPMENT_KEEP = ["tracking", "order_id", "customer", "status", "late", "carrier", "last_event_at", "shipped_at"]


def register(app: typer.Typer) -> None:
    app.command("ship", context_settings=NUMBERS)(ship)
    app.command("return", context_settings=NUMBERS)(return_goods)


def ship(
    order: str = typer.Argument(..., metavar="ORDER", help="Order id or the channel's order number."),
    lines: Optional[List[str]] = typer.Argument(None, metavar="[LINE...]", help="SKU:QTY or SKU to ship part of the order (default: every reserved unit)."),
    carrier: str = typer.Option(..., "--carrier", help="SF, DHL, FEDEX, EMS, ..."),
    tracking: str = typer.Option(..., "--tracking", metavar="NO", help="Tracking number (unique among parcels not voided)."),
    cost: Optional[str] = typer.Option(None, "--cost", metavar="AMOUNT", help="What the parcel cost you, base currency."),
    weight: Optional[str] = typer.Option(None, "--weight", help="0.8 (kg) or 800g (default: the products' weights)."),
    insured: Optional[str] = typer.Option(None, "--insured", metavar="VALUE", help="Insured value, base currency."),
    source: Optional[str] = typer.Option(None, "--from", metavar="LOCATION", help="Where the parcel leaves from (needed when stock is held at several)."),
    service: Optional[str] = typer.Option(None, "--service", help="Carrier service (express, economy ...)."),
    allow_unpaid: bool = typer.Option(False, "--allow-unpaid", help="Ship although a balance is due."),
    force: bool = typer.Option(False, "--force", help="Ship although the declared value is over customs_limit."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Ship reserved units in one parcel (partial shipments allowed); refused over customs_limit.

    With a balance still due it ships and says so in a note on stderr (config
    unpaid_shipping refuse: exit 4 unless --allow-unpaid).
    """
    from daigou_cli.core import shipping

    with writing(db, fmt) as ledger:
        r = shipping.ship(ledger.conn, order, lines or [], carrier, tracking, ledger.at(at), cost, weight,
                          insured, source, service, allow_unpaid, force)
    if r["unpaid"]:
        print(f"note: {r['unpaid']} (shipped anyway; config set unpaid_shipping refuse to stop such parcels)",
              file=sys.stderr)
    done(ledger, r, f"shipped {r['units']} unit{'s' if r['units'] != 1 else ''} of order {r['order_id']} "
         f"from {r['from']} by {r['carrier']} "
         f"{r['tracking']} ({r['state']}, declared {r['declared']} {r['currency']}) (entry {r['id']})", fmt, quiet)


def return_goods(
    order: str = typer.Argument(..., metavar="ORDER"),
    lines: List[str] = typer.Argument(..., metavar="LINE...", help="SKU:QTY coming back."),
    reason: str = typer.Option(..., "--reason", help="Why: wrong size, damaged, not as described ..."),
    restock: Optional[str] = typer.Option(None, "--restock", metavar="LOCATION", help="Put the units back in stock here (default: where they shipped from)."),
    writeoff: bool = typer.Option(False, "--writeoff", help="The units are not resellable."),
    refund: Optional[str] = typer.Option(None, "--refund", metavar="AMOUNT", help="Refund paid back, in the order's currency."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Goods back from a customer: restock (at their original cost) or write off, plus the refund."""
    from daigou_cli.core import returns

    with writing(db, fmt) as ledger:
        r = returns.record_return(ledger.conn, order, lines, reason, ledger.at(at), restock, writeoff, refund)
    money_part = f", refunded {r['refund']} {r['currency']}" if r["refund"] else ""
    what = "restocked" if r["disposition"] == "restock" else "written off"
    done(ledger, r, f"return on order {r['order_id']}: {r['units']} unit{'s' if r['units'] != 1 else ''} {what}{money_part} "
         f"({r['state']}) (entry {r['id']})", fmt, quiet)


@shipment_app.command("event")
def shipment_event(
    tracking: str = typer.Argument(..., metavar="TRACKING"),
    status: str = typer.Argument(..., help="info_received, in_transit, customs, out_for_delivery, delivered, exception, returned, lost (AfterShip/17TRACK names work too)."),
    note: Optional[str] = typer.Option(None, "--note"),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Record a tracking event; the same status at the same time is kept once.

    The event goes to the parcel with TRACKING that stands; to a voided one (it changes
    nothing and tells nobody) only when no standing parcel has the number.
    """
    from daigou_cli.core import shipping

    with writing(db, fmt) as ledger:
        r = shipping.record_event(ledger.conn, tracking, status, ledger.at(at), note)
    what = "already recorded" if r["duplicate"] else f"order {r['order_id']} {r.get('state', '')}".strip()
    done(ledger, r, f"{r['tracking']}: {r['status']} ({what})", fmt, quiet)


@shipment_app.command("list")
def shipment_list(
    late: bool = typer.Option(False, "--late", help="Only parcels with no news for stale_shipment_days, or slower than promised."),
    order: Optional[str] = typer.Option(None, "--order"),
    carrier: Optional[str] = typer.Option(None, "--carrier"),
    status: Optional[str] = typer.Option(None, "--status"),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Parcels with their latest status, transit days and whether they are late."""
    from daigou_cli.core import orders, shipment_views, shipping

    with reading(db) as ledger:
        order_id = orders.find_order(ledger.conn, order, "--order")["id"] if order else None
        wanted = shipping.normalize_status(status, "--status") if status else None
        rows = shipment_views.list_shipments(ledger.conn, ledger.as_of(as_of), late, order_id, carrier, wanted)
        show(ledger, rows, shipment_views.SHIPMENT_COLUMNS, fmt, "Shipments", keep=SHIPMENT_KEEP)


@shipment_app.command("quote")
def shipment_quote(
    weight: str = typer.Option(..., "--weight", help="0.8 (kg) or 800g."),
    value: str = typer.Option(..., "--value", help="Declared value, base currency."),
    to: Optional[str] = typer.Option(None, "--to", metavar="REGION", help="Destination region (carriers limited with --regions)."),
    db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Rank carrier services for a parcel by cost and promised days, and say which fits."""
    from daigou_cli.core import carriers

    with reading(db) as ledger:
        rows = carriers.quote(ledger.conn, weight, value, to)
        show(ledger, rows, carriers.QUOTE_COLUMNS, fmt, "Quote")


@carrier_app.command("add")
def carrier_add(
    code: str = typer.Argument(..., help="SF, DHL, FEDEX, EMS ..."),
    name: str = typer.Option(..., "--name"),
    service: Optional[str] = typer.Option(None, "--service", help="Service name (default: standard)."),
    first_kg: Optional[str] = typer.Option(None, "--first-kg", metavar="AMOUNT", help="Price of the first kg, base currency."),
    extra_kg: Optional[str] = typer.Option(None, "--extra-kg", metavar="AMOUNT", help="Each further kg or part of one."),
    days: Optional[str] = typer.Option(None, "--days", metavar="MIN-MAX", help="Promised transit days, e.g. 3-5."),
    insurance_rate: Optional[str] = typer.Option(None, "--insurance-rate", metavar="RATE", help="Share of the insured value, e.g. 0.01."),
    regions: Optional[str] = typer.Option(None, "--regions", help="Regions it delivers to, comma separated (default: anywhere)."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Add a carrier service and its rate card."""
    from daigou_cli.core import carriers

    with writing(db, fmt) as ledger:
        r = carriers.add_carrier(ledger.conn, code, name, service, first_kg, extra_kg, days, insurance_rate, regions,
                                 ledger.at(at))
    done(ledger, r, f"carrier {r['code']} {r['service']} added", fmt, quiet)


@carrier_app.command("list")
def carrier_list(db: DbOpt = None, fmt: FormatOpt = None) -> None:
    """Carriers and rate cards."""
    from daigou_cli.core import carriers

    with reading(db) as ledger:
        show(ledger, carriers.list_carriers(ledger.conn), carriers.CARRIER_COLUMNS, fmt, "Carriers")


@warranty_app.command("list")
def warranty_list(
    expiring: Optional[str] = typer.Option(None, "--expiring", metavar="[DAYS]", help="Only warranties ending within DAYS (30d, 2w; bare --expiring: config expiring_days)."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Units sold with a warranty still running, soonest to end first."""
    from daigou_cli.cli.common import expiring_days
    from daigou_cli.core import returns

    with reading(db) as ledger:
        days = expiring_days(ledger, expiring)
        show(ledger, returns.warranties(ledger.conn, days, ledger.as_of(as_of)), returns.WARRANTY_COLUMNS,
             fmt, "Warranties")


@shipment_app.command("import")
def shipment_import(
    file: str = typer.Argument(..., metavar="FILE|-", help="CSV of tracking events: tracking, status, time, note."),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="NAME", help="utf-8, gbk, gb18030 ... (default: detected)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report what would be imported; write nothing."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Import the good rows; bad rows go, with their reason, to the reject file."),
    reject_file: Optional[str] = typer.Option(None, "--reject-file", metavar="PATH", help="Default: FILE.rejects.csv beside FILE (./rejects.csv for stdin)."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Record tracking events from a CSV file or stdin: all rows or none.

    Columns tracking, status and time are required (time may be headed at, date or
    checkpoint_time; with --at, rows without a time happen then), note is optional; headers match after trimming, in any case and order,
    and extra columns are ignored. Statuses are ours (in_transit, customs, delivered ...) or
    AfterShip/17TRACK names (InTransit, InTransit_CustomsProcessing, DeliveryFailure,
    Exception_Lost ...). Times without an offset are in the business time zone. An event
    already recorded (same parcel, status and time), in the ledger or earlier in the file, is
    counted as a duplicate and not written again. An unknown tracking number is a bad row.
    A number that a voided parcel gave back goes to the parcel that stands.
    """
    from daigou_cli.cli.importing import import_csv
    from daigou_cli.core.importers import tracking

    def load(ledger, table, **options):
        return tracking.load(ledger.conn, table, ledger.at(at) if at else None, **options)

    import_csv(file, tracking.layout(at is not None), load, db=db, fmt=fmt, quiet=quiet, encoding=encoding, dry_run=dry_run,
               skip_invalid=skip_invalid, reject_file=reject_file, noun="event")
