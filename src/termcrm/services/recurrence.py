"""Recurring tasks: the rule language and the next due date.

Rules (case-insensitive): `daily`, `weekly`, `monthly`, `yearly`, `Nd`, `Nw`, `Nm`/`Nmo`
(N months), `Ny`. A trailing `!` (`2w!`, `monthly!`) makes the next due date count from
the day the task is completed instead of from its old due date.

The default keeps a fixed schedule: the next due date is the old due date plus one step
(every Monday stays on Mondays), rolled forward step by step while it would already be
overdue, so finishing a task late never creates a backlog of overdue copies.

Month steps happen on the local calendar and clamp to the month's end (Jan 31 + 1 month =
Feb 28/29). So that a series started on the 31st does not drift to the 28th for ever, a
clamped occurrence remembers the day it wanted in its stored rule: `monthly@31`. The next
step then aims at that day again (Feb 28 -> Mar 31 -> Apr 30 -> May 31). The anchor is
dropped again as soon as a month has the day, and it is never shown as part of the rule.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from termcrm import dates
from termcrm.errors import Invalid

NAMED = {"daily": (1, "d"), "weekly": (1, "w"), "monthly": (1, "m"), "yearly": (1, "y")}
_RULE = re.compile(r"^(\d{1,3})\s*(d|w|m|mo|y)$")
_UNIT_NAMES = {"d": "day", "w": "week", "m": "month", "y": "year"}
MAX_STEPS = {"d": 3650, "w": 520, "m": 120, "y": 10}
HINT = "use daily, weekly, monthly, yearly, or a number with d, w, m or y (3d, 2w, 6m)"


@dataclass(frozen=True)
class Rule:
    """A parsed recurrence rule."""

    amount: int
    unit: str  # d | w | m | y
    from_completion: bool = False
    #: month rules: the day of month the series aims at when a month is too short
    anchor_day: int | None = None

    @property
    def text(self) -> str:
        """The rule as users write it (without the internal anchor)."""
        name = next((n for n, v in NAMED.items() if v == (self.amount, self.unit)), None)
        base = name or f"{self.amount}{self.unit}"
        return base + ("!" if self.from_completion else "")

    @property
    def stored(self) -> str:
        """What goes into `Task.recur`: the rule plus the anchor day when there is one."""
        return self.text + (f"@{self.anchor_day}" if self.anchor_day else "")

    def describe(self) -> str:
        unit = _UNIT_NAMES[self.unit]
        every = f"every {unit}" if self.amount == 1 else f"every {self.amount} {unit}s"
        return every + (" after completion" if self.from_completion else "")


def parse_rule(text: str | None) -> Rule | None:
    """Read a rule; None for blank; `Invalid` (exit 2) for anything else."""
    raw = (text or "").strip().lower()
    if not raw:
        return None
    body, anchor = raw, None
    if "@" in body:
        body, _, day = body.partition("@")
        if not day.isdigit() or not 1 <= int(day) <= 31:
            raise Invalid(f"Invalid recurrence {text!r}; {HINT}")
        anchor = int(day)
    from_completion = body.endswith("!")
    body = body.rstrip("!").strip()
    if body.startswith("every "):
        body = body[6:].strip()
    if body in NAMED:
        amount, unit = NAMED[body]
    else:
        m = _RULE.match(body)
        if not m:
            raise Invalid(f"Invalid recurrence {text!r}; {HINT}")
        amount, unit = int(m.group(1)), m.group(2)[0]
    if amount < 1:
        raise Invalid(f"Invalid recurrence {text!r}: the interval must be at least 1")
    if amount > MAX_STEPS[unit]:
        raise Invalid(f"Invalid recurrence {text!r}: at most {MAX_STEPS[unit]}{unit}")
    if unit not in ("m", "y"):
        anchor = None
    return Rule(amount, unit, from_completion, anchor)


def normalize(text: str | None) -> str | None:
    """The stored form of a rule a user typed (validated); None for blank."""
    rule = parse_rule(text)
    return rule.text if rule else None


def _local_naive(dt: datetime) -> datetime:
    return dates.to_local(dt).replace(tzinfo=None)


def _step(d: date, rule: Rule, times: int, anchor: int) -> date:
    """`d` moved `times` steps; past `dates.MAX_YEAR` it is `Invalid` (the series ends)."""
    try:
        moved = _move(d, rule, times, anchor)
    except (OverflowError, ValueError, Invalid):
        moved = None
    if moved is None or moved.year > dates.MAX_YEAR:
        raise Invalid(
            f"The next occurrence after {d.isoformat()} is out of range: dates run from "
            f"{dates.MIN_YEAR} to {dates.MAX_YEAR}; edit the task's due date or its rule",
            field="due",
        )
    return moved


def _move(d: date, rule: Rule, times: int, anchor: int) -> date:
    if rule.unit == "d":
        return d + timedelta(days=rule.amount * times)
    if rule.unit == "w":
        return d + timedelta(weeks=rule.amount * times)
    months = rule.amount * times * (12 if rule.unit == "y" else 1)
    first = dates.add_months(d.replace(day=1), months)
    return first.replace(day=min(anchor, calendar.monthrange(first.year, first.month)[1]))


@dataclass(frozen=True)
class Next:
    """The next occurrence: when it is due and the rule text to store with it."""

    due_at: datetime
    due_has_time: bool
    recur: str


def next_occurrence(
    rule: Rule,
    due_at: datetime | None,
    due_has_time: bool,
    *,
    completed_at: datetime | None = None,
    from_completion: bool = False,
) -> Next:
    """When the copy of a completed recurring task is due.

    From the old due date by default (rolled forward past overdue), from the completion day
    when the rule ends in `!` or `from_completion` is asked for, or when the task had no due
    date. A timed task keeps its local time of day.
    """
    completed = completed_at or dates.now()
    today = dates.to_local(completed).date()
    if due_at is not None:
        old = _local_naive(due_at)
        tod = old.time() if due_has_time else time()
        anchor = rule.anchor_day or old.day
    else:
        old, tod, anchor = None, time(), today.day
    if old is None or from_completion or rule.from_completion:
        anchor = today.day
        new_date = _step(today, rule, 1, anchor)
    else:
        start = old.date()
        times = 1
        new_date = _step(start, rule, times, anchor)
        while times < 100_000:
            at = dates.combine_local(new_date, tod)
            late = at <= completed if due_has_time else new_date < today
            if not late:
                break
            times += 1
            new_date = _step(start, rule, times, anchor)
    at = dates.combine_local(new_date, tod)
    clamped = rule.unit in ("m", "y") and new_date.day != anchor
    stored = Rule(rule.amount, rule.unit, rule.from_completion, anchor if clamped else None)
    return Next(at, due_has_time if due_at is not None else False, stored.stored)
