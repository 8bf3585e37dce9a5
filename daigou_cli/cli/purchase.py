"""`daigou purchase`, `daigou reorder` and `daigou shopping-list`: buying from suppliers and
knowing what to buy next."""

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

app = typer.Typer(help="Purchase orders: place them, receive deliveries at landed cost, cancel.",
                  no_args_is_help=True)
# On a narrow terminal a table keeps these columns first, most important first (CSV/JSON keep all).
PO_KEEP = ["id", "supplier", "status", "total", "currency", "open", "created_at"]
REORDER_KEEP = ["sku", "name", "suggested_qty", "available", "incoming", "reorder_point", "supplier"]
# With --budget, keep/drop is the point of the list; the reason tells apart the same SKU listed twice
# (a back-order and a reorder).
SHOPPING_KEEP = ["sku", "name", "suggested_qty", "keep", "reason", "line_total", "unit_cost", "currency"]


def register(root: typer.Typer) -> None:
    root.command("reorder")(reorder)
    root.command("shopping-list")(shopping_list)


@app.command("new")
def purchase_new(
    supplier: str = typer.Argument(..., help="Supplier name or id (daigou supplier list)."),
    lines: List[str] = typer.Argument(..., metavar="LINE...", help="SKU:QTY@UNIT_COST, unit cost in --currency."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Currency of the unit costs (default: the supplier's, else base)."),
    location: Optional[str] = typer.Option(None, "--location", "-l", help="Where it will arrive (default: config default_location or the only location)."),
    note: Optional[str] = typer.Option(None, "--note", help="The supplier's order number or anything to remember."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Place a purchase order; its lines count as incoming stock until received or cancelled."""
    from daigou_cli.core import purchasing

    with writing(db, fmt) as ledger:
        r = purchasing.create_po(ledger.conn, supplier, lines, ledger.at(at), currency, location, note)
    done(ledger, r, f"purchase order {r['id']} to {r['supplier']}: {r['ordered']} units, "
         f"{r['total']} {r['currency']}" + (f", arriving at {r['location']}" if r["location"] else ""), fmt, quiet)


@app.command("receive")
def purchase_receive(
    po: str = typer.Argument(..., metavar="PO", help="Purchase order id."),
    lines: Optional[List[str]] = typer.Argument(None, metavar="[LINE...]", help="SKU or SKU:QTY received (default: everything still open)."),
    location: Optional[str] = typer.Option(None, "--location", "-l", help="Where it arrived (default: the order's location)."),
    freight: Optional[str] = typer.Option(None, "--freight", metavar="AMOUNT", help="Freight paid for this delivery."),
    duty: Optional[str] = typer.Option(None, "--duty", metavar="AMOUNT", help="Duty and taxes paid for this delivery."),
    charges_currency: Optional[str] = typer.Option(None, "--charges-currency", metavar="CUR", help="Currency of --freight and --duty (default: the order's)."),
    split: Optional[str] = typer.Option(None, "--split", metavar="value|weight", help="Spread freight and duty by goods value (default) or by weight."),
    fx_rate: Optional[str] = typer.Option(None, "--fx", metavar="RATE", help="Base currency per unit of the order's currency (default: the rate in force at --at)."),
    expiry: Optional[str] = typer.Option(None, "--expiry", metavar="DATE", help="Best-before date of the goods received, YYYY-MM-DD."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Receive a delivery (all or part): each line becomes a lot at landed cost in base currency.

    Goods, freight and duty are converted to base currency as a whole, then spread over the
    lines in minor units by the largest-remainder method, so the lots add up exactly to what
    was paid. Receiving fills waiting back-orders. More than is still open is refused.
    """
    from daigou_cli.core import purchasing

    with writing(db, fmt) as ledger:
        r = purchasing.receive(ledger.conn, po, lines or [], ledger.at(at), location, freight, duty,
                               charges_currency, split, fx_rate, expiry)
    filled = sum(f["qty"] for f in r["filled"])
    note = f", {filled} units to waiting orders" if filled else ""
    done(ledger, r, f"received {r['units']} units on purchase order {r['po_id']} at {r['location']}: landed "
         f"{r['landed_base']} {r['base_currency']} ({r['status']}){note} (entry {r['id']})", fmt, quiet)


@app.command("cancel")
def purchase_cancel(
    po: str = typer.Argument(..., metavar="PO"),
    reason: str = typer.Option(..., "--reason", help="Why it will not come."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Cancel what is still open on a purchase order (it is no longer incoming)."""
    from daigou_cli.core import purchasing

    with writing(db, fmt) as ledger:
        r = purchasing.cancel(ledger.conn, po, reason, ledger.at(at))
    done(ledger, r, f"purchase order {r['po_id']} cancelled: {r['cancelled_units']} units no longer incoming "
         f"(entry {r['id']})", fmt, quiet)


@app.command("list")
def purchase_list(
    open_only: bool = typer.Option(False, "--open", help="Only orders with units still to come."),
    supplier: Optional[str] = typer.Option(None, "--supplier"),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Purchase orders with status (open, partially_received, received, cancelled)."""
    from daigou_cli.core import purchasing

    with reading(db) as ledger:
        rows = purchasing.list_pos(ledger.conn, ledger.as_of(as_of), open_only, supplier)
        show(ledger, rows, purchasing.PO_COLUMNS, fmt, "Purchase orders", keep=PO_KEEP)


@app.command("show")
def purchase_show(
    po: str = typer.Argument(..., metavar="PO"),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """One purchase order: lines (ordered, received, open), deliveries and their lots."""
    from daigou_cli import output
    from daigou_cli.core import purchasing

    with reading(db) as ledger:
        record = purchasing.show_po(ledger.conn, po, ledger.as_of(as_of))
        output.emit_record(record, output.resolve_format(fmt), ledger.tz, f"Purchase order {record['id']}")


def reorder(
    supplier: Optional[str] = typer.Option(None, "--supplier", help="Only SKUs bought from this supplier."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """SKUs at or under their reorder point, with how many to buy; exit 1 when any.

    A SKU is listed when available + incoming - back-ordered units is at or under its reorder
    point; the suggestion brings that up to reorder point + reorder qty, rounded up to whole
    packs (--pack-size). Exit 0 when nothing needs buying: fit for cron and shell scripts.
    """
    from daigou_cli.core import replenishment

    with reading(db) as ledger:
        rows = replenishment.reorder(ledger.conn, ledger.as_of(as_of), supplier)
        show(ledger, rows, replenishment.REORDER_COLUMNS, fmt, "Reorder", keep=REORDER_KEEP)
    if rows:
        raise typer.Exit(1)


def shopping_list(
    supplier: Optional[str] = typer.Option(None, "--supplier", help="Only this supplier's list."),
    budget: Optional[str] = typer.Option(None, "--budget", metavar="AMOUNT", help="Trip budget in base currency: marks what to drop first."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """What to buy on the next trip, grouped by supplier and store.

    Back-ordered units first (customers waiting, urgent first), then reorder suggestions; unit
    cost is the last price paid, in its currency and in base currency. With --budget, `keep`
    says drop for the lowest-priority lines (reorders before back-orders) until the rest fits.
    """
    from daigou_cli import output
    from daigou_cli.core import replenishment

    with reading(db) as ledger:
        result = replenishment.shopping_list(ledger.conn, ledger.as_of(as_of), supplier, budget)
        chosen = output.resolve_format(fmt)
        if chosen != "table":
            output.emit(result["rows"], replenishment.SHOPPING_COLUMNS, chosen, ledger.tz)
            return
        _shopping_tables(result, ledger.tz)


def _shopping_tables(result: dict, tz: str) -> None:
    from daigou_cli import output

    base = result["base_currency"]
    columns = ["priority", "reason", "sku", "name", "suggested_qty", "unit_cost", "currency", "line_total",
               "line_total_base", "orders"] + (["keep"] if result["budget"] is not None else [])
    for group in result["groups"]:
        where = ", ".join(x for x in (group["store"], group["city"]) if x)
        title = f"{group['supplier'] or '(no supplier)'}" + (f" — {where}" if where else "")
        totals = {"priority": "total", "suggested_qty": group["units"], "line_total": group["total"],
                  "line_total_base": group["total_base"]}
        output.write_table(group["rows"], columns, tz, title, totals, SHOPPING_KEEP)
    if not result["groups"]:
        output.write_table([], columns, tz, "Shopping list", keep=SHOPPING_KEEP)
        return
    line = f"total {result['total_base']} {base}"
    if result["budget"] is not None:
        line += (f"; budget {result['budget']} {base}: keep {result['kept_base']}, "
                 f"drop {result['dropped_base']}")
    print(line)
