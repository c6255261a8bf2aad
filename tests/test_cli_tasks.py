"""`termcrm task ...` through the CLI (clock frozen on Wednesday 2026-11-18 10:00 Berlin)."""

from __future__ import annotations

import pytest


@pytest.fixture
def grace(crm):
    crm.ok("contact", "add", "Grace Hopper", "--email", "grace@navy.mil")
    return "grace"


def _add(crm, title, *args):
    return crm.json("task", "add", title, *args)


def _ids(rows):
    return [r["id"] for r in rows]


def test_add_records_due_contact_recur_and_owner(crm, grace):
    t = _add(crm, "Call back", "--contact", grace, "--due", "next fri 14:30", "--recur", "2w")
    assert t["contact"] == "Grace Hopper"
    assert t["due_date"] == "2026-11-20" and t["due_has_time"] is True
    assert t["due_at"] == "2026-11-20T13:30:00+00:00"
    assert t["recur"] == "2w" and t["owner"] == "tester" and t["done"] is False
    t2 = _add(crm, "Plan", "--due", "tomorrow", "--priority", "high", "--owner", "bob")
    assert (t2["due_date"], t2["due_has_time"], t2["priority"], t2["owner"]) == (
        "2026-11-19",
        False,
        "high",
        "bob",
    )
    assert crm.ok("task", "add", "Plain").startswith("Added task #3 Plain")


def test_list_filters(crm, grace):
    late = _add(crm, "Late", "--due", "2026-11-16")["id"]
    past_today = _add(crm, "This morning", "--due", "today 09:00")["id"]
    today = _add(crm, "Today", "--due", "today")["id"]
    later_today = _add(crm, "Tonight", "--due", "today 18:00")["id"]
    week = _add(crm, "In a week", "--due", "in 7 days", "--contact", grace)["id"]
    far = _add(crm, "Far", "--due", "in 8 days", "--owner", "bob")["id"]
    undated = _add(crm, "Someday")["id"]
    done = _add(crm, "Finished", "--due", "2026-11-10")["id"]
    crm.ok("task", "done", str(done))

    every_open = _ids(crm.json("task", "list"))
    assert every_open == [late, today, past_today, later_today, week, far, undated]
    assert _ids(crm.json("task", "list", "--overdue")) == [late, past_today]
    assert _ids(crm.json("task", "list", "--today")) == [today, past_today, later_today]
    assert _ids(crm.json("task", "list", "--week")) == [today, past_today, later_today, week]
    assert done in _ids(crm.json("task", "list", "--all"))
    assert _ids(crm.json("task", "list", "--owner", "BOB")) == [far]
    assert _ids(crm.json("task", "list", "--contact", grace)) == [week]
    csv_out = crm.ok("task", "list", "--overdue", "--csv").splitlines()
    assert csv_out[0].startswith("id,title,due_at") and len(csv_out) == 3
    table = crm.ok("task", "list", "--overdue")
    assert "2 days late" in table and "1 hour late" in table


def test_list_rejects_two_filters(crm):
    r = crm("task", "list", "--today", "--overdue")
    assert r.exit_code == 2
    assert r.stderr == "Error: Choose one of --overdue, --today, --week, --all\n"


def test_done_marks_done_and_rolls_a_recurring_task(crm, grace):
    t = _add(crm, "Weekly check-in", "--contact", grace, "--due", "2026-11-16", "--recur", "weekly")
    out = crm.json("task", "done", str(t["id"]))
    assert out["done"] is True and out["done_at"] == "2026-11-18T09:00:00+00:00"
    nxt = out["next"]
    assert nxt["due_date"] == "2026-11-23" and nxt["recur"] == "weekly"
    assert nxt["contact"] == "Grace Hopper" and nxt["owner"] == "tester"
    assert _ids(crm.json("task", "list")) == [nxt["id"]]
    # --from-completion: two weeks from today instead
    t = _add(crm, "Water plants", "--due", "2026-11-10", "--recur", "2w")
    out = crm.json("task", "done", str(t["id"]), "--from-completion")
    assert out["next"]["due_date"] == "2026-12-02"
    text = crm.ok("task", "done", str(nxt["id"]))
    assert text.splitlines() == [
        f"Done: #{nxt['id']} Weekly check-in",
        f"Next: #{nxt['id'] + 3} Weekly check-in, due 2026-11-30",
    ]


