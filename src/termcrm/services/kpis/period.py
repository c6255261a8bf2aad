"""The period a report covers, and the one before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from termcrm import dates
from termcrm.errors import Invalid

#: the default period: the last 30 days
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    """[since, until), aware UTC."""

    since: datetime
    until: datetime

    @property
    def length(self) -> timedelta:
        return self.until - self.since

    @property
    def previous(self) -> Period:
        return Period(self.since - self.length, self.since)

    def __contains__(self, at: datetime) -> bool:
        return self.since <= at < self.until


def resolve_period(
    since: str | None = None, until: str | None = None, *, days: int = DEFAULT_DAYS
) -> Period:
    """The period a user asked for with `--since`/`--until` (default: the last 30 days).

    A bare duration reads backwards (`--since 90d` is 90 days ago). A date without a time
    means the start of that local day for `--since` and its end for `--until`, so
    `--since 2026-11-01 --until 2026-11-30` covers the whole of November. An end with a time
    of day (and the default end, now) includes that second: the period stops at the start
    of the next whole second, so what was logged just now counts.
    """
    end = _next_second(dates.now())
    if until:
        w = dates.parse_when(until, backwards=True)
        end = (
            _next_second(w.at)
            if w.has_time
            else dates.local_midnight(w.local_date + timedelta(days=1))
        )
    start = end - timedelta(days=days)
    if since:
        start = dates.parse_when(since, backwards=True).at
    if start >= end:
        raise Invalid(
            f"The period is empty: --since ({dates.show(start)}) must be before "
            f"--until ({dates.show(end)})"
        )
    return Period(start, end)


def _next_second(at: datetime) -> datetime:
    return at.replace(microsecond=0) + timedelta(seconds=1)
