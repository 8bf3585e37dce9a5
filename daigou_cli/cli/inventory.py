"""`daigou stock`: receipts, adjustments, moves, write-offs, and what is on hand."""

from typing import Optional

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

app = typer.Typer(help="Stock: receive, adjust, move, write off; on hand, lots, history.", no_args_is_help=True)
# Let "-2" reach the command as a number instead of being read as an unknown option.
NUMBERS = {"ignore_unknown_options": True}
LocationOpt = typer.Option(None, "--location", "-l", help="Location code (default: the only one, or config default_location).")
TakeFromOpt = typer.Option(None, "--location", "-l", help="Where the units leave (default: where the SKU is; "
                           "at several places, the oldest units wherever they are).")
FoundAtOpt = typer.Option(None, "--location", "-l", help="Where the change happens (default: where the SKU is, "
                          "else config default_location; -N: as stock writeoff).")
# On a narrow terminal a table keeps these columns first, most important first (CSV/JSON keep all).
# Rows are per location, so the location comes right after the two numbers that matter most.
STOCK_KEEP = ["sku", "name", "on_hand", "available", "location", "reserved", "incoming", "days_of_cover"]
LOT_KEEP = ["lot", "sku", "name", "qty", "expiry", "location", "days_to_expiry"]


@app.command("add", context_settings=NUMBERS)
def add(
    sku: str = typer.Argument(...),
    qty: str = typer.Argument(..., metavar="QTY", help="Units received (a whole number > 0)."),
    cost: str = typer.Option(..., "--cost", metavar="UNIT_COST", help="Cost per unit in --currency."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Currency of --cost (default: base currency)."),
    fx_rate: Optional[str] = typer.Option(None, "--fx", metavar="RATE", help="Base currency per unit of --currency (default: the rate in force at --at)."),
    location: Optional[str] = LocationOpt,
    lot: Optional[str] = typer.Option(None, "--lot", help="Lot or batch code printed on the goods."),
    expiry: Optional[str] = typer.Option(None, "--expiry", metavar="DATE", help="Best-before date, YYYY-MM-DD."),
    supplier: Optional[str] = typer.Option(None, "--supplier", help="Who it was bought from."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Receive stock: a new lot at its unit cost, valued in base currency at the FX rate."""
    from daigou_cli.core import stock

    with writing(db, fmt) as ledger:
        r = stock.receive(ledger.conn, sku, qty, cost, ledger.at(at), currency, fx_rate, location,
                          lot, expiry, supplier)
    note = " (created location HOME)" if r["location_created"] else ""
    fx_part = "" if r["currency"] == r["base_currency"] else f" @ {r['fx_rate']} = {r['unit_cost_base']} {r['base_currency']}"
    done(ledger, r, f"received {r['qty']} × {r['sku']} at {r['location']}{note}: "
         f"{r['unit_cost']} {r['currency']}/unit{fx_part} (entry {r['id']})", fmt, quiet)


@app.command("adjust", context_settings=NUMBERS)
def adjust(
    sku: str = typer.Argument(...),
    delta: str = typer.Argument(..., metavar="DELTA", help="Units to add (5) or remove (-2)."),
    reason: str = typer.Option(..., "--reason", help="Why: count, found, miscount ..."),
    location: Optional[str] = FoundAtOpt,
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Correct a count: +N found units join the newest lot, -N leave the oldest first.

    Without --location: where the SKU is on hand. -N with units at several places takes the
    oldest lot first wherever it is; +N there needs --location or config default_location.
    """
    from daigou_cli.core import stock

    with writing(db, fmt) as ledger:
        r = stock.adjust(ledger.conn, sku, delta, reason, ledger.at(at), location)
    done(ledger, r, f"adjusted {r['sku']} at {r['location']} by {r['qty']:+d}: {r['on_hand']} on hand "
         f"(entry {r['id']})", fmt, quiet)


@app.command("move", context_settings=NUMBERS)
def move(
    sku: str = typer.Argument(...),
    qty: str = typer.Argument(..., metavar="QTY"),
    source: str = typer.Option(..., "--from", help="Location it leaves."),
    target: str = typer.Option(..., "--to", help="Location it arrives at."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Move units between locations (oldest lots first); lots keep their cost."""
    from daigou_cli.core import stock

    with writing(db, fmt) as ledger:
        r = stock.move(ledger.conn, sku, qty, source, target, ledger.at(at))
    done(ledger, r, f"moved {r['qty']} × {r['sku']} {r['from']} → {r['to']} (entry {r['id']})", fmt, quiet)


@app.command("writeoff", context_settings=NUMBERS)
def writeoff(
    sku: str = typer.Argument(...),
    qty: str = typer.Argument(..., metavar="QTY"),
    reason: str = typer.Option(..., "--reason", help="expired, damaged, lost or sample."),
    location: Optional[str] = TakeFromOpt,
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Write units off (expired ones leave by soonest expiry, others oldest lot first).

    Without --location: from where the SKU is on hand; at several places, the oldest units
    wherever they are (soonest expiry for expired), across locations if need be.
    """
    from daigou_cli.core import stock

    with writing(db, fmt) as ledger:
        r = stock.writeoff(ledger.conn, sku, qty, reason, ledger.at(at), location)
    done(ledger, r, f"wrote off {-r['qty']} × {r['sku']} at {r['location']} ({r['reason']}): "
         f"{r['on_hand']} left (entry {r['id']})", fmt, quiet)


@app.command("list")
def stock_list(
    location: Optional[str] = typer.Option(None, "--location", "-l", help="Only this location."),
    category: Optional[str] = typer.Option(None, "--category"),
    zone: Optional[str] = typer.Option(None, "--zone"),
    sku: Optional[str] = typer.Option(None, "--sku"),
    low: bool = typer.Option(False, "--low", help="Only SKUs at or under their reorder point (totals per SKU)."),
    total: bool = typer.Option(False, "--total", help="One row per SKU, all locations together."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """On hand, reserved, available, incoming, value at FIFO cost and days of cover."""
    from daigou_cli.core import inventory

    with reading(db) as ledger:
        rows = inventory.stock_list(ledger.conn, ledger.as_of(as_of), location, category, zone, low, total, sku)
        show(ledger, rows, inventory.STOCK_COLUMNS, fmt, "Stock", totals=True, keep=STOCK_KEEP)


@app.command("lots")
def lots(
    expiring: Optional[str] = typer.Option(None, "--expiring", metavar="[DAYS]", help="Only lots expiring within DAYS (30d, 2w, 3m; bare --expiring: config expiring_days), expired ones included."),
    sku: Optional[str] = typer.Option(None, "--sku"),
    location: Optional[str] = typer.Option(None, "--location", "-l"),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Lots with units left: cost in their own currency and base currency, expiry."""
    from daigou_cli.cli.common import expiring_days
    from daigou_cli.core import inventory

    with reading(db) as ledger:
        days = expiring_days(ledger, expiring)
        rows = inventory.lots(ledger.conn, ledger.as_of(as_of), days, sku, location)
        show(ledger, rows, inventory.LOT_COLUMNS, fmt, "Lots", totals=True, keep=LOT_KEEP)


@app.command("history")
def history(
    sku: str = typer.Argument(...),
    location: Optional[str] = typer.Option(None, "--location", "-l"),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Every movement of a SKU, with the running balance."""
    from daigou_cli.core import inventory

    with reading(db) as ledger:
        rows = inventory.history(ledger.conn, sku, ledger.as_of(as_of), location)
        show(ledger, rows, inventory.HISTORY_COLUMNS, fmt, f"History of {sku}")


@app.command("import")
def stock_import(
    file: str = typer.Argument(..., metavar="FILE|-", help="CSV, one receipt per row: sku, qty, cost (per unit), "
                               "currency, location, lot, expiry, supplier, at, fx."),
    location: Optional[str] = typer.Option(None, "--location", "-l", help="For rows with no location (default: as stock add)."),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="NAME", help="utf-8, gbk, gb18030 ... (default: detected)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report what would be imported; write nothing."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Import the good rows; bad rows go, with their reason, to the reject file."),
    reject_file: Optional[str] = typer.Option(None, "--reject-file", metavar="PATH", help="Default: FILE.rejects.csv beside FILE (./rejects.csv for stdin)."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Receive stock from a CSV file or stdin: each row a new lot, all rows or none.

    sku, qty and cost are required; currency defaults to the base currency, the FX rate to
    the one in force at the row's `at` (business time zone; --at for rows without one).
    Headers match after trimming, in any case and order. -q prints the count.
    """
    from daigou_cli.cli.importing import import_csv
    from daigou_cli.core.importers import stock as receipts

    def load(ledger, table, **options):
        when = ledger.at(at) if at else None
        return receipts.load(ledger.conn, table, when, location, **options)

    import_csv(file, receipts.LAYOUT, load, db=db, fmt=fmt, quiet=quiet, encoding=encoding, dry_run=dry_run,
               skip_invalid=skip_invalid, reject_file=reject_file, noun="receipt")
