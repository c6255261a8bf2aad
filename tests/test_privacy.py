"""A person's data rights: consent, export-data (access) and forget (erasure)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest

NAME = "Zoë Ölstad"
EMAIL = "zoe.olstad@fjord.example"
PHONE = "+47 22 12 34 56"


@pytest.fixture
def zoe(crm):
    crm.ok(
        "contact", "add", NAME, "--email", EMAIL, "--phone", PHONE, "--company", "Fjord AS",
        "--tag", "vip", "--field", "ski=long", "--notes", "Likes telemark",
    )  # fmt: skip
    crm.ok("contact", "add", "Grace Hopper", "--email", "grace@navy.example")
    crm.ok("log", "call", "1", "Called Zoë about skis", "--body", "She said: call Ölstad back")
    crm.ok("log", "survey", "1", "--nps", "3")
    crm.ok("deal", "add", "Skis for Zoë Ölstad", "--contact", "1", "--value", "1200")
    crm.ok("deal", "add", "Navy order", "--contact", "2", "--value", "50")
    crm.ok("task", "add", "Send Zoë the catalogue", "--contact", "1")
    crm.ok("case", "open", "1", "Binding broke")
    crm.ok("contact", "edit", "1", "--stage", "customer", "--consent", "marketing=yes")
    crm.ok("log", "note", "1", "Old note")
    crm.ok("interactions", "--json")


def test_consent_is_dated_shown_and_changed(crm, zoe):
    data = crm.json("contact", "show", "1")
    assert data["consents"] == [
        {
            "kind": "marketing",
            "granted": True,
            "recorded_at": "2026-11-18T09:00:00+00:00",
            "recorded_by": "tester",
        }
    ]
    assert "Consent marketing  yes (since 2026-11-18)" in crm.ok("contact", "show", "1")
    crm.ok("contact", "edit", "1", "--consent", "marketing=no", "--consent", "calls=YES")
    kinds = {c["kind"]: c["granted"] for c in crm.json("contact", "show", "1")["consents"]}
    assert kinds == {"calls": True, "marketing": False}
    bad = crm("contact", "edit", "1", "--consent", "marketing=maybe", "--stage", "lead")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "Error: Invalid --consent 'marketing=maybe': use KIND=yes or KIND=no (e.g. marketing=yes)\n"
    )
    assert crm.json("contact", "show", "1")["stage"] == "customer"  # nothing changed


def test_export_data_holds_everything_about_the_person(crm, zoe, tmp_path):
    crm.ok("task", "delete", "1", "--yes")  # in the trash: still theirs
    target = tmp_path / "zoe.json"
    out = crm.ok("contact", "export-data", EMAIL, "-o", str(target))
    assert out == f"Wrote everything about #1 {NAME} to {target}\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["contact"]["name"] == NAME
    assert data["contact"]["email"] == EMAIL
    assert data["contact"]["fields"] == {"ski": "long"}
    assert data["contact"]["notes"] == "Likes telemark"
    assert [c["kind"] for c in data["consents"]] == ["marketing"]
    assert [i["summary"] for i in data["interactions"]] == ["Called Zoë about skis", "Old note"]
    assert data["interactions"][0]["body"] == "She said: call Ölstad back"
    assert [(s["metric"], s["score"]) for s in data["survey_answers"]] == [("nps", 3)]
    assert [d["title"] for d in data["deals"]] == ["Skis for Zoë Ölstad"]
    assert [h["to_stage"] for h in data["deal_stage_history"]] == ["lead"]
    assert [c["subject"] for c in data["cases"]] == ["Binding broke"]
    assert [h["to_stage"] for h in data["stage_history"]] == ["lead", "customer"]
    assert data["tasks"] == []
    assert [(t["kind"], t["rows"][0][1]["title"]) for t in data["in_trash"]] == [
        ("task", "Send Zoë the catalogue")
    ]
    assert "Grace" not in target.read_text(encoding="utf-8")
    # without -o: the same document on stdout
    assert json.loads(crm.ok("contact", "export-data", "1"))["contact"]["id"] == 1


def _personal_bytes(path) -> list[str]:
    """Which of the person's identifiers occur in the file's raw bytes."""
    try:
        raw = path.read_bytes().lower()
    except FileNotFoundError:
        return []
    needles = [NAME, "Ölstad", "olstad", EMAIL, "zoe.olstad", PHONE, "+4722123456", "22 12 34 56"]
    return [n for n in needles if n.lower().encode() in raw]


def test_forget_leaves_no_byte_of_the_person_in_the_database_files(crm, zoe, store, db_path):
    from termcrm.store import search_index

    with store.write() as s:  # the search index holds them, as a long-lived database does
        while search_index.refresh_contact_search(s):
            pass
    crm.ok("contact", "delete", "1", "--yes")  # first to the trash: its copy must go too
    crm.ok("trash", "restore", "1")
    # another program keeps the database open, so the -wal and -shm files stay on disk
    other = sqlite3.connect(db_path)
    other.execute("select count(*) from contacts").fetchone()
    try:
        files = [db_path, db_path.with_name("crm.db-wal"), db_path.with_name("crm.db-shm")]
        assert _personal_bytes(db_path) or _personal_bytes(files[1])  # the test can see them
        result = crm("contact", "forget", EMAIL, "--yes")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("Erased contact #1: removed 1 cases")
        assert "Kept 1 deal(s) without them (1 title(s) redacted)" in result.stdout
        assert "still hold their data" in result.stderr
        assert files[1].exists() and files[2].exists()
        for path in files:
            assert _personal_bytes(path) == [], path
    finally:
        other.close()
    deals = crm.json("deal", "list")
    assert [(d["title"], d["contact_id"]) for d in deals] == [
        ("Skis for [erased]", None),
        ("Navy order", 2),
    ]
    assert crm.json("contact", "list", "--search", "lstad") == []
    assert crm.json("trash", "list") == []
    assert [i["contact_id"] for i in crm.json("interactions")] == []
    assert crm.json("task", "list", "--all") == []
    assert crm.json("case", "list") == []
    assert [c["name"] for c in crm.json("contact", "list")] == ["Grace Hopper"]
    history = crm.json("history")
    assert (history[0]["action"], history[0]["label"], history[0]["changes"]) == ("erase", None, {})
    assert (history[0]["entity"], history[0]["record_id"], history[0]["user"]) == (
        "contact",
        1,
        "tester",
    )
    text = json.dumps(history, ensure_ascii=False).lower()
    for needle in ("ölstad", "olstad", EMAIL, "22 12 34 56", "+4722123456"):
        assert needle.lower() not in text
    assert "Grace Hopper" in json.dumps(history, ensure_ascii=False)  # others' history stays


def test_forget_asks_first_and_refusing_changes_nothing(crm, zoe):
    result = crm("contact", "forget", "1", input="n\n")
    assert result.exit_code == 1
    assert result.stderr.endswith("Nothing erased.\n")
    assert crm.json("contact", "show", "1")["name"] == NAME


def test_forget_in_a_real_process(run_termcrm, db_path):
    assert run_termcrm("contact", "add", NAME, "--email", EMAIL).returncode == 0
    assert run_termcrm("log", "note", EMAIL, "Met Zoë Ölstad").returncode == 0
    result = run_termcrm("contact", "forget", "1", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert _personal_bytes(db_path) == []
