"""Reading the cells of a platform's export: Excel's text tricks undone, amounts, counts,
times, phones and emails parsed, and a bad cell reported as a RowProblem that names the file,
line, column (as the file spells it) and value. Shared by the order import formats."""

import re
from datetime import datetime
from typing import Callable

from daigou_cli.core import money
from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.importers.common import Record, Row, RowError, RowProblem, Table

_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.S)


def clean(value: str | None) -> str | None:
    """A cell as the platform meant it: Excel's ="3915…" text trick and the quote that
    spreadsheet-safe exports put before '139…, '+86… or '=… are taken off."""
    if value is None:
        return None
    text = value.strip()
    match = _EXCEL_TEXT.match(text)
    if match:
        text = match.group(1).strip()
    if len(text) > 1 and text[0] == "'" and (text[1] in "=+-@\t\r" or text[1:].replace(" ", "").isdigit()):
        text = text[1:].strip()
    return text or None


def reason_of(message: str, value: str) -> str:
    """'--phone: 'x' is not a phone number' -> 'not a phone number'."""
    reason = message.partition(": ")[2] or message
    for shown in (repr(value), value):
        if value and reason.startswith(shown + " "):
            reason = reason[len(shown) + 1:]
            return reason[3:] if reason.startswith("is ") else reason
    return reason


_PADDED = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(.*)$")
_SPACED_OFFSET = re.compile(r"\s+([+-]\d{2}:?\d{2})$")


def parse_time(text: str, tz: str) -> str:
    """A platform's timestamp as stored time: ISO 8601 with or without offset, '2026-11-11
    00:04:51 +0800' (Shopify), '2026/11/11 9:05'; without an offset it is read in `tz`."""
    from daigou_cli.core import clock

    raw = _SPACED_OFFSET.sub(r"\1", text.strip())
    match = _PADDED.match(raw)
    if match:
        year, month, day, rest = match.groups()
        rest = re.sub(r"^[ T](\d):", r" 0\1:", rest)
        raw = f"{year}-{int(month):02d}-{int(day):02d}{rest}"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"date: {text!r} is not a date or time (like 2026-11-11 20:00:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.zone(tz))
    if not 1990 <= moment.year <= 2200:
        raise InvalidInput(f"date: {text!r} is out of range")
    return clock.to_db(moment)


class Cells:
    """Typed reads of one table's cells; a bad cell raises RowProblem naming the file, line,
    column (as the file spells it) and value."""

    def __init__(self, table: Table, tz: str):
        self.table = table
        self.tz = tz

    def has(self, column: str) -> bool:
        return column in self.table.titles

    def where(self, row: Row, column: str, reason: str = "") -> RowError:
        raw = row.values.get(column)
        return RowError(self.table.source, row.line, reason, self.table.titles.get(column, column), raw or "")

    def fail(self, row: Row, column: str, reason: str) -> RowProblem:
        return RowProblem(self.where(row, column, reason))

    def text(self, row: Row, column: str) -> str | None:
        return clean(row.values.get(column))

    def required(self, row: Row, column: str) -> str:
        value = self.text(row, column)
        if value is None:
            raise self.fail(row, column, "required")
        return value

    def _parsed(self, row: Row, column: str, parse):
        value = self.text(row, column)
        if value is None:
            return None
        try:
            return parse(value)
        except InvalidInput as exc:
            raise self.fail(row, column, reason_of(exc.message, value)) from None

    def amount(self, row: Row, column: str, currency: str) -> int | None:
        return self._parsed(row, column, lambda v: money.parse_amount(v, currency, column))

    def qty(self, row: Row, column: str) -> int:
        self.required(row, column)
        return self._parsed(row, column, lambda v: money.parse_qty(v, column))

    def time(self, row: Row, column: str, tz: str | None = None) -> str | None:
        return self._parsed(row, column, lambda v: parse_time(v, tz or self.tz))

    def currency(self, row: Row, column: str, default: str) -> str:
        return self._parsed(row, column, lambda v: money.currency_code(v, column)) or default

    def phone(self, row: Row, column: str) -> str | None:
        from daigou_cli.core.customers import normalize_phone

        return self._parsed(row, column, normalize_phone)

    def email(self, row: Row, column: str) -> str | None:
        from daigou_cli.core.customers import normalize_email

        return self._parsed(row, column, normalize_email)


def require_columns(table: Table, *groups: tuple[str, ...]) -> None:
    """Each group: at least one of these columns must be in the header."""
    for group in groups:
        if not any(column in table.titles for column in group):
            found = ", ".join(t for t in table.header if t) or "nothing"
            raise InvalidInput(f"{table.source} line 1: missing required column {group[0]} "
                               f"(the header has: {found})")


def group_rows(table: Table, key: Callable[[Row], object]) -> list[list[Row]]:
    """Rows of one order together, in the order each order first appears. A row whose key
    is None (no order id) stands alone, so that its error names it."""
    groups: dict[object, list[Row]] = {}
    for row in table.rows:
        k = key(row)
        groups.setdefault(("row", row.line) if k is None else k, []).append(row)
    return list(groups.values())


def build_each(table: Table, groups: list[list[Row]], make: Callable[[list[Row]], object]) -> list[Record]:
    """One record per order; a bad cell makes a record that carries its error instead."""
    records = []
    for rows in groups:
        try:
            if any(row.problem for row in rows):
                records.append(Record(rows, {}))  # common.run reports the unreadable row
                continue
            records.append(Record(rows, {"order": make(rows)}))
        except RowProblem as exc:
            records.append(Record(rows, {"problem": exc.error}))
    return records
