"""The trash: deletes are restorable for a while, everyday commands never show trashed records."""

from __future__ import annotations

import sqlite3

import pytest


@pytest.fixture
def zoe(crm):
    crm.ok(
        "contact", "add", "Zoë Ölstad", "--email", "zoe@example.com", "--tag", "vip",
        "--company", "Fjord AS", "--field", "ski=long", "--stage", "prospect",
    )  # fmt: skip
    crm.ok("log", "call", "1", "Called about skis")
    crm.ok("log", "survey", "1", "--nps", "9")
    crm.ok("deal", "add", "Skis", "--contact", "1", "--value", "100")
    crm.ok("task", "add", "Follow up", "--contact", "1", "--due", "tomorrow")
    crm.ok("case", "open", "1", "Broken binding")
    return _without_history(crm.json("contact", "show", "1"))


def _without_history(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "history"}


def test_deleted_contact_disappears_everywhere_and_comes_back_whole(crm, zoe):
    result = crm("contact", "delete", "1", "--yes")
    assert result.exit_code == 0
    assert result.stdout == "Deleted contact #1 Zoë Ölstad\n"
    assert result.stderr == "Moved to the trash; undo with: termcrm trash restore 1\n"
    assert crm.json("contact", "list") == []
    assert crm.json("contact", "list", "--search", "Ölstad") == []
    assert crm.json("interactions") == []
    assert crm.json("task", "list", "--all") == []
    assert crm.json("case", "list") == []
    assert crm.json("deal", "list")[0]["contact_id"] is None  # deals outlive contacts
    listed = crm.json("trash", "list")
    assert [(t["id"], t["kind"], t["record_id"], t["label"]) for t in listed] == [
        (1, "contact", 1, "#1 Zoë Ölstad")
    ]
    assert listed[0]["deleted_by"] == "tester"
    assert listed[0]["expires_at"].startswith("2026-12-18")
    assert crm.ok("trash", "restore", "1") == "Restored contact #1 Zoë Ölstad\n"
    restored = crm.json("contact", "show", "1")
    assert _without_history(restored) == zoe
    assert [h["action"] for h in restored["history"][:2]] == ["restore", "delete"]
    assert crm.json("deal", "list")[0]["contact_id"] == 1
    assert crm.json("trash", "list") == []


def test_task_and_case_deletes_are_restorable(crm, zoe):
    crm.ok("task", "delete", "1", "--yes")
    crm.ok("case", "delete", "1", "--yes")
    assert crm.json("task", "list", "--all") == []
    assert crm.json("case", "list") == []
    kinds = [t["kind"] for t in crm.json("trash", "list")]
    assert sorted(kinds) == ["case", "task"]
    crm.ok("trash", "restore", "1")
    crm.ok("trash", "restore", "2")
    assert _without_history(crm.json("contact", "show", "1")) == zoe


def test_restore_refuses_when_the_email_was_taken_meanwhile(crm, zoe):
    crm.ok("contact", "delete", "1", "--yes")
    again = crm.json("contact", "add", "Zoe Again", "--email", "ZOE@example.com")["id"]
    result = crm("trash", "restore", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot restore: #{again} Zoe Again has the email ZOE@example.com now\n"
    )
    assert len(crm.json("trash", "list")) == 1
    assert [c["name"] for c in crm.json("contact", "list")] == ["Zoe Again"]


def test_a_taken_id_gives_the_restored_record_a_new_one(crm, zoe):
    crm.ok("contact", "delete", "1", "--yes")
    crm.ok("contact", "add", "Grace Hopper")  # SQLite hands out id 1 again
    result = crm("trash", "restore", "1")
    assert result.exit_code == 0
    assert result.stderr == "Its id #1 was taken meanwhile: it is #2 now\n"
    restored = crm.json("contact", "show", "2")
    assert restored["name"] == "Zoë Ölstad"
    assert restored["tags"] == ["vip"] and restored["fields"] == {"ski": "long"}
    assert [i["summary"] for i in restored["interactions"]] == [
        "NPS 9",
        "Called about skis",
    ]
    assert [d["title"] for d in restored["deals"]] == ["Skis"]
    assert [c["subject"] for c in restored["cases"]] == ["Broken binding"]
    assert crm.json("contact", "show", "1")["name"] == "Grace Hopper"


