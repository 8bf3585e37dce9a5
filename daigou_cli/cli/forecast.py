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


def forecast(
    horizon: int = typer.Option(28, "--horizon", metavar="DAYS", help="Days to forecast after the last day of history."),
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
    """
    from daigou_cli.core.forecast import report

    with reading(db) as ledger:
        when = ledger.as_of(as_of)
        if backtest:
            from daigou_cli.core.forecast import backtest as bt

            with _progress(ledger.conn, sku, "backtesting") as progress:
                rows = bt.backtest(ledger.conn, when, report.check_horizon(horizon), origins, sku, progress)
            show(ledger, rows, bt.COLUMNS, fmt, f"Backtest: {origins} windows of {horizon} days")
            return
        with _progress(ledger.conn, sku, "forecasting") as progress:
            if daily:
                rows = report.daily(ledger.conn, when, horizon, sku, method, progress)
            else:
                rows = report.forecast(ledger.conn, when, horizon, sku, method, progress)
        title = f"Forecast, {horizon} days" + (f" after {as_of}" if as_of else "")
        columns = report.DAILY_COLUMNS if daily else report.COLUMNS
        if not daily and output.resolve_format(fmt) == "table":
            columns = TABLE_COLUMNS     # a terminal is not wide enough for all of them
        show(ledger, rows, columns, fmt, title)


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
