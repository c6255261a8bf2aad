"""Cell values as import rows hold them: dates, emails, flags, numbers, choices, stages.

Each parses one cell of a row into the value the store keeps, or raises `Invalid` naming
the column. Foreign date shapes and stage names come from `sources.py`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services import validate
from termcrm.services.transfer.sources import DATE_FORMATS, STAGES, norm


def parse_datetime(value: str, what: str) -> tuple[datetime, bool]:
    """(aware UTC datetime, has_time) from ISO or the formats exports use; naive is local."""
    v = value.strip()
    try:
        dt = datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith(("Z", "z")) else v)
    except ValueError:
        dt = None
    if dt is not None:
        has_time = len(v) > 10
    else:
        for fmt in DATE_FORMATS:
            try:
                dt = datetime.strptime(v, fmt)
            except ValueError:
                continue
            has_time = "%H" in fmt or "%I" in fmt
            break
        else:
            try:
                when = dates.parse_when(v, field=what)
            except Invalid as exc:
                raise Invalid(f"Invalid {what} {value!r}: not a date") from exc
            return when.at, when.has_time
    dates.check_range(dt, value, what)
    if dt.tzinfo is None:
        dt = dt.astimezone()  # naive = local time
    return dt.astimezone(UTC), has_time


def parse_day(value: str, what: str) -> date:
    v = value.strip()
    try:
        return dates.check_range(date.fromisoformat(v), value, what)
    except ValueError:
        return parse_datetime(v, what)[0].astimezone().date()


def boolean(value: str, what: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "yes", "y", "1", "x", "done"):
        return True
    if v in ("false", "no", "n", "0", ""):
        return False
    raise Invalid(f"Invalid {what} {value!r}: use true or false")


def choice(values: dict[str, str], key: str, choices, default: str | None) -> str | None:
    """The cell `key` as one of `choices` (`validate.choice`), or `default` when blank."""
    raw = values.get(key, "").strip()
    return validate.choice(raw, choices, key) if raw else default


def whole(value: str, what: str) -> int:
    try:
        return int(value.strip())
    except ValueError as exc:
        raise Invalid(f"Invalid {what} {value!r}: a whole number") from exc


def recur(value: str) -> str | None:
    """A recurrence rule as `task add --recur` takes it, in its canonical form."""
    from termcrm.services import recurrence

    return recurrence.normalize(value) if value.strip() else None


def stage(value: str, kind: str) -> str:
    """Another tool's stage name for a record of `kind` (contacts: HubSpot's lifecycle
    stages; deals: its deal stages) as the termcrm stage it maps onto (`sources.STAGES`);
    any other value as it is, for the record's own rule to check."""
    return STAGES[kind].get(norm(value), value)


def stage_history(value: str, choices) -> list[tuple[str | None, str, datetime, str | None]]:
    """termcrm's `stage_history` cell (a JSON list of {from, to, at, by}) as rows."""
    try:
        items = json.loads(value)
    except ValueError as exc:
        raise Invalid(f"Invalid stage_history {value[:40]!r}: not a JSON list") from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise Invalid(f"Invalid stage_history {value[:40]!r}: not a list of changes")
    out = []
    for item in items:
        old = item.get("from")
        new = validate.choice(str(item.get("to") or ""), choices, "stage_history stage")
        if old is not None:
            old = validate.choice(str(old), choices, "stage_history stage")
        at = parse_datetime(str(item.get("at") or ""), "stage_history date")[0]
        by = validate.text(item.get("by"), "stage_history user", max_len=100)
        out.append((old, new, at, by))
    return out
