"""`daigou location|product|supplier`: the catalogue and where stock is kept."""

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
from daigou_cli.core import catalog

location_app = typer.Typer(help="Places stock is kept (a forwarder abroad, home).", no_args_is_help=True)
product_app = typer.Typer(help="The catalogue: SKUs, prices, weights, reorder settings.", no_args_is_help=True)
supplier_app = typer.Typer(help="Stores and suppliers you buy from.", no_args_is_help=True)


@location_app.command("add")
def location_add(
    code: str = typer.Argument(..., help="Short code, e.g. TOKYO or SH."),
    region: str = typer.Option(..., "--region", help="Region, e.g. Tokyo, Shanghai (orders ship from the same region first)."),
    name: Optional[str] = typer.Option(None, "--name", help="Longer description."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Add a stock location."""
    with writing(db, fmt) as ledger:
        record = catalog.add_location(ledger.conn, code, region, name, ledger.at(at))
    done(ledger, record, f"location {record['code']} added ({record['region']})", fmt, quiet)


@location_app.command("list")
def location_list(as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None) -> None:
    """Locations with the units on hand at each."""
    with reading(db) as ledger:
        show(ledger, catalog.list_locations(ledger.conn, ledger.as_of(as_of)), ["code", "region", "name", "on_hand"],
             fmt, "Locations")


def _product_fields(**kw) -> dict:
    return {k: v for k, v in kw.items() if v is not None}


PriceOpt = typer.Option(None, "--price", help="Selling price in --currency (default base currency).")


@product_app.command("add")
def product_add(
    sku: str = typer.Argument(..., help="Your SKU, e.g. SHISEIDO-50ML."),
    name: str = typer.Option(..., "--name", help="Product name (Chinese is fine)."),
    category: Optional[str] = typer.Option(None, "--category", help="cosmetics, snacks, electronics ..."),
    zone: Optional[str] = typer.Option(None, "--zone", help="Sourcing zone: JP, KR, EU, US ..."),
    price: Optional[str] = PriceOpt,
    currency: Optional[str] = typer.Option(None, "--currency", help="Currency of --price."),
    weight: Optional[str] = typer.Option(None, "--weight", help="Shipping weight: 0.25 (kg) or 250g."),
    reorder_point: Optional[str] = typer.Option(None, "--reorder-point", help="Reorder when available + incoming ≤ this."),
    reorder_qty: Optional[str] = typer.Option(None, "--reorder-qty", help="How many to buy on reorder."),
    lead_days: Optional[str] = typer.Option(None, "--lead-days", help="Days from ordering to having it."),
    shelf_life_days: Optional[str] = typer.Option(None, "--shelf-life-days", help="Shelf life in days."),
    warranty_days: Optional[str] = typer.Option(None, "--warranty-days", help="Warranty given to customers, days."),
    supplier: Optional[str] = typer.Option(None, "--supplier", help="Usual supplier (name or id)."),
    pack_size: Optional[str] = typer.Option(None, "--pack-size", help="Buy in multiples of this."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Add a product to the catalogue."""
    fields = _product_fields(name=name, category=category, zone=zone, price=price, currency=currency,
                             weight=weight, reorder_point=reorder_point, reorder_qty=reorder_qty,
                             lead_days=lead_days, shelf_life_days=shelf_life_days,
                             warranty_days=warranty_days, supplier=supplier, pack_size=pack_size)
    with writing(db, fmt) as ledger:
        record = catalog.add_product(ledger.conn, sku, fields, ledger.at(at))
    done(ledger, record, f"product {record['sku']} added: {record['name']}", fmt, quiet)


@product_app.command("edit")
def product_edit(
    sku: str = typer.Argument(...),
    name: Optional[str] = typer.Option(None, "--name"),
    category: Optional[str] = typer.Option(None, "--category"),
    zone: Optional[str] = typer.Option(None, "--zone"),
    price: Optional[str] = PriceOpt,
    currency: Optional[str] = typer.Option(None, "--currency"),
    weight: Optional[str] = typer.Option(None, "--weight"),
    reorder_point: Optional[str] = typer.Option(None, "--reorder-point"),
    reorder_qty: Optional[str] = typer.Option(None, "--reorder-qty"),
    lead_days: Optional[str] = typer.Option(None, "--lead-days"),
    shelf_life_days: Optional[str] = typer.Option(None, "--shelf-life-days"),
    warranty_days: Optional[str] = typer.Option(None, "--warranty-days"),
    supplier: Optional[str] = typer.Option(None, "--supplier"),
    pack_size: Optional[str] = typer.Option(None, "--pack-size"),
    event: Optional[List[str]] = typer.Option(None, "--event", metavar="NAME", help="Tag for a calendar event (double11, 618, cny, black_friday): forecasts apply last year's uplift. Repeat for more."),
    no_event: Optional[List[str]] = typer.Option(None, "--no-event", metavar="NAME", help="Remove an event tag."),
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Change a product's catalogue fields (the ledger's history is untouched)."""
    fields = _product_fields(name=name, category=category, zone=zone, price=price, currency=currency,
                             weight=weight, reorder_point=reorder_point, reorder_qty=reorder_qty,
                             lead_days=lead_days, shelf_life_days=shelf_life_days,
                             warranty_days=warranty_days, supplier=supplier, pack_size=pack_size)
    tagging = bool(event or no_event)
    with writing(db, fmt) as ledger:
        record = catalog.edit_product(ledger.conn, sku, fields) if fields or not tagging \
            else catalog.show_product(ledger.conn, sku)
        if tagging:
            from daigou_cli.core.forecast import tags

            record["events"] = tags.set_sku_events(ledger.conn, record["sku"], event or [], no_event or [])
    note = f" (events: {' '.join(record['events']) or 'none'})" if tagging else ""
    done(ledger, record, f"product {record['sku']} updated{note}", fmt, quiet)


@product_app.command("list")
def product_list(
    category: Optional[str] = typer.Option(None, "--category"),
    zone: Optional[str] = typer.Option(None, "--zone"),
    supplier: Optional[str] = typer.Option(None, "--supplier"),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """The catalogue, with units on hand."""
    with reading(db) as ledger:
        rows = catalog.list_products(ledger.conn, category, zone, supplier, ledger.as_of(as_of))
        show(ledger, rows, catalog.PRODUCT_COLUMNS, fmt, "Products")


@product_app.command("show")
def product_show(sku: str = typer.Argument(...), as_of: AsOfOpt = None, db: DbOpt = None,
                 fmt: FormatOpt = None) -> None:
    """One product: catalogue fields, stock by location and lots."""
    from daigou_cli import output
    from daigou_cli.core import inventory

    with reading(db) as ledger:
        when = ledger.as_of(as_of)
        record = catalog.show_product(ledger.conn, sku, when)
        record["stock"] = inventory.stock_list(ledger.conn, when, sku=record["sku"])
        record["lots"] = inventory.lots(ledger.conn, when, sku=record["sku"])
        output.emit_record(record, output.resolve_format(fmt), ledger.tz, record["sku"])


@supplier_app.command("add")
def supplier_add(
    name: str = typer.Argument(..., help="Supplier or store name."),
    country: Optional[str] = typer.Option(None, "--country", help="JP, KR, FR ..."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Currency you pay them in."),
    lead_days: Optional[str] = typer.Option(None, "--lead-days", help="Days from buying to stock in hand."),
    store: Optional[str] = typer.Option(None, "--store", help="Shop or branch to visit on a trip."),
    city: Optional[str] = typer.Option(None, "--city"),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Add a supplier."""
    with writing(db, fmt) as ledger:
        record = catalog.add_supplier(ledger.conn, name, country, currency, lead_days, store, city, ledger.at(at))
    done(ledger, record, f"supplier {record['id']} added: {record['name']}", fmt, quiet)


@supplier_app.command("list")
def supplier_list(db: DbOpt = None, fmt: FormatOpt = None) -> None:
    """Suppliers with their currency, lead time and number of products."""
    with reading(db) as ledger:
        show(ledger, catalog.list_suppliers(ledger.conn),
             ["id", "name", "country", "currency", "lead_days", "store", "city", "products"], fmt, "Suppliers")


@product_app.command("import")
def product_import(
    file: str = typer.Argument(..., metavar="FILE|-", help="CSV: sku, name, category, zone, price, currency, weight, "
                               "reorder_point, reorder_qty, lead_days, shelf_life_days, warranty_days, supplier."),
    update: bool = typer.Option(False, "--update", help="Change SKUs already in the catalogue (their non-empty cells) instead of refusing rows that differ from it (a row that says what the catalogue says is unchanged either way)."),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="NAME", help="utf-8, gbk, gb18030 ... (default: detected)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report what would be imported; write nothing."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Import the good rows; bad rows go, with their reason, to the reject file."),
    reject_file: Optional[str] = typer.Option(None, "--reject-file", metavar="PATH", help="Default: FILE.rejects.csv beside FILE (./rejects.csv for stdin)."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Add products from a CSV file or stdin: all rows or none (sku and name required).

    Headers match after trimming, in any case and order; extra columns are ignored.
    UTF-8 (with or without BOM) and GBK/GB18030 are detected. New products are added as of
    --at (default now). -q prints the count.
    """
    from daigou_cli.cli.importing import import_csv
    from daigou_cli.core.importers import products

    import_csv(file, products.LAYOUT,
               lambda ledger, table, **o: products.load(ledger.conn, table, update, ledger.at(at) if at else None, **o),
               db=db, fmt=fmt, quiet=quiet, encoding=encoding, dry_run=dry_run, skip_invalid=skip_invalid,
               reject_file=reject_file, noun="product")