def test_done_errors_change_nothing(crm):
    t = _add(crm, "Once", "--due", "today")
    crm.ok("task", "done", str(t["id"]))
    r = crm("task", "done", str(t["id"]))
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: Task #{t['id']} is already done (on 2026-11-18)\n",
    )
    r = crm("task", "done", "99")
    assert (r.exit_code, r.stderr) == (1, "Error: No task with id 99\n")
    r = crm("task", "done", "abc")
    assert r.exit_code == 2 and r.stderr.startswith("Error: Invalid task id 'abc'")
    assert len(crm.json("task", "list", "--all")) == 1


def test_snooze(crm):
    t = _add(crm, "Later", "--due", "2026-11-16")
    assert crm.json("task", "snooze", str(t["id"]), "3d")["due_date"] == "2026-11-21"
    assert crm.json("task", "snooze", str(t["id"]), "next mon")["due_date"] == "2026-11-23"
    assert crm.json("task", "snooze", str(t["id"]), "2w")["due_date"] == "2026-12-02"
    timed = _add(crm, "Call", "--due", "today 14:30")
    moved = crm.json("task", "snooze", str(timed["id"]), "tomorrow")
    assert moved["due_at"] == "2026-11-19T13:30:00+00:00"  # keeps its time of day
    assert crm.json("task", "snooze", str(timed["id"]), "2h")["due_at"] == (
        "2026-11-18T11:00:00+00:00"
    )
    assert crm.ok("task", "snooze", str(t["id"]), "tomorrow").startswith(
        f"Snoozed task #{t['id']} Later, due 2026-11-19"
    )


def test_snooze_errors(crm):
    t = _add(crm, "Later", "--due", "2026-11-16")
    r = crm("task", "snooze", str(t["id"]), "someday")
    assert r.exit_code == 2 and r.stderr.startswith("Error: Cannot read 'someday' as a date")
    r = crm("task", "snooze", str(t["id"]), "yesterday")
    assert r.exit_code == 2 and "in the past" in r.stderr
    r = crm("task", "snooze", "42", "3d")
    assert (r.exit_code, r.stderr) == (1, "Error: No task with id 42\n")
    crm.ok("task", "done", str(t["id"]))
    r = crm("task", "snooze", str(t["id"]), "3d")
    assert r.exit_code == 1 and "already done" in r.stderr
    assert crm.json("task", "show", str(t["id"]))["due_date"] == "2026-11-16"


def test_bad_input_on_add(crm):
    r = crm("task", "add", "X", "--recur", "fortnightly")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: Invalid recurrence 'fortnightly'")
    assert crm("task", "add", "X", "--due", "soonish").exit_code == 2
    assert crm("task", "add", "X", "--priority", "urgent").exit_code == 2
    assert crm("task", "add", "   ").exit_code == 2
    r = crm("task", "add", "X", "--contact", "nobody")
    assert r.exit_code == 1 and r.stderr == "Error: No contact matches 'nobody'\n"
    r = crm("task", "add", "X", "--deal", "7")
    assert (r.exit_code, r.stderr) == (1, "Error: No deal with id 7\n")
    assert crm.json("task", "list", "--all") == []


def test_edit_show_delete(crm, grace):
    t = _add(crm, "Draft", "--due", "tomorrow")
    e = crm.json(
        "task", "edit", str(t["id"]), "--title", "Send draft", "--recur", "monthly",
        "--contact", grace, "--priority", "high",
    )  # fmt: skip
    assert (e["title"], e["recur"], e["contact"], e["priority"]) == (
        "Send draft",
        "monthly",
        "Grace Hopper",
        "high",
    )
    assert crm.json("task", "edit", str(t["id"]), "--due", "")["due_at"] is None
    assert crm("task", "edit", str(t["id"]), "--recur", "bad").exit_code == 2
    shown = crm.ok("task", "show", str(t["id"]))
    assert "Repeats:  every month" in shown and "Contact:  Grace Hopper" in shown
    assert crm("task", "delete", "99", "--yes").exit_code == 1
    assert (
        crm.ok("task", "delete", str(t["id"]), "--yes") == f"Deleted task #{t['id']} Send draft\n"
    )
    assert crm.json("task", "list", "--all") == []


def test_add_task_service_keeps_the_follow_up_signature(store):
    from termcrm.services import contacts, tasks

    with store.write() as s:
        ada = contacts.add_contact(s, "Ada", actor="tester")
        t = tasks.add_task(s, "Follow up", due="next fri", contact=ada, actor="tester")
    assert (t.owner, t.contact_id, t.due_has_time) == ("tester", ada.id, False)
    assert tasks.due_date(t).isoformat() == "2026-11-20"
