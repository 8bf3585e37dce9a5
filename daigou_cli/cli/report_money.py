"""`daigou report profit|sales|stock|customers|receivables|monthly`: did I make money, on
what, and from whom. Registered on the `report` group of cli/report.py; each command calls
one function in daigou_cli/core/reports/."""

from typing import Optional

import typer

from daigou_cli.cli.common import AsOfOpt, DbOpt, FormatOpt, reading, show
from daigou_cli.cli.report import FromOpt, ToOpt, app

PeriodOpt = typer.Option(None, "--period", help="2026, 2026-11, 2026-Q4, or the last 30d, 12w, 3m (default 90d).")


def _window(ledger, period, start, end, as_of, default: str | None = None) -> dict:
    from daigou_cli.core.reports import period as periods

    if default and not (period or start):
        period = default
    return periods.window(ledger.tz, period, start, end, as_of)


def _until(ledger, window: dict, as_of: str | None) -> str:
    """Facts up to the end of the window, or --as-of when that is earlier."""
    return min(window["end"], ledger.as_of(as_of))


def _emit(ledger, rows: list[dict], columns: list[str], fmt: str | None, title: str,
          total: dict | None = None) -> None:
    """Rows in the chosen format; on a terminal with a totals footer."""
    from daigou_cli import output

    chosen = output.resolve_format(fmt)
    footer = None
    if chosen == "table" and rows and total is not None:
        footer = total | {columns[0]: "total"}
    output.emit(rows, columns, chosen, ledger.tz, title, footer)


def _choice(value: str, allowed, option: str = "--by") -> str:
    from daigou_cli.core.errors import UsageProblem

    chosen = (value or "").strip().lower()
    if chosen not in allowed:
        raise UsageProblem(f"{option}: {value!r} is not one of {', '.join(allowed)}")
    return chosen


