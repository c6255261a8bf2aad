"""`contact dupes`, `contact merge` and the duplicate warnings of `contact add` and the import."""

from __future__ import annotations

import sqlite3

import pytest


def _pairs(crm, *extra):
    return {(p["keep_id"], p["other_id"]): p for p in crm.json("contact", "dupes", *extra)}


def test_same_email_modulo_case_gmail_dots_and_plus_tags(crm):
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe.olstad@gmail.com")
    crm.ok("contact", "add", "Z. Olstad", "--email", "ZOEOLSTAD+crm@googlemail.com")
    # dots matter outside Gmail: a different mailbox, not a duplicate
    crm.ok("contact", "add", "Ann Lee", "--email", "ann.lee@example.org")
    crm.ok("contact", "add", "Ann Lee", "--email", "annlee@example.org")
    pairs = _pairs(crm)
    assert pairs[(1, 2)]["score"] == 100
    assert pairs[(1, 2)]["reasons"] == ["same email"]
    assert (3, 4) not in pairs


def test_same_phone_after_normalisation(crm):
    crm.ok("contact", "add", "Ünal Kaya", "--phone", "+49 30 1234-5678")
    crm.ok("contact", "add", "Unal Kaya", "--phone", "+49 (30) 12345678")
    crm.ok("contact", "add", "Someone Else", "--phone", "+49 30 9999 0000")
    pairs = _pairs(crm)
    assert list(pairs) == [(1, 2)]
    assert pairs[(1, 2)]["reasons"] == ["same phone, similar name"]
    assert pairs[(1, 2)]["score"] >= 90


def test_national_numbers_use_the_configured_region(crm, crm_env):
    config = crm_env / "home/.config/termcrm/config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[phones]\ndefault_region = "DE"\n')
    crm.ok("contact", "add", "Ünal Kaya", "--phone", "030 12345678")
    crm.ok("contact", "add", "U. Kaya", "--phone", "+49 30 12345678")
    assert (1, 2) in _pairs(crm)


def test_similar_names_at_the_same_company(crm):
    crm.ok("contact", "add", "Catherine Zeta", "--company", "Acme")
    crm.ok("contact", "add", "Katherine Zeta", "--company", "Acme")
    crm.ok("contact", "add", "Bob Stone", "--company", "Acme")
    pairs = _pairs(crm)
    assert list(pairs) == [(1, 2)]
    assert pairs[(1, 2)]["reasons"] == ["similar name, same company"]


def test_near_misses_are_not_duplicates(crm):
    crm.ok("contact", "add", "Maria Garcia", "--company", "Acme", "--email", "maria@acme.example")
    crm.ok("contact", "add", "Maria Garcia", "--company", "Globex", "--phone", "+34 91 123 4567")
    crm.ok("contact", "add", "Maria Garcia")
    crm.ok("contact", "add", "Mario Garcia", "--company", "Initech", "--phone", "+1 555 0100 200")
    assert crm.json("contact", "dupes", "--min-score", "0") == []
    assert crm.ok("contact", "dupes") == ""


def test_min_score_filters_and_bad_value_is_a_usage_error(crm):
    crm.ok("contact", "add", "Catherine Zeta", "--company", "Acme")
    crm.ok("contact", "add", "Katherine Zeta", "--company", "Acme")
    assert crm.json("contact", "dupes", "--min-score", "99") == []
    result = crm("contact", "dupes", "--min-score", "101")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:")