def test_unknown_trash_entry(crm):
    result = crm("trash", "restore", "7")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: No trash entry 7 (see 'termcrm trash list')\n",
    )


def _trash_rows(db_path) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("select count(*) from trash").fetchone()[0]
    finally:
        con.close()


def test_expired_trash_is_purged_by_an_ordinary_command(crm, zoe, db_path, monkeypatch):
    crm.ok("contact", "delete", "1", "--yes")
    monkeypatch.setenv("TERMCRM_NOW", "2026-12-17T10:00:00+01:00")  # 29 days later
    crm.ok("contact", "list")
    assert _trash_rows(db_path) == 1
    monkeypatch.setenv("TERMCRM_NOW", "2026-12-19T10:00:00+01:00")  # 31 days later
    crm.ok("contact", "list")
    assert _trash_rows(db_path) == 0


def test_keep_days_is_configurable(crm, zoe, crm_env, db_path, monkeypatch):
    config = crm_env / "home/.config/termcrm/config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[trash]\nkeep_days = 7\n")
    crm.ok("task", "delete", "1", "--yes")
    assert crm.json("trash", "list")[0]["expires_at"].startswith("2026-11-25")
    monkeypatch.setenv("TERMCRM_NOW", "2026-11-26T10:00:00+01:00")
    assert crm.json("trash", "list") == []
    assert _trash_rows(db_path) == 0
    config.write_text("[trash]\nkeep_days = 'soon'\n")
    bad = crm("trash", "list")
    assert bad.exit_code == 2
    assert "keep_days" in bad.stderr and bad.stderr.startswith("Error:")


def test_empty_older_than_and_the_prompt(crm, zoe, monkeypatch):
    crm.ok("task", "delete", "1", "--yes")
    monkeypatch.setenv("TERMCRM_NOW", "2026-11-25T10:00:00+01:00")
    crm.ok("case", "delete", "1", "--yes")
    refused = crm("trash", "empty", input="n\n")
    assert refused.exit_code == 1
    assert len(crm.json("trash", "list")) == 2
    assert crm.ok("trash", "empty", "--older-than", "3d", "--yes") == (
        "Removed 1 trash entry for good.\n"
    )
    assert [t["kind"] for t in crm.json("trash", "list")] == ["case"]
    assert crm.ok("trash", "empty", "--yes") == "Removed 1 trash entry for good.\n"
    assert crm.ok("trash", "empty", "--yes") == "Nothing to remove.\n"
    bad = crm("trash", "empty", "--older-than", "whenever", "--yes")
    assert bad.exit_code == 2


def test_trash_in_a_real_process(run_termcrm):
    assert run_termcrm("contact", "add", "Ünal Kaya").returncode == 0
    deleted = run_termcrm("contact", "delete", "1", "--yes")
    assert deleted.returncode == 0
    assert "trash restore 1" in deleted.stderr
    listing = run_termcrm("trash", "list")
    assert "#1 Ünal Kaya" in listing.stdout
    assert run_termcrm("trash", "restore", "1").returncode == 0
    assert "Ünal Kaya" in run_termcrm("contact", "list").stdout


def test_every_service_delete_goes_through_the_trash(crm, zoe, store):
    """Deals, interactions and companies (whose commands come separately) trash the same way."""
    from termcrm.services import companies, deals, interactions
    from termcrm.store.models import Company, Deal, Interaction

    with store.write() as s:
        deals.delete_deal(s, s.get(Deal, 1), actor="tester")
        interactions.delete_interaction(s, s.get(Interaction, 1), actor="tester")
        companies.delete_company(s, s.get(Company, 1), actor="tester")
    assert crm.json("deal", "list") == []
    assert [i["summary"] for i in crm.json("interactions")] == ["NPS 9"]
    assert crm.json("contact", "show", "1")["company"] is None
    listed = crm.json("trash", "list")
    assert sorted(t["kind"] for t in listed) == ["company", "deal", "interaction"]
    for entry in listed:
        crm.ok("trash", "restore", str(entry["id"]))
    assert _without_history(crm.json("contact", "show", "1")) == zoe
