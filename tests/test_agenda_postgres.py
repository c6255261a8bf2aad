"""The agenda and the task commands on PostgreSQL (team mode); skipped without a server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres


def test_tasks_and_today_on_postgres(crm, pg_url, monkeypatch):
    monkeypatch.setenv("TERMCRM_DB", pg_url)
    crm.ok("contact", "add", "Grace Hopper", "--cadence", "1d")
    crm.ok("task", "add", "Late", "--due", "2026-11-16", "--contact", "grace", "--recur", "monthly")
    crm.ok("task", "add", "Today", "--due", "today 15:00")
    crm.ok("task", "add", "Soon", "--due", "in 3 days")
    assert [t["title"] for t in crm.json("task", "list", "--overdue")] == ["Late"]
    agenda = crm.json("today")
    assert agenda["counts"] == {
        "overdue": 1,
        "due_today": 1,
        "next_7_days": 1,
        "deals_closing": 0,
        "open_cases": 0,
        "going_cold": 0,
    }
    done = crm.json("task", "done", "1")
    assert done["next"]["due_date"] == "2026-12-16"
    assert crm.json("task", "snooze", "2", "2d")["due_date"] == "2026-11-20"
    monkeypatch.setenv("TERMCRM_NOW", "2026-11-21T10:00:00+01:00")
    assert [c["name"] for c in crm.json("today")["going_cold"]] == ["Grace Hopper"]
    # remind on PostgreSQL: the login's tasks (tests/test_remind_postgres.py has more)
    r = crm("remind", "--always")
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == "termcrm: 1 overdue, 1 due today · run `crm today`"
