"""Time: stored as UTC ISO-8601 text ('2026-11-11T12:00:00Z', sortable); typed and shown
in the business time zone. pendulum is imported only when a user actually types a time."""

import re
from datetime import date, datetime, timedelta, timezone

from daigou_cli.core.errors import InvalidInput

DB_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
END_OF_TIME = "9999-12-31T23:59:59Z"
_RELATIVE = re.compile(r"^(\d+)\s*([dwh])\s*(ago)?$|^-(\d+)\s*([dwh])$")


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def to_db(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(DB_FORMAT)


def from_db(text: str | None) -> datetime | None:
    if not text:
        return None
    # fromisoformat reads DB_FORMAT ("...Z") about ten times faster than strptime, which
    # matters when a list turns 50,000 stored times into local ones.
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def zone(tz_name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(tz_name)


def _relative(text: str, tz_name: str) -> datetime | None:
    word = text.strip().lower()
    local_now = now_utc().astimezone(zone(tz_name))
    if word in ("now", ""):
        return local_now
    if word in ("today", "yesterday", "tomorrow"):
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[word]
        return local_now + timedelta(days=shift)
    match = _RELATIVE.match(word)
    if match:
        number = int(match.group(1) or match.group(4))
        unit = match.group(2) or match.group(5)
        return local_now - timedelta(**{{"d": "days", "w": "weeks", "h": "hours"}[unit]: number})
    return None


def _parse(text: str, tz_name: str, field: str) -> tuple[datetime, bool]:
    """(moment, date_only) for what a user typed, in the business time zone."""
    moment = _relative(text, tz_name)
    if moment is not None:
        return moment, text.strip().lower() in ("today", "yesterday", "tomorrow")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:  # a plain date needs no pendulum (importing it costs ~40 ms of a command's start)
            day = date.fromisoformat(text.strip())
            return datetime(day.year, day.month, day.day, tzinfo=zone(tz_name)), True
        except ValueError:
            pass  # pendulum says what is wrong with it
    import pendulum

    try:
        parsed = pendulum.parse(text.strip(), tz=tz_name, strict=False)
    except Exception:
        raise InvalidInput(f"{field}: {text!r} is not a date or time (try 2026-11-11, 2026-11-11T20:00 or yesterday)") from None
    if isinstance(parsed, pendulum.Date) and not isinstance(parsed, pendulum.DateTime):
        return datetime(parsed.year, parsed.month, parsed.day, tzinfo=zone(tz_name)), True
    if not isinstance(parsed, datetime):
        raise InvalidInput(f"{field}: {text!r} is not a date or time")
    date_only = bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()))
    return parsed, date_only


def parse_at(text: str | None, tz_name: str, field: str = "--at") -> str:
    """When a fact happened: now by default; a bare date means the start of that business day."""
    if text is None:
        return to_db(now_utc())
    moment, date_only = _parse(text, tz_name, field)
    if date_only and text.strip().lower() not in ("today", "yesterday", "tomorrow"):
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return to_db(moment)


def parse_as_of(text: str | None, tz_name: str, field: str = "--as-of") -> str:
    """The state as it was then: a bare date includes the whole of that day."""
    if text is None:
        return END_OF_TIME
    moment, date_only = _parse(text, tz_name, field)
    if date_only:
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=0)
    return to_db(moment)


def parse_date(text: str | None, field: str = "date") -> str | None:
    """A calendar date (expiry, due date) as ISO 'YYYY-MM-DD'."""
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip().replace("/", "-")
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise InvalidInput(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None


def local_date(db_text: str, tz_name: str) -> str:
    """The business-day date of a stored UTC time."""
    return from_db(db_text).astimezone(zone(tz_name)).date().isoformat()


def parse_days(text: str, field: str = "period") -> int:
    """'30d', '2w', '3m' or '30' -> days."""
    match = re.fullmatch(r"\s*(\d+)\s*([dwmy]?)\s*", str(text).lower())
    if not match:
        raise InvalidInput(f"{field}: {text!r} is not a number of days (like 30d, 2w, 3m)")
    number, unit = int(match.group(1)), match.group(2) or "d"
    return number * {"d": 1, "w": 7, "m": 30, "y": 365}[unit]
