"""One meaning of "the same email" on both engines: `contacts.email_key` (textfold.fold).

SQLite's `lower()` folds ASCII only, so "jürgen@" and "JÜRGEN@" were two contacts on SQLite
and one on PostgreSQL; a copy between them merged two people.
"""

from __future__ import annotations

import pytest
from store_helpers import database_at


def _same_person_twice(crm):
    crm.ok("contact", "add", "Jürgen Klein", "--email", "jürgen@example.com")
    again = crm("contact", "add", "Jürgen K.", "--email", "JÜRGEN@Example.com")
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: A contact with email jürgen@example.com exists")
    assert crm.json("contact", "show", "JÜRGEN@EXAMPLE.COM")["name"] == "Jürgen Klein"
    crm.ok("log", "call", "JÜRGEN@example.com", "Called about the offer")
    assert [c["name"] for c in crm.json("contact", "list")] == ["Jürgen Klein"]


def test_an_address_in_another_letter_case_is_the_same_contact(crm):
    _same_person_twice(crm)


@pytest.mark.postgres
def test_the_same_on_postgresql(crm, pg_url, monkeypatch):
    monkeypatch.setenv("TERMCRM_DB", pg_url)
    _same_person_twice(crm)


def test_an_import_finds_the_contact_by_its_folded_address(crm, tmp_path):
    crm.ok("contact", "add", "Jürgen Klein", "--email", "jürgen@example.com")
    people = tmp_path / "people.csv"
    people.write_text("name,email,phone\nJürgen,JÜRGEN@EXAMPLE.COM,+49 1\n", encoding="utf-8")
    crm.ok("import", "contacts", people, "--on-duplicate", "update")
    [only] = crm.json("contact", "list")
    assert (only["name"], only["phone"]) == ("Jürgen", "+49 1")
    calls = tmp_path / "calls.csv"
    calls.write_text(
        "contact_email,kind,summary,occurred_at\nJÜRGEN@example.com,call,Hi,2026-11-02\n",
        encoding="utf-8",
    )
    crm.ok("import", "interactions", calls)
    assert [i["contact_id"] for i in crm.json("interactions")] == [only["id"]]


def _database_at_0006_with_a_clash(db_path):
    """What an older termcrm on SQLite allowed: one address in two non-ASCII letter cases."""
    insert = (
        "insert into contacts (id, name, email, stage, created_at, updated_at) "
        "values (:i, :n, :e, 'lead', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    database_at(
        db_path,
        "0006",
        *(
            (insert, {"i": cid, "n": name, "e": email})
            for cid, name, email in (
                (1, "Jürgen Klein", "jürgen@example.com"),
                (2, "Jürgen Groß", "JÜRGEN@example.com"),
                (3, "Ada", "ADA@example.com"),
            )
        ),
    )


def test_migration_0007_reports_a_clash_instead_of_merging(crm, db_path):
    _database_at_0006_with_a_clash(db_path)
    first = crm("contact", "list", "--json")
    assert first.exit_code == 0
    assert "contact #2 <JÜRGEN@example.com> has the address of #1" in first.stderr
    assert len(crm.json("contact", "list")) == 3  # nobody merged, nobody lost
    assert crm.json("contact", "show", "ada@EXAMPLE.com")["name"] == "Ada"
    assert crm.json("contact", "show", "JÜRGEN@example.com")["id"] == 1

    check = crm("db", "check")
    assert check.exit_code == 1
    assert "contact #2 <JÜRGEN@example.com> has the address of #1" in check.stdout
    crm.ok("contact", "edit", "2", "--phone", "+49 2")  # still editable
    crm.ok("contact", "edit", "2", "--email", "juergen.gross@example.com")
    assert crm("db", "check").exit_code == 0
    assert crm.json("contact", "show", "juergen.gross@example.com")["id"] == 2


# -- search: one meaning on both engines --------------------------------------------------------


def _search(crm, *queries):
    return {q: [c["name"] for c in crm.json("contact", "list", "--search", q)] for q in queries}


SEARCHES = ("ölstad", "OLSTAD", "zoe", "Zoë", "strasse", "Öl")


def _people(crm):
    crm.ok("contact", "add", "Zoë Ölstad", "--tag", "Straße", "--email", "zoe@example.com")
    crm.ok("contact", "add", "Ada Lovelace")


def test_search_folds_case_and_accents_on_sqlite(crm, store):
    from termcrm.services import search

    _people(crm)
    found_fresh = _search(crm, *SEARCHES)  # changed contacts: matched as they stand
    with store.write() as s:
        search.refresh_index(s)  # folded into the index, as the TUI does
    assert _search(crm, *SEARCHES) == found_fresh == {q: ["Zoë Ölstad"] for q in SEARCHES}
    assert _search(crm, "love") == {"love": ["Ada Lovelace"]}


@pytest.mark.postgres
def test_search_folds_case_and_accents_on_postgresql(crm, pg_url, monkeypatch):
    monkeypatch.setenv("TERMCRM_DB", pg_url)
    _people(crm)
    assert _search(crm, *SEARCHES) == {q: ["Zoë Ölstad"] for q in SEARCHES}
