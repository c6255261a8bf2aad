"""Dates and times: the one place that reads what users type and knows the clock.

Everything is stored in UTC (aware datetimes) and shown in local time.

Pinned meanings of the everyday phrases (documented in docs/dates.md):

- `now`; `today`, `tomorrow`, `yesterday`: those local calendar days.
- `monday` .. `sunday` (or `mon`, `fri`, ...) and `next friday`: the first such day
  *after* today, so on a Friday `next fri` is a week away. `last friday`: the latest before today.
- `in 3 days`, `in 2 weeks`, `in 1 month`, `in 4 hours`; `3 days ago`, `2w ago`.
- `3d`, `2w`, `5h`, `1mo`: durations from now. Forward by default; options that look back
  (`--since`, `--until`) read a bare duration as "ago".
- `dec 15`, `15 dec`, `december 15` (any month name or its first three letters, `sept`
  too), optionally with a year (`dec 15 2027`): without a year the next such day from today
  on, today included (looking back, as `--since` does: the latest up to today).
- `eow`: the end of the work week, this week's Friday (on a weekend, the coming Friday).
  `eom`: the last day of this month. `next week`: next Monday. `next month`: its first day.
- ISO `2026-12-01`, `2026-12-01 14:30`, `2026-12-01T14:30:00+01:00`; naive times are local.
- Any phrase may end in a time of day: `tomorrow 14:30`, `next fri 9:00`, `today 5pm`.

A phrase without a time of day gives a *date*: `When.has_time` is False and `When.at` is the
local midnight starting that day, in UTC. Callers decide what a date means for them.

The clock can be frozen with the environment variable `TERMCRM_NOW` (ISO datetime; naive is
local): tests, demos and scripts that need a fixed "today" use it.

Every date termcrm reads lies in the years `MIN_YEAR`-`MAX_YEAR` (1900-2999, docs/security.md):
`9999-12-31` or `in 9999 years` is refused here with `Invalid` naming the field, so no later
step (an agenda, a recurrence, an iCalendar export, local time east of UTC) meets a date at
the edge of what Python can represent.
"""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from termcrm.errors import Invalid

NOW_ENV = "TERMCRM_NOW"

WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip

MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip

UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "mo": "months", "month": "months", "months": "months",
    "y": "years", "yr": "years", "year": "years", "years": "years",
}  # fmt: skip

_DURATION = re.compile(r"^(\d{1,4})\s*([a-z]+)$")
_TIME_SUFFIX = re.compile(r"^(.*?)\s*(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")

#: the range of every stored date (docs/security.md)
MIN_YEAR = 1900
MAX_YEAR = 2999

HINT = "try 2026-12-01, '2026-12-01 14:30', 'tomorrow', 'next fri', 'in 3 days', '3d' or 'eow'"


@dataclass(frozen=True)
class When:
    """A point in time read from user input."""

    at: datetime  # aware, UTC
    has_time: bool

    @property
    def local(self) -> datetime:
        return self.at.astimezone()

    @property
    def local_date(self) -> date:
        return self.local.date()


# -- the clock -------------------------------------------------------------------------------


def now() -> datetime:
    """The current time, aware, in UTC (frozen by `TERMCRM_NOW` when set)."""
    frozen = os.environ.get(NOW_ENV)
    if frozen:
        try:
            return _aware(datetime.fromisoformat(frozen.strip()))
        except ValueError as exc:
            raise Invalid(f"{NOW_ENV}={frozen!r} is not an ISO datetime") from exc
    return datetime.now(UTC)


def today() -> date:
    """Today's local date."""
    return now().astimezone().date()


def _aware(dt: datetime) -> datetime:
    """Naive means local; the result is in UTC."""
    if dt.tzinfo is None:
        dt = dt.astimezone()  # interprets naive as local time, DST-correct for that date
    return dt.astimezone(UTC)


def combine_local(d: date, t: time) -> datetime:
    """The UTC instant of local date `d` at local time of day `t`."""
    return _aware(datetime.combine(d, t))


def local_midnight(d: date) -> datetime:
    """The UTC instant at which local day `d` begins."""
    return combine_local(d, time())


def day_bounds(d: date) -> tuple[datetime, datetime]:
    """[start, end) of local day `d` in UTC."""
    return local_midnight(d), local_midnight(d + timedelta(days=1))


