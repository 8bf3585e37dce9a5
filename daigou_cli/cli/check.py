"""`daigou check`: one pass for cron over everything that needs action."""

from typing import Optional

import typer

from daigou_cli.cli.common import AsOfOpt, DbOpt, reading


def register(root: typer.Typer) -> None:
    root.command("check")(check)


def check(
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing when nothing needs action."),
    as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: Optional[str] = typer.Option(None, "--format", "-f", metavar="table|csv|json|lines",
                                      help="Output format (default: $DAIGOU_FORMAT, else table on a terminal, "
                                           "csv on a pipe); lines: one line per alert, for mail."),
) -> None:
    """Low stock, back-orders waiting, expiring lots, balances past due, stale shipments, overdue
    tickets: exit 1 when any.

    Like every read command: a table on a terminal, CSV (severity, kind, ref, message) on a
    pipe, or --format json (a list of {kind, ref, message, severity}); --format lines prints
    one line per alert. With nothing to act on: exit 0 (a table or lines say so, CSV is just
    its header), and with --quiet no output at all — so `daigou check --quiet || notify-send
    ...` fits a crontab.
    """
    from daigou_cli import output
    from daigou_cli.core import checks

    lines = (fmt or "").strip().lower() == "lines"
    with reading(db) as ledger:
        problems = checks.run(ledger.conn, ledger.as_of(as_of))
        chosen = "lines" if lines else output.resolve_format(fmt)
        if quiet and not problems:
            pass
        elif chosen in ("lines", "table") and not problems:
            print("ok: nothing needs action")
        elif chosen == "lines":
            for p in problems:
                print(f"{p['severity']} {p['kind']} {p['ref']}: {p['message']}")
        elif chosen == "json":
            output.write_json([{k: p[k] for k in ("kind", "ref", "message", "severity")} for p in problems],
                              ledger.tz)
        else:
            output.emit(problems, checks.PROBLEM_COLUMNS, chosen, ledger.tz, "Check")
    if problems:
        raise typer.Exit(1)
