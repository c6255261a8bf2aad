"""`termcrm contact ...` as a user drives it."""

from __future__ import annotations

import json


def test_add_then_show_json(crm):
    out = crm.ok(
        "contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--company",
        "Analytical Engines", "--tag", "vip", "--tag", "math", "--field", "linkedin=ada-l",
        "--phone", "+44 20 7946 0018", "--stage", "prospect",
    )  # fmt: skip
    assert out == "Added contact #1 Ada Lovelace\n"
    data = crm.json("contact", "show", "ada")
    assert data["email"] == "ada@example.com"
    assert data["company"] == "Analytical Engines"
    assert data["tags"] == ["math", "vip"]
    assert data["fields"] == {"linkedin": "ada-l"}
    assert data["phone"] == "+44 20 7946 0018"
    assert data["stage"] == "prospect"
    assert data["owner"] == "tester"
    assert data["created_at"].startswith("2026-11-18T09:00:00")


def test_duplicate_email_in_other_case_is_a_conflict_naming_the_existing(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    result = crm("contact", "add", "Ada L", "--email", "ADA@Example.COM")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: A contact with email ada@example.com exists already: #1 Ada Lovelace\n"
    )
    assert len(crm.json("contact", "list")) == 1


def test_invalid_email_exit_2_and_nothing_written(crm):
    result = crm("contact", "add", "Bob", "--email", "bob-at-example")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid email 'bob-at-example'")
    assert "Traceback" not in result.output
    assert crm.json("contact", "list") == []


def test_unknown_stage_is_invalid(crm):
    result = crm("contact", "add", "Bob", "--stage", "vip")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Unknown stage 'vip'; choose one of: lead, prospect, customer, churned\n"
    )


def test_reference_by_id_email_and_unique_part_of_name(crm):
    crm.ok("contact", "add", "Grace Hopper", "--email", "grace@navy.example")
    crm.ok("contact", "add", "Alan Turing")
    assert crm.json("contact", "show", "1")["name"] == "Grace Hopper"
    assert crm.json("contact", "show", "GRACE@navy.example")["name"] == "Grace Hopper"
    assert crm.json("contact", "show", "turi")["name"] == "Alan Turing"


def test_ambiguous_reference_lists_candidates(crm):
    crm.ok("contact", "add", "Ada Lovelace")
    crm.ok("contact", "add", "Ada Byron", "--email", "byron@example.com")
    result = crm("contact", "show", "ada")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 'ada' matches several contacts: #1 Ada Lovelace, #2 Ada Byron <byron@example.com>\n"
    )


def test_exact_full_name_wins_over_partial_matches(crm):
    crm.ok("contact", "add", "Ann")
    crm.ok("contact", "add", "Anna Karenina")
    assert crm.json("contact", "show", "ann")["name"] == "Ann"


def test_unknown_contact_is_not_found(crm):
    result = crm("contact", "show", "nobody")
    assert result.exit_code == 1
    assert result.stderr == "Error: No contact matches 'nobody'\n"
    result = crm("contact", "show", "99")
    assert (result.exit_code, result.stderr) == (1, "Error: No contact with id 99\n")


def test_list_filters_and_search(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--company", "Analytical", "--tag", "vip")
    crm.ok("contact", "add", "Grace Hopper", "--company", "Navy", "--stage", "customer")
    crm.ok("contact", "add", "Alan Turing", "--owner", "sam")
    names = lambda *a: [c["name"] for c in crm.json("contact", "list", *a)]  # noqa: E731
    assert names() == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert names("--search", "navy") == ["Grace Hopper"]
    assert names("--search", "VIP") == ["Ada Lovelace"]
    assert names("--tag", "vip") == ["Ada Lovelace"]
    assert names("--stage", "customer") == ["Grace Hopper"]
    assert names("--owner", "sam") == ["Alan Turing"]
    assert names("--company", "analytical") == ["Ada Lovelace"]
    assert names("--limit", "1") == ["Ada Lovelace"]
    assert names("--search", "50%_") == []


def test_list_csv_and_plain_text(crm):
    crm.ok("contact", "add", "=cmd Attacker", "--email", "x@example.com", "--tag", "a")
    csv_out = crm.ok("contact", "list", "--csv")
    assert csv_out.splitlines()[0].startswith("id,name,email")
    assert "'=cmd Attacker" in csv_out
    plain = crm.ok("contact", "list")
    assert plain.splitlines()[0].split() == [
        "ID",
        "Name",
        "Email",
        "Phone",
        "Company",
        "Stage",
        "Owner",
        "Tags",
    ]


def test_edit_changes_only_given_fields_and_records_stage_history(crm, store):
    crm.ok("contact", "add", "Ada", "--email", "ada@example.com", "--tag", "old")
    data = crm.json("contact", "edit", "ada", "--stage", "customer", "--untag", "old",
                    "--tag", "new", "--cadence", "4w")  # fmt: skip
    assert data["stage"] == "customer"
    assert data["tags"] == ["new"]
    assert data["cadence_days"] == 28
    assert data["email"] == "ada@example.com"
    from sqlmodel import select

    from termcrm.store.models import ContactStageChange

    with store.read() as s:
        history = [(h.from_stage, h.to_stage) for h in s.exec(select(ContactStageChange)).all()]
    assert history == [(None, "lead"), ("lead", "customer")]


def test_edit_to_taken_email_is_refused(crm):
    crm.ok("contact", "add", "Ada", "--email", "ada@example.com")
    crm.ok("contact", "add", "Bob", "--email", "bob@example.com")
    result = crm("contact", "edit", "bob", "--email", "Ada@example.com")
    assert result.exit_code == 1
    assert crm.json("contact", "show", "bob")["email"] == "bob@example.com"


def test_delete_needs_confirmation(crm):
    crm.ok("contact", "add", "Ada")
    result = crm("contact", "delete", "ada", input="n\n")
    assert result.exit_code == 1
    assert len(crm.json("contact", "list")) == 1
    crm.ok("contact", "delete", "ada", "--yes")
    assert crm.json("contact", "list") == []


def test_json_list_is_an_array_even_when_empty(crm):
    result = crm("contact", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_company_option_takes_an_id_or_a_name(crm):
    crm.ok("company", "add", "Analytical Engines", "--domain", "ae.example")
    assert crm.json("contact", "add", "Ada", "--company", "1")["company"] == "Analytical Engines"
    assert crm.json("contact", "add", "Bob", "--company", "analytical engines")["company"] == (
        "Analytical Engines"
    )
    assert len(crm.json("company", "list")) == 1
    result = crm("contact", "add", "Cy", "--company", "7")
    assert (result.exit_code, result.stderr) == (1, "Error: No company '7'\n")
