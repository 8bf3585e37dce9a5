"""Money in any currency to the base currency inside SQL, exactly: a SQL function
`to_base(amount, currency, rate, at)` that converts minor units with Decimal and rounds half
up like money.convert, so the reports add up converted rows in SQL and never load the
ledger into Python. `RATE_AT` is the rate in force at a fact's time (fx_rates_active)."""

import sqlite3
from decimal import Decimal
from functools import lru_cache

from daigou_cli.core import clock, config, money
from daigou_cli.core.errors import InvalidInput

# The rate in force for {cur} at {at}: the latest rate set at or before then and not voided.
RATE_AT = ("(SELECT f.rate FROM fx_rates_active f WHERE f.currency = {cur} AND f.at <= {at} "
           "ORDER BY f.at DESC, f.entry_id DESC LIMIT 1)")


@lru_cache(maxsize=256)
def _rate(text: str) -> Decimal:
    return Decimal(text)


class ToBase:
    """The SQL function; remembers the first fact it could not convert (no rate yet)."""

    def __init__(self, base: str):
        self.base = base
        self.missing: tuple[str, str] | None = None

    def __call__(self, amount, currency, rate, at):
        if amount is None:
            return None
        if currency == self.base:
            return int(amount)
        if rate is None:
            if self.missing is None or at < self.missing[1]:
                self.missing = (currency, at)
            return 0
        return money.convert(int(amount), currency, _rate(rate), self.base)

    def check(self, conn: sqlite3.Connection) -> None:
        """After a query: a clear error if some amount had no rate in force."""
        if self.missing:
            currency, at = self.missing
            day = clock.local_date(at, config.get(conn, "timezone"))
            raise InvalidInput(f"fx: no {currency} rate on or before {day} to convert to {self.base} "
                               f"(set one: daigou fx set {currency} RATE --at DATE)")


def install(conn: sqlite3.Connection) -> ToBase:
    """Register to_base(amount, currency, rate, at) on this connection."""
    function = ToBase(config.get(conn, "base_currency"))
    conn.create_function("to_base", 4, function, deterministic=True)
    return function


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent, one decimal, half up; None when whole is 0."""
    from decimal import ROUND_HALF_UP

    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def average(total: int, count: int) -> int | None:
    """total / count in whole minor units, half up."""
    from decimal import ROUND_HALF_UP

    if not count:
        return None
    return int((Decimal(total) / count).quantize(Decimal(1), ROUND_HALF_UP))
