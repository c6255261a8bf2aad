"""The audit trail and `termcrm history`, on SQLite (service layer) and PostgreSQL (triggers)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request):
    """(the --db arguments, the name the trail records) for each engine."""
    if request.param == "sqlite":
        return [], "tester"
    url = request.getfixturevalue("pg_url")
    from sqlalchemy.engine import make_url

    return ["--db", url], make_url(url).username


def test_history_of_a_deal_says_who_changed_what_from_what_to_what(crm, engine):
    db, who = engine
    crm.ok(*db, "contact", "add", "Zoë Ölstad", "--email", "zoe@example.com")
    deal = crm.json(*db, "deal", "add", "Renewal", "--contact", "zoe@example.com", "--value", "120")
    crm.ok(*db, "deal", "move", str(deal["id"]), "proposal")
    crm.ok(*db, "deal", "edit", str(deal["id"]), "--value", "150.50")

    trail = crm.json(*db, "history", "--deal", str(deal["id"]))
    assert [e["action"] for e in trail] == ["change", "change", "create"]
    assert {e["user"] for e in trail} == {who}
    assert trail[0]["changes"]["value_minor"] == {"old": 12000, "new": 15050}
    assert trail[1]["changes"]["stage"] == {"old": "lead", "new": "proposal"}
    assert trail[2]["changes"]["title"] == {"old": None, "new": "Renewal"}
    assert trail[2]["label"] == "Renewal"

    plain = crm.ok(*db, "history", "--deal", str(deal["id"]))
    assert "stage: lead → proposal" in plain


def test_a_deleted_records_history_stays(crm, engine):
    db, _ = engine
    crm.ok(*db, "contact", "add", "Ünal Aydın")
    crm.ok(*db, "case", "open", "Ünal", "Broken invoice")
    crm.ok(*db, "contact", "delete", "Ünal", "--yes")
    trail = crm.json(*db, "history", "1")
    deleted = [e for e in trail if e["action"] == "delete" and e["entity"] == "contact"]
    assert deleted[0]["label"] == "Ünal Aydın"
    assert deleted[0]["changes"]["name"] == {"old": "Ünal Aydın", "new": None}
    assert crm.json(*db, "history", "--case", "1")[-1]["action"] == "create"

    # a new contact that gets the same id (SQLite reuses the last one) starts a new history
    crm.ok(*db, "contact", "add", "Grace Hopper")
    fresh = crm.json(*db, "contact", "show", "grace")
    assert [(e["action"], e["label"]) for e in fresh["history"]] == [("create", "Grace Hopper")]


def test_history_filters_by_contact_user_and_since(crm, engine, monkeypatch):
    db, who = engine
    crm.ok(*db, "contact", "add", "Ada Lovelace")
    crm.ok(*db, "contact", "add", "Grace Hopper")
    crm.ok(*db, "task", "add", "Call Ada", "--contact", "ada")
    crm.ok(*db, "log", "call", "ada", "Talked")
    ada = crm.json(*db, "history", "ada")
    assert sorted(e["entity"] for e in ada) == ["contact", "interaction", "task"]
    assert all(e["contact_id"] == 1 for e in ada)
    assert len(crm.json(*db, "history", "--user", who.upper())) == 4
    assert crm.json(*db, "history", "--user", "nobody") == []
    assert crm.json(*db, "history", "--since", "2999-01-01") == []


def test_history_bad_input_is_one_line_exit_2(crm):
    both = crm("history", "ada", "--deal", "1")
    assert both.exit_code == 2
    assert (
        both.stderr == "Error: Ask about one thing at a time: CONTACT, --deal, --task or --case\n"
    )
    assert crm("history", "--since", "someday").exit_code == 2
    assert crm.json("history") == []


def test_contact_show_lists_the_contacts_changes(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--stage", "lead")
    crm.ok("contact", "edit", "ada", "--stage", "customer")
    shown = crm.json("contact", "show", "ada")
    assert [e["action"] for e in shown["history"]] == ["change", "create"]
    assert shown["history"][0]["changes"]["stage"] == {"old": "lead", "new": "customer"}
    text = crm.ok("contact", "show", "ada")
    assert "Changes" in text
    assert "tester changed stage: lead → customer" in text


def test_sqlite_trail_is_written_in_the_same_transaction(crm, store):
    """A failed command changes nothing, the trail included."""
    from sqlalchemy import text

    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    dup = crm("contact", "add", "Other", "--email", "ADA@example.com")
    assert dup.exit_code == 1
    with store.read() as s:
        assert s.execute(text("SELECT count(*) FROM audit_log")).scalar() == 1


def test_an_import_records_one_summary_entry(crm, crm_env):
    csv = crm_env / "people.csv"
    csv.write_text("name,email\nAda Lovelace,ada@example.com\nZoë Ölstad,zoe@example.com\n")
    crm.ok("import", "contacts", str(csv))
    trail = crm.json("history")
    assert [(e["action"], e["entity"], e["changes"]) for e in trail] == [
        ("import", "contact", {"rows": {"old": None, "new": 2}})
    ]
    assert trail[0]["user"] == "tester"
    assert "2 rows" in crm.ok("history")