def as_utc(dt: datetime) -> datetime:
    """Databases (SQLite) may hand back naive datetimes: those are UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def to_local(dt: datetime) -> datetime:
    """Local time; a stored value at the very edge of the calendar stays in UTC rather than
    fail (only data written before the range check can be there)."""
    try:
        return as_utc(dt).astimezone()
    except (OverflowError, ValueError):
        return as_utc(dt)


def check_range(at: datetime | date, raw: object = None, field: str | None = None):
    """`at` itself if its year is within `MIN_YEAR`-`MAX_YEAR`; else `Invalid` naming `field`."""
    if not MIN_YEAR <= at.year <= MAX_YEAR:
        shown = raw if raw is not None else at.isoformat()
        raise Invalid(
            f"{_label(field)}{shown!r} is out of range: dates run from {MIN_YEAR} to {MAX_YEAR}",
            field=field,
        )
    return at


def _naming(message: str, field: str) -> str:
    """`message` naming the input it is about: "Cannot read 'x' as a date (due); ..."."""
    name = field.replace("_", "-")
    for phrase in (" as a date", "Empty date"):
        if phrase in message:
            return message.replace(phrase, f"{phrase} ({name})", 1)
    return f"{_label(field)}{message}"


def _label(field: str | None) -> str:
    return f"Invalid {field.replace('_', '-')}: " if field else ""


# -- calendar arithmetic ----------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """Calendar months, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    if not 1 <= year <= 9999:
        raise Invalid(
            f"{months} months from {d.isoformat()} is out of range: "
            f"dates run from {MIN_YEAR} to {MAX_YEAR}"
        )
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def shift(dt: datetime, amount: int, unit: str) -> datetime:
    """`dt` moved by `amount` units; months and years move on the local calendar."""
    try:
        if unit in ("months", "years"):
            months = amount * (12 if unit == "years" else 1)
            local = to_local(dt)
            moved = add_months(local.date(), months)
            return _aware(datetime.combine(moved, local.time().replace(tzinfo=None)))
        return dt + timedelta(**{unit: amount})
    except (OverflowError, ValueError) as exc:
        raise Invalid(
            f"{amount} {unit} from {dt.date().isoformat()} is out of range: "
            f"dates run from {MIN_YEAR} to {MAX_YEAR}"
        ) from exc


def parse_duration(text: str) -> tuple[int, str] | None:
    """`3d`, `2 weeks`, `1mo` as (amount, unit) with unit a `timedelta` name or months/years."""
    m = _DURATION.match(text.strip().lower())
    if not m or m.group(2) not in UNITS:
        return None
    return int(m.group(1)), UNITS[m.group(2)]


# -- parsing ----------------------------------------------------------------------------------


def parse_when(
    text: str,
    *,
    backwards: bool = False,
    base: datetime | None = None,
    field: str | None = None,
) -> When:
    """Read a date or datetime as users type it (see the module docstring).

    `backwards=True` reads a bare duration (`30d`) as that long ago, for `--since`.
    Raises `Invalid` with a hint for anything else, at once, and for a date outside
    `MIN_YEAR`-`MAX_YEAR`; `field` (`"due"`, `"when"`) is named in the message.
    """
    try:
        when = _parse_when(text, backwards, base)
    except Invalid as exc:
        if field is None or exc.field is not None:
            raise
        raise Invalid(_naming(exc.message, field), field=field) from exc
    check_range(when.local_date, (text or "").strip(), field)
    return when


def _parse_when(text: str, backwards: bool, base: datetime | None) -> When:
    raw = (text or "").strip()
    if not raw:
        raise Invalid(f"Empty date; {HINT}")
    current = as_utc(base) if base else now()
    phrase = " ".join(raw.lower().split())

    iso = _parse_iso(raw)
    if iso is not None:
        return iso

    result = _parse_phrase(phrase, current, backwards)
    if result is None:
        # a trailing time of day: "tomorrow 14:30", "next fri 9am"
        m = _TIME_SUFFIX.match(phrase)
        if m and m.group(1):
            day = _parse_phrase(m.group(1), current, backwards)
            if day is not None and not day.has_time:
                tod = _time_of_day(m.group(2), m.group(3), m.group(4))
                if tod is not None:
                    local = datetime.combine(day.local_date, tod)
                    return When(_aware(local), True)
        raise Invalid(f"Cannot read {raw!r} as a date; {HINT}")
    return result


def _parse_iso(raw: str) -> When | None:
    candidate = raw.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
        try:
            day = check_range(date.fromisoformat(candidate), raw)
            return When(local_midnight(day), False)
        except (ValueError, OverflowError) as exc:
            raise Invalid(f"Cannot read {raw!r} as a date: {exc}") from exc
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", candidate):
        try:
            moment = datetime.fromisoformat(candidate)
            check_range(moment, raw)
            return When(_aware(moment), True)
        except (ValueError, OverflowError) as exc:
            raise Invalid(f"Cannot read {raw!r} as a date: {exc}") from exc
    return None


