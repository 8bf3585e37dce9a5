"""Forecasting every SKU at one origin day: pick the method by demand class, fit it on
weekday- and event-adjusted demand, forecast day by day, and turn the forecast into a
reorder policy. `report forecast`, `reorder` and the backtest all come through here.

Per SKU: a weekday index from the last 52 weeks (shrunk toward 1); the demand class from the
days since its first sale in the last 364; SES (smooth, erratic) or TSB (intermittent,
lumpy) on demand divided by the weekday index and any event uplift; the forecast for a day
is the level times that day's weekday index and uplift."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import mul, sub, truediv

from daigou_cli.core.forecast import methods
from daigou_cli.core.forecast.methods import weekday_of
from daigou_cli.core.forecast.policy import Policy, Settings, eoq, reorder_policy
from daigou_cli.core.forecast.uplift import Uplifts

FIT_DAYS = 364          # the last 52 weeks: class, weekday index and the smoothing, which
                        # starts at the first sale in them (a day a year back weighs 0.9^364)
WARMUP = 14             # lead-time errors are measured from this many days after the first sale
ERROR_DAYS = 364        # ... over the last 52 weeks of origins
METHODS = ("auto", "ses", "tsb", "seasonal_naive", "ma28")


@dataclass
class Fit:
    demand_class: str
    adi: float | None
    cv2: float | None
    method: str | None
    forecast: list[float]                       # day 1 .. len after the origin
    lead_variance: float = 0.0
    events: list[str] = field(default_factory=list)
    sale_days: int = 0                          # days with demand in the last 52 weeks


def choose(method: str, demand_class: str) -> str | None:
    """The method `auto` means for a class: none for a SKU that has not sold."""
    if method != "auto":
        return method
    if demand_class == "none":
        return None
    return "tsb" if demand_class in ("intermittent", "lumpy") else "ses"


def fit_sku(y: list[int], first_day: int, days: int, lead_days: int, method: str = "auto",
            uplift: dict[int, float] | None = None, weekday: list[float] | None = None) -> Fit:
    """Forecast `days` days after the last day of `y` (which starts on `first_day`)."""
    uplift = uplift or {}
    n = len(y)
    origin = first_day + n - 1
    start = max(0, n - FIT_DAYS)
    window = y[start:]
    if weekday is None:
        weekday = methods.weekday_index(window, weekday_of(first_day + start))
    sale = next((i for i, v in enumerate(window) if v > 0), None)
    if sale is None:
        return Fit("none", None, None, choose(method, "none"), [0.0] * days)
    values = window[sale:]
    demand_class, adi, cv2 = methods.classify(values)
    sale_days = round(len(values) / adi)
    chosen = choose(method, demand_class)
    if chosen == "seasonal_naive":
        forecast = methods.seasonal_naive(y, days)
        return Fit(demand_class, adi, cv2, chosen, forecast, _sum_variance(values, lead_days), [], sale_days)
    if chosen == "ma28":
        forecast = methods.moving_average(values, days)
        return Fit(demand_class, adi, cv2, chosen, forecast, _sum_variance(values, lead_days), [], sale_days)
    d0 = origin + 1 - len(values)
    factors = _factors(weekday, d0, len(values), uplift)
    adjusted = list(map(truediv, values, factors))
    levels = methods.ses(adjusted) if chosen == "ses" else methods.tsb(adjusted)
    level = max(levels[-1], 0.0)
    forecast = [level * f for f in _factors(weekday, origin + 1, days, uplift)]
    variance = _error_variance(values, levels, factors, lead_days)
    return Fit(demand_class, adi, cv2, chosen, forecast, variance, [], sale_days)


def _factors(weekday: list[float], first: int, count: int, uplift: dict[int, float]) -> list[float]:
    """Weekday index times event uplift for `count` days from day `first`."""
    w0 = weekday_of(first)
    week = weekday[w0:] + weekday[:w0]
    factors = (week * (count // 7 + 1))[:count]
    for day, factor in uplift.items():
        if 0 <= day - first < count:
            factors[day - first] *= factor
    return factors


def _prefix(values) -> list[float]:
    from itertools import accumulate

    return [0.0, *accumulate(values)]


def _error_variance(values: list[int], levels: list[float], factors: list[float], lead: int) -> float:
    """Variance of lead-time demand around the forecast: over every past day t of the last
    ERROR_DAYS (after a warm-up), demand in the `lead` days after t less what the level at t
    forecast for them, squared and averaged. Falls back to the variance of lead-time sums on
    short histories."""
    n = len(values)
    first = max(min(WARMUP, max(n - lead - 8, 0)), n - lead - ERROR_DAYS)
    if n - lead - first < 8:
        return _sum_variance(values, lead)
    units, weights = _prefix(values), _prefix(factors)
    actual = map(sub, units[first + 1 + lead:n + 1], units[first + 1:n + 1 - lead])
    expected = map(mul, levels[first:n - lead], map(sub, weights[first + 1 + lead:n + 1],
                                                   weights[first + 1:n + 1 - lead]))
    errors = list(map(sub, actual, expected))
    return sum(map(mul, errors, errors)) / len(errors)


def _sum_variance(values: list[int], lead: int) -> float:
    """Variance of demand summed over `lead` consecutive days (overlapping windows); with too
    little history, `lead` times the daily variance, or the mean (Poisson) for one day."""
    n = len(values)
    if n - lead + 1 >= 8:
        units = _prefix(values)
        sums = [units[t + lead] - units[t] for t in range(n - lead + 1)]
        m = sum(sums) / len(sums)
        return sum((s - m) ** 2 for s in sums) / (len(sums) - 1)
    if n >= 2:
        m = sum(values) / n
        return lead * sum((v - m) ** 2 for v in values) / (n - 1)
    return float(lead * values[0]) if values else 0.0


@dataclass
class Item:
    """What the engine knows about one SKU besides its demand."""

    sku: str
    category: str | None = None
    lead_days: int = 14
    lead_sd: float = 0.0
    unit_cost: float | None = None
    events: frozenset = frozenset()


@dataclass
class Result:
    fit: Fit
    per_day: float
    total: float
    policy: Policy


def forecast_all(series: dict[str, list[int]], first_day: int, origin: date, items: list[Item],
                 horizon: int, method: str, st: Settings, progress=None,
                 pool: list[Item] | None = None) -> dict[str, Result]:
    """Forecast every item at `origin`; `series` holds days first_day .. origin. Event uplift
    is pooled over `pool` (default: the items): every SKU tagged for those events, so that a
    SKU's forecast does not depend on which others were asked for."""
    end = origin.toordinal()
    uplifts = Uplifts(origin, st.event_uplift_cap)
    weekdays: dict[str, list[float]] = {}
    for item in items if pool is None else pool:
        y = series.get(item.sku)
        if item.events and y is not None:
            tail = max(0, len(y) - FIT_DAYS)
            weekdays[item.sku] = methods.weekday_index(y[tail:], weekday_of(first_day + tail))
            uplifts.observe(item.sku, item.category, item.events, y, first_day, weekdays[item.sku])
    out = {}
    for done, item in enumerate(items, 1):
        out[item.sku] = forecast_item(item, series.get(item.sku), first_day, end, horizon, method, st,
                                      uplifts, weekdays.get(item.sku))
        if progress is not None:
            progress(done, len(items))
    return out


