"""iCalendar: open tasks as a calendar file, so due follow-ups show up in any calendar app.

One `VEVENT` per open task with a due date (calendar apps show events everywhere; many ignore
`VTODO`): a date-only task is an all-day event on its day, a timed task a 30-minute event at
its time (in UTC, which every app converts to local time). The UID is stable per task
(`task-12@termcrm`), so importing a newer export updates events instead of doubling them.
Recurrence is not exported as an RRULE: termcrm creates the next occurrence when a task is
done (and can count from completion, which RRULE cannot say), so the next export has it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from termcrm import dates
from termcrm.services import recurrence, tasks

PRODID = "-//termcrm//follow-ups//EN"
EVENT_MINUTES = 30


def calendar(found: Iterable, names: dict[int, str], stamp: datetime) -> bytes:
    """Tasks (store rows with a due date) as an iCalendar file; `names`: contact id -> name."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "termcrm follow-ups")
    for t in found:
        ev = icalendar.Event()
        ev.add("uid", f"task-{t.id}@termcrm")
        ev.add("dtstamp", stamp)
        contact_name = names.get(t.contact_id)
        ev.add("summary", f"{t.title} ({contact_name})" if contact_name else t.title)
        if t.due_has_time:
            start = dates.as_utc(t.due_at)
            ev.add("dtstart", start)
            ev.add("dtend", start + timedelta(minutes=EVENT_MINUTES))
        else:
            day = tasks.due_date(t)
            ev.add("dtstart", day)
            ev.add("dtend", day + timedelta(days=1) if day < date.max else day)
            ev.add("transp", "TRANSPARENT")  # an all-day to-do does not block the day
        details = [f"termcrm task #{t.id}", f"Priority: {t.priority}"]
        if contact_name:
            details.append(f"Contact: {contact_name}")
        if t.deal_id:
            details.append(f"Deal: #{t.deal_id}")
        if t.owner:
            details.append(f"Owner: {t.owner}")
        rule = recurrence.parse_rule(t.recur) if t.recur else None
        if rule:
            details.append(f"Repeats {rule.describe()}")
        ev.add("description", "\n".join(details))
        ev.add("categories", ["termcrm"])
        if t.priority == "high":
            ev.add("priority", 1)
        cal.add_component(ev)
    return cal.to_ical()
