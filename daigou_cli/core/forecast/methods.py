"""Forecasting methods on one SKU's daily demand, in pure Python (lists of numbers in, numbers
out; no SQL). Each is small enough to check by hand: tests/test_forecast_methods.py does.

Pure Python on purpose: a SKU has at most a year of days, so the loops are short, and
importing numpy alone costs more start-up time than forecasting 2,000 SKUs here does."""

from itertools import pairwise
from math import sqrt
from operator import mul

ALPHA = 0.1           # SES smoothing, and TSB's demand-size smoothing
BETA = 0.1            # TSB's demand-probability smoothing
ADI_CUT = 1.32        # Syntetos–Boylan–Croston: average inter-demand interval ...
CV2_CUT = 0.49        # ... and squared coefficient of variation of the non-zero sizes
MIN_WEEKS = 4         # fewer whole weeks than this: no weekday index
MIN_FACTOR = 0.05     # a weekday that never sells still gets this (demand is divided by it)


def weekday_of(day: int) -> int:
    """Monday 0 ... Sunday 6, for a day given as date.toordinal()."""
    return (day + 6) % 7


def classify(values: list[float]) -> tuple[str, float | None, float | None]:
    """(class, ADI, CV²) of a series that starts at its first sale.

    ADI = days / days with a sale; CV² = variance / mean² of the non-zero quantities
    (population variance). smooth: ADI < 1.32 and CV² < 0.49; erratic: ADI < 1.32, CV² ≥ 0.49;
    intermittent: ADI ≥ 1.32, CV² < 0.49; lumpy: both at or over. No sale at all: none."""
    sizes = [v for v in values if v > 0]
    if not sizes:
        return "none", None, None
    adi = len(values) / len(sizes)
    mean = sum(sizes) / len(sizes)
    cv2 = max(sum(map(mul, sizes, sizes)) / len(sizes) - mean * mean, 0.0) / (mean * mean)
    if adi < ADI_CUT:
        return ("smooth" if cv2 < CV2_CUT else "erratic"), adi, cv2
    return ("intermittent" if cv2 < CV2_CUT else "lumpy"), adi, cv2


def ses(values: list[float], alpha: float = ALPHA) -> list[float]:
    """Simple exponential smoothing started at the first value: levels[t] is the level after
    day t, the forecast for every later day."""
    if not values:
        return []
    level = float(values[0])
    levels = [level]
    append = levels.append
    keep = 1.0 - alpha
    for value in values[1:]:
        level = keep * level + alpha * value
        append(level)
    return levels


def tsb(values: list[float], alpha: float = ALPHA, beta: float = BETA) -> list[float]:
    """Teunter–Syntetos–Babai for intermittent demand: the probability of a sale is smoothed
    every day (so demand that stops fades out), the size only on days with a sale. Starts
    from the share of days with a sale and the mean sale; out[t] = p × size after day t."""
    sizes = [v for v in values if v > 0]
    if not sizes:
        return [0.0] * len(values)
    p = len(sizes) / len(values)
    size = sum(sizes) / len(sizes)
    out = []
    append = out.append
    keep = 1.0 - beta
    for value in values:
        if value > 0:
            p = keep * p + beta
            size += alpha * (value - size)
        else:
            p *= keep
        append(p * size)
    return out


def weekday_index(values: list[float], first_weekday: int) -> list[float]:
    """Seven factors averaging 1 (Monday first) from the last whole weeks (up to 52) of
    `values`, shrunk toward 1 by the share of their spread that is noise (the weekday means'
    own sampling variance, times the 6 degrees of freedom of seven factors that average 1,
    against their spread: a James–Stein-type shrinkage). A clean weekly pattern keeps its
    full shape; a few scattered sales give factors of about 1. A weekday with no sales at
    all gets MIN_FACTOR, not 0."""
    weeks = min(len(values) // 7, 52)
    if weeks < MIN_WEEKS:
        return [1.0] * 7
    tail = values[len(values) - weeks * 7:]
    shift = (first_weekday + len(values) - weeks * 7) % 7      # weekday of tail[0]
    mean = sum(tail) / len(tail)
    if mean <= 0:
        return [1.0] * 7
    raw, noise = [0.0] * 7, 0.0
    for k in range(7):
        column = tail[k::7]
        m = sum(column) / weeks
        var = max(sum(map(mul, column, column)) - weeks * m * m, 0.0) / (weeks - 1)
        raw[(shift + k) % 7] = m / mean
        noise += var / (weeks * mean * mean) / 7
    spread = sum((r - 1.0) ** 2 for r in raw)
    if spread <= 0:
        return [1.0] * 7
    shrink = max(0.0, 1.0 - 6.0 * noise / spread)
    index = [max(1.0 + shrink * (r - 1.0), MIN_FACTOR) for r in raw]
    total = sum(index)
    return [w * 7.0 / total for w in index]


def seasonal_naive(values: list[float], horizon: int, season: int = 7) -> list[float]:
    """Each day as the same weekday last week (days before the series count as 0)."""
    last = values[-season:]
    last = [0.0] * (season - len(last)) + list(last)
    return [float(last[h % season]) for h in range(horizon)]


def moving_average(values: list[float], horizon: int, window: int = 28) -> list[float]:
    """The mean of the last `window` days, flat."""
    tail = values[-window:]
    level = sum(tail) / len(tail) if tail else 0.0
    return [level] * horizon


def normal_quantile(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


def rmsse(actual: list[float], forecast: list[float], history: list[float]) -> float | None:
    """Root mean squared scaled error (M5): scaled by the history's one-day naive errors."""
    scale = _naive_scale(history, squared=True)
    if not scale or not actual:
        return None
    mse = sum((a - f) ** 2 for a, f in zip(actual, forecast, strict=True)) / len(actual)
    return sqrt(mse / scale)


def mase(actual: list[float], forecast: list[float], history: list[float]) -> float | None:
    """Mean absolute scaled error, scaled the same way."""
    scale = _naive_scale(history, squared=False)
    if not scale or not actual:
        return None
    return sum(abs(a - f) for a, f in zip(actual, forecast, strict=True)) / len(actual) / scale


def _naive_scale(history: list[float], squared: bool) -> float | None:
    if len(history) < 2:
        return None
    diffs = [b - a for a, b in pairwise(history)]
    total = sum(d * d for d in diffs) if squared else sum(abs(d) for d in diffs)
    return total / len(diffs)
