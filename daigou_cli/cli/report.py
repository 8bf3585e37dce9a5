"""`daigou report`: reports over the ledger, one command each. Every report takes --format;
the ones over time take --period or --from/--to, and --as-of. Add a report as one command
here calling one function in daigou_cli/core/reports/."""

from typing import Optional

import typer

from daigou_cli.cli.common import AsOfOpt, DbOpt, FormatOpt, reading, show

app = typer.Typer(help="Reports: stock aging, turnover and more.", no_args_is_help=True)

ByOpt = typer.Option("sku", "--by", metavar="sku|category|zone", help="One row per SKU (default), category or zone.")
PeriodOpt = typer.Option(None, "--period", help="2026, 2026-10, 2026-Q4, or the last 30d, 12w, 3m (default 90d).")
FromOpt = typer.Option(None, "--from", metavar="DATE", help="First day of the window (instead of --period).")
ToOpt = typer.Option(None, "--to", metavar="DATE", help="Last day of the window (default: --as-of or today).")


@app.command("aging")
def aging(
    by: str = ByOpt,
    expiring: Optional[str] = typer.Option(None, "--expiring", metavar="DAYS", help="Count units expiring within DAYS (30d, 2w; default config expiring_days)."),
    period: Optional[str] = PeriodOpt, start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Stock on hand by lot age (0–30, 31–90, 91–180, 180+ days): units and value, and what expires soon.

    As of now, or --as-of any date. With --period or --from/--to: the stock and its ages at the
    end of the window (or at --as-of, when that is earlier).
    """
    from daigou_cli.cli.common import expiring_days
    from daigou_cli.core import clock
    from daigou_cli.core.reports import aging as report
    from daigou_cli.core.reports import period as periods

    with reading(db) as ledger:
        days = expiring_days(ledger, expiring)
        when, title = ledger.as_of(as_of), "Stock aging"
        if period or start or end:
            window = periods.window(ledger.tz, period, start, end, as_of)
            last_day = ledger.as_of(clock.local_date(window["end"], ledger.tz))  # ages in whole days
            when, title = min(last_day, when), f"Stock aging {window['label']}"
        rows = report.aging(ledger.conn, when, by.strip().lower(), days)
        _with_totals(ledger, rows, report.columns(by.strip().lower()), fmt, title)


@app.command("turnover")
def turnover(
    period: Optional[str] = PeriodOpt, start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    by: str = ByOpt,
    slow_days: int = typer.Option(90, "--slow-days", min=1, help="Days of inventory above which stock is slow."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Units sold, COGS, average inventory, turnover, days of inventory; slow and dead stock with a clearance action."""
    from daigou_cli.core.reports import period as periods
    from daigou_cli.core.reports import turnover as report

    with reading(db) as ledger:
        window = periods.window(ledger.tz, period, start, end, as_of)
        rows = report.turnover(ledger.conn, window, by.strip().lower(), slow_days)
        show(ledger, rows, report.columns(by.strip().lower()), fmt, f"Turnover {window['label']}")


def _with_totals(ledger, rows: list[dict], columns: list[str], fmt: str | None, title: str) -> None:
    """On a terminal, a footer with the sums of the units and value columns."""
    from daigou_cli import output

    chosen = output.resolve_format(fmt)
    totals = None
    if chosen == "table" and rows:
        totals = {c: sum(r[c] for r in rows if r[c] is not None) for c in columns
                  if c.startswith(("units", "value", "expiring_"))}
        totals[columns[0]] = "total"
    output.emit(rows, columns, chosen, ledger.tz, title, totals)


@app.command("service")
def service(
    period: Optional[str] = PeriodOpt, start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    by: str = typer.Option("channel", "--by", metavar="channel|faq", help="One row per channel and `all` (default), or the most-used FAQ entries."),
    top: int = typer.Option(5, "--top", min=1, help="How many FAQ entries to rank."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Customer service: tickets opened/closed, median first response and resolution hours, SLA met %, by channel; most-used FAQ entries."""
    from daigou_cli import output
    from daigou_cli.core.errors import UsageProblem
    from daigou_cli.core.reports import period as periods
    from daigou_cli.core.reports import service as report

    choice = by.strip().lower()
    if choice not in ("channel", "faq"):
        raise UsageProblem(f"--by: {by!r} is not channel or faq")
    with reading(db) as ledger:
        window = periods.window(ledger.tz, period, start, end, as_of)
        faq = report.top_faq(ledger.conn, window, top)
        if choice == "faq":
            show(ledger, faq, report.FAQ_COLUMNS, fmt, f"Most-used FAQ {window['label']}")
            return
        show(ledger, report.service(ledger.conn, window), report.COLUMNS, fmt, f"Customer service {window['label']}")
        if output.resolve_format(fmt) == "table" and faq:
            show(ledger, faq, report.FAQ_COLUMNS, "table", "Most-used FAQ")


@app.command("carriers")
def carriers(
    period: Optional[str] = PeriodOpt, start: Optional[str] = FromOpt, end: Optional[str] = ToOpt,
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Carrier scorecard for parcels shipped in the window: on-time %, transit days p50/p90, exception/lost/returned %, cost per kg, refunds.

    On time: delivered within the carrier's promised days (carrier add --days MIN-MAX, the
    MAX); parcels still travelling within their promise are not judged yet, lost/returned
    ones and ones travelling past it count as late. Outcomes are as of --as-of (default now).
    Refunds: refunds of returns, split over the parcels that carried the returned units.
    Amounts are in the base currency.
    """
    from daigou_cli.core.reports import carriers as report
    from daigou_cli.core.reports import period as periods

    with reading(db) as ledger:
        window = periods.window(ledger.tz, period, start, end, as_of)
        rows = report.carriers(ledger.conn, window, ledger.as_of(as_of))
        show(ledger, rows, report.COLUMNS, fmt, f"Carriers {window['label']}")


from daigou_cli.cli import report_money  # noqa: E402,F401  (profit, sales, stock, customers, receivables, monthly)
from daigou_cli.cli.forecast import forecast as _forecast  # noqa: E402  (demand, reorder points, backtest)

app.command("forecast")(_forecast)
