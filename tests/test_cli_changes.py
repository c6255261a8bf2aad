"""Changing and removing what was recorded: interactions, deals, companies and cases, and open
cases on the daily agenda."""

from __future__ import annotations

import pytest


@pytest.fixture
def zoe(crm):
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.com",
           "--company", "Ölwerk AG")  # fmt: skip
    crm.ok("log", "call", "zoe@example.com", "Renewal talk", "--duration", "30",
           "--direction", "out", "--body", "Wants two seats")  # fmt: skip


def test_interactions_edit_changes_only_what_is_given(crm, zoe):
    crm.ok("contact", "add", "Ünal Kaya")
    data = crm.json("interactions", "edit", "1", "--summary", "Renewal talk, part 2",
                    "--duration", "", "--contact", "Ünal")  # fmt: skip
    assert data["summary"] == "Renewal talk, part 2"
    assert data["duration_min"] is None
    assert data["direction"] == "out" and data["body"] == "Wants two seats"
    assert data["contact"] == "Ünal Kaya"
    assert crm.json("interactions", "--kind", "call")[0]["summary"] == "Renewal talk, part 2"


def test_interactions_edit_rejects_bad_input_and_changes_nothing(crm, zoe):
    before = crm.json("interactions")
    for args, message in (
        (("--direction", "sideways"), "direction"),
        (("--when", "not a date"), "not a date"),
        (("--kind", "survey"), "A survey answer stays a survey"),
        (("--summary", ""), "Summary must not be empty"),
    ):
        r = crm("interactions", "edit", "1", *args)
        assert r.exit_code == 2, args
        assert r.stderr.startswith("Error: ") and message in r.stderr, r.stderr
    assert crm.json("interactions") == before
    missing = crm("interactions", "edit", "99", "--summary", "x")
    assert (missing.exit_code, missing.stderr) == (1, "Error: No interaction with id 99\n")


def test_interactions_delete_asks_first(crm, zoe):
    r = crm("interactions", "delete", "1", input="n\n")
    assert r.exit_code == 1 and len(crm.json("interactions")) == 1
    out = crm.ok("interactions", "delete", "1", "--yes")
    assert out == "Deleted call #1 'Renewal talk'\n"
    assert crm.json("interactions") == []
    # the list form of the command still takes its filters
    assert crm.json("interactions", "--contact", "zoe@example.com") == []


def test_deal_delete_takes_its_tasks_along(crm, zoe):
    crm.ok("deal", "add", "Renewal 2027", "--contact", "zoe@example.com", "--value", "12000")
    crm.ok("task", "add", "Send the quote", "--deal", "1")
    crm.ok("task", "add", "Unrelated", "--contact", "zoe@example.com")
    assert crm("deal", "delete", "1", input="n\n").exit_code == 1
    assert crm.ok("deal", "delete", "1", "--yes") == "Deleted deal #1 Renewal 2027 and its 1 task\n"
    assert crm.json("deal", "list") == []
    assert [t["title"] for t in crm.json("task", "list")] == ["Unrelated"]
    assert crm("deal", "delete", "1", "--yes").exit_code == 1


def test_company_edit_and_delete_say_what_happens_to_its_contacts(crm, zoe):
    data = crm.json("company", "edit", "Ölwerk AG", "--website", "oelwerk.example",
                    "--notes", "Pays late")  # fmt: skip
    assert data["domain"] == "oelwerk.example" and data["notes"] == "Pays late"
    crm.ok("deal", "add", "Pumps", "--contact", "zoe@example.com", "--value", "10")
    r = crm("company", "delete", "Ölwerk AG", input="n\n")
    assert r.exit_code == 1 and "Its 1 contact(s) stay, without a company" in r.stdout
    out = crm.ok("company", "delete", "Ölwerk AG", "--yes")
    assert out == (
        "Deleted company #1 Ölwerk AG; its 1 contact(s) and 1 deal(s) are kept without a company\n"
    )
    assert crm.json("contact", "show", "zoe@example.com")["company"] is None
    assert crm.json("deal", "list")[0]["company"] is None
    assert crm.json("company", "list") == []


def test_case_edit(crm, zoe):
    crm.ok("case", "open", "zoe@example.com", "Invoice shows the wrong VAT")
    data = crm.json("case", "edit", "1", "--priority", "urgent", "--owner", "grace",
                    "--subject", "Wrong VAT on invoice 7")  # fmt: skip
    assert (data["priority"], data["owner"], data["subject"]) == (
        "urgent", "grace", "Wrong VAT on invoice 7",
    )  # fmt: skip
    bad = crm("case", "edit", "1", "--priority", "asap")
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: ")
    assert crm.json("case", "show", "1")["priority"] == "urgent"


def test_open_cases_appear_in_today_most_urgent_first(crm, zoe):
    crm.ok("case", "open", "zoe@example.com", "Slow exports", "--priority", "low")
    crm.ok("case", "open", "zoe@example.com", "Cannot log in", "--priority", "urgent")
    crm.ok("case", "open", "zoe@example.com", "Solved already")
    crm.ok("case", "resolve", "3")
    lines = crm.ok("today").splitlines()
    at = lines.index("Open cases (2)")
    assert lines[at + 1].split() == ["#2", "Cannot", "log", "in", "Zoë", "Ölstad", "urgent",
                                     "opened", "today"]  # fmt: skip
    assert lines[at + 2].startswith("#1  Slow exports")
    data = crm.json("today")
    assert [c["subject"] for c in data["open_cases"]] == ["Cannot log in", "Slow exports"]
    assert data["open_cases"][0]["contact"] == "Zoë Ölstad"
    assert data["counts"]["open_cases"] == 2
    assert crm.json("today", "--owner", "nobody")["open_cases"] == []


def test_quiet_add_prints_only_the_new_id_for_scripts(crm, zoe):
    deal = crm.ok("deal", "add", "Renewal", "--contact", "zoe@example.com", "--value", "5", "-q")
    task = crm.ok("task", "add", "Call back", "--contact", "zoe@example.com", "--quiet")
    case = crm.ok("case", "open", "zoe@example.com", "Wrong VAT", "-q")
    assert (deal, task, case) == ("1\n", "1\n", "1\n")
    assert crm.ok("deal", "won", deal.strip()).startswith("Deal #1 Renewal is now won")
