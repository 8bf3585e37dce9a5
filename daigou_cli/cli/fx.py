"""`daigou fx`: dated exchange rates."""

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
from daigou_cli.core import fx

app = typer.Typer(help="Exchange rates to the base currency: dated, append-only.", no_args_is_help=True)


# A negative rate ("-1") reaches the command and is refused as invalid input, not as an unknown option.
@app.command("set", context_settings={"ignore_unknown_options": True})
def set_rate(
    currency: str = typer.Argument(..., metavar="CUR", help="Currency code, e.g. JPY."),
    rate: str = typer.Argument(..., metavar="RATE", help="Base currency for ONE unit of CUR (JPY→CNY: 0.0478)."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Record the rate in force from --at (default now) until the next one."""
    with writing(db, fmt) as ledger:
        record = fx.set_rate(ledger.conn, currency, rate, ledger.at(at))
    done(ledger, record, f"fx {record['id']}: 1 {record['currency']} = {record['rate']} "
         f"{record['base_currency']} from {ledger_time(record)}", fmt, quiet)


def ledger_time(record: dict) -> str:
    return record["at"].strftime("%Y-%m-%d %H:%M UTC")


@app.command("list")
def list_rates(
    currency: Optional[str] = typer.Option(None, "--currency", help="Only this currency."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Every rate recorded (voided ones marked), oldest first per currency."""
    with reading(db) as ledger:
        rows = fx.list_rates(ledger.conn, currency, ledger.as_of(as_of))
        show(ledger, rows, ["id", "currency", "rate", "base_currency", "at", "voided"], fmt, "FX rates")
