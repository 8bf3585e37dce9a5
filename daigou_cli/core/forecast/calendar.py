"""The shopping calendar a daigou lives by: Double 11, 618, Chinese New Year (a moving date,
from the table below) and Black Friday. Each event moves demand over a window of days around
its date; forecasts apply last year's uplift over that window to the SKUs and categories
tagged for the event (daigou_cli/core/forecast/tags.py)."""

from dataclasses import dataclass
from datetime import date, timedelta

from daigou_cli.core.errors import InvalidInput

# 春节 (the first day of the lunar year), 2020–2035.
CNY_DATES = {
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
    2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
    2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
}


def black_friday(year: int) -> date:
    """The day after the fourth Thursday of November."""
    first = date(year, 11, 1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    return thursday + timedelta(days=22)


def _cny(year: int) -> date | None:
    return CNY_DATES.get(year)


@dataclass(frozen=True)
class Event:
    name: str
    label: str
    before: int        # the window opens this many days before the date (presales, gifting)
    after: int         # and closes this many days after it (the tail, the holiday itself)

    def on(self, year: int) -> date | None:
        if self.name == "double11":
            return date(year, 11, 11)
        if self.name == "618":
            return date(year, 6, 18)
        if self.name == "black_friday":
            return black_friday(year)
        return _cny(year)

    @property
    def offsets(self) -> range:
        return range(-self.before, self.after + 1)


EVENTS = {e.name: e for e in (
    Event("double11", "Double 11 (双十一, Nov 11)", before=14, after=3),
    Event("618", "618 (Jun 18)", before=14, after=2),
    Event("cny", "Chinese New Year (春节)", before=21, after=14),
    Event("black_friday", "Black Friday to Cyber Monday", before=3, after=3),
)}
ALIASES = {"double_11": "double11", "11.11": "double11", "1111": "double11", "双11": "double11",
           "双十一": "double11", "6.18": "618", "june18": "618", "chinese_new_year": "cny",
           "spring_festival": "cny", "春节": "cny", "lunar_new_year": "cny", "bf": "black_friday",
           "blackfriday": "black_friday"}


def event(name: str, field: str = "--event") -> Event:
    key = str(name or "").strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    if key not in EVENTS:
        raise InvalidInput(f"{field}: unknown event {name!r} (known: {', '.join(EVENTS)})")
    return EVENTS[key]


def occurrences(ev: Event, first: date, last: date) -> list[date]:
    """Dates of `ev` whose window touches [first, last]; CNY only within its table's years."""
    found = []
    for year in range(first.year - 1, last.year + 2):
        day = ev.on(year)
        if day is None:
            continue
        if day - timedelta(days=ev.before) <= last and day + timedelta(days=ev.after) >= first:
            found.append(day)
    return found


def latest_complete(ev: Event, origin: date) -> date | None:
    """The last occurrence whose whole window lies on or before `origin`."""
    for year in range(origin.year, origin.year - 3, -1):
        day = ev.on(year)
        if day is not None and day + timedelta(days=ev.after) <= origin:
            return day
    return None


def calendar(first: date, last: date) -> list[dict]:
    """Every event in [first, last], for `history events`."""
    rows = []
    for ev in EVENTS.values():
        for day in occurrences(ev, first, last):
            if first <= day <= last:
                rows.append({"event": ev.name, "label": ev.label, "date": day,
                             "window_from": day - timedelta(days=ev.before),
                             "window_to": day + timedelta(days=ev.after)})
    return sorted(rows, key=lambda r: (r["date"], r["event"]))
