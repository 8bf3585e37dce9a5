"""`report monthly`: one page for one month, put together from the other reports — profit and
loss beside the month before, sales per day, profit per category, top SKUs, channels,
customers (top spenders, new vs returning, repurchase rate), stock value at the month's end
and its trend per day, lot aging, carriers, receivables and the alerts `daigou check` would
raise then. Plain values only; the terminal, HTML, CSV and JSON views are in cli/."""

import sqlite3

from daigou_cli.core import clock, config, money
from daigou_cli.core.reports import buckets, profit, sales, valuation
from daigou_cli.core.reports import customers as customer_report

TOP = 5


def monthly(conn: sqlite3.Connection, window: dict, as_of: str = clock.END_OF_TIME) -> dict:
    """Everything for the window (normally a month); facts up to its end or --as-of."""
    from daigou_cli.core import checks
    from daigou_cli.core.reports import aging, carriers, receivables

    base, tz = config.get_many(conn, "base_currency", "timezone")
    until = min(window["end"], as_of)
    # state "as of the end of the month": the month's end when it is over, else now (or --as-of)
    state_at = until if clock.from_db(until) < clock.now_utc() else as_of
    before = buckets.previous(window, tz)
    rows = {by: profit.profit(conn, window, by, as_of, until) for by in ("category", "sku", "channel")}
    pnl = profit.total(rows["category"], base)
    prev = profit.total(profit.profit(conn, before, "category", as_of, min(before["end"], as_of)), base)
    clients = customer_report.customers(conn, window, as_of, until)
    months = customer_report.by_month(conn, window, as_of, until)
    stock = valuation.valuation(conn, "category", state_at)
    return {
        "period": window["label"], "start": clock.from_db(window["start"]), "end": clock.from_db(window["end"]),
        "previous": before["label"], "currency": base,
        "pnl": pnl, "pnl_previous": prev,
        "pnl_change": {k: pnl[k] - prev[k] for k in profit.AMOUNTS},
        "sales_total": sales.total(conn, window, as_of),
        "sales_by_day": sales.sales(conn, window, "day", as_of),
        "profit_by_category": rows["category"],
        "top_skus": sorted(rows["sku"], key=lambda r: (-r["revenue"], r["key"]))[:TOP],
        "channels": rows["channel"],
        "top_customers": sorted(clients, key=lambda r: (-r["spend"], r["customer"]))[:TOP],
        "customer_summary": months[-1],
        "segments": _count(clients, "segment"),
        "stock_by_category": stock,
        "stock_value": sum((r["value"] for r in stock), money.to_decimal(0, base)),
        "stock_trend": valuation.trend(conn, window, "day", until),
        "aging": aging.aging(conn, state_at, "category"),
        "carriers": carriers.carriers(conn, window, state_at),
        "receivables": receivables.by_customer(conn, {"start": "0000-01-01T00:00:00Z"}, state_at)[:TOP],
        "alerts": checks.run(conn, state_at),
    }


def _count(rows: list[dict], key: str) -> dict:
    out: dict = {}
    for row in rows:
        out[row[key]] = out.get(row[key], 0) + 1
    return out


def flat(report: dict) -> list[dict]:
    """The report as rows of section, key, metric, value (for --format csv)."""
    base = report["currency"]
    out = [{"section": "pnl", "key": report["period"], "metric": k, "value": report["pnl"][k], "currency": base}
           for k in profit.AMOUNTS + ["margin"]]
    out += [{"section": "pnl_previous", "key": report["previous"], "metric": k, "value": report["pnl_previous"][k],
             "currency": base} for k in profit.AMOUNTS + ["margin"]]
    totals = report["sales_total"]
    out += [{"section": "sales", "key": report["period"], "metric": k, "value": totals[k],
             "currency": base if k in ("revenue", "aov") else ""} for k in ("units", "orders", "revenue", "aov")]
    out += [{"section": "sales_by_day", "key": r["period"], "metric": "revenue", "value": r["revenue"],
             "currency": base} for r in report["sales_by_day"]]
    for section, name in (("profit_by_category", "key"), ("top_skus", "key"), ("channels", "key")):
        out += [{"section": section, "key": r[name], "metric": "gross_profit", "value": r["gross_profit"],
                 "currency": base} for r in report[section]]
    out += [{"section": "top_customers", "key": r["customer"], "metric": "spend", "value": r["spend"],
             "currency": base} for r in report["top_customers"]]
    summary = report["customer_summary"]
    out += [{"section": "customers", "key": report["period"], "metric": k, "value": summary[k], "currency": ""}
            for k in ("customers", "new", "returning", "repurchase_rate")]
    out.append({"section": "stock", "key": "total", "metric": "value", "value": report["stock_value"],
                "currency": base})
    out += [{"section": "stock_trend", "key": r["period"], "metric": "value", "value": r["value"], "currency": base}
            for r in report["stock_trend"]]
    out += [{"section": "carriers", "key": f"{r['carrier']} {r['service']}".strip(), "metric": "on_time_pct",
             "value": r["on_time_pct"], "currency": ""} for r in report["carriers"]]
    out += [{"section": "receivables", "key": r["customer"], "metric": "balance_due", "value": r["balance_due"],
             "currency": base} for r in report["receivables"]]
    out += [{"section": "alerts", "key": a["ref"], "metric": a["kind"], "value": a["message"], "currency": ""}
            for a in report["alerts"]]
    return out


FLAT_COLUMNS = ["section", "key", "metric", "value", "currency"]
