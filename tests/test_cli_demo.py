"""`termcrm demo` gives a newcomer a living CRM."""

from __future__ import annotations


def test_demo_fills_an_empty_database_with_every_kind_of_record(crm):
    summary = crm.json("demo")
    assert summary["contacts"] >= 40 and summary["companies"] >= 12
    contacts = crm.json("contact", "list")
    assert len(contacts) == summary["contacts"]
    kinds = {i["kind"] for i in crm.json("interactions")}
    assert {"call", "email", "meeting", "note", "chat", "sms", "social", "survey"} <= kinds
    stages = {d["stage"] for d in crm.json("deal", "list")}
    assert stages == {"lead", "qualified", "proposal", "negotiation", "won", "lost"}


def test_demo_refuses_a_database_with_data(crm):
    crm.ok("contact", "add", "Real Customer")
    result = crm("demo")
    assert result.exit_code == 1
    assert "has contacts already" in result.stderr
    assert len(crm.json("contact", "list")) == 1


def test_demo_is_reproducible(crm, crm_env):
    a = crm.json("--db", str(crm_env / "a.db"), "demo")
    b = crm.json("--db", str(crm_env / "b.db"), "demo")
    assert a == b
    names_a = [c["name"] for c in crm.json("--db", str(crm_env / "a.db"), "contact", "list")]
    names_b = [c["name"] for c in crm.json("--db", str(crm_env / "b.db"), "contact", "list")]
    assert names_a == names_b
