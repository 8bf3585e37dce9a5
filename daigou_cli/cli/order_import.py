"""`daigou order import`: read a platform's export, write its orders in one transaction (or a
dry run), and say what was created, updated, unchanged and rejected."""

import sys

from daigou_cli.cli.common import check_write_format, rehearsing, reject_cell, writing
from daigou_cli.cli.importing import progress_bar

FORMATS = ("shopify", "taobao", "woocommerce", "csv")


def _module(name: str):
    from daigou_cli.core.errors import UsageProblem
    from daigou_cli.core.importers import generic, shopify, taobao, woocommerce

    modules = {"shopify": shopify, "taobao": taobao, "woocommerce": woocommerce, "csv": generic}
    chosen = (name or "").strip().lower()
    if chosen not in modules:
        raise UsageProblem(f"--from: {name!r} is not one of {', '.join(FORMATS)}")
    return chosen, modules[chosen]


def import_orders(file: str, source_format: str, *, items: str | None, mapping: str | None,
                  channel: str | None, encoding: str | None, dry_run: bool, skip_invalid: bool,
                  reject_file: str | None, create_products: bool, at: str | None, db: str | None,
                  fmt: str | None, quiet: bool) -> None:
    """Read and check the files before taking the write lock, then record every order in one
    transaction: all or none (or, with --skip-invalid, the good ones)."""
    from daigou_cli.core.errors import InvalidInput, UsageProblem
    from daigou_cli.core.importers import common, orders

    fmt = check_write_format(fmt)
    chosen, module = _module(source_format)
    if items and chosen != "taobao":
        raise UsageProblem("--items: only for --from taobao (the 宝贝报表)")
    if mapping and chosen != "csv":
        raise UsageProblem("--mapping: only for --from csv")
    if common.STDIN in (file, items) and sys.stdin.isatty():
        raise InvalidInput("FILE: - reads stdin, which is a terminal here; pipe a CSV file in")
    if file == common.STDIN and items == common.STDIN:
        raise InvalidInput("--items: stdin is already the orders file; give ITEMS as a path")
    source = module.read(file, encoding, items=items, mapping=mapping)
    table = source.table
    rejects = common.reject_path(file, reject_file) if skip_invalid and not dry_run else None
    opened = rehearsing(db) if dry_run else writing(db, fmt)
    with opened as ledger, progress_bar(len(table.rows), table.source) as progress:
        when = ledger.at(at) if at else None
        # The bar counts rows; the import goes order by order.
        rows = len(table.rows)
        by_rows = (lambda done, total: progress(done * rows // total, rows)) if progress else None
        try:
            result, outcomes = orders.load(ledger.conn, source, channel, when, create_products,
                                           detail=dry_run or _json(fmt), skip_invalid=skip_invalid,
                                           dry_run=dry_run, progress=by_rows)
        except common.ImportRejected as exc:
            if not dry_run:
                raise
            for error in exc.result.errors:
                print(error, file=sys.stderr)
            count = len(exc.result.errors)
            raise InvalidInput(f"{table.source}: {count} bad order{'s' if count > 1 else ''}; "
                               "a real import would write nothing") from None
        if rejects is not None and result.rejected:
            common.write_rejects(rejects, table, result.rejected, reject_cell)
    report(ledger, result, outcomes, table, rejects, fmt, quiet)


def _json(fmt: str | None) -> bool:
    import os

    return fmt == "json" or (fmt is None and os.environ.get("DAIGOU_FORMAT", "").lower() == "json")


def _describe(outcome) -> str:
    verb = "create" if outcome.action == "created" else "update"
    what = f"{outcome.channel} order {outcome.external_id}"
    if outcome.action == "created":
        detail = f" for {outcome.customer}: {outcome.total} {outcome.currency}"
    else:
        detail = f" (order {outcome.order_id})"
    changes = f": {', '.join(outcome.changes)}" if outcome.changes and outcome.action != "created" else ""
    return f"would {verb} {what}{detail}{changes} → {outcome.state}"


def report(ledger, result, outcomes, table, rejects, fmt: str | None, quiet: bool) -> None:
    from daigou_cli import output

    counts = {action: result.actions.get(action, 0) for action in ("created", "updated", "unchanged")}
    summary = {
        "file": table.source, "dry_run": result.dry_run, "rows": len(table.rows), **counts,
        "rejected": len(result.rejected),
        "reject_file": str(rejects) if rejects is not None and result.rejected else None,
        "encoding": table.encoding,
        "orders": [vars(o) for o in outcomes], "errors": [e.as_dict() for e in result.errors],
    }
    for outcome in outcomes:
        for note in outcome.notes:
            print(f"note: {table.source} line {outcome.line}: {outcome.channel} order {outcome.external_id} "
                  f"(order {outcome.order_id}): {note}", file=sys.stderr)
    if result.dry_run:
        for error in result.errors:
            print(error, file=sys.stderr)
    line = (f"{'would import' if result.dry_run else 'imported'} orders from {table.source}: "
            f"{counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{len(result.rejected)} rejected")
    if summary["reject_file"]:
        line += f" → {summary['reject_file']}"
    if result.dry_run:
        line += " (dry run: nothing written)"
    if quiet:
        print(counts["created"])
        if result.rejected:
            print(line, file=sys.stderr)
        return
    if result.dry_run and fmt != "json":
        for outcome in outcomes:
            if outcome.action != "unchanged":
                print(_describe(outcome))
    output.created(summary, line, fmt, False, ledger.tz)
