"""Setup and integrity: init, demo, config, void, export, db check|backup|rebuild."""

import sys
from typing import Optional

import typer

from daigou_cli.cli.common import (
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

config_app = typer.Typer(help="Settings kept in the ledger (base_currency, timezone, ...).", no_args_is_help=True)
db_app = typer.Typer(help="The ledger file itself: integrity check, online backup, rebuilding caches.",
                     no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("void")(void)
    app.command("export")(export)


def init(
    base_currency: Optional[str] = typer.Option(None, "--base-currency", help="Set base_currency (default CNY)."),
    timezone: Optional[str] = typer.Option(None, "--timezone", help="Set timezone (default Asia/Shanghai)."),
    db: DbOpt = None,
) -> None:
    """Create an empty ledger (any write command also creates it on first use)."""
    from daigou_cli.cli.common import root_db
    from daigou_cli.core import config
    from daigou_cli.core.db import resolve_path

    path = resolve_path(db or root_db())
    existed = path.exists()
    with writing(db) as ledger:
        if base_currency:
            config.set_value(ledger.conn, "base_currency", base_currency)
        if timezone:
            config.set_value(ledger.conn, "timezone", timezone)
        base, tz = config.get_many(ledger.conn, "base_currency", "timezone")
    print(f"{'ledger already at' if existed else 'created ledger'} {path} (base currency {base}, time zone {tz})")


def demo(
    path: Optional[str] = typer.Argument(None, help="Where to write the demo ledger (default: --db, else "
                                         "$DAIGOU_DB when nothing is there yet, else a new temp dir)."),
    force: bool = typer.Option(False, "--force", help="Replace PATH (or --db) if it exists."),
    db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """A realistic small daigou from examples/ in a fresh ledger, then the dashboard.

    The ledger goes to PATH, else --db, else $DAIGOU_DB, so the commands that follow read
    it; an existing file at PATH or --db is replaced only with --force. A file already at
    $DAIGOU_DB is never replaced: the demo goes to a new temp dir then.
    """
    import os

    from daigou_cli.cli.common import root_db
    from daigou_cli.core import demo as demo_data

    env = os.environ.get("DAIGOU_DB")
    if path is None:
        path = db or root_db()
    if path is None and env and not os.path.exists(os.path.expanduser(env)):
        path = env
    elif path is None and env:
        print(f"note: $DAIGOU_DB ({env}) already exists; it is left as it is", file=sys.stderr)
    target = demo_data.build(path, force)
    with reading(str(target)) as ledger:
        demo_data.dashboard(ledger, fmt)
    print(f"\ndemo ledger: {target}\ntry: DAIGOU_DB={target} daigou stock list", file=sys.stderr)


def void(
    entry_id: str = typer.Argument(..., metavar="ID", help="The entry id a write command printed."),
    reason: str = typer.Option(..., "--reason", help="Why it is wrong."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Cancel an entry by recording its reversal; history itself is never edited.

    A receipt, adjust, move or write-off is reversed by opposite movements; an FX rate, a
    history import, a payment or a refund stops counting from the void's --at on (--as-of
    before it still shows it). A payment is refused while later refunds would exceed what
    is left paid: void those refunds first. A shipment's units go back into their lots and
    are held again for the order; the parcel no longer counts as shipped (not while a
    return took back units it carried) and its tracking number is free for the parcel that
    really left. Messages not yet sent about a voided payment, refund or parcel are
    withdrawn (notify list): never sent.
    """
    from daigou_cli.core import corrections

    with writing(db, fmt) as ledger:
        r = corrections.void(ledger.conn, entry_id, reason, ledger.at(at))
    line = f"voided entry {r['voids']} ({r['kind']}) with entry {r['id']}: {r['reason']}"
    if r["kind"] == "shipment":
        line += (f"; order {r['order_id']}: {r['carrier']} {r['tracking']} not shipped, {r['units']} "
                 f"unit{'s' if r['units'] != 1 else ''} held again at {r['location']} ({r['state']})")
    elif "order_id" in r:
        line += (f"; order {r['order_id']}: paid {r['paid']} {r['currency']}, {r['balance_due']} due"
                 + (f", {r['refund_due']} to refund" if r["refund_due"] else "") + f" ({r['state']})")
    done(ledger, r, line, fmt, quiet)


def export(
    name: str = typer.Argument(..., metavar="TABLE|VIEW", help="e.g. movements, lots, stock_levels."),
    db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Dump a ledger table or view as it is stored (amounts in minor units, times UTC)."""
    from daigou_cli import output
    from daigou_cli.core import maintenance

    with reading(db) as ledger:
        columns, cursor = maintenance.export(ledger.conn, name)
        chosen = output.resolve_format(fmt)
        if chosen == "csv":
            output.write_csv((dict(zip(columns, row, strict=True)) for row in cursor), columns, ledger.tz)
        else:
            show(ledger, [dict(zip(columns, row, strict=True)) for row in cursor], columns, chosen, name)


@config_app.command("get")
def config_get(
    key: Optional[str] = typer.Argument(None, help="A setting; all of them when omitted."),
    db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Print a setting's value (or every setting with its default).

    With KEY: the bare value (for `$(daigou config get timezone)`), or with --format (or
    $DAIGOU_FORMAT) the setting as one record: key, value, default, description.
    """
    import os

    from daigou_cli import output
    from daigou_cli.core import config

    with reading(db) as ledger:
        if key:
            value = config.get(ledger.conn, key)
            if fmt is None and not os.environ.get("DAIGOU_FORMAT", "").strip():
                print(value)
                return
            chosen = output.resolve_format(fmt)
            name = key.strip()
            record = next((r for r in config.all_settings(ledger.conn) if r["key"] == name),
                          {"key": name, "default": "", "description": ""}) | {"value": value}
            record = {k: record[k] for k in ("key", "value", "default", "description")}
            output.emit_record(record, chosen, ledger.tz, f"Config {name}")
        else:
            show(ledger, config.all_settings(ledger.conn), ["key", "value", "default", "description"], fmt, "Config")


@config_app.command("set")
def config_set(
    key: str = typer.Argument(...), value: str = typer.Argument(...),
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Change a setting."""
    from daigou_cli.core import config

    with writing(db, fmt) as ledger:
        r = config.set_value(ledger.conn, key, value)
    done(ledger, r | {"id": r["key"]}, f"{r['key']} = {r['value']}", fmt, quiet)


@db_app.command("check")
def db_check(db: DbOpt = None, fmt: FormatOpt = None) -> None:
    """SQLite integrity check plus the ledger's invariants; exit 5 when anything fails.

    Prints 'ledger OK: …' when all is well; with --format csv or json (or $DAIGOU_FORMAT),
    the problems as rows, none when all is well.
    """
    import os

    from daigou_cli.core import maintenance
    from daigou_cli.core.errors import Exit

    with reading(db) as ledger:
        problems = maintenance.check(ledger.conn)
        counts = maintenance.summary(ledger.conn)
        if problems:
            show(ledger, problems, ["kind", "ref", "message", "severity"], fmt, "Ledger problems")
            # The list is the output; cron mails stderr, so say it failed there in one line too.
            print(f"daigou: ledger check failed: {len(problems)} problem(s), first: "
                  f"{problems[0]['kind']} {problems[0]['ref']}: {problems[0]['message']}", file=sys.stderr)
            raise typer.Exit(Exit.DATABASE)
        # Asked for data (--format or $DAIGOU_FORMAT csv/json): no rows, as a script expects.
        asked = (fmt or os.environ.get("DAIGOU_FORMAT") or "").strip().lower()
        if asked in ("csv", "json"):
            show(ledger, [], ["kind", "ref", "message", "severity"], asked)
        else:
            print("ledger OK: " + ", ".join(f"{v} {k}" for k, v in counts.items() if k != "schema")
                  + f" (schema {counts['schema']})")


@db_app.command("backup")
def db_backup(
    path: str = typer.Argument(..., help="File to write the copy to."),
    force: bool = typer.Option(False, "--force", help="Overwrite PATH."),
    db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """A consistent copy of the ledger, safe while other commands write."""
    from daigou_cli.core import maintenance

    with reading(db) as ledger:
        r = maintenance.backup(ledger.conn, path, force)
        done(ledger, r, f"backed up to {r['path']} ({r['bytes']:,} bytes, {r['entries']} entries)", fmt, quiet)


@db_app.command("rebuild")
def db_rebuild(db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False) -> None:
    """Throw away the stock caches (running totals beside movements and reservations) and
    add them up again from the facts. Only needed if `db check` reports a cache problem,
    e.g. after the file was edited by hand; the ledger itself is not touched."""
    from daigou_cli.core import caches

    with writing(db, fmt) as ledger:
        counts = caches.rebuild(ledger.conn)
    done(ledger, {"id": "caches"} | counts,
         f"caches rebuilt: {counts['stock_balances']} stock balances, {counts['stock_moments']} moments", fmt, quiet)
