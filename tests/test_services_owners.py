"""One owner match (services.owners) for every shell, `remind` and both engines.

SQLite's `lower()` folds ASCII letters only: with `lower(owner) = lower(:who)`, an owner
stored as "Ünal" was found by `contact list --owner Ünal` but not by `task list --owner
ünal`, `today --mine` showed every section empty, and `remind` announced a task `today`
could not show.
"""

from __future__ import annotations

import pytest

OWNER_STORED = "Ünal"
OWNER_TYPED = "ünal"


def _book(crm, suffix: str = "") -> None:
    stored = OWNER_STORED + suffix
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.com", "--owner", stored)
    crm.ok(
        *("deal", "add", "Ölstad renewal", "--contact", "zoe@example.com", "--value", "1200"),
        *("--owner", stored.upper(), "--close", "2026-11-20"),  # another spelling of the owner
    )
    crm.ok("task", "add", "Call Zoë", "--due", "today 15:00", "--owner", stored)
    crm.ok("task", "add", "Someone else's", "--due", "today 16:00", "--owner", "Ulla" + suffix)


def _figures(crm, *args: str) -> dict:
    """A `--json` document without its `period` (which names the owner as typed)."""
    return {k: v for k, v in crm.json(*args).items() if k != "period"}


def test_every_command_finds_the_owner_however_it_is_typed(crm, monkeypatch):
    _book(crm)
    assert [t["title"] for t in crm.json("task", "list", "--owner", OWNER_TYPED)] == ["Call Zoë"]
    assert [c["name"] for c in crm.json("contact", "list", "--owner", OWNER_TYPED)] == [
        "Zoë Ölstad"
    ]
    assert [d["title"] for d in crm.json("deal", "list", "--owner", "ünal")] == ["Ölstad renewal"]

    monkeypatch.setenv("TERMCRM_USER", OWNER_TYPED)
    mine = crm.json("today", "--mine")
    assert [t["title"] for t in mine["due_today"]] == ["Call Zoë"]
    assert [d["title"] for d in mine["deals_closing"]] == ["Ölstad renewal"]
    everyone = crm.json("today")
    assert mine["counts"]["due_today"] == 1 and everyone["counts"]["due_today"] == 2

    # remind counts what `today --mine` shows (the acting user's tasks plus unowned ones)
    lines = crm("remind", "--always").stdout.splitlines()
    assert lines[0].startswith("termcrm: 1 due today")
    assert "Call Zoë" in lines[1]


def test_the_report_counts_the_owners_records_however_it_is_typed(crm, monkeypatch):
    _book(crm)
    monkeypatch.setenv("TERMCRM_USER", OWNER_STORED)
    crm.ok("log", "call", "zoe@example.com", "Spoke", "--when", "2026-11-17")
    typed, stored, nobody = (
        _figures(crm, "report", "--owner", who) for who in (OWNER_TYPED, OWNER_STORED, "nobody")
    )
    assert typed == stored != nobody


def test_an_owner_no_record_has_matches_nothing(crm):
    _book(crm)
    assert crm.json("task", "list", "--owner", "Ü") == []
    assert crm.json("contact", "list", "--owner", "unal") == []  # an accent is not a case


@pytest.mark.postgres
def test_the_same_owner_match_on_postgresql(crm, pg_url, pg_server, monkeypatch):
    monkeypatch.setenv("TERMCRM_DB", pg_url)
    suffix = f"_{pg_server.hex}"  # owners are team members there, and logins are cluster-wide
    for name in (OWNER_STORED + suffix, "Ulla" + suffix):
        crm.ok("team", "add", name, "--role", "member")
    _book(crm, suffix)
    typed, shouted = OWNER_TYPED + suffix, (OWNER_STORED + suffix).upper()
    assert [t["title"] for t in crm.json("task", "list", "--owner", shouted)] == ["Call Zoë"]
    assert [c["name"] for c in crm.json("contact", "list", "--owner", typed)] == ["Zoë Ölstad"]
    monkeypatch.setenv("TERMCRM_USER", typed)  # the database's owner acts for a member
    mine = crm.json("today", "--mine")
    assert [t["title"] for t in mine["due_today"]] == ["Call Zoë"]
    assert [d["title"] for d in mine["deals_closing"]] == ["Ölstad renewal"]
    assert _figures(crm, "report", "--owner", typed) == _figures(crm, "report", "--owner", shouted)


def test_remind_and_the_services_agree_on_who_owns_a_task(store):
    """`remind` restates the owner match over sqlite3: pinned to `services.owners`."""
    import sqlite3

    from termcrm import remind
    from termcrm.services import owners
    from termcrm.store.models import Task

    with store.write() as s:
        for name in ("Ünal", "ÜNAL", "unal", "Ulla", "ǅemal"):
            s.add(Task(title=f"for {name}", owner=name))
    conn = sqlite3.connect(store.engine.url.database)
    try:
        for who in ("ünal", "Ünal", "unal", "ULLA", "ǆemal", "nobody"):
            with store.read() as s:
                expected = sorted(owners.matching(s, Task.owner, who))
            assert sorted(remind.spellings(conn, who)) == expected, who
    finally:
        conn.close()
