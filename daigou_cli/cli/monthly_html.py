"""`report monthly --html FILE`: the month on one self-contained HTML page. Charts are SVG
drawn here by pygal (the optional extra `pip install 'daigou[charts]'`) and written inline,
with pygal's tooltip script left out, so the file opens anywhere with no network."""

import html
from decimal import Decimal

from daigou_cli.core.errors import InvalidInput


def _pygal():
    try:
        import pygal
    except ImportError:
        raise InvalidInput("--html: charts need the optional extra: pip install 'daigou[charts]'") from None
    return pygal


def require_charts() -> None:
    """Fail before any work when the chart library is not installed."""
    _pygal()


def _style(pygal):
    from pygal.style import Style

    return Style(background="white", plot_background="white", foreground="#333", foreground_strong="#111",
                 foreground_subtle="#999", colors=("#2f6fdf", "#e3884a", "#3aa57a", "#c94c4c", "#8a63d2"),
                 font_family="'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
                 label_font_size=11, major_label_font_size=11, title_font_size=15, legend_font_size=12)


def _chart(kind: str, title: str, labels: list[str], series: list[tuple[str, list]], **options) -> str:
    pygal = _pygal()
    chart = getattr(pygal, kind)(js=[], style=_style(pygal), title=title, width=640, height=340,
                                 disable_xml_declaration=True, **options)
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, [float(v) if v is not None else None for v in values])
    return chart.render(is_unicode=True)


def charts(report: dict) -> dict[str, str]:
    """Inline SVG charts: sales per day, profit per category, stock value trend."""
    cur = report["currency"]
    days = report["sales_by_day"]
    categories = report["profit_by_category"]
    trend = report["stock_trend"]
    return {
        "sales": _chart("Bar", f"Sales per day ({cur})", [r["period"][-2:] for r in days],
                        [("revenue", [r["revenue"] for r in days])], show_legend=False),
        "profit": _chart("HorizontalBar", f"Profit by category ({cur})", [r["key"] or "-" for r in categories],
                         [("revenue", [r["revenue"] for r in categories]),
                          ("gross profit", [r["gross_profit"] for r in categories])], legend_at_bottom=True),
        "stock": _chart("Line", f"Stock value at the end of each day ({cur})", [r["period"][-2:] for r in trend],
                        [("stock value", [r["value"] for r in trend])], show_legend=False, fill=True,
                        x_labels_major_every=5, show_minor_x_labels=False),
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value.as_tuple().exponent == -2 else f"{value:f}"
    return html.escape(str(value))


def _align(value) -> str:
    numeric = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    return ' class="n"' if numeric else ""


def _table(title: str, headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td{_align(c)}>{_cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(headers)}" class="none">(none)</td></tr>'
    return f"<section><h2>{html.escape(title)}</h2><table><tr>{head}</tr>{body}</table></section>"


_CSS = """
body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;margin:24px;color:#222;background:#f6f7f9}
h1{margin:0 0 4px}.sub{color:#666;margin-bottom:16px}
.kpis{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.kpi{background:#fff;border-radius:8px;padding:10px 16px;box-shadow:0 1px 3px #0002;min-width:130px}
.kpi b{display:block;font-size:22px}.kpi span{color:#666;font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:12px}
.chart svg{width:100%;height:auto;display:block}
.chart,section{background:#fff;border-radius:8px;padding:8px 12px;box-shadow:0 1px 3px #0002;margin-bottom:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}
th{color:#555}td.n{text-align:right;white-space:nowrap}h2{font-size:16px;margin:4px 0 8px}.none{color:#999;text-align:left}
"""


def page(report: dict) -> str:
    """The whole page as one HTML string."""
    svg = charts(report)
    pnl, prev, cur = report["pnl"], report["pnl_previous"], report["currency"]
    sales = report["sales_total"]
    summary = report["customer_summary"]
    kpis = [("revenue", pnl["revenue"]), ("gross profit", pnl["gross_profit"]),
            ("margin %", pnl["margin"]), ("orders taken", sales["orders"]),
            ("repurchase rate %", summary["repurchase_rate"]), ("stock value", report["stock_value"])]
    sections = [
        _table(f"Profit and loss ({cur})", ["", report["period"], report["previous"], "change"],
               [[k, pnl[k], prev[k], report["pnl_change"][k]] for k in
                ("revenue", "cogs", "shipping", "fees", "refunds", "gross_profit")]
               + [["margin %", pnl["margin"], prev["margin"], None]]),
        _table("Top SKUs", ["sku", "name", "revenue", "gross profit", "margin %"],
               [[r["key"], r["name"], r["revenue"], r["gross_profit"], r["margin"]] for r in report["top_skus"]]),
        _table("Channels", ["channel", "revenue", "fees", "gross profit", "margin %"],
               [[r["key"], r["revenue"], r["fees"], r["gross_profit"], r["margin"]] for r in report["channels"]]),
        _table(f"Top customers — {summary['customers']} customers, {summary['new']} new, "
               f"{summary['returning']} returning", ["customer", "orders", "spend", "segment", "favourite"],
               [[r["customer"], r["orders"], r["spend"], r["segment"], r["favourite_categories"]]
                for r in report["top_customers"]]),
        _table("Stock value by category", ["category", "units", "value", "share %"],
               [[r["category"] or "-", r["units"], r["value"], r["share_pct"]] for r in report["stock_by_category"]]),
        _table("Stock aging (value by lot age in days)", ["category", "0-30", "31-90", "91-180", "180+", "expiring"],
               [[r["category"] or "-", r["value_0_30"], r["value_31_90"], r["value_91_180"], r["value_180_plus"],
                 r["expiring_value"]] for r in report["aging"]]),
        _table("Carriers", ["carrier", "parcels", "on time %", "p50 days", "cost per kg"],
               [[f"{r['carrier']} {r['service']}".strip(), r["parcels"], r["on_time_pct"], r["p50_days"],
                 r["cost_per_kg"]] for r in report["carriers"]]),
        _table("Receivables to chase", ["customer", "balance due", "why"],
               [[r["customer"], r["balance_due"], r["why"]] for r in report["receivables"]]),
        _table("Alerts", ["severity", "kind", "message"],
               [[a["severity"], a["kind"], a["message"]] for a in report["alerts"]]),
    ]
    title = f"daigou monthly report {html.escape(report['period'])}"
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_CSS}</style></head><body><h1>{title}</h1>"
            f'<div class="sub">amounts in {html.escape(cur)}; compared with {html.escape(report["previous"])}</div>'
            '<div class="kpis">' + "".join(f'<div class="kpi"><span>{html.escape(n)}</span><b>{_cell(v)}</b></div>'
                                           for n, v in kpis) + "</div>"
            f'<div class="charts"><div class="chart" id="chart-sales">{svg["sales"]}</div>'
            f'<div class="chart" id="chart-profit">{svg["profit"]}</div>'
            f'<div class="chart" id="chart-stock">{svg["stock"]}</div></div>'
            f'<div class="grid">{"".join(sections)}</div></body></html>\n')


def write(report: dict, path: str) -> None:
    from pathlib import Path

    Path(path).write_text(page(report), encoding="utf-8")
