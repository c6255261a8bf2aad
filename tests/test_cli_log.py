"""`termcrm log ...` and `termcrm interactions`."""

from __future__ import annotations

import pytest


@pytest.fixture
def ada(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    return "ada"


def test_log_call_with_follow_up_creates_the_task(crm, ada):
    out = crm.ok("log", "call", ada, "Renewal talk", "--follow-up", "next fri", "--duration", "30")
    assert out.splitlines() == [
        "Logged call #1 with Ada Lovelace",
        "Follow-up task #1 due 2026-11-20",
    ]
    data = crm.json("contact", "show", ada)
    assert [i["summary"] for i in data["interactions"]] == ["Renewal talk"]
    assert data["interactions"][0]["duration_min"] == 30
    assert data["interactions"][0]["logged_by"] == "tester"
    assert data["tasks"][0]["title"] == "Follow up: Renewal talk"
    assert data["tasks"][0]["due_date"] == "2026-11-20"


@pytest.mark.parametrize("kind", ["call", "email", "meeting", "note", "chat", "sms", "social"])
def test_every_kind_can_be_logged(crm, ada, kind):
    data = crm.json("log", kind, ada, f"A {kind}", "--direction", "in")
    assert data["kind"] == kind
    assert data["direction"] == "in"
    assert data["occurred_at"] == "2026-11-18T09:00:00+00:00"


def test_when_takes_phrases_and_keeps_the_time_of_day(crm, ada):
    assert crm.json("log", "note", ada, "x", "--when", "yesterday")["occurred_at"] == (
        "2026-11-17T09:00:00+00:00"
    )
    assert crm.json("log", "meeting", ada, "x", "--when", "2026-11-02 14:30")["occurred_at"] == (
        "2026-11-02T13:30:00+00:00"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["log", "phone", "ada", "x"], 2, "Error: Unknown interaction kind 'phone'; choose one of: call, email, meeting, note, chat, sms, social"),
        (["log", "call", "ada", "x", "--when", "next fryday"], 2, "Error: Cannot read 'next fryday' as a date"),
        (["log", "call", "ada", "x", "--follow-up", "someday"], 2, "Error: Cannot read 'someday' as a date"),
        (["log", "call", "ada", "x", "--direction", "up"], 2, "Error: Unknown direction 'up'; choose one of: in, out"),
        (["log", "call", "nobody", "x"], 1, "Error: No contact matches 'nobody'"),
        (["log", "call", "ada", "   "], 2, "Error: Summary must not be empty"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_changes_nothing(crm, ada, args, code, message):
    result = crm(*args)
    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    data = crm.json("contact", "show", ada)
    assert data["interactions"] == [] and data["tasks"] == []


def test_interactions_filters(crm, ada):
    crm.ok("contact", "add", "Grace Hopper")
    crm.ok("log", "call", ada, "old call", "--when", "2026-10-01")
    crm.ok("log", "email", ada, "recent email", "--when", "2026-11-15")
    crm.ok("log", "call", "grace", "grace call")
    summaries = lambda *a: [i["summary"] for i in crm.json("interactions", *a)]  # noqa: E731
    assert summaries() == ["grace call", "recent email", "old call"]
    assert summaries("--contact", ada) == ["recent email", "old call"]
    assert summaries("--kind", "call") == ["grace call", "old call"]
    assert summaries("--since", "30d") == ["grace call", "recent email"]
    assert summaries("--until", "2026-11-15") == ["recent email", "old call"]
    assert summaries("--since", "2026-10-01", "--until", "2026-10-01") == ["old call"]
    result = crm("interactions", "--since", "today", "--until", "2026-01-01")
    assert (result.exit_code, result.stderr) == (2, "Error: --since must be before --until\n")
