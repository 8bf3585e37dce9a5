"""`daigou report forecast`: demand per SKU for the coming weeks, the reorder policy it
implies, one row per SKU per day with --daily, and how good it has been with --backtest.
Registered in the report group by daigou_cli/cli/report.py."""

import sys
from contextlib import contextmanager
from typing import List, Optional

import typer

from daigou_cli import output
from daigou_cli.cli.common import AsOfOpt, DbOpt, FormatOpt, reading, show

PROGRESS_FROM_SKUS = 200
TABLE_COLUMNS = ["sku", "name", "demand_class", "method", "per_day", "total", "lead_days", "safety_stock",
                 "reorder_point", "order_up_to", "set_reorder_point", "position", "suggested_qty", "events"]


DEFAULT_HORIZON = 28


def forecast(
    horizon: Optional[int] = typer.Option(None, "--horizon", metavar="DAYS", help="Days to forecast after the last day of history (default 28)."),
    period: Optional[str] = typer.Option(None, "--period", help="The days to forecast: 2026-12, 2026-Q1, 2027, or the next 30d, 8w, 3m."),
    start: Optional[str] = typer.Option(None, "--from", metavar="DATE", help="First day to forecast (instead of --period; default: the day after the last day of history)."),
    end: Optional[str] = typer.Option(None, "--to", metavar="DATE", help="Last day to forecast (default: --horizon days from --from)."),
    sku: Optional[List[str]] = typer.Option(None, "--sku", metavar="SKU", help="Only these SKUs (repeat, or A,B)."),
    daily: bool = typer.Option(False, "--daily", help="One row per SKU per day: sku, date, forecast."),
    backtest: bool = typer.Option(False, "--backtest", help="Re-forecast past windows and score every method: RMSSE, MASE, bias."),
    origins: int = typer.Option(4, "--origins", min=1, max=52, help="With --backtest: how many past windows, each --horizon days, back from --as-of."),
    method: str = typer.Option("auto", "--method", metavar="auto|ses|tsb|seasonal_naive|ma28", help="auto: SES for smooth/erratic SKUs, TSB for intermittent/lumpy ones."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Expected demand per SKU (per day and over --horizon), its class and method, and the
    reorder point, safety stock and order-up-to level it implies.

    History is order lines by order date (cancelled orders left out, back-orders in) plus
    `daigou history import`, up to --as-of (default: yesterday, the last full day). Demand
    class by ADI 1.32 / CV² 0.49: smooth, erratic (SES) or intermittent, lumpy (TSB), times
    a weekday index; SKUs tagged for an event (product edit --event) get last year's uplift.
    Reorder point = lead-time demand + z·√(var + d²σ_L²) at config service_level; order-up-to
    = reorder point + max(EOQ, cover_days × daily demand). `reorder` and `shopping-list` use
    these for SKUs without a reorder point of their own.

    --period, --from/--to name the days to forecast instead of --horizon: a calendar month,
    quarter or year (2026-12), the next 30d/8w/3m, or any dates. History ends the day before
    the window starts, or at --as-of when that is earlier; per_day and total cover the window
    (horizon is its length in days), the reorder policy starts after the last day of history.
    """
    from daigou_cli.core.forecast import report

    with reading(db) as ledger:
        when = ledger.as_of(as_of)
        skip, label = 0, None
        if period or start or end:
            if backtest:
                from daigou_cli.core.errors import InvalidInput

                raise InvalidInput("--backtest: give --horizon, not --period/--from/--to")
            when, horizon, skip, label = _window(ledger, when, period, start, end, horizon)
        horizon = DEFAULT_HORIZON if horizon is None else horizon
        if backtest:
            from daigou_cli.core.forecast import backtest as bt

            with _progress(ledger.conn, sku, "backtesting") as progress:
                rows = bt.backtest(ledger.conn, when, report.check_horizon(horizon), origins, sku, progress)
            show(ledger, rows, bt.COLUMNS, fmt, f"Backtest: {origins} windows of {horizon} days")
            return
        with _progress(ledger.conn, sku, "forecasting") as progress:
            if daily:
                rows = report.daily(ledger.conn, when, horizon, sku, method, progress, skip)
            else:
                rows = report.forecast(ledger.conn, when, horizon, sku, method, progress, skip)
        title = f"Forecast {label}" if label else \
            f"Forecast, {horizon} days" + (f" after {as_of}" if as_of else "")
        columns = report.DAILY_COLUMNS if daily else report.COLUMNS
        if not daily and output.resolve_format(fmt) == "table":
            columns = TABLE_COLUMNS     # a terminal is not wide enough for all of them
        show(ledger, rows, columns, fmt, title)


def _window(ledger, when: str, period, start, end, horizon: int | None) -> tuple[str, int, int, str]:
    """The days to forecast as (as-of for the last day of history, days from it to the window's
    end, days of that to leave out before the window starts, label)."""
    from datetime import date, timedelta

    from daigou_cli.core import clock
    from daigou_cli.core.errors import InvalidInput
    from daigou_cli.core.forecast import demand
    from daigou_cli.core.reports import period as periods

    if period and (start or end):
        raise InvalidInput("--period: give either --period or --from/--to, not both")
    if horizon is not None and (period or end):
        raise InvalidInput("--horizon: give either --horizon or --period/--to, not both")
    last_known = demand.origin_day(when, ledger.tz)

    def day(text: str, field: str) -> date:
        return date.fromisoformat(clock.local_date(clock.parse_as_of(text, ledger.tz, field), ledger.tz))

    if period:
        span = periods.calendar_span(period.strip())
        if span:
            first, last = span[0], span[1] - timedelta(days=1)
        else:
            if not clock.is_days(period):
                raise InvalidInput(f"--period: {period!r} is not a period (like 2026-12, 2026-Q1, 2027, "
                                   "30d, 8w or 3m)")
            days = clock.parse_days(period, "--period")
            if days <= 0:
                raise InvalidInput(f"--period: {period!r} must be at least one day")
            first, last = last_known + timedelta(days=1), last_known + timedelta(days=days)
    else:
        first = day(start, "--from") if start else last_known + timedelta(days=1)
        last = day(end, "--to") if end else first + timedelta(days=(horizon or DEFAULT_HORIZON) - 1)
    if first > last:
        raise InvalidInput("--from: the window starts after it ends")
    origin = min(last_known, first - timedelta(days=1))
    if (last - origin).days > 366:
        raise InvalidInput(f"--{'period' if period else 'to'}: the window ends {(last - origin).days} days after "
                           f"the last day of history ({origin}); a forecast reaches 366 days at most")
    if origin != last_known:
        when = ledger.as_of(origin.isoformat())
    return when, (last - origin).days, (first - origin).days - 1, f"{first}..{last}"


@contextmanager
def _progress(conn, skus, label: str):
    """A Rich progress bar on stderr when it is a terminal and the forecast covers many SKUs;
    else nothing (never on a pipe)."""
    if skus or not sys.stderr.isatty() or \
            conn.execute("SELECT count(*) FROM products").fetchone()[0] < PROGRESS_FROM_SKUS:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
