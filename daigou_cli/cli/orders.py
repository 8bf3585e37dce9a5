"""`daigou order` and `daigou customer`: selling, payments and who buys."""

from typing import List, Optional

import typer

from daigou_cli.cli.common import (
    AsOfOpt,
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

app = typer.Typer(help="Orders: take them, get paid, cancel; list, show and the packing queue.",
                  no_args_is_help=True)
customer_app = typer.Typer(help="Customers: contacts, region, orders, spend.", no_args_is_help=True)
NUMBERS = {"ignore_unknown_options": True}
# On a narrow terminal a table keeps these columns first, most important first (CSV/JSON keep all).
ORDER_KEEP = ["id", "customer", "state", "total", "balance_due", "currency", "priority", "due", "created_at"]
ORDER_LINE_KEEP = ["id", "customer", "state", "sku", "qty", "price", "currency", "balance_due"]
QUEUE_KEEP = ["rank", "id", "customer", "priority", "due", "units", "backordered", "why"]
CUSTOMER_KEEP = ["id", "name", "wechat", "phone", "orders", "region"]


@app.command("new", context_settings=NUMBERS)
def order_new(
    customer: str = typer.Argument(..., help="Customer name, id, WeChat id, phone or email."),
    lines: List[str] = typer.Argument(..., metavar="LINE...", help="SKU:QTY or SKU:QTY@PRICE (price per unit in --currency)."),
    channel: Optional[str] = typer.Option(None, "--channel", help="wechat (default), xhs, taobao, shopify, ..."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Order currency (default: base currency)."),
    priority: Optional[str] = typer.Option(None, "--priority", help="urgent, high, normal (default) or low."),
    deposit: Optional[str] = typer.Option(None, "--deposit", metavar="AMOUNT", help="Deposit (定金) paid now."),
    method: Optional[str] = typer.Option(None, "--method", help="How the deposit was paid (wechat-pay, alipay ...)."),
    due: Optional[str] = typer.Option(None, "--due", metavar="DATE", help="Promised ship date."),
    external_id: Optional[str] = typer.Option(None, "--external-id", metavar="ID", help="The channel's order number; unique per channel."),
    ship_to: Optional[str] = typer.Option(None, "--ship-to", metavar="REGION", help="Ship to this region instead of the customer's."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Take an order: reserves stock (same region first); what is not in stock is back-ordered."""
    from daigou_cli.core import orders

    with writing(db, fmt) as ledger:
        r = orders.create_order(ledger.conn, customer, lines, ledger.at(at), channel, currency, priority,
                                deposit, due, external_id, ship_to, method)
    back = sum(line["backordered"] for line in r["lines"])
    held = sum(line["reserved"] for line in r["lines"])
    note = f", {back} back-ordered" if back else ""
    done(ledger, r, f"order {r['id']} for {r['customer']}: {r['total']} {r['currency']}, "
         f"{held} reserved{note} ({r['state']})", fmt, quiet)


@app.command("pay", context_settings=NUMBERS)
def order_pay(
    order: str = typer.Argument(..., metavar="ORDER", help="Order id or the channel's order number."),
    amount: str = typer.Argument(..., help="Amount in the order's currency."),
    method: Optional[str] = typer.Option(None, "--method", help="wechat-pay, alipay, bank, cash ..."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Record a payment: deposit (定金), balance (尾款) or any part; overpaying is refused."""
    from daigou_cli.core import orders

    with writing(db, fmt) as ledger:
        r = orders.pay(ledger.conn, order, amount, ledger.at(at), method)
    done(ledger, r, f"order {r['order_id']}: paid {r['amount']} {r['currency']}, "
         f"{r['balance_due']} due ({r['state']}) (entry {r['id']})", fmt, quiet)


@app.command("refund", context_settings=NUMBERS)
def order_refund(
    order: str = typer.Argument(..., metavar="ORDER"),
    amount: str = typer.Argument(..., help="Amount given back, in the order's currency."),
    method: Optional[str] = typer.Option(None, "--method"),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Record money given back to the customer (never more than was paid)."""
    from daigou_cli.core import orders

    with writing(db, fmt) as ledger:
        r = orders.refund(ledger.conn, order, amount, ledger.at(at), method)
    done(ledger, r, f"order {r['order_id']}: refunded {r['amount']} {r['currency']}, "
         f"{r['refund_due']} still to refund (entry {r['id']})", fmt, quiet)


@app.command("cancel")
def order_cancel(
    order: str = typer.Argument(..., metavar="ORDER"),
    reason: str = typer.Option(..., "--reason", help="Why it is cancelled."),
    no_refund: bool = typer.Option(False, "--no-refund", help="Give the money back later (order refund): leave it as refund due."),
    method: Optional[str] = typer.Option(None, "--method", help="How the money goes back (wechat-pay, alipay, bank ...)."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Cancel an order: releases its stock to waiting orders and refunds what was paid.

    The refund is a payment record of its own (negative, in the order's currency, at --at),
    written in the same transaction as the cancellation. With --no-refund what was paid stays
    as refund due, for `daigou order refund` when the money has gone back.
    """
    from daigou_cli.core import orders

    with writing(db, fmt) as ledger:
        r = orders.cancel(ledger.conn, order, reason, ledger.at(at), refund_paid=not no_refund, method=method)
    if r.get("refunded"):
        money = f", refunded {r['refunded']} {r['currency']}"
    else:
        money = f", refund due {r['refund_due']} {r['currency']}" if r["refund_due"] else ""
    done(ledger, r, f"order {r['order_id']} cancelled: {r['released']} units released{money} "
         f"(entry {r['id']})", fmt, quiet)


@app.command("list")
def order_list(
    state: Optional[str] = typer.Option(None, "--state", help="pending, deposit_paid, paid, partially_shipped, shipped, delivered, cancelled, returned, partially_returned."),
    customer: Optional[str] = typer.Option(None, "--customer"),
    channel: Optional[str] = typer.Option(None, "--channel"),
    lines: bool = typer.Option(False, "--lines", help="One row per order line, with sku, qty, price and the customer's contacts: imports back with order import --from csv."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Orders with their derived state, total, paid and balance due."""
    from daigou_cli.core import order_views

    with reading(db) as ledger:
        rows = order_views.list_orders(ledger.conn, ledger.as_of(as_of), state, customer, channel)
        if lines:
            from daigou_cli.core.importers import generic

            rows = generic.order_lines(ledger.conn, rows, ledger.as_of(as_of))
            show(ledger, rows, generic.ORDER_LINE_COLUMNS, fmt, "Order lines", keep=ORDER_LINE_KEEP)
            return
        show(ledger, rows, order_views.ORDER_COLUMNS, fmt, "Orders", keep=ORDER_KEEP)


@app.command("show")
def order_show(
    order: str = typer.Argument(..., metavar="ORDER"),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """One order: lines (reserved, back-ordered, shipped, returned), payments, timeline."""
    from daigou_cli import output
    from daigou_cli.core import order_views, orders

    with reading(db) as ledger:
        row = orders.find_order(ledger.conn, order)
        record = order_views.show_order(ledger.conn, row["id"], ledger.as_of(as_of))
        output.emit_record(record, output.resolve_format(fmt), ledger.tz, f"Order {row['id']}")


@app.command("queue")
def order_queue(
    all_: bool = typer.Option(False, "--all", help="Also list orders that cannot ship yet, and why."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """What to pack next: paid orders with stock held, by priority, promised date, value, age."""
    from daigou_cli.core import order_views

    with reading(db) as ledger:
        rows = order_views.queue(ledger.conn, all_, ledger.as_of(as_of))
        show(ledger, rows, order_views.QUEUE_COLUMNS, fmt, "Packing queue", keep=QUEUE_KEEP)


@customer_app.command("add")
def customer_add(
    name: str = typer.Argument(..., help="Name as you know them (Chinese is fine)."),
    wechat: Optional[str] = typer.Option(None, "--wechat", help="WeChat id."),
    phone: Optional[str] = typer.Option(None, "--phone"),
    email: Optional[str] = typer.Option(None, "--email"),
    region: Optional[str] = typer.Option(None, "--region", help="e.g. Shanghai: stock ships from the same region first."),
    address: Optional[str] = typer.Option(None, "--address"),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Add a customer; each WeChat id, phone and email belongs to one customer."""
    from daigou_cli.core import customers

    with writing(db, fmt) as ledger:
        r = customers.add_customer(ledger.conn, name, wechat, phone, email, region, address, ledger.at(at))
    done(ledger, r, f"customer {r['id']} added: {r['name']}", fmt, quiet)


@customer_app.command("list")
def customer_list(
    search: Optional[str] = typer.Option(None, "--search", help="Part of a name or contact."),
    region: Optional[str] = typer.Option(None, "--region"),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """Customers with their contacts and number of orders (taken up to --as-of)."""
    from daigou_cli.core import customers

    with reading(db) as ledger:
        show(ledger, customers.list_customers(ledger.conn, search, region, ledger.as_of(as_of)),
             customers.CUSTOMER_COLUMNS,
             fmt, "Customers", keep=CUSTOMER_KEEP)


@customer_app.command("show")
def customer_show(
    customer: str = typer.Argument(..., help="Name, id, WeChat id, phone or email."),
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
) -> None:
    """One customer: contacts, orders, total spend and balance due."""
    from daigou_cli import output
    from daigou_cli.core import customer_views

    with reading(db) as ledger:
        record = customer_views.show_customer(ledger.conn, customer, ledger.as_of(as_of))
        output.emit_record(record, output.resolve_format(fmt), ledger.tz, record["name"])


@app.command("import")
def order_import(
    file: str = typer.Argument(..., metavar="FILE|-", help="The export: a path, or - for stdin."),
    from_: str = typer.Option(..., "--from", metavar="shopify|taobao|woocommerce|csv", help="The layout of FILE."),
    items: Optional[str] = typer.Option(None, "--items", metavar="ITEMS.csv", help="taobao: the 宝贝报表 (one row per item), joined on 订单编号."),
    channel: Optional[str] = typer.Option(None, "--channel", help="Channel the orders are recorded under (default: shopify, taobao, woocommerce; csv: the channel column, else wechat)."),
    mapping: Optional[str] = typer.Option(None, "--mapping", metavar="FILE", help="csv: lines of 'their column = our field' to read any spreadsheet."),
    create_products: bool = typer.Option(False, "--create-products", help="Add unknown SKUs to the catalogue (name from the line's title, price from the line)."),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="NAME", help="utf-8, gbk, gb18030 ... (default: detected)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every order and print what would be created or changed; write nothing."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Import the good orders; the rows of bad ones go, with their reason, to the reject file."),
    reject_file: Optional[str] = typer.Option(None, "--reject-file", metavar="PATH", help="Default: FILE.rejects.csv beside FILE (./rejects.csv for stdin)."),
    at: AtOpt = None, db: DbOpt = None, fmt: WriteFormatOpt = None, quiet: QuietOpt = False,
) -> None:
    """Import orders from Shopify, Taobao, WooCommerce or any CSV: all or none, never twice.

    Each order is taken like `order new` (stock reserved, the rest back-ordered) under its
    (channel, external id); importing it again adds nothing, and a later export records what
    changed since (paid, cancelled, refunded; at the file's times, else --at, else now).
    Customers are matched by buyer id, phone or email across channels. -q prints the count
    of orders created.
    """
    from daigou_cli.cli.order_import import import_orders

    import_orders(file, from_, items=items, mapping=mapping, channel=channel, encoding=encoding, dry_run=dry_run,
                  skip_invalid=skip_invalid, reject_file=reject_file, create_products=create_products, at=at,
                  db=db, fmt=fmt, quiet=quiet)
