"""`report monthly` on a terminal: one Rich page with small bar charts and sparklines.
Rich is imported here, when the page is drawn, never at start-up."""

import sys
from decimal import Decimal

from daigou_cli.output import cell_text

SPARKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉"


def sparkline(values: list) -> str:
    """▁▂▅█ from numbers: the lowest is ▁, the highest █ (all equal: a flat line)."""
    numbers = [float(v or 0) for v in values]
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    span = high - low
    return "".join(SPARKS[0] if not span else SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in numbers)


def bar(value, largest, width: int = 20) -> str:
    """A horizontal bar in eighths of a cell, scaled to `largest` (negative values: empty)."""
    if not largest or value is None or value <= 0:
        return ""
    eighths = round(float(value) / float(largest) * width * 8)
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def _money(value) -> str:
    """Amounts (two decimals) with thousands separators; other numbers as they are."""
    if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
        return f"{value:,.2f}"
    return cell_text(value, "", "table")


def _table(title: str, headers: list[str], rows: list[list], numeric: set[int] = frozenset()):
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, title_style="bold", expand=False)
    for n, header in enumerate(headers):
        table.add_column(header, justify="right" if n in numeric else "left", no_wrap=n in numeric)
    for row in rows:
        table.add_row(*[str(c) if c is not None else "" for c in row])
    if not rows:
        table.add_row(*(["(none)"] + [""] * (len(headers) - 1)))
    return table


def _pnl(report: dict):
    now, prev, change = report["pnl"], report["pnl_previous"], report["pnl_change"]
    rows = [[name, _money(now[name]), _money(prev[name]), _money(change[name])]
            for name in ("revenue", "cogs", "shipping", "fees", "refunds", "gross_profit")]
    rows.append(["margin %", cell_text(now["margin"], "", "table"), cell_text(prev["margin"], "", "table"),
                 ""])
    return _table(f"Profit and loss ({report['currency']})", ["", report["period"], report["previous"], "change"],
                  rows, {1, 2, 3})


def _sales(report: dict):
    total, days = report["sales_total"], report["sales_by_day"]
    revenue = [r["revenue"] for r in days]
    rows = [["orders", total["orders"], total["prev_orders"]], ["units", total["units"], total["prev_units"]],
            ["revenue", _money(total["revenue"]), _money(total["prev_revenue"])],
            ["avg order", _money(total["aov"]), _money(total["prev_aov"])]]
    table = _table(f"Orders taken ({report['currency']})", ["", report["period"], report["previous"]], rows, {1, 2})
    return table, _line(f"revenue per day  {sparkline(revenue)}  max {_money(max(revenue, default=0))}")


def _line(text: str):
    from rich.text import Text

    return Text("  " + text + "\n", style="cyan")


def _ranked(title: str, rows: list[dict], label, value: str, extra: list[tuple[str, str]]):
    largest = max((r[value] for r in rows), default=0)
    headers = ["", value] + [h for h, _ in extra] + [""]
    body = [[label(r), _money(r[value])] + [_money(r[k]) for _, k in extra] + [bar(r[value], largest)]
            for r in rows]
    return _table(title, headers, body, set(range(1, len(headers) - 1)))


def render(report: dict) -> None:
    from rich.console import Console, Group
    from rich.panel import Panel

    console = Console() if sys.stdout.isatty() else Console(width=120)
    stock_trend = [r["value"] for r in report["stock_trend"]]
    summary = report["customer_summary"]
    customers = _ranked("Top customers", report["top_customers"], lambda r: r["customer"], "spend",
                        [("orders", "orders"), ("segment", "segment")])
    customers_line = _line(f"{summary['customers']} customers: {summary['new']} new, {summary['returning']} returning; "
                           f"repurchase rate {cell_text(summary['repurchase_rate'], '', 'table') or '0'}%")
    stock = _ranked("Stock value by category", report["stock_by_category"], lambda r: r["category"] or "-", "value",
                    [("units", "units"), ("share %", "share_pct")])
    stock_line = _line(f"total {_money(report['stock_value'])}  value per day  {sparkline(stock_trend)}")
    aging = _table("Stock aging (value by lot age, days)", ["category", "0-30", "31-90", "91-180", "180+", "expiring"],
                   [[r["category"] or "-", _money(r["value_0_30"]), _money(r["value_31_90"]),
                     _money(r["value_91_180"]), _money(r["value_180_plus"]), _money(r["expiring_value"])]
                    for r in report["aging"]], {1, 2, 3, 4, 5})
    carriers = _table("Carriers", ["carrier", "parcels", "on time %", "p50 days", "cost/kg"],
                      [[f"{r['carrier']} {r['service']}".strip(), r["parcels"], cell_text(r["on_time_pct"], "", "table"),
                        cell_text(r["p50_days"], "", "table"), _money(r["cost_per_kg"])] for r in report["carriers"]],
                      {1, 2, 3, 4})
    chase = _table("Receivables to chase", ["customer", "balance due", "why"],
                   [[r["customer"], _money(r["balance_due"]), r["why"]] for r in report["receivables"]], {1})
    alerts = _table("Alerts", ["severity", "kind", "message"],
                    [[a["severity"], a["kind"], a["message"]] for a in report["alerts"]])
    parts = [
        _pnl(report), *_sales(report),
        _ranked("Gross profit by category", report["profit_by_category"], lambda r: r["key"] or "-", "gross_profit",
                [("revenue", "revenue"), ("margin %", "margin")]),
        _ranked("Top SKUs by revenue", report["top_skus"], lambda r: r["key"], "revenue",
                [("gross_profit", "gross_profit"), ("margin %", "margin")]),
        _ranked("Channels", report["channels"], lambda r: r["key"], "revenue",
                [("gross_profit", "gross_profit"), ("margin %", "margin")]),
        customers, customers_line, stock, stock_line, aging, carriers, chase, alerts,
    ]
    console.print(Panel(Group(*parts), title=f"daigou monthly report {report['period']}",
                        subtitle=f"amounts in {report['currency']}; compared with {report['previous']}"))
