"""`daigou history`: past daily sales for forecasting (import, list) and the calendar of
shopping events with the SKUs and categories tagged for them."""

from typing import List, Optional

import typer

from daigou_cli.cli.common import (
    AsOfOpt,
    DbOpt,
    FormatOpt,
    QuietOpt,
    WriteFormatOpt,
    done,
    reading,
    show,
    writing,
)

app = typer.Typer(help="Past daily sales for forecasting, and the shopping-event calendar.",
                  no_args_is_help=True)


@app.command("import")
def history_import(
    file: str = typer.Argument(..., metavar="FILE|-", help="CSV: date, sku, qty[, revenue, channel] — one row per day, SKU and channel."),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="NAME", help="utf-8, gbk, gb18030 ... (default: detected)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report what would be imported; write nothing."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Import the good rows; bad rows go, with their reason, to the reject file."),
    reject_file: Optional[str] = typer.Option(None, "--reject-file", metavar="PATH", help="Default: FILE.rejects.csv beside FILE (./rejects.csv for stdin)."),
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Load past daily sales from a CSV file or stdin: all rows or none.

    They count as demand for `daigou report forecast` and computed reorder points, never as
    stock. date is the business day (YYYY-MM-DD), qty the units sold that day, revenue in the
    base currency. A row already imported with the same numbers is left alone, so running an
    import twice adds nothing; to correct one, `daigou void ID` the import (see history list)
    and load the file again. -q prints the count.
    """
    from daigou_cli.cli.importing import import_csv
    from daigou_cli.core.importers import history

    import_csv(file, history.LAYOUT, lambda ledger, table, **o: history.load(ledger.conn, table, **o),
               db=db, fmt=fmt, quiet=quiet, encoding=encoding, dry_run=dry_run, skip_invalid=skip_invalid,
               reject_file=reject_file, noun="sales row")


@app.command("list")
def history_list(as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None) -> None:
    """Imports of sales history: rows, SKUs, units, revenue, the dates covered, voided or not."""
    from daigou_cli.core.forecast import history

    with reading(db) as ledger:
        rows = history.list_imports(ledger.conn, ledger.as_of(as_of))
        show(ledger, rows, history.IMPORT_COLUMNS, fmt, "Sales history imports")


@app.command("events")
def history_events(
    year: Optional[int] = typer.Option(None, "--year", help="One calendar year (default: the next twelve months)."),
    db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """The shopping calendar (Double 11, 618, Chinese New Year, Black Friday): dates, the window
    of days each moves, and the SKUs and categories tagged for it."""
    from daigou_cli.core.forecast import history

    with reading(db) as ledger:
        show(ledger, history.events(ledger.conn, year), history.EVENT_COLUMNS, fmt, "Events")


@app.command("tag")
def history_tag(
    category: str = typer.Option(..., "--category", help="Tag every SKU of this category (product list shows them)."),
    event: Optional[List[str]] = typer.Option(None, "--event", metavar="NAME", help="double11, 618, cny or black_friday; repeat for more."),
    no_event: Optional[List[str]] = typer.Option(None, "--no-event", metavar="NAME", help="Remove a tag."),
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Tag a whole category for an event: forecasts apply last year's uplift to its SKUs.

    One SKU at a time: daigou product edit SKU --event double11.
    """
    from daigou_cli.core.forecast import tags

    with writing(db, fmt) as ledger:
        r = tags.set_category_events(ledger.conn, category, event or [], no_event or [])
    done(ledger, r, f"category {r['category']} ({r['skus']} SKUs): events {' '.join(r['events']) or 'none'}",
         fmt, quiet)
