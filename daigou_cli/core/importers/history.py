"""`history import`: past daily sales (date, sku, qty[, revenue, channel]) from a spreadsheet,
for forecasting. One import is one entry (kind 'history') and its rows go to sales_history:
demand for forecasts and reports, never stock.

Every row is checked first, then the good ones are written in one statement, so a file of a
million rows loads in seconds. A (date, sku, channel) already imported with the same numbers
is left alone (running an import twice adds nothing); with different numbers it is an error
(void the earlier import to replace it)."""

import re
import sqlite3
from collections import Counter
from datetime import date

from daigou_cli.core import clock, config, money
from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.forecast.demand import has_table
from daigou_cli.core.importers.common import ImportRejected, Layout, Result, RowError, Table
from daigou_cli.core.ledger import record_entry

LAYOUT = Layout(
    "sales days", ("date", "sku", "qty", "revenue", "channel"), required=("date", "sku", "qty"),
    actions=("added", "unchanged"),
    aliases={"day": "date", "日期": "date", "quantity": "qty", "units": "qty", "sold": "qty", "数量": "qty",
             "销量": "qty", "sales": "revenue", "amount": "revenue", "销售额": "revenue", "金额": "revenue",
             "渠道": "channel", "商品编码": "sku", "货号": "sku"})
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_QTY = re.compile(r"^\d+(\.0*)?$")


def _date(text: str, today: date) -> str:
    match = _DATE.match(text)
    try:
        day = date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError("is not a date (YYYY-MM-DD)")
    if day > today:
        raise ValueError("is in the future")
    return day.isoformat()


def _qty(text: str) -> int:
    raw = money.drop_grouping(text)
    if not _QTY.match(raw):
        raise ValueError("is not a whole number of units ≥ 0 (returns are not sales history)")
    qty = int(raw.split(".")[0])
    if qty > money.MAX_QTY:
        raise ValueError(f"is more than {money.MAX_QTY:,} units")
    return qty


class _Checker:
    def __init__(self, conn: sqlite3.Connection, table: Table):
        self.table = table
        self.base = config.get(conn, "base_currency")
        self.today = clock.now_utc().astimezone(clock.zone(config.get(conn, "timezone"))).date()
        self.skus = {sku.upper(): sku for (sku,) in conn.execute("SELECT sku FROM products")}
        self.seen: dict[tuple, int] = {}

    def error(self, row, column: str, reason: str) -> RowError:
        return RowError(self.table.source, row.line, reason, self.table.titles.get(column, column),
                        row.values.get(column) or "")

    def check(self, row) -> tuple | RowError:
        if row.problem:
            return RowError(self.table.source, row.line, row.problem)
        v = row.values
        for column in LAYOUT.required:
            if v.get(column) is None:
                return self.error(row, column, "required")
        try:
            day = _date(v["date"], self.today)
        except ValueError as exc:
            return self.error(row, "date", str(exc))
        sku = self.skus.get(v["sku"].upper())
        if sku is None:
            return self.error(row, "sku", "unknown SKU (add it first: daigou product add or product import)")
        try:
            qty = _qty(v["qty"])
        except ValueError as exc:
            return self.error(row, "qty", str(exc))
        revenue = None
        if v.get("revenue") is not None:
            try:
                revenue = money.parse_amount(v["revenue"], self.base, "revenue")
            except InvalidInput as exc:
                reason = exc.message.split(": ", 1)[-1]
                return self.error(row, "revenue", reason.removeprefix(repr(v["revenue"])).strip())
        channel = (v.get("channel") or "").strip().lower()[:32] or None
        key = (day, sku, channel)
        if key in self.seen:
            return RowError(self.table.source, row.line,
                            f"{sku} on {day}{' via ' + channel if channel else ''} is also on line "
                            f"{self.seen[key]} of this file (one row per day, SKU and channel)")
        self.seen[key] = row.line
        return (day, sku, qty, revenue, channel)


def _existing(conn: sqlite3.Connection, rows: list[tuple]) -> dict[tuple, tuple]:
    """(date, sku, channel) -> (qty, revenue, entry) already imported and not voided."""
    if not rows or not has_table(conn, "sales_history"):
        return {}
    first, last = min(r[0] for r in rows), max(r[0] for r in rows)
    found = conn.execute(
        "SELECT date, sku, channel, SUM(qty), SUM(revenue), MAX(entry_id) FROM sales_history "
        "WHERE date BETWEEN ? AND ? AND entry_id NOT IN (SELECT target FROM voids) "
        "GROUP BY date, sku, channel", (first, last))
    return {(d, s, c): (q, r, e) for d, s, c, q, r, e in found}


def load(conn: sqlite3.Connection, table: Table, *, skip_invalid: bool = False, dry_run: bool = False,
         progress=None) -> Result:
    """Check every row, then write the good ones as one import (nothing on a dry run)."""
    checker = _Checker(conn, table)
    result = Result(table.source, LAYOUT.kind, dry_run, Counter(dict.fromkeys(LAYOUT.actions, 0)))
    good: list[tuple] = []
    lines: list = []
    total = len(table.rows)
    for done, row in enumerate(table.rows, 1):
        checked = checker.check(row)
        if isinstance(checked, RowError):
            result.rejected.append((_record(row), checked))
        else:
            good.append(checked)
            lines.append(row)
        if progress is not None and (done % 2000 == 0 or done == total):
            progress(done, total)
    fresh = []
    existing = _existing(conn, good)
    for values, row in zip(good, lines, strict=True):
        before = existing.get((values[0], values[1], values[4]))
        if before is None:
            fresh.append(values)
        elif before[:2] == (values[2], values[3]):
            result.actions["unchanged"] += 1
        else:
            result.rejected.append((_record(row), checker.error(
                row, "qty", f"{values[1]} on {values[0]} already has {before[0]} units from import "
                            f"{before[2]} (void that import to load different numbers)")))
    result.rejected.sort(key=lambda item: item[1].line)
    if result.rejected and not skip_invalid:
        raise ImportRejected(result)
    result.actions["added"] = len(fresh)
    if fresh and not dry_run:
        entry = record_entry(conn, "history", clock.to_db(clock.now_utc()),
                             f"history import {table.source}: {len(fresh)} row{'' if len(fresh) == 1 else 's'}")
        conn.executemany("INSERT INTO sales_history(entry_id, currency, date, sku, qty, revenue, channel) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", ((entry, checker.base, *v) for v in fresh))
        result.ids.append(entry)
    return result


def _record(row):
    from daigou_cli.core.importers.common import Record

    return Record([row], dict(row.values))
