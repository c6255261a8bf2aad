"""`termcrm case ...`: open, list, show, resolve and reopen service cases."""

from __future__ import annotations

import csv
import io

import pytest


@pytest.fixture
def people(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    crm.ok("contact", "add", "Grace Hopper")


def test_open_then_show_json(crm, people):
    out = crm.ok("case", "open", "ada", "Invoice shows the wrong VAT", "--priority", "high")
    assert out == "Opened case #1 for Ada Lovelace: Invoice shows the wrong VAT\n"
    data = crm.json("case", "show", "1")
    assert data["contact"] == "Ada Lovelace"
    assert data["contact_id"] == 1
    assert data["subject"] == "Invoice shows the wrong VAT"
    assert data["priority"] == "high"
    assert data["status"] == "open"
    assert data["owner"] == "tester"  # the acting user by default
    assert data["opened_at"].startswith("2026-11-18T09:00:00")
    assert data["resolved_at"] is None


def test_open_json_and_defaults(crm, people):
    data = crm.json("case", "open", "grace", "Login fails", "--owner", "bob")
    assert (data["id"], data["priority"], data["owner"]) == (1, "normal", "bob")


def test_resolve_with_note_then_reopen(crm, people):
    crm.ok("case", "open", "ada", "Broken")
    assert crm.ok("case", "resolve", "1", "--note", "Credit note sent") == (
        "Resolved case #1: Broken\n"
    )
    data = crm.json("case", "show", "#1")
    assert data["status"] == "resolved"
    assert data["resolution_note"] == "Credit note sent"
    assert data["resolved_at"].startswith("2026-11-18T09:00:00")
    assert crm.ok("case", "reopen", "1") == "Reopened case #1: Broken\n"
    data = crm.json("case", "show", "1")
    assert (data["status"], data["resolved_at"], data["resolution_note"]) == ("open", None, None)


def test_resolving_a_resolved_case_and_reopening_an_open_one_conflict(crm, people):
    crm.ok("case", "open", "ada", "Broken")
    result = crm("case", "reopen", "1")
    assert result.exit_code == 1
    assert result.stderr == "Error: Case #1 is open already\n"
    crm.ok("case", "resolve", "1")
    result = crm("case", "resolve", "1", "--note", "again")
    assert result.exit_code == 1
    assert result.stderr == "Error: Case #1 is resolved already (reopen it first)\n"
    assert crm.json("case", "show", "1")["resolution_note"] is None  # nothing changed


def test_list_filters_and_formats(crm, people):
    crm.ok("case", "open", "ada", "One", "--owner", "alice")
    crm.ok("case", "open", "grace", "Two", "--owner", "bob")
    crm.ok("case", "open", "ada", "Three", "--owner", "Alice")
    crm.ok("case", "resolve", "2")
    assert [c["subject"] for c in crm.json("case", "list")] == ["One", "Two", "Three"]
    assert [c["subject"] for c in crm.json("case", "list", "--open")] == ["One", "Three"]
    assert [c["subject"] for c in crm.json("case", "list", "--resolved")] == ["Two"]
    assert [c["subject"] for c in crm.json("case", "list", "--owner", "alice")] == ["One", "Three"]
    assert [c["subject"] for c in crm.json("case", "list", "--contact", "grace")] == ["Two"]
    rows = list(csv.DictReader(io.StringIO(crm.ok("case", "list", "--csv"))))
    assert [r["status"] for r in rows] == ["open", "resolved", "open"]
    assert rows[0]["contact"] == "Ada Lovelace"
    table = crm.ok("case", "list", "--open")
    assert "One" in table and "Three" in table and "Two" not in table


def test_empty_list(crm):
    assert crm.json("case", "list") == []
    result = crm("case", "list")
    assert result.exit_code == 0
    assert result.stderr == "No cases match.\n"


def test_open_and_resolved_together_is_invalid(crm):
    result = crm("case", "list", "--open", "--resolved")
    assert result.exit_code == 2
    assert result.stderr == "Error: Use --open or --resolved, not both\n"


def test_bad_input_and_missing_records(crm, people):
    result = crm("case", "open", "ada", "X", "--priority", "asap")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Unknown priority 'asap'; choose one of: low, normal, high, urgent\n"
    )
    result = crm("case", "open", "ada", "  ")
    assert result.exit_code == 2
    assert result.stderr == "Error: Subject must not be empty\n"
    result = crm("case", "open", "nobody", "X")
    assert result.exit_code == 1
    assert result.stderr == "Error: No contact matches 'nobody'\n"
    for command in ("show", "resolve", "reopen"):
        result = crm("case", command, "7")
        assert result.exit_code == 1
        assert result.stderr == "Error: No case with id 7\n"
    result = crm("case", "show", "abc")
    assert result.exit_code == 2
    assert crm.json("case", "list") == []  # nothing was written


def test_cases_appear_in_the_contact_timeline(crm, people):
    crm.ok("case", "open", "ada", "Broken")
    data = crm.json("contact", "show", "ada")
    assert [c["subject"] for c in data["cases"]] == ["Broken"]
    assert {"type": "case", "at": data["cases"][0]["opened_at"], "id": 1} in data["timeline"]
    assert "Broken" in crm.ok("contact", "show", "ada")


def test_case_show_human(crm, people):
    crm.ok("case", "open", "ada", "Broken", "--priority", "urgent")
    crm.ok("case", "resolve", "1", "--note", "Fixed")
    out = crm.ok("case", "show", "1")
    assert out.splitlines()[0] == "Case #1: Broken"
    assert "Ada Lovelace (#1)" in out
    assert "urgent" in out
    assert "Fixed" in out
