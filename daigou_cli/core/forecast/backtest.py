"""`report forecast --backtest`: how good the forecasts have been on this ledger. From each of
N origins (every --horizon days back from --as-of) every method forecasts the next --horizon
days from the history before the origin only, and is scored against what happened:

    rmsse     root mean squared scaled error (the M5 measure), averaged over SKUs and origins
    mase      mean absolute scaled error, scaled the same way (by one-day naive errors in-sample)
    bias      (forecast − actual) / actual, summed over SKUs and days: +0.10 is 10% too high
    coverage  share of SKU-origins whose demand over the lead time stayed at or under the
              reorder point the method implied (the service level actually reached)

per method and per demand class (the class each SKU had at the origin), plus `all`."""

import sqlite3
from datetime import timedelta

from daigou_cli.core import config
from daigou_cli.core.forecast import demand, engine, methods
from daigou_cli.core.forecast.policy import settings
from daigou_cli.core.forecast.report import event_pool, items, parse_skus

COLUMNS = ["method", "demand_class", "series", "rmsse", "mase", "bias", "coverage", "rmsse_vs_seasonal_naive"]
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "all")


class _Score:
    def __init__(self):
        self.rmsse, self.mase = [], []
        self.forecast = self.actual = 0.0
        self.covered = self.judged = 0

    def add(self, actual, forecast, history, lead_actual, reorder_point) -> None:
        r = methods.rmsse(actual, forecast, history)
        if r is not None:
            self.rmsse.append(r)
            self.mase.append(methods.mase(actual, forecast, history))
        self.forecast += sum(forecast)
        self.actual += sum(actual)
        if lead_actual is not None:
            self.judged += 1
            self.covered += lead_actual <= reorder_point

    def row(self) -> dict:
        def mean(xs):
            return round(sum(xs) / len(xs), 3) if xs else None

        return {"series": len(self.rmsse), "rmsse": mean(self.rmsse), "mase": mean(self.mase),
                "bias": round((self.forecast - self.actual) / self.actual, 3) if self.actual else None,
                "coverage": round(self.covered / self.judged, 3) if self.judged else None}


def backtest(conn: sqlite3.Connection, as_of: str, horizon: int, origins: int, skus=None,
             progress=None) -> list[dict]:
    tz = config.get(conn, "timezone")
    st = settings(conn)
    skus = parse_skus(conn, skus)
    last = demand.origin_day(as_of, tz)
    its, _rows = items(conn, as_of, skus, st)
    pool, wanted = event_pool(conn, as_of, its, skus, st)
    # Each origin needs its own last year's event windows: 13 weeks more covers any of them.
    first, _ = engine.window(last, {e for item in its for e in item.events}, origins * horizon + 91)
    series = demand.daily_demand(conn, first, last, as_of, tz, wanted)
    base = first.toordinal()
    scores = {(m, c): _Score() for m in engine.METHODS for c in CLASSES}
    steps = origins * len(engine.METHODS)
    for k in range(1, origins + 1):
        origin = last - timedelta(days=k * horizon)
        cut = origin.toordinal() - base + 1
        past = {sku: y[:cut] for sku, y in series.items()}
        classes = {}
        for j, method in enumerate(engine.METHODS):
            results = engine.forecast_all(past, base, origin, its, horizon, method, st, None, pool)
            for item in its:
                y = series.get(item.sku)
                fit = results[item.sku].fit
                if method == "auto":
                    classes[item.sku] = fit.demand_class
                if y is None or classes.get(item.sku, "none") == "none":
                    continue
                actual = y[cut:cut + horizon]
                start = next(i for i, v in enumerate(y[:cut]) if v > 0)
                lead = max(item.lead_days, 1)
                lead_actual = sum(y[cut:cut + lead]) if cut + lead <= len(y) else None
                args = (actual, fit.forecast[:horizon], y[start:cut], lead_actual,
                        results[item.sku].policy.reorder_point)
                scores[(method, classes[item.sku])].add(*args)
                scores[(method, "all")].add(*args)
            if progress is not None:
                progress((k - 1) * len(engine.METHODS) + j + 1, steps)
    rows = []
    for method in engine.METHODS:
        for cls in CLASSES:
            row = scores[(method, cls)].row()
            if row["series"] or cls == "all":
                naive = scores[("seasonal_naive", cls)].row()["rmsse"]
                ratio = round(row["rmsse"] / naive - 1, 3) if row["rmsse"] is not None and naive else None
                rows.append({"method": method, "demand_class": cls, **row, "rmsse_vs_seasonal_naive": ratio})
    return rows