def test_add_warns_about_the_same_name_and_says_how_to_merge(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    result = crm("contact", "add", "ada lovelace")
    assert result.exit_code == 0
    assert result.stdout == "Added contact #2 ada lovelace\n"
    assert result.stderr == (
        "Warning: #1 Ada Lovelace exists already (same name); "
        "if they are one person: termcrm contact merge 1 2\n"
    )
    quiet = crm("contact", "add", "Grace Hopper")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_add_warns_about_a_likely_duplicate_by_phone(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--phone", "+44 20 7946 0958")
    result = crm("contact", "add", "Ada King", "--phone", "+44 (20) 7946-0958")
    assert result.exit_code == 0
    assert "#1 Ada Lovelace exists already (same phone)" in result.stderr
    assert "termcrm contact merge 1 2" in result.stderr


def test_import_counts_likely_duplicates_in_one_line(crm, tmp_path):
    crm.ok("contact", "add", "Ada Lovelace", "--phone", "+44 20 7946 0958")
    csv = tmp_path / "in.csv"
    csv.write_text(
        "name,phone,email\nAda Lovelace,,ada@example.com\nBob,+44 20 79460958,\nCarl,,\n",
        encoding="utf-8",
    )
    assert crm.json("import", "contacts", str(csv), "--dry-run")["likely_duplicates"] == 2
    result = crm("import", "contacts", str(csv))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "Warning: 2 new contacts share the name or phone of an existing one; review with "
        "'termcrm contact dupes', merge with 'termcrm contact merge KEEP OTHER'\n"
    )


@pytest.fixture
def two_adas(crm):
    crm.ok(
        "contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "vip",
        "--field", "linkedin=ada-l", "--field", "team=math", "--stage", "prospect",
        "--notes", "Met at the Royal Society",
    )  # fmt: skip
    crm.ok(
        "contact", "add", "Ada King", "--email", "ada.king@example.com", "--phone", "+44 1",
        "--company", "Analytical Ltd", "--title", "Countess", "--tag", "math", "--tag", "vip",
        "--field", "team=engines", "--field", "twitter=@ada", "--stage", "customer",
        "--notes", "Prefers letters",
    )  # fmt: skip
    crm.ok("log", "call", "2", "Talked engines")
    crm.ok("log", "note", "2", "Sent notes")
    crm.ok("log", "survey", "2", "--nps", "10")
    crm.ok("deal", "add", "Engine", "--contact", "2", "--value", "1000")
    crm.ok("task", "add", "Call back", "--contact", "2")
    crm.ok("case", "open", "2", "Broken gear")
    crm.ok("contact", "edit", "1", "--stage", "customer")
    crm.ok("contact", "edit", "1", "--stage", "prospect")


def test_merge_moves_every_related_record_and_fills_empty_fields(crm, two_adas, db_path):
    out = crm.ok("contact", "merge", "1", "2", "--yes")
    assert "phone: empty, filled with +44 1" in out
    assert "name: Ada Lovelace (keep) vs Ada King (other) -> Ada Lovelace" in out
    assert "stage: prospect (keep) vs customer (other) -> prospect" in out
    assert "field:team: math (keep) vs engines (other) -> math" in out
    assert "moves 3 interactions" in out
    assert out.endswith("Merged contact #2 Ada King into #1 Ada Lovelace\n")
    data = crm.json("contact", "show", "1")
    assert data["name"] == "Ada Lovelace"
    assert data["email"] == "ada@example.com"
    assert data["phone"] == "+44 1"
    assert data["company"] == "Analytical Ltd"
    assert data["title"] == "Countess"
    assert data["stage"] == "prospect"
    assert data["tags"] == ["math", "vip"]
    assert data["fields"] == {"linkedin": "ada-l", "team": "math", "twitter": "@ada"}
    assert data["notes"] == "Met at the Royal Society\n\nPrefers letters"
    assert len(data["interactions"]) == 3  # call, note, survey
    assert [d["title"] for d in data["deals"]] == ["Engine"]
    assert [t["title"] for t in data["tasks"]] == ["Call back"]
    assert [c["subject"] for c in data["cases"]] == ["Broken gear"]
    assert crm("contact", "show", "2").exit_code == 1
    con = sqlite3.connect(db_path)
    stages = con.execute("select contact_id from contact_stage_changes").fetchall()
    con.close()
    assert {c for (c,) in stages} == {1}
    assert len(stages) == 4  # two creations, two changes of #1


def test_merge_prefer_other_takes_the_other_values(crm, two_adas):
    out = crm.ok("contact", "merge", "1", "2", "--prefer", "other", "--yes")
    assert "email: ada@example.com (keep) vs ada.king@example.com (other)" in out
    data = crm.json("contact", "show", "1")
    assert data["name"] == "Ada King"
    assert data["email"] == "ada.king@example.com"
    assert data["stage"] == "customer"
    assert data["fields"]["team"] == "engines"
    assert data["notes"] == "Prefers letters\n\nMet at the Royal Society"
    assert crm.json("contact", "show", "ada.king@example.com")["id"] == 1


def test_merge_dry_run_changes_nothing(crm, two_adas):
    before = crm.json("contact", "list")
    result = crm("contact", "merge", "1", "2", "--dry-run")
    assert result.exit_code == 0
    assert "moves 1 deals" in result.stdout
    assert result.stderr == "Dry run: nothing was changed.\n"
    assert crm.json("contact", "list") == before


def test_merge_refused_at_the_prompt_changes_nothing(crm, two_adas):
    result = crm("contact", "merge", "1", "2", input="n\n")
    assert result.exit_code == 1
    assert len(crm.json("contact", "list")) == 2


def test_merge_bad_input(crm, two_adas):
    same = crm("contact", "merge", "1", "1", "--yes")
    assert (same.exit_code, same.stderr) == (2, "Error: Cannot merge contact #1 into itself\n")
    prefer = crm("contact", "merge", "1", "2", "--prefer", "both", "--yes")
    assert prefer.exit_code == 2
    assert prefer.stderr == "Error: Invalid --prefer 'both': use keep or other\n"
    missing = crm("contact", "merge", "1", "99", "--yes")
    assert (missing.exit_code, missing.stderr) == (1, "Error: No contact with id 99\n")
    assert len(crm.json("contact", "list")) == 2


def test_dupes_then_merge_in_a_real_process(run_termcrm):
    assert run_termcrm("contact", "add", "Zoë Ölstad", "--email", "zoe@gmail.com").returncode == 0
    assert run_termcrm("contact", "add", "Zoe Olstad", "--email", "z.o.e@gmail.com").returncode == 0
    listing = run_termcrm("contact", "dupes")
    assert listing.returncode == 0
    assert "same email" in listing.stdout
    assert "termcrm contact merge 1 2" in listing.stderr
    merged = run_termcrm("contact", "merge", "1", "2", "--yes")
    assert merged.returncode == 0, merged.stderr
    assert run_termcrm("contact", "dupes").stdout == ""


def test_merge_keeps_the_name_parts_and_the_vcard_uid_of_the_same_name(crm, tmp_path):
    """The duplicate came from a vCard: its name's parts and its UID (what a re-import of
    that card matches on) go to the contact kept, which had neither."""
    crm.ok("contact", "add", "Dr. Mark Schröder II")
    card = tmp_path / "mark.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:urn:uuid:4fbe8971\r\nFN:Dr. Mark Schröder II\r\n"
        "N:Schröder;Mark;;Dr.;II\r\nEMAIL:mark@example.org\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    crm.ok("import", "contacts", str(card))
    (second,) = [c for c in crm.json("contact", "list") if c["email"] == "mark@example.org"]
    out = crm.ok("contact", "merge", "1", str(second["id"]), "--yes")
    assert "first_name: empty, filled with Mark" in out
    shown = crm.json("contact", "show", "1")
    assert (shown["name_prefix"], shown["first_name"], shown["last_name"]) == (
        "Dr.",
        "Mark",
        "Schröder",
    )
    assert (shown["name_suffix"], shown["uid"]) == ("II", "urn:uuid:4fbe8971")
    assert shown["email"] == "mark@example.org"


def test_merge_taking_the_other_name_takes_its_parts_too(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--first", "Ada", "--last", "Lovelace")
    crm.ok("contact", "add", "Augusta King", "--last", "King", "--email", "ak@example.org")
    plan = crm.ok("contact", "merge", "1", "2", "--prefer", "other", "--dry-run")
    assert "first_name: emptied (it was part of the name replaced)" in plan
    crm.ok("contact", "merge", "1", "2", "--prefer", "other", "--yes")
    shown = crm.json("contact", "show", "1")
    assert (shown["name"], shown["first_name"], shown["last_name"]) == (
        "Augusta King",
        None,
        "King",
    )
    # keeping its own name, a contact keeps its own parts
    crm.ok("contact", "add", "Grace Hopper", "--first", "Grace", "--last", "Hopper")
    crm.ok("contact", "add", "G. Hopper", "--first", "G.", "--email", "gh@example.org")
    ids = {c["name"]: c["id"] for c in crm.json("contact", "list")}
    crm.ok("contact", "merge", str(ids["Grace Hopper"]), str(ids["G. Hopper"]), "--yes")
    shown = crm.json("contact", "show", str(ids["Grace Hopper"]))
    assert (shown["name"], shown["first_name"], shown["last_name"]) == (
        "Grace Hopper",
        "Grace",
        "Hopper",
    )
