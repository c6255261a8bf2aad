"""Open tasks as iCalendar (for `export tasks --format ics`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar


def test_as_events_open_tasks_with_a_due_date_become_events(crm, store):
    from termcrm.services.transfer.export import tasks_ics

    crm.ok("contact", "add", "Grace Hopper")
    crm.ok("task", "add", "Call back", "--contact", "grace", "--due", "2026-11-20")
    crm.ok("task", "add", "Demo", "--due", "2026-11-21 14:30", "--priority", "high")
    crm.ok("task", "add", "Weekly report", "--due", "2026-11-23", "--recur", "weekly")
    crm.ok("task", "add", "Someday")  # no due date: not in a calendar
    crm.ok("task", "add", "Finished", "--due", "2026-11-19")
    crm.ok("task", "done", "5")

    with store.read() as s:
        raw = tasks_ics(s, as_events=True)
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
        mine = icalendar.Calendar.from_ical(tasks_ics(s, owner="nobody", as_events=True))
    assert list(mine.walk("VEVENT")) == []


def _todos(raw: bytes) -> dict[str, icalendar.Todo]:
    cal = icalendar.Calendar.from_ical(raw)
    assert list(cal.walk("VEVENT")) == []
    return {str(t["uid"]): t for t in cal.walk("VTODO")}


def test_tasks_become_to_dos_with_due_status_priority_and_contact(crm, run_termcrm):
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.com")
    crm.ok("task", "add", "Call back Zoë", "--contact", "zoe@example.com", "--due",
           "2026-11-20", "--priority", "high", "--notes", "Ask about the second site")  # fmt: skip
    crm.ok("task", "add", "Demo", "--due", "2026-11-21 14:30", "--priority", "low")
    crm.ok("task", "add", "Someday")  # no due date: not in a calendar
    r = run_termcrm("export", "tasks", "--format", "ics")
    assert r.returncode == 0, r.stderr
    todos = _todos(r.stdout.encode())
    assert sorted(todos) == ["task-1@termcrm", "task-2@termcrm"]
    call = todos["task-1@termcrm"]
    assert str(call["summary"]) == "Call back Zoë (Zoë Ölstad)"
    assert call.decoded("due") == date(2026, 11, 20)
    assert str(call["status"]) == "NEEDS-ACTION"
    assert int(call["priority"]) == 1
    assert "Contact: Zoë Ölstad" in str(call["description"])
    assert "Ask about the second site" in str(call["description"])
    assert [str(c) for c in call["categories"].cats] == ["termcrm", "priority-high"]
    assert "rrule" not in call
    demo = todos["task-2@termcrm"]
    assert demo.decoded("due") == datetime(2026, 11, 21, 13, 30, tzinfo=UTC)
    assert int(demo["priority"]) == 9


def test_a_recurring_series_keeps_its_uid_and_rrule_across_completions(crm):
    from termcrm.services.transfer.export import tasks_ics
    from termcrm.store.engine import open_store

    crm.ok("task", "add", "Weekly report", "--due", "2026-11-16", "--recur", "2w")
    crm.ok("task", "add", "Month end", "--due", "2026-11-30", "--recur", "monthly")
    crm.ok("task", "add", "After the last one", "--due", "2026-11-19", "--recur", "10d!")

    def export() -> dict[str, icalendar.Todo]:
        store = open_store(None)
        try:
            with store.read() as s:
                return _todos(tasks_ics(s))
        finally:
            store.close()

    first = export()
    weekly = first["task-1@termcrm"]
    assert weekly["rrule"] == icalendar.vRecur({"FREQ": ["WEEKLY"], "INTERVAL": [2]})
    assert weekly.decoded("dtstart") == weekly.decoded("due") == date(2026, 11, 16)
    assert first["task-2@termcrm"]["rrule"] == icalendar.vRecur({"FREQ": ["MONTHLY"]})
    counted = first["task-3@termcrm"]
    assert "rrule" not in counted  # "10 days after completion" has no RRULE
    assert "Repeats every 10 days after completion" in str(counted["description"])

    crm.ok("task", "done", "1")  # the series rolls forward to a new task row...
    second = export()
    assert set(second) == set(first)  # ...and keeps its UID
    assert second["task-1@termcrm"].decoded("due") == date(2026, 11, 30)
    crm.ok("task", "done", str(crm.json("task", "list")[-1]["id"]))
    assert set(export()) == set(first)


def test_as_events_needs_the_ics_format(crm):
    r = crm("export", "tasks", "--as-events")
    assert (r.exit_code, r.stderr) == (2, "Error: --as-events goes with --format ics\n")
    crm.ok("task", "add", "Demo", "--due", "2026-11-21")
    cal = icalendar.Calendar.from_ical(crm.ok("export", "tasks", "--format", "ics", "--as-events"))
    assert [str(e["uid"]) for e in cal.walk("VEVENT")] == ["task-1@termcrm"]
