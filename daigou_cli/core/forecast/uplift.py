"""Last year's event uplift, for SKUs tagged for an event.

For each day of an event's window (days before and after its date), the uplift is demand
that day last time the event came round over the SKU's level in the 28 days before the
window opened, both weekday-adjusted. One SKU's single day is noisy, so the ratio is
shrunk toward its category's (among tagged SKUs), and that toward the event's over every
tagged SKU, and that toward 1 (no effect), each by PRIOR_UNITS units of evidence (a gamma–
Poisson posterior mean), each pool counting the other SKUs only:
    uplift = (units that day + PRIOR_UNITS × pooled uplift) / (baseline per day + PRIOR_UNITS).
The result is capped at config event_uplift_cap (and floored at FLOOR: a holiday can all but
stop sales, but a factor of 0 could not be divided out of history)."""

from datetime import date
from operator import add, truediv

from daigou_cli.core.forecast.calendar import EVENTS, Event, latest_complete, occurrences
from daigou_cli.core.forecast.methods import weekday_of

BASELINE_DAYS = 28
PRIOR_UNITS = 3.0
FLOOR = 0.05


class Pool:
    """Weekday-adjusted units on each day of an event's window (in offset order) and the
    baseline units per day before it: one SKU's, or summed over several."""

    __slots__ = ("units", "base")

    def __init__(self, units: list[float], base: float):
        self.units, self.base = units, base

    def add(self, other: "Pool") -> None:
        self.units = list(map(add, self.units, other.units))
        self.base += other.base


def _week(weekday: list[float], first: int, count: int) -> list[float]:
    w0 = weekday_of(first)
    return ((weekday[w0:] + weekday[:w0]) * (count // 7 + 1))[:count]


def evidence(y: list[int], first_day: int, weekday: list[float], ev: Event, last: date | None) -> Pool | None:
    """One SKU's units around the event's last complete occurrence, and its baseline before."""
    if last is None:
        return None
    opens = last.toordinal() - ev.before
    lo = opens - BASELINE_DAYS - first_day
    hi = last.toordinal() + ev.after - first_day + 1
    if lo < 0 or hi > len(y):
        return None
    days = hi - lo
    adjusted = list(map(truediv, y[lo:hi], _week(weekday, first_day + lo, days)))
    return Pool(adjusted[BASELINE_DAYS:], sum(adjusted[:BASELINE_DAYS]) / BASELINE_DAYS)


class Uplifts:
    """Pools evidence over the tagged SKUs, then gives each SKU its factor per day."""

    def __init__(self, origin: date, cap: float):
        self.origin, self.cap = origin, cap
        self.last = {name: latest_complete(ev, origin) for name, ev in EVENTS.items()}
        self.event_pool: dict[str, Pool] = {}
        self.category_pool: dict[tuple[str, str], Pool] = {}
        self.own: dict[tuple[str, str], Pool] = {}
        self._profiles: dict[tuple[str, str], list[float] | None] = {}
        self._occurrences: dict[tuple[str, int, int], list[int]] = {}

    def observe(self, sku: str, category: str | None, events, y: list[int], first_day: int,
                weekday: list[float]) -> None:
        for name in events:
            found = evidence(y, first_day, weekday, EVENTS[name], self.last[name])
            if found is None:
                continue
            self.own[(name, sku)] = found
            for pools, key in ((self.event_pool, name), (self.category_pool, (name, category or ""))):
                if key in pools:
                    pools[key].add(found)
                else:
                    pools[key] = Pool(list(found.units), found.base)

    def factors(self, sku: str, category: str | None, events, first: int, last: int) -> dict[int, float]:
        """Day -> uplift for the SKU's tagged events whose windows touch days [first, last]."""
        out: dict[int, float] = {}
        for name in sorted(events):
            profile = self.profile(name, sku, category)
            if profile is None:
                continue
            before = EVENTS[name].before
            for day in self._dates(name, first, last):
                for i, factor in enumerate(profile):
                    when = day - before + i
                    if first <= when <= last:
                        out[when] = out.get(when, 1.0) * factor
        return out

    def _dates(self, name: str, first: int, last: int) -> list[int]:
        key = (name, first, last)
        if key not in self._occurrences:
            found = occurrences(EVENTS[name], date.fromordinal(first), date.fromordinal(last))
            self._occurrences[key] = [d.toordinal() for d in found]
        return self._occurrences[key]

    def touches(self, name: str, first: int, last: int) -> bool:
        return bool(self._dates(name, first, last))

    def profile(self, name: str, sku: str, category: str | None) -> list[float] | None:
        """The factor for each day of the event's window, first day first. Each level is
        shrunk toward the one above, which is built from the other SKUs only (the SKU's own
        days are not counted twice); the event's own level is shrunk toward 1, no effect."""
        key = (name, sku)
        if key not in self._profiles:
            self._profiles[key] = self._profile(name, sku, category)
        return self._profiles[key]

    def _profile(self, name: str, sku: str, category: str | None) -> list[float] | None:
        pool = self.event_pool.get(name)
        if pool is None:
            return None
        size = len(EVENTS[name].offsets)
        none = Pool([0.0] * size, 0.0)
        cat = self.category_pool.get((name, category or ""), none)
        own = self.own.get((name, sku), none)
        m, cap = PRIOR_UNITS, self.cap
        event_base = max(pool.base - own.base, 0.0) + m
        cat_base = max(cat.base - own.base, 0.0) + m
        own_base = own.base + m
        out = []
        for everyone, in_cat, mine in zip(pool.units, cat.units, own.units, strict=True):
            overall = (max(everyone - mine, 0.0) + m) / event_base
            in_category = (max(in_cat - mine, 0.0) + m * overall) / cat_base
            out.append(min(max((mine + m * in_category) / own_base, FLOOR), cap))
        return out
