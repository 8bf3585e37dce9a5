"""Time buckets for the money reports: whole business days, ISO weeks or months (in the
business time zone, so DST and UTC offsets are right) as UTC bounds that SQL joins facts to
(`json_each(:buckets)`), and the window just before a window, for "previous period" columns."""

import json
import re
from datetime import date, datetime, timedelta

from daigou_cli.core import clock

UNITS = ("day", "week", "month")


def _midnight(day: date, tz: str) -> str:
    return clock.to_db(datetime(day.year, day.month, day.day, tzinfo=clock.zone(tz)))


def _day(text: str, tz: str) -> date:
    return date.fromisoformat(clock.local_date(text, tz))


def _first(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _next(day: date, unit: str) -> date:
    if unit == "week":
        return day + timedelta(days=7)
    if unit == "month":
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return day + timedelta(days=1)


def label(day: date, unit: str) -> str:
    """2026-11-05, 2026-W45 (ISO week), 2026-11."""
    if unit == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def buckets(window: dict, tz: str, unit: str, before: int = 0, clip: bool = False) -> list[dict]:
    """Whole days/weeks/months that overlap the window (weeks and months are not cut at
    its edges unless `clip`), oldest first, with `before` more ahead of the first one:
    [{label, start, end, first_day}], start and end inclusive UTC text."""
    day = _first(_day(window["start"], tz), unit)
    for _ in range(before):
        day = _first(day - timedelta(days=1), unit)
    last = _day(window["end"], tz)
    out = []
    while day <= last:
        following = _next(day, unit)
        end = clock.to_db(clock.from_db(_midnight(following, tz)) - timedelta(seconds=1))
        out.append({"label": label(day, unit), "start": _midnight(day, tz), "end": end, "first_day": day})
        day = following
    if clip:
        for span in out:
            span["start"], span["end"] = max(span["start"], window["start"]), min(span["end"], window["end"])
    return out


def as_json(rows: list[dict]) -> str:
    """What `json_each(:buckets)` reads: [[label, start, end], ...]."""
    return json.dumps([[b["label"], b["start"], b["end"]] for b in rows])


BUCKETS_CTE = ("b AS (SELECT json_extract(value, '$[0]') AS label, json_extract(value, '$[1]') AS start, "
               "json_extract(value, '$[2]') AS end FROM json_each(:buckets))")


def previous(window: dict, tz: str) -> dict:
    """The window before: the previous year, quarter or month for a calendar --period, else
    the same length of time just before it."""
    text = window["label"]
    start = _day(window["start"], tz)
    if re.fullmatch(r"\d{4}", text):
        first, last = date(start.year - 1, 1, 1), date(start.year, 1, 1)
        name = str(start.year - 1)
    elif m := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text):
        year, quarter = int(m.group(1)), int(m.group(2)) - 1
        if quarter == 0:
            year, quarter = year - 1, 4
        first, last = date(year, 3 * quarter - 2, 1), start
        name = f"{year}-Q{quarter}"
    elif re.fullmatch(r"\d{4}-\d{1,2}", text):
        first = (start - timedelta(days=1)).replace(day=1)
        last, name = start, label(first, "month")
    else:
        length = clock.from_db(window["end"]) - clock.from_db(window["start"]) + timedelta(seconds=1)
        begin = clock.from_db(window["start"]) - length
        end = clock.from_db(window["start"]) - timedelta(seconds=1)
        return {"start": clock.to_db(begin), "end": clock.to_db(end), "days": window["days"],
                "label": f"{clock.local_date(clock.to_db(begin), tz)}..{clock.local_date(clock.to_db(end), tz)}"}
    end = clock.to_db(clock.from_db(_midnight(last, tz)) - timedelta(seconds=1))
    begin = _midnight(first, tz)
    days = (clock.from_db(end) - clock.from_db(begin)).total_seconds() / 86400 + 1 / 86400
    return {"start": begin, "end": end, "days": days, "label": name}


def month_of(as_of: str, tz: str) -> str:
    """The business month (2026-11) of a moment; now for the end of time."""
    moment = clock.now_utc() if as_of == clock.END_OF_TIME else clock.from_db(as_of)
    day = moment.astimezone(clock.zone(tz)).date()
    return label(day, "month")
