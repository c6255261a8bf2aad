"""What "late", "today" and "in 2 days" mean (services.tasks.status), and `remind`'s stdlib
restatement of it pinned to the same answers.

The TUI's contact detail once computed the status itself from the due day alone: a task due
at 09:00 read "today" there at 10:00 while `task list` said "1 hour late".
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from termcrm import dates, remind
from termcrm.services import tasks
from termcrm.store.models import Task

NOW = datetime.fromisoformat("2026-11-18T10:00:00+01:00")  # conftest's frozen clock


def _at(day_offset: int, hhmm: str | None) -> tuple[datetime, bool]:
    day = NOW.date() + timedelta(days=day_offset)
    if hhmm is None:
        return dates.day_bounds(day)[0], False
    h, m = map(int, hhmm.split(":"))
    return dates.as_utc(datetime(day.year, day.month, day.day, h, m, tzinfo=NOW.tzinfo)), True


CASES = [
    # (name, day offset, time, owner, status, remind's section)
    ("timed, an hour ago", 0, "09:00", "tester", "1 hour late", "late"),
    ("timed, a minute ago", 0, "09:59", "tester", "1 min late", "late"),
    ("timed, later today", 0, "15:00", "tester", "today 15:00", "today"),
    ("date only, today", 0, None, "tester", "today", "today"),
    ("date only, yesterday", -1, None, "tester", "1 day late", "late"),
    ("timed, yesterday", -1, "18:00", "tester", "1 day late", "late"),
    ("date only, tomorrow", 1, None, "tester", "tomorrow", None),
    ("timed, in 2 days", 2, "08:00", "tester", "in 2 days 08:00", None),
    ("unowned, an hour ago", 0, "09:00", None, "1 hour late", "late"),
    ("someone else's", 0, "09:00", "Ünal", "1 hour late", None),
]


@pytest.mark.parametrize(
    ("due_offset", "hhmm", "owner", "status", "section"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_task_status_and_remind_agree(store, due_offset, hhmm, owner, status, section):
    due, has_time = _at(due_offset, hhmm)
    with store.write() as s:
        task = Task(title="Call Zoë", owner=owner, due_at=due, due_has_time=has_time)
        s.add(task)
    assert tasks.status(task, NOW) == status
    conn = sqlite3.connect(store.engine.url.database)
    try:
        found = remind.gather(conn, "tester", NOW)
    finally:
        conn.close()
    assert (found["overdue"], found["due_today"]) == (
        int(section == "late"),
        int(section == "today"),
    )
    if section == "late":
        assert remind._late(remind._stored(found["items"][0][2]), has_time, NOW) == status


def test_a_done_task_and_one_without_a_date(store):
    with store.write() as s:
        open_ = Task(title="Someday")
        done = Task(title="Sent", done_at=dates.as_utc(NOW), due_at=dates.as_utc(NOW))
        s.add_all([open_, done])
    assert tasks.status(open_, NOW) == ""
    assert tasks.status(done, NOW) == "done " + dates.show(NOW, with_time=False)