def forecast_item(item: Item, y: list[int] | None, first_day: int, end: int, horizon: int, method: str,
                  st: Settings, uplifts: Uplifts, weekday: list[float] | None) -> Result:
    lead = max(int(item.lead_days), 1)
    days = max(horizon, lead)
    if y is None:
        fit = Fit("none", None, None, choose(method, "none"), [0.0] * days)
    else:
        factors = uplifts.factors(item.sku, item.category, item.events, end - FIT_DAYS, end + days) \
            if item.events else {}
        fit = fit_sku(y, first_day, days, lead, method, factors, weekday)
        fit.events = sorted({name for name in item.events if _touches(uplifts, name, item, end, days)})
    total = sum(fit.forecast[:horizon])
    per_day = total / horizon
    lead_demand = sum(fit.forecast[:lead])
    daily = lead_demand / lead
    quantity = eoq(per_day, item.unit_cost, st.order_cost, st.holding_rate)
    policy = reorder_policy(lead_demand, fit.lead_variance, daily, item.lead_sd, st.z, st.cover_days, quantity) \
        if lead_demand > 0 else Policy(0.0, 0.0, 0, 0, None)
    return Result(fit, per_day, total, policy)


def _touches(uplifts: Uplifts, name: str, item: Item, end: int, days: int) -> bool:
    """The event's window falls in the forecast days and there is an uplift to apply."""
    return uplifts.profile(name, item.sku, item.category) is not None and \
        uplifts.touches(name, end + 1, end + days)


def window(origin: date, events=(), extra_days: int = 0) -> tuple[date, date]:
    """The days of history a forecast at `origin` reads: the last 52 weeks, and for each
    event something is tagged for, its last occurrence and the four weeks before it."""
    from daigou_cli.core.forecast.calendar import EVENTS, latest_complete
    from daigou_cli.core.forecast.uplift import BASELINE_DAYS

    first = origin - timedelta(days=FIT_DAYS - 1)
    for name in events:
        last = latest_complete(EVENTS[name], origin)
        if last is not None:
            first = min(first, last - timedelta(days=EVENTS[name].before + BASELINE_DAYS))
    return first - timedelta(days=extra_days), origin
