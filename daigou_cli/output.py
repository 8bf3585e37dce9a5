"""The one place that turns rows into a Rich table, CSV or JSON.

Core hands over dicts of plain values: str, int, Decimal (money, already in major units,
with a currency column beside it), datetime (aware, UTC) and date. Here they become text:
times in the business time zone, CSV made safe against spreadsheet formula injection.
"""

import csv
import json
import os
import re
import sys
from datetime import date, datetime
from decimal import Decimal

FORMATS = ("table", "csv", "json")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def resolve_format(fmt: str | None) -> str:
    from daigou_cli.core.errors import UsageProblem

    chosen = (fmt or os.environ.get("DAIGOU_FORMAT") or "").strip().lower()
    if not chosen:
        return "table" if on_terminal() else "csv"
    if chosen not in FORMATS:
        where = "--format" if fmt else "$DAIGOU_FORMAT"
        raise UsageProblem(f"{where}: {fmt or chosen!r} is not one of table, csv, json")
    return chosen


def _local(moment: datetime, tz: str) -> datetime:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(tz))


def cell_text(value, tz: str, style: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        local = _local(value, tz)
        return local.strftime("%Y-%m-%d %H:%M") if style == "table" else local.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def csv_safe(value, text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


_DECIMAL_MARK = "\x00dec:"


def json_value(value, tz: str):
    if isinstance(value, Decimal):
        return f"{_DECIMAL_MARK}{value:f}\x00"  # written as a bare number by write_json
    if isinstance(value, datetime):
        return _local(value, tz).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_value(v, tz) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v, tz) for v in value]
    return value


def write_csv(rows: list[dict], columns: list[str], tz: str, out=None) -> None:
    out = out or sys.stdout
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe(row.get(c), cell_text(row.get(c), tz, "csv")) for c in columns])


def write_json(data, tz: str, out=None) -> None:
    out = out or sys.stdout
    text = json.dumps(json_value(data, tz), ensure_ascii=False, indent=2)
    # Money stays exact: 698.00 as written, never a binary float like 698.0.
    text = re.sub(r'"\\u0000dec:(-?[0-9.]+)\\u0000"', r"\1", text)
    out.write(text + "\n")


def on_terminal() -> bool:
    """Whether stdout is a terminal: decides the default format and whether a table fits a width."""
    return sys.stdout.isatty()


def write_table(rows: list[dict], columns: list[str], tz: str, title: str | None = None,
                totals: dict | None = None, keep: list[str] | None = None) -> None:
    """A Rich table. `keep` names the columns to hold on to when the terminal is too narrow
    for all of them, most important first; the rest give way first, from the right."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    # On a terminal, fit its width; into a file or pipe, never wrap a row.
    console = Console() if on_terminal() else Console(width=400)
    texts = [[cell_text(row.get(c), tz, "table") for c in columns] for row in rows]
    footers = [cell_text((totals or {}).get(c), tz, "table") for c in columns]
    shown = _fitting(columns, texts + [footers], console.width, keep)
    if shown and shown[0] != 0 and isinstance((totals or {}).get(columns[0]), str) and not footers[shown[0]]:
        footers[shown[0]] = footers[0]  # the totals row keeps its label when its column is left out
    table = Table(title=title, box=box.SIMPLE_HEAD, show_footer=bool(totals))
    for i in shown:
        column = columns[i]
        numeric = any(isinstance(r.get(column), (int, Decimal)) and not isinstance(r.get(column), bool)
                      for r in rows)
        table.add_column(column, justify="right" if numeric else "left", footer=footers[i],
                         min_width=len(column), no_wrap=numeric)
    for cells in texts:
        table.add_row(*[cells[i] for i in shown])
    console.print(table)
    if not rows:
        console.print("[dim](nothing to show)[/dim]")
    left_out = [c for i, c in enumerate(columns) if i not in shown]
    if left_out:
        console.print(f"[dim]({len(left_out)} more columns: {', '.join(left_out)}; "
                      "widen the terminal or use --format csv)[/dim]")


def _fitting(columns: list[str], texts: list[list[str]], width: int,
             keep: list[str] | None = None) -> list[int]:
    """Which columns (their positions, in table order) fit the terminal at their natural width
    (CJK counted double). Columns are dropped rather than squeezed to nothing: those not in
    `keep` go first, from the right, then those in `keep` from its end."""
    from rich.cells import cell_len

    wanted = [columns.index(c) for c in dict.fromkeys(keep or ()) if c in columns]
    order = wanted + [i for i in range(len(columns)) if i not in wanted]
    used, shown = 1, []  # the table's outer edge takes one cell
    for i in order:
        natural = max([cell_len(columns[i])] + [cell_len(line) for cells in texts
                                                for line in cells[i].splitlines()]) + 3
        if shown and used + natural > width:
            break
        used += natural
        shown.append(i)
    return sorted(shown)


def emit(rows: list[dict], columns: list[str], fmt: str, tz: str, title: str | None = None,
         totals: dict | None = None, keep: list[str] | None = None) -> None:
    """Print a read command's rows in the chosen format; `keep` only matters to a table
    (CSV and JSON always carry every column, in order)."""
    if fmt == "json":
        write_json([{c: row.get(c) for c in columns} | _extra(row, columns) for row in rows], tz)
    elif fmt == "csv":
        write_csv(rows, columns, tz)
    else:
        write_table(rows, columns, tz, title, totals, keep)


def discard_stdout() -> None:
    """Point file descriptor 1 at /dev/null: the reader of a pipe has gone."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests)
        pass


class PipeSafe:
    """stdout for one command: once the reader of a pipe has gone (`daigou check | head -1`),
    the rest of the output goes nowhere instead of raising, so the command still finishes
    and ends with its own exit code (1 for check and reorder with findings)."""

    def __init__(self, stream):
        self._stream = stream
        self._gone = False

    def _lost(self) -> None:
        self._gone = True
        discard_stdout()

    def write(self, text):
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._lost()
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._lost()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _extra(row: dict, columns: list[str]) -> dict:
    """JSON carries nested detail (lists, dicts) that a flat table cannot."""
    return {k: v for k, v in row.items() if k not in columns and isinstance(v, (list, dict))}


def emit_record(record: dict, fmt: str, tz: str, title: str | None = None) -> None:
    """One record (product show, ...): JSON object, a key/value table, or a one-row CSV."""
    flat = {k: v for k, v in record.items() if not isinstance(v, (list, dict))}
    if fmt == "json":
        write_json(record, tz)
    elif fmt == "csv":
        write_csv([flat], list(flat), tz)
    else:
        write_table([{"field": k, "value": cell_text(v, tz, "table")} for k, v in flat.items()],
                    ["field", "value"], tz, title)
        for key, value in record.items():
            # Lists of flat records become tables; nested objects (an import's raw cells) are
            # for --format json.
            if isinstance(value, list) and value and isinstance(value[0], dict) and \
                    not any(isinstance(v, dict) for v in value[0].values()):
                write_table(value, list(value[0]), tz, key)


def created(record: dict, message: str, fmt: str | None, quiet: bool, tz: str) -> None:
    """What a write command prints: one human line, the id alone, or the record as JSON."""
    if quiet:
        print(record.get("id", ""))
    elif fmt == "json" or (fmt is None and os.environ.get("DAIGOU_FORMAT", "").lower() == "json"):
        write_json(record, tz)
    else:
        print(message)
