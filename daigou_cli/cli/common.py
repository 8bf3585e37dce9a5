"""Options every command shares, and opening the ledger for a read or a write."""

from contextlib import contextmanager
from typing import Annotated, Optional

import typer

from daigou_cli import output
from daigou_cli.core import clock, config
from daigou_cli.core.db import connect, resolve_path, transaction

DbOpt = Annotated[Optional[str], typer.Option(
    "--db", metavar="PATH", help="Ledger file (default: $DAIGOU_DB, else the user data dir).")]
FormatOpt = Annotated[Optional[str], typer.Option(
    "--format", "-f", metavar="table|csv|json",
    help="Output format (default: $DAIGOU_FORMAT, else table on a terminal, csv on a pipe).")]
WriteFormatOpt = Annotated[Optional[str], typer.Option(
    "--format", "-f", metavar="text|json", help="json prints the created record.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the new record's id.")]
AtOpt = Annotated[Optional[str], typer.Option(
    "--at", metavar="WHEN", help="When it happened: 2026-11-11 or yesterday (the start of that day), "
    "2026-11-11T20:00, 3d (three days ago), now (default).")]
AsOfOpt = Annotated[Optional[str], typer.Option(
    "--as-of", metavar="DATE", help="Show the state as it was at the end of DATE (2026-11-11, yesterday, today).")]

_root = {"db": None}


def set_root_db(db: str | None) -> None:
    """`daigou --db X cmd` works as well as `daigou cmd --db X`."""
    _root["db"] = db


def root_db() -> str | None:
    """The --db given before the command name, if any."""
    return _root["db"]


class Ledger:
    """An open ledger with the settings every command needs."""

    def __init__(self, conn):
        self.conn = conn
        self.tz, self.base = config.get_many(conn, "timezone", "base_currency")

    def at(self, text: str | None) -> str:
        return clock.parse_at(text, self.tz)

    def as_of(self, text: str | None) -> str:
        return clock.parse_as_of(text, self.tz)


@contextmanager
def reading(db: str | None):
    conn = connect(resolve_path(db or _root["db"]), create=False)
    try:
        yield Ledger(conn)
    finally:
        conn.close()


def expiring_days(ledger: "Ledger", text: str | None, field: str = "--expiring") -> int | None:
    """--expiring DAYS (30d, 2w, 3m), or bare --expiring: config expiring_days; None when not given."""
    if text is None:
        return None
    if text.strip().lower() == "default":
        return int(float(config.get(ledger.conn, "expiring_days")))
    return clock.parse_days(text, field)


def check_write_format(fmt: str | None) -> str | None:
    chosen = (fmt or "").strip().lower() or None
    if chosen not in (None, "json", "text"):
        from daigou_cli.core.errors import UsageProblem

        raise UsageProblem(f"--format: {fmt!r} is not text or json")
    return chosen


@contextmanager
def writing(db: str | None, fmt: str | None = None):
    """One transaction for the whole command: all of its writing or none. A refused first
    write leaves no ledger file behind either (nothing written means no file made)."""
    check_write_format(fmt)
    path = resolve_path(db or _root["db"])
    made = [p for p in (path, *path.parents) if not p.exists()]
    conn = connect(path, create=True)
    try:
        with transaction(conn):
            yield Ledger(conn)
    except BaseException:
        if made and _holds_nothing(conn):
            conn.close()
            # The last connection to close removes the WAL files: if they are still there,
            # another process has this new ledger open (and may be writing): leave it be.
            if not any(path.with_name(path.name + end).exists() for end in ("-wal", "-shm")):
                _remove_new(made)
        raise
    finally:
        conn.close()


def _holds_nothing(conn) -> bool:
    """Whether a ledger has no row in any table (only its schema)."""
    import sqlite3

    try:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                            "AND name NOT LIKE 'sqlite_%'").fetchall()
        # A full-text index keeps its own bookkeeping rows in shadow tables (faq_fts_config).
        virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
        tables = [name for name, _ in rows if not any(name.startswith(v + "_") for v in virtual)]
        return not any(conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for t in tables)
    except sqlite3.Error:
        return False


def _remove_new(made: list) -> None:
    """The ledger file this command created, then the folders it made."""
    path, folders = made[0], made[1:]
    path.unlink(missing_ok=True)
    for folder in folders:
        try:
            folder.rmdir()  # only if empty: never anything but what this command made
        except OSError:
            break


@contextmanager
def rehearsing(db: str | None):
    """A dry run: the writes happen as they would for real, under the write lock (so a dry
    run waits for another writer like a real import), and the caller rolls them back. A
    ledger that does not exist yet is an empty one in memory, and no file is created."""
    with reading(db) as ledger:
        with transaction(ledger.conn):
            yield ledger


def reject_cell(text: str) -> str:
    """A cell of a reject file, safe to open in a spreadsheet."""
    return output.csv_safe(text, text)


def show(ledger: Ledger, rows: list[dict], columns: list[str], fmt: str | None,
         title: str | None = None, totals: bool = False, keep: list[str] | None = None) -> None:
    """A read command's rows; `keep` lists the columns a narrow terminal table holds on to
    first (see output.write_table), CSV and JSON always carry them all."""
    chosen = output.resolve_format(fmt)
    total_row = None
    if totals and chosen == "table" and rows:
        from daigou_cli.core.inventory import totals as sum_columns

        total_row = sum_columns(rows, columns)
    output.emit(rows, columns, chosen, ledger.tz, title, total_row, keep)


def done(ledger: Ledger, record: dict, message: str, fmt: str | None, quiet: bool) -> None:
    output.created(record, message, check_write_format(fmt), quiet, ledger.tz)