@app.command("profit")
def profit(
    period: Optional[str] = PeriodOpt, start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    by: str = typer.Option("month", "--by", metavar="month|order|sku|category|channel|customer",
                           help="One row per month (default), order, SKU, category, channel or customer."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Real profit: revenue, FIFO cost of goods, shipping, fees, refunds, gross profit, margin.

    Revenue is recognised when goods ship: shipped units × the line's unit price (net of
    discounts), converted to the base currency at the rate in force on the shipping day;
    cancelled orders never ship, so they never count. cogs: those units at their FIFO lot's
    landed cost, less units returned and restocked (at the same lot cost). shipping: parcel
    costs. fees: config channel_fee_rates (taobao:0.006,shopify:0.029) × revenue. refunds: money
    given back on orders that stand, converted on the refund day. gross_profit = revenue − cogs
    − shipping − fees − refunds; margin = gross_profit / revenue in %. Each fact counts in the
    window it is dated in. Amounts in base currency; a totals row on a terminal.
    """
    from daigou_cli.core.reports import profit as report

    choice = _choice(by, report.BY)
    with reading(db) as ledger:
        window = _window(ledger, period, start, end, as_of)
        rows = report.profit(ledger.conn, window, choice, ledger.as_of(as_of), _until(ledger, window, as_of))
        _emit(ledger, rows, report.columns(choice), fmt, f"Profit {window['label']} by {choice}",
              report.total(rows, ledger.base))



@app.command("sales")
def sales(
    period: Optional[str] = PeriodOpt, start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    by: str = typer.Option("day", "--by", metavar="day|week|month|sku|category|channel|customer",
                           help="One row per day (default), ISO week, month, SKU, category, channel or customer."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Orders taken (not cancelled) and imported sales history: units, orders, revenue, average order value, and the previous period beside them.

    Orders count at the order date, lines at their unit price converted to the base currency
    at the rate in force that day. Days loaded with `daigou history import` count too, by the
    day they describe (up to --as-of, whenever imported; voided imports never): their units
    add to the orders of the same day and SKU, as in forecasts, and history_units says how
    many units came from them. They have no orders, so orders and aov are the ledger's. A
    history row without revenue has an unknown revenue, not zero: revenue adds up what is
    known and is blank when no unit has one, unpriced_units counts the units it leaves out,
    and revenue_change is blank when either period has such units. By day/week/month each row
    sits beside the day/week/month before it; by SKU, category, channel or customer beside the
    same key in the previous window (the month, quarter or year before a calendar --period,
    else as many days just before); by customer, imported history is one row of its own.
    revenue_change_pct is the change in % of the previous revenue. Notes on stderr say when
    revenue leaves units out and when history and orders share a SKU-day.
    """
    import sys

    from daigou_cli.core.reports import sales as report

    choice = _choice(by, report.BY)
    with reading(db) as ledger:
        window = _window(ledger, period, start, end, as_of)
        rows = report.sales(ledger.conn, window, choice, ledger.as_of(as_of), history=True)
        total = None
        if rows:
            total = report.total(ledger.conn, window, ledger.as_of(as_of), history=True)
            if choice in ("day", "week", "month"):  # whole buckets may reach past the window
                total = {k: v for k, v in total.items() if not k.startswith("prev_") and "change" not in k}
        _emit(ledger, rows, report.columns(choice), fmt, f"Sales {window['label']} by {choice}", total)
        for note in report.notes(ledger.conn, window, choice, rows, ledger.as_of(as_of)):
            print(f"note: {note}", file=sys.stderr)


@app.command("stock")
def stock(
    by: str = typer.Option("sku", "--by", metavar="sku|category|zone|location",
                           help="One row per SKU (default), category, sourcing zone or location."),
    period: Optional[str] = PeriodOpt, start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Stock valuation at FIFO landed cost in base currency: units, reserved, available, value, share.

    As of now, or --as-of any date. With --period or --from/--to: the value at the end of the
    window (or --as-of, when earlier) beside the value at its start (opening_value) and the change.
    """
    from daigou_cli.core.reports import valuation as report

    choice = _choice(by, tuple(report.BY))
    with reading(db) as ledger:
        when, since, title = ledger.as_of(as_of), None, "Stock value"
        if period or start or end:
            window = _window(ledger, period, start, end, as_of)
            when, since, title = _until(ledger, window, as_of), window["start"], f"Stock value {window['label']}"
        elif as_of:
            title = f"Stock value as of {as_of}"
        rows = report.valuation(ledger.conn, choice, when, since)
        total = {c: sum(r[c] for r in rows if r.get(c) is not None)
                 for c in ("units", "reserved", "available", "value", "opening_value", "change")
                 if since or c not in ("opening_value", "change")}
        _emit(ledger, rows, report.columns(choice), fmt, title, total)


@app.command("customers")
def customers(
    period: Optional[str] = PeriodOpt, start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    by: str = typer.Option("customer", "--by", metavar="customer|month",
                           help="One row per customer (default), or per month: new vs returning."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Per customer: orders, spend, first/last order, days between orders, RFM scores and segment, favourite categories.

    The window defaults to the last 365 days. Scores 1–5: R by days since the last order
    (≤30, ≤60, ≤90, ≤180, more), F by orders (5+ → 5), M by spend against the other customers
    (top fifth → 5). Segments, first that fits: champion (R≥4 F≥4), loyal (R≥3 F≥3), new (R≥4,
    first order ever), promising (R≥4), needs_attention (R=3), at_risk (R≤2 with F≥3 or M≥4),
    hibernating (R=2), lost (R=1). --by month: customers, new (first order ever that month),
    returning, orders, spend and repurchase rate (customers with 2+ orders / customers) per
    month and for the whole window (`all`); on a terminal it follows the customer table.
    """
    from daigou_cli import output
    from daigou_cli.core.reports import customers as report

    choice = _choice(by, ("customer", "month"))
    with reading(db) as ledger:
        window = _window(ledger, period, start, end, as_of, default="365d")
        until = _until(ledger, window, as_of)
        months = report.by_month(ledger.conn, window, ledger.as_of(as_of), until)
        if choice == "month":
            show(ledger, months, report.MONTH_COLUMNS, fmt, f"New and returning customers {window['label']}")
            return
        rows = report.customers(ledger.conn, window, ledger.as_of(as_of), until)
        show(ledger, rows, report.COLUMNS, fmt, f"Customers {window['label']}")
        if output.resolve_format(fmt) == "table":
            show(ledger, months, report.MONTH_COLUMNS, "table", "New and returning customers")
            whole = months[-1]
            print(f"repurchase rate {window['label']}: {whole['repurchase_rate'] or 0}% "
                  f"({whole['repeat_customers']} of {whole['customers']} customers ordered twice or more)")


@app.command("receivables")
def receivables(
    by: str = typer.Option("customer", "--by", metavar="customer|order",
                           help="One row per customer (default) or per order, in the order to chase them."),
    period: Optional[str] = PeriodOpt, start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Money owed: deposits taken, balances due by age (0–7, 8–30, 31–60, 60+ days), what to chase first.

    Orders with a balance due as of now (or --as-of, or the end of --period), all of them or
    those taken in --period/--from/--to. Age counts business days since the order was taken;
    overdue is the balance past its promised date (order new --due). Chase order: goods
    already shipped and unpaid, then most days past due, then the oldest, then the largest;
    `why` says which. Balances in base currency at the rate in force then.
    """
    from daigou_cli.core import clock
    from daigou_cli.core.reports import receivables as report

    choice = _choice(by, ("customer", "order"))
    with reading(db) as ledger:
        window, ref, title = {"start": "0000-01-01T00:00:00Z"}, ledger.as_of(as_of), "Receivables"
        if period or start or end:
            window = _window(ledger, period, start, end, as_of)
            ref, title = _until(ledger, window, as_of), f"Receivables {window['label']}"
        if ref != clock.END_OF_TIME:
            title += f" as of {clock.local_date(ref, ledger.tz)}"
        if choice == "order":
            rows, columns = report.by_order(ledger.conn, window, ref), report.ORDER_COLUMNS
        else:
            rows, columns = report.by_customer(ledger.conn, window, ref), report.CUSTOMER_COLUMNS
        sums = ("deposits", "balance_due", "overdue", "shipped_unpaid") + tuple(b[0] for b in report.BUCKETS)
        _emit(ledger, rows, columns, fmt, title, {c: sum(r[c] for r in rows) for c in sums if c in columns})


@app.command("monthly")
def monthly(
    period: Optional[str] = typer.Option(None, "--period", help="The month, like 2026-11 (default: this month, or the month of --as-of)."),
    start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    html: Optional[str] = typer.Option(None, "--html", metavar="FILE",
                                       help="Also write one self-contained HTML page with charts (needs: pip install 'daigou[charts]')."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """One page for the month: profit and loss, sales, top SKUs, channels, customers, stock value, aging, carriers, receivables, alerts.

    On a terminal: a Rich page with bar charts and sparklines. --format json: the whole report
    as one object; --format csv: rows of section, key, metric, value, currency. --html FILE
    writes one HTML file (charts drawn as inline SVG, no network needed to open it): sales per
    day, profit per category, stock value per day, and the tables. Stock, aging, receivables
    and alerts are as of the month's end (now, for the month that is running).
    """
    import os

    from daigou_cli import output
    from daigou_cli.core.reports import buckets
    from daigou_cli.core.reports import monthly as report

    if html:
        from daigou_cli.cli import monthly_html

        monthly_html.require_charts()
    with reading(db) as ledger:
        default = buckets.month_of(ledger.as_of(as_of), ledger.tz)
        window = _window(ledger, period, start, end, as_of, default=None if (start or end) else default)
        data = report.monthly(ledger.conn, window, ledger.as_of(as_of))
        if html:
            monthly_html.write(data, html)
            if not (fmt or os.environ.get("DAIGOU_FORMAT")):
                print(f"wrote {html}: monthly report {data['period']}")
                return
        chosen = output.resolve_format(fmt)
        if chosen == "json":
            output.write_json(data, ledger.tz)
        elif chosen == "csv":
            output.write_csv(report.flat(data), report.FLAT_COLUMNS, ledger.tz)
        else:
            from daigou_cli.cli import monthly_terminal

            monthly_terminal.render(data)
