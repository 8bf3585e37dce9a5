"""The time window a report covers: --from/--to dates, or --period (2026, 2026-10, 2026-Q4,
or the last 30d / 12w / 3m up to --to, --as-of or now). Bounds are UTC text; `days` is the
window's length, for averages over time."""

import re
from datetime import date, datetime, timedelta

from daigou_cli.core import clock
from daigou_cli.core.errors import InvalidInput

DEFAULT_PERIOD = "90d"
PERIOD_HELP = "2026, 2026-10, 2026-Q4, or the last 30d, 12w, 3m (default 90d)."


def _local_midnight(day: date, tz: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=clock.zone(tz))


def _calendar(text: str) -> tuple[date, date] | None:
    """[first day, day after the last) of a year, quarter or month."""
    leading = re.match(r"(\d{4})(?:-|[Qq]|$)", text)
    if leading and not clock.FIRST_DAY.year <= int(leading.group(1)) <= clock.LAST_DAY.year:
        raise clock.out_of_range("--period", text)  # year 0 or 10000 is no date at all
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m.group(1))
        return date(year, 1, 1), date(year + 1, 1, 1)
    if m := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text):
        year, quarter = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * quarter - 2, 1)
        return start, date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            return None
        return date(year, month, 1), date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return None


def calendar_span(text: str) -> tuple[date, date] | None:
    """[first day, day after the last) of a calendar --period (2026, 2026-Q4, 2026-11), else None."""
    return _calendar(text)


def window(tz: str, period: str | None = None, start: str | None = None, end: str | None = None,
           as_of: str | None = None) -> dict:
    """{start, end, days, label}: start inclusive, end inclusive (to the second)."""
    if period and (start or end):
        raise InvalidInput("--period: give either --period or --from/--to, not both")
    last = clock.parse_as_of(end or as_of, tz, "--to" if end else "--as-of") if (end or as_of) else None
    if period and (span := _calendar(period.strip())):
        first = clock.to_db(_local_midnight(span[0], tz))
        last = clock.to_db(_local_midnight(span[1], tz) - timedelta(seconds=1))
        label = period.strip()
    else:
        last = last or clock.to_db(clock.now_utc())
        if start:
            first = clock.parse_at(start, tz, "--from")  # a bare date: from that day's start
        else:
            if not clock.is_days(period or DEFAULT_PERIOD):
                raise InvalidInput(f"--period: {period!r} is not a period (like 2026, 2026-10, 2026-Q4, "
                                   "30d, 12w or 3m)")
            days = clock.parse_days(period or DEFAULT_PERIOD, "--period")
            if days <= 0:
                raise InvalidInput(f"--period: {period!r} must be at least one day")
            first = clock.to_db(clock.from_db(last) - timedelta(days=days) + timedelta(seconds=1))
        label = f"{clock.local_date(first, tz)}..{clock.local_date(last, tz)}"
    if first > last:
        raise InvalidInput("--from: the window starts after it ends")
    if clock.from_db(last) - clock.from_db(first) > timedelta(days=clock.MAX_DAYS):
        # the window before it must still be a date, and its days a list a report can hold
        raise InvalidInput(f"--from: the window is longer than {clock.MAX_DAYS} days (100 years)")
    seconds = (clock.from_db(last) - clock.from_db(first)).total_seconds() + 1
    return {"start": first, "end": last, "days": seconds / 86400, "label": label}
