"""Synthetic daily demand for the forecast benchmark, from random.Random(seed) only: the same
seed gives the same numbers on any machine and Python version.

Each SKU has a category, a demand class, a weekly profile, a trend, maybe a launch or an end
(obsolescence), unannounced promotions, and the calendar: Double 11, 618, Chinese New Year
and Black Friday move the categories that respond to them (and fashion gets a Double 11
spike nobody tags). Smooth and erratic SKUs sell most days (gamma–Poisson counts, erratic
ones over-dispersed); intermittent and lumpy ones sell on some days only, in small steady
sizes or in bursts."""

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from daigou_cli.core.forecast.calendar import CNY_DATES, black_friday

CATEGORIES = (("cosmetics", 0.35), ("snacks", 0.25), ("electronics", 0.15), ("fashion", 0.25))
CLASSES = (("smooth", 0.25), ("erratic", 0.20), ("intermittent", 0.30), ("lumpy", 0.25))
# The tags a daigou who knows her categories would set (fashion's Double 11 spike is not tagged).
TAGS = {"cosmetics": ("double11", "618", "cny"), "snacks": ("cny",), "electronics": ("double11", "black_friday")}
WEEKLY = {  # Monday .. Sunday
    "cosmetics": (0.9, 0.85, 0.9, 1.0, 1.1, 1.15, 1.1), "snacks": (0.85, 0.9, 0.9, 1.0, 1.25, 1.1, 1.0),
    "electronics": (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0), "fashion": (0.8, 0.85, 0.9, 0.95, 1.1, 1.25, 1.15),
}


def _pick(rng: random.Random, weighted) -> str:
    x, total = rng.random(), 0.0
    for name, weight in weighted:
        total += weight
        if x < total:
            return name
    return weighted[-1][0]


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


def gamma_poisson(rng: random.Random, mean: float, shape: float) -> int:
    """Negative binomial: Poisson with a gamma-distributed mean (variance mean + mean²/shape)."""
    return poisson(rng, rng.gammavariate(shape, mean / shape)) if mean > 0 else 0


def calendar_factor(category: str, day: date, response: float) -> float:
    """How the shopping calendar moves a category on a day (1: not at all)."""
    f = 1.0
    d11 = (day - date(day.year, 11, 11)).days
    if category in ("cosmetics", "electronics"):
        if -14 <= d11 <= -1:
            f *= 1.0 + 0.5 * response * (1 + d11 / 14 + 0.5)
        elif d11 == 0:
            f *= 1.0 + 4.0 * response
        elif 1 <= d11 <= 3:
            f *= 0.7
    elif category == "fashion" and d11 == 0:
        f *= 1.8
    if category == "cosmetics" and -14 <= (day - date(day.year, 6, 18)).days <= 0:
        f *= 1.0 + 0.6 * response
    for when in (CNY_DATES.get(day.year), CNY_DATES.get(day.year + 1)):
        if when is None:
            continue
        c = (day - when).days
        if category == "snacks":
            if -21 <= c <= -3:
                f *= 1.0 + 1.2 * response
            elif 0 <= c <= 7:
                f *= 0.3
            elif 8 <= c <= 14:
                f *= 0.7
        elif category == "cosmetics" and 0 <= c <= 7:
            f *= 0.5
    if category == "electronics" and 0 <= (day - black_friday(day.year)).days <= 3:
        f *= 1.0 + 1.0 * response
    return f


@dataclass
class Sku:
    sku: str
    category: str
    kind: str
    lead_days: int
    level: float                 # mean units per day (smooth, erratic) or per sale (intermittent, lumpy)
    p: float                     # chance of a sale on a day (intermittent, lumpy)
    shape: float                 # gamma shape: small is erratic / lumpy
    weekly: tuple
    trend: float                 # total change over the period, as a factor
    start: int                   # launch day index (0: selling from the start)
    end: int                     # last day it sells (obsolescence), or beyond the period
    response: float              # how strongly it follows its category's calendar
    promos: list = field(default_factory=list)    # (first day, last day, factor)


def make_skus(rng: random.Random, count: int, days: int) -> list[Sku]:
    skus = []
    for i in range(count):
        category, kind = _pick(rng, CATEGORIES), _pick(rng, CLASSES)
        amplitude = rng.uniform(0.3, 1.2)
        weekly = tuple(1 + amplitude * (w - 1) + rng.gauss(0, 0.04) for w in WEEKLY[category])
        mean = sum(weekly) / 7
        weekly = tuple(w / mean for w in weekly)
        smooth = kind in ("smooth", "erratic")
        level = math.exp(rng.gauss(math.log(4.0), 0.7)) if smooth else 1 + math.exp(rng.gauss(math.log(1.5), 0.6))
        start = rng.randrange(60, days - 120) if rng.random() < 0.10 else 0
        end = rng.randrange(days - 200, days + 40) if rng.random() < 0.06 else days + 10_000
        promos = []
        for _ in range(poisson(rng, 2.0 * days / 365)):
            first = rng.randrange(days + 60)
            promos.append((first, first + rng.randrange(2, 7), rng.uniform(1.5, 3.0)))
        skus.append(Sku(
            sku=f"SKU-{i:05d}", category=category, kind=kind, lead_days=rng.choice((7, 10, 14, 14, 21)),
            level=level, p=rng.uniform(0.12, 0.55) if not smooth else 1.0,
            shape={"smooth": 25.0, "erratic": 0.8, "intermittent": 30.0, "lumpy": 0.7}[kind],
            weekly=weekly, trend=math.exp(rng.gauss(0, 0.3)), start=start, end=end,
            response=0.0 if rng.random() < 0.15 else math.exp(rng.gauss(0, 0.3)), promos=promos))
    return skus


def demand(rng: random.Random, sku: Sku, first: date, days: int) -> list[int]:
    """Units per day for `days` days from `first` (days after `sku.end` sell nothing)."""
    out = []
    for t in range(days):
        day = first + timedelta(days=t)
        if t < sku.start or t > sku.end:
            out.append(0)
            continue
        factor = sku.weekly[day.weekday()] * sku.trend ** (t / days)
        factor *= calendar_factor(sku.category, day, sku.response)
        if t - sku.start < 30:                     # a launch ramps up over a month
            factor *= 0.3 + 0.7 * (t - sku.start) / 30
        for lo, hi, boost in sku.promos:
            if lo <= t <= hi:
                factor *= boost
        if sku.kind in ("smooth", "erratic"):
            out.append(gamma_poisson(rng, sku.level * factor, sku.shape))
            continue
        p = sku.p * factor
        size_boost = max(p / 0.95, 1.0)
        if rng.random() < min(p, 0.95):
            out.append(1 + gamma_poisson(rng, (sku.level - 1) * size_boost, sku.shape))
        else:
            out.append(0)
    return out
