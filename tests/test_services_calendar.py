"""Open tasks as iCalendar (for `export tasks --format ics`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar


def test_open_tasks_with_a_due_date_become_events(crm, store):
    from termcrm.services.transfer.export import tasks_ics

    crm.ok("contact", "add", "Grace Hopper")
    crm.ok("task", "add", "Call back", "--contact", "grace", "--due", "2026-11-20")
    crm.ok("task", "add", "Demo", "--due", "2026-11-21 14:30", "--priority", "high")
    crm.ok("task", "add", "Weekly report", "--due", "2026-11-23", "--recur", "weekly")
    crm.ok("task", "add", "Someday")  # no due date: not in a calendar
    crm.ok("task", "add", "Finished", "--due", "2026-11-19")
    crm.ok("task", "done", "5")

    with store.read() as s:
        raw = tasks_ics(s)
    cal = icalendar.Calendar.from_ical(raw)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["task-1@termcrm", "task-2@termcrm", "task-3@termcrm"]
    call = events["task-1@termcrm"]
    assert str(call["summary"]) == "Call back (Grace Hopper)"
    assert call.decoded("dtstart") == date(2026, 11, 20)  # all day
    assert call.decoded("dtend") == date(2026, 11, 21)
    demo = events["task-2@termcrm"]
    assert demo.decoded("dtstart") == datetime(2026, 11, 21, 13, 30, tzinfo=UTC)
    assert int(demo["priority"]) == 1
    assert "Repeats every week" in str(events["task-3@termcrm"]["description"])
    with store.read() as s:
        mine = icalendar.Calendar.from_ical(tasks_ics(s, owner="nobody"))
    assert list(mine.walk("VEVENT")) == []
