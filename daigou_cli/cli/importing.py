"""What every `daigou ... import FILE|-` command shares: running the import in one transaction
(or a dry run), the progress bar on a terminal, and the summary it prints."""

import sys
from contextlib import contextmanager
from typing import Callable

from daigou_cli.cli.common import check_write_format, rehearsing, reject_cell, writing

PROGRESS_FROM_ROWS = 200  # smaller imports finish before a bar would be worth drawing


@contextmanager
def progress_bar(total: int, source: str):
    """A Rich progress bar on stderr when it is a terminal and the import is long; else nothing.
    It names the file alone: a long path would squeeze the bar and its percentage out."""
    if total < PROGRESS_FROM_ROWS or not sys.stderr.isatty():
        yield None
        return
    from pathlib import Path

    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"importing {Path(source).name}", total=total)
        yield lambda done, _total: bar.update(task, completed=done)


def import_csv(file: str, layout, load: Callable, *, db: str | None, fmt: str | None, quiet: bool,
               encoding: str | None, dry_run: bool, skip_invalid: bool, reject_file: str | None,
               noun: str) -> None:
    """Read and check FILE before taking the write lock, then `load(ledger, table, **options)`
    in one transaction: all rows or none (or, with --skip-invalid, the good ones)."""
    from daigou_cli.core.errors import InvalidInput
    from daigou_cli.core.importers import common

    fmt = check_write_format(fmt)
    if file == common.STDIN and sys.stdin.isatty():
        raise InvalidInput("FILE: - reads stdin, which is a terminal here; pipe a CSV file in")
    table = common.read_table(file, layout, encoding)
    rejects = common.reject_path(file, reject_file) if skip_invalid and not dry_run else None
    opened = rehearsing(db) if dry_run else writing(db, fmt)
    with opened as ledger, progress_bar(len(table.rows), table.source) as progress:
        try:
            result = load(ledger, table, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress)
        except common.ImportRejected as exc:
            if not dry_run:
                raise
            for error in exc.result.errors:
                print(error, file=sys.stderr)
            raise InvalidInput(
                f"{table.source}: {len(exc.result.errors)} bad row{'s' if len(exc.result.errors) > 1 else ''}"
                f" of {len(table.rows)}; a real import would write nothing") from None
        if rejects is not None and result.rejected:
            common.write_rejects(rejects, table, result.rejected, reject_cell)
    if dry_run:
        for error in result.errors:
            print(error, file=sys.stderr)
    report(ledger, result, table, rejects, fmt, quiet, noun)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def report(ledger, result, table, rejects, fmt: str | None, quiet: bool, noun: str) -> None:
    from daigou_cli import output

    summary = {
        "file": table.source, "kind": result.kind, "dry_run": result.dry_run, "rows": len(table.rows),
        "imported": result.count, **result.actions, "rejected": len(result.rejected),
        "reject_file": str(rejects) if rejects is not None and result.rejected else None,
        "encoding": table.encoding, "ids": result.ids, "errors": [e.as_dict() for e in result.errors],
    }
    verb = "would import" if result.dry_run else "imported"
    line = f"{verb} {_plural(result.count, noun)} from {table.source}"
    if any(list(result.actions.values())[1:]):  # "(20 added, 4 updated)"; not "(24 added)"
        line += " (" + ", ".join(f"{n} {a}" for a, n in result.actions.items() if n) + ")"
    if result.rejected:
        where = f" → {summary['reject_file']}" if summary["reject_file"] else ""
        line += f"; {_plural(len(result.rejected), 'row')} rejected{where}"
    if result.dry_run:
        line += " (dry run: nothing written)"
    if quiet:
        print(result.count)
        if result.rejected:
            print(line, file=sys.stderr)
    else:
        output.created(summary, line, fmt, False, ledger.tz)