def _time_of_day(hour: str, minute: str | None, ampm: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm == "pm" else 0)
    elif minute is None:
        return None  # a bare number is not a time of day
    if not (0 <= h < 24 and 0 <= m < 60):
        return None
    return time(h, m)


def _day(d: date) -> When:
    return When(local_midnight(d), False)


def _parse_phrase(phrase: str, current: datetime, backwards: bool) -> When | None:
    today_ = current.astimezone().date()
    simple = {
        "today": today_,
        "tomorrow": today_ + timedelta(days=1),
        "tmrw": today_ + timedelta(days=1),
        "yesterday": today_ - timedelta(days=1),
        "eom": add_months(today_.replace(day=1), 1) - timedelta(days=1),
        "next week": today_ + timedelta(days=7 - today_.weekday()),
        "next month": add_months(today_.replace(day=1), 1),
    }
    if phrase == "now":
        return When(current, True)
    if phrase in simple:
        return _day(simple[phrase])
    if phrase in ("eow", "end of week"):
        ahead = (4 - today_.weekday()) % 7 if today_.weekday() <= 4 else 4 + 7 - today_.weekday()
        return _day(today_ + timedelta(days=ahead))
    if phrase == "end of month":
        return _day(simple["eom"])

    words = phrase.split(" ")
    if len(words) in (1, 2) and words[-1] in WEEKDAYS:
        target = WEEKDAYS[words[-1]]
        if len(words) == 1 or words[0] in ("next", "this", "on", "coming"):
            ahead = (target - today_.weekday() - 1) % 7 + 1
            return _day(today_ + timedelta(days=ahead))
        if words[0] == "last":
            back = (today_.weekday() - target - 1) % 7 + 1
            return _day(today_ - timedelta(days=back))
        return None

    day = _month_day(words, today_, backwards)
    if day is not None:
        return _day(day)

    sign = -1 if backwards else 1
    body = phrase
    if body.startswith("in "):
        body, sign = body[3:], 1
    elif body.endswith(" ago"):
        body, sign = body[:-4], -1
    elif body.startswith(("+", "-")):
        body, sign = body[1:], (1 if body[0] == "+" else -1)
    duration = parse_duration(body)
    if duration is None:
        return None
    amount, unit = duration
    moved = shift(current, sign * amount, unit)
    if unit in ("minutes", "hours"):
        return When(moved, True)
    return _day(moved.astimezone().date())


def _month_day(words: list[str], today_: date, backwards: bool) -> date | None:
    """`dec 15`, `15 dec`, `december 15`, optionally with a year (`dec 15 2027`). Without a
    year: the next such day from today on (today included), or with `backwards` the latest
    up to today."""
    if len(words) not in (2, 3):
        return None
    first, second = words[0].rstrip(","), words[1].rstrip(",")
    if first in MONTHS and second.isdigit():
        month, day_text = MONTHS[first], second
    elif second in MONTHS and first.isdigit():
        month, day_text = MONTHS[second], first
    else:
        return None
    year_text = words[2] if len(words) == 3 else None
    if year_text is not None and not re.fullmatch(r"\d{4}", year_text):
        return None
    day = int(day_text)
    # four years either way, so that feb 29 finds its leap year
    years = [int(year_text)] if year_text else range(today_.year - 4, today_.year + 5)
    candidates = []
    for year in years:
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        name = calendar.month_name[month]
        raise Invalid(f"{name} has no day {day}", "date")
    if year_text:
        return candidates[0]
    if backwards:
        return max((d for d in candidates if d <= today_), default=candidates[0])
    return min((d for d in candidates if d >= today_), default=candidates[-1])


def parse_date(text: str, **kwargs) -> date:
    """A local calendar date from user input."""
    return parse_when(text, **kwargs).local_date


# -- showing ----------------------------------------------------------------------------------


def humanize_delta(days: int) -> str:
    """`today`, `tomorrow`, `in 3 days`, `2 days late` style wording for day offsets."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "1 day late"
    if days < 0:
        return f"{-days} days late"
    return f"in {days} days"


def iso(dt: datetime | date | None) -> str | None:
    """ISO 8601 for JSON: datetimes in UTC with offset, dates as YYYY-MM-DD."""
    if dt is None:
        return None
    if isinstance(dt, datetime):
        return as_utc(dt).isoformat()
    return dt.isoformat()


def show(dt: datetime | None, *, with_time: bool = True) -> str:
    """Local time for people: `2026-12-01 14:30`."""
    if dt is None:
        return ""
    local = to_local(dt)
    return local.strftime("%Y-%m-%d %H:%M") if with_time else local.strftime("%Y-%m-%d")
