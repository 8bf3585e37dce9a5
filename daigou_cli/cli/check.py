"""`daigou check`: one pass for cron over everything that needs action."""

import typer

from daigou_cli.cli.common import AsOfOpt, DbOpt, FormatOpt, reading


def register(root: typer.Typer) -> None:
    root.command("check")(check)


def check(
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing when nothing needs action."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Low stock, back-orders waiting, expiring lots, balances past due, stale shipments, overdue
    tickets: exit 1 when any.

    One line per alert (severity, kind, ref, message), or --format table|csv|json (json: a
    list of {kind, ref, message, severity}). With nothing to act on: exit 0, and with --quiet
    no output at all — so `daigou check --quiet || notify-send ...` fits a crontab.
    """
    import os

    from daigou_cli import output
    from daigou_cli.core import checks

    with reading(db) as ledger:
        problems = checks.run(ledger.conn, ledger.as_of(as_of))
        chosen = output.resolve_format(fmt) if (fmt or os.environ.get("DAIGOU_FORMAT")) else "lines"
        if quiet and not problems:
            pass
        elif chosen == "lines":
            for p in problems:
                print(f"{p['severity']} {p['kind']} {p['ref']}: {p['message']}")
            if not problems:
                print("ok: nothing needs action")
        elif chosen == "json":
            output.write_json([{k: p[k] for k in ("kind", "ref", "message", "severity")} for p in problems],
                              ledger.tz)
        else:
            output.emit(problems, checks.PROBLEM_COLUMNS, chosen, ledger.tz, "Check")
    if problems:
        raise typer.Exit(1)
