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


# The dates a ledger takes: a daigou's business has no facts before the Unix epoch, and
# END_OF_TIME (9999-12-31) means "no --as-of", so a real date stays a year below it. The
# bounds also keep every moment convertible to UTC text (year 1 in UTC+8 is not).
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)
# Like pendulum's yesterday()/today()/tomorrow(): the start of that business day.
DAY_WORDS = {"yesterday": -1, "today": 0, "tomorrow": 1}


def _midnight(day: date, tz_name: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone(tz_name))


def _relative(word: str, tz_name: str) -> tuple[datetime, bool] | None:
    """(moment, date_only) for now, yesterday/today/tomorrow and 3d / 12h ago / -2w."""
    local_now = now_utc().astimezone(zone(tz_name))
    if word in ("now", ""):
        return local_now, False
    if word in DAY_WORDS:
        return _midnight(local_now.date() + timedelta(days=DAY_WORDS[word]), tz_name), True
    match = _RELATIVE.match(word)
    if match:
        number = int(match.group(1) or match.group(4))
        unit = match.group(2) or match.group(5)
        return local_now - timedelta(**{{"d": "days", "w": "weeks", "h": "hours"}[unit]: number}), False
    return None


def out_of_range(field: str, text: str) -> InvalidInput:
    return InvalidInput(f"{field}: {text!r} is out of range ({FIRST_DAY} to {LAST_DAY})")


def _parse(text: str, tz_name: str, field: str) -> tuple[datetime, bool]:
    """(moment, date_only) for what a user typed, in the business time zone, within range."""
    try:
        moment, date_only = _relative(text.strip().lower(), tz_name) or _absolute(text, tz_name, field)
    except (OverflowError, ValueError):  # 99999999d ago, a year datetime cannot hold, 5000 digits
        raise out_of_range(field, text) from None
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise out_of_range(field, text)
    return moment, date_only


def _absolute(text: str, tz_name: str, field: str) -> tuple[datetime, bool]:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:  # a plain date needs no pendulum (importing it costs ~40 ms of a command's start)
            return _midnight(date.fromisoformat(text.strip()), tz_name), True
        except ValueError:
            pass  # pendulum says what is wrong with it
    import pendulum

    try:
        parsed = pendulum.parse(text.strip(), tz=tz_name, strict=False)
    except Exception:
        raise InvalidInput(f"{field}: {text!r} is not a date or time (try 2026-11-11, 2026-11-11T20:00 or yesterday)") from None
    if isinstance(parsed, pendulum.Date) and not isinstance(parsed, pendulum.DateTime):
        return _midnight(parsed, tz_name), True
    if not isinstance(parsed, datetime):
        raise InvalidInput(f"{field}: {text!r} is not a date or time")
    try:
        parsed.utcoffset()  # pendulum reads +99:00; datetime refuses it only when converting
    except ValueError:
        raise InvalidInput(f"{field}: {text!r} has a UTC offset beyond ±24:00") from None
    return parsed, bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()))


def parse_at(text: str | None, tz_name: str, field: str = "--at") -> str:
    """When a fact happened: now by default; a bare date (or yesterday/today/tomorrow) means
    the start of that business day."""
    if text is None:
        return to_db(now_utc())
    moment, date_only = _parse(text, tz_name, field)
    if date_only:
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return to_db(moment)


def parse_as_of(text: str | None, tz_name: str, field: str = "--as-of") -> str:
    """The state as it was then: a bare date (or yesterday/today/tomorrow) includes the whole
    of that day."""
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


# A longer span than any ledger holds, short enough that a date plus or minus it stays a date.
MAX_DAYS = 36500
_DAYS = re.compile(r"\s*(\d+)\s*([dwmy]?)\s*")


def is_days(text: str) -> bool:
    """Whether `text` reads as a number of days (the span may still be too long)."""
    return bool(_DAYS.fullmatch(str(text).lower()))


def parse_days(text: str, field: str = "period") -> int:
    """'30d', '2w', '3m' or '30' -> days."""
    match = _DAYS.fullmatch(str(text).lower())
    if not match:
        raise InvalidInput(f"{field}: {text!r} is not a number of days (like 30d, 2w, 3m)")
    digits, unit = match.group(1).lstrip("0") or "0", match.group(2) or "d"
    # checking the length first spares int() thousands of digits (which it refuses)
    days = int(digits) * {"d": 1, "w": 7, "m": 30, "y": 365}[unit] if len(digits) <= 6 else MAX_DAYS + 1
    if days > MAX_DAYS:
        raise InvalidInput(f"{field}: {text!r} is more than {MAX_DAYS} days (100 years)")
    return days
