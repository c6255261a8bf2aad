"""iCalendar: open tasks as a calendar file, so due follow-ups show up in any calendar app.

By default each open task with a due date is a `VTODO`, a to-do: `DUE` (a date, or a UTC
time), `STATUS:NEEDS-ACTION`, `PRIORITY` (high 1, normal 5, low 9), `CATEGORIES`, a
`DESCRIPTION` naming the contact, and for a recurring task its `RRULE` (with `DTSTART`, as
RFC 5545 requires). The UID names the task's recurring series (`task-12@termcrm`, the id of
the series' first task), so re-importing a newer export, even after the task was done and
rolled forward, updates the to-do instead of adding one.

`as_events=True` writes the older `VEVENT` form for calendars that ignore to-dos: a date-only
task is an all-day event on its day, a timed task a 30-minute event at its time; recurrence is
described, not repeated (the next export has the next occurrence).

A rule that counts from completion (`2w!`) cannot be said as an RRULE: such a task is exported
without one and its description says how it repeats.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from termcrm import dates
from termcrm.services import recurrence, tasks

PRODID = "-//termcrm//follow-ups//EN"
EVENT_MINUTES = 30
PRIORITY = {"high": 1, "normal": 5, "low": 9}
_FREQ = {"d": "DAILY", "w": "WEEKLY", "m": "MONTHLY", "y": "YEARLY"}


def uid(task) -> str:
    """One UID per recurring series (a task without a series is its own)."""
    return f"task-{task.series_id or task.id}@termcrm"


def rrule(rule: recurrence.Rule | None) -> dict[str, Any] | None:
    """The RRULE of a termcrm rule, or None when there is none or RRULE cannot say it."""
    if rule is None or rule.from_completion:
        return None
    out: dict[str, Any] = {"FREQ": _FREQ[rule.unit]}
    if rule.amount != 1:
        out["INTERVAL"] = rule.amount
    if rule.unit == "m" and rule.anchor_day and rule.anchor_day >= 29:
        out["BYMONTHDAY"] = -1  # the series aims at the month's end (monthly@31)
    return out


def _details(t, contact_name: str | None, rule) -> str:
    details = [f"termcrm task #{t.id}", f"Priority: {t.priority}"]
    if contact_name:
        details.append(f"Contact: {contact_name}")
    if t.deal_id:
        details.append(f"Deal: #{t.deal_id}")
    if t.owner:
        details.append(f"Owner: {t.owner}")
    if rule:
        details.append(f"Repeats {rule.describe()}")
    if t.notes:
        details += ["", t.notes]
    return "\n".join(details)


def calendar(
    found: Iterable, names: dict[int, str], stamp: datetime, *, as_events: bool = False
) -> bytes:
    """Tasks (store rows with a due date) as an iCalendar file; `names`: contact id -> name."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "termcrm follow-ups")
    for t in found:
        contact_name = names.get(t.contact_id)
        rule = recurrence.parse_rule(t.recur) if t.recur else None
        item = icalendar.Event() if as_events else icalendar.Todo()
        item.add("uid", uid(t))
        item.add("dtstamp", stamp)
        item.add("summary", f"{t.title} ({contact_name})" if contact_name else t.title)
        due = dates.as_utc(t.due_at) if t.due_has_time else tasks.due_date(t)
        if as_events:
            item.add("dtstart", due)
            if t.due_has_time:
                item.add("dtend", due + timedelta(minutes=EVENT_MINUTES))
            else:
                item.add("dtend", due + timedelta(days=1) if due < date.max else due)
                item.add("transp", "TRANSPARENT")  # an all-day to-do does not block the day
        else:
            item.add("due", due)
            item.add("status", "NEEDS-ACTION")
            item.add("priority", PRIORITY.get(t.priority, 5))
            repeat = rrule(rule)
            if repeat:
                item.add("dtstart", due)
                item.add("rrule", repeat)
        item.add("description", _details(t, contact_name, rule))
        item.add("categories", ["termcrm", f"priority-{t.priority}"])
        if as_events and t.priority == "high":
            item.add("priority", 1)
        cal.add_component(item)
    return cal.to_ical()
