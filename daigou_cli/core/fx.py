"""Dated FX rates, append-only: a rate is in force from its time until the next one."""

import sqlite3
from decimal import Decimal

from daigou_cli.core import clock, config, money
from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.ledger import record_entry


def set_rate(conn: sqlite3.Connection, currency: str, rate, at: str) -> dict:
    code = money.currency_code(currency, "CUR")
    base = config.get(conn, "base_currency")
    if code == base:
        raise InvalidInput(f"CUR: {code} is the base currency; its rate is always 1")
    value = money.parse_rate(rate, "RATE")
    entry = record_entry(conn, "fx", at)
    conn.execute("INSERT INTO fx_rates(entry_id, currency, rate, at) VALUES (?, ?, ?, ?)",
                 (entry, code, str(value), at))
    return {"id": entry, "currency": code, "rate": value, "base_currency": base, "at": clock.from_db(at)}


def rate_at(conn: sqlite3.Connection, currency: str, at: str, field: str = "--currency") -> Decimal:
    """The rate in force at `at`; the base currency is 1."""
    if currency == config.get(conn, "base_currency"):
        return Decimal(1)
    row = conn.execute(
        "SELECT rate FROM fx_rates_active WHERE currency = ? AND at <= ? ORDER BY at DESC, entry_id DESC LIMIT 1",
        (currency, at)).fetchone()
    if row is None:
        day = clock.local_date(at, config.get(conn, "timezone"))  # the business day the user typed
        raise InvalidInput(
            f"{field}: no {currency} rate on or before {day} (set one: daigou fx set {currency} RATE --at DATE, or pass --fx)")
    return Decimal(row[0])


def list_rates(conn: sqlite3.Connection, currency: str | None = None, as_of: str = clock.END_OF_TIME) -> list[dict]:
    base = config.get(conn, "base_currency")
    params: list = [as_of, as_of]
    # A rate voided after --as-of was still in force then.
    sql = ("SELECT f.entry_id, f.currency, f.rate, f.at, "
           "EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id "
           "        WHERE v.target = f.entry_id AND e.at <= ?) AS voided "
           "FROM fx_rates f WHERE f.at <= ?")
    if currency:
        sql += " AND f.currency = ?"
        params.append(money.currency_code(currency, "--currency"))
    sql += " ORDER BY f.currency, f.at, f.entry_id"
    return [{"id": r["entry_id"], "currency": r["currency"], "rate": Decimal(r["rate"]),
             "base_currency": base, "at": clock.from_db(r["at"]), "voided": bool(r["voided"])}
            for r in conn.execute(sql, params)]
