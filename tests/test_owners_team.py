"""Owners everywhere: every record has one, `--mine`/`--owner` on every list, and on
PostgreSQL owners are team members."""

from __future__ import annotations

import pytest


def _book(crm) -> None:
    crm.ok("company", "add", "Analytical Engines")
    crm.ok("company", "add", "Difference Ltd", "--owner", "grace")
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.com", "--owner", "grace")
    crm.ok("deal", "add", "Mine", "--contact", "ada@example.com", "--value", "10")
    crm.ok("deal", "add", "Hers", "--contact", "zoe@example.com", "--value", "20")
    crm.ok("task", "add", "Call Ada", "--due", "today")
    crm.ok("task", "add", "Call Zoë", "--due", "today", "--owner", "grace")
    crm.ok("case", "open", "ada@example.com", "Broken invoice")
    crm.ok("case", "open", "zoe@example.com", "Lost parcel", "--owner", "grace")


def test_every_list_takes_mine_and_owner(crm):
    _book(crm)
    assert crm.json("company", "add", "Babbage & Co")["owner"] == "tester"
    names = {
        ("company", "list"): "name",
        ("contact", "list"): "name",
        ("deal", "list"): "title",
        ("task", "list"): "title",
        ("case", "list"): "subject",
    }
    for cmd, key in names.items():
        mine = {r[key] for r in crm.json(*cmd, "--mine")}
        hers = {r[key] for r in crm.json(*cmd, "--owner", "GRACE")}
        assert mine and hers and not mine & hers, cmd
        assert all(r["owner"] == "tester" for r in crm.json(*cmd, "--mine")), cmd
    board = crm.json("pipeline", "--mine")
    titles = [d["title"] for column in board["stages"] for d in column["deals"]]
    assert titles == ["Mine"]
    assert (
        crm.json("report", "--mine")["pipeline"]
        == crm.json("report", "--owner", "tester")["pipeline"]
    )


def test_mine_and_owner_together_is_a_usage_error(crm):
    result = crm("deal", "list", "--mine", "--owner", "grace")
    assert result.exit_code == 2
    assert result.stderr == "Error: Use --mine or --owner, not both\n"


def test_company_edit_reassigns(crm):
    crm.ok("company", "add", "Analytical Engines")
    assert crm.json("company", "edit", "Analytical Engines", "--owner", "Ünal")["owner"] == "Ünal"


@pytest.mark.postgres
def test_on_postgresql_owners_are_team_members(crm, pg_db, monkeypatch):
    monkeypatch.delenv("TERMCRM_USER")
    h = pg_db.hex
    alice, bob = f"alice_{h}", f"bob_{h}"
    owner = ["--db", pg_db.url()]
    for name in (alice, bob):
        crm.ok(*owner, "team", "add", name, "--role", "member")
    as_alice = ["--db", pg_db.url(alice)]

    unknown = crm(*as_alice, "contact", "add", "Ada Lovelace", "--owner", "mallory")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("Error: Unknown owner 'mallory': on PostgreSQL owners are")
    assert crm.json(*owner, "contact", "list") == []

    # any letter case names the member; the login's own spelling is stored
    ada = crm.json(*as_alice, "contact", "add", "Ada Lovelace", "--owner", alice.upper())
    assert ada["owner"] == alice
    crm.ok(*as_alice, "task", "add", "Alice's", "--due", "today")
    crm.ok(*as_alice, "task", "add", "For Bob", "--due", "today", "--owner", bob)

    # a member's agenda is their own unless they ask for everyone's
    mine = crm.json(*as_alice, "today")
    assert [t["title"] for t in mine["due_today"]] == ["Alice's"]
    everyone = crm.json(*as_alice, "today", "--everyone")
    assert {t["title"] for t in everyone["due_today"]} == {"Alice's", "For Bob"}

    # the owner hands a record over; after that it is no longer theirs to change
    deal = crm.json(*as_alice, "deal", "add", "Renewal", "--contact", "ada", "--value", "5")
    assert crm.json(*as_alice, "deal", "edit", str(deal["id"]), "--owner", bob)["owner"] == bob
    again = crm(*as_alice, "deal", "edit", str(deal["id"]), "--owner", alice)
    assert again.exit_code == 1
    assert f"belongs to {bob}" in again.stderr
    assert crm.json(*owner, "deal", "edit", str(deal["id"]), "--owner", alice)["owner"] == alice


def test_export_takes_mine_and_owner(crm):
    import json

    _book(crm)
    mine = json.loads(crm.ok("export", "deals", "--format", "json", "--mine"))
    assert [d["title"] for d in mine] == ["Mine"]
    hers = json.loads(crm.ok("export", "contacts", "--format", "json", "--owner", "Grace"))
    assert [c["name"] for c in hers] == ["Zoë Ölstad"]
    assert "Call Zoë" not in crm.ok("export", "tasks", "--format", "ics", "--mine")
